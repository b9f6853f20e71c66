"""One baseline per client, absorbed (jobstats.absorbed): same answer as a column per client.

Checked against statsmodels' GLM with a dummy column per client (an
independent implementation) and against simulated searches whose follow-up
effect is known.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import jobstats
from jobstats.absorbed import fit_cloglog_absorbed
from jobstats.followup import _fit_cloglog
from jobstats.risksets import daily_risk_sets
from jobstats.simulate import DEFAULT_SOURCES

AS_OF = "2025-06-30"


def clients(k: int, n: int, *, hr: float = 1.6, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``k`` simulated clients whose chances of a reply differ a lot (factor 0.3 to 1.5)."""
    apps, events = [], []
    for i in range(k):
        scale = 0.3 + 1.2 * i / max(k - 1, 1)
        sources = {s: (share, min(0.9, p * scale))
                   for s, (share, p) in DEFAULT_SOURCES.items()}
        a, e = jobstats.simulate_search(n, seed=seed + i, sources=sources, followup_hr=hr,
                                        as_of=AS_OF, client=f"c{i}")
        a["application_id"] = f"c{i}/" + a["application_id"].astype(str)
        e["application_id"] = f"c{i}/" + e["application_id"].astype(str)
        apps.append(a)
        events.append(e)
    return pd.concat(apps, ignore_index=True), pd.concat(events, ignore_index=True)


