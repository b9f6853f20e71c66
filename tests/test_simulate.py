"""The simulator: canonical tables, reproducibility, and its known truths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jobstats.schema import (
    APPLICATION_COLUMNS,
    CHANNELS,
    EVENT_COLUMNS,
    EVENT_KINDS,
    REPLY_KINDS,
    STAGE_RANK,
    STATUSES,
)
from jobstats.simulate import DAY_SHAPE, DEFAULT_SOURCES, simulate_search

#: The simulator's default as-of: start 2025-01-06 + 20 weeks + 30 days.
DEFAULT_AS_OF = pd.Timestamp("2025-01-06") + pd.Timedelta(days=20 * 7 + 30)


@pytest.fixture(scope="module")
def sim() -> tuple[pd.DataFrame, pd.DataFrame]:
    return simulate_search(6000, seed=11)


def test_canonical_columns_and_vocabularies(sim) -> None:
    apps, events = sim
    assert tuple(apps.columns) == APPLICATION_COLUMNS
    assert tuple(events.columns) == EVENT_COLUMNS
    assert apps["application_id"].is_unique
    assert (apps["row"] == np.arange(2, len(apps) + 2)).all()
    assert (apps["sheet"] == "simulated").all()
    assert set(apps["stage"]) <= set(STAGE_RANK)
    assert set(apps["status"]) <= set(STATUSES)
    assert set(apps["reply_kind"].dropna()) <= set(REPLY_KINDS)
    assert set(events["kind"]) <= set(EVENT_KINDS)
    assert set(events["channel"].dropna()) <= set(CHANNELS)
    assert apps["applied_on"].notna().all()
    assert pd.api.types.is_datetime64_any_dtype(apps["first_reply_on"])
    assert set(events["application_id"]) <= set(apps["application_id"])


def test_same_seed_same_tables_other_seed_differs() -> None:
    a1, e1 = simulate_search(300, seed=3)
    a2, e2 = simulate_search(300, seed=3)
    pd.testing.assert_frame_equal(a1, a2)
    pd.testing.assert_frame_equal(e1, e2)
    a3, _ = simulate_search(300, seed=4)
    assert not a1["applied_on"].equals(a3["applied_on"])


def test_nothing_after_as_of_and_tables_agree(sim) -> None:
    apps, events = sim
    assert events["date"].max() <= DEFAULT_AS_OF
    assert apps["first_reply_on"].max() <= DEFAULT_AS_OF
    replied = apps["first_reply_on"].notna()
    assert (replied == (apps["stage"].map(STAGE_RANK) >= STAGE_RANK["replied"])).all()
    assert (replied == apps["reply_kind"].notna()).all()
    first_reply = events[events["kind"] == "reply"].groupby("application_id")["date"].min()
    got = apps.set_index("application_id")["first_reply_on"].dropna()
    pd.testing.assert_series_equal(got.sort_index(), first_reply.sort_index(), check_names=False)
    interviewed = set(events.loc[events["kind"] == "interview", "application_id"])
    stage_iv = set(apps.loc[apps["stage"].map(STAGE_RANK) >= STAGE_RANK["interview"], "application_id"])
    direct_offers = set(apps.loc[apps["reply_kind"] == "offer", "application_id"])
    assert interviewed <= stage_iv and stage_iv - interviewed <= direct_offers
    # follow-ups go only to applications with no reply before that day
    fu = events[events["kind"] == "follow_up"].merge(
        apps[["application_id", "first_reply_on"]], on="application_id"
    )
    assert not (fu["date"] > fu["first_reply_on"]).any()
    assert (apps["followed_up"] == apps["application_id"].isin(fu["application_id"])).all()


def test_realistic_levels(sim) -> None:
    apps, events = sim
    reply = apps["first_reply_on"].notna().mean()
    assert 0.25 <= reply <= 0.35
    days = (apps["first_reply_on"] - apps["applied_on"]).dt.days.dropna()
    assert days.median() <= 5 and days.max() >= 45  # fast spike, long tail
    offers = (apps["stage"].map(STAGE_RANK) >= STAGE_RANK["offer"]).mean()
    assert 0.005 < offers < 0.06
    ch = events.loc[events["kind"] == "follow_up", "channel"].value_counts(normalize=True)
    assert abs(ch["email"] - 0.64) < 0.03 and abs(ch["phone"] - 0.21) < 0.03
    thanks = events[events["kind"] == "thank_you"]
    assert 0 < len(thanks) < (events["kind"] == "interview").sum()  # some interviews without


def test_reply_probability_per_source_without_followups() -> None:
    """With no follow-ups and no censoring, P(ever reply) of a source is its p."""
    apps, events = simulate_search(40000, seed=2, followup_prob=0.0, as_of="2027-01-01")
    assert not (events["kind"] == "follow_up").any()
    got = apps.groupby("source")["first_reply_on"].apply(lambda s: s.notna().mean())
    n = apps["source"].value_counts()
    for src, (_, p) in DEFAULT_SOURCES.items():
        se = np.sqrt(p * (1 - p) / n[src])
        assert abs(got[src] - p) < 4 * se, src


def test_reply_day_distribution_matches_shape() -> None:
    """Among replies (no follow-ups, no censoring) the reply day follows the
    discrete hazard 1 - exp(-c w(d)); check day 0..2 shares with c of referral."""
    src = {"referral": (1.0, 0.65)}
    apps, _ = simulate_search(30000, seed=5, sources=src, followup_prob=0.0, as_of="2027-01-01")
    d = (apps["first_reply_on"] - apps["applied_on"]).dt.days
    c = -np.log(1 - 0.65)
    surv = 1.0
    for day in range(3):
        p_day = surv * (1 - np.exp(-c * DAY_SHAPE[day]))
        got = (d == day).mean()
        assert abs(got - p_day) < 4 * np.sqrt(p_day * (1 - p_day) / len(apps))
        surv *= np.exp(-c * DAY_SHAPE[day])


def test_censoring_near_as_of() -> None:
    apps, _ = simulate_search(8000, seed=9)
    age = (DEFAULT_AS_OF - apps["applied_on"]).dt.days
    replied = apps["first_reply_on"].notna()
    assert replied[age < 40].mean() < replied[age > 100].mean()
    late = apps["first_reply_on"].notna()
    assert ((apps.loc[late, "first_reply_on"] - apps.loc[late, "applied_on"]).dt.days <= age[late]).all()


def test_client_label() -> None:
    apps, _ = simulate_search(20, seed=1, client="Ana")
    assert (apps["client"] == "Ana").all()
    apps, _ = simulate_search(20, seed=1)
    assert apps["client"].isna().all()


def test_custom_day_shape_is_the_reply_day_distribution() -> None:
    """With ``day_shape`` (no follow-ups, no censoring) day-0 replies follow 1 - exp(-c w(0))."""
    shape = np.exp(-np.arange(60) / 3.0)
    w = shape / shape.sum()
    src = {"referral": (1.0, 0.65)}
    apps, _ = simulate_search(30000, seed=8, sources=src, followup_prob=0.0, as_of="2027-01-01",
                              day_shape=shape)
    d = (apps["first_reply_on"] - apps["applied_on"]).dt.days
    c = -np.log(1 - 0.65)
    p0 = 1 - np.exp(-c * w[0])
    assert abs((d == 0).mean() - p0) < 4 * np.sqrt(p0 * (1 - p0) / len(apps))
    assert d.max() < 60 and abs(d.notna().mean() - 0.65) < 0.02
    with pytest.raises(ValueError, match="day_shape"):
        simulate_search(10, day_shape=[-1.0, 2.0])


# --- validation modes of the follow-up policy analysis ------------------------


def _reply_within(apps: pd.DataFrame, days: int) -> np.ndarray:
    d = (apps["first_reply_on"] - apps["applied_on"]).dt.days
    return (d <= days).to_numpy()


def _walk(c: float, multiplier) -> float:
    """P(reply within 30 days) walking the days with hazard 1 - exp(-c m(d) w(d))."""
    survive = 1.0
    for day in range(31):
        survive *= np.exp(-c * multiplier(day) * DAY_SHAPE[day])
    return 1 - survive


def test_defaults_unchanged_by_the_new_options() -> None:
    a, e = simulate_search(2000, seed=3)
    b, f = simulate_search(2000, seed=3, never_reply_share=0.0, promising_share=0.0,
                           followup_effect_days=None)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(e, f)


def test_never_reply_share() -> None:
    src = {"referral": (1.0, 0.65)}
    apps, _ = simulate_search(40000, seed=4, sources=src, followup_prob=0.0,
                              never_reply_share=0.3, as_of="2027-01-01")
    p = 0.7 * 0.65  # ever reply: only the 70% who can, with P 0.65
    assert abs(apps["first_reply_on"].notna().mean() - p) < 4 * np.sqrt(p * (1 - p) / 40000)


def test_everyone_followed_up_on_day_d_and_the_fading_effect() -> None:
    """All followed up on day 5 if still silent; x3 for 3 days then x1: reply within 30 days."""
    src = {"company site": (1.0, 0.35)}
    apps, events = simulate_search(60000, seed=6, sources=src, followup_delay={5: 1.0},
                                   followup_prob=1.0, followup_hr=3.0, followup_effect_days=3,
                                   second_followup_prob=0.0)
    fu = events[events["kind"] == "follow_up"]
    day = (fu["date"].to_numpy() - apps.set_index("application_id").loc[
        fu["application_id"], "applied_on"].to_numpy()).astype("timedelta64[D]").astype(int)
    assert (day == 5).all()
    silent = ~((apps["first_reply_on"] - apps["applied_on"]).dt.days < 5)
    assert len(fu) == int(silent.sum())  # every still-silent application, and only those
    c = -np.log(1 - 0.35)
    truth = _walk(c, lambda d: 3.0 if 5 < d <= 8 else 1.0)
    got = _reply_within(apps, 30).mean()
    assert abs(got - truth) < 4 * np.sqrt(truth * (1 - truth) / 60000)
    assert truth - _walk(c, lambda d: 1.0) > 0.03  # the effect is visible at this size


def test_promising_trait_confounds() -> None:
    """Promising applications reply more and are followed up more; follow-ups do nothing."""
    apps, events = simulate_search(30000, seed=7, followup_hr=1.0, promising_share=0.3,
                                   promising_reply_hr=3.0, followup_prob=0.2,
                                   promising_followup_prob=0.9)
    assert "promising" not in apps.columns  # unobserved
    fu = apps["application_id"].isin(events.loc[events["kind"] == "follow_up", "application_id"])
    # among applications still silent on day 25 (all past their follow-up window),
    # the followed-up ones reply more later: the trait, not the follow-up
    d = (apps["first_reply_on"] - apps["applied_on"]).dt.days
    late = d.isna() | (d > 25)
    rate_fu = (d[late & fu] > 25).mean()
    rate_no = (d[late & ~fu] > 25).mean()
    assert rate_fu > rate_no * 1.2


def test_fade_with_second_followup_effect_is_refused() -> None:
    with pytest.raises(ValueError, match="followup_effect_days"):
        simulate_search(10, followup_effect_days=3, second_followup_hr=2.0)
