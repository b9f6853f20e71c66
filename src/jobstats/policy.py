"""When to follow up: the chance of a reply under follow-up policies (g-formula).

The question a job seeker asks is not "what is the hazard ratio" but "if I
follow up on day d when I have heard nothing, how likely am I to get a reply
within a month, compared with never following up?". :func:`followup_policy`
answers it in three steps:

1. **Identifiability.** Before any number: on which days were followed-up
   and not-yet-followed-up applications both waiting for a reply, and were
   there replies in both groups on those days? If every still-silent
   application was followed up on the same day, being followed up is fixed by
   the day and no data can separate the two: no estimate, a plain reason.
2. **Discrete-time hazard model** on the daily risk sets: a binomial GLM with
   complementary log-log link, baseline by day since applying (the day bins
   of :data:`jobstats.followup.DAY_BIN_EDGES`), the follow-up effect either
   constant or by days since the follow-up (:data:`SINCE_EDGES`; chosen by a
   likelihood-ratio test), adjusted for source and client when present and
   variable.
3. **Parametric g-formula.** For each policy, walk the days ``0..horizon``
   with the fitted daily hazards (follow-up state switching the day after the
   policy's follow-up day) and average the chance of a reply over the
   applications' covariates.

Intervals: nonparametric bootstrap over applications. Resampling ``n``
applications with replacement gives each distinct application *profile*
(reply/censoring day, first follow-up day, covariates) a multinomial count;
the risk sets of a resample are then a matrix product, and the model is
refitted for all resamples at once by a batched Fisher scoring (see
:func:`_fit_batch`). This is the exact application bootstrap, not an
approximation, at the cost of one small matrix product per resample. With
several clients pooled, each client's baseline is absorbed instead of being a
column of the design (:mod:`jobstats.absorbed`; same model and maximum), so
the work per iteration grows with the cells, not with the square of the
number of clients. The
model (constant effect or by days since the follow-up) is chosen once on the
data and kept in the resamples, so the intervals leave out the uncertainty of
that choice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jobstats.blas import one_blas_thread
from jobstats.results import (
    finish,
    group_frame,
    number_combinations,
    require_rows,
    resolve_as_of,
)
from jobstats.risksets import followup_days, reply_durations

__all__ = [
    "followup_policy",
    "policy_inputs",
    "inputs_from_durations",
    "policy_table",
    "PolicyInputs",
    "POLICY_DAYS",
    "SINCE_EDGES",
    "MIN_OVERLAP_REPLIES",
    "MIN_POLICY_SUPPORT",
    "ASSUMPTION",
    "overlap_reason",
    "adjust_columns",
]

#: Follow-up days compared by default ("follow up on day d if still silent").
POLICY_DAYS: tuple[int, ...] = (3, 5, 7, 10, 14, 21)
#: Left edges of the bins of days since the follow-up (1-3, 4-7, 8+).
SINCE_EDGES: tuple[int, ...] = (1, 4, 8)
#: Replies needed in each group (followed up / not yet) on the overlap days.
MIN_OVERLAP_REPLIES: int = 5
#: Follow-ups needed on or before, and on or after, a policy's day.
MIN_POLICY_SUPPORT: int = 5
#: Significance level of the test that the effect changes with days since.
PH_ALPHA: float = 0.05

#: The assumption behind every follow-up estimate, in plain words.
ASSUMPTION: str = (
    "This assumes nothing you know but the data doesn't (like how promising the job "
    "looked) made you both follow up and get a reply; and that a follow-up changes the "
    "chance of a reply only from the day after it is sent."
)

_Z = 1.959963984540054


def adjust_columns(applications: pd.DataFrame, adjust_for: Sequence[str]) -> list[str]:
    """Adjustment columns present with more than one value (client added when pooled)."""
    cols = [c for c in adjust_for if c in applications.columns]
    cols = [c for c in cols if _varies(applications[c], dropna=False)]
    if "client" in applications.columns and "client" not in cols:
        if _varies(applications["client"], dropna=True):
            cols.append("client")
    return cols


def _varies(values: pd.Series, *, dropna: bool) -> bool:
    """``values.nunique(dropna=dropna) > 1``, by comparing with the first value (one
    vectorised comparison instead of hashing a million values)."""
    missing = values.isna().to_numpy(dtype=bool)
    if missing.any():
        if not dropna:
            return not missing.all()  # missing and a value, or only missing
        values = values[~missing]
    if len(values) < 2:
        return False
    differs = values != values.iloc[0]
    return bool(np.asarray(differs, dtype=bool).any())


def _day_bins(horizon: int) -> np.ndarray:
    from jobstats.followup import DAY_BIN_EDGES

    edges = np.array([e for e in DAY_BIN_EDGES if e <= horizon])
    return np.searchsorted(edges, np.arange(horizon + 1), side="right") - 1


def _since_bin(since: np.ndarray) -> np.ndarray:
    """0 = not followed up (yet); 1.. = bin of days since the follow-up."""
    return np.where(since <= 0, 0, np.searchsorted(np.asarray(SINCE_EDGES), since, side="right"))


@dataclass
class PolicyInputs:
    """Application profiles and their cells: what the model and bootstrap read.

    A profile is a distinct (last day in the window, replied, first follow-up
    day, stratum); ``count`` applications share it.
    """

    horizon: int
    adjust: list[str]
    strata: pd.DataFrame  # one row per stratum: the adjustment values
    count: np.ndarray  # applications per profile
    stratum: np.ndarray  # stratum of each profile
    at_risk: np.ndarray  # profiles x day x since-bin  (dense, small)
    replied: np.ndarray
    overlap: pd.DataFrame  # per day: at risk and replies, followed up or not (yet)
    followup_day: np.ndarray  # first follow-up day per profile (NaN: none in window)
    n_followed_dated: int
    warnings: list[str]


def policy_inputs(
    applications: pd.DataFrame,
    events: pd.DataFrame | None,
    *,
    as_of: pd.Timestamp,
    horizon: int,
    adjust: list[str],
) -> PolicyInputs:
    """Collapse applications into profiles and their daily at-risk/reply counts.

    Days ``0..horizon`` are kept (the window of "a reply within ``horizon``
    days"). A follow-up sent on day ``f`` changes the state from day ``f+1``.
    """
    dur, warnings = reply_durations(applications, as_of=as_of)
    fud, fw = followup_days(applications, events, as_of=as_of)
    use = dur["use"].to_numpy()
    return inputs_from_durations(
        group_frame(applications, adjust)[use],  # (not a copy of the whole table, filtered)
        dur["time"].to_numpy()[use], dur["event"].to_numpy()[use], fud["first"].to_numpy()[use],
        horizon=horizon, adjust=adjust, n_followed_dated=int(fud["first"].notna().sum()),
        warnings=warnings + fw,
    )


def inputs_from_durations(
    groups: pd.DataFrame,
    t: np.ndarray,
    ev: np.ndarray,
    f: np.ndarray,
    *,
    horizon: int,
    adjust: list[str],
    n_followed_dated: int,
    warnings: list[str],
    weight: np.ndarray | None = None,
) -> PolicyInputs:
    """:func:`policy_inputs` from usable applications' durations (the seam for engines).

    ``groups`` holds the ``adjust`` columns (text, as :func:`group_frame` gives);
    ``t``, ``ev``, ``f``: time, reply on record, first dated follow-up day (NaN:
    none). ``weight``: how many applications each row stands for (default 1:
    one row per application; :mod:`jobstats.engine` passes collapsed rows).
    """
    w = np.ones(len(t), np.int64) if weight is None else np.asarray(weight, np.int64)
    t = np.asarray(t, np.int64)
    ev = np.asarray(ev, bool)
    f = np.asarray(f, float)
    if adjust:
        grouped_s = groups.groupby(adjust, sort=True, dropna=False, observed=True)
        codes = grouped_s.ngroup().to_numpy()
        strata = grouped_s.size().reset_index()[adjust]
    else:
        codes = np.zeros(len(t), dtype=np.int64)
        strata = pd.DataFrame(index=[0])
    n_fu = int(n_followed_dated)
    h = int(horizon)
    last = np.minimum(t, h)
    replied = ev & (t <= h)
    # a follow-up matters in the window only if the state changes by day `last`
    f_eff = np.where(np.isnan(f) | (f >= last), -1, np.nan_to_num(f)).astype(np.int64)
    # profiles: distinct (last, replied, f, s), in sorted order, with their weights (numpy
    # on integer codes: the same table as a sorted group-by, without pandas' overhead)
    keys = [np.asarray(a, np.int64) for a in (last, replied, f_eff, codes)]
    profiles = _dense_profiles(keys, w)
    if profiles is None:
        coded = [np.unique(a, return_inverse=True) for a in keys]
        flat = np.ravel_multi_index([inv for _, inv in coded],
                                    [max(len(u), 1) for u, _ in coded])
        prof_id, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
        # integer weights: the float sums are exact
        count = np.bincount(inverse, weights=w, minlength=len(prof_id)).astype(np.int64)
        p_last, p_rep, p_f, p_s = (a[first] for a in keys)
    else:
        count, (p_last, p_rep, p_f, p_s) = profiles
    p_rep = p_rep.astype(bool)
    k = len(count)
    days = np.arange(h + 1)
    alive = days[None, :] <= p_last[:, None]  # K x days
    since = np.where(p_f[:, None] >= 0, days[None, :] - p_f[:, None], 0)
    sbin = _since_bin(since)
    n_sb = len(SINCE_EDGES) + 1
    at_risk = np.zeros((k, h + 1, n_sb))
    rep = np.zeros((k, h + 1, n_sb))
    kk, dd = np.nonzero(alive)
    at_risk[kk, dd, sbin[kk, dd]] = 1.0
    er = np.flatnonzero(p_rep)
    rep[er, p_last[er], sbin[er, p_last[er]]] = 1.0
    # overlap per day: followed up (state 1) vs not yet (state 0), at full resolution
    ar_c = at_risk * count[:, None, None]
    rp_c = rep * count[:, None, None]
    overlap = pd.DataFrame(
        {
            "day": days,
            "at_risk_not_yet": ar_c[:, :, 0].sum(axis=0),
            "at_risk_followed": ar_c[:, :, 1:].sum(axis=(0, 2)),
            "replied_not_yet": rp_c[:, :, 0].sum(axis=0),
            "replied_followed": rp_c[:, :, 1:].sum(axis=(0, 2)),
        }
    )
    return PolicyInputs(
        horizon=h,
        adjust=adjust,
        strata=strata,
        count=count,
        stratum=p_s,
        at_risk=at_risk,
        replied=rep,
        overlap=overlap,
        followup_day=np.where(p_f >= 0, p_f, np.nan).astype(float),
        n_followed_dated=n_fu,
        warnings=warnings,
    )


def _dense_profiles(keys: list[np.ndarray], w: np.ndarray
                    ) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """Weight and key values of each distinct row of ``keys`` (int arrays), rows in
    sorted order (:func:`~jobstats.results.number_combinations`: the keys, day,
    reply, follow-up day and stratum, span small ranges); None when they cannot be
    numbered that way (the caller then sorts)."""
    combined = number_combinations(keys)
    if combined is None:
        return None
    codes, values = combined
    # integer weights: the float sums are exact
    weight = np.bincount(codes, weights=w, minlength=len(values[0]))
    return weight.astype(np.int64), values


# --------------------------------------------------------------------------- identifiability


def overlap_reason(
    overlap: pd.DataFrame, first_days: np.ndarray, n_dated: int, window: str = ""
) -> str | None:
    """Why the data cannot separate a follow-up from the day (None: they can).

    Parameters
    ----------
    overlap : pandas.DataFrame
        Per day: ``at_risk_not_yet``, ``at_risk_followed``, ``replied_not_yet``,
        ``replied_followed`` (applications waiting / replying that day, not yet
        followed up vs followed up before that day).
    first_days : array of float
        First follow-up day of the applications still waiting after it.
    n_dated : int
        Applications with a dated follow-up.
    window : str
        Words for the period looked at (e.g. " within 30 days"), for the reason.
    """
    if n_dated == 0:
        return (
            "there are no dated follow-ups in the data, so there is nothing to compare "
            "(add the dates you followed up to use this)"
        )
    if len(first_days) == 0:
        return (
            f"no followed-up application was still waiting for a reply after its "
            f"follow-up{window}, so there is nothing to compare"
        )
    both = (overlap["at_risk_not_yet"] > 0) & (overlap["at_risk_followed"] > 0)
    if not both.any():
        fdays = np.unique(first_days).astype(int)
        if len(fdays) == 1:
            return (
                f"you followed up every application still waiting on day {fdays[0]} after "
                "applying, and only then, so the data cannot separate the follow-up from the "
                "day: on no day were followed-up and not-yet-followed-up applications both "
                "waiting for a reply"
            )
        return (
            "on no day were followed-up and not-yet-followed-up applications both waiting "
            "for a reply, so the data cannot separate the follow-up from the day"
        )
    r1 = int(overlap.loc[both, "replied_followed"].sum())
    r0 = int(overlap.loc[both, "replied_not_yet"].sum())
    if r1 < MIN_OVERLAP_REPLIES or r0 < MIN_OVERLAP_REPLIES:
        return (
            "on the days when followed-up and not-yet-followed-up applications were both "
            f"waiting, there were too few replies ({r1} after a follow-up, {r0} without; "
            f"need {MIN_OVERLAP_REPLIES} each) to separate the follow-up from the day"
        )
    return None


def identifiability(inp: PolicyInputs) -> str | None:
    """Why the follow-up effect cannot be estimated from these data (None: it can)."""
    fu = inp.followup_day
    ok = np.isfinite(fu)
    return overlap_reason(
        inp.overlap, fu[ok], inp.n_followed_dated, f" within {inp.horizon} days"
    )


# --------------------------------------------------------------------------- model


@dataclass
class _Design:
    """Model cells (day bin x since bin x stratum) and the design over them."""

    cell_of: np.ndarray  # (stratum, day, since-bin) -> cell index
    x: np.ndarray  # C x p design of the cells
    names: list[str]
    exposure: list[int]  # columns of the follow-up effect
    pred: np.ndarray  # design rows for (stratum, day, since-bin): S x D x B x p
    cell_stratum: np.ndarray | None = None  # stratum of each cell

    def clients(self, inp: PolicyInputs) -> tuple[np.ndarray, list[int]] | None:
        """(client code of each cell, columns of the client dummies and the constant)
        when the model has one baseline per client (several clients pooled), else None."""
        if "client" not in inp.adjust or self.cell_stratum is None:
            return None
        codes = pd.factorize(inp.strata["client"].astype(str))[0]
        cols = [i for i, c in enumerate(self.names) if c == "const" or c.startswith("client[")]
        return codes[self.cell_stratum], cols


def _design(inp: PolicyInputs, by_since: bool) -> _Design:
    """Design of the cloglog model; cells are (day bin, since bin, stratum).

    The reference level of each factor is its level with the most replies, so
    that a level without any reply is never the reference.
    """
    h = inp.horizon
    dbin = _day_bins(h)
    n_db = int(dbin.max()) + 1
    n_sb = len(SINCE_EDGES) + 1
    n_s = len(inp.strata)
    rep_ds = (inp.replied * inp.count[:, None, None]).sum(axis=0)  # day x since-bin
    rep_s = np.bincount(inp.stratum, weights=inp.replied.sum(axis=(1, 2)) * inp.count,
                        minlength=n_s)
    cols: dict[str, np.ndarray] = {}
    S, D, B = np.meshgrid(np.arange(n_s), np.arange(h + 1), np.arange(n_sb), indexing="ij")
    S, D, B = S.ravel(), D.ravel(), B.ravel()
    cols["const"] = np.ones(len(S))
    bin_rep = np.bincount(dbin, weights=rep_ds.sum(axis=1), minlength=n_db)
    ref = int(np.argmax(bin_rep))
    for b in range(n_db):
        if b != ref:
            cols[f"day_bin[{b}]"] = (dbin[D] == b).astype(float)
    if by_since:
        for b in range(1, n_sb):
            lo = SINCE_EDGES[b - 1]
            hi = SINCE_EDGES[b] - 1 if b < len(SINCE_EDGES) else None
            label = f"{lo}-{hi}" if hi is not None else f"{lo}+"
            cols[f"followed_up[{label} days since]"] = (B == b).astype(float)
    else:
        cols["followed_up"] = (B > 0).astype(float)
    for col in inp.adjust:
        vals = inp.strata[col].astype(str).to_numpy()
        levels, level_of = np.unique(vals, return_inverse=True)  # sorted, as a group-by
        ref_lv = levels[int(np.argmax(np.bincount(level_of, weights=rep_s)))]
        for lv in sorted(set(vals), key=str):
            if lv != ref_lv:
                cols[f"{col}[{lv}]"] = (vals[S] == lv).astype(float)
    names = list(cols)
    grid = np.column_stack([cols[c] for c in names])
    pred = grid.reshape(n_s, h + 1, n_sb, len(names))
    key = (S * n_db + dbin[D]) * n_sb + B
    uniq, first, inv = np.unique(key, return_index=True, return_inverse=True)
    x = grid[first]
    cell_of = inv.reshape(n_s, h + 1, n_sb)
    exposure = [i for i, c in enumerate(names) if c.startswith("followed_up")]
    return _Design(cell_of, x, names, exposure, pred, cell_stratum=S[first])


@dataclass
class _CellMap:
    """Which profile spends how many days in which cell: a sparse profile x cell matrix.

    Kept as (profile, cell, days) triplets with numpy's ``bincount`` for the
    products, not as a scipy CSR matrix, so that a summary imports no scipy
    (its import alone costs more than the rest of a small summary). Each
    profile touches a few dozen of the cells, and with many clients a dense
    matrix would not fit in memory.
    """

    profile: np.ndarray
    cell: np.ndarray
    days: np.ndarray
    n_cells: int
    #: Resamples x triplets above which the product goes through scipy.sparse.
    SPARSE_ABOVE = 20_000_000

    def totals(self, weights: np.ndarray) -> np.ndarray:
        """``weights @ matrix``: (K,) -> (cells,); (B, K) -> (B, cells)."""
        w = np.asarray(weights, dtype=float)
        if w.ndim == 1:
            return np.bincount(self.cell, weights=w[self.profile] * self.days,
                               minlength=self.n_cells)
        if w.size * len(self.cell) / max(w.shape[-1], 1) > self.SPARSE_ABOVE:
            # a big bootstrap: scipy's sparse product (its import is small beside the
            # work) instead of materialising resamples x triplets in chunks
            from scipy import sparse

            m = sparse.csr_matrix((self.days, (self.profile, self.cell)),
                                  shape=(w.shape[-1], self.n_cells))
            return np.asarray((m.T @ w.T).T)
        out = np.empty((w.shape[0], self.n_cells))
        step = max(1, 4_000_000 // max(len(self.cell), 1))  # bounded memory per chunk
        for start in range(0, w.shape[0], step):
            chunk = w[start:start + step]
            idx = (np.arange(len(chunk))[:, None] * self.n_cells + self.cell[None, :]).ravel()
            vals = (chunk[:, self.profile] * self.days[None, :]).ravel()
            out[start:start + len(chunk)] = np.bincount(
                idx, weights=vals, minlength=len(chunk) * self.n_cells
            ).reshape(len(chunk), self.n_cells)
        return out


def _cell_matrices(inp: PolicyInputs, des: _Design) -> tuple[_CellMap, _CellMap]:
    """Profile x cell matrices of days at risk and replies (per one application)."""
    n_cells = des.x.shape[0]
    cell = des.cell_of[inp.stratum]  # K x D x B
    maps = []
    for table in (inp.at_risk, inp.replied):
        kk, dd, bb = np.nonzero(table)
        key = kk.astype(np.int64) * n_cells + cell[kk, dd, bb]
        uniq, days = np.unique(key, return_counts=True)
        maps.append(_CellMap(uniq // n_cells, uniq % n_cells, days.astype(float), n_cells))
    return maps[0], maps[1]


#: Coefficient standing for minus infinity (a level without any reply).
_NEG_INF = -50.0


@one_blas_thread
def _fit_batch(
    x: np.ndarray,
    n: np.ndarray,
    y: np.ndarray,
    start: np.ndarray,
    offset: np.ndarray | None = None,
    max_iter: int = 30,
) -> np.ndarray:
    """Fisher scoring of the cloglog binomial GLM for many count vectors at once.

    Hand-written because a statsmodels fit per bootstrap resample (hundreds of
    fits) is too slow for the CLI; it maximises the same likelihood as
    ``statsmodels.GLM(..., Binomial(CLogLog()))`` (checked in the tests). A
    coefficient whose level has no reply in a resample drifts towards minus
    infinity (its hazard to 0, the MLE); steps are capped so it stays finite.

    ``n``, ``y``: B x cells; returns B x p coefficients.
    """
    b = np.repeat(start[None, :], n.shape[0], axis=0)
    p = x.shape[1]
    off = np.zeros(x.shape[0]) if offset is None else offset
    # a dummy column without any reply in a resample: its MLE is minus
    # infinity; fix it there (hazard 0) instead of letting Newton crawl to it
    dummy = np.all((x == 0) | (x == 1), axis=0) & (x.min(axis=0) == 0)
    dead = (y @ x == 0) & dummy[None, :]
    b = np.where(dead, _NEG_INF, b)
    xx = (x[:, :, None] * x[:, None, :]).reshape(x.shape[0], p * p)
    ridge = 1e-9 * np.eye(p)
    active = np.ones(n.shape[0], dtype=bool)
    for _ in range(max_iter):
        if not active.any():
            break
        ba, na, ya, da = b[active], n[active], y[active], dead[active]
        eta = np.clip(ba @ x.T + off, -50, 5)
        mu = np.exp(eta)
        pr = np.maximum(-np.expm1(-mu), 1e-300)  # 1 - exp(-mu)
        score = mu * (ya - na * pr) / pr
        w = na * mu * mu * np.exp(-mu) / pr
        info = (w @ xx).reshape(-1, p, p) + ridge
        info += da[:, :, None] * np.eye(p)[None]  # fixed columns: unit diagonal, no step
        grad = np.where(da, 0.0, score @ x)
        step = np.linalg.solve(info, grad[:, :, None])[:, :, 0]
        big = np.abs(step).max(axis=1, keepdims=True)
        step = step * np.minimum(1.0, 5.0 / np.maximum(big, 1e-300))
        b[active] = ba + step
        idx = np.flatnonzero(active)
        active[idx[np.abs(step).max(axis=1) < 1e-7]] = False
    return b


@dataclass
class _Fit:
    beta: np.ndarray  # all design columns (fixed ones included)
    free: np.ndarray  # bool: estimated (else fixed: no reply, or redundant)
    bse: np.ndarray
    llf: float
    design: _Design

    @property
    def names(self) -> list[str]:
        return self.design.names


def _fit(inp: PolicyInputs, by_since: bool) -> tuple[_Fit | None, str | None]:
    """Point fit: zero-reply levels fixed at -inf, rank checked.

    Fitted by :func:`jobstats.absorbed.fit_cloglog_absorbed` (one absorbed
    baseline per client; without clients one group, whose intercept is the
    constant), not statsmodels' GLM: importing that module pulls in
    ``scipy.stats`` (~1.4 s at start-up, more than the rest of ``jobstats
    summary``). Same model and maximum as ``statsmodels.GLM(...,
    Binomial(CLogLog()))``, checked in ``tests/test_absorbed.py`` and
    ``tests/test_policy.py``.
    """
    des = _design(inp, by_since)
    ar, rp = _cell_matrices(inp, des)
    n = ar.totals(inp.count)
    y = rp.totals(inp.count)
    x = des.x
    p = x.shape[1]
    # a level without any reply has an MLE of minus infinity; its cells carry
    # no information on the other coefficients: fix it and drop them (exact MLE)
    rows = n > 0
    dead = np.zeros(p, dtype=bool)
    for _ in range(10):
        changed = False
        for j in range(1, p):
            if not dead[j] and y[rows & (x[:, j] > 0)].sum() == 0:
                dead[j] = True
                rows &= ~(x[:, j] > 0)
                changed = True
        if not changed:
            break
    if dead[des.exposure].any():
        return None, "no reply after a follow-up in some period after it"
    return _fit_absorbed(des, inp, x, n, y, rows, dead)


def _fit_absorbed(des: _Design, inp: PolicyInputs, x: np.ndarray, n: np.ndarray,
                  y: np.ndarray, rows: np.ndarray, dead: np.ndarray
                  ) -> tuple[_Fit | None, str | None]:
    """:func:`_fit` with one absorbed baseline per client (no column per client).

    The same model and maximum as the fit with the constant and client
    dummies (:mod:`jobstats.absorbed`); the coefficients are given back in
    that parametrisation (constant = the reference client's baseline, each
    client's dummy = its baseline minus the reference's), so the g-formula
    and the bootstrap read them unchanged. Without clients all cells form one
    group and its baseline is the constant.
    """
    from jobstats.absorbed import fit_cloglog_absorbed, full_rank, independent_columns

    clients = des.clients(inp)
    const = des.names.index("const")
    if clients is not None:
        code, client_cols = clients
    else:
        code, client_cols = np.zeros(x.shape[0], dtype=np.int64), [const]
    p = x.shape[1]
    live_groups, group = np.unique(code[rows], return_inverse=True)
    xs = x[rows]
    # collinear adjustment columns (e.g. each client used its own sources) are
    # redundant, not a problem: keep a full-rank subset (redundant ones fixed at
    # 0); the follow-up columns are checked last so that a collinearity
    # involving them is detected, not hidden
    candidates = [j for j in range(p) if not dead[j] and j not in des.exposure
                  and j not in client_cols]
    chosen = independent_columns(xs, group, len(live_groups), candidates)
    expo = list(des.exposure)
    if not full_rank(xs[:, chosen + expo], group, len(live_groups)):
        return None, (
            "the data cannot separate the follow-up from the day since applying "
            "(in the model, the follow-up state is fixed by the day)"
        )
    cols = sorted(chosen + expo)
    fit = fit_cloglog_absorbed(xs[:, cols], group, y[rows], n[rows])
    if not fit.converged:
        return None, "the model did not converge (too few or separated replies)"
    beta = np.where(dead, _NEG_INF, 0.0)
    bse = np.full(p, np.nan)  # of the shared coefficients only (baselines: not needed)
    beta[cols] = fit.beta
    bse[cols] = fit.bse
    if clients is not None:
        alpha = np.full(int(code.max()) + 1, _NEG_INF)
        alpha[live_groups] = fit.alpha
        _set_client_coefs(beta, des, inp, alpha)
    else:
        beta[const] = fit.alpha[0]
    free = np.zeros(p, dtype=bool)
    free[cols] = True
    free[client_cols] = ~dead[client_cols]
    # the log-likelihood of the same cells in both models (by_since or not)
    return _Fit(beta, free, bse, fit.llf, des), None


def _client_layout(des: _Design, inp: PolicyInputs) -> tuple[int, dict[int, int]]:
    """(client code of the reference client, client code -> its dummy column)."""
    codes, labels = pd.factorize(inp.strata["client"].astype(str))
    col_of = {}
    for j, name in enumerate(des.names):
        if name.startswith("client["):
            col_of[int(np.flatnonzero(labels == name[len("client["):-1])[0])] = j
    ref = next(c for c in range(len(labels)) if c not in col_of)
    return ref, col_of


def _set_client_coefs(beta: np.ndarray, des: _Design, inp: PolicyInputs,
                      alpha: np.ndarray) -> None:
    """Write client baselines ``alpha`` (..., clients) into ``beta`` (..., p) as constant +
    dummies; a client without any reply (baseline -inf) keeps its dummy at -inf."""
    ref, col_of = _client_layout(des, inp)
    const = des.names.index("const")
    beta[..., const] = alpha[..., ref]
    for c, j in col_of.items():
        beta[..., j] = np.where(alpha[..., c] <= _NEG_INF / 2, _NEG_INF,
                                alpha[..., c] - alpha[..., ref])


# --------------------------------------------------------------------------- g-formula


def _policy_curves(
    pred: np.ndarray, beta: np.ndarray, weights: np.ndarray, days: Sequence[int]
) -> np.ndarray:
    """P(reply within horizon) per policy: never, then each day; beta (B x p).

    ``pred`` is the design over (stratum, day, since bin); ``weights`` (B x S)
    the share of applications per stratum. Returns B x (1 + len(days)).
    """
    n_s, n_d, n_sb, p = pred.shape
    eta = np.einsum("sdbp,kp->ksdb", pred, beta)
    log_surv = -np.exp(np.clip(eta, -50, 5))  # log(1 - hazard) = -exp(eta)
    out = np.empty((beta.shape[0], 1 + len(days)))
    never = log_surv[:, :, :, 0].sum(axis=2)  # B x S
    out[:, 0] = (weights * -np.expm1(never)).sum(axis=1)
    day = np.arange(n_d)
    for i, d in enumerate(days):
        sb = _since_bin(np.where(day > d, day - d, 0))
        ls = log_surv[:, :, day, sb].sum(axis=2)
        out[:, 1 + i] = (weights * -np.expm1(ls)).sum(axis=1)
    return out


def _policy_support(inp: PolicyInputs, d: int) -> str | None:
    """Why the policy 'follow up on day d' is outside the data (None: inside)."""
    if d >= inp.horizon:
        return f"a follow-up on day {d} comes after the {inp.horizon}-day window"
    fu = inp.followup_day
    ok = np.isfinite(fu)
    f, c = fu[ok], inp.count[ok]
    before, after = int(c[f <= d].sum()), int(c[f >= d].sum())
    if before < MIN_POLICY_SUPPORT:
        first = int(f.min())
        return (
            f"you followed up on day {d} or earlier too rarely ({before}; need "
            f"{MIN_POLICY_SUPPORT}; your follow-ups start on day {first}), so the data cannot "
            "say what following up that early would do"
        )
    if after < MIN_POLICY_SUPPORT:
        return (
            f"you followed up on day {d} or later too rarely ({after}; need "
            f"{MIN_POLICY_SUPPORT}; your latest follow-up was on day {int(f.max())}), so the "
            "data cannot say what following up that late would do"
        )
    return None


def _unwrap(data: Any, events: Any, as_of: Any) -> tuple[pd.DataFrame, Any, Any]:
    if hasattr(data, "applications") and hasattr(data, "events"):
        if as_of is None:
            as_of = getattr(data, "as_of", None)
        return data.applications, data.events if events is None else events, as_of
    return data, events, as_of


_COLUMNS = ["policy", "day", "horizon_days", "estimate", "ci_low", "ci_high", "difference",
            "diff_ci_low", "diff_ci_high", "n", "method", "note"]


def followup_policy(
    data_or_apps: Any,
    events: pd.DataFrame | None = None,
    *,
    horizon: int = 30,
    days: Sequence[int] = POLICY_DAYS,
    as_of: Any = None,
    adjust_for: Sequence[str] = ("source",),
    n_boot: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """Chance of a reply within ``horizon`` days under follow-up policies.

    Compares "never follow up" with "follow up on day d after applying if
    still silent" for each ``d`` in ``days``, from a discrete-time hazard model
    and the parametric g-formula (see the module docstring).

    Parameters
    ----------
    data_or_apps : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` returned, or the canonical applications table.
    events : pandas.DataFrame, optional
        Canonical events table (taken from a ``LoadResult`` when not given).
        Follow-ups are the ``follow_up`` events with a date.
    horizon : int
        Window in days: "a reply within ``horizon`` days" means a reply dated at
        most ``horizon`` days after applying (as in :func:`jobstats.reply_within`).
    days : sequence of int
        Follow-up days of the policies compared.
    as_of : date-like, optional
        Snapshot date; default the ``LoadResult``'s, else today.
    adjust_for : sequence of str
        Columns to adjust for when present with more than one value; ``client``
        is added when several clients are pooled.
    n_boot : int
        Bootstrap resamples of applications for the intervals (0: none).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per policy: ``policy, day, horizon_days, estimate, ci_low,
        ci_high, difference, diff_ci_low, diff_ci_high, n, method, note``
        (95% percentile bootstrap intervals). ``attrs``: ``as_of``,
        ``n_applications``, ``identifiable``, ``reason``, ``assumption``,
        ``adjusted_for``, ``effect_by_days_since`` (hazard ratios by days since
        the follow-up), ``ph_test`` (likelihood-ratio test that the effect
        changes with days since the follow-up), ``warnings``.

    Notes
    -----
    No number where the data cannot tell: when no day has followed-up and
    not-yet-followed-up applications both waiting (with replies in each), or
    the design cannot separate the follow-up from the day, every estimate is
    NaN and ``attrs["reason"]`` says why. A policy day outside the days you
    actually followed up on is NaN with a note (no extrapolation).

    Examples
    --------
    >>> import jobstats
    >>> apps, events = jobstats.simulate_search(3000, seed=1)
    >>> tab = jobstats.followup_policy(apps, events, as_of="2025-06-25", n_boot=50)
    >>> list(tab["policy"])[:3]
    ['never', 'day 3', 'day 5']
    """
    apps, events, as_of = _unwrap(data_or_apps, events, as_of)
    require_rows(apps, "follow-up policies")
    as_of_ts = resolve_as_of(as_of)
    horizon = int(horizon)
    if horizon < 1:
        raise ValueError("horizon must be at least 1 day")
    adjust = adjust_columns(apps, adjust_for)
    inp = policy_inputs(apps, events, as_of=as_of_ts, horizon=horizon, adjust=adjust)
    return policy_table(inp, days=days, as_of=as_of_ts, n_applications=len(apps),
                        n_boot=n_boot, seed=seed)


def _chi2_sf(stat: float, df: int) -> float:
    """Upper tail of the chi-squared distribution with an integer ``df`` >= 1.

    The closed form for integer degrees of freedom (a finite Poisson sum, plus
    ``erfc`` for odd ``df``), hand-written instead of ``scipy.stats.chi2.sf``
    because importing scipy costs more at start-up than the rest of ``jobstats
    summary`` of a small tracker; equal to scipy's to 1e-12 in ``tests/test_policy.py``.
    """
    if not df >= 1 or int(df) != df:
        raise ValueError(f"df must be a positive integer, not {df}")
    if stat <= 0:
        return 1.0
    half = stat / 2.0
    df = int(df)
    if df % 2 == 0:  # exp(-x/2) * sum_{k < df/2} (x/2)^k / k!
        term = total = 1.0
        for k in range(1, df // 2):
            term *= half / k
            total += term
        return min(1.0, math.exp(-half) * total)
    # odd: erfc(sqrt(x/2)) + exp(-x/2) * sum_{k=1}^{(df-1)/2} (x/2)^(k-1/2) / Gamma(k+1/2)
    out = math.erfc(math.sqrt(half))
    term = math.sqrt(half) / math.gamma(1.5)
    for k in range(1, (df - 1) // 2 + 1):
        if k > 1:
            term *= half / (k - 0.5)
        out += math.exp(-half) * term
    return min(1.0, out)


def policy_table(
    inp: PolicyInputs,
    *,
    days: Sequence[int] = POLICY_DAYS,
    as_of: pd.Timestamp,
    n_applications: int,
    n_boot: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """:func:`followup_policy` from its inputs (see :func:`inputs_from_durations`)."""
    as_of_ts, horizon, adjust = as_of, inp.horizon, inp.adjust
    days = [int(d) for d in days]
    n_used = int(inp.count.sum())
    reason = identifiability(inp) if n_used else "no application can be used"
    ov = inp.overlap
    waiting_at_h = int((ov["at_risk_not_yet"] + ov["at_risk_followed"]).iloc[horizon])
    if reason is None and waiting_at_h == 0:
        # no one observed that long: the hazard of the last days is unknown, not 0
        reason = (
            f"no application has been waiting {horizon} days yet (as of "
            f"{as_of_ts.date()}), so the chance of a reply within {horizon} days cannot be "
            "estimated; try a shorter horizon"
        )
    fit_c = fit_s = None
    ph: dict[str, Any] = {"statistic": np.nan, "df": 0, "p_value": np.nan,
                          "chosen": "constant", "note": ""}
    if reason is None:
        fit_c, reason = _fit(inp, by_since=False)
    if reason is None:
        fit_s, why = _fit(inp, by_since=True)
        if fit_s is not None:
            df = len(fit_s.design.exposure) - 1
            stat = max(0.0, 2 * (fit_s.llf - fit_c.llf))
            p = _chi2_sf(stat, df) if df > 0 else np.nan
            chosen = "by days since" if (df > 0 and p < PH_ALPHA) else "constant"
            ph = {"statistic": stat, "df": df, "p_value": p, "chosen": chosen,
                  "note": "likelihood-ratio test: does the effect change with days since "
                          "the follow-up (1-3, 4-7, 8+)?"}
        else:
            ph["note"] = f"not tested: {why}"
    fit = fit_s if ph["chosen"] == "by days since" else fit_c
    method = (
        "g-formula on a discrete-time hazard model (cloglog GLM on daily risk sets, "
        + ("follow-up effect by days since it was sent" if ph["chosen"] == "by days since"
           else "constant follow-up effect")
        + (f", adjusted for {', '.join(adjust)}" if adjust else "")
        + (f"); 95% CI: bootstrap over applications (B={n_boot})" if n_boot > 0
           else "); no intervals (n_boot=0)")
    )
    rows = []
    names = ["never"] + [f"day {d}" for d in days]
    for i, name in enumerate(names):
        rows.append({"policy": name, "day": np.nan if i == 0 else float(days[i - 1]),
                     "horizon_days": horizon, "estimate": np.nan, "ci_low": np.nan,
                     "ci_high": np.nan, "difference": np.nan, "diff_ci_low": np.nan,
                     "diff_ci_high": np.nan, "n": n_used, "method": method, "note": ""})
    out = pd.DataFrame(rows, columns=_COLUMNS)
    effect = pd.DataFrame(columns=["days_since", "hazard_ratio", "ci_low", "ci_high"])
    if fit is not None:
        shares = np.bincount(inp.stratum, weights=inp.count, minlength=len(inp.strata))
        w0 = (shares / shares.sum())[None, :]
        est = _policy_curves(fit.design.pred, fit.beta[None, :], w0, days)[0]
        lo = hi = dlo = dhi = np.full(len(names), np.nan)
        if n_boot > 0:
            boot = _bootstrap(inp, fit, days, n_boot, seed)
            diff = boot[:, 1:] - boot[:, [0]]
            lo, hi = np.nanquantile(boot, [0.025, 0.975], axis=0)
            dlo = np.r_[np.nan, np.nanquantile(diff, 0.025, axis=0)]
            dhi = np.r_[np.nan, np.nanquantile(diff, 0.975, axis=0)]
        out["estimate"] = est
        out["ci_low"], out["ci_high"] = lo, hi
        out["difference"] = np.r_[np.nan, est[1:] - est[0]]
        out["diff_ci_low"], out["diff_ci_high"] = dlo, dhi
        for i, d in enumerate(days):
            why = _policy_support(inp, d)
            if why is not None:
                out.loc[1 + i, ["estimate", "ci_low", "ci_high", "difference", "diff_ci_low",
                                "diff_ci_high"]] = np.nan
                out.loc[1 + i, "note"] = why
        effect = _effect_table(fit)
    else:
        out["note"] = f"no estimate: {reason}"
    out = finish(out, title="When to follow up: chance of a reply by policy", as_of=as_of_ts,
                 n_applications=int(n_applications), warnings=inp.warnings,
                 assumption=ASSUMPTION)
    out.attrs.update(
        identifiable=fit is not None,
        reason=reason or "",
        assumption=ASSUMPTION,
        adjusted_for=list(adjust) if fit is not None else [],  # nothing fitted, nothing adjusted
        effect_by_days_since=effect,
        ph_test=ph,
    )
    return out


def _effect_table(fit: _Fit) -> pd.DataFrame:
    rows = []
    for j in fit.design.exposure:
        name = fit.names[j]
        label = name[len("followed_up"):].strip("[]").replace(" days since", "") or "all"
        b, se = fit.beta[j], fit.bse[j]
        rows.append({"days_since": label, "hazard_ratio": math.exp(b),
                     "ci_low": math.exp(b - _Z * se), "ci_high": math.exp(b + _Z * se)})
    return pd.DataFrame(rows)


def _bootstrap(
    inp: PolicyInputs, fit: _Fit, days: Sequence[int], n_boot: int, seed: int
) -> np.ndarray:
    """Policy curves for ``n_boot`` resamples of the applications (B x policies)."""
    rng = np.random.default_rng(seed)
    total = int(inp.count.sum())
    counts = rng.multinomial(total, inp.count / total, size=n_boot).astype(float)
    ar, rp = _cell_matrices(inp, fit.design)
    n = ar.totals(counts)
    y = rp.totals(counts)
    # cells nobody was at risk in, or of levels without any reply (fixed at
    # minus infinity), stay so in every resample: leave them out of the fit
    x = fit.design.x
    offset = x[:, ~fit.free] @ fit.beta[~fit.free]
    live = (ar.totals(np.ones(len(inp.count))) > 0) & (offset > _NEG_INF / 2)
    beta = np.repeat(fit.beta[None, :], n_boot, axis=0)
    clients = fit.design.clients(inp)
    if clients is not None:  # one absorbed baseline per client (see _fit_absorbed)
        from jobstats.absorbed import fit_cloglog_absorbed_batch

        code, client_cols = clients
        common = fit.free.copy()
        common[client_cols] = False
        ref, col_of = _client_layout(fit.design, inp)
        const = fit.design.names.index("const")
        alpha = np.array([fit.beta[const] + (fit.beta[col_of[c]] if c in col_of else 0.0)
                          for c in range(int(code.max()) + 1)])
        live_groups, group = np.unique(code[live], return_inverse=True)
        b_c, a = fit_cloglog_absorbed_batch(
            x[live][:, common], group, n[:, live], y[:, live], fit.beta[common],
            alpha[live_groups], offset[live])
        beta[:, common] = b_c
        alpha_all = np.full((n_boot, len(alpha)), _NEG_INF)
        alpha_all[:, live_groups] = a
        _set_client_coefs(beta, fit.design, inp, alpha_all)
    else:
        beta[:, fit.free] = _fit_batch(
            x[live][:, fit.free], n[:, live], y[:, live], fit.beta[fit.free], offset[live]
        )
    shares = np.zeros((n_boot, len(inp.strata)))
    for s in range(len(inp.strata)):
        shares[:, s] = counts[:, inp.stratum == s].sum(axis=1)
    shares /= shares.sum(axis=1, keepdims=True)
    return _policy_curves(fit.design.pred, beta, shares, days)


