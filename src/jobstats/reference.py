"""How do I compare? The user's rates against published references or a coach's cohort.

Shown as a difference with an interval, never as a percentile of a handful
of people. Two kinds of reference:

* the table shipped with the package (:func:`reference_table`): aggregate
  numbers of a public, MIT-licensed personal tracker and numbers published in
  studies and surveys, each with its citation. Searches differ a lot (field,
  seniority, country, channel, what counts as a reply), so the difference says
  how far this search is from that one, not whether it is "good";
* a coach's cohort (a folder of files, each file a client): each client's
  search counts once, and the spread between clients is reported.

Intervals of differences use the MOVER method (Newcombe 1998; Zou & Donner
2008): the difference's limits combine each side's own 95% limits. For two
Wilson intervals it is Newcombe's hybrid score interval (checked against
statsmodels' ``confint_proportions_2indep(method="newcomb")`` in the tests);
it also combines Kaplan–Meier or cohort intervals. When a published number
comes without a sample size, its side has no interval and the difference's
interval covers only the user's uncertainty (said in the note).
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from jobstats.comparisons import split_loaded, undated_check
from jobstats.results import MISSING, replied_by, stage_rank, wilson
from jobstats.risksets import reply_durations
from jobstats.schema import STAGE_RANK, InputError, has_info

# The one place that reaches into the timing code: the lead may rename modules.
from jobstats.timing import MIN_N, reply_within

__all__ = ["MEASURES", "compare_to_reference", "mover", "reference_table", "user_measures"]

#: Measures compared, with the plain words shown to the user.
MEASURES: dict[str, str] = {
    "response": "replies on record (any reply, rejections included), share of applications",
    "reply within 7 days": "chance of a reply within 7 days of applying (censoring-aware)",
    "reply within 14 days": "chance of a reply within 14 days of applying (censoring-aware)",
    "reply within 30 days": "chance of a reply within 30 days of applying (censoring-aware)",
    "reply within 45 days": "chance of a reply within 45 days of applying (censoring-aware)",
    "positive reply": "invitation to a screen or interview (or a direct offer), share of "
    "applications",
}
_REFERENCE_FILE = "reference_rates.csv"
_COLUMNS = [
    "measure", "reference", "n", "events", "user_estimate", "user_ci_low", "user_ci_high",
    "reference_estimate", "reference_ci_low", "reference_ci_high", "reference_n",
    "estimate", "ci_low", "ci_high", "method", "note",
]


def reference_table() -> pd.DataFrame:
    """The reference numbers shipped with jobstats, one row per source and measure.

    Returns
    -------
    pandas.DataFrame
        ``[reference, measure, estimate, ci_low, ci_high, n, events, population,
        citation, licence, note]``. ``n``/``events`` are empty when the source
        gives no sample size for that number (then so are ``ci_low``/``ci_high``).
        The tracker rows are aggregates computed by
        ``scripts/make_reference_data.py`` from the published file; no row
        of anyone's tracker is shipped. Measures not among :data:`MEASURES`
        (e.g. average days to respond) are context, not compared.
    """
    path = importlib.resources.files("jobstats.datasets").joinpath(_REFERENCE_FILE)
    with path.open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh)
    for c in ("estimate", "ci_low", "ci_high", "n", "events"):
        table[c] = pd.to_numeric(table[c], errors="coerce").astype(float)
    for c in ("reference", "measure", "population", "citation", "licence", "note"):
        table[c] = table[c].fillna("").astype(str)
    return table


def mover(
    p1: float, l1: float, u1: float, p2: float, l2: float, u2: float
) -> tuple[float, float, float]:
    """Difference ``p1 - p2`` and its interval from each side's own limits (MOVER).

    ``lower = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)``, ``upper = d + sqrt((u1 - p1)^2 +
    (p2 - l2)^2)`` (Zou & Donner 2008). With Wilson limits on both sides this is
    Newcombe's hybrid score interval; a side given without limits (``l = u = p``)
    adds no uncertainty. Hand-written: statsmodels offers it only from counts.
    """
    d = p1 - p2
    return d, d - float(np.hypot(p1 - l1, u2 - p2)), d + float(np.hypot(u1 - p1, p2 - l2))


def user_measures(applications: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The measures of :data:`MEASURES` for one search.

    Returns
    -------
    pandas.DataFrame
        ``[measure, n, events, estimate, ci_low, ci_high, method, note]``; NaN with a
        note when the search has too few applications or too little follow-up.
    """
    applied = pd.to_datetime(applications["applied_on"]).dt.normalize()
    known = has_info(applications, "reply").to_numpy()
    apps = applications[(applied <= as_of).to_numpy() & known]
    n = len(apps)
    if not known.any():
        return pd.DataFrame({
            "measure": list(MEASURES), "n": 0, "events": 0, "estimate": np.nan,
            "ci_low": np.nan, "ci_high": np.nan, "method": "",
            "note": "the file records no replies (unknown is not 'no reply')"})
    rows = []
    rank = stage_rank(apps["stage"]).fillna(0).to_numpy()
    replied = replied_by(apps, as_of)
    for measure, hit in (("response", replied),
                         ("positive reply", (rank >= STAGE_RANK["screen"]) & replied)):
        k = int(hit.sum())
        lo, hi = wilson([k], [n])
        rows.append({"measure": measure, "n": n, "events": k, "estimate": k / n if n else np.nan,
                     "ci_low": lo[0], "ci_high": hi[0],
                     "method": "share, Wilson 95% CI", "note": ""})
    days = (7, 14, 30, 45)
    within = reply_within(apps, days, as_of=as_of) if n else pd.DataFrame()
    undated = 0
    if n:
        dur, _ = reply_durations(apps, as_of=as_of)
        undated = int((dur["reason"] == "reply (per stage) without a reply date").sum())
    for d in days:
        rec = {"measure": f"reply within {d} days", "n": n, "events": int(replied.sum()),
               "method": "Kaplan-Meier, log-log 95% CI"}
        row = within[within["days"] == d].iloc[0] if len(within) else None
        drop, why = undated_check(int(replied.sum()), undated, d)
        if row is None or pd.isna(row["estimate"]) or drop:
            note = why if drop else ("no usable dates" if row is None else str(row["note"]))
            rec.update(estimate=np.nan, ci_low=np.nan, ci_high=np.nan, note=note)
        else:
            rec.update(estimate=row["estimate"], ci_low=row["ci_low"], ci_high=row["ci_high"],
                       note=why)
        rows.append(rec)
    out = pd.DataFrame(rows)
    small = out["n"] < MIN_N
    out.loc[small, ["estimate", "ci_low", "ci_high"]] = np.nan
    out.loc[small, "note"] = f"too few applications (n={n})"
    return out


