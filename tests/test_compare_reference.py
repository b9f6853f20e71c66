"""compare_to_reference(): MOVER = Newcombe, shipped references, coach cohort."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REAL_TRACKER, wilson_by_hand
from statsmodels.stats.proportion import confint_proportions_2indep

import jobstats
from jobstats.reference import mover, user_measures
from jobstats.schema import InputError
from jobstats.simulate import simulate_search


@pytest.mark.parametrize("k1,n1,k2,n2", [(10, 50, 20, 60), (0, 12, 3, 40), (64, 177, 30, 250)])
def test_mover_with_wilson_limits_is_newcombe(k1, n1, k2, n2):
    l1, u1 = wilson_by_hand(k1, n1)
    l2, u2 = wilson_by_hand(k2, n2)
    d, lo, hi = mover(k1 / n1, l1, u1, k2 / n2, l2, u2)
    ref_lo, ref_hi = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    assert d == pytest.approx(k1 / n1 - k2 / n2)
    assert (lo, hi) == pytest.approx((ref_lo, ref_hi), abs=1e-9)


def test_reference_table_is_cited_and_matches_research_notes():
    ref = jobstats.reference_table()
    assert (ref["citation"] != "").all() and (ref["licence"] != "").all()
    tracker = ref[ref["citation"].str.contains("TimHanneman")].set_index("measure")
    # RESEARCH.md section 3: 36% ever replied; KM 7/14/30 days about 0.22/0.26/0.30
    assert tracker.at["response", "estimate"] == pytest.approx(0.36, abs=0.005)
    for days, value in ((7, 0.22), (14, 0.26), (30, 0.30)):
        assert tracker.at[f"reply within {days} days", "estimate"] == pytest.approx(value, abs=0.006)
    audit = ref[ref["reference"].str.contains("Bertrand")]
    assert audit["estimate"].tolist() == [0.0805] and audit["n"].isna().all()


@pytest.mark.skipif(not REAL_TRACKER.exists(), reason="real tracker not present")
def test_shipped_aggregates_are_those_of_the_real_tracker():
    data = jobstats.load(REAL_TRACKER, as_of="2023-03-13")
    mine = user_measures(data.applications, pd.Timestamp("2023-03-13")).set_index("measure")
    ref = jobstats.reference_table()
    tracker = ref[ref["citation"].str.contains("TimHanneman")].set_index("measure")
    for m in tracker.index:
        assert tracker.at[m, "estimate"] == pytest.approx(mine.at[m, "estimate"], abs=1e-4)
        assert tracker.at[m, "n"] == mine.at[m, "n"]


def test_published_number_without_n_gives_only_the_users_interval():
    apps, _ = simulate_search(200, seed=3)
    t = jobstats.compare_to_reference(apps, as_of="2025-07-01")
    row = t[t["reference"].str.contains("Bertrand")].iloc[0]
    assert row["measure"] == "positive reply"
    assert row["estimate"] == pytest.approx(row["user_estimate"] - 0.0805)
    assert row["ci_low"] == pytest.approx(row["user_ci_low"] - 0.0805)
    assert row["ci_high"] == pytest.approx(row["user_ci_high"] - 0.0805)
    assert "covers only this search's uncertainty" in row["note"]
    assert t.attrs["sources"] and "positive reply" in t.attrs["spread"]


def test_counts_against_the_tracker_are_newcombe():
    apps, _ = simulate_search(200, seed=3)
    t = jobstats.compare_to_reference(apps, as_of="2025-07-01")
    row = t[(t["measure"] == "response") & t["reference"].str.contains("data-roles")].iloc[0]
    lo, hi = confint_proportions_2indep(int(row["events"]), int(row["n"]), 64, 177,
                                        method="newcomb", compare="diff")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), abs=2e-4)  # CSV rounding


def _cohort(rates: list[float], n: int = 120) -> pd.DataFrame:
    frames = []
    for i, p in enumerate(rates):
        apps, _ = simulate_search(n, seed=50 + i, followup_prob=0.0, client=f"c{i}",
                                  sources={"any": (1.0, p)})
        apps["application_id"] = f"c{i}:" + apps["application_id"].astype(str)
        frames.append(apps)
    return pd.concat(frames, ignore_index=True)


def test_cohort_counts_each_client_once_and_says_how_they_differ():
    cohort = _cohort([0.1, 0.2, 0.3, 0.6], n=100)
    me, _ = simulate_search(300, seed=9, followup_prob=0.0, sources={"any": (1.0, 0.3)})
    t = jobstats.compare_to_reference(me, cohort, as_of="2025-07-01").set_index("measure")
    # mean of the clients' own shares, not the pooled share
    as_of = pd.Timestamp("2025-07-01")
    shares = [
        user_measures(g, as_of).set_index("measure").at["response", "estimate"]
        for _, g in cohort.groupby("client")
    ]
    assert t.at["response", "reference_estimate"] == pytest.approx(np.mean(shares))
    assert "Across the 4 clients" in t.attrs["spread"]["response"]
    lo, hi = t.at["response", "ci_low"], t.at["response", "ci_high"]
    assert lo < t.at["response", "estimate"] < hi


def test_cohort_of_two_is_too_few():
    cohort = _cohort([0.2, 0.3])
    me, _ = simulate_search(100, seed=9)
    t = jobstats.compare_to_reference(me, cohort, as_of="2025-07-01")
    assert t["estimate"].isna().all()
    assert t["note"].str.contains("too few to describe the cohort").all()


def test_cohort_folder_of_files(tmp_path):
    for i, p in enumerate([0.2, 0.3, 0.4]):
        apps, _ = simulate_search(60, seed=70 + i, sources={"any": (1.0, p)})
        out = pd.DataFrame({"Date applied": apps["applied_on"].dt.strftime("%Y-%m-%d"),
                            "Company": apps["company"],
                            "Response date": apps["first_reply_on"].dt.strftime("%Y-%m-%d"),
                            "Status": np.where(apps["first_reply_on"].notna(), "Rejected",
                                               "Applied")})
        out.to_csv(tmp_path / f"client_{i}.csv", index=False)
    me, _ = simulate_search(100, seed=9)
    t = jobstats.compare_to_reference(me, tmp_path, as_of="2025-07-01")
    assert t["reference"].str.contains("3 of 3 clients").any()
    with pytest.raises(InputError, match="not a folder"):
        jobstats.compare_to_reference(me, tmp_path / "nope", as_of="2025-07-01")
