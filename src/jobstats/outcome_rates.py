"""Response, interview, offer and ghosting rates with honest intervals.

Proportions get Wilson 95% intervals (statsmodels ``proportion_confint`` with
``method="wilson"``; its default is the Wald interval, which is wrong for
small counts). Ghosting is censoring-aware: the Kaplan–Meier probability of
no reply within ``ghost_days`` days, so recent applications are not counted as
ghosted before their time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from jobstats.results import (
    as_list,
    group_frame,
    replied_by,
    require_rows,
    resolve_as_of,
    stage_rank,
    wilson,
)
from jobstats.risksets import reply_durations
from jobstats.schema import STAGE_RANK, AnalysisError
from jobstats.timing import MIN_N as _TIMING_MIN_N
from jobstats.timing import reply_within

__all__ = ["rates", "MIN_N", "MEASURES"]

#: Fewer applications than this in a group: no estimate (NaN and a note).
MIN_N: int = _TIMING_MIN_N
#: Measures of :func:`rates`, in output order.
MEASURES: tuple[str, ...] = ("response", "interview", "offer", "ghosting")

_COLUMNS = ["measure", "n", "events", "estimate", "ci_low", "ci_high", "method", "note"]


def rates(
    applications: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    as_of: Any = None,
    ghost_days: int = 30,
) -> pd.DataFrame:
    """Response, interview, offer and ghosting rates, overall or by group.

    Parameters
    ----------
    applications : pandas.DataFrame
        Canonical applications table.
    by : str or list of str, optional
        Columns to break down by (``source``, ``title``, ``company``,
        ``client``, any extra column, or the derived ``"applied_week"``).
        Missing values form the group ``"(missing)"``, so counts add up.
    as_of : date-like, optional
        Snapshot date (default today, resolved at call time). Applications
        sent after it are left out (see ``.attrs["warnings"]``); a reply dated
        after it is not counted.
    ghost_days : int
        Ghosting = no reply within this many days of applying.

    Returns
    -------
    pandas.DataFrame
        One row per group and measure: ``[*by, measure, n, events, estimate,
        ci_low, ci_high, method, note]``.

        * ``response``: reply on record by ``as_of`` (any reply, rejection
          included), Wilson interval. Not censoring-aware: recent
          applications lower it; see ``ghosting`` and :mod:`jobstats.timing`.
        * ``interview`` / ``offer``: furthest stage at least interview / offer.
        * ``ghosting``: 1 - P(reply within ``ghost_days``) by Kaplan–Meier,
          log-log interval; ``events`` = applications followed for
          ``ghost_days`` days without a reply (known ghosted);
          ``n`` = applications usable for time to reply.

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
    require_rows(applications, "rates")
    as_of_ts = resolve_as_of(as_of)
    cols = as_list(by)
    groups = group_frame(applications, cols)
    applied = pd.to_datetime(applications["applied_on"]).dt.normalize()
    sent = (applied <= as_of_ts).to_numpy()
    warnings: list[str] = []
    if not sent.any():
        raise AnalysisError(
            f"All {len(sent)} applications are dated after the as-of date {as_of_ts.date()}; "
            "pass a later as_of."
        )
    if (~sent).any():
        rows = applications.loc[~sent, "row"].tolist() if "row" in applications.columns else []
        warnings.append(
            f"{int((~sent).sum())} application(s) dated after the as-of date {as_of_ts.date()} are "
            f"left out of the rates (rows {', '.join(map(str, rows[:10]))}); pass a later as_of."
        )
    rank = stage_rank(applications["stage"]).fillna(0).to_numpy()
    flags = pd.DataFrame(
        {
            "response": replied_by(applications, as_of_ts),
            "interview": rank >= STAGE_RANK["interview"],
            "offer": rank >= STAGE_RANK["offer"],
        },
        index=applications.index,
    )[sent]
    g = groups[sent]
    out_rows = []
    for measure in ("response", "interview", "offer"):
        if cols:
            keys = [g[c] for c in cols]
            sub = flags[measure].groupby(keys, sort=True, dropna=False).agg(["size", "sum"])
            sub = sub.reset_index()
        else:
            f = flags[measure]
            sub = pd.DataFrame({"size": [int(f.size)], "sum": [int(f.sum())]})
        sub = sub.rename(columns={"size": "n", "sum": "events"})
        sub["measure"] = measure
        lo, hi = wilson(sub["events"], sub["n"])
        sub["estimate"] = sub["events"] / sub["n"]
        sub["ci_low"], sub["ci_high"] = lo, hi
        sub["method"] = "proportion, Wilson 95% CI"
        sub["note"] = pd.NA
        out_rows.append(sub)
    dur, dur_warnings = reply_durations(applications[sent], as_of=as_of_ts)
    out_rows.append(_ghosting(applications[sent], dur, cols, as_of_ts, ghost_days))
    out = pd.concat(out_rows, ignore_index=True)
    small = out["n"] < MIN_N
    out.loc[small, ["estimate", "ci_low", "ci_high"]] = np.nan
    out["note"] = out["note"].astype(object)
    out.loc[small, "note"] = [f"too few applications (n={k})" for k in out.loc[small, "n"]]
    out["measure"] = pd.Categorical(out["measure"], categories=MEASURES, ordered=True)
    out = out.sort_values([*cols, "measure"], kind="stable").reset_index(drop=True)
    out["measure"] = out["measure"].astype("str")
    out["n"] = out["n"].astype(np.int64)
    out["events"] = out["events"].astype(np.int64)
    out = out[[*cols, *_COLUMNS]]
    out.attrs["warnings"] = warnings + dur_warnings
    return out


def _ghosting(
    apps: pd.DataFrame, dur: pd.DataFrame, cols: list[str], as_of: pd.Timestamp, ghost_days: int
) -> pd.DataFrame:
    """Censoring-aware ghosting rows: 1 - KM P(reply within ghost_days).

    ``dur`` is :func:`~jobstats.risksets.reply_durations` of ``apps``.
    """
    g = group_frame(apps, cols)
    g["n"] = dur["use"].astype(np.int64)
    # known ghosted: followed for ghost_days days with no reply (the estimate
    # also uses the partial follow-up of the others)
    replied_in_time = dur["event"] & (dur["time"] <= ghost_days)
    g["events"] = (dur["use"] & (dur["time"] >= ghost_days) & ~replied_in_time).astype(np.int64)
    if cols:
        counts = g.groupby(cols, sort=True, dropna=False)[["n", "events"]].sum().reset_index()
    else:
        counts = pd.DataFrame({"n": [int(g["n"].sum())], "events": [int(g["events"].sum())]})
    usable = apps[dur["use"].to_numpy()]
    if len(usable):
        within = reply_within(usable, (ghost_days,), by=cols or None, as_of=as_of)
        keep = within[[*cols, "estimate", "ci_low", "ci_high", "note"]]
        if cols:
            counts = counts.merge(keep, how="left", on=cols)
        else:
            counts = pd.concat([counts, keep], axis=1)
    else:
        counts[["estimate", "ci_low", "ci_high"]] = np.nan
        counts["note"] = "no usable dates"
    est = 1 - counts["estimate"]
    counts["ci_low"], counts["ci_high"] = 1 - counts["ci_high"], 1 - counts["ci_low"]
    counts["estimate"] = est
    counts["measure"] = "ghosting"
    counts["method"] = f"1 - Kaplan-Meier P(reply within {ghost_days} days), log-log 95% CI"
    counts["note"] = counts["note"].astype(object).where(counts["note"].notna(), pd.NA)
    return counts