def test_absorbed_fit_equals_statsmodels_with_a_column_per_group() -> None:
    rng = np.random.default_rng(3)
    cells, groups = 400, 12
    group = rng.integers(0, groups, cells)
    x = np.column_stack([rng.integers(0, 2, cells), rng.normal(size=cells)]).astype(float)
    n = rng.integers(5, 60, cells).astype(float)
    eta = -3 + 0.4 * x[:, 0] - 0.3 * x[:, 1] + rng.normal(0, 0.8, groups)[group]
    y = rng.binomial(n.astype(int), 1 - np.exp(-np.exp(eta))).astype(float)
    fit = fit_cloglog_absorbed(x, group, y, n)
    dummies = (group[:, None] == np.arange(groups)[None, :]).astype(float)
    ref = sm.GLM(np.column_stack([y, n - y]), np.column_stack([x, dummies]),
                 family=sm.families.Binomial(link=sm.families.links.CLogLog())).fit()
    assert fit.converged
    np.testing.assert_allclose(fit.beta, ref.params[:2], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(fit.alpha, ref.params[2:], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(fit.bse, ref.bse[:2], rtol=1e-6)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-10)


def test_followup_effect_with_clients_equals_the_column_per_client_fit() -> None:
    apps, events = clients(6, 300, seed=10)
    risk = daily_risk_sets(apps, events, as_of=pd.Timestamp(AS_OF), by=["source", "client"],
                           followup=True)
    absorbed = _fit_cloglog(risk, "followed_up", 0, ["source", "client"]).table
    # the same model with a dummy column per client: the column renamed, so the
    # absorbed branch (taken for "client") is not
    dense = _fit_cloglog(risk.rename(columns={"client": "who"}), "followed_up", 0,
                         ["source", "who"]).table
    for col in ("hazard_ratio", "ci_low", "ci_high"):
        assert absorbed[col].iloc[0] == pytest.approx(dense[col].iloc[0], rel=1e-6), col
    # statsmodels stops its iterations earlier (deviance tolerance 1e-8): a tail
    # probability magnifies that last digit
    assert absorbed["p_value"].iloc[0] == pytest.approx(dense["p_value"].iloc[0], rel=1e-4)


def test_followup_effect_with_clients_recovers_the_simulated_effect() -> None:
    apps, events = clients(8, 800, hr=1.6, seed=20)
    eff = jobstats.followup_effect(apps, events, as_of=AS_OF, n_boot=0)
    assert "client" in eff.adjusted_for
    assert eff.ci_low < 1.6 < eff.ci_high
    assert eff.ci_low > 1.0  # and it is told apart from no effect


def test_followup_policy_with_clients_equals_the_column_per_client_fit() -> None:
    apps, events = clients(5, 300, seed=30)
    kw = dict(as_of=AS_OF, n_boot=40, seed=1)
    absorbed = jobstats.followup_policy(apps, events, adjust_for=("source", "client"), **kw)
    dense = jobstats.followup_policy(apps.rename(columns={"client": "who"}), events,
                                     adjust_for=("source", "who"), **kw)
    assert absorbed.attrs["identifiable"] and absorbed.attrs["adjusted_for"] == [
        "source", "client"]
    cols = ["estimate", "ci_low", "ci_high", "difference", "diff_ci_low", "diff_ci_high"]
    np.testing.assert_allclose(absorbed[cols].to_numpy(float), dense[cols].to_numpy(float),
                               rtol=1e-5, atol=1e-6)
    assert absorbed.attrs["ph_test"]["statistic"] == pytest.approx(
        dense.attrs["ph_test"]["statistic"], rel=1e-4, abs=1e-6)


def test_summary_reuses_the_pooled_policy_for_the_cohort_section(monkeypatch) -> None:
    """One bootstrap, not two: the summary's policy is the cohort's when every client counts."""
    import jobstats.cohort as cohort
    from jobstats.io.report import LoadReport, LoadResult

    apps, events = clients(3, 150, seed=50)
    apps["reply_info"] = True
    data = LoadResult(apps, events, LoadReport(file=None, n_applications=len(apps)),
                      pd.Timestamp(AS_OF), Path("clients"))
    expected = cohort.cohort_report(data)["followup_policy"]
    monkeypatch.setattr(cohort, "cohort_followup_policy",
                        lambda *a, **k: pytest.fail("the pooled policy was computed twice"))
    assert jobstats.summarize(data).cohort["followup_policy"] == expected


# ------------------------------------------------- one group: the plain cloglog GLM
# Without clients the follow-up and policy fits are this solver with one group
# (jobstats imports no statsmodels at start-up); statsmodels is the check.


def _statsmodels_cloglog(y: np.ndarray, n: np.ndarray, x: np.ndarray):
    """statsmodels' binomial cloglog GLM, iterated to convergence (its default
    deviance tolerance 1e-8 stops a few digits short)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.GLM(np.column_stack([y, n - y]), x,
                      family=sm.families.Binomial(link=sm.families.links.CLogLog())
                      ).fit(tol=1e-13, maxiter=500)


def _cells(risk: pd.DataFrame, adjust: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The (day bin, follow-up, adjust) cells and their dummy design with a constant,
    built with pandas (not with jobstats' code). Cells of a level without any
    reply are left out: that level's MLE is minus infinity and its cells say
    nothing about the other coefficients (what jobstats does too)."""
    from jobstats.followup import DAY_BIN_EDGES

    r = risk.assign(_bin=np.searchsorted(DAY_BIN_EDGES, risk["day"], side="right") - 1)
    cells = r.groupby(["_bin", "followed_up", *adjust], observed=True)[
        ["at_risk", "replied"]].sum().reset_index()
    while True:
        keep = np.ones(len(cells), dtype=bool)
        for col in ["_bin", "followed_up", *adjust]:
            keep &= cells.groupby(col)["replied"].transform("sum").to_numpy() > 0
        if keep.all():
            break
        cells = cells[keep].reset_index(drop=True)
    x = pd.get_dummies(cells[["_bin", "followed_up", *adjust]].astype(str),
                       drop_first=True).astype(float)
    x.insert(0, "const", 1.0)
    return cells, x


@pytest.mark.parametrize(("n", "seed", "hr", "adjust"), [
    (400, 1, 1.5, ["source"]), (1500, 2, 1.0, ["source"]), (3000, 3, 2.0, []),
    (800, 4, 0.7, []),
])
def test_followup_fit_without_clients_equals_statsmodels(n, seed, hr, adjust) -> None:
    apps, events = jobstats.simulate_search(n, seed=seed, followup_hr=hr, as_of=AS_OF)
    risk = daily_risk_sets(apps, events, as_of=pd.Timestamp(AS_OF), by=adjust or None,
                           followup=True)
    cells, x = _cells(risk, adjust)
    ref = _statsmodels_cloglog(cells["replied"].to_numpy(float),
                               cells["at_risk"].to_numpy(float), x)
    got = _fit_cloglog(risk, "followed_up", 0, adjust).table.iloc[0]
    b, se = ref.params["followed_up_1"], ref.bse["followed_up_1"]
    assert got["hazard_ratio"] == pytest.approx(np.exp(b), rel=1e-7)
    assert got["ci_low"] == pytest.approx(np.exp(b - 1.959963984540054 * se), rel=1e-7)
    assert got["ci_high"] == pytest.approx(np.exp(b + 1.959963984540054 * se), rel=1e-7)
    assert got["p_value"] == pytest.approx(ref.pvalues["followed_up_1"], rel=1e-6)


def _separated_risk(replies_after: str) -> pd.DataFrame:
    """Hand-made risk sets: every followed-up application replies at once ('all'),
    or none ever does ('none')."""
    rng = np.random.default_rng(0)
    rows = []
    for day in range(30):
        at_risk = 60 - day
        rows.append(dict(day=day, followed_up=0, at_risk=at_risk,
                         replied=int(rng.binomial(at_risk, 0.05))))
        if day >= 8:
            rows.append(dict(day=day, followed_up=1, at_risk=3,
                             replied=3 if replies_after == "all" else 0))
    return pd.DataFrame(rows)


def test_separated_followup_gives_no_number_as_statsmodels_cannot() -> None:
    risk = _separated_risk("all")
    cells, x = _cells(risk, [])
    ref = _statsmodels_cloglog(cells["replied"].to_numpy(float),
                               cells["at_risk"].to_numpy(float), x)
    # statsmodels drifts to a huge coefficient with a huge standard error
    assert ref.bse["followed_up_1"] > 10 or not np.isfinite(ref.bse["followed_up_1"])
    got = _fit_cloglog(risk, "followed_up", 0, []).table.iloc[0]
    assert np.isnan(got["hazard_ratio"]) and np.isnan(got["ci_low"])
    assert "unstable" in got["note"] or "converge" in got["note"]


def test_no_reply_after_followup_gives_no_number() -> None:
    risk = _separated_risk("none")
    got = _fit_cloglog(risk, "followed_up", 0, []).table.iloc[0]
    assert got["replies_after"] == 0
    assert np.isnan(got["hazard_ratio"]) and isinstance(got["note"], str)
    # and no reply at all: nothing to compare with
    fit = _fit_cloglog(risk.assign(replied=0), "followed_up", 0, [])
    assert fit.table.empty and "no replies" in fit.reason


def test_one_group_fit_equals_statsmodels_with_a_constant() -> None:
    rng = np.random.default_rng(5)
    cells = 300
    x = np.column_stack([rng.integers(0, 2, cells), rng.normal(size=cells),
                         rng.integers(0, 2, cells)]).astype(float)
    n = rng.integers(1, 40, cells).astype(float)
    eta = -2.5 + 0.5 * x[:, 0] - 0.2 * x[:, 1] + 0.1 * x[:, 2]
    y = rng.binomial(n.astype(int), 1 - np.exp(-np.exp(eta))).astype(float)
    fit = fit_cloglog_absorbed(x, np.zeros(cells, dtype=int), y, n)
    ref = _statsmodels_cloglog(y, n, np.column_stack([np.ones(cells), x]))
    assert fit.converged
    np.testing.assert_allclose(fit.beta, ref.params[1:], rtol=1e-8, atol=1e-10)
    assert fit.alpha[0] == pytest.approx(ref.params[0], rel=1e-8)
    np.testing.assert_allclose(fit.bse, ref.bse[1:], rtol=1e-7)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-10)


