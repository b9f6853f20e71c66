"""Weekly activity counts: applications sent, first replies and follow-ups per week.

Plain counting (pandas only, no statistics library): the table behind
:func:`jobstats.plotting.weekly_activity_chart`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jobstats.results import resolve_data, week_applied
from jobstats.schema import NO_REPLY_INFO, STAGE_RANK, AnalysisError, InputError, has_info

__all__ = ["weekly_activity"]

_COLUMNS = ["week", "applications", "replies", "follow_ups"]


def weekly_activity(
    data: Any, events: pd.DataFrame | None = None, *, as_of: Any = None
) -> pd.DataFrame:
    """Applications sent, first replies received and follow-ups sent, per week.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` returns (its applications, events and
        as-of date are used), or a canonical applications table.
    events : pandas.DataFrame, optional
        Canonical events table (for follow-ups); taken from ``data`` when it
        is a load result.
    as_of : date-like, optional
        Snapshot date; default the load result's, else today (resolved at
        call time). Anything dated after it is not counted.

    Returns
    -------
    pandas.DataFrame
        ``[week, applications, replies, follow_ups]``: one row per week
        (``week`` is its Monday) from the first application's week to the
        as-of week, weeks without activity included as 0. ``replies`` are
        first replies (rejections included) by the date of the reply, from
        files that record replies (all NaN, "unknown", when none does: a
        LinkedIn export says nothing about replies, which is not 0);
        ``follow_ups`` are dated follow-up events (NaN when no file records
        follow-ups). ``attrs``: ``as_of``,
        ``n_applications`` (sent by as-of), ``undated_replies``,
        ``undated_follow_ups`` (known but not placed in a week), ``note``.

    Examples
    --------
    >>> from jobstats.simulate import simulate_search
    >>> apps, ev = simulate_search(60, seed=1)
    >>> table = weekly_activity(apps, ev, as_of="2025-07-01")
    >>> int(table["applications"].sum()) == table.attrs["n_applications"]
    True
    """
    applications, events, as_of_ts = resolve_data(data, events, as_of)
    if len(applications) == 0:
        raise AnalysisError("No applications to count weekly activity from: the table is empty.")
    if "applied_on" not in applications.columns:
        raise InputError(
            "The applications table has no 'applied_on' column; load the file with "
            "jobstats.load() so it has the canonical columns."
        )
    applied = pd.to_datetime(applications["applied_on"]).dt.normalize()
    sent = applied <= as_of_ts
    apps = applications[sent.to_numpy()]
    if not len(apps):
        return _empty(as_of_ts)
    first_week = week_applied(apps["applied_on"]).min()
    last_week = as_of_ts - pd.Timedelta(days=as_of_ts.day_of_week)
    weeks = pd.date_range(first_week, last_week, freq="7D")

    def per_week(dates: pd.Series) -> pd.Series:
        d = pd.to_datetime(dates).dt.normalize()
        d = d[d.notna() & (d <= as_of_ts)]
        return week_applied(d).value_counts().reindex(weeks, fill_value=0)

    # replies only from files that record them: the others' silence is not "no reply"
    info = has_info(apps, "reply")
    with_info = apps[info.to_numpy()]
    reply_on = (with_info["first_reply_on"] if "first_reply_on" in apps.columns
                else pd.Series(pd.NaT, index=with_info.index))
    # a stage of "replied" or further with no reply date: a reply, but no week for it
    rank = with_info["stage"].astype(object).map(STAGE_RANK).astype(float).fillna(0)
    replied = rank >= STAGE_RANK["replied"]
    undated_replies = int((replied & pd.to_datetime(reply_on).isna()).sum())
    replies = per_week(reply_on).to_numpy()
    no_info = int((~info).sum())
    fu_dates = pd.Series([], dtype="datetime64[ns]")
    undated_fu = 0
    fu_known = apps[has_info(apps, "followup").to_numpy()]
    if events is not None and len(events):
        fu = events[(events["kind"] == "follow_up")
                    & events["application_id"].isin(fu_known["application_id"])]
        fu_dates = fu["date"]
        undated_fu = int(fu["date"].isna().sum())
    out = pd.DataFrame(
        {
            "week": weeks,
            "applications": per_week(apps["applied_on"]).to_numpy(),
            "replies": replies if len(with_info) else np.full(len(weeks), np.nan),
            "follow_ups": (per_week(fu_dates).to_numpy() if len(fu_known)
                           else np.full(len(weeks), np.nan)),
        }
    )
    notes = []
    if not len(with_info):
        notes.append(f"replies unknown: {NO_REPLY_INFO}")
    elif no_info:
        notes.append(f"replies counted only from files that record them ({no_info} "
                     "application(s) from files with no reply information)")
    if not len(fu_known):
        notes.append("follow-ups unknown: your file does not record sent follow-ups")
    elif len(fu_known) < len(apps):
        notes.append("follow-ups counted only from files that record them "
                     f"({len(apps) - len(fu_known)} application(s) from files without)")
    if undated_replies:
        notes.append(f"{undated_replies} repl{'y' if undated_replies == 1 else 'ies'} without a "
                     "date (known from the status) are not in any week")
    if undated_fu:
        notes.append(f"{undated_fu} follow-up(s) without a date are not in any week")
    left_out = int((~sent).sum())
    if left_out:
        notes.append(f"{left_out} application(s) dated after the as-of date are left out")
    out.attrs.update(
        as_of=as_of_ts,
        n_applications=len(apps),
        undated_replies=undated_replies,
        undated_follow_ups=undated_fu,
        note=_sentence("; ".join(notes)),
    )
    return out


def _sentence(text: str) -> str:
    """First letter up, a full stop (``str.capitalize`` would lower "LinkedIn")."""
    return text[:1].upper() + text[1:] + "." if text else ""


def _empty(as_of: pd.Timestamp) -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series([], dtype="int64") for c in _COLUMNS})
    out["week"] = pd.Series([], dtype="datetime64[ns]")
    out.attrs.update(as_of=as_of, n_applications=0, undated_replies=0, undated_follow_ups=0,
                     note="No application was sent by the as-of date.")
    return out
