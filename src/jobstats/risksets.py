"""Aggregated daily risk sets: the one table every time-aware estimator reads.

Time is counted in whole days since applying (``day 0`` = the application
day). For each group (and follow-up state) and day the table says how many
applications were still waiting for a first reply at the start of that day
(``at_risk``), how many got it that day (``replied``) and how many leave the
record that day without one (``censored``: the as-of date is reached).

Kaplan–Meier curves, Aalen–Johansen incidences and the discrete-time hazard
model of follow-ups are all computed from these counts, so a million
applications reduce to a few thousand rows by a vectorised group-by (the same
group-by a database could run).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np
import pandas as pd

from jobstats.results import (
    as_list,
    group_codes,
    group_frame,
    has_str_dtype,
    number_combinations,
    require_rows,
    resolve_as_of,
    stage_rank,
)
from jobstats.schema import STAGE_RANK, AnalysisError, has_info

__all__ = ["daily_risk_sets", "reply_durations", "followup_days", "require_usable", "NEVER",
           "UNDATED_REASON", "NO_REPLY_INFO_REASON", "shared_steps", "shared_groups",
           "exclusion_warning"]

#: ``reason`` of a reply on record (by its stage) without a date.
UNDATED_REASON = "reply (per stage) without a reply date"
#: ``reason`` of an application from a file that records no replies at all.
NO_REPLY_INFO_REASON = "its file holds no reply information (e.g. a LinkedIn export)"

#: Day of an event that never happens: later than any day, and safe to add to.
NEVER: int = np.iinfo(np.int64).max // 4


#: Results of :func:`reply_durations` / :func:`followup_days` inside a
#: :func:`shared_steps` block: (step, id of the tables, as-of) -> (tables, result).
_SHARED: ContextVar[dict | None] = ContextVar("jobstats_shared_steps", default=None)


@contextmanager
def shared_steps() -> Iterator[None]:
    """Compute :func:`reply_durations` and :func:`followup_days` once per table
    inside this block.

    A summary runs several estimators on the same tables (rates, reply curve,
    follow-up effect, policy) and each starts from these per-application steps;
    on a million applications recomputing them is most of the work. The block
    keys results on the identity of the tables passed (kept alive meanwhile, so
    an id is never reused) and the as-of date, and hands out copies, so no
    caller sees another's changes. Use it only while the tables do not change
    (one analysis call); nested blocks share the outer one.
    """
    token = _SHARED.set({}) if _SHARED.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _SHARED.reset(token)


def _shared(step: str, tables: tuple[Any, ...], as_of: pd.Timestamp, compute: Any
            ) -> tuple[Any, ...]:
    """``compute()`` once per (step, tables, as_of) inside :func:`shared_steps`."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    key = (step, tuple(id(t) for t in tables), as_of)
    hit = memo.get(key)
    if hit is None or any(a is not b for a, b in zip(hit[0], tables)):
        hit = memo[key] = (tables, compute())
    out, warnings, *rest = hit[1]
    return (out.copy(), list(warnings), *rest)


