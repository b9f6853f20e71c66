"""Time to reply: Kaplan–Meier vs lifelines, Aalen–Johansen vs statsmodels."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import REAL_TRACKER, six_applications
from lifelines import KaplanMeierFitter
from statsmodels.duration.api import CumIncidenceRight
from statsmodels.duration.survfunc import SurvfuncRight

from jobstats.simulate import simulate_search
from jobstats.timing import (
    competing_outcomes,
    median_days_among_replied,
    reply_curve,
    reply_within,
    time_to_reply,
)

AS_OF = "2025-06-25"


@pytest.fixture(scope="module")
def sim() -> pd.DataFrame:
    apps, _ = simulate_search(800, seed=21)
    return apps


def _per_app(apps: pd.DataFrame, as_of: str = AS_OF) -> tuple[np.ndarray, np.ndarray]:
    """Durations computed here, independently of jobstats.risksets."""
    start = apps["applied_on"].dt.normalize()
    c = (pd.Timestamp(as_of) - start).dt.days.to_numpy()
    r = (apps["first_reply_on"].dt.normalize() - start).dt.days.to_numpy()
    event = ~np.isnan(r) & (np.nan_to_num(r, nan=1e9) <= c)
    return np.where(event, r, c), event


def _check_against_lifelines(curve: pd.DataFrame, t: np.ndarray, e: np.ndarray) -> None:
    kmf = KaplanMeierFitter().fit(t, e, alpha=0.05)
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    lo_s = ci.filter(like="lower").iloc[:, 0]
    hi_s = ci.filter(like="upper").iloc[:, 0]
    got = curve.set_index("day")
    days = got.index.to_numpy()
    # lifelines' timeline starts at 0 and holds every observed time
    np.testing.assert_allclose(got["estimate"], 1 - sf.reindex(days, method="ffill"), atol=1e-6)
    seen = (got["estimate"] > 0).to_numpy()  # lifelines gives 0-0 before the first reply
    np.testing.assert_allclose(got["ci_low"][seen], 1 - hi_s.reindex(days, method="ffill")[seen],
                               atol=1e-6)
    np.testing.assert_allclose(got["ci_high"][seen], 1 - lo_s.reindex(days, method="ffill")[seen],
                               atol=1e-6)
    # before the first reply: 0 with the exact one-sided 97.5% bound 1 - 0.025**(1/n)
    zero = got[~seen]
    assert (zero["ci_low"] == 0).all()
    np.testing.assert_allclose(zero["ci_high"], 1 - 0.025 ** (1 / zero["at_risk"]), rtol=1e-12)


def test_km_and_ci_match_lifelines(sim) -> None:
    t, e = _per_app(sim)
    _check_against_lifelines(reply_curve(sim, as_of=AS_OF), t, e)


def test_km_by_group_matches_lifelines(sim) -> None:
    curve = reply_curve(sim, by="source", as_of=AS_OF)
    t, e = _per_app(sim)
    for src, g in curve.groupby("source"):
        m = (sim["source"] == src).to_numpy()
        _check_against_lifelines(g, t[m], e[m])


def test_km_matches_statsmodels_survfunc(sim) -> None:
    """Second independent implementation (estimates and Greenwood SE)."""
    t, e = _per_app(sim)
    sf = SurvfuncRight(t, e.astype(int))
    curve = reply_curve(sim, as_of=AS_OF).set_index("day")
    np.testing.assert_allclose(1 - curve.loc[sf.surv_times, "estimate"], sf.surv_prob, atol=1e-9)


def test_reply_within_reads_the_curve(sim) -> None:
    t, e = _per_app(sim)
    kmf = KaplanMeierFitter().fit(t, e)
    tab = reply_within(sim, (7, 14, 30), as_of=AS_OF)
    want = 1 - kmf.survival_function_at_times([7, 14, 30]).to_numpy()
    np.testing.assert_allclose(tab["estimate"], want, atol=1e-9)
    assert list(tab["at_risk"]) == [int((t >= k).sum()) for k in (7, 14, 30)]


def test_reply_within_nan_when_nobody_followed_that_long() -> None:
    apps = pd.DataFrame(
        {
            "application_id": list("abcdef"),
            "applied_on": pd.to_datetime(["2025-01-01"] * 6),
            "first_reply_on": pd.to_datetime(["2025-01-02", None, None, None, None, None]),
            "stage": ["replied"] + ["applied"] * 5,
        }
    )
    tab = reply_within(apps, (3, 30), as_of="2025-01-11")
    assert tab.loc[0, "estimate"] == pytest.approx(1 / 6)
    assert np.isnan(tab.loc[1, "estimate"]) and "nobody followed" in tab.loc[1, "note"]


def test_hand_computed_km() -> None:
    # replies on day 2 and day 20; two censored at day 10; two silent 60 days
    tab = reply_within(six_applications(), (5, 30), as_of="2025-03-02")
    assert tab["estimate"].tolist() == pytest.approx([1 / 6, 1 - (5 / 6) * (2 / 3)])


def test_median_among_replied_is_labelled() -> None:
    apps = pd.DataFrame(
        {
            "application_id": list("abcd"),
            "source": ["x", "x", "x", "y"],
            "applied_on": pd.to_datetime(["2025-01-01"] * 4),
            "first_reply_on": pd.to_datetime(["2025-01-02", "2025-01-04", "2025-01-11", None]),
            "stage": ["replied", "replied", "replied", "applied"],
        }
    )
    tab = median_days_among_replied(apps, by="source", as_of="2025-03-01")
    assert tab.loc[0, "median_days"] == 3 and tab.loc[0, "n_replied"] == 3
    assert np.isnan(tab.loc[1, "median_days"]) and tab.loc[1, "note"] == "no replies on record"
    assert "among applications that replied" in tab.loc[0, "measure"]


def _statsmodels_incidence(sim: pd.DataFrame) -> CumIncidenceRight:
    """statsmodels' Aalen–Johansen fit on per-application data (causes 1..3)."""
    t, e = _per_app(sim)
    kind = sim["reply_kind"].astype(object).to_numpy()
    cause = np.where(~e, 0, np.where(kind == "rejection", 1, np.where(np.isin(kind, ["interview", "offer"]), 2, 3)))
    return CumIncidenceRight(t, cause)


