"""Censoring-aware time to reply: Kaplan–Meier curves and competing outcomes.

An application without a reply yet has an unknown outcome, not "no reply": it
is censored at the as-of date. Curves are computed from daily counts (at
risk, replies, censored per day: the aggregation of
:func:`jobstats.risksets.daily_risk_sets`, one ``bincount`` per group), so a
million applications reduce to a few hundred rows per group.

Missing information is kept visible, not dropped: a reply on record without a
date is interval-censored in ``[0, as-of]`` and imputed (Turnbull estimate,
multiple imputation for the interval) under a stated assumption, with sharp
bounds for any other timing; applications from a file with no reply
information at all are left out and counted; with no reply yet the interval
is an exact one-sided upper bound, never 0-0. Nothing here imports scipy or
statsmodels.

Kaplan–Meier and Greenwood are written out with numpy over the aggregated
counts rather than calling statsmodels' ``SurvfuncRight``: fed the aggregated
rows through ``freq_weights`` (statsmodels 0.15) it gives the right estimates
but standard errors off by up to ~0.007 on an 800-application search (checked
against the per-application fit), and one vectorised grouped cumulative
product handles any number of groups. The result is checked against
lifelines' ``KaplanMeierFitter`` (estimates and log-log intervals to 1e-6)
and statsmodels on per-application data in ``tests/test_timing.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from jobstats.results import (
    NOT_IN_DATA,
    Result,
    _cell_notes,
    html_view,
    as_list,
    finish,
    group_codes,
    group_frame,
    group_keys,
    require_rows,
    resolve_data,
    value_typed,
    z_value,
    zero_upper,
)
from jobstats.risksets import NO_REPLY_INFO_REASON
from jobstats.risksets import UNDATED_REASON as _UNDATED_REASON
from jobstats.risksets import _shared, reply_durations, require_usable, shared_groups
from jobstats.schema import has_info

__all__ = [
    "reply_curve",
    "reply_within",
    "median_days_among_replied",
    "competing_outcomes",
    "time_to_reply",
    "TimeToReply",
    "km_from_counts",
    "group_curve",
    "within_from_curve",
    "percentile_from_counts",
    "MIN_N",
]

#: Fewer usable applications than this in a group: no estimate (NaN and a note).
MIN_N: int = 5


def km_from_counts(
    risk: pd.DataFrame, group_cols: Sequence[str] = (), alpha: float = 0.05
) -> pd.DataFrame:
    """Add Kaplan–Meier cumulative reply probability and its CI to risk-set rows.

    ``estimate`` = 1 - S(day), S the Kaplan–Meier survival (still no reply)
    after the replies of that day. The interval is the log-log
    (Greenwood-exponential) band of S, flipped. Rows must be sorted by group
    and day.
    """
    out = risk.copy()
    n = out["at_risk"].to_numpy(float)
    d = out["replied"].to_numpy(float)
    # plain arrays: Series keys would be aligned on the (possibly non-default) index
    keys = [out[c].to_numpy() for c in group_cols]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_step = np.log1p(-d / n)  # -inf when everybody at risk replied
        green_step = np.where(n > d, d / (n * (n - d)), np.inf)
    if group_cols:
        grp = pd.DataFrame({"ls": log_step, "gs": green_step})
        g = grp.groupby(keys, sort=False, dropna=False)
        log_s = g["ls"].cumsum().to_numpy()
        var = g["gs"].cumsum().to_numpy()
    else:  # one group: plain cumulative sums (the same additions, no pandas overhead)
        log_s, var = np.cumsum(log_step), np.cumsum(green_step)
    out["estimate"], out["ci_low"], out["ci_high"] = _km_band(log_s, var, alpha)
    return out


def _km_band(log_s: np.ndarray, var: np.ndarray, alpha: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """1 - S and its log-log interval from log S and the Greenwood sum (see km_from_counts)."""
    s = np.exp(log_s)
    z = z_value(alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * np.sqrt(var) / log_s
        s_a = np.exp(-np.exp(np.log(-log_s) + half))
        s_b = np.exp(-np.exp(np.log(-log_s) - half))
    s_lo = np.fmin(s_a, s_b)
    s_hi = np.fmax(s_a, s_b)
    # no reply yet: S = 1 exactly, interval degenerate at 1 (as lifelines)
    none_yet = log_s == 0
    s_lo[none_yet], s_hi[none_yet] = 1.0, 1.0
    # everybody replied: S = 0, interval degenerate at 0
    s_lo[s == 0], s_hi[s == 0] = 0.0, 0.0
    return 1 - s, 1 - s_hi, 1 - s_lo


#: Imputations of undated reply days (multiple imputation, Rubin's rules).
N_IMPUTATIONS: int = 30
_UNDATED_ASSUMPTION = (
    "replies on record without a date are assumed to have come on the same schedule as the "
    "dated ones (the date is missing for reasons unrelated to when the reply came)"
)
_NO_REPLY_INFO = (
    "{k} application(s) from file(s) with no reply information ({files}) left out of reply "
    "rates and reply curves: there, no reply means not recorded, not no reply."
)


def _no_reply_info(apps: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Mask of applications whose file holds reply information, and a warning if not all."""
    info = has_info(apps, "reply").to_numpy()
    if info.all():
        return info, []
    names = "the file"
    for col in ("client", "sheet"):  # load_many names each file's client after the file
        if col in apps.columns and apps.loc[~info, col].notna().any():
            names = ", ".join(map(str, pd.unique(apps.loc[~info, col].dropna().astype(str))[:5]))
            break
    return info, [_NO_REPLY_INFO.format(k=int((~info).sum()), files=names)]


