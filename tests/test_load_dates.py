"""Date parsing: formats, per-column day/month order, and what the report says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobstats.io import load
from jobstats.io.dates import parse_dates
from jobstats.io.readers import EPOCH_1900, EPOCH_1904

T = pd.Timestamp


def parse(values, **kw):
    return parse_dates(values, header="D", epoch=kw.pop("epoch", EPOCH_1900), **kw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-01", T("2025-03-01")),
        ("2025-03-01 09:12:00", T("2025-03-01 09:12")),
        ("2025-03-01T09:12:00+02:00", T("2025-03-01 09:12")),  # zone dropped, wall time kept
        ("2025-03-01T09:12:00Z", T("2025-03-01 09:12")),
        ("01.03.2025", T("2025-03-01")),  # D.M.Y
        ("6/18/22, 5:28 AM", T("2022-06-18 05:28")),  # LinkedIn
        ("Mar 1, 2025", T("2025-03-01")),
        ("1 March 2025", T("2025-03-01")),
        (dt.datetime(2025, 3, 1, 14, 30), T("2025-03-01 14:30")),
        (dt.date(2025, 3, 1), T("2025-03-01")),
        (45717, T("2025-03-01")),  # Excel serial, 1900 system
        (45717.5, T("2025-03-01 12:00")),
        ("45717", T("2025-03-01")),  # serial that went through a CSV
    ],
)
def test_single_values(raw, expected) -> None:
    assert parse([raw]).values.iat[0] == expected


@pytest.mark.parametrize("raw", ["", "-", "N/A", "n/a", "none", None, float("nan")])
def test_missing_tokens_are_missing_not_errors(raw) -> None:
    p = parse([raw])
    assert pd.isna(p.values.iat[0]) and p.bad == []


@pytest.mark.parametrize("raw", ["8/82019", "8-Jul", "2019", "soon", "13/13/2025", 12, True])
def test_unparseable_values_are_flagged(raw) -> None:
    p = parse(["2025-01-01", raw])
    assert pd.isna(p.values.iat[1])
    assert [i for i, _ in p.bad] == [1]


def test_1904_epoch() -> None:
    # 1904 system: serial 0 is 1904-01-01, so a serial is 1462 days later than in the 1900 system.
    assert parse([44256], epoch=EPOCH_1904).values.iat[0] == T("2025-03-02")
    assert parse([44256]).values.iat[0] == T("2021-03-01")


def test_two_digit_years() -> None:
    assert parse(["3/14/22"]).values.iat[0] == T("2022-03-14")


def test_order_proved_month_first() -> None:
    p = parse(["1/2/2025", "2/13/2025", "3/4/2025"])
    assert p.values.tolist() == [T("2025-01-02"), T("2025-02-13"), T("2025-03-04")]
    assert p.decision == "D: M/D/Y (day > 12 seen in 1 values)"


def test_order_proved_day_first() -> None:
    p = parse(["1/2/2025", "13/2/2025", "3/4/2025"])
    assert p.values.tolist() == [T("2025-02-01"), T("2025-02-13"), T("2025-04-03")]
    assert p.decision.startswith("D: D/M/Y")


def test_ambiguous_slash_defaults_month_first_and_says_so() -> None:
    p = parse(["1/2/2025", "3/4/2025"])
    assert p.values.tolist() == [T("2025-01-02"), T("2025-03-04")]
    assert "ambiguous" in p.decision and "M/D/Y" in p.decision and "dayfirst=True" in p.decision


def test_ambiguous_dots_default_day_first() -> None:
    p = parse(["01.02.2025", "03.04.2025"])
    assert p.values.tolist() == [T("2025-02-01"), T("2025-04-03")]
    assert "ambiguous" in p.decision and "D.M.Y" in p.decision


def test_conflicting_orders_majority_and_flag() -> None:
    p = parse(["1/13/2025", "2/14/2025", "13/1/2025"])
    assert "ambiguous" in p.decision
    assert p.values.iat[0] == T("2025-01-13")
    assert [i for i, _ in p.doubtful] == [2]


def test_dayfirst_forces_order() -> None:
    assert parse(["1/2/2025"], dayfirst=True).values.iat[0] == T("2025-02-01")
    assert parse(["1/2/2025"], dayfirst=False).values.iat[0] == T("2025-01-02")


def test_load_reports_ambiguity_and_bad_dates(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Company,Date applied,Interview date\n"
                    "A,1/2/2025,8-Jul\nB,3/4/2025,\nC,8/82019,\n", encoding="utf-8")
    res = load(path, as_of="2025-06-30")
    rep = res.report
    assert any("Date applied: ambiguous" in d for d in rep.date_decisions)
    assert any(w.startswith("dates: Date applied: ambiguous") for w in rep.warnings)
    iss = rep.issues.set_index("row")
    assert iss.loc[2, "column"] == "Interview date" and iss.loc[2, "severity"] == "warning"
    assert "'8-Jul'" in iss.loc[2, "reason"]
    assert iss.loc[4, "severity"] == "dropped" and "'8/82019'" in iss.loc[4, "reason"]
    assert res.applications["company"].tolist() == ["A", "B"]
    assert res.applications["applied_on"].tolist() == [T("2025-01-02"), T("2025-03-04")]
    assert load(path, as_of="2025-06-30", dayfirst=True).applications[
        "applied_on"].tolist() == [T("2025-02-01"), T("2025-04-03")]


def test_time_of_day_kept_and_dtype(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Company,Date applied\nA,2025-03-01 09:12:00\n", encoding="utf-8")
    a = load(path, as_of="2025-06-30").applications
    assert a["applied_on"].dtype == "datetime64[ns]"
    assert a["applied_on"].iat[0] == T("2025-03-01 09:12")


def test_as_of_resolved_at_call_time(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Company,Date applied\nA,2025-03-01\n", encoding="utf-8")
    assert load(path).as_of == pd.Timestamp(dt.date.today())
    assert load(path, as_of="2025-06-30 15:00").as_of == T("2025-06-30")


_days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(max_examples=60, deadline=None)
@given(dates=st.lists(_days, min_size=1, max_size=20), dayfirst=st.booleans(),
       witness=st.dates(min_value=dt.date(2020, 1, 13), max_value=dt.date(2020, 1, 31)))
def test_order_recovered_from_one_decisive_value(dates, dayfirst, witness) -> None:
    # Known truth: the dates are written in one order; one value with day > 12 proves it.
    truth = [*dates, witness]
    fmt = "{d.day}/{d.month}/{d.year}" if dayfirst else "{d.month}/{d.day}/{d.year}"
    p = parse([fmt.format(d=d) for d in truth])
    assert p.values.tolist() == [T(d) for d in truth]
    assert "ambiguous" not in p.decision


def test_xlsx_round_trip_against_known_dates(tmp_path: Path) -> None:
    # Dates written by pandas as real Excel dates, then read back by the loader.
    truth = pd.to_datetime(["2024-01-31 08:15", "2024-02-29", "2025-12-01 23:59:00"],
                           format="ISO8601")
    df = pd.DataFrame({"Company": ["A", "B", "C"], "Date applied": truth})
    path = tmp_path / "t.xlsx"
    df.to_excel(path, index=False)
    got = load(path, as_of="2025-12-31").applications["applied_on"]
    assert got.tolist() == truth.tolist()


def test_ambiguous_column_follows_the_file_order(tmp_path: Path) -> None:
    # The applied column proves D/M (25/1); the reply column alone is ambiguous.
    path = tmp_path / "t.csv"
    path.write_text("Company,Date applied,Reply date\nA,25/1/2025,3/2/2025\n"
                    "B,2/2/2025,5/2/2025\n", encoding="utf-8")
    res = load(path, as_of="2025-06-30")
    a = res.applications
    assert a["first_reply_on"].tolist() == [T("2025-02-03"), T("2025-02-05")]
    assert a["applied_on"].tolist() == [T("2025-01-25"), T("2025-02-02")]
    assert any(d.startswith("Reply date: no value decides alone; D/M/Y")
               for d in res.report.date_decisions)


def test_compact_yyyymmdd_numbers() -> None:
    # Was: "20250301" (or the number 20250301) flagged as an unreadable date.
    p = parse(["20250301", 20250315, "20251301", 45717])
    assert p.values.tolist()[:2] == [T("2025-03-01"), T("2025-03-15")]
    assert p.values.iat[3] == T("2025-03-01")  # Excel serials are unaffected
    assert [i for i, _ in p.bad] == [2]  # month 13: not a date
    assert "2 numbers read as YYYYMMDD dates" in p.decision
    assert "1 Excel serial numbers" in p.decision