def _cohort_reference(cohort: pd.DataFrame, as_of: pd.Timestamp) -> tuple[pd.DataFrame, dict]:
    """Reference rows from a cohort: the mean over clients, each search counted once.

    The interval is a t-interval over the clients' estimates, so it carries
    both each client's own noise and how different the searches are.
    """
    if "client" not in cohort.columns:
        raise InputError("The cohort has no 'client' column: load it with jobstats.load_many "
                         "(each file a client) or pass a folder of files.")
    clients = cohort["client"].astype(object).where(cohort["client"].notna(), MISSING)
    per_client = []
    for name, apps in cohort.groupby(clients.to_numpy(), sort=True):
        m = user_measures(apps, as_of)
        m["client"] = name
        per_client.append(m)
    per = pd.concat(per_client, ignore_index=True)
    rows, spread = [], {}
    for measure, g in per.groupby("measure", sort=False):
        est = g["estimate"].dropna().to_numpy(float)
        k = len(est)
        rec = {"reference": f"cohort ({k} of {g['client'].nunique()} clients with an "
                            "estimate)", "measure": measure, "n": float(g["n"].sum()),
               "events": np.nan, "population": "coach's cohort", "citation": "",
               "licence": "", "note": ""}
        if k >= 3:
            mean, sd = float(est.mean()), float(est.std(ddof=1))
            half = float(student_t.ppf(0.975, k - 1)) * sd / np.sqrt(k)
            rec.update(estimate=mean, ci_low=max(0.0, mean - half), ci_high=min(1.0, mean + half))
            spread[measure] = (
                f"Across the {k} clients, {measure}: from {est.min():.0%} to {est.max():.0%} "
                f"(middle half {np.percentile(est, 25):.0%}-{np.percentile(est, 75):.0%})."
            )
        else:
            rec.update(estimate=np.nan, ci_low=np.nan, ci_high=np.nan,
                       note=f"only {k} client(s) with an estimate: too few to describe the cohort")
        rows.append(rec)
    return pd.DataFrame(rows), spread


def _as_cohort(reference: Any, as_of: pd.Timestamp) -> pd.DataFrame:
    """The cohort's applications from a LoadResult, table, folder or list of files."""
    if hasattr(reference, "applications"):
        return reference.applications
    if isinstance(reference, pd.DataFrame):
        return reference
    from jobstats.io import load_many  # only when a folder or files are given

    if isinstance(reference, (str, Path)):
        folder = Path(reference)
        if not folder.is_dir():
            raise InputError(f"Cohort {str(folder)!r} is not a folder; pass a folder of tracker "
                             "files (each file a client) or a list of files.")
        paths = sorted(p for p in folder.iterdir()
                       if p.is_file() and not p.name.startswith((".", "~$")))
    elif isinstance(reference, Sequence):
        paths = [Path(p) for p in reference]
    else:
        raise InputError(f"reference={type(reference).__name__} is not understood: pass None "
                         "(the bundled references), a folder or list of files, or a loaded cohort.")
    if not paths:
        raise InputError(f"Cohort folder {str(reference)!r} holds no files.")
    return load_many(paths, as_of=as_of).applications