def shared_groups(applications: pd.DataFrame, cols: list[str]
                  ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """:func:`~jobstats.results.group_frame` of ``applications`` by ``cols`` and its
    :func:`~jobstats.results.group_codes` (keys, code), once per table inside
    :func:`shared_steps`.

    The rates and the reply curves they read group the same table the same way; on a
    search of a few dozen applications that grouping (pandas per column) cost as much
    as the counting. The frame is a copy; the keys and codes are shared: read them,
    do not change them.
    """
    def compute() -> tuple[Any, ...]:
        groups = group_frame(applications, cols)
        return (groups, [], *group_codes(groups, cols))

    groups, _, keys, code = _shared(f"groups {cols!r}", (applications,), None, compute)
    return groups, keys, code


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Whole calendar days between two datetime Series (NaN where missing)."""
    return (pd.to_datetime(later).dt.normalize() - pd.to_datetime(earlier).dt.normalize()).dt.days


def _waits(applied: pd.Series, reply_on: pd.Series, as_of_ts: pd.Timestamp
           ) -> tuple[np.ndarray, np.ndarray]:
    """Whole days from applying to ``as_of`` and to the first reply (float, NaN where
    a date is missing), as :func:`_days` counts them."""
    naive = (isinstance(applied.dtype, np.dtype) and isinstance(reply_on.dtype, np.dtype)
             and as_of_ts.tz is None)
    if not naive:  # (time zones: pandas' normalize, in local time)
        censor = (as_of_ts - applied.dt.normalize()).dt.days
        return censor.to_numpy(dtype=float), _days(reply_on, applied).to_numpy(dtype=float)
    # numpy's day unit floors a time to its date, as normalize does: no Series of
    # Timedeltas per step
    a = applied.to_numpy().astype("datetime64[D]")
    r = reply_on.to_numpy().astype("datetime64[D]")
    as_of_day = as_of_ts.to_datetime64().astype("datetime64[D]")
    censor = (as_of_day - a).astype(np.int64).astype(float)
    reply = (r - a).astype(np.int64).astype(float)
    censor[np.isnat(a)] = np.nan
    reply[np.isnat(a) | np.isnat(r)] = np.nan
    return censor, reply


def reply_durations(
    applications: pd.DataFrame, *, as_of: Any = None
) -> tuple[pd.DataFrame, list[str]]:
    """Per application: follow-up time in days and whether a reply is on record.

    Parameters
    ----------
    applications : pandas.DataFrame
        Canonical applications table.
    as_of : date-like, optional
        Snapshot date (default: today, resolved at call time). A reply dated
        after it is not on record: the application is censored at ``as_of``.

    Returns
    -------
    durations : pandas.DataFrame
        Same index as ``applications``; columns ``time`` (int days: the reply
        day, else the censoring day), ``event`` (bool: reply on record),
        ``use`` (bool: usable for time-to-reply estimates) and ``reason``
        (why not usable, else NA).
    warnings : list of str
        One message per kind of excluded application, with counts and rows.
    """
    require_rows(applications, "time to reply")
    as_of_ts = resolve_as_of(as_of)
    return _shared("durations", (applications,), as_of_ts,
                   lambda: _reply_durations(applications, as_of_ts))


#: ``reason`` of :func:`reply_durations` by code (0: the application is used).
_REASONS = (pd.NA, "no applied date", "applied after the as-of date",
            "reply dated before the application", NO_REPLY_INFO_REASON, UNDATED_REASON)


def _reply_durations(applications: pd.DataFrame, as_of_ts: pd.Timestamp
                     ) -> tuple[pd.DataFrame, list[str]]:
    applied = pd.to_datetime(applications["applied_on"])
    censor, reply_np = _waits(applied, pd.to_datetime(applications["first_reply_on"]), as_of_ts)
    rank = stage_rank(applications["stage"]).fillna(0)
    event = ~np.isnan(reply_np) & (reply_np <= censor)  # (NaN compares False)
    time = np.where(event, reply_np, censor)
    # Why an application is left out, as a code into _REASONS (0: used); the
    # first reason that applies wins. Integer masks: no object Series of a
    # million rows written five times.
    code = np.zeros(len(applications), dtype=np.intp)
    code[applied.isna().to_numpy()] = 1
    code[censor < 0] = 2
    free = code == 0
    code[free & ~np.isnan(reply_np) & (reply_np < 0)] = 3
    code[(code == 0) & ~has_info(applications, "reply").to_numpy(dtype=bool)] = 4
    code[(code == 0) & np.isnan(reply_np) & (rank >= STAGE_RANK["replied"]).to_numpy()] = 5
    use = pd.Series(code == 0, index=applications.index)
    reason = pd.Series(np.array(_REASONS, dtype=object)[code], index=applications.index,
                       dtype="object")
    warnings = []
    labels = applications["row"] if "row" in applications.columns else applications.index
    for k in pd.unique(code[code > 0]):  # in order of first appearance
        why = _REASONS[k]
        pos = np.flatnonzero(code == k)  # positions: the index may repeat labels
        rows = pd.Series(labels).iloc[pos].tolist()
        shown = ", ".join(map(str, rows[:10])) + (" ..." if len(rows) > 10 else "")
        warnings.append(exclusion_warning(why, len(pos), shown))
    out = pd.DataFrame(
        {
            "time": np.where(np.isnan(time), -1, time).astype(np.int64),
            "event": event,
            "use": use.to_numpy(dtype=bool),
            "reason": reason,
        },
        index=applications.index,
    )
    return out, warnings


def exclusion_warning(why: str, count: int, shown: str) -> str:
    """The warning for ``count`` applications left out for reason ``why`` (rows ``shown``).

    The pandas path and the engines (:mod:`jobstats.engine.source`) say it alike.
    A reply without a date is left out only where the day of the reply is needed
    (the reply curves impute it and say so), so its warning says that much.
    """
    if why == UNDATED_REASON:
        return (f"{count} application(s) left out of the estimates that need the day of the "
                "reply (such as the median days to reply and the follow-up estimates): "
                f"{why} (rows {shown}).")
    return (f"{count} application(s) left out of time-to-reply estimates: {why} "
            f"(rows {shown})" + ("" if why == NO_REPLY_INFO_REASON else "; check their dates."))


def require_usable(durations: pd.DataFrame, warnings: list[str]) -> None:
    """Raise :class:`AnalysisError` when no application can be used for timing."""
    if not durations["use"].any():
        raise AnalysisError(
            "No application can be used for time-to-reply estimates: "
            + " ".join(warnings)
        )


def followup_days(
    applications: pd.DataFrame, events: pd.DataFrame | None, *, as_of: Any = None
) -> tuple[pd.DataFrame, list[str]]:
    """Days after applying of the first and second dated follow-up, per application.

    Follow-ups dated after ``as_of`` are not on record; undated ones and ones
    dated before the application are ignored (counted in a warning).

    Returns
    -------
    days : pandas.DataFrame
        Index as ``applications``; ``first``, ``second`` (float days, NaN when
        none) and ``channel`` (channel of the first follow-up, NA if unknown).
    warnings : list of str
    """
    as_of_ts = resolve_as_of(as_of)
    out, warnings, _ = _shared("followup_days", (applications, events), as_of_ts,
                               lambda: _followup_days(applications, events, as_of_ts))
    return out, warnings


def _followup_days_kept(applications: pd.DataFrame, events: pd.DataFrame | None,
                        as_of_ts: pd.Timestamp, keep: np.ndarray
                        ) -> tuple[pd.DataFrame, list[str]]:
    """:func:`followup_days` of ``applications[keep]``, cut from the whole table's
    (computed once for the estimators sharing it) when the ids are unique."""
    full, _, (unique, early, undated_msg) = _shared(
        "followup_days", (applications, events), as_of_ts,
        lambda: _followup_days(applications, events, as_of_ts))
    if not unique:  # which row a repeated id means depends on the rows: recompute
        return followup_days(applications[keep], events, as_of=as_of_ts)
    warnings = [undated_msg] if undated_msg else []
    n_early = int(early[keep].sum())
    if n_early:
        warnings.append(_early_message(n_early))
    return full[keep], warnings


def _early_message(n: int) -> str:
    return (f"{n} follow-up(s) dated before their application are ignored; "
            "check those dates.")


def _followup_days(applications: pd.DataFrame, events: pd.DataFrame | None,
                   as_of_ts: pd.Timestamp) -> tuple[pd.DataFrame, list[str], tuple]:
    """``followup_days`` and, for :func:`_followup_days_kept`: whether the ids are
    unique, the count of early follow-ups per application, the undated warning."""
    n = len(applications)
    warnings: list[str] = []
    if events is None or len(events) == 0:
        out = pd.DataFrame(
            {"first": np.nan, "second": np.nan,
             "channel": np.full(len(applications), pd.NA, dtype=object)},
            index=applications.index,
        )
        return out, warnings, (True, np.zeros(n, np.int64), "")
    # the columns used, not the whole events table, filtered
    wanted = [c for c in ("application_id", "date", "channel") if c in events.columns]
    fu = events[wanted][(events["kind"] == "follow_up").to_numpy(dtype=bool, na_value=False)]
    undated = int(fu["date"].isna().sum())
    undated_msg = ""
    if undated:
        undated_msg = (
            f"{undated} follow-up(s) have no date and are ignored by the time-aware analysis "
            "(when they were sent matters): an application whose follow-ups are all undated "
            "counts there as not followed up; add follow-up dates to use them."
        )
        warnings.append(undated_msg)
    fu = fu[fu["date"].notna()]
    # Position of each follow-up's application (its first row with that id): one
    # factorize of both id columns, no index of a million strings built and checked
    # (str columns stay pyarrow strings: hashed by pyarrow, no Python string each).
    ids = pd.concat([applications["application_id"], fu["application_id"]],
                    ignore_index=True)
    codes = pd.factorize(ids)[0]
    if np.array_equal(codes[:n], np.arange(n)):
        # (codes count first appearances: the ids are unique, none missing, and an
        # id's code is its application's position; no sort of a million codes)
        unique = True
        app_pos = np.where(codes[n:] < n, codes[n:], -1)
    else:
        first_of = np.full(int(codes.max()) + 2 if len(codes) else 1, -1, dtype=np.int64)
        app_codes, first_idx = np.unique(codes[:n], return_index=True)
        unique = len(app_codes) == n and (n == 0 or app_codes[0] >= 0)
        first_of[app_codes] = first_idx  # (code -1, a missing id, stays unmatched)
        app_pos = first_of[codes[n:]]
    matched = app_pos >= 0
    pos_m = app_pos[matched]
    date = fu["date"].to_numpy(dtype="datetime64[ns]")[matched].astype("datetime64[D]")
    applied = pd.to_datetime(applications["applied_on"]).to_numpy(
        dtype="datetime64[ns]").astype("datetime64[D]")
    day = (date - applied[pos_m]).astype(np.int64)  # (NaT: the smallest int, so "early")
    late = date > np.datetime64(as_of_ts.normalize(), "D")
    early = day < 0
    if early.any():
        warnings.append(_early_message(int(early.sum())))
    early_per_app = np.bincount(pos_m[early], minlength=n)
    ok = ~late & ~early
    pos_k, day_k = pos_m[ok], day[ok]
    order = np.lexsort((day_k, pos_k))  # by application, then day (stable)
    pos_s, day_s = pos_k[order], day_k[order]
    start = np.r_[True, pos_s[1:] != pos_s[:-1]] if len(pos_s) else np.empty(0, bool)
    run_start = np.maximum.accumulate(np.where(start, np.arange(len(pos_s)), 0))
    rank = np.arange(len(pos_s)) - run_start
    # positional, so a non-unique index of the applications table is fine
    first_day = np.full(n, np.nan)
    second_day = np.full(n, np.nan)
    first_day[pos_s[rank == 0]] = day_s[rank == 0]
    second_day[pos_s[rank == 1]] = day_s[rank == 1]
    channel: Any = None
    if "channel" in fu.columns:
        at = np.flatnonzero(matched)[ok][order][rank == 0]
        if has_str_dtype(fu["channel"]) and fu["channel"].iloc[at].notna().any():
            # Arrow text stays Arrow text: each application's first channel by
            # position (-1: none, missing), the "str" column the frame below would
            # infer from the Python strings, without a million Python objects
            take = np.full(n, -1, dtype=np.int64)
            take[pos_s[rank == 0]] = at
            channel = fu["channel"].array.take(take, allow_fill=True)
        else:
            channel = np.full(n, pd.NA, dtype=object)
            channel[pos_s[rank == 0]] = fu["channel"].iloc[at].astype(object).to_numpy()
    if channel is None:
        channel = np.full(n, pd.NA, dtype=object)
    out = pd.DataFrame(
        {"first": first_day, "second": second_day, "channel": channel}, index=applications.index
    )
    return out, warnings, (unique, early_per_app, undated_msg)


def daily_risk_sets(
    applications: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    as_of: Any = None,
    by: str | Sequence[str] | None = None,
    followup: bool = False,
) -> pd.DataFrame:
    """Aggregate applications into daily risk sets for a first reply.

    Parameters
    ----------
    applications : pandas.DataFrame
        Canonical applications table.
    events : pandas.DataFrame, optional
        Canonical events table; needed when ``followup=True``.
    as_of : date-like, optional
        Snapshot date; default today (resolved at call time).
    by : str or list of str, optional
        Columns to break down by (``"applied_week"`` is derived). Missing
        values form the group ``"(missing)"``.
    followup : bool
        Add the time-varying follow-up state: ``followups`` (0, 1, 2 = two or
        more dated follow-ups sent so far), ``followed_up`` (0/1) and
        ``followup_channel`` (channel of the first follow-up, ``"(none)"``
        before it). A follow-up sent on day ``f`` changes the state from day
        ``f + 1`` on: a reply on the follow-up day itself is counted in the
        earlier state, because at day resolution it cannot be known to be
        caused by the follow-up (it may well have come first).

    Returns
    -------
    pandas.DataFrame
        Columns ``[*by, (followups, followed_up, followup_channel), day,
        at_risk, replied, censored]``, rows where ``at_risk > 0``, sorted.
        ``.attrs["warnings"]`` lists the applications left out (applied after
        ``as_of``, reply before applying, reply without a date) and ignored
        follow-ups.

    Notes
    -----
    Reply day ``r`` = days from ``applied_on`` to ``first_reply_on`` (dates
    only); censoring day ``c`` = days from ``applied_on`` to ``as_of``. An
    application is at risk on days ``0..min(r, c)``.
    """
    dur, warnings = reply_durations(applications, as_of=as_of)
    require_usable(dur, warnings)
    keep = dur["use"].to_numpy()
    cols = as_list(by)
    # the group columns of the applications used (a filter of the whole table would
    # copy every column of it)
    groups = group_frame(applications, cols)[keep]
    # Text keys as sorted integer codes (the same order as sorting the text):
    # grouping millions of segment rows by ints, not strings; labels put back below.
    labels: dict[str, pd.Index] = {}
    for c in cols:
        if isinstance(groups[c].dtype, pd.StringDtype):
            codes_c, labels[c] = pd.factorize(groups[c], sort=True)
            groups[c] = codes_c
    t = dur["time"].to_numpy(np.int64)[keep]
    ev = dur["event"].to_numpy(bool)[keep]
    n = len(groups)
    # every key an integer code: combined with numpy below, no frame of the segments
    coded = len(labels) == len(cols)
    group_codes = [groups[c].to_numpy(np.int64) for c in cols] if coded else []

    # segments (application, state, first day, last day) at risk
    if followup:
        fud, fw = _followup_days_kept(applications, events, resolve_as_of(as_of), keep)
        warnings += fw
        f1 = fud["first"].to_numpy()
        f2 = fud["second"].to_numpy()
        f1i = np.where(np.isnan(f1), NEVER, f1).astype(np.int64)
        f2i = np.where(np.isnan(f2), NEVER, f2).astype(np.int64)
        chan, labels["followup_channel"], none_code = _channel_codes(fud["channel"])
        # the states an application reaches: waiting before its first follow-up (0),
        # after it (1), after the second (2); only the non-empty segments are built
        bounds = [(np.zeros(n, np.int64), np.minimum(t, f1i)),
                  (f1i + 1, np.minimum(t, f2i)),
                  (f2i + 1, t)]
        reach = [np.flatnonzero(lo <= hi) for lo, hi in bounds]
        seg_app = np.concatenate(reach)
        seg_state = np.repeat([0, 1, 2], [len(r) for r in reach])
        seg_lo = np.concatenate([lo[r] for (lo, _), r in zip(bounds, reach)])
        seg_hi = np.concatenate([hi[r] for (_, hi), r in zip(bounds, reach)])
        # the state at the end (day t) holds the reply / censoring
        end_state = np.where(t > f2i, 2, np.where(t > f1i, 1, 0))
        seg_chan = np.where(seg_state == 0, none_code, chan[seg_app])
        end_chan = np.where(end_state == 0, none_code, chan)
        state_cols = ["followups", "followup_channel"]
        if coded:
            seg_parts = [g[seg_app] for g in group_codes] + [seg_state, seg_chan]
            end_parts = [*group_codes, end_state, end_chan]
        else:
            key = groups.iloc[seg_app].reset_index(drop=True)
            key["followups"] = seg_state
            key["followup_channel"] = seg_chan
            end_key = groups.reset_index(drop=True)
            end_key["followups"] = end_state
            end_key["followup_channel"] = end_chan
    else:
        seg_app = np.arange(n)
        seg_lo = np.zeros(n, np.int64)
        seg_hi = t
        seg_parts = end_parts = group_codes
        key = end_key = groups.reset_index(drop=True)
        state_cols = []
    key_cols = cols + state_cols
    n_seg = len(seg_lo)

    # one integer code per combination of group and state
    combined = None
    if key_cols and coded:
        combined = _combine([np.concatenate([a, b]) for a, b in zip(seg_parts, end_parts)],
                            key_cols)
    if combined is not None:
        codes, uniques = combined
    elif key_cols:
        both = pd.concat([key, end_key], ignore_index=True)
        codes, uniques = _factorize(both, key_cols)
    else:
        codes, uniques = np.zeros(n_seg + n, np.int64), pd.DataFrame(index=[0])
    if key_cols:
        for c, lab in labels.items():
            uniques[c] = lab.take(uniques[c].to_numpy()) if c != "followup_channel" else \
                np.asarray(lab, dtype=object)[uniques[c].to_numpy()]
    seg_code, end_code = codes[:n_seg], codes[n_seg:]
    n_keys = len(uniques)

    # dense day axis per code, from its first to last day: difference arrays
    lo_day = np.full(n_keys, np.iinfo(np.int64).max)
    hi_day = np.full(n_keys, -1)
    np.minimum.at(lo_day, seg_code, seg_lo)
    np.maximum.at(hi_day, seg_code, seg_hi)
    present = hi_day >= 0
    lo_day = np.where(present, lo_day, 0)
    hi_day = np.where(present, hi_day, -1)
    width = hi_day - lo_day + 2
    offset = np.concatenate([[0], np.cumsum(width)[:-1]])
    size = int(width.sum())
    delta = np.bincount(offset[seg_code] + seg_lo - lo_day[seg_code], minlength=size)
    delta -= np.bincount(offset[seg_code] + seg_hi + 1 - lo_day[seg_code], minlength=size)
    end_pos = offset[end_code] + t - lo_day[end_code]
    replied = np.bincount(end_pos[ev], minlength=size)
    censored = np.bincount(end_pos[~ev], minlength=size)
    # cumulative sum restarted at each code's block
    cs = np.cumsum(delta)
    block_start = np.repeat(offset, width)
    at_risk = cs - np.concatenate([[0], cs])[block_start]  # minus total before the block
    code_of_row = np.repeat(np.arange(n_keys), width)
    day = np.arange(size) - np.repeat(offset, width) + np.repeat(lo_day, width)

    if key_cols:
        out = uniques.iloc[code_of_row].reset_index(drop=True)
    else:
        out = pd.DataFrame(index=range(size))
    out["day"] = day
    out["at_risk"] = at_risk
    out["replied"] = replied
    out["censored"] = censored
    out = out[out["at_risk"] > 0]
    if followup:
        out.insert(len(cols) + 1, "followed_up", (out["followups"] > 0).astype(np.int64))
    out = out.sort_values(key_cols + ["day"], kind="stable").reset_index(drop=True)
    out.attrs["warnings"] = warnings
    return out


def _channel_codes(channel: pd.Series) -> tuple[np.ndarray, np.ndarray, int]:
    """Sorted codes of the first follow-up's channel (missing: ``"(unknown)"``), the
    labels (``"(none)"`` among them, for the time before a follow-up) and its code.

    Factorizes only the known channels (few applications have one) plus the two
    labels, instead of one Python object per application.
    """
    known = channel.notna().to_numpy()
    # the distinct channels first (hashed as text, few), then sorted with the two labels
    codes, seen = pd.factorize(channel[known])
    seen = np.asarray(seen, dtype=object)
    extra = ["(none)"] + (["(unknown)"] if not known.all() else [])
    order, labels = pd.factorize(np.concatenate([seen, np.array(extra, dtype=object)]),
                                 sort=True)
    out = np.empty(len(channel), dtype=np.int64)
    out[known] = order[: len(seen)][codes]
    if not known.all():
        out[~known] = order[-1]
    return out, labels, int(order[len(seen)])


def _combine(parts: list[np.ndarray], cols: list[str]
             ) -> tuple[np.ndarray, pd.DataFrame] | None:
    """:func:`_factorize` of integer code columns (each >= 0), with numpy
    (:func:`number_combinations`); None when it cannot number them."""
    combined = number_combinations(parts)
    if combined is None:
        return None
    codes, values = combined
    uniques = pd.DataFrame(dict(zip(range(len(cols)), values)), dtype=np.int64)
    uniques.columns = pd.Index(cols, dtype=object)  # as a group-by's (object) labels
    return codes, uniques


def _factorize(frame: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer code of each row's combination of ``cols`` and the combinations."""
    grouped = frame.groupby(cols, sort=True, dropna=False, observed=True)
    codes = grouped.ngroup().to_numpy(np.int64)
    uniques = grouped.size().reset_index()[cols]
    return codes, uniques
