"""Stage-to-stage conversion: where in the funnel a search loses applications.

Each step goes from one stage the tracker records to the next (applied ->
replied -> screen -> interview -> offer). Counts use the furthest stage reached
(an application interviewed and then rejected passed the reply and the
interview). Where both stages have dates (reply date, interview date, offer
date) the conversion is censoring-aware: the Kaplan–Meier chance of reaching
the next stage within ``horizon`` days of reaching this one, so applications
still waiting are not counted as lost. Elsewhere it is the plain share, with
the number still open said in the note.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from jobstats.comparisons import split_loaded
from jobstats.results import replied_by, stage_rank, wilson
from jobstats.schema import STAGE_RANK, STAGES, AnalysisError, has_info

# The one place that reaches into the timing code: the lead may rename modules.
from jobstats.timing import MIN_N, km_from_counts

__all__ = ["ACTIVE_STATUSES", "stage_conversion"]

#: Current statuses meaning "still in process": the outcome of the step is not known yet.
ACTIVE_STATUSES: frozenset[str] = frozenset({"applied", "screen", "interview", "offer"})
#: Event kind holding the date a stage was reached (stages without one: share only).
_EVENT_OF_STAGE = {"interview": "interview", "offer": "offer"}
_COLUMNS = [
    "step", "from_stage", "to_stage", "n", "events", "share", "share_ci_low", "share_ci_high",
    "still_open", "estimate", "ci_low", "ci_high", "loses_most", "method", "note",
]


def _stage_dates(apps: pd.DataFrame, events: pd.DataFrame | None) -> dict[str, pd.Series]:
    """Date each application reached each dated stage (NaT when unknown)."""
    out = {
        "applied": pd.to_datetime(apps["applied_on"]).dt.normalize(),
        "replied": pd.to_datetime(apps["first_reply_on"]).dt.normalize(),
    }
    for stage, kind in _EVENT_OF_STAGE.items():
        s = pd.Series(pd.NaT, index=apps.index, dtype="datetime64[ns]")
        if events is not None and len(events):
            ev = events[(events["kind"] == kind) & events["date"].notna()]
            first = pd.to_datetime(ev["date"]).dt.normalize().groupby(ev["application_id"]).min()
            first = first[~first.index.duplicated()]
            found = first.reindex(apps["application_id"].to_numpy()).to_numpy()
            s = pd.Series(pd.to_datetime(found), index=apps.index, dtype="datetime64[ns]")
        out[stage] = s
    return out


def _km_within(time: np.ndarray, event: np.ndarray, horizon: int) -> tuple[float, float, float]:
    """Kaplan–Meier chance of the event within ``horizon`` days, with its 95% interval.

    NaN when nobody is followed to ``horizon`` (unless all had the event).
    """
    size = int(time.max()) + 1
    leave = np.bincount(time, minlength=size)
    risk = pd.DataFrame({
        "day": np.arange(size),
        "at_risk": np.cumsum(leave[::-1])[::-1],
        "replied": np.bincount(time[event], minlength=size),
    })
    risk = risk[risk["at_risk"] > 0]
    curve = km_from_counts(risk)
    upto = curve[curve["day"] <= horizon]
    followed = bool((curve["day"] >= horizon).any()) or float(curve["estimate"].iloc[-1]) == 1.0
    if not len(upto) or not followed:
        return np.nan, np.nan, np.nan
    last = upto.iloc[-1]
    return float(last["estimate"]), float(last["ci_low"]), float(last["ci_high"])


def stage_conversion(
    data: Any,
    events: pd.DataFrame | None = None,
    *,
    as_of: Any = None,
    horizon: int = 60,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Conversion at each step of the funnel, and the step where the search loses most.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` returned (its events are used), or a
        canonical applications table (then pass ``events`` for interview and
        offer dates).
    events : pandas.DataFrame, optional
        Canonical events table, when ``data`` is a DataFrame.
    as_of : date-like, optional
        Snapshot date; default the one the data was loaded with, else today.
    horizon : int
        Days after reaching a stage within which reaching the next one counts,
        for the censoring-aware estimate.
    min_n : int
        Steps with fewer applications at the start get NaN and a note.

    Returns
    -------
    pandas.DataFrame
        One row per step, ``[step, from_stage, to_stage, n, events, share,
        share_ci_low, share_ci_high, still_open, estimate, ci_low, ci_high,
        loses_most, method, note]``. ``n`` = applications that reached
        ``from_stage``, ``events`` = of them, reached ``to_stage``; ``share`` =
        events / n (Wilson 95%); ``still_open`` = stopped at ``from_stage``
        and still in process (outcome of the step unknown). ``estimate`` is
        the censoring-aware Kaplan–Meier chance of reaching ``to_stage`` within
        ``horizon`` days when both stages have dates, else the share.
        ``loses_most`` marks the step with the lowest conversion.

        A stage is left out when the tracker does not record it (nobody
        stopped there but some went past it, e.g. no "screen" status), and the
        step offer -> accepted only appears when some offer was accepted (it is
        the applicant's choice, not a loss). ``attrs``: ``as_of``,
        ``n_applications``, ``horizon_days``, ``skipped`` (stages left out,
        with the reason), ``verdict`` (one plain sentence), ``assumption``.

    Examples
    --------
    >>> from jobstats.simulate import simulate_search
    >>> apps, events = simulate_search(200, seed=3)
    >>> table = stage_conversion(apps, events, as_of="2025-07-01")
    >>> table["step"].iloc[0]
    'applied → replied'
    """
    apps, as_of_ts = split_loaded(data, as_of)
    if events is None and hasattr(data, "events"):
        events = data.events
    applied = pd.to_datetime(apps["applied_on"]).dt.normalize()
    # a file with no reply information says nothing about any later stage
    apps = apps[(applied <= as_of_ts).to_numpy() & has_info(apps, "reply").to_numpy()]
    if apps.empty:
        raise AnalysisError(
            "No application with reply information (and sent by the as-of date): the stages "
            "after applying are unknown, not empty."
        )
    rank = stage_rank(apps["stage"]).fillna(0).to_numpy()
    # a reply dated after the as-of date is not on record yet
    rank = np.where(
        (rank >= STAGE_RANK["replied"]) & ~replied_by(apps, as_of_ts), 0, rank
    )
    status = apps["status"].astype(object).to_numpy() if "status" in apps.columns else None
    reached = {s: int(np.sum(rank >= STAGE_RANK[s])) for s in STAGES}
    stopped = {s: int(np.sum(rank == STAGE_RANK[s])) for s in STAGES}
    kept, skipped = ["applied"], {}
    for s in STAGES[1:-1]:
        if stopped[s] == 0 and reached[s] > 0:
            skipped[s] = (f"the tracker does not record a '{s}' stage (nobody stopped there, "
                          f"{reached[s]} went past it)")
        else:
            kept.append(s)
    if reached["accepted"] > 0:
        kept.append("accepted")
    dates = _stage_dates(apps, events)

    rows = []
    for a, b in itertools.pairwise(kept):
        at_a = rank >= STAGE_RANK[a]
        to_b = rank >= STAGE_RANK[b]
        n, k = int(at_a.sum()), int(to_b.sum())
        open_ = 0
        if status is not None:
            open_ = int(np.sum(at_a & ~to_b & np.isin(status, list(ACTIVE_STATUSES))))
        rec: dict[str, Any] = {"step": f"{a} → {b}", "from_stage": a, "to_stage": b,
                               "n": n, "events": k, "still_open": open_}
        notes = []
        lo, hi = wilson([k], [n])
        rec.update(share=k / n if n else np.nan, share_ci_low=lo[0], share_ci_high=hi[0])
        est, e_lo, e_hi, method = rec["share"], lo[0], hi[0], "share of those who reached " + a
        if a in dates and b in dates:
            da, db = dates[a][at_a], dates[b][at_a]
            t_event = (db - da).dt.days
            t_cens = (as_of_ts - da).dt.days
            known_a = da.notna().to_numpy()
            reached_b = to_b[at_a]
            event = reached_b & t_event.notna().to_numpy() & (t_event <= t_cens).to_numpy()
            # reached b with no usable date for it: leaving these out would bias the
            # chance down (an undated step is still a step), so then only the share
            undated_b = int(np.sum(known_a & reached_b & ~event))
            usable = known_a & ~(t_event < 0).to_numpy()
            if undated_b:
                notes.append(f"{undated_b} of the {k} that reached {b} have no usable {b} "
                             "date: the plain share is shown")
            elif usable.sum() >= min_n:
                te = t_event.to_numpy(dtype=float, na_value=np.nan)
                tc = t_cens.to_numpy(dtype=float, na_value=np.nan)
                time = np.where(event, np.nan_to_num(te), tc)[usable].astype(np.int64)
                km = _km_within(time, event[usable], horizon)
                if not np.isnan(km[0]):
                    est, e_lo, e_hi = km
                    method = (f"Kaplan-Meier chance of reaching {b} within {horizon} days of "
                              f"reaching {a}, log-log 95% CI")
                    if (~usable).sum():
                        notes.append(f"{int((~usable).sum())} without usable {a}/{b} dates left "
                                     "out of the estimate")
                else:
                    notes.append(f"nobody followed {horizon} days after reaching {a}: "
                                 "the plain share is shown")
        if method.startswith("share"):
            method += ", Wilson 95% CI"
            if open_:
                notes.append(f"{open_} still open at this stage (not counted as lost): the "
                             f"final share can be higher, up to {(k + open_) / n:.0%}")
        if n < min_n:
            est = e_lo = e_hi = np.nan
            rec.update(share=np.nan, share_ci_low=np.nan, share_ci_high=np.nan)
            notes = [f"too few applications reached {a} (n={n})"]
        elif est == 0 and e_hi == 0:
            e_hi = float(wilson([0], [n])[1][0])  # never a 0-0 interval
        rec.update(estimate=est, ci_low=e_lo, ci_high=e_hi, method=method,
                   note="; ".join(notes))
        rows.append(rec)
    out = pd.DataFrame(rows, columns=[c for c in _COLUMNS if c != "loses_most"])
    losses = out[(out["to_stage"] != "accepted") & out["estimate"].notna()]
    out["loses_most"] = False
    verdict = "Too few applications at any step to say where this search loses most."
    if len(losses):
        worst = losses["estimate"].idxmin()
        out.loc[worst, "loses_most"] = True
        verdict = _verdict(out, worst, losses, horizon)
    out = out[_COLUMNS]
    for c in ("n", "events", "still_open"):
        out[c] = out[c].astype(np.int64)
    out.attrs.update(
        as_of=as_of_ts, n_applications=len(apps), horizon_days=int(horizon),
        skipped=skipped, verdict=verdict,
        assumption=(
            "Counts use the furthest stage each application reached. Where dates allow, "
            f"an application still waiting counts only for the days observed (the chance "
            f"of moving on within {horizon} days); elsewhere applications still open "
            "are shown apart, not counted as lost."
        ),
    )
    return out


