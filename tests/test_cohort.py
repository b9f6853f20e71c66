"""Cohort analytics validated on a simulated cohort with known, built-in differences.

Every client is a ``simulate_search`` with its own parameters; the attention
flags must fire on the clients built to trigger them and on no other.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import wilson_by_hand

import jobstats
from jobstats.cohort import (
    client_table,
    clients_needing_attention,
    cluster_proportion,
    cluster_robust_proportion,
    cohort_followup_policy,
    cohort_summary,
    wilson_interval,
)

AS_OF = "2025-07-01"
NORMAL = {"followup_prob": 0.8}


def _client(name: str, seed: int, n: int = 150, **kw) -> tuple[pd.DataFrame, pd.DataFrame]:
    params = {"start": "2025-01-06", "weeks": 24, "as_of": AS_OF, **NORMAL, **kw}
    apps, events = jobstats.simulate_search(n, seed=seed, client=name, **params)
    apps = apps.assign(application_id=name + "/" + apps["application_id"])
    events = events.assign(application_id=name + "/" + events["application_id"])
    return apps, events


def _no_reply_info(apps: pd.DataFrame, events: pd.DataFrame):
    """What a LinkedIn export keeps of a search: the applications, nothing after."""
    apps = apps.assign(stage="applied", status="applied", first_reply_on=pd.NaT,
                       reply_kind=pd.NA, followed_up=False, reply_info=False,
                       interview_info=False, followup_info=False)
    return apps, events[events["kind"] == "applied"]


@pytest.fixture(scope="module")
def cohort() -> tuple[pd.DataFrame, pd.DataFrame]:
    parts = [_client(f"normal{i}", seed=10 + i) for i in range(5)]
    # built-in differences
    parts.append(_client("low", seed=20, sources={"job board": (1.0, 0.05)}))
    parts.append(_client("nofu", seed=21, followup_prob=0.0, second_followup_prob=0.0))
    a, e = _client("gap", seed=22)
    cut = a["applied_on"].between("2025-03-01", "2025-04-04")  # 35 days without applying
    parts.append((a[~cut], e[e["application_id"].isin(a.loc[~cut, "application_id"])]))
    parts.append(_client("stopped", seed=23, weeks=12))  # last application in late March
    parts.append(_no_reply_info(*_client("linkedin", seed=24)))
    apps = pd.concat([p[0] for p in parts], ignore_index=True)
    for col in ("reply_info", "interview_info", "followup_info"):
        apps[col] = apps[col].astype("boolean").fillna(True).astype(bool)
    events = pd.concat([p[1] for p in parts], ignore_index=True)
    return apps, events


BUILT_IN = {
    "low": {"low reply rate"},
    "nofu": {"no follow-ups", "many waiting"},
    "gap": {"gap in activity"},
    "stopped": {"gap in activity"},
}


def test_flags_fire_where_built_in_and_nowhere_else(cohort) -> None:
    apps, events = cohort
    flags = clients_needing_attention(apps, events, as_of=AS_OF)
    got = flags.groupby("client")["flag"].agg(set).to_dict()
    assert got == BUILT_IN
    assert flags["reason"].str.len().gt(20).all()  # every flag says why, in words
    assert len(flags.attrs["rules"]) == 4
    # the file without reply information is not judged on replies
    assert "low reply rate" in flags.attrs["not_checked"]["linkedin"]


def test_flag_reasons_name_the_numbers(cohort) -> None:
    apps, events = cohort
    flags = clients_needing_attention(apps, events, as_of=AS_OF).set_index(["client", "flag"])
    gap = flags.loc[("gap", "gap in activity")]
    assert gap["value"] >= 35 and "no application between" in gap["reason"]
    stopped = flags.loc[("stopped", "gap in activity")]
    assert "no application since" in stopped["reason"] and stopped["value"] > 90
    low = flags.loc[("low", "low reply rate")]
    assert low["value"] < 0.12 and low["threshold"] > 0.2


def test_client_table_counts_by_hand(cohort) -> None:
    apps, events = cohort
    tab = client_table(apps, events, as_of=AS_OF).set_index("client")
    for name in ("normal0", "nofu", "low"):
        a = apps[apps["client"] == name]
        replied = a["stage"] != "applied"  # simulated replies are all dated before as_of
        assert tab.loc[name, "n"] == len(a)
        assert tab.loc[name, "replies"] == replied.sum()
        lo, hi = wilson_by_hand(int(replied.sum()), len(a))
        assert tab.loc[name, "reply_rate_ci_low"] == pytest.approx(lo)
        assert tab.loc[name, "reply_rate_ci_high"] == pytest.approx(hi)
        assert tab.loc[name, "followed_up"] == a["followed_up"].sum()
        assert tab.loc[name, "interviews"] == a["stage"].isin(["interview", "offer", "accepted"]).sum()
    assert tab.loc["nofu", "followed_up_share"] == 0
    # the censoring-aware 14-day chance equals the public function's answer
    within = jobstats.reply_within(apps[apps["client"] == "normal0"], days=(14,), as_of=AS_OF)
    assert tab.loc["normal0", "reply_14d"] == pytest.approx(within["estimate"].iloc[0])


def test_not_in_the_data_is_nan_never_zero(cohort) -> None:
    apps, events = cohort
    row = client_table(apps, events, as_of=AS_OF).set_index("client").loc["linkedin"]
    for col in ("reply_rate", "reply_rate_ci_low", "reply_14d", "followed_up_share"):
        assert math.isnan(row[col]), col
    for col in ("replies", "interviews", "offers", "followed_up", "waiting_past_14d"):
        assert row[col] is pd.NA, col
    assert "replies" in row["cannot_tell"] and "interviews" in row["cannot_tell"]
    assert row["n"] == 150


def test_pooled_rates_leave_out_clients_without_the_information(cohort) -> None:
    apps, events = cohort
    summ = cohort_summary(apps, events, as_of=AS_OF).set_index("measure")
    with_info = apps[apps["client"] != "linkedin"]
    rr = summ.loc["reply rate"]
    assert rr["n"] == len(with_info)
    assert rr["estimate"] == pytest.approx((with_info["stage"] != "applied").mean())
    assert rr["clients"] == 9 and rr["clients_left_out"] == 1
    assert "linkedin" in rr["note"]
    assert summ.attrs["left_out"]["reply rate"] == ["linkedin"]
    w = summ.loc["reply within 14 days"]
    direct = jobstats.reply_within(with_info, days=(14,), as_of=AS_OF)["estimate"].iloc[0]
    assert w["estimate"] == pytest.approx(direct)
    # leaving the silent file in would drag the pooled rate down: it must not
    everything = (apps["stage"] != "applied").mean()
    assert rr["estimate"] > everything + 0.02


def test_wilson_interval_matches_textbook() -> None:
    lo, hi = wilson_interval(np.array([0, 3, 10]), np.array([10, 20, 10]))
    assert lo[0] == 0 and hi[0] == pytest.approx(wilson_by_hand(0, 10)[1])
    assert (lo[1], hi[1]) == pytest.approx(wilson_by_hand(3, 20))
    assert hi[2] == pytest.approx(1.0)
    lo, hi = wilson_interval(np.array([0]), np.array([0]))
    assert np.isnan(lo[0]) and np.isnan(hi[0])


def test_cluster_interval_equals_statsmodels_cluster_robust_glm() -> None:
    """Independent implementation: a binomial GLM (logit) with clients as clusters."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(3)
    n = rng.integers(40, 200, size=12)
    p = rng.uniform(0.1, 0.5, size=12)
    k = rng.binomial(n, p)
    y = np.concatenate([np.r_[np.ones(ki), np.zeros(ni - ki)] for ki, ni in zip(k, n)])
    groups = np.repeat(np.arange(12), n)
    fit = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})
    # statsmodels without correction uses no G/(G-1) factor; ours has it
    se = float(fit.bse[0]) * math.sqrt(12 / 11)
    expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    b = float(fit.params[0])
    est, lo, hi = cluster_robust_proportion(k, n)
    assert est == pytest.approx(k.sum() / n.sum())
    assert lo == pytest.approx(expit(b - 1.959963984540054 * se), rel=1e-6)
    assert hi == pytest.approx(expit(b + 1.959963984540054 * se), rel=1e-6)
    # clients that differ widen the interval beyond the naive Wilson one
    wlo, whi = wilson_by_hand(int(k.sum()), int(n.sum()))
    assert hi - lo > whi - wlo
    assert cluster_proportion(k, n) == pytest.approx((est, lo, hi))


