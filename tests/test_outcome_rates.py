"""Rates: Wilson intervals by hand, small groups, counts adding up, ghosting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import six_applications, wilson_by_hand

from jobstats.outcome_rates import MIN_N, rates
from jobstats.schema import InputError
from jobstats.simulate import simulate_search


def _table(stages: list[str], sources: list[str | None]) -> pd.DataFrame:
    n = len(stages)
    replied = [s != "applied" for s in stages]
    return pd.DataFrame(
        {
            "application_id": [f"a{i}" for i in range(n)],
            "source": sources,
            "applied_on": pd.to_datetime(["2025-01-01"] * n),
            "first_reply_on": pd.to_datetime(["2025-01-05" if r else None for r in replied]),
            "stage": stages,
            "row": range(2, n + 2),
        }
    )


def test_wilson_matches_hand_formula() -> None:
    stages = ["replied", "interview", "offer"] + ["applied"] * 7
    out = rates(_table(stages, ["x"] * 10), as_of="2025-03-01").set_index("measure")
    lo, hi = wilson_by_hand(3, 10)
    assert out.loc["response", "estimate"] == pytest.approx(0.3)
    assert out.loc["response", ["ci_low", "ci_high"]].tolist() == pytest.approx([lo, hi], abs=1e-12)
    # published value for 3/10: (0.108, 0.603); the Wald interval would be (0.016, 0.584)
    assert lo == pytest.approx(0.1078, abs=1e-4) and hi == pytest.approx(0.6032, abs=1e-4)
    assert out.loc["interview", "events"] == 2 and out.loc["offer", "events"] == 1
    assert "Wilson" in out.loc["response", "method"]


def test_small_groups_and_missing_group_add_up() -> None:
    stages = ["replied"] * 4 + ["applied"] * 6 + ["interview", "applied", "applied"]
    sources = ["a"] * 10 + [None, None, "b"]
    out = rates(_table(stages, sources), by="source", as_of="2025-03-01")
    resp = out[out["measure"] == "response"].set_index("source")
    assert resp["n"].sum() == 13 and resp["events"].sum() == 5
    assert resp.loc["(missing)", "n"] == 2 and resp.loc["(missing)", "events"] == 1
    assert np.isnan(resp.loc["b", "estimate"]) and resp.loc["b", "note"] == "too few applications (n=1)"
    assert resp.loc["a", "estimate"] == pytest.approx(0.4)
    assert MIN_N == 5


def test_ghosting_is_censoring_aware() -> None:
    # replies on day 2 and 20; two applications censored at day 10; two silent 60 days
    out = rates(six_applications(), as_of="2025-03-02").set_index("measure")
    # KM: S(30) = 5/6 * 2/3; the naive "no reply" share would be 4/6
    assert out.loc["ghosting", "estimate"] == pytest.approx((5 / 6) * (2 / 3))
    assert out.loc["ghosting", "events"] == 2  # known ghosted: silent for 30+ days
    assert out.loc["ghosting", "ci_low"] < out.loc["ghosting", "estimate"] < out.loc["ghosting", "ci_high"]


def test_reply_after_as_of_not_counted_and_future_apps_reported() -> None:
    apps = _table(["replied"] * 6, ["x"] * 6)
    apps.loc[0, "first_reply_on"] = pd.Timestamp("2025-02-10")
    apps.loc[5, "applied_on"] = pd.Timestamp("2025-03-01")
    apps.loc[5, "first_reply_on"] = pd.Timestamp("2025-03-02")
    out = rates(apps, as_of="2025-02-01")
    resp = out.set_index("measure").loc["response"]
    assert resp["n"] == 5 and resp["events"] == 4
    assert any("after the as-of date" in w and "rows 7" in w for w in out.attrs["warnings"])


def test_applied_week_and_unknown_column() -> None:
    apps, _ = simulate_search(200, seed=1)
    out = rates(apps, by="applied_week", as_of="2025-07-01")
    weeks = out["applied_week"].drop_duplicates()
    assert (pd.to_datetime(weeks).dt.day_of_week == 0).all()
    assert out[out["measure"] == "response"]["n"].sum() == 200
    with pytest.raises(InputError, match="no such column"):
        rates(apps, by="salary", as_of="2025-07-01")


def test_rates_close_to_truth_on_simulation() -> None:
    """Without follow-ups and with a far as-of, response rate of referrals is 0.65."""
    apps, _ = simulate_search(6000, seed=8, followup_prob=0.0, as_of="2027-01-01")
    out = rates(apps, by="source", as_of="2027-01-01")
    row = out[(out["source"] == "referral") & (out["measure"] == "response")].iloc[0]
    assert row["ci_low"] < 0.65 < row["ci_high"]


def test_categorical_stage_and_numeric_group_with_missing() -> None:
    """A categorical ``stage`` (unordered) and a numeric column with gaps."""
    stages = ["replied", "interview", "offer"] + ["applied"] * 7
    apps = _table(stages, ["x"] * 10)
    want = rates(apps, as_of="2025-03-01")
    got = rates(apps.assign(stage=apps["stage"].astype("category")), as_of="2025-03-01")
    pd.testing.assert_frame_equal(got, want)
    apps["level"] = [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, None]
    out = rates(apps, by="level", as_of="2025-03-01")
    resp = out[out["measure"] == "response"]
    assert resp["level"].tolist() == [1.0, 2.0, "(missing)"] and resp["n"].tolist() == [5, 4, 1]


def test_hand_written_wilson_equals_statsmodels() -> None:
    """results.wilson is written out (no statsmodels at counting time): same numbers."""
    from statsmodels.stats.proportion import proportion_confint

    from jobstats.results import wilson

    k = np.array([0, 1, 3, 7, 10, 50, 99, 100])
    n = np.array([10, 10, 10, 10, 10, 100, 100, 100])
    lo, hi = wilson(k, n)
    want_lo, want_hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(lo, np.clip(want_lo, 0, 1), atol=1e-12)
    np.testing.assert_allclose(hi, np.clip(want_hi, 0, 1), atol=1e-12)
    assert lo[0] == 0 and hi[0] > 0.25  # 0 of 10: an upper bound, not 0-0
    assert np.isnan(wilson([0], [0])[0]).all()


def test_ghosting_reads_reply_within_at_ghost_days() -> None:
    """The ghosting rate takes reply_within's row at ghost_days from the curves it
    shares with the counts (no second table): the same numbers as reply_within's own
    table, group by group, with undated replies (imputed) and a missing source."""
    from jobstats.timing import reply_within

    apps, _ = simulate_search(150, seed=8)
    replied = apps["first_reply_on"].notna().to_numpy()
    apps.loc[replied & (np.arange(len(apps)) % 4 == 0), "first_reply_on"] = pd.NaT  # undated
    apps.loc[apps.index[::9], "source"] = pd.NA
    as_of = "2025-07-01"
    table = rates(apps, by="source", as_of=as_of, ghost_days=21)
    ghost = table[table["measure"] == "ghosting"].set_index("source")
    within = reply_within(apps, (21,), by="source", as_of=as_of).set_index("source")
    assert "(missing)" in within.index and within["bounds_low"].notna().any()
    assert list(ghost.index) == list(within.index)
    big = within["n"] >= MIN_N
    assert big.sum() >= 3
    assert (ghost["n"] == within["n"]).all()
    for mine, theirs in (("estimate", "estimate"), ("ci_low", "ci_high"), ("ci_high", "ci_low")):
        np.testing.assert_array_equal(ghost.loc[big, mine].to_numpy(),
                                      1 - within.loc[big, theirs].to_numpy())
    assert table.attrs["warnings"] == within.attrs["warnings"]