def _verdict(out: pd.DataFrame, worst: int, losses: pd.DataFrame, horizon: int) -> str:
    """The weakest step and the step losing most applications, in plain words."""
    r = out.loc[worst]
    how = (f"within {horizon} days" if r["method"].startswith("Kaplan") else "so far")
    stop = 1 - r["estimate"]
    text = (
        f"The weakest step is {r['from_stage']} → {r['to_stage']}: {r['estimate']:.0%} "
        f"(95% CI {r['ci_low']:.0%}-{r['ci_high']:.0%}) of the {r['n']} applications that "
        f"reached {r['from_stage']} went on to {r['to_stage']} {how}; about "
        f"{stop:.0%} stop there."
    )
    close = [
        out.at[i, "step"] for i in losses.index
        if i != worst and out.at[i, "estimate"] <= r["ci_high"]
    ]
    if close:
        text += (f" With this few applications the data cannot tell it apart from "
                 f"{', '.join(close)}.")
    # stopped for good: neither moved on nor still waiting at that stage
    lost = (out["n"] - out["events"] - out["still_open"])[out["to_stage"] != "accepted"]
    if len(lost) and lost.idxmax() != worst and lost.max() > 0:
        big = out.loc[lost.idxmax()]
        text += (f" In numbers, most applications are lost at {big['from_stage']} → "
                 f"{big['to_stage']}: {lost.max()} of {big['n']} stopped there"
                 + (f" ({big['still_open']} more still open)." if big["still_open"] else "."))
    return text
