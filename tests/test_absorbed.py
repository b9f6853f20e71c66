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
