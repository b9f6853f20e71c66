"""Daily risk sets against a brute-force per-application, per-day expansion."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from jobstats.risksets import daily_risk_sets, followup_days, reply_durations

AS_OF = pd.Timestamp("2025-03-31")


def _random_tables(seed: int, n: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    applied = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 85, n), unit="D")
    # times of day on some applications: days must be counted on dates
    applied = applied + pd.to_timedelta(rng.integers(0, 2, n) * rng.integers(0, 86400, n), unit="s")
    delay = rng.integers(0, 40, n)
    has_reply = rng.random(n) < 0.5
    reply = pd.Series(applied.normalize() + pd.to_timedelta(delay, unit="D")).where(has_reply)
    source = rng.choice(np.array(["referral", "job board", None], dtype=object), n)
    ids = [f"a{i}" for i in range(n)]
    apps = pd.DataFrame(
        {
            "application_id": ids,
            "source": source,
            "applied_on": applied,
            "first_reply_on": reply,
            "stage": np.where(has_reply, "replied", "applied"),
            "row": np.arange(2, n + 2),
        }
    )
    ev = []
    for i in range(n):
        for _ in range(rng.integers(0, 3)):
            d = applied[i].normalize() + pd.Timedelta(days=int(rng.integers(0, 30)))
            ev.append((ids[i], d if rng.random() > 0.1 else pd.NaT, "follow_up",
                       rng.choice(["email", "phone"])))
    events = pd.DataFrame(ev, columns=["application_id", "date", "kind", "channel"])
    return apps, events


def _brute(apps: pd.DataFrame, events: pd.DataFrame, followup: bool) -> pd.DataFrame:
    """Expand every application day by day (the obvious, slow way)."""
    counts: Counter = Counter()
    for _, a in apps.iterrows():
        start = a["applied_on"].normalize()
        c = (AS_OF - start).days
        if c < 0:
            continue
        r = (a["first_reply_on"] - start).days if pd.notna(a["first_reply_on"]) else None
        if r is not None and r < 0:
            continue
        replied = r is not None and r <= c
        end = r if replied else c
        src = "(missing)" if a["source"] is None or pd.isna(a["source"]) else a["source"]
        fu = events[(events["application_id"] == a["application_id"]) & events["date"].notna()]
        fu = fu[fu["date"] <= AS_OF].sort_values("date", kind="stable")
        fdays = [(d.normalize() - start).days for d in fu["date"]]
        chans = list(fu["channel"])
        for day in range(end + 1):
            sent = [k for k, f in enumerate(fdays) if f < day]  # effective the day after
            state = (min(len(sent), 2), chans[0] if sent else "(none)") if followup else ()
            key = (src, *state, day)
            counts[key + ("at_risk",)] += 1
            if day == end:
                counts[key + ("replied" if replied else "censored",)] += 1
    rows: dict = {}
    for (*key, what), v in counts.items():
        rows.setdefault(tuple(key), {"at_risk": 0, "replied": 0, "censored": 0})[what] += v
    cols = ["source", *(["followups", "followup_channel"] if followup else []), "day"]
    out = pd.DataFrame([(*k, *v.values()) for k, v in rows.items()],
                       columns=[*cols, "at_risk", "replied", "censored"])
    return out.sort_values(cols).reset_index(drop=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("followup", [False, True])
def test_matches_brute_force(seed: int, followup: bool) -> None:
    apps, events = _random_tables(seed)
    got = daily_risk_sets(apps, events, as_of=AS_OF, by="source", followup=followup)
    want = _brute(apps, events, followup)
    if followup:
        assert (got["followed_up"] == (got["followups"] > 0)).all()
        got = got.drop(columns="followed_up")
    got = got.sort_values(list(want.columns[:-3])).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_column_type=False)


def test_reply_on_followup_day_counts_before_the_followup() -> None:
    apps = pd.DataFrame(
        {
            "application_id": ["x", "y"],
            "applied_on": pd.to_datetime(["2025-01-01", "2025-01-01"]),
            "first_reply_on": pd.to_datetime(["2025-01-04", "2025-01-05"]),
            "stage": ["replied", "replied"],
        }
    )
    events = pd.DataFrame(
        {
            "application_id": ["x", "y"],
            "date": pd.to_datetime(["2025-01-04", "2025-01-04"]),
            "kind": "follow_up",
            "channel": "email",
        }
    )
    r = daily_risk_sets(apps, events, as_of="2025-02-01", followup=True)
    # x: follow-up and reply both on day 3 -> the reply is in state 0
    # y: follow-up day 3, reply day 4 -> state 1 on day 4
    assert r.loc[(r["day"] == 3) & (r["followed_up"] == 0), ["at_risk", "replied"]].values.tolist() == [[2, 1]]
    assert r.loc[(r["day"] == 4) & (r["followed_up"] == 1), ["at_risk", "replied"]].values.tolist() == [[1, 1]]
    assert r["replied"].sum() == 2


def test_exclusions_are_reported() -> None:
    apps = pd.DataFrame(
        {
            "application_id": ["ok", "future", "before", "undated"],
            "applied_on": pd.to_datetime(["2025-01-01", "2025-05-01", "2025-01-10", "2025-01-01"]),
            "first_reply_on": pd.to_datetime([None, None, "2025-01-05", None]),
            "stage": ["applied", "applied", "replied", "interview"],
            "row": [2, 3, 4, 5],
        }
    )
    events = pd.DataFrame(
        {"application_id": ["ok", "ok"], "date": pd.to_datetime([None, None]),
         "kind": "follow_up", "channel": None}
    )
    r = daily_risk_sets(apps, events, as_of="2025-02-01", followup=True)
    assert r["at_risk"].max() == 1 and r["censored"].sum() == 1
    text = " ".join(r.attrs["warnings"])
    assert "applied after the as-of date (rows 3)" in text
    assert "reply dated before the application (rows 4)" in text
    assert "without a reply date (rows 5)" in text
    assert "2 follow-up(s) have no date" in text


def test_reply_after_as_of_is_censored_at_as_of() -> None:
    apps = pd.DataFrame(
        {
            "application_id": ["a"],
            "applied_on": pd.to_datetime(["2025-01-01"]),
            "first_reply_on": pd.to_datetime(["2025-01-20"]),
            "stage": ["replied"],
        }
    )
    dur, _ = reply_durations(apps, as_of="2025-01-11")
    assert dur.loc[0, "time"] == 10 and not dur.loc[0, "event"]


def test_as_of_none_is_today() -> None:
    applied = pd.Timestamp.today().normalize() - pd.Timedelta(days=3)
    apps = pd.DataFrame(
        {"application_id": ["a"], "applied_on": [applied], "first_reply_on": [pd.NaT],
         "stage": ["applied"]}
    )
    assert daily_risk_sets(apps)["day"].max() == 3


def test_followup_days_ignores_late_and_early() -> None:
    apps = pd.DataFrame(
        {"application_id": ["a", "b"], "applied_on": pd.to_datetime(["2025-01-10", "2025-01-10"])}
    )
    events = pd.DataFrame(
        {
            "application_id": ["a", "a", "a", "b"],
            "date": pd.to_datetime(["2025-01-20", "2025-01-12", "2025-03-01", "2025-01-05"]),
            "kind": "follow_up",
            "channel": ["phone", "email", "email", "email"],
        }
    )
    days, warns = followup_days(apps, events, as_of="2025-02-01")
    assert days.loc[0, "first"] == 2 and days.loc[0, "second"] == 10
    assert days.loc[0, "channel"] == "email"
    assert np.isnan(days.loc[1, "first"])
    assert any("before their application" in w for w in warns)


def test_nothing_usable_raises_analysis_error() -> None:
    from jobstats.schema import AnalysisError

    apps = pd.DataFrame(
        {"application_id": ["a"], "applied_on": pd.to_datetime(["2025-05-01"]),
         "first_reply_on": [pd.NaT], "stage": ["applied"], "row": [2]}
    )
    with pytest.raises(AnalysisError, match="applied after the as-of date"):
        daily_risk_sets(apps, as_of="2025-01-01", by="stage", followup=True)
    with pytest.raises(AnalysisError, match="empty"):
        daily_risk_sets(apps.iloc[:0], as_of="2025-01-01")


def test_missing_applied_date_and_duplicated_index_are_reported_by_row() -> None:
    """A row without applied date is left out (not given time -1), and the rows
    named in a warning are those excluded even when the index repeats labels."""
    apps = pd.DataFrame(
        {
            "application_id": list("abcd"),
            "applied_on": pd.to_datetime(["2025-01-01", None, "2025-05-01", "2025-01-03"]),
            "first_reply_on": pd.to_datetime([None, None, None, "2025-01-05"]),
            "stage": ["applied", "applied", "applied", "replied"],
            "row": [2, 3, 4, 5],
        },
        index=[7, 7, 7, 7],
    )
    dur, warns = reply_durations(apps, as_of="2025-03-01")
    assert dur["use"].tolist() == [True, False, False, True]
    assert dur["reason"].iloc[1] == "no applied date"
    text = " ".join(warns)
    assert "1 application(s) left out of time-to-reply estimates: no applied date (rows 3)" in text
    assert "applied after the as-of date (rows 4)" in text
    r = daily_risk_sets(apps, as_of="2025-03-01")
    assert r["at_risk"].max() == 2 and r["replied"].sum() == 1 and r["censored"].sum() == 1


def test_categorical_stage_and_columns_give_the_same_risk_sets() -> None:
    apps, events = _random_tables(5)
    want = daily_risk_sets(apps, events, as_of=AS_OF, by="source", followup=True)
    cat = apps.assign(
        stage=apps["stage"].astype("category"), source=apps["source"].astype("category")
    )
    ev = events.assign(channel=events["channel"].astype("category"))
    got = daily_risk_sets(cat, ev, as_of=AS_OF, by="source", followup=True)
    pd.testing.assert_frame_equal(got, want)
    # shuffled rows with a non-default, repeated index: same table
    shuffled = apps.sample(frac=1, random_state=3).set_axis(np.zeros(len(apps), int))
    got = daily_risk_sets(shuffled, events.iloc[::-1], as_of=AS_OF, by="source", followup=True)
    pd.testing.assert_frame_equal(got, want)


def test_as_of_day_and_same_day_reply() -> None:
    """Applied on as_of: at risk on day 0; a same-day reply is day 0; a reply
    dated the day after as_of is not on record."""
    apps = pd.DataFrame(
        {
            "application_id": ["a", "b", "c"],
            "applied_on": pd.to_datetime(["2025-03-01 09:00", "2025-03-01 00:00", "2025-02-28 00:00"]),
            "first_reply_on": pd.to_datetime(["2025-03-01 17:00", None, "2025-03-02 00:00"]),
            "stage": ["replied", "applied", "replied"],
        }
    )
    dur, warns = reply_durations(apps, as_of="2025-03-01")
    assert dur["time"].tolist() == [0, 0, 1] and dur["event"].tolist() == [True, False, False]
    assert dur["use"].all() and not warns
    r = daily_risk_sets(apps, as_of="2025-03-01")
    assert r[["day", "at_risk", "replied", "censored"]].to_numpy().tolist() == [[0, 3, 1, 1], [1, 1, 0, 1]]