def _km_dense(t: np.ndarray, ev: np.ndarray, w: np.ndarray, size: int) -> tuple[np.ndarray, ...]:
    """Kaplan–Meier on days ``0..size-1`` from (time, event, weight): S, Greenwood sum, at risk.

    Times past the last day count as still waiting on it (no event by then).
    """
    ev = ev & (t <= size - 1)
    t = np.minimum(t, size - 1)
    n = np.cumsum(np.bincount(t, weights=w, minlength=size)[::-1])[::-1]
    d = np.bincount(t[ev], weights=w[ev], minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(n > 0, d / n, 0.0)
        g = np.where(n > d, d / (n * (n - d)), np.where(d > 0, np.inf, 0.0))
    return np.cumprod(1 - h), np.cumsum(g), n


def _pmf(s: np.ndarray) -> np.ndarray:
    return -np.diff(np.concatenate([[1.0], s]))


def _km_counts(n: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan–Meier S and the Greenwood sum from at-risk and event counts per day."""
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(n > 0, d / n, 0.0)
        g = np.where(n > d, d / (n * (n - d)), np.where(d > 0, np.inf, 0.0))
    return np.cumprod(1 - h), np.cumsum(g)


def _revcumsum(x: np.ndarray) -> np.ndarray:
    return np.cumsum(x[::-1])[::-1]


def _turnbull(n_dated: np.ndarray, d_dated: np.ndarray, cnt: np.ndarray,
              p0: np.ndarray | None = None) -> np.ndarray:
    """Distribution of the reply day (pmf on ``0..size-1``) with undated replies.

    ``n_dated`` / ``d_dated``: dated applications at risk / replying per day;
    ``cnt[c]``: undated replies of applications followed ``c`` days. Dated
    applications give an exact reply day or a censoring day; an undated
    reply on record is known only to lie in ``[0, c]`` (interval censored).
    Self-consistency (EM) iterations: spread each undated reply over its
    interval in proportion to the current distribution, then Kaplan–Meier on
    the completed data; this converges to the nonparametric maximum
    likelihood estimate (Turnbull 1976). Written out because no installed
    library fits mixed exact / right / interval-censored discrete data.
    """
    size = len(n_dated)
    r1 = _revcumsum(cnt)  # undated with interval end >= d
    if p0 is None:  # start: dated Kaplan–Meier mixed with undated spread evenly
        dens = _revcumsum(cnt / (np.arange(size) + 1))
        s0, _ = _km_counts(n_dated, d_dated)
        p0 = 0.5 * _pmf(s0) + 0.5 * dens / max(dens.sum(), 1.0)
    p = p0
    # A reply curve with undated replies runs this loop thousands of times (the
    # estimate and each imputation): what does not change between iterations is
    # computed once, the intervals' ends with replies are read only where they are,
    # and results go into arrays made once. Same operations in the same order as the
    # plain form (ratio = where(cnt > 0, cnt / cdf, 0); new = pmf(cumprod(1 - h))),
    # so the same numbers, bit for bit.
    ends = np.flatnonzero(cnt > 0)
    cnt_ends = cnt[ends]
    known = n_dated + r1
    ratio = np.zeros(size)
    cdf_before = np.zeros(size)
    s_before = np.ones(size)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(2000):
            cdf = p.cumsum()
            c = cdf[ends]
            ratio[ends] = cnt_ends / np.where(c > 0, c, 1.0)
            r2 = ratio[::-1].cumsum()[::-1]  # _revcumsum
            cdf_before[1:] = cdf[:-1]
            events = d_dated + p * r2
            at_risk = known - cdf_before * r2
            h = np.where(at_risk > 1e-12, events / at_risk, 0.0)
            # np.clip(h, 0, 1) (its wrapper costs more than the arithmetic here)
            s = (1 - np.minimum(np.maximum(h, 0.0), 1.0)).cumprod()
            s_before[1:] = s[:-1]
            new = -(s - s_before)  # _pmf(s)
            if np.abs(new - p).max() < 1e-9:
                return new
            p = new
    return p


def _turnbull_many(n_dated: np.ndarray, d_dated: np.ndarray, cnt: np.ndarray,
                   p0: np.ndarray) -> np.ndarray:
    """:func:`_turnbull` of each row of 2-D ``n_dated``, ``d_dated``, ``cnt`` from ``p0``.

    The multiple imputations each run the iterations on their own resample: run
    side by side, one numpy call serves every imputation still iterating (a
    row leaves when it converges), instead of one call per imputation and
    iteration, which cost most of a reply curve with undated replies. Row by
    row the same operations in the same order as :func:`_turnbull` (element-wise
    arithmetic and cumulative sums / products along the row), so the same
    numbers, bit for bit (checked in ``tests/test_missing_info.py``).
    """
    rows, size = cnt.shape
    result = np.empty((rows, size))
    live = np.arange(rows)
    r1 = np.cumsum(cnt[:, ::-1], axis=1)[:, ::-1]  # _revcumsum of each row
    known = n_dated + r1
    d = d_dated
    # the undated replies' interval ends are a few days: the ratios are computed on
    # those columns only (zero elsewhere), their sums from the right too, then spread
    # over every day (a day's sum is that of the first end on or after it; adding the
    # zeros in between changes no sum, so the same numbers)
    ends = np.flatnonzero((cnt > 0).any(axis=0))
    after = np.searchsorted(ends, np.arange(size))  # len(ends): no end on or after the day
    cnt_ends = cnt[:, ends]
    has_end = cnt_ends > 0
    r2_ends = np.zeros((rows, len(ends) + 1))
    p = np.broadcast_to(p0, (rows, size))
    cdf_before = np.zeros((rows, size))
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(2000):
            cdf = p.cumsum(axis=1)
            c = cdf[:, ends]
            ratio = np.where(has_end, cnt_ends / np.where(c > 0, c, 1.0), 0.0)
            r2_ends[:, :-1] = ratio[:, ::-1].cumsum(axis=1)[:, ::-1]
            r2 = r2_ends[:, after]
            cdf_before[:, 1:] = cdf[:, :-1]
            events = d + p * r2
            at_risk = known - cdf_before * r2
            h = np.where(at_risk > 1e-12, events / at_risk, 0.0)
            s = (1 - np.minimum(np.maximum(h, 0.0), 1.0)).cumprod(axis=1)
            # new = -(s - s_before), s_before = [1, s[:-1]]: without the shifted copy
            new = np.empty_like(s)
            np.subtract(s[:, :1], 1.0, out=new[:, :1])
            np.subtract(s[:, 1:], s[:, :-1], out=new[:, 1:])
            np.negative(new, out=new)
            done = np.abs(new - p).max(axis=1) < 1e-9
            if done.any():
                result[live[done]] = new[done]
                keep = ~done
                if not keep.any():
                    return result
                live, known, d = live[keep], known[keep], d[keep]
                cnt_ends, has_end, r2_ends = cnt_ends[keep], has_end[keep], r2_ends[keep]
                new = new[keep]
                cdf_before = cdf_before[keep]
            p = new
    result[live] = p
    return result


def _undated_curve(t: np.ndarray, ev: np.ndarray, c: np.ndarray, size: int,
                   alpha: float) -> dict[str, np.ndarray]:
    """Reply curve (1 - S) on days ``0..size-1`` when some replies have no date.

    Point estimate: the Turnbull estimate (:func:`_turnbull`). Interval:
    multiple imputation (:data:`N_IMPUTATIONS`): each imputation refits the
    schedule on a bootstrap resample of the applications (so its uncertainty
    is carried), draws a day for every undated reply of the data from it,
    and takes Kaplan–Meier with Greenwood on the completed data; Rubin's
    rules combine them on the log(-log S) scale. Everything runs on counts
    per day, so the cost grows with the number of days, not of applications.
    """
    rng = np.random.default_rng(20251126)  # fixed: results reproduce
    size = max(size, int(c.max()) + 1 if len(c) else 0, int(t.max()) + 1 if len(t) else 0)
    # counts per cell (day, replied?) and per interval end: the row order does not matter
    cells = np.bincount(t * 2 + ev, minlength=2 * size).astype(float)
    cnt = np.bincount(c, minlength=size).astype(float)
    nd, nu = int(cells.sum()), int(cnt.sum())

    def dated(cell_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        per_day = cell_counts[0::2] + cell_counts[1::2]
        return _revcumsum(per_day), cell_counts[1::2]

    n_d, e_d = dated(cells)
    p = _turnbull(n_d, e_d, cnt)
    est = np.cumsum(p)
    c_sorted = np.sort(c)
    # proper imputation: the schedule is refitted on a bootstrap resample, the
    # days are drawn for the undated replies of the data themselves; the draws in
    # the order the imputations made them one after the other, then every refit at once
    resampled, undated_counts, uniforms = [], [], []
    for _ in range(N_IMPUTATIONS):
        resampled.append(dated(rng.multinomial(nd, cells / max(nd, 1)).astype(float)))
        undated_counts.append(rng.multinomial(nu, cnt / nu).astype(float))
        uniforms.append(rng.random(nu))
    refits = _turnbull_many(np.array([nb for nb, _ in resampled]),
                            np.array([eb for _, eb in resampled]), np.array(undated_counts), p)
    # each imputation's completed data, then Kaplan-Meier of all of them at once (one
    # row each: the same element-wise steps and cumulative sums / products along
    # the row as one imputation at a time, so the same numbers)
    cdfs = np.cumsum(refits, axis=1)
    imputed = np.empty((N_IMPUTATIONS, size))
    for row, (cdf, uniform) in enumerate(zip(cdfs, uniforms)):
        draw = uniform * cdf[c_sorted]  # a day from the refit restricted to [0, c]
        day = np.minimum(np.searchsorted(cdf, draw, side="right"), c_sorted)
        imputed[row] = np.bincount(day, minlength=size)
    n_all = n_d + np.cumsum(imputed[:, ::-1], axis=1)[:, ::-1]  # + _revcumsum of each row
    d_all = e_d + imputed
    with np.errstate(divide="ignore", invalid="ignore"):  # (_km_counts, row by row)
        h = np.where(n_all > 0, d_all / n_all, 0.0)
        gw = np.cumsum(np.where(n_all > d_all, d_all / (n_all * (n_all - d_all)),
                                np.where(d_all > 0, np.inf, 0.0)), axis=1)
        s = np.cumprod(1 - h, axis=1)
        f = 1 - s
        ls = np.log(s)
        g = np.log(-ls)
        u = gw / ls**2  # var of log(-log S) (Greenwood, delta method)
    z = z_value(alpha)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(g).all(axis=0) & np.isfinite(u).all(axis=0)
        gbar = g.mean(axis=0)
        total = u.mean(axis=0) + (1 + 1 / N_IMPUTATIONS) * g.var(axis=0, ddof=1)
        half = z * np.sqrt(total)
        s_lo, s_hi = np.exp(-np.exp(gbar + half)), np.exp(-np.exp(gbar - half))
        # imputations without a reply yet (or all replied): linear-scale Rubin instead
        lin = f.mean(axis=0)
        lin_half = z * np.sqrt(f.var(axis=0, ddof=1) * (1 + 1 / N_IMPUTATIONS))
    ci_low = np.where(ok, 1 - s_hi, np.clip(lin - lin_half, 0, 1))
    ci_high = np.where(ok, 1 - s_lo, np.clip(lin + lin_half, 0, 1))
    # Days before any reply, dated or imputed: the estimate's mass there is what the EM
    # iterations leave of a value going to 0 (~1e-13, under their 1e-9 tolerance),
    # and every imputation says 0 with no spread, a 0-0 interval. It is 0, no reply
    # seen yet: the caller gives it the exact one-sided upper bound, as without undated.
    none_yet = (f == 0).all(axis=0) & (est < 1e-9)
    est[none_yet] = 0.0
    return {"estimate": est, "ci_low": np.minimum(ci_low, est),
            "ci_high": np.maximum(ci_high, est)}


def _bounds(t: np.ndarray, ev: np.ndarray, c: np.ndarray, size: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """Sharp bounds of P(reply by day d), d = 0..size-1, over every dating of the undated replies.

    An undated reply on record lies in ``[0, c]``. Kaplan–Meier hands the
    weight of an application censored early to those still waiting after it,
    so a reply placed later takes more of it: P(reply by d) is smallest with
    each undated reply on the day of applying if ``c <= d`` (it must have
    come by d) and after d otherwise, and largest with each on day
    ``min(c, d)``. Sampling error is not included.
    """
    # dated counts per day, and undated counts per interval end c
    n_d = np.cumsum(np.bincount(t, minlength=size)[::-1])[::-1][:size].astype(float)
    e_d = np.bincount(t[ev], minlength=size)[:size].astype(float)
    c_cnt = np.bincount(np.minimum(c, size), minlength=size + 1).astype(float)
    ge = np.cumsum(c_cnt[::-1])[::-1]  # undated with c >= j (j = 0..size)
    with np.errstate(divide="ignore", invalid="ignore"):
        # largest: each undated reply on day min(c, d); the days before d see
        # those with c = j reply on j, and all with c >= d reply on day d
        step = np.where(n_d + ge[:size] > 0,
                        1 - (e_d + c_cnt[:size]) / (n_d + ge[:size]), 1.0)
        before = np.concatenate([[1.0], np.cumprod(step)[:-1]])
        last = np.where(n_d + ge[:size] > 0, 1 - (e_d + ge[:size]) / (n_d + ge[:size]), 1.0)
        hi = 1 - before * last
        # smallest: those with c <= d reply on day 0, the others wait past d
        # (B(d) = #(c > d) of them at risk on every day 1..d)
        lo = np.empty(size)
        big = ge[1:size + 1]  # B(d)
        first = 1 - (e_d[0] + (ge[0] - big)) / (n_d[0] + ge[0])
        days = np.arange(1, size)
        for chunk in range(0, size, 256):  # rows d, columns j = 1..size-1 (j <= d)
            d_idx = np.arange(chunk, min(chunk + 256, size))
            nj = n_d[None, 1:] + big[d_idx, None]
            fj = np.where(nj > 0, 1 - e_d[None, 1:] / np.where(nj > 0, nj, 1.0), 1.0)
            fj = np.where(days[None, :] <= d_idx[:, None], fj, 1.0)
            lo[d_idx] = 1 - first[d_idx] * np.prod(fj, axis=1)
    return np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)


_CURVE_COLUMNS = ["day", "n", "at_risk", "events", "censored", "estimate", "ci_low", "ci_high",
                  "bounds_low", "bounds_high", "method", "note"]
_KM_METHOD = "Kaplan-Meier, log-log 95% CI"
_MI_METHOD = ("Kaplan-Meier with undated replies imputed (Turnbull estimate; 95% CI by "
              "multiple imputation)")


def undated_warning(k: int) -> str:
    """What the reply curves say about ``k`` replies on record without a date."""
    return (
        f"{k} reply(ies) on record without a date: kept in the chances of a reply "
        "by each day, assuming they came on the same schedule as the dated ones; bounds give "
        "the range for any other timing."
    )


def group_curve(t: np.ndarray, ev: np.ndarray, c: np.ndarray, *, alpha: float = 0.05,
                weight: np.ndarray | None = None) -> pd.DataFrame:
    """The reply curve of one group: ``day, n, at_risk, events, censored, estimate, ...``.

    ``t``, ``ev``: day and reply flag of the usable applications; ``c``: the
    censoring day of each reply on record without a date. ``weight``: how many
    applications each ``t`` row stands for (collapsed rows from
    :mod:`jobstats.engine`; default 1 each).
    """
    f, keep = _curve_columns(t, ev, c, alpha=alpha, weight=weight)
    return pd.DataFrame(f)[keep]


def _curve_columns(t: np.ndarray, ev: np.ndarray, c: np.ndarray, *, alpha: float = 0.05,
                   weight: np.ndarray | None = None) -> tuple[dict[str, Any], np.ndarray]:
    """:func:`group_curve`'s columns (arrays and scalars) and which days it keeps."""
    t = np.asarray(t, np.int64)
    ev = np.asarray(ev, bool)
    w = np.ones(len(t)) if weight is None else np.asarray(weight, float)
    if len(c) and weight is not None:
        # the imputation of undated replies draws per application: expand the rows
        # (undated replies are few; collapsed rows stay collapsed without them)
        reps = np.asarray(weight, np.int64)
        t, ev, w = np.repeat(t, reps), np.repeat(ev, reps), np.ones(int(reps.sum()))
    n = int(round(w.sum())) + len(c)
    if len(t) == 0 or (len(c) and not ev.any()):
        # no dated reply: only bounds; "followed up to day d" counts every application
        size = int(max(t.max() if len(t) else 0, c.max() if len(c) else 0)) + 1
        _, _, n_at = _km_dense(np.concatenate([t, c]), np.ones(len(t) + len(c), bool),
                               np.concatenate([w, np.ones(len(c))]), size)
    else:
        size = int(t.max()) + 1
        s, gw, n_at = _km_dense(t, ev, w, size)
    # numpy columns, one DataFrame at the end: this runs once per group and day
    # table, and pandas' per-column overhead dominated small searches
    nan = np.full(size, np.nan)
    f: dict[str, Any] = {"day": np.arange(size), "n": n, "at_risk": n_at.astype(np.int64)}
    for col, m in (("events", ev), ("censored", ~ev)):
        f[col] = (np.bincount(t[m], weights=w[m], minlength=size)[:size].astype(np.int64)
                  if len(t) else np.zeros(size, np.int64))
    note = ""
    method = _KM_METHOD
    if n == 0:
        est, lo, hi = nan, nan.copy(), nan.copy()
        note = "no application of this group can be timed (see the warnings)"
    elif len(c) and not ev.any():
        est, lo, hi = nan, nan.copy(), nan.copy()
        note = (f"{NOT_IN_DATA}: none of the {len(c)} replies has a date, so the time to "
                "reply cannot be estimated; see the bounds")
    elif len(c):
        curve = _undated_curve(t, ev, c, size, alpha)
        est, lo, hi = (np.asarray(curve[k][:size], float).copy()
                       for k in ("estimate", "ci_low", "ci_high"))
        method = _MI_METHOD
        note = (f"{len(c)} replies without a date: {_UNDATED_ASSUMPTION}; bounds: if "
                "they all came as late / as early as possible")
    else:
        d = f["events"].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_step = np.log1p(-d / n_at)
            green_step = np.where(n_at > d, d / (n_at * (n_at - d)), np.inf)
        est, lo, hi = _km_band(np.cumsum(log_step), np.cumsum(green_step), alpha)
    f["estimate"], f["ci_low"], f["ci_high"] = est, lo, hi
    f["method"] = method
    if len(c):
        f["bounds_low"], f["bounds_high"] = _bounds(t, ev, c, size)
    else:
        f["bounds_low"], f["bounds_high"] = nan.copy(), nan.copy()
    # no reply seen yet: not "0 for sure" but an exact one-sided upper bound
    none_yet = est == 0
    if none_yet.any():
        lo[none_yet] = 0.0
        hi[none_yet] = zero_upper(np.clip(f["at_risk"][none_yet], 1, None), alpha)
        extra = _NONE_YET
        f["note"] = np.where(none_yet, f"{note}; {extra}" if note else extra, note)
    else:
        f["note"] = note
    keep = (f["at_risk"] > 0) | (f["day"] == 0)
    return f, keep


#: Each group of a curve table: its key (a tuple of the ``by`` values) and its rows.
_Groups = list[tuple[tuple[Any, ...], np.ndarray]]


def _curve_table(data: Any, by: str | Sequence[str] | None, as_of: Any,
                 alpha: float = 0.05
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp, list[str], _Groups | None]:
    """The reply curve of every group, the applications it was computed from, and
    the groups' keys and rows when known without grouping the table again (else None)."""
    apps, _, as_of_ts = resolve_data(data, None, as_of)
    require_rows(apps, "time to reply")
    cols = as_list(by)
    # once per table, grouping and as-of inside a shared_steps block (a summary asks
    # for the same curve twice: the ghosting rate and the chance of a reply within N days)
    out, warnings, used, groups = _shared(f"curve {cols!r} {alpha!r}", (apps,), as_of_ts,
                                          lambda: _curves(apps, cols, as_of_ts, alpha))
    return out, used, as_of_ts, warnings, groups


def _curves(apps: pd.DataFrame, cols: list[str], as_of_ts: pd.Timestamp, alpha: float
            ) -> tuple[pd.DataFrame, list[str], pd.DataFrame, _Groups | None]:
    """:func:`_curve_table` of an applications table: (curves, warnings, applications
    used, groups or None)."""
    info, warnings = _no_reply_info(apps)
    groups_all, keys, code = shared_groups(apps, cols)
    if not info.any():
        out = keys.copy()
        out["day"] = 0
        out["n"] = np.bincount(code, minlength=len(keys)).astype(np.int64)
        for c in ("at_risk", "events", "censored"):
            out[c] = 0
        for c in ("estimate", "ci_low", "ci_high", "bounds_low", "bounds_high"):
            out[c] = np.nan
        out["method"] = _KM_METHOD
        out["note"] = f"{NOT_IN_DATA}: the file has no reply information (status or reply dates)"
        return out[[*cols, *_CURVE_COLUMNS]], warnings, apps, None
    groups = groups_all
    if not info.all():  # (the same table when all hold replies: shared_steps reuses it)
        apps = apps[info]
        # (grouped again: a column's dtype may depend on which rows it holds)
        groups = group_frame(apps, cols)
        keys, code = group_codes(groups, cols)
    dur, dur_warnings = reply_durations(apps, as_of=as_of_ts)
    undated = (dur["reason"] == _UNDATED_REASON).to_numpy()
    # undated replies are not left out here (imputed, with bounds): say so instead
    warnings += [w for w in dur_warnings if _UNDATED_REASON not in w]
    if undated.any():
        warnings.append(undated_warning(int(undated.sum())))
    # days from applying to as_of of the undated replies: their durations' time (an
    # application without a dated reply is followed until as_of), no second pass
    # over the dates
    c_undated = dur["time"].to_numpy()
    if not (dur["use"].any() or undated.any()):
        require_usable(dur, warnings)  # raises, naming why
    if not all(value_typed(keys[c]) and keys[c].notna().all() for c in cols):
        return (_curves_by_frame(groups, cols, dur, undated, c_undated, alpha), warnings, apps,
                None)
    # each group's columns as arrays, one DataFrame at the end: per group, building
    # and joining frames cost more than the curve itself on a search of a few dozen rows
    use_all, time_all, event_all = (dur[c].to_numpy() for c in ("use", "time", "event"))
    parts: dict[str, list[Any]] = {c: [] for c in _CURVE_COLUMNS}
    lengths = []
    for idx in _rows_of_groups(code, len(keys)):
        use = use_all[idx]
        f, keep = _curve_columns(time_all[idx][use], event_all[idx][use],
                                 c_undated[idx][undated[idx]].astype(np.int64), alpha=alpha)
        size = int(keep.sum())
        lengths.append(size)
        for c in _CURVE_COLUMNS:
            v = f[c]
            parts[c].append(v[keep] if isinstance(v, np.ndarray) else [v] * size)
    columns: dict[str, Any] = {}
    rows = np.repeat(np.arange(len(keys)), lengths)
    for c in cols:
        columns[c] = keys[c].take(rows).reset_index(drop=True)
    for c in _CURVE_COLUMNS:
        if c in ("method", "note"):  # text: Python strings, as the frames held them
            columns[c] = pd.array([v for part in parts[c] for v in part], dtype="str")
        else:
            columns[c] = np.concatenate([np.asarray(part) for part in parts[c]])
    columns["n"] = columns["n"].astype(np.int64)
    # the groups as within_from_curve would find them again (sorted keys, each
    # group's rows in a block): given, so reply_within and the ghosting rate do not
    # group the curve table again
    ends = np.cumsum(lengths)
    found = list(zip(keys.itertuples(index=False, name=None) if cols else [()] * len(keys),
                     (np.arange(end - size, end) for end, size in zip(ends.tolist(), lengths))))
    return pd.DataFrame(columns), warnings, apps, found


def _rows_of_groups(code: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """The row positions of each group ``0..n_groups-1`` of ``code``, in row order."""
    order = np.argsort(code, kind="stable")
    starts = np.searchsorted(code[order], np.arange(n_groups + 1))
    return [order[starts[i]:starts[i + 1]] for i in range(n_groups)]


def _curves_by_frame(groups: pd.DataFrame, cols: list[str], dur: pd.DataFrame,
                     undated: np.ndarray, c_undated: np.ndarray, alpha: float) -> pd.DataFrame:
    """:func:`_curves`' table one frame per group, the keys' dtypes inferred from values.

    For group columns whose dtype a value does not carry (categories, 32-bit
    numbers, mixed values, a missing date): their dtypes stay as they have always been.
    """
    frames = []
    for key, idx in groups.groupby(cols, sort=True, dropna=False).indices.items():
        key = key if isinstance(key, tuple) else (key,)
        use = dur["use"].to_numpy()[idx]
        f = group_curve(dur["time"].to_numpy()[idx][use], dur["event"].to_numpy()[idx][use],
                        c_undated[idx][undated[idx]].astype(np.int64), alpha=alpha)
        for col_name, value in zip(cols, key):
            f.insert(cols.index(col_name), col_name, value)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)[[*cols, *_CURVE_COLUMNS]]


def reply_curve(
    data: Any,
    *,
    by: str | Sequence[str] | None = None,
    as_of: Any = None,
) -> pd.DataFrame:
    """Cumulative probability of a first reply by day since applying (1 - KM).

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` returned, or a canonical applications table.
    by : str or list of str, optional
        Breakdown columns (``"applied_week"`` is derived).
    as_of : date-like, optional
        Snapshot date; default the loaded data's, else today (at call time).

    Returns
    -------
    ResultTable
        ``[*by, day, n, at_risk, events, censored, estimate, ci_low, ci_high,
        bounds_low, bounds_high, method, note]``, one row per group and day
        with someone at risk; 95% log-log interval. ``events`` = dated replies
        that day. Days with no reply yet have estimate 0 and an exact
        one-sided upper bound (never a 0-0 interval).

        Replies on record without a date are not dropped (that would bias the
        curve down): they are imputed under the assumption stated in
        ``note``, and ``bounds_low`` / ``bounds_high`` give the curve if they
        all came as late / as early as possible (NaN when every reply is
        dated). Applications from files with no reply information at all
        (a LinkedIn export) are left out and counted in ``.attrs["warnings"]``.
    """
    out, apps, as_of_ts, warnings, _ = _curve_table(data, by, as_of)
    return finish(out, title="Chance of a first reply by day since applying", as_of=as_of_ts,
                  n_applications=len(apps), warnings=warnings)


def reply_within(
    data: Any,
    days: Sequence[int] = (7, 14, 30),
    *,
    by: str | Sequence[str] | None = None,
    as_of: Any = None,
) -> pd.DataFrame:
    """P(first reply within k days of applying) for each k, censoring-aware.

    "Within k days" means a reply dated at most k days after the application.

    Returns
    -------
    ResultTable
        ``[*by, days, n, events, at_risk, estimate, ci_low, ci_high,
        bounds_low, bounds_high, method, note]``: ``n`` = applications used,
        ``events`` = dated replies within k days, ``at_risk`` = still waiting
        (and followed) on day k. NaN with a note when nobody is followed up
        to day k (unless all have replied before: then the estimate is 1),
        when the group has fewer than :data:`MIN_N` applications, or when
        the file holds no reply information. With undated replies, see
        :func:`reply_curve` (imputed estimate; bounds).
    """
    curve, apps, as_of_ts, warnings, groups = _curve_table(data, by, as_of)
    out = within_from_curve(curve, days, by=by, groups=groups)
    return finish(out, title="Chance of a first reply within k days", as_of=as_of_ts,
                  n_applications=len(apps), warnings=warnings)


def within_from_curve(
    curve: pd.DataFrame, days: Sequence[int] = (7, 14, 30), *,
    by: str | Sequence[str] | None = None, groups: _Groups | None = None,
) -> pd.DataFrame:
    """The rows of :func:`reply_within` from reply curves (:func:`group_curve` per group).

    ``groups``: each group's key and rows in ``curve`` (in the order of its sorted
    keys) when the caller knows them; default: found by grouping ``curve``.
    """
    cols = as_list(by)
    columns = [*cols, "days", "n", "events", "at_risk", "estimate", "ci_low", "ci_high",
               "bounds_low", "bounds_high", "method", "note"]
    return pd.DataFrame(_within_rows(curve, days, cols, groups), columns=columns)


def _within_rows(curve: pd.DataFrame, days: Sequence[int], cols: list[str],
                 groups: _Groups | None) -> list[dict[str, Any]]:
    """:func:`within_from_curve`'s rows as dicts (group after group, day after day)."""
    # the curve's columns as arrays once, each group's rows by position: per group
    # and day count, pandas indexing cost milliseconds on a search of a few rows
    if groups is None and cols:
        keys, code = group_codes(curve, cols)
        groups = list(zip(keys.itertuples(index=False, name=None),
                          _rows_of_groups(code, len(keys))))
    elif groups is None:
        groups = [((), np.arange(len(curve)))]
    day_all = curve["day"].to_numpy()
    events_all = curve["events"].to_numpy()
    at_risk_all = curve["at_risk"].to_numpy()
    n_all = curve["n"].to_numpy()
    method_all = curve["method"].to_numpy(dtype=object)
    note_all = curve["note"].to_numpy(dtype=object)
    value_cols = ("estimate", "ci_low", "ci_high", "bounds_low", "bounds_high")
    values = {c: curve[c].to_numpy(dtype=float) for c in value_cols}
    rows = []
    for key, idx in groups:
        day = day_all[idx]
        n_group = int(n_all[idx[0]])
        absent = bool(np.isnan(values["bounds_low"][idx]).all()
                      and np.isnan(values["estimate"][idx]).all())
        # the curve reached 1 (everybody replied): it stays there
        all_replied = bool(len(idx)) and float(values["estimate"][idx[-1]]) == 1.0
        for k in days:
            rec = dict(zip(cols, key))
            rec["days"] = int(k)
            upto = idx[day <= k]
            at_k = (day >= k).any()
            rec["n"] = n_group
            rec["events"] = int(events_all[upto].sum())
            rec["at_risk"] = int(at_risk_all[idx[day == k]].sum()) if (day == k).any() else 0
            rec["method"] = method_all[idx[0]]
            nan = dict(estimate=np.nan, ci_low=np.nan, ci_high=np.nan,
                       bounds_low=np.nan, bounds_high=np.nan)
            if absent:
                rec.update(nan, note=note_all[idx[0]])
            elif n_group < MIN_N:
                rec.update(nan, note=f"too few applications (n={n_group})")
            elif not len(upto) or (not at_k and not all_replied):
                rec.update(nan, at_risk=0, note=f"nobody followed for {k} days yet")
            else:
                last = upto[-1]
                rec.update({c: float(values[c][last]) for c in value_cols}, note=note_all[last])
            rows.append(rec)
    return rows


def median_days_among_replied(
    data: Any,
    *,
    by: str | Sequence[str] | None = None,
    as_of: Any = None,
) -> pd.DataFrame:
    """Median days to the first reply AMONG APPLICATIONS THAT REPLIED.

    This is not a survival median (which usually does not exist, because most
    applications never get a reply): it describes only the replies on record.

    Returns
    -------
    pandas.DataFrame
        ``[*by, measure, n_replied, median_days, q25_days, q75_days, note]``
        with ``measure = "median days to reply, among applications that replied"``.
    """
    applications, _, as_of_ts = resolve_data(data, None, as_of)
    require_rows(applications, "time to reply")
    info, info_warnings = _no_reply_info(applications)
    cols = as_list(by)
    dur, warnings = reply_durations(applications, as_of=as_of_ts)
    warnings = info_warnings + [w for w in warnings if NO_REPLY_INFO_REASON not in w]
    everyone = group_frame(applications, cols)[info]
    dur = dur[info]
    frame = everyone.assign(time=dur["time"])[dur["use"] & dur["event"]]
    groups = frame.groupby(cols, sort=True, dropna=False) if cols else [((), frame)]
    rows = []
    if cols:  # groups with no reply at all still get a row
        found = {k if isinstance(k, tuple) else (k,): g for k, g in groups}
        groups = [
            (tuple(r), found.get(tuple(r), frame.iloc[:0]))
            for r in group_keys(everyone, cols).itertuples(index=False)
        ]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        t = g["time"].to_numpy(float)
        rec = dict(zip(cols, key))
        rec["measure"] = "median days to reply, among applications that replied"
        rec["n_replied"] = len(t)
        if len(t):
            q = np.percentile(t, [50, 25, 75])
            rec.update(median_days=q[0], q25_days=q[1], q75_days=q[2], note=pd.NA)
        else:
            rec.update(median_days=np.nan, q25_days=np.nan, q75_days=np.nan)
            rec["note"] = ("no replies on record" if info.any() else
                           f"{NOT_IN_DATA}: the file has no reply information")
        rows.append(rec)
    out = pd.DataFrame(
        rows, columns=[*cols, "measure", "n_replied", "median_days", "q25_days", "q75_days", "note"]
    )
    return finish(out, title="Median days to reply, among applications that replied",
                  as_of=as_of_ts, n_applications=int(info.sum()), warnings=warnings)


def percentile_from_counts(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """``numpy.percentile(numpy.repeat(values, counts), q)`` without the repeat.

    Hand-written because numpy's weighted percentiles only offer the
    inverted-CDF method, not the linear one :func:`median_days_among_replied`
    uses (100M replies repeated would not fit in memory).
    """
    order = np.argsort(values, kind="stable")
    v, c = np.asarray(values, float)[order], np.asarray(counts, np.int64)[order]
    total = int(c.sum())
    if total == 0:
        return float("nan")
    pos = q / 100 * (total - 1)
    lo, frac = int(np.floor(pos)), pos - np.floor(pos)
    ends = np.cumsum(c)  # value k covers ranks ends[k-1] .. ends[k]-1
    at = np.searchsorted(ends, [lo, min(lo + 1, total - 1)], side="right")
    return float(v[at[0]] + frac * (v[at[1]] - v[at[0]]))


_NONE_YET = "none yet by this day: upper bound only (exact, one-sided 97.5%)"

#: First-reply outcomes of :func:`competing_outcomes`.
OUTCOMES: tuple[str, ...] = ("rejection", "interview", "other")


def competing_outcomes(
    data: Any, *, as_of: Any = None, alpha: float = 0.05
) -> pd.DataFrame:
    """Cumulative incidence of each kind of first reply by day (Aalen–Johansen).

    Rejection and interview invite compete: once an application is rejected it
    cannot get a first reply that is an invite, so each incidence is
    ``sum over days u <= d of S(u-) * events_k(u) / at_risk(u)``, not
    1 - KM per kind. A direct offer counts as ``"interview"`` (a positive
    reply); a reply of unknown or other kind is ``"other"``.

    The standard error is the delta-method one of statsmodels'
    ``CumIncidenceRight`` (checked against it in ``tests/test_timing.py``);
    the pointwise ``1 - alpha`` interval is taken on the log-log scale,
    ``F ** exp(±z se / (F log F))``, so it stays inside (0, 1).

    Returns
    -------
    ResultTable
        ``[day, n, at_risk, outcome, events, estimate, se, ci_low, ci_high,
        method, note]``, one row per day with someone at risk and outcome
        (``n`` = applications used). Before the first reply of a kind its
        estimate is 0 with an exact one-sided 97.5% upper bound (from the
        applications still waiting that day); once everybody still waiting
        has replied the standard error is NaN. Replies without a date are
        left out (counted in ``.attrs["warnings"]``), so the incidences are
        then too low: the note says so. A file with no reply information
        gives NaN rows saying "not in the data".
    """
    applications, _, as_of_ts = resolve_data(data, None, as_of)
    require_rows(applications, "time to reply")
    info, info_warnings = _no_reply_info(applications)
    title = "Kind of first reply by day since applying"
    if not info.any():
        out = pd.DataFrame({"day": 0, "n": len(applications), "at_risk": 0,
                            "outcome": list(OUTCOMES), "events": 0, "estimate": np.nan,
                            "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                            "method": "Aalen-Johansen",
                            "note": f"{NOT_IN_DATA}: the file has no reply information"})
        return finish(out, title=title, as_of=as_of_ts, n_applications=len(applications),
                      warnings=info_warnings)
    dur, warnings = reply_durations(applications, as_of=as_of_ts)
    warnings = info_warnings + [w for w in warnings if NO_REPLY_INFO_REASON not in w]
    require_usable(dur, warnings)
    n_undated = int((dur["reason"] == _UNDATED_REASON).sum())
    use = dur["use"].to_numpy()
    t = dur["time"].to_numpy()[use]
    ev = dur["event"].to_numpy()[use]
    kind = applications["reply_kind"]
    # isin, not ==: pd.NA in a "string" column would make == ambiguous
    rejection = kind.isin(["rejection"]).to_numpy(bool)[use]
    positive = kind.isin(["interview", "offer"]).to_numpy(bool)[use]
    cause = np.where(rejection, 0, np.where(positive, 1, 2))
    size = int(t.max()) + 1 if len(t) else 0
    at_risk = np.cumsum(np.bincount(t, minlength=size)[::-1])[::-1]
    all_ev = np.bincount(t[ev], minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.cumprod(1 - all_ev / at_risk)
    s_before = np.concatenate([[1.0], s[:-1]])
    n = at_risk.astype(float)
    z = z_value(alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        sp0 = np.where(at_risk > 0, s_before / n, 0.0)
        # all-cause Greenwood term; infinite once everybody at risk replied
        ra_all = np.where(at_risk > all_ev, all_ev / (n * (n - all_ev)), np.inf)
        ra_all = np.where(all_ev > 0, ra_all, 0.0)
    frames = []
    for code, name in enumerate(OUTCOMES):
        d_k = np.bincount(t[ev & (cause == code)], minlength=size)
        inc = np.cumsum(sp0 * d_k)
        with np.errstate(divide="ignore", invalid="ignore"):
            # delta-method variance as statsmodels' CumIncidenceRight computes it
            var = inc**2 * np.cumsum(ra_all)
            var -= 2 * inc * np.cumsum(inc * ra_all)
            var += np.cumsum(inc**2 * ra_all)
            var += np.cumsum(sp0**2 * np.where(at_risk > 0, (n - d_k) * d_k / n, 0.0))
            ra = np.where(at_risk > 0, sp0 * d_k / n, 0.0)
            var += -2 * inc * np.cumsum(ra) + 2 * np.cumsum(inc * ra)
            se = np.sqrt(np.where(np.isfinite(var), np.maximum(var, 0.0), np.nan))
            half = z * se / (inc * np.log(inc))
            f_a = inc ** np.exp(half)
            f_b = inc ** np.exp(-half)
        lo, hi = np.fmin(f_a, f_b), np.fmax(f_a, f_b)
        none_yet = inc == 0
        # none of this kind yet: not "0 for sure"; exact bound from those still waiting
        lo[none_yet] = 0.0
        hi[none_yet] = zero_upper(np.maximum(at_risk[none_yet], 1), alpha)
        bad = ~np.isfinite(se) | (inc >= 1)
        lo[bad], hi[bad] = np.nan, np.nan
        frames.append(
            pd.DataFrame(
                {"day": np.arange(size), "n": int(use.sum()), "at_risk": at_risk,
                 "outcome": name, "events": d_k, "estimate": inc, "se": se, "ci_low": lo,
                 "ci_high": hi, "note": np.where(none_yet, _NONE_YET, "")}
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out = out[out["at_risk"] > 0].sort_values(["day", "outcome"], kind="stable")
    out.insert(len(out.columns) - 1, "method", "Aalen-Johansen, log-log 95% CI")
    if n_undated:
        extra = (f"{n_undated} replies without a date left out: these incidences are too low "
                 "(see reply_curve for the imputed total)")
        out["note"] = [f"{x}; {extra}" if x else extra for x in out["note"]]
    return finish(out, title=title, as_of=as_of_ts, n_applications=int(info.sum()),
                  warnings=warnings)


@dataclass(repr=False)
class TimeToReply(Result):
    """Censoring-aware time to first reply: the headline numbers.

    Attributes
    ----------
    within : pandas.DataFrame
        P(reply within 7/14/30 days), see :func:`reply_within`.
    median_among_replied : pandas.DataFrame
        See :func:`median_days_among_replied` (not a survival median).
    n : int
        Applications used.
    n_replied : int
        With a reply on record by the as-of date.
    n_censored : int
        Still waiting at the as-of date (outcome unknown, not "no reply").
    as_of : str
        The snapshot date used.
    """

    within: pd.DataFrame
    median_among_replied: pd.DataFrame
    n: int
    n_replied: int
    n_censored: int
    as_of: str

    @property
    def summary(self) -> pd.DataFrame:
        return self.within

    def _title(self) -> str:
        return "Time to first reply"

    def _repr_html_(self) -> str:
        caption = (f"{self.n} applications as of {self.as_of}: {self.n_replied} with a reply on "
                   f"record, {self.n_censored} still waiting (censored: outcome unknown).")
        extra = [("Median days to reply among applications that replied (not the median over "
                  "all applications)", self.median_among_replied)]
        return html_view(self._title(), self.within, caption=caption, extra_tables=extra,
                         notes=_cell_notes(self.within), warnings=self.warnings)


def time_to_reply(
    data: Any,
    *,
    days: Sequence[int] = (7, 14, 30),
    by: str | Sequence[str] | None = None,
    as_of: Any = None,
) -> TimeToReply:
    """Summary of time to first reply: within-k-days table, median among replied.

    Examples
    --------
    >>> from jobstats.simulate import simulate_search
    >>> apps, _ = simulate_search(200, seed=3)
    >>> res = time_to_reply(apps, as_of="2025-07-01")
    >>> list(res.within["days"])
    [7, 14, 30]
    """
    applications, _, as_of_ts = resolve_data(data, None, as_of)
    within = reply_within(applications, days, by=by, as_of=as_of_ts)
    med = median_days_among_replied(applications, by=by, as_of=as_of_ts)
    dur, _ = reply_durations(applications, as_of=as_of_ts)
    warnings = list(within.attrs["warnings"])
    used = dur[dur["use"]]
    return TimeToReply(
        within=within,
        median_among_replied=med,
        n=int(len(used)),
        n_replied=int(used["event"].sum()),
        n_censored=int((~used["event"]).sum()),
        as_of=str(as_of_ts.date()),
        warnings=warnings,
    )
