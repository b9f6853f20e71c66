"""Response, interview, offer and ghosting rates with honest intervals.

Proportions get Wilson 95% intervals (written out in
:func:`jobstats.results.wilson` so counting never imports statsmodels; the Wald
interval is wrong for small counts). Ghosting is censoring-aware: the Kaplan–Meier probability of
no reply within ``ghost_days`` days, so recent applications are not counted as
ghosted before their time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from jobstats.results import (
    NOT_IN_DATA,
    as_list,
    finish,
    group_frame,
    replied_by,
    require_rows,
    resolve_data,
    sent_by,
    stage_rank,
    wilson,
)
from jobstats.risksets import reply_durations, shared_steps
from jobstats.schema import STAGE_RANK, has_info
from jobstats.timing import MIN_N as _TIMING_MIN_N
from jobstats.timing import reply_within

__all__ = ["rates", "proportion_rows", "MIN_N", "MEASURES"]

#: Fewer applications than this in a group: no estimate (NaN and a note).
MIN_N: int = _TIMING_MIN_N
#: Measures of :func:`rates`, in output order.
MEASURES: tuple[str, ...] = ("response", "interview", "offer", "ghosting")

_COLUMNS = ["measure", "n", "events", "estimate", "ci_low", "ci_high", "method", "note"]


def rates(
    data: Any,
    *,
    by: str | Sequence[str] | None = None,
    as_of: Any = None,
    ghost_days: int = 30,
) -> pd.DataFrame:
    """Response, interview, offer and ghosting rates, overall or by group.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` returned (its as-of date is used), or a
        canonical applications table.
    by : str or list of str, optional
        Columns to break down by (``source``, ``title``, ``company``,
        ``client``, any extra column, or the derived ``"applied_week"``).
        Missing values form the group ``"(missing)"``, so counts add up.
    as_of : date-like, optional
        Snapshot date (default: the loaded data's, else today, resolved at
        call time). Applications sent after it are left out (see
        ``.attrs["warnings"]``); a reply dated after it is not counted.
    ghost_days : int
        Ghosting = no reply within this many days of applying.

    Returns
    -------
    ResultTable
        One row per group and measure: ``[*by, measure, n, events, estimate,
        ci_low, ci_high, method, note]``.

        * ``response``: reply on record by ``as_of`` (any reply, rejection
          included), Wilson interval. Not censoring-aware: recent
          applications lower it; see ``ghosting`` and :mod:`jobstats.timing`.
        * ``interview`` / ``offer``: furthest stage at least interview / offer.
        * ``ghosting``: 1 - P(reply within ``ghost_days``) from
          :func:`~jobstats.timing.reply_within` (censoring-aware, undated
          replies imputed); ``events`` = applications followed for
          ``ghost_days`` days without a reply (known ghosted).

        With no event the estimate is 0 and the interval runs from 0 to the
        Wilson upper bound (never 0-0). A measure the file cannot record (no
        reply information at all, as in a LinkedIn export; no interview
        information) is NaN with the note "not in the data", never 0; when
        files are pooled, the applications from files without the
        information are left out of that measure and counted in its note.
        Groups with fewer than :data:`MIN_N` applications get NaN estimates
        and a note.

    Examples
    --------
    >>> from jobstats.simulate import simulate_search
    >>> apps, _ = simulate_search(120, seed=4)
    >>> table = rates(apps, by="source", as_of="2025-07-01")
    >>> sorted(table["measure"].unique())
    ['ghosting', 'interview', 'offer', 'response']
    """
    applications, _, as_of_ts = resolve_data(data, None, as_of)
    require_rows(applications, "rates")
    cols = as_list(by)
    groups = group_frame(applications, cols)
    sent = sent_by(applications, as_of_ts)
    warnings: list[str] = []
    if (~sent).any():
        rows = applications.loc[~sent, "row"].tolist() if "row" in applications.columns else []
        warnings.append(
            f"{int((~sent).sum())} application(s) dated after the as-of date {as_of_ts.date()} are "
            f"left out of the rates (rows {', '.join(map(str, rows[:10]))}); pass a later as_of."
        )
    rank = stage_rank(applications["stage"]).fillna(0).to_numpy()[sent]
    info = {"reply": has_info(applications, "reply").to_numpy()[sent],
            "interview": has_info(applications, "interview").to_numpy()[sent]}
    flags = {"response": np.asarray(replied_by(applications, as_of_ts))[sent],
             "interview": rank >= STAGE_RANK["interview"],
             "offer": rank >= STAGE_RANK["offer"]}
    g = groups[sent]
    if cols:
        # one group-by for the keys and each application's group (keys' order);
        # the counts are then sums of integers per group code
        grouped = g.groupby(cols, sort=True, dropna=False, observed=True)
        keys = grouped.size().reset_index()[cols]  # as jobstats.results.group_keys
        code = grouped.ngroup().to_numpy()
    else:
        keys = pd.DataFrame(index=[0])
        code = np.zeros(len(g), dtype=np.int64)
    # the three proportions as numpy columns, measure after measure (the rows
    # proportion_rows gives), then one DataFrame: pandas' cost here was per operation
    columns: dict[str, list[Any]] = {c: [] for c in ("measure", "n", "events", "estimate",
                                                      "ci_low", "ci_high", "note")}
    for measure, kind in (("response", "reply"), ("interview", "interview"),
                          ("offer", "interview")):
        known = info[kind]
        # (counts of the selected codes: integers, no float weight per application)
        n, k, out_ = (np.bincount(code[w], minlength=len(keys)).astype(np.int64)
                      for w in (known, flags[measure] & known, ~known))
        est, lo, hi, notes = _proportion(n, k, out_, kind)
        for col, values in (("measure", [measure] * len(n)), ("n", n), ("events", k),
                            ("estimate", est), ("ci_low", lo), ("ci_high", hi),
                            ("note", notes)):
            columns[col].append(values)
    props = keys.iloc[np.tile(np.arange(len(keys)), 3)].reset_index(drop=True) if cols \
        else pd.DataFrame(index=range(3))
    for col, parts in columns.items():
        props[col] = (np.concatenate(parts) if col not in ("measure", "note")
                      else [v for part in parts for v in part])
    props["method"] = "proportion, Wilson 95% CI"
    out_rows = [props]
    # (the table itself when all were sent: shared_steps then reuses its durations;
    # the block also lets reply_within and _ghosting share them inside this call)
    with shared_steps():
        ghost, ghost_warnings = _ghosting(applications if sent.all() else applications[sent],
                                          cols, keys, as_of_ts, ghost_days)
    out_rows.append(ghost)
    out = pd.concat(out_rows, ignore_index=True)
    small = (out["n"] < MIN_N) & (out["n"] > 0)
    if small.any():
        out.loc[small, ["estimate", "ci_low", "ci_high"]] = np.nan
        out.loc[small, "note"] = [f"too few applications (n={k})" for k in out.loc[small, "n"]]
    if cols:  # (without groups the rows are already in the order of MEASURES)
        out["measure"] = pd.Categorical(out["measure"], categories=MEASURES, ordered=True)
        out = out.sort_values([*cols, "measure"], kind="stable").reset_index(drop=True)
    out["measure"] = out["measure"].astype("str")
    out["n"] = out["n"].astype(np.int64)
    out["events"] = out["events"].astype(np.int64)
    out = out[[*cols, *_COLUMNS]]
    return finish(out, title="Response, interview, offer and ghosting rates", as_of=as_of_ts,
                  n_applications=int(sent.sum()), warnings=warnings + ghost_warnings)


_NONE = "none so far: the interval gives an upper bound"


def proportion_rows(sub: pd.DataFrame, measure: str, kind: str) -> pd.DataFrame:
    """Estimate, Wilson interval and note of a rate from its counts.

    ``sub`` has ``n`` (applications whose file records ``kind``), ``events``
    and ``_out`` (applications from files that do not record ``kind``), one
    row per group; the seam that lets counts from :mod:`jobstats.engine` give
    the same rows as :func:`rates`.
    """
    est, lo, hi, notes = _proportion(sub["n"].to_numpy(), sub["events"].to_numpy(),
                                     sub["_out"].to_numpy(), kind)
    return sub.assign(measure=measure, estimate=est, ci_low=lo, ci_high=hi,
                      method="proportion, Wilson 95% CI", note=notes)


def _proportion(n: np.ndarray, k: np.ndarray, out_: np.ndarray, kind: str
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Estimate, Wilson interval and note of each group (numpy in, numpy out)."""
    lo, hi = wilson(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = k / np.where(n > 0, n, np.nan)
    what = "reply" if kind == "reply" else "interview"
    notes = []
    for n_, k_, o_ in zip(n.tolist(), k.tolist(), out_.tolist()):
        if n_ == 0 and o_ > 0:
            notes.append(f"{NOT_IN_DATA}: the file has no {what} information")
        elif o_ > 0:
            notes.append(f"{int(o_)} application(s) from files with no {what} information "
                         "left out")
        elif n_ > 0 and k_ == 0:
            notes.append(_NONE)
        else:
            notes.append("")
    small = (n < MIN_N) & (n > 0)
    if small.any():
        estimate, lo, hi = (np.where(small, np.nan, a) for a in (estimate, lo, hi))
        notes = [f"too few applications (n={n_})" if s_ else note
                 for n_, s_, note in zip(n.tolist(), small, notes)]
    return estimate, lo, hi, notes


def _ghosting(
    apps: pd.DataFrame, cols: list[str], keys: pd.DataFrame, as_of: pd.Timestamp,
    ghost_days: int
) -> tuple[pd.DataFrame, list[str]]:
    """Censoring-aware ghosting rows: 1 - P(reply within ghost_days) (reply_within)."""
    within = reply_within(apps, (ghost_days,), by=cols or None, as_of=as_of)
    dur, _ = reply_durations(apps, as_of=as_of)
    # known ghosted: followed for ghost_days days with no reply
    replied_in_time = dur["event"] & (dur["time"] <= ghost_days)
    ghosted = (dur["use"] & (dur["time"] >= ghost_days) & ~replied_in_time).astype(np.int64)
    if cols:
        g = group_frame(apps, cols).assign(_ghosted=ghosted.to_numpy())
        known = g.groupby(cols, sort=True, dropna=False)["_ghosted"].sum().reset_index()
        out = keys.merge(known, how="left", on=cols)
        out = out.merge(within[[*cols, "n", "estimate", "ci_low", "ci_high", "bounds_low",
                                "bounds_high", "note"]], how="left", on=cols)
    else:
        out = within[["n", "estimate", "ci_low", "ci_high", "bounds_low", "bounds_high",
                      "note"]].copy()
        out["_ghosted"] = int(ghosted.sum())
    out["events"] = out.pop("_ghosted").fillna(0).astype(np.int64)
    out["n"] = out["n"].fillna(0).astype(np.int64)
    est = 1 - out["estimate"]
    out["ci_low"], out["ci_high"] = 1 - out["ci_high"], 1 - out["ci_low"]
    out["estimate"] = est
    out["measure"] = "ghosting"
    out["method"] = f"1 - P(reply within {ghost_days} days) (Kaplan-Meier), 95% CI"
    # the notes, one group at a time (a few rows: a Python loop, not masked pandas writes)
    notes = out["note"].astype(object).fillna("").tolist()
    rows = zip(notes, out["bounds_low"].tolist(), out["bounds_high"].tolist(),
               out["estimate"].isna().tolist())
    for i, (note, lo, hi, no_estimate) in enumerate(rows):
        if not math.isnan(lo):
            note = (f"{note.split(';')[0]}; if they came as early / late as possible: "
                    f"{1 - hi:.3f} to {1 - lo:.3f}")
        if no_estimate and note == "":
            # a group whose applications all come from files without reply information
            # has no row in reply_within: say so instead of leaving a silent NaN
            note = f"{NOT_IN_DATA}: the file has no reply information"
        if "no reply yet by this day" in note:
            note = "no reply seen: the interval gives a lower bound"
        notes[i] = note
    out["note"] = pd.Series(notes, index=out.index, dtype=object)
    return out.drop(columns=["bounds_low", "bounds_high"]), list(within.attrs["warnings"])
