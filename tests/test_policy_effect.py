"""followup_effect: no number where the data cannot tell, and labels that claim no more."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jobstats.followup import e_value, followup_effect
from jobstats.policy import ASSUMPTION
from jobstats.simulate import simulate_search

AS_OF = "2025-06-25"


@pytest.mark.parametrize(
    ("n", "day"), [(20000, 3), (300, 7), (5000, 14)], ids=["20000-day3", "300-day7", "day14"]
)
def test_same_day_followups_give_no_hazard_ratio(n: int, day: int) -> None:
    """Finding 2: reported 0.095 (0.087-0.104), x0.11 and 0.79 (0.66-0.94) for a true 1.0."""
    apps, events = simulate_search(
        n, seed=5, followup_delay={day: 1.0}, followup_prob=1.0, followup_hr=1.0
    )
    res = followup_effect(apps, events, as_of=AS_OF, n_boot=20)
    assert math.isnan(res.hazard_ratio) and math.isnan(res.ci_low) and math.isnan(res.ci_high)
    assert "cannot separate the follow-up from the day" in res.reason
    assert math.isnan(res.e_value)
    assert res.policy["estimate"].isna().all()
    assert res.to_dict()["hazard_ratio"] is None


def test_e_value_published_and_hand_cases() -> None:
    # VanderWeele & Ding (2017), worked example: RR 3.9 (95% CI 1.8-8.7) -> 7.26 and 3.0
    point, ci = e_value(3.9, 1.8, 8.7, common=False)
    assert point == pytest.approx(7.263, abs=1e-3) and ci == pytest.approx(3.0)
    # common outcome, HR 2: RR = (1 - 0.5**sqrt 2) / (1 - 0.5**sqrt .5) = 1.6125 by hand
    point, ci = e_value(2.0, 1.3, 3.0, common=True)
    assert point == pytest.approx(2.6064, abs=1e-4) and ci == pytest.approx(1.6881, abs=1e-4)
    # protective: symmetric on 1/RR; a CI through 1 gives 1
    assert e_value(0.5, 0.2, 1.1, common=False) == pytest.approx((3.4142, 1.0), abs=1e-4)
    assert all(math.isnan(v) for v in e_value(float("nan"), 1, 2, common=True))


def test_effect_reports_e_value_assumption_and_absolute_effect() -> None:
    apps, events = simulate_search(6000, seed=3, followup_hr=1.6)
    res = followup_effect(apps, events, as_of=AS_OF, n_boot=50)
    assert res.hazard_ratio > 1 and res.e_value > 1 and "common-outcome" in res.e_value_note
    assert res.assumption == ASSUMPTION
    row = res.summary.iloc[0]
    assert row["assumption"] == ASSUMPTION and row["adjusted_for"] == "source"
    assert row["e_value"] == res.e_value
    assert list(res.policy["policy"])[:2] == ["never", "day 3"]
    assert res.policy["difference"].iloc[1:].notna().any()
    html = res._repr_html_()
    assert "promising" in html and "by follow-up policy" in html


def test_effect_that_fades_is_detected() -> None:
    """x3 for three days then x1 was reported as a constant x1.86; now the test says it changes."""
    apps, events = simulate_search(
        30000, seed=8, followup_hr=3.0, followup_effect_days=3, followup_hr_after=1.0
    )
    res = followup_effect(apps, events, as_of=AS_OF, n_boot=0)
    ph = res.proportional_hazards
    assert ph["p_value"] < 1e-6 and ph["chosen"] == "by days since"
    eff = res.effect_by_days_since.set_index("days_since")
    assert eff.loc["1-3", "ci_low"] <= 3.0 <= eff.loc["1-3", "ci_high"]
    assert eff.loc["8+", "ci_low"] <= 1.0 <= eff.loc["8+", "ci_high"]
    assert res.summary.iloc[0]["effect_changes_with_days_since_p"] < 1e-6


def test_adjusted_for_is_the_truth_without_a_source_column() -> None:
    apps, events = simulate_search(3000, seed=4)
    res = followup_effect(apps.drop(columns="source"), events, as_of=AS_OF, n_boot=0)
    assert res.adjusted_for == [] and "adjusted" not in res.method
    assert res.summary.iloc[0]["adjusted_for"] == "nothing"
    empty = apps.assign(source=pd.Series(pd.NA, index=apps.index, dtype="str"))
    assert followup_effect(empty, events, as_of=AS_OF, n_boot=0).adjusted_for == []


def test_no_dated_followups_says_so() -> None:
    apps, events = simulate_search(500, seed=2)
    res = followup_effect(apps, events[events["kind"] != "follow_up"], as_of=AS_OF, n_boot=0)
    assert math.isnan(res.hazard_ratio) and "no dated follow-ups" in res.reason
    assert res.adjusted_for == []