def test_competing_outcomes_match_statsmodels(sim) -> None:
    ci = _statsmodels_incidence(sim)
    got = competing_outcomes(sim, as_of=AS_OF)
    for k, name in enumerate(["rejection", "interview", "other"]):
        g = got[got["outcome"] == name].set_index("day")["estimate"]
        np.testing.assert_allclose(g.loc[ci.times], ci.cinc[k], atol=1e-9)
    # the incidences add up to 1 - KM
    total = got.groupby("day")["estimate"].sum()
    km = reply_curve(sim, as_of=AS_OF).set_index("day")["estimate"]
    np.testing.assert_allclose(total.loc[km.index], km, atol=1e-9)


def test_time_to_reply_result(sim) -> None:
    res = time_to_reply(sim, as_of=AS_OF)
    _, e = _per_app(sim)
    assert res.n == len(sim) and res.n_replied == int(e.sum()) and res.n_censored == int((~e).sum())
    html = res._repr_html_()
    assert "among applications that replied" in html and "censored" in html
    d = res.to_dict()
    json.dumps(d)  # JSON-ready
    assert d["within"][0]["days"] == 7
    assert d["within"][0]["note"] == ""  # contract: empty text when there is nothing to say


REAL = REAL_TRACKER


def test_real_tracker_reference_numbers() -> None:
    """The published tracker (177 applications): RESEARCH.md reports 36% ever
    replied, median 3 days among replies, KM P(reply by 7/14/30) ~ .22/.26/.30.
    The canonical table is built here by hand (not by the loader)."""
    raw = pd.read_csv(REAL)
    applied = pd.to_datetime(raw["Date sent"], format="%m/%d/%Y")
    reply = pd.to_datetime(raw["Date of 1st Response"], format="%m/%d/%Y", errors="coerce")
    apps = pd.DataFrame(
        {
            "application_id": [f"r{i}" for i in range(len(raw))],
            "applied_on": applied,
            "first_reply_on": reply,
            "stage": np.where(reply.notna(), "replied", "applied"),
            "row": np.arange(2, len(raw) + 2),
        }
    )
    as_of = "2023-03-13"  # the export's "Current Date"
    tab = reply_within(apps, (7, 14, 30), as_of=as_of)
    assert tab["estimate"].tolist() == pytest.approx([0.22, 0.26, 0.30], abs=0.006)
    med = median_days_among_replied(apps, as_of=as_of)
    assert med.loc[0, "median_days"] == 3 and med.loc[0, "n_replied"] == 64
    assert 64 / 177 == pytest.approx(0.36, abs=0.005)


def test_competing_outcomes_standard_errors_match_statsmodels(sim) -> None:
    """SE of each cumulative incidence equals statsmodels' CumIncidenceRight.cinc_se;
    the interval is the log-log one built from it."""
    ci = _statsmodels_incidence(sim)
    got = competing_outcomes(sim, as_of=AS_OF)
    z = 1.959963984540054
    for k, name in enumerate(["rejection", "interview", "other"]):
        g = got[got["outcome"] == name].set_index("day").loc[ci.times]
        np.testing.assert_allclose(g["se"], ci.cinc_se[k], atol=1e-12)
        f, se = ci.cinc[k], ci.cinc_se[k]
        pos = f > 0
        lo = f[pos] ** np.exp(-z * se[pos] / (f[pos] * np.log(f[pos])))
        hi = f[pos] ** np.exp(z * se[pos] / (f[pos] * np.log(f[pos])))
        np.testing.assert_allclose(g["ci_low"][pos], lo, atol=1e-12)
        np.testing.assert_allclose(g["ci_high"][pos], hi, atol=1e-12)
        assert (g["ci_low"] <= g["estimate"]).all() and (g["estimate"] <= g["ci_high"]).all()