def test_clients_that_agree_do_not_give_a_zero_width_interval() -> None:
    # two clients, 1 of 2 each: no spread between clients, yet only 4 applications
    est, lo, hi = cluster_proportion(np.array([1, 1]), np.array([2, 2]))
    assert est == 0.5
    assert (lo, hi) == pytest.approx(wilson_by_hand(2, 4))


def test_gap_measured_by_hand() -> None:
    apps = pd.DataFrame({
        "application_id": ["a", "b", "c"], "client": "x",
        "applied_on": pd.to_datetime(["2025-01-01", "2025-01-05", "2025-01-25"]),
        "first_reply_on": pd.NaT, "stage": "applied", "status": "applied",
        "followed_up": False})
    tab = client_table(apps, as_of="2025-02-01").iloc[0]
    assert tab["longest_gap_days"] == 20
    assert tab["days_since_last_application"] == 7
    assert tab["weeks_active"] == 2  # Wed 1 Jan and Sun 5 Jan share a Monday-Sunday week
    assert tab["replies"] == 0 and "upper bound" in tab["note"]
    assert tab["reply_rate_ci_high"] == pytest.approx(wilson_by_hand(0, 3)[1])


def test_calling_twice_gives_the_same_answer(cohort) -> None:
    apps, events = cohort
    a = client_table(apps, events, as_of=AS_OF)
    b = client_table(apps, events, as_of=AS_OF)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["n_applications"] == len(apps)


