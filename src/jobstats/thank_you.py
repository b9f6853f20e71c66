"""Thank-you notes after an interview, compared on a landmark design.

Comparing "sent a thank-you" with "did not" after the fact manufactures a
gradient: a note counts only if it came before the next round, so a late note
after a quick next round becomes "never", and "sent later" is by construction
the group that had not yet advanced. The landmark design avoids that: fix a
day ``L`` after the first interview, keep only the interviews with no next
round yet by day ``L`` (all still waiting, on the same footing), group them by
what had happened by day ``L`` (thank-you sent on the same or next day, sent
later but by day ``L``, not sent by day ``L``), and compare the chance of
advancing afterwards. Still descriptive: people who write fast thank-you
notes may differ in other ways.

Counting only: no statsmodels or scipy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jobstats.results import NOT_IN_DATA, finish, require_rows, resolve_data, stage_rank, wilson
from jobstats.schema import STAGE_RANK, InputError

__all__ = ["thank_you_timing", "MIN_GROUP"]

#: Fewer interviews than this in a group: no estimate (NaN and a note).
MIN_GROUP: int = 5

_ASSUMPTION = (
    "Descriptive, not causal: interviews still waiting for a next round on day {L} after the "
    "interview are grouped by whether a thank-you had been sent by then; people who send "
    "thank-you notes may differ in other ways. Dates are calendar days, so 'same or next "
    "day' is not 'within 24 hours'."
)


def _labels(landmark: int) -> tuple[str, str, str]:
    return ("same or next day", f"day 2 to {landmark}", f"not sent by day {landmark}")


def _first_dates(ev: pd.DataFrame, kind: str) -> pd.Series:
    return ev[ev["kind"] == kind].groupby("application_id")["_day"].min()


def thank_you_timing(
    data: Any,
    events: pd.DataFrame | None = None,
    *,
    as_of: Any = None,
    landmark_days: int = 3,
    min_days: int = 14,
) -> pd.DataFrame:
    """Chance of advancing after a first interview, by thank-you status at a landmark day.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` returned, or a canonical applications table.
    events : pandas.DataFrame, optional
        Canonical events table (taken from ``data`` when it is a LoadResult).
    as_of : date-like, optional
        Snapshot date (default: the loaded data's, else today).
    landmark_days : int
        The landmark ``L`` (days after the first interview, at least 2).
    min_days : int
        Interviews whose landmark is fewer than this many days before
        ``as_of`` are left out (too recent to see what came next), counted in
        ``.attrs["warnings"]``.

    Returns
    -------
    ResultTable
        ``[thank_you, n, events, estimate, ci_low, ci_high, method, note]``,
        one row per group: ``"same or next day"`` (thank-you dated the
        interview day or the next), ``"day 2 to L"``, ``"not sent by day
        L"`` (none yet, including notes sent after day L). ``n`` = first
        interviews with no next round (later interview or offer) by day L,
        ``events`` = those that advanced afterwards (a later interview or an
        offer by ``as_of``), Wilson 95% interval; NaN and a note below
        :data:`MIN_GROUP`. Interviews that advanced by day L are left out
        and counted in ``.attrs["warnings"]``. With no thank-you note on
        record at all the estimates are NaN, "not in the data" (a file
        without a thank-you column cannot say "not sent").

    Examples
    --------
    >>> from jobstats.simulate import simulate_search
    >>> apps, events = simulate_search(3000, seed=6)
    >>> thank_you_timing(apps, events, as_of="2025-06-30")["thank_you"].tolist()
    ['same or next day', 'day 2 to 3', 'not sent by day 3']
    """
    applications, events, as_of_ts = resolve_data(data, events, as_of)
    require_rows(applications, "thank-you timing")
    if events is None:
        raise InputError("thank_you_timing needs the events table: pass events=, or the "
                         "result of jobstats.load().")
    landmark = int(landmark_days)
    if landmark < 2:
        raise InputError(f"landmark_days={landmark_days!r}: use 2 or more days.")
    ev = events[events["date"].notna()]
    ev = ev.assign(_day=pd.to_datetime(ev["date"]).dt.normalize())
    ev = ev[ev["_day"] <= as_of_ts]
    iv = ev[ev["kind"] == "interview"]
    first = iv.groupby("application_id")["_day"].min()
    later_iv = iv[iv["_day"] > iv["application_id"].map(first)]
    next_round = pd.concat([later_iv.groupby("application_id")["_day"].min(),
                            _first_dates(ev, "offer")], axis=1).min(axis=1)
    next_round = next_round.reindex(first.index)
    ty = ev[ev["kind"] == "thank_you"]
    ty = ty[ty["_day"] >= ty["application_id"].map(first)]
    ty_day = ty.groupby("application_id")["_day"].min().reindex(first.index)

    landmark_day = first + pd.Timedelta(days=landmark)
    recent = (as_of_ts - landmark_day).dt.days < min_days
    advanced_early = next_round <= landmark_day
    keep = ~recent & ~advanced_early
    stage = applications.drop_duplicates("application_id").set_index("application_id")["stage"]
    offer = (stage_rank(stage).reindex(first.index).fillna(0) >= STAGE_RANK["offer"])
    # advanced afterwards: a dated next round after L, or an offer on record (undated)
    advanced = (next_round > landmark_day) | offer
    gap = (ty_day - first).dt.days
    labels = _labels(landmark)
    cat = np.select([gap.le(1).to_numpy(), gap.le(landmark).to_numpy()], labels[:2], labels[2])
    rows = []
    for lab in labels:
        m = keep.to_numpy() & (cat == lab)
        n, k = int(m.sum()), int((m & advanced.to_numpy()).sum())
        lo, hi = wilson([k], [n])
        rec = {"thank_you": lab, "n": n, "events": k,
               "estimate": k / n if n else np.nan, "ci_low": float(lo[0]),
               "ci_high": float(hi[0]), "method": f"landmark day {landmark}, Wilson 95% CI",
               "note": ""}
        if n < MIN_GROUP:
            rec.update(estimate=np.nan, ci_low=np.nan, ci_high=np.nan)
            rec["note"] = f"too few interviews (n={n})"
        elif k == 0:
            rec["note"] = "none advanced: the interval gives an upper bound"
        rows.append(rec)
    if ty.empty:  # no note at all: the file most likely has no thank-you column
        for rec in rows:
            rec.update(estimate=np.nan, ci_low=np.nan, ci_high=np.nan,
                       note=f"{NOT_IN_DATA}: no thank-you note on record")
    warnings = []
    if int((advanced_early & ~recent).sum()):
        warnings.append(
            f"{int((advanced_early & ~recent).sum())} interview(s) with a next round or offer by "
            f"day {landmark} left out: they were no longer waiting at the landmark."
        )
    if int(recent.sum()):
        warnings.append(
            f"{int(recent.sum())} interview(s) less than {landmark + min_days} days before "
            f"{as_of_ts.date()} left out: too recent to see what came next."
        )
    return finish(pd.DataFrame(rows), title="Advancing after an interview, by thank-you note",
                  as_of=as_of_ts, n_applications=len(applications), warnings=warnings,
                  assumption=_ASSUMPTION.format(L=landmark))
