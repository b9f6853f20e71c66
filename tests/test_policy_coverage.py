"""Calibration of the follow-up policy intervals over seeded simulations.

Small on purpose (20 searches of 2,000 applications, 80 bootstrap resamples)
so that it runs in ``make test``; the truth comes from the simulator's
parameters (:mod:`policy_truth`).
"""

from __future__ import annotations

from policy_truth import true_reply_within

from jobstats.policy import followup_policy
from jobstats.simulate import simulate_search

AS_OF = "2025-06-25"


def test_interval_coverage_over_seeds() -> None:
    params = dict(followup_hr=2.0, never_reply_share=0.2)
    hits = {"never": 0, "day 7": 0, "diff day 7": 0}
    runs = 20
    for seed in range(runs):
        apps, events = simulate_search(2000, seed=700 + seed, **params)
        tab = followup_policy(apps, events, as_of=AS_OF, n_boot=80, seed=seed)
        tab = tab.set_index("policy")
        never = true_reply_within(apps, policy_day=None, **params)
        day7 = true_reply_within(apps, policy_day=7, **params)
        hits["never"] += tab.loc["never", "ci_low"] <= never <= tab.loc["never", "ci_high"]
        r = tab.loc["day 7"]
        hits["day 7"] += r["ci_low"] <= day7 <= r["ci_high"]
        hits["diff day 7"] += r["diff_ci_low"] <= day7 - never <= r["diff_ci_high"]
    # nominal 95%: fewer than 16 of 20 has probability < 0.3% if calibrated
    assert min(hits.values()) >= 16, hits
