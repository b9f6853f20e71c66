"""compare(): hand-computed cases, an independent log-rank, and simulated truth."""

from __future__ import annotations

import gc

import numpy as np
import pandas as pd
import pytest
from conftest import REAL_TRACKER, wilson_by_hand

import jobstats
from jobstats.schema import InputError
from jobstats.simulate import simulate_search

AS_OF = "2025-03-31"


def _apps(groups: dict[str, tuple[int, int]], applied: str = "2025-01-06") -> pd.DataFrame:
    """``group -> (replied, n)``: replies 3 days after applying, all sent on one day."""
    rows = []
    for g, (k, n) in groups.items():
        for i in range(n):
            rows.append(
                {"application_id": f"{g}{i}", "grp": g, "applied_on": pd.Timestamp(applied),
                 "first_reply_on": pd.Timestamp(applied) + pd.Timedelta(days=3) if i < k else pd.NaT,
                 "stage": "replied" if i < k else "applied"}
            )
    return pd.DataFrame(rows)


def _holm_by_hand(p: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values, from the textbook definition."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def test_shares_and_intervals_by_hand():
    t = jobstats.compare(_apps({"a": (3, 10), "b": (6, 8)}), "grp", as_of=AS_OF)
    assert t["group"].tolist() == ["a", "b"]
    assert t["n"].tolist() == [10, 8] and t["events"].tolist() == [3, 6]
    assert t["share"].tolist() == pytest.approx([0.3, 0.75])
    lo, hi = wilson_by_hand(3, 10)
    assert (t.at[0, "share_ci_low"], t.at[0, "share_ci_high"]) == pytest.approx((lo, hi))
    # everybody followed > 14 days, replies on day 3: KM at 14 days = the share
    assert t["estimate"].tolist() == pytest.approx([0.3, 0.75])
    assert t.attrs["n_applications"] == 18 and t.attrs["as_of"] == pd.Timestamp(AS_OF)


def test_holm_matches_hand_computation():
    apps = _apps({"a": (2, 20), "b": (9, 20), "c": (10, 20), "d": (16, 20)})
    t = jobstats.compare(apps, "grp", as_of=AS_OF)
    p = t["p_value"].tolist()
    assert t["p_adjusted"].tolist() == pytest.approx(_holm_by_hand(p))
    assert t["credible"].tolist() == [x < 0.05 for x in _holm_by_hand(p)]
    # 2/20 vs the rest and 16/20 vs the rest are far apart: both found, with sides
    got = dict(zip(t["group"], t["direction"]))
    assert got["a"] == "lower" and got["d"] == "higher"
    assert set(t.attrs["credible"]) >= {"a", "d"}


def test_logrank_matches_lifelines():
    from lifelines.statistics import logrank_test, multivariate_logrank_test

    apps, _ = simulate_search(160, seed=11, weeks=10)
    apps["grp"] = np.random.default_rng(1).choice(["x", "y", "z"], len(apps))
    t = jobstats.compare(apps, "grp", as_of="2025-04-10")
    end = pd.Timestamp("2025-04-10")
    reply = (apps["first_reply_on"] - apps["applied_on"]).dt.days
    censor = (end - apps["applied_on"]).dt.days
    event = reply.notna() & (reply <= censor)
    time = reply.where(event, censor)
    glob = multivariate_logrank_test(time, apps["grp"], event)
    assert t.attrs["test"]["p_value"] == pytest.approx(glob.p_value, rel=1e-6)
    assert t.attrs["test"]["df"] == 2
    for g in ["x", "y", "z"]:
        m = apps["grp"] == g
        one = logrank_test(time[m], time[~m], event[m], event[~m])
        assert t.set_index("group").at[g, "p_value"] == pytest.approx(one.p_value, rel=1e-6)


def test_two_groups_need_no_adjustment():
    t = jobstats.compare(_apps({"a": (2, 30), "b": (15, 30)}), "grp", as_of=AS_OF)
    assert t["p_adjusted"].tolist() == pytest.approx([t.attrs["test"]["p_value"]] * 2)
    assert t["credible"].all() and t["direction"].tolist() == ["lower", "higher"]


def test_small_group_kept_with_note():
    t = jobstats.compare(_apps({"a": (3, 10), "b": (1, 3), "c": (4, 12)}), "grp", as_of=AS_OF)
    row = t.set_index("group").loc["b"]
    assert row["n"] == 3 and row["events"] == 1
    assert np.isnan(row["share"]) and np.isnan(row["estimate"]) and np.isnan(row["p_value"])
    assert "too few applications (n=3)" in row["note"]
    assert not row["credible"]
    assert "b" not in t.attrs["test"]["groups_tested"]


def test_group_is_tested_against_all_other_applications_small_groups_included():
    from lifelines.statistics import logrank_test

    apps = _apps({"a": (3, 10), "b": (3, 3), "c": (4, 12)})
    t = jobstats.compare(apps, "grp", as_of=AS_OF).set_index("group")
    time = np.where(apps["first_reply_on"].notna(), 3,
                    (pd.Timestamp(AS_OF) - apps["applied_on"]).dt.days)
    event = apps["first_reply_on"].notna().to_numpy()
    a = (apps["grp"] == "a").to_numpy()
    one = logrank_test(time[a], time[~a], event[a], event[~a])  # b's 3 replies in the rest
    assert t.at["a", "p_value"] == pytest.approx(one.p_value, rel=1e-6)


def test_recent_group_is_too_recent_to_tell():
    old = _apps({"old": (3, 10)}, applied="2025-01-06")
    new = _apps({"new": (1, 10)}, applied="2025-03-25")  # 6 days before as-of
    t = jobstats.compare(pd.concat([old, new], ignore_index=True), "grp", as_of=AS_OF)
    row = t.set_index("group").loc["new"]
    assert np.isnan(row["estimate"]) and np.isnan(row["ci_low"])
    assert row["note"].startswith("too recent to tell")
    assert row["share"] == pytest.approx(0.1)  # the naive share is shown, with its caveat


def test_no_reply_in_group_gives_upper_bound_not_zero_width():
    t = jobstats.compare(_apps({"a": (0, 12), "b": (5, 12)}), "grp", as_of=AS_OF)
    row = t.set_index("group").loc["a"]
    assert row["estimate"] == 0 and row["ci_low"] == 0
    assert row["ci_high"] == pytest.approx(wilson_by_hand(0, 12)[1])
    assert "no reply within 14 days" in row["note"]


def test_periods_and_column_lookup():
    apps, _ = simulate_search(120, seed=3, weeks=9)
    t = jobstats.compare(apps, "weekday", as_of="2025-04-01")
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    assert t["group"].tolist() == [d for d in days if d in set(t["group"])]
    assert t["n"].sum() == 120
    m = jobstats.compare(apps, "Month", as_of="2025-04-01")
    assert m["group"].tolist() == sorted(m["group"])
    assert m["group"].str.match(r"^\d{4}-\d{2}$").all()
    w = jobstats.compare(apps, "week", as_of="2025-04-01")
    assert w["group"].str.startswith("week of ").all()
    s = jobstats.compare(apps, " SOURCE ", as_of="2025-04-01")
    assert s.attrs["column"] == "source"
    with pytest.raises(InputError, match="Cannot compare by 'colour'"):
        jobstats.compare(apps, "colour", as_of="2025-04-01")


def test_missing_values_form_their_own_group_last():
    apps = _apps({"a": (3, 10), "b": (4, 10)})
    apps.loc[:2, "grp"] = None
    t = jobstats.compare(apps, "grp", as_of=AS_OF)
    assert t["group"].iloc[-1] == "(missing)" and t["n"].sum() == 20


def test_real_tracker_by_header_as_typed():
    data = jobstats.load(REAL_TRACKER, as_of="2023-03-13")
    t = jobstats.compare(data, "Application site")  # the header the loader mapped to source
    assert t.attrs["column"] == "source"
    assert t["n"].sum() == len(data.applications)
    assert t.attrs["test"]["method"].startswith("log-rank")
    assert (t["note"] != "").sum() == int((t["n"] < 5).sum())


def _null_search(seed: int, n: int = 150) -> pd.DataFrame:
    apps, _ = simulate_search(n, seed=seed, weeks=10, followup_prob=0.0)
    # a label with no effect at all: assigned at random after the fact
    apps["grp"] = np.random.default_rng(10_000 + seed).choice(list("ABCD"), n)
    return apps


def test_no_true_difference_flags_nothing_familywise():
    # Holm keeps the chance of flagging any group at about alpha; 4 unadjusted
    # tests would flag in ~15% of searches (about 9 of 60 here).
    flagged = [bool(len(jobstats.compare(_null_search(s), "grp", as_of="2025-04-20")
                        .attrs["credible"])) for s in range(60)]
    assert sum(flagged) <= 6  # 5% of 60 is 3; Binomial(60, 0.05) >= 7 has p ~ 0.03


def test_real_difference_is_found():
    apps, _ = simulate_search(
        200, seed=5, weeks=10, followup_prob=0.0,
        sources={"good": (0.5, 0.6), "poor": (0.5, 0.15)},
    )
    t = jobstats.compare(apps, "source", as_of="2025-04-20")
    assert t.attrs["test"]["p_value"] < 0.001
    got = dict(zip(t["group"], t["direction"]))
    assert got == {"good": "higher", "poor": "lower"}


def test_recent_month_not_flagged_worse_when_truth_is_equal():
    # Replies spread evenly over 30 days; searches observed 3 days after the last
    # application. The last month's share is lower only because its replies have
    # not come yet: a naive chi-square test on shares calls it worse about half
    # the time, the censoring-aware comparison should (almost) never.
    from scipy.stats import chi2_contingency

    naive = flagged = 0
    for s in range(25):
        apps, _ = simulate_search(220, seed=100 + s, start="2025-01-06", weeks=12,
                                  as_of="2025-04-02", followup_prob=0.0,
                                  day_shape=np.ones(30))
        t = jobstats.compare(apps, "month", as_of="2025-04-02").set_index("group")
        last = t.index[-1] if t.index[-1] != "2025-04" else t.index[-2]
        a, rest = t.loc[last], t.drop(last)
        table = [[a["events"], a["n"] - a["events"]],
                 [rest["events"].sum(), (rest["n"] - rest["events"]).sum()]]
        lower = a["share"] < rest["events"].sum() / rest["n"].sum()
        naive += bool(lower and chi2_contingency(table, correction=False)[1] < 0.05)
        flagged += bool(t.at[last, "credible"] and t.at[last, "direction"] == "lower")
    assert naive >= 8  # the trap is real in these data (12 of 25 when written)
    assert flagged <= 2  # 0 of 25 when written


def test_pooled_clients_are_compared_within_client():
    # client a replies a lot and mostly used label X, client b rarely and mostly Y:
    # pooled, X looks better; within each client the label does nothing
    frames = []
    for name, p, x_share, seed in (("a", 0.6, 0.8, 1), ("b", 0.12, 0.2, 2)):
        apps, _ = simulate_search(150, seed=seed, weeks=10, followup_prob=0.0, client=name,
                                  sources={"any": (1.0, p)})
        apps["application_id"] = name + apps["application_id"].astype(str)
        apps["label"] = np.where(np.random.default_rng(seed).random(150) < x_share, "X", "Y")
        frames.append(apps)
    pooled = pd.concat(frames, ignore_index=True)
    within = jobstats.compare(pooled, "label", as_of="2025-04-20")
    assert "stratified by client" in within.attrs["test"]["method"]
    assert within.attrs["test"]["p_value"] > 0.05 and not within.attrs["credible"]
    naive = jobstats.compare(pooled.drop(columns="client"), "label", as_of="2025-04-20")
    assert naive.attrs["test"]["p_value"] < 0.001  # the confounding is real in these data


def test_rows_without_reply_information_are_left_out_not_counted_as_silent():
    apps = _apps({"a": (3, 10), "b": (6, 10)})
    apps["reply_info"] = [True] * 15 + [False] * 5
    t = jobstats.compare(apps, "grp", as_of=AS_OF)
    assert t["n"].tolist() == [10, 5] and t.attrs["n_applications"] == 15
    assert any("no reply information" in w for w in t.attrs["warnings"])


def test_numbers_read_as_floats_are_labelled_as_written():
    apps = _apps({"a": (3, 10), "b": (6, 10)})
    apps["size"] = [50.0] * 10 + [500.0] * 9 + [np.nan]
    t = jobstats.compare(apps, "size", as_of=AS_OF)
    assert t["group"].tolist() == ["50", "500", "(missing)"]


def test_pooled_client_without_reply_dates_and_group_seen_in_one_client_only():
    frames = []
    for name, seed in (("a", 1), ("b", 2), ("c", 3)):
        apps, _ = simulate_search(90, seed=seed, weeks=10, followup_prob=0.0, client=name)
        apps["application_id"] = name + apps["application_id"].astype(str)
        apps["label"] = np.random.default_rng(seed).choice(["X", "Y"], 90)
        frames.append(apps)
    frames[1]["first_reply_on"] = pd.NaT  # b records replies without dates
    frames[2]["label"] = "only-c"  # every application of c shares one label
    pooled = pd.concat(frames, ignore_index=True)
    t = jobstats.compare(pooled, "label", as_of="2025-04-20").set_index("group")
    assert any(w.startswith("b: replies are recorded without dates") for w in t.attrs["warnings"])
    assert t.attrs["test"]["groups_tested"] == ["X", "Y"]  # only-c: no within-client contrast
    assert np.isnan(t.at["only-c", "p_value"]) and not t.at["only-c", "credible"]
    assert t.at["only-c", "n"] == 90 and not np.isnan(t.at["only-c", "estimate"])


def test_holm_adjustment_equals_statsmodels() -> None:
    """compare's Holm step-down (hand-written: statsmodels' runs a full garbage collection
    per call) gives statsmodels' numbers exactly, ties and p-values near 1 included."""
    from statsmodels.stats.multitest import multipletests

    from jobstats.comparisons import _holm

    rng = np.random.default_rng(12)
    cases = [np.array([0.01, 0.04, 0.03, 0.2]), np.array([0.5, 0.5, 0.5]),
             np.array([0.001, 0.9, 0.9, 0.02, 0.02]), np.array([0.3, 0.6])]
    cases += [rng.uniform(size=n) ** 3 for n in (3, 7, 12, 40)]
    cases += [np.round(rng.uniform(size=15), 1) for _ in range(3)]  # many ties
    gc.freeze()  # statsmodels' Holm runs gc.collect() on every call: keep it cheap
    try:
        expected = [multipletests(p, method="holm")[1] for p in cases]
    finally:
        gc.unfreeze()
    for p, want in zip(cases, expected):
        assert np.array_equal(_holm(p), want), p
    assert _holm(np.array([0.01, 0.04, 0.03]))[0] == 0.03  # 0.01 x 3 by hand