def test_competing_outcomes_interval_covers_the_truth() -> None:
    """Truth from a huge uncensored simulation; 95% intervals from small censored ones."""
    big, _ = simulate_search(200_000, seed=99, followup_prob=0.0, as_of="2027-01-01")
    d = (big["first_reply_on"] - big["applied_on"]).dt.days
    truth = ((d <= 14) & (big["reply_kind"] == "rejection")).mean()
    covered = 0
    for seed in range(40):
        apps, _ = simulate_search(400, seed=1000 + seed, followup_prob=0.0)
        got = competing_outcomes(apps, as_of="2025-06-25")
        row = got[(got["day"] == 14) & (got["outcome"] == "rejection")].iloc[0]
        covered += bool(row["ci_low"] <= truth <= row["ci_high"])
    assert covered >= 34  # nominal 95% of 40 = 38; P(< 34) < 1% if calibrated


def test_competing_outcomes_with_string_dtype_missing_kind(sim) -> None:
    want = competing_outcomes(sim, as_of=AS_OF)
    apps = sim.assign(reply_kind=sim["reply_kind"].astype("string"))  # pd.NA, not NaN
    pd.testing.assert_frame_equal(competing_outcomes(apps, as_of=AS_OF), want)


def test_reply_within_small_group_is_nan_with_reason() -> None:
    apps = pd.DataFrame(
        {
            "application_id": list("abcdefg"),
            "source": ["x"] * 5 + ["y"] * 2,
            "applied_on": pd.to_datetime(["2025-01-01"] * 7),
            "first_reply_on": pd.to_datetime(["2025-01-02", None, None, None, None, "2025-01-02", None]),
            "stage": ["replied"] + ["applied"] * 4 + ["replied", "applied"],
        }
    )
    tab = reply_within(apps, (7,), by="source", as_of="2025-03-01").set_index("source")
    assert tab.loc["x", "estimate"] == pytest.approx(0.2)
    assert np.isnan(tab.loc["y", "estimate"]) and np.isnan(tab.loc["y", "ci_low"])
    assert tab.loc["y", "note"] == "too few applications (n=2)"


def test_reply_within_is_one_when_everybody_replied_early() -> None:
    """All replied by day 3: P(reply within 7 / 30 days) is 1, not 'nobody followed'."""
    apps = pd.DataFrame(
        {
            "application_id": list("abcdef"),
            "applied_on": pd.to_datetime(["2025-01-01"] * 6),
            "first_reply_on": pd.to_datetime(["2025-01-02"] * 3 + ["2025-01-04"] * 3),
            "stage": ["replied"] * 6,
        }
    )
    tab = reply_within(apps, (1, 7, 30), as_of="2025-03-01")
    assert tab["estimate"].tolist() == pytest.approx([0.5, 1.0, 1.0])
    assert (tab["note"] == "").all()


def test_km_from_counts_ignores_the_index() -> None:
    """Groups are read by position, so a risk table with another index gives the same curve."""
    from jobstats.risksets import daily_risk_sets
    from jobstats.timing import km_from_counts

    apps, _ = simulate_search(300, seed=4)
    risk = daily_risk_sets(apps, as_of=AS_OF, by="source")
    want = km_from_counts(risk, ["source"])
    got = km_from_counts(risk.set_axis(risk.index[::-1]), ["source"])
    np.testing.assert_allclose(got["estimate"].to_numpy(), want["estimate"].to_numpy())
    np.testing.assert_allclose(got["ci_low"].to_numpy(), want["ci_low"].to_numpy())


def test_median_among_replied_by_numeric_column_with_missing() -> None:
    apps = pd.DataFrame(
        {
            "application_id": list("abcd"),
            "size": [10.0, 10.0, None, 50.0],
            "applied_on": pd.to_datetime(["2025-01-01"] * 4),
            "first_reply_on": pd.to_datetime(["2025-01-02", "2025-01-04", "2025-01-11", None]),
            "stage": ["replied", "replied", "replied", "applied"],
        }
    )
    tab = median_days_among_replied(apps, by="size", as_of="2025-03-01")
    assert tab["size"].tolist() == [10.0, 50.0, "(missing)"]
    assert tab["n_replied"].tolist() == [2, 0, 1]
