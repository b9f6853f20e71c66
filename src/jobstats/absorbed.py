"""Cloglog hazard models with one baseline per client, without a column per client.

Pooling a coach's clients, the follow-up models give each client their own
baseline chance of a reply (a fixed effect per client). With a dummy column
per client the design has hundreds of columns and a dense fit costs
``cells x columns^2`` per iteration: minutes for 200 clients. Each cell
belongs to exactly one client, so the client block of the Fisher information
is diagonal and can be *absorbed*: a Newton step solves the small system of
the shared coefficients (day bins, follow-up, source) through its Schur
complement and gets the client intercepts from it in closed form. Same model,
same likelihood, same maximum as ``statsmodels.GLM(..., Binomial(CLogLog()))``
with the client dummies (checked in ``tests/test_absorbed.py``); the
covariance of the shared coefficients is the inverse Schur complement, which
is their block of the inverse information statsmodels reports.

Hand-written because neither statsmodels nor scipy offers a GLM with absorbed
fixed effects (pyfixest does, for other links, and would be a heavy dependency).
With a single group it is the plain cloglog GLM with a constant, which is how
:mod:`jobstats.followup` and :mod:`jobstats.policy` fit without clients: this
module imports only numpy (scipy only when a design is rank deficient), since
importing statsmodels' GLM or any of scipy costs more at start-up than the rest
of ``jobstats summary`` of a small tracker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from jobstats.blas import one_blas_thread

__all__ = ["AbsorbedFit", "fit_cloglog_absorbed", "independent_columns"]


@dataclass
class AbsorbedFit:
    """Maximum-likelihood fit of ``cloglog P(reply) = x @ beta + alpha[group]``."""

    beta: np.ndarray  # shared coefficients (q)
    alpha: np.ndarray  # intercept of each group (G)
    cov: np.ndarray  # covariance of beta (q x q), inverse Fisher information
    llf: float  # binomial log-likelihood, constant included
    converged: bool

    @property
    def bse(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.cov), 0, None))


def group_sums(a: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Sums of ``a`` over the cells of each group, along its last axis.

    ``a``: (cells,) -> (groups,); (B, cells) -> (B, groups). Cells are the rows
    of the design; for a (cells, q) matrix use ``group_sums(a.T, ...).T``.
    """
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        return np.bincount(group, weights=a, minlength=n_groups)
    lead = a.reshape(-1, a.shape[-1])
    idx = (np.arange(lead.shape[0])[:, None] * n_groups + group[None, :]).ravel()
    out = np.bincount(idx, weights=lead.ravel(), minlength=lead.shape[0] * n_groups)
    return out.reshape(*a.shape[:-1], n_groups)


def _log_binom(n: np.ndarray, y: np.ndarray) -> np.ndarray:
    """log C(n, y) per cell (the binomial likelihood's constant), with math.lgamma."""
    lg = np.frompyfunc(math.lgamma, 1, 1)
    return (lg(n + 1) - lg(y + 1) - lg(n - y + 1)).astype(float)


