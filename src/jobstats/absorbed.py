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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.linalg import qr
from scipy.special import gammaln

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


def _group_matrix(group: np.ndarray, n_groups: int) -> sparse.csr_matrix:
    cells = len(group)
    return sparse.csr_matrix((np.ones(cells), (group, np.arange(cells))),
                             shape=(n_groups, cells))


def _demeaned(x: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """``x`` minus its mean within each group: what is left once intercepts are absorbed."""
    g = _group_matrix(group, n_groups)
    size = np.asarray(g.sum(axis=1)).ravel()
    means = (g @ x) / np.maximum(size, 1)[:, None]
    return x - means[group]


def independent_columns(x: np.ndarray, group: np.ndarray, n_groups: int,
                        candidates: list[int]) -> list[int]:
    """A largest subset of ``candidates`` (columns of ``x``) independent of each other and
    of the group intercepts (rank-revealing QR on the within-group deviations)."""
    if not candidates:
        return []
    xd = _demeaned(x[:, candidates], group, n_groups)
    _, r, piv = qr(xd, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    if not len(diag) or diag[0] == 0:
        return []
    rank = int((diag > diag[0] * max(xd.shape) * np.finfo(float).eps * 10).sum())
    return sorted(candidates[i] for i in piv[:rank])


def full_rank(x: np.ndarray, group: np.ndarray, n_groups: int) -> bool:
    """True when ``[x, one intercept per group]`` has full column rank."""
    if x.shape[1] == 0:
        return True
    return np.linalg.matrix_rank(_demeaned(x, group, n_groups)) == x.shape[1]


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
    gm = _group_matrix(group, n_groups)
    q = x.shape[1]
    ybar = (gm @ y) / np.maximum(gm @ n, 1e-300)
    alpha = np.log(-np.log1p(-np.clip(ybar, 1e-9, 1 - 1e-9)))
    beta = np.zeros(q)
    converged = False
    for _ in range(max_iter):
        eta = np.clip(x @ beta + alpha[group], -50, 5)
        mu = np.exp(eta)
        pr = np.maximum(-np.expm1(-mu), 1e-300)  # 1 - exp(-mu)
        u = mu * (y - n * pr) / pr  # score per cell (d loglik / d eta)
        w = n * mu * mu * np.exp(-mu) / pr  # Fisher weight per cell
        d = np.maximum(gm @ w, 1e-300)
        bm = gm @ (x * w[:, None])  # G x q
        ga = gm @ u
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
    d = np.maximum(gm @ w, 1e-300)
    bm = gm @ (x * w[:, None])
    s = x.T @ (x * w[:, None]) - bm.T @ (bm / d[:, None])
    cov = np.linalg.inv(s) if q else np.zeros((0, 0))
    llf = float((gammaln(n + 1) - gammaln(y + 1) - gammaln(n - y + 1)
                 + y * np.log(pr) - (n - y) * mu).sum())
    return AbsorbedFit(beta, alpha, cov, llf, converged)