@pytest.mark.parametrize("by_since", [False, True])
def test_policy_point_fit_without_clients_equals_statsmodels(by_since: bool) -> None:
    from jobstats.policy import _cell_matrices, _design, _fit, policy_inputs

    apps, events = jobstats.simulate_search(2500, seed=8, as_of=AS_OF)
    inp = policy_inputs(apps, events, as_of=pd.Timestamp(AS_OF), horizon=30,
                        adjust=["source"])
    fit, reason = _fit(inp, by_since=by_since)
    assert reason is None
    des = _design(inp, by_since)
    ar, rp = _cell_matrices(inp, des)
    n, y = ar.totals(inp.count), rp.totals(inp.count)
    x = des.x
    # a level (0/1 column) without any reply: MLE minus infinity, its cells left out
    no_reply = np.array([j > 0 and y[x[:, j] > 0].sum() == 0 for j in range(x.shape[1])])
    live = (n > 0) & ~(x[:, no_reply] > 0).any(axis=1)
    ref = _statsmodels_cloglog(y[live], n[live], x[live][:, ~no_reply])
    np.testing.assert_allclose(fit.beta[~no_reply], ref.params, rtol=1e-7, atol=1e-9)
    assert (fit.beta[no_reply] == -50).all() and not fit.free[no_reply].any()
    ref_bse = np.full(x.shape[1], np.nan)
    ref_bse[~no_reply] = ref.bse
    np.testing.assert_allclose(fit.bse[des.exposure], ref_bse[des.exposure], rtol=1e-6)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-10)


def test_cell_map_totals_equal_the_dense_product() -> None:
    from jobstats.policy import _cell_matrices, _design, policy_inputs

    apps, events = jobstats.simulate_search(300, seed=9, as_of=AS_OF)
    inp = policy_inputs(apps, events, as_of=pd.Timestamp(AS_OF), horizon=30, adjust=[])
    des = _design(inp, by_since=True)
    ar, _ = _cell_matrices(inp, des)
    # dense profile x cell matrix, built by a plain loop over the at-risk days
    dense = np.zeros((len(inp.count), des.x.shape[0]))
    cell = des.cell_of[inp.stratum]
    for k, d, b in zip(*np.nonzero(inp.at_risk)):
        dense[k, cell[k, d, b]] += 1
    w = np.random.default_rng(0).poisson(3, size=(7, len(inp.count))).astype(float)
    np.testing.assert_allclose(ar.totals(inp.count), inp.count @ dense)
    np.testing.assert_allclose(ar.totals(w), w @ dense)
    ar.SPARSE_ABOVE = 0  # the path of big bootstraps (scipy.sparse)
    np.testing.assert_allclose(ar.totals(w), w @ dense)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7])
def test_chi2_tail_equals_scipy(df: int) -> None:
    from scipy.stats import chi2

    from jobstats.policy import _chi2_sf

    for stat in (0.0, 1e-6, 0.3, 1.0, 3.84, 9.2, 40.0, 300.0):
        assert _chi2_sf(stat, df) == pytest.approx(chi2.sf(stat, df), rel=1e-12, abs=1e-300)