def _demeaned(x: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """``x`` minus its mean within each group: what is left once intercepts are absorbed."""
    size = np.bincount(group, minlength=n_groups).astype(float)
    means = group_sums(x.T, group, n_groups).T / np.maximum(size, 1)[:, None]
    return x - means[group]


def independent_columns(x: np.ndarray, group: np.ndarray, n_groups: int,
                        candidates: list[int]) -> list[int]:
    """A largest subset of ``candidates`` (columns of ``x``) independent of each other and
    of the group intercepts (rank-revealing QR on the within-group deviations)."""
    if not candidates:
        return []
    xd = _demeaned(x[:, candidates], group, n_groups)
    tol_factor = max(xd.shape) * np.finfo(float).eps * 10
    sv = np.linalg.svd(xd, compute_uv=False)
    if len(sv) and sv[0] > 0 and (sv > sv[0] * tol_factor).all():
        return sorted(candidates)  # the usual case: all independent, no scipy needed
    from scipy.linalg import qr  # numpy's QR does not pivot

    _, r, piv = qr(xd, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    if not len(diag) or diag[0] == 0:
        return []
    rank = int((diag > diag[0] * tol_factor).sum())
    return sorted(candidates[i] for i in piv[:rank])


def full_rank(x: np.ndarray, group: np.ndarray, n_groups: int) -> bool:
    """True when ``[x, one intercept per group]`` has full column rank."""
    if x.shape[1] == 0:
        return True
    return np.linalg.matrix_rank(_demeaned(x, group, n_groups)) == x.shape[1]


@one_blas_thread
def fit_cloglog_absorbed(x: np.ndarray, group: np.ndarray, y: np.ndarray, n: np.ndarray, *,
                         max_iter: int = 200, tol: float = 1e-10) -> AbsorbedFit:
    """Fit the binomial cloglog GLM with one absorbed intercept per group.

    Parameters
    ----------
    x : ndarray (cells x q)
        Shared columns, without a constant (the group intercepts hold it) and
        of full rank together with the intercepts (see :func:`independent_columns`).
    group : ndarray of int (cells)
        Group (client) of each cell, ``0..G-1``; every group must have a reply.
    y, n : ndarray (cells)
        Replies and days at risk per cell.

    Returns
    -------
    AbsorbedFit
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = np.asarray(n, dtype=float)
    group = np.asarray(group, dtype=np.int64)
    n_groups = int(group.max()) + 1 if len(group) else 0
    q = x.shape[1]

    def gsum(a: np.ndarray) -> np.ndarray:  # (cells,) or (cells, q) -> per group
        return group_sums(a.T, group, n_groups).T

    ybar = gsum(y) / np.maximum(gsum(n), 1e-300)
    alpha = np.log(-np.log1p(-np.clip(ybar, 1e-9, 1 - 1e-9)))
    beta = np.zeros(q)
    converged = False
    for _ in range(max_iter):
        eta = np.clip(x @ beta + alpha[group], -50, 5)
        mu = np.exp(eta)
        pr = np.maximum(-np.expm1(-mu), 1e-300)  # 1 - exp(-mu)
        u = mu * (y - n * pr) / pr  # score per cell (d loglik / d eta)
        w = n * mu * mu * np.exp(-mu) / pr  # Fisher weight per cell
        d = np.maximum(gsum(w), 1e-300)
        bm = gsum(x * w[:, None])  # G x q
        ga = gsum(u)
        s = x.T @ (x * w[:, None]) - bm.T @ (bm / d[:, None])
        rhs = x.T @ u - bm.T @ (ga / d)
        db = np.linalg.solve(s, rhs) if q else np.zeros(0)
        da = (ga - bm @ db) / d
        big = max(np.abs(db).max(initial=0), np.abs(da).max(initial=0))
        scale = min(1.0, 5.0 / big) if big > 0 else 1.0
        beta, alpha = beta + scale * db, alpha + scale * da
        if big < tol:
            converged = True
            break
    eta = np.clip(x @ beta + alpha[group], -50, 5)
    mu = np.exp(eta)
    pr = np.maximum(-np.expm1(-mu), 1e-300)
    w = n * mu * mu * np.exp(-mu) / pr
    d = np.maximum(gsum(w), 1e-300)
    bm = gsum(x * w[:, None])
    s = x.T @ (x * w[:, None]) - bm.T @ (bm / d[:, None])
    cov = np.linalg.inv(s) if q else np.zeros((0, 0))
    llf = float((_log_binom(n, y) + y * np.log(pr) - (n - y) * mu).sum())
    return AbsorbedFit(beta, alpha, cov, llf, converged)


#: Coefficient standing for minus infinity (a level without any reply), as in jobstats.policy.
NEG_INF = -50.0


@one_blas_thread
def fit_cloglog_absorbed_batch(x: np.ndarray, group: np.ndarray, n: np.ndarray, y: np.ndarray,
                               start_beta: np.ndarray, start_alpha: np.ndarray,
                               offset: np.ndarray | None = None, max_iter: int = 30
                               ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`fit_cloglog_absorbed` for many count vectors at once (bootstrap resamples).

    ``n``, ``y``: B x cells. A group or a 0/1 column without any reply in a
    resample has its maximum at minus infinity: it is fixed at :data:`NEG_INF`
    (hazard 0) instead of letting Newton crawl there, as
    :func:`jobstats.policy._fit_batch` does. Returns ``beta`` (B x q) and
    ``alpha`` (B x groups).
    """
    n_boot, cells = n.shape
    q = x.shape[1]
    n_groups = len(start_alpha)
    off = np.zeros(cells) if offset is None else offset
    b = np.repeat(start_beta[None, :], n_boot, axis=0).astype(float)
    a = np.repeat(start_alpha[None, :], n_boot, axis=0).astype(float)
    dummy = np.all((x == 0) | (x == 1), axis=0) & (x.min(axis=0) == 0)
    dead_b = (y @ x == 0) & dummy[None, :]
    dead_a = group_sums(y, group, n_groups) == 0
    b = np.where(dead_b, NEG_INF, b)
    a = np.where(dead_a, NEG_INF, a)
    xx = (x[:, :, None] * x[:, None, :]).reshape(cells, q * q)
    eye = np.eye(q)
    active = np.ones(n_boot, dtype=bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        ba, aa, na, ya = b[idx], a[idx], n[idx], y[idx]
        mask_a, mask_b = dead_a[idx], dead_b[idx]
        eta = np.clip(ba @ x.T + aa[:, group] + off, -50, 5)
        mu = np.exp(eta)
        pr = np.maximum(-np.expm1(-mu), 1e-300)
        u = mu * (ya - na * pr) / pr
        w = na * mu * mu * np.exp(-mu) / pr
        info = (w @ xx).reshape(-1, q, q)
        gb = u @ x
        ga = np.where(mask_a, 0.0, group_sums(u, group, n_groups))
        d = group_sums(w, group, n_groups)
        d = np.where(mask_a | (d <= 1e-300), 1.0, d)
        bm = np.stack([group_sums(w * x[:, j], group, n_groups) for j in range(q)],
                      axis=1)  # Ba x q x G
        bm = np.where(mask_a[:, None, :], 0.0, bm)
        s = info - np.einsum("bjg,bkg->bjk", bm / d[:, None, :], bm)
        rhs = gb - np.einsum("bjg,bg->bj", bm, ga / d)
        fixed = mask_b[:, :, None] | mask_b[:, None, :]
        s = np.where(fixed, 0.0, s) + mask_b[:, :, None] * eye[None] + 1e-9 * eye[None]
        rhs = np.where(mask_b, 0.0, rhs)
        db = np.linalg.solve(s, rhs[:, :, None])[:, :, 0]
        da = np.where(mask_a, 0.0, (ga - np.einsum("bjg,bj->bg", bm, db)) / d)
        big = np.maximum(np.abs(db).max(axis=1, initial=0), np.abs(da).max(axis=1, initial=0))
        scale = np.minimum(1.0, 5.0 / np.maximum(big, 1e-300))[:, None]
        b[idx] = ba + scale * db
        a[idx] = aa + scale * da
        active[idx[big < 1e-7]] = False
    return b, a