def compare_to_reference(
    data: Any, reference: Any = None, *, as_of: Any = None
) -> pd.DataFrame:
    """The user's rates minus each reference's, with 95% intervals.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        The user's search (what :func:`jobstats.load` returned, or an
        applications table).
    reference : None, folder, list of files, LoadResult or DataFrame
        ``None``: the references shipped with jobstats (:func:`reference_table`).
        A folder or list of tracker files, or a loaded multi-client table: a
        coach's cohort, each client one search.
    as_of : date-like, optional
        Snapshot date of the user's data (and of the cohort).

    Returns
    -------
    pandas.DataFrame
        One row per measure and reference: ``measure``, ``reference``, the
        user's ``n``, ``events``, ``user_estimate`` and interval, the
        reference's ``reference_estimate``, interval and ``reference_n``, and
        the difference user minus reference in ``estimate``, ``ci_low``,
        ``ci_high`` (MOVER/Newcombe 95%), ``method``, ``note``. ``attrs``:
        ``as_of``, ``n_applications``, ``spread`` (dict measure -> how
        different the references or clients are, in words), ``sources``
        (citations), ``assumption``.

    Examples
    --------
    >>> from jobstats.simulate import simulate_search
    >>> apps, _ = simulate_search(200, seed=3)
    >>> table = compare_to_reference(apps, as_of="2025-07-01")
    >>> "response" in set(table["measure"])
    True
    """
    apps, as_of_ts = split_loaded(data, as_of)
    mine = user_measures(apps, as_of_ts).set_index("measure")
    if reference is None:
        ref = reference_table()
        ref = ref[ref["measure"].isin(list(MEASURES))]
        spread = _published_spread(ref)
        cohort_mode = False
    else:
        ref, spread = _cohort_reference(_as_cohort(reference, as_of_ts), as_of_ts)
        cohort_mode = True
    rows = []
    for _, r in ref.iterrows():
        u = mine.loc[r["measure"]]
        rec = {"measure": r["measure"], "reference": r["reference"], "n": int(u["n"]),
               "events": int(u["events"]), "user_estimate": u["estimate"],
               "user_ci_low": u["ci_low"], "user_ci_high": u["ci_high"],
               "reference_estimate": r["estimate"], "reference_n": r["n"]}
        has_ci = pd.notna(r["ci_low"]) and pd.notna(r["ci_high"])
        rec["reference_ci_low"] = r["ci_low"] if has_ci else np.nan
        rec["reference_ci_high"] = r["ci_high"] if has_ci else np.nan
        notes = [x for x in (u["note"], r["note"]) if x]
        if pd.isna(u["estimate"]) or pd.isna(r["estimate"]):
            rec.update(estimate=np.nan, ci_low=np.nan, ci_high=np.nan)
            if pd.isna(u["estimate"]) and not u["note"]:
                notes.append("no estimate for this search")
        else:
            lo2, hi2 = (r["ci_low"], r["ci_high"]) if has_ci else (r["estimate"],) * 2
            d, lo, hi = mover(u["estimate"], u["ci_low"], u["ci_high"], r["estimate"], lo2, hi2)
            rec.update(estimate=d, ci_low=lo, ci_high=hi)
            if not has_ci:
                notes.append("the reference gives no sample size: the interval covers only "
                             "this search's uncertainty")
        if r["measure"] == "response" and not cohort_mode:
            notes.append("a share of replies on record: applications still waiting lower "
                         "it, compare the censoring-aware 'reply within' rows too")
        rec["method"] = ("difference (this search minus reference), MOVER/Newcombe 95% CI; "
                         + ("cohort: mean over clients, t-interval" if cohort_mode
                            else f"this search: {u['method']}"))
        rec["note"] = "; ".join(notes)
        rows.append(rec)
    out = pd.DataFrame(rows, columns=_COLUMNS)
    out["n"] = out["n"].astype(np.int64)
    out["events"] = out["events"].astype(np.int64)
    sources = [] if cohort_mode else sorted({
        f"{c} ({lic})" if lic else c for c, lic in zip(ref["citation"], ref["licence"])
    })
    out.attrs.update(
        as_of=as_of_ts, n_applications=len(apps), spread=spread, sources=sources,
        assumption=(
            "Differences are this search minus the reference. Searches differ in field, "
            "seniority, country, channel and in what counts as a reply, so a difference "
            "describes how far this search is from that one, not a grade; "
            + ("each client of the cohort counts once." if cohort_mode else
               "published numbers without a sample size add no uncertainty of their own.")
        ),
    )
    return out


def _published_spread(ref: pd.DataFrame) -> dict[str, str]:
    """How different the bundled references are, per measure, in words."""
    out = {}
    for measure, g in ref.groupby("measure", sort=False):
        parts = [f"{r['reference']}: {r['estimate']:.1%}" for _, r in g.iterrows()]
        if len(g) > 1:
            out[measure] = (f"The references differ from {g['estimate'].min():.1%} to "
                            f"{g['estimate'].max():.1%} ({'; '.join(parts)}).")
        else:
            out[measure] = f"One reference only ({parts[0]})."
    return out
