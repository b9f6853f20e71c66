"""jobstats.weekly_activity: the counts behind the weekly activity chart.

Hand-made applications and events whose weekly counts are written out by hand.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import jobstats
from jobstats.schema import AnalysisError, InputError


def _apps() -> pd.DataFrame:
    # weeks (Mondays): 2 Jun, 9 Jun, 16 Jun (empty), 23 Jun; one sent after as-of
    return pd.DataFrame(
        {
            "application_id": ["a", "b", "c", "d", "e", "f"],
            "applied_on": pd.to_datetime(
                ["2025-06-02", "2025-06-08", "2025-06-09", "2025-06-24", "2025-06-24",
                 "2025-07-03"]
            ),
            "first_reply_on": pd.to_datetime(
                ["2025-06-04", None, "2025-06-25", "2025-07-02", None, None]
            ),
            # b replied (status says so) without a date; d's reply is after as-of
            "stage": ["replied", "replied", "interview", "replied", "applied", "applied"],
        }
    )


def _events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "application_id": ["b", "b", "e", "c", "f"],
            "date": pd.to_datetime(["2025-06-12", None, "2025-06-27", "2025-07-01",
                                    "2025-07-04"]),
            "kind": ["follow_up", "follow_up", "follow_up", "follow_up", "follow_up"],
        }
    )


AS_OF = "2025-06-28"  # a Saturday: the week of 23 Jun is still running


def test_counts_per_week_by_hand():
    table = jobstats.weekly_activity(_apps(), _events(), as_of=AS_OF)
    assert list(table.columns) == ["week", "applications", "replies", "follow_ups"]
    assert list(table["week"]) == list(pd.to_datetime(
        ["2025-06-02", "2025-06-09", "2025-06-16", "2025-06-23"]))
    assert list(table["applications"]) == [2, 1, 0, 2]
    assert list(table["replies"]) == [1, 0, 0, 1]  # a on 4 Jun, c on 25 Jun
    assert list(table["follow_ups"]) == [0, 1, 0, 1]  # b on 12 Jun, e on 27 Jun


def test_attrs_say_what_is_not_in_any_week():
    table = jobstats.weekly_activity(_apps(), _events(), as_of=AS_OF)
    assert table.attrs["as_of"] == pd.Timestamp(AS_OF)
    assert table.attrs["n_applications"] == 5
    assert table.attrs["undated_replies"] == 1  # b
    assert table.attrs["undated_follow_ups"] == 1
    note = table.attrs["note"]
    assert "1 reply without a date" in note
    assert "1 follow-up(s) without a date" in note
    assert "1 application(s) dated after the as-of date" in note


def test_a_load_result_gives_its_tables_and_as_of(tmp_path):
    data = jobstats.load("data/sample/my_tracker.xlsx", as_of="2025-06-30")
    table = jobstats.weekly_activity(data)
    assert table.attrs["as_of"] == pd.Timestamp("2025-06-30")
    assert table["week"].iloc[-1] == pd.Timestamp("2025-06-30")  # the as-of week
    assert table["applications"].sum() == len(data.applications)
    assert table["follow_ups"].sum() == (
        (data.events["kind"] == "follow_up") & data.events["date"].notna()).sum()
    weeks = table["week"]
    assert (weeks.diff().dropna() == pd.Timedelta(days=7)).all()
    assert (weeks.dt.day_of_week == 0).all()


def test_bad_input_is_named():
    with pytest.raises(AnalysisError, match="empty"):
        jobstats.weekly_activity(_apps().iloc[0:0], as_of=AS_OF)
    with pytest.raises(InputError, match="applied_on"):
        jobstats.weekly_activity(_apps().drop(columns="applied_on"), as_of=AS_OF)
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        jobstats.weekly_activity(_apps(), as_of="someday")


def test_nothing_sent_by_as_of_gives_an_empty_table_that_says_so():
    table = jobstats.weekly_activity(_apps(), as_of="2025-01-01")
    assert len(table) == 0
    assert "No application was sent" in table.attrs["note"]


def test_counting_imports_no_statistics_library():
    code = ("import sys, jobstats.activity; "
            "print('statsmodels' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