def test_policy_pooled_is_stratified_by_client(cohort) -> None:
    apps, events = cohort
    tab = cohort_followup_policy(apps, events, as_of=AS_OF, n_boot=20)
    assert "client" in tab.attrs["adjusted_for"]
    assert tab.attrs["clients_left_out"] == ["linkedin"]


def test_public_names_survive_submodule_imports(cohort) -> None:
    import jobstats.cohort  # noqa: F401
    import jobstats.privacy  # noqa: F401

    apps, events = cohort
    for _ in range(2):
        assert len(jobstats.client_table(apps, events, as_of=AS_OF)) == 10
        assert len(jobstats.cohort_summary(apps, events, as_of=AS_OF)) == 5
        assert set(jobstats.clients_needing_attention(apps, events, as_of=AS_OF)["client"]) \
            == set(BUILT_IN)


def test_split_clients_keeps_only_each_clients_data(tmp_path) -> None:
    from jobstats.privacy import pseudonymise

    d = tmp_path / "c"
    d.mkdir()
    (d / "ann.csv").write_text("Company,Date applied,Status\nA,2025-01-02,Rejected\n"
                               "B,2025-01-03,Wishlist\n")
    (d / "bob.csv").write_text("Company,Date applied\nC,2025-01-02\nD,2025-01-04\n")
    safe = pseudonymise(jobstats.load(d, as_of=AS_OF), key=tmp_path / "k.key.csv")
    parts = jobstats.split_clients(safe)
    assert sorted(parts) == ["Client A", "Client B"]
    sizes = sorted(len(p.applications) for p in parts.values())
    assert sizes == [1, 2]
    for name, part in parts.items():
        assert set(part.applications["client"]) == {name}
        assert part.events["application_id"].isin(part.applications["application_id"]).all()
        other = ({"Client A", "Client B"} - {name}).pop()
        assert other not in str(part.report)
    dropped = [p for p in parts.values() if p.report.dropped]
    assert len(dropped) == 1 and len(dropped[0].applications) == 1  # ann's wishlist row
