"""The analysis steps' fast paths (Arrow text, integer codes, numpy days) against the
general paths they replace on large tables, and against hand-computed cases.

A summary of a million applications runs through the fast paths; small trackers
with other column types (numbers, time zones, categoricals) through the general
ones. Both must give the same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jobstats import policy
from jobstats.results import group_frame, stage_rank
from jobstats.risksets import daily_risk_sets, followup_days, reply_durations
from jobstats.simulate import simulate_search

AS_OF = pd.Timestamp("2025-03-31")
STAGES = ["applied", None, "offer", "bogus", "interview", "replied"]
RANKS = [0.0, np.nan, 4.0, np.nan, 3.0, 1.0]  # positions in schema.STAGES, by hand


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", "string[python]", object,
                                   "category"])
def test_stage_rank_is_the_same_for_every_text_dtype(dtype):
    ranks = stage_rank(pd.Series(STAGES, dtype=dtype, index=[5, 5, 7, 8, 9, 10]))
    assert ranks.dtype == float
    np.testing.assert_array_equal(ranks.to_numpy(), RANKS)
    assert list(ranks.index) == [5, 5, 7, 8, 9, 10]


@pytest.mark.parametrize("dtype", ["str", object, "string[python]"])
def test_group_frame_labels_missing_text_the_same_way(dtype):
    apps = pd.DataFrame({"source": pd.Series(["b", None, "a"], dtype=dtype)})
    out = group_frame(apps, "source")["source"]
    assert out.dtype == "str"
    assert out.tolist() == ["b", "(missing)", "a"]


def _tables(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    apps, events = simulate_search(400, seed=seed)
    rng = np.random.default_rng(seed)
    apps["batch"] = rng.integers(0, 12, len(apps))  # an integer column: pandas' group-by
    apps["batch_text"] = [f"b{k:02d}" for k in apps["batch"]]  # the same groups as text
    return apps, events


@pytest.mark.parametrize("followup", [False, True])
def test_risk_sets_by_text_codes_equal_the_pandas_group_by(followup):
    apps, events = _tables()
    as_of = pd.Timestamp("2025-07-01")
    by_int = daily_risk_sets(apps, events, as_of=as_of, by=["batch", "source"],
                             followup=followup)
    by_text = daily_risk_sets(apps, events, as_of=as_of, by=["batch_text", "source"],
                              followup=followup)
    assert len(by_int) > 50
    # zero-padded labels sort as the numbers do: the same rows in the same order
    np.testing.assert_array_equal(by_text["batch_text"].to_numpy(dtype=object),
                                  [f"b{k:02d}" for k in by_int["batch"]])
    pd.testing.assert_frame_equal(by_int.drop(columns="batch"),
                                  by_text.drop(columns="batch_text"))


def test_reply_durations_count_whole_days_by_date():
    apps, _ = _tables()
    apps.loc[apps.index[:5], "first_reply_on"] = apps["applied_on"].iloc[:5] - pd.Timedelta(
        days=2)  # replies dated before the application: left out with a reason
    apps.loc[apps.index[5:8], "applied_on"] = pd.NaT
    # times of day, on the dates and on the as-of date: days still count by date
    apps["applied_on"] += pd.to_timedelta(np.arange(len(apps)) % 5 * 5, unit="h")
    apps["first_reply_on"] += pd.Timedelta(hours=23)
    as_of = pd.Timestamp("2025-06-15 18:30")
    dur, _ = reply_durations(apps, as_of=as_of)
    used = 0
    for i, (applied, reply) in enumerate(zip(apps["applied_on"], apps["first_reply_on"])):
        if pd.isna(applied):
            assert dur["reason"].iloc[i] == "no applied date"
            continue
        censor = (as_of.date() - applied.date()).days
        r = None if pd.isna(reply) else (reply.date() - applied.date()).days
        if censor < 0 or (r is not None and r < 0):
            assert not dur["use"].iloc[i]
            continue
        replied = r is not None and r <= censor
        assert dur["time"].iloc[i] == (r if replied else censor)
        assert dur["event"].iloc[i] == replied
        used += int(dur["use"].iloc[i])
    assert used > 300
    assert (dur["reason"] == "reply dated before the application").sum() == 5


def test_followup_days_by_hand():
    apps = pd.DataFrame({
        "application_id": pd.Series(["a", "b", "c"], dtype="str"),
        "applied_on": pd.to_datetime(["2025-01-01"] * 3),
    })
    events = pd.DataFrame({
        "application_id": pd.Series(["c", "a", "a", "a", "x"], dtype="str"),
        "date": pd.to_datetime(["2025-01-02", "2025-01-05", "2025-01-03", None,
                                "2025-01-02"]),
        "kind": pd.Series(["follow_up"] * 5, dtype="str"),
        "channel": pd.Series(["phone", "email", None, "email", "email"], dtype="str"),
    })
    days, warnings = followup_days(apps, events, as_of="2025-02-01")
    np.testing.assert_array_equal(days["first"], [2, np.nan, 1])
    np.testing.assert_array_equal(days["second"], [4, np.nan, np.nan])
    # a's first dated follow-up (3 Jan) has no channel; c's (2 Jan) was by phone
    assert days["channel"].dtype == "str"
    assert days["channel"].isna().tolist() == [True, True, False]
    assert days["channel"].iloc[2] == "phone"
    assert any("no date" in w for w in warnings)
    # no channel anywhere: the column holds no text
    days, _ = followup_days(apps, events.assign(channel=None), as_of="2025-02-01")
    assert days["channel"].isna().all()


def test_followup_days_of_a_repeated_id_go_to_its_first_row():
    apps = pd.DataFrame({
        "application_id": pd.Series(["a", "a", "b"], dtype="str"),
        "applied_on": pd.to_datetime(["2025-01-01", "2025-01-10", "2025-01-01"]),
    })
    events = pd.DataFrame({
        "application_id": pd.Series(["a", "b"], dtype="str"),
        "date": pd.to_datetime(["2025-01-04", "2025-01-02"]),
        "kind": pd.Series(["follow_up"] * 2, dtype="str"),
    })
    days, _ = followup_days(apps, events, as_of="2025-02-01")
    np.testing.assert_array_equal(days["first"], [3, np.nan, 1])


def test_policy_profiles_counted_on_a_table_equal_the_sorted_ones(monkeypatch):
    apps, events = _tables(seed=8)
    as_of = pd.Timestamp("2025-07-01")
    args = {"as_of": as_of, "horizon": 30, "adjust": ["source"]}
    dense = policy.policy_inputs(apps, events, **args)
    monkeypatch.setattr(policy, "_dense_profiles", lambda keys, w: None)
    sorted_ = policy.policy_inputs(apps, events, **args)
    assert len(dense.count) > 20
    for name in ("count", "stratum", "at_risk", "replied", "followup_day"):
        np.testing.assert_array_equal(getattr(dense, name), getattr(sorted_, name))
    pd.testing.assert_frame_equal(dense.overlap, sorted_.overlap)
    used = reply_durations(apps, as_of=as_of)[0]["use"]
    assert dense.count.sum() == used.sum()  # every usable application in one profile


@pytest.mark.parametrize("values", [
    pd.Series(["a", "a"], dtype="str"), pd.Series(["a", "b"], dtype="str"),
    pd.Series(["a", None], dtype="str"), pd.Series([None, None], dtype="str"),
    pd.Series([1, 1.0]), pd.Series([1, "1"], dtype=object), pd.Series([np.nan, 1.0, 1.0]),
    pd.Series([], dtype="str"), pd.Series(["x"]), pd.Series(["a", "a", "b"], dtype="category"),
    pd.Series(pd.Categorical(["a", "a"], categories=["a", "b"])),
    pd.Series([pd.NA, "a"], dtype="string"), pd.Series([None, "a", "a"], dtype=object),
    pd.Series(pd.to_datetime(["2025-01-01", None])),
])
@pytest.mark.parametrize("dropna", [False, True])
def test_adjustment_column_varies_as_nunique_says(values, dropna):
    assert policy._varies(values, dropna=dropna) == (values.nunique(dropna=dropna) > 1)


def _group_frames() -> dict[str, pd.DataFrame]:
    week = pd.to_datetime(["2025-01-06", "2025-01-13", None, "2025-01-06", "2025-01-20",
                           "2025-01-13"])
    return {
        "text": pd.DataFrame({"s": pd.Series(["b", "(missing)", "a", "b", "Zoë", "a"],
                                             dtype="str")}),
        "two texts": pd.DataFrame({"s": pd.Series(list("babbab"), dtype="str"),
                                   "t": pd.Series(list("xyyxxz"), dtype="str")}),
        "dates": pd.DataFrame({"w": week.fillna(pd.Timestamp("2025-01-27"))}),
        "dates with a missing one": pd.DataFrame({"w": week}),
        "int32 and float": pd.DataFrame({"i": np.array([3, 1, 3, 2, 1, 1], dtype="int32"),
                                         "f": [0.5, 0.5, 2.0, 0.5, 2.0, 0.5]}),
        "numbers and (missing)": pd.DataFrame({"m": [2.5, "(missing)", 1.0, 2.5, 1.0, 7.0]}),
    }


@pytest.mark.parametrize("name", list(_group_frames()))
def test_group_codes_are_groupby_keys_and_group_numbers(name):
    from jobstats.results import group_codes, group_keys

    frame = _group_frames()[name]
    cols = list(frame.columns)
    keys, code = group_codes(frame, cols)
    pd.testing.assert_frame_equal(keys, group_keys(frame, cols), check_exact=True)
    want = frame.groupby(cols, sort=True, dropna=False, observed=True).ngroup().to_numpy()
    np.testing.assert_array_equal(code, want)
    assert code.dtype == np.int64


def test_group_codes_by_hand():
    from jobstats.results import group_codes

    frame = pd.DataFrame({"s": pd.Series(["b", "(missing)", "a", "b"], dtype="str")})
    keys, code = group_codes(frame, ["s"])
    assert keys["s"].tolist() == ["(missing)", "a", "b"]  # "(" sorts before letters
    assert code.tolist() == [2, 0, 1, 2]
    keys, code = group_codes(frame, [])
    assert len(keys) == 1 and code.tolist() == [0, 0, 0, 0]
