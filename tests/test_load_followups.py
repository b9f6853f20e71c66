"""Follow-up extraction: several dated columns, yes/no flags, a follow-ups sheet, plans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from conftest import write_xlsx

from jobstats.io import load

T = pd.Timestamp


def write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_several_dated_columns_with_channels(tmp_path: Path) -> None:
    path = write(tmp_path,
                 "Company,Date applied,Follow up,Follow-up 2,Last follow-up,Follow-up channel\n"
                 "A,2025-01-01,2025-01-08,2025-01-15,2025-01-22,Email\n"
                 "B,2025-01-02,,,,\n"
                 "C,2025-01-03,2025-01-10,,,call\n")
    res = load(path, as_of="2025-06-30")
    fu = res.events[res.events["kind"] == "follow_up"]
    assert fu["application_id"].tolist() == ["t.csv:2"] * 3 + ["t.csv:4"]
    assert fu["date"].tolist() == [T("2025-01-08"), T("2025-01-15"), T("2025-01-22"),
                                   T("2025-01-10")]
    assert fu["source_column"].tolist() == ["Follow up", "Follow-up 2", "Last follow-up",
                                            "Follow up"]
    assert fu["channel"].tolist() == ["email"] * 3 + ["phone"]
    assert res.applications["followed_up"].tolist() == [True, False, True]


def test_future_follow_up_is_a_plan(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Follow-up date\n"
                           "A,2025-01-01,2025-01-08\nB,2025-01-02,2025-07-15\n")
    res = load(path, as_of="2025-06-30")
    assert res.applications["followed_up"].tolist() == [True, False]
    assert (res.events["kind"] == "follow_up").sum() == 1
    assert any("1 follow-up(s) dated after the as-of date" in n for n in res.report.notes)
    # Same file with a later as-of: the plan has been carried out.
    later = load(path, as_of="2025-08-01")
    assert later.applications["followed_up"].tolist() == [True, True]


def test_follow_up_on_as_of_day_counts(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Follow-up date\nA,2025-01-01,2025-06-30 17:00\n")
    assert load(path, as_of="2025-06-30").applications["followed_up"].tolist() == [True]


def test_yes_no_column_gives_undated_follow_ups(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Followed up?\n"
                           "A,2025-01-01,Yes\nB,2025-01-02,No\nC,2025-01-03,y\nD,2025-01-04,\n")
    res = load(path, as_of="2025-06-30")
    assert res.applications["followed_up"].tolist() == [True, False, True, False]
    fu = res.events[res.events["kind"] == "follow_up"]
    assert len(fu) == 2 and fu["date"].isna().all()
    assert any(n.startswith("2 follow-up(s) known only from yes/no") for n in res.report.notes)


def test_follow_ups_sheet_joined_by_company_and_title(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", {
        "Applications": [
            ["Company", "Job title", "Date applied", "Status"],
            ["Acme", "Analyst", dt.datetime(2025, 1, 1), "Applied"],
            ["Acme", "Analyst", dt.datetime(2025, 3, 1), "Applied"],  # re-applied later
            ["Beta", "Engineer", dt.datetime(2025, 1, 5), "Rejected"],
        ],
        "Follow-ups": [
            ["Company", "Job title", "Date", "Channel"],
            ["acme ", "analyst", dt.datetime(2025, 1, 10), "Email"],
            ["Acme", "Analyst", dt.datetime(2025, 3, 9), "LinkedIn"],
            ["Nobody", "Analyst", dt.datetime(2025, 1, 10), "Email"],
            ["Beta", "Engineer", dt.datetime(2025, 9, 1), "Phone"],  # after as-of: plan
            ["Beta", "Engineer", None, "Phone"],
        ],
    })
    res = load(path, as_of="2025-06-30")
    fu = res.events[res.events["kind"] == "follow_up"]
    assert fu[["application_id", "date", "channel"]].values.tolist() == [
        ["Applications:2", T("2025-01-10"), "email"],
        ["Applications:3", T("2025-03-09"), "linkedin"]]
    assert res.applications["followed_up"].tolist() == [True, True, False]
    iss = res.report.issues[res.report.issues["sheet"] == "Follow-ups"]
    assert iss[["row", "severity"]].values.tolist() == [[4, "dropped"], [6, "dropped"]]
    assert res.report.sheets == ["Applications", "Follow-ups"]


def test_follow_ups_sheet_joined_by_id(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", {
        "Jobs": [
            ["ID", "Company", "Date applied"],
            ["J1", "Acme", "2025-01-01"],
            ["J2", "Beta", "2025-01-02"],
        ],
        "Follow ups": [
            ["ID", "Follow-up date", "Via"],
            ["J2", "2025-01-09", "email"],
            ["J9", "2025-01-09", "email"],
        ],
    })
    res = load(path, as_of="2025-06-30")
    fu = res.events[res.events["kind"] == "follow_up"]
    assert fu[["application_id", "date", "channel"]].values.tolist() == [
        ["J2", T("2025-01-09"), "email"]]
    assert res.report.issues[["sheet", "row"]].values.tolist() == [["Follow ups", 3]]


def test_generic_channel_column_is_follow_up_channel_when_source_exists(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Channel,Date applied,Source,Follow-up date\n"
                           "A,Email,2025-01-01,Referral,2025-01-08\n")
    res = load(path, as_of="2025-06-30")
    assert res.applications["source"].tolist() == ["referral"]
    fu = res.events[res.events["kind"] == "follow_up"]
    assert fu["channel"].tolist() == ["email"]
    m = res.report.mapping
    assert m.loc[m["field"] == "follow_up_channel", "header"].tolist() == ["Channel"]


def test_yes_in_a_dated_follow_up_column_is_an_undated_follow_up(tmp_path: Path) -> None:
    # Was: "yes" warned as an unreadable date and the follow-up lost.
    path = write(tmp_path, "Company,Date applied,Follow-up\n"
                           "A,2025-01-01,2025-01-08\nB,2025-01-02,yes\nC,2025-01-03,no\n"
                           "D,2025-01-04,\n")
    res = load(path, as_of="2025-06-30")
    assert res.applications["followed_up"].tolist() == [True, True, False, False]
    fu = res.events[res.events["kind"] == "follow_up"]
    assert fu["application_id"].tolist() == ["t.csv:2", "t.csv:3"]
    assert fu["date"].isna().tolist() == [False, True]
    iss = res.report.issues
    assert iss["row"].tolist() == [3]
    assert "undated follow-up" in iss["reason"].iat[0]


def test_follow_ups_sheet_keyed_by_company_only(tmp_path: Path) -> None:
    # "Company | Follow-up date | Method": was ignored entirely (no title column).
    path = write_xlsx(tmp_path / "t.xlsx", {
        "Applications": [
            ["Company", "Role", "Date applied", "Status"],
            ["Acme", "Dev", dt.datetime(2025, 3, 3), "Applied"],
            ["Beta", "PM", dt.datetime(2025, 3, 4), "Rejected"],
        ],
        "Follow-ups": [
            ["Company", "Follow-up date", "Method"],
            ["Acme", dt.datetime(2025, 3, 10), "Email"],
            ["Beta", dt.datetime(2025, 3, 11), "LinkedIn"],
            ["Zeta", dt.datetime(2025, 3, 11), "LinkedIn"],
        ],
    })
    res = load(path, as_of="2025-06-30")
    fu = res.events[res.events["kind"] == "follow_up"]
    assert fu[["application_id", "date", "channel"]].values.tolist() == [
        ["Applications:2", T("2025-03-10"), "email"],
        ["Applications:3", T("2025-03-11"), "linkedin"]]
    iss = res.report.issues
    assert iss[["sheet", "row", "severity"]].values.tolist() == [["Follow-ups", 4, "dropped"]]
    assert "(by company, applied before it)" in iss["reason"].iat[0]
    assert any("matched by company)" in n for n in res.report.notes)


def test_yes_beside_a_dated_follow_up_adds_no_undated_one(tmp_path: Path) -> None:
    # "Follow-up 1" is mostly dates, so it is a dated column with two "yes".
    path = write(tmp_path, "Company,Date applied,Follow-up 1,Follow-up 2\n"
                           "A,2025-01-01,yes,2025-01-20\nB,2025-01-02,yes,\n"
                           "C,2025-01-03,2025-01-10,\nD,2025-01-04,2025-01-11,\n"
                           "E,2025-01-05,2025-01-12,\n")
    res = load(path, as_of="2025-06-30")
    fu = res.events[res.events["kind"] == "follow_up"]
    assert fu[["application_id", "source_column"]].values.tolist() == [
        ["t.csv:2", "Follow-up 2"], ["t.csv:3", "Follow-up 1"], ["t.csv:4", "Follow-up 1"],
        ["t.csv:5", "Follow-up 1"], ["t.csv:6", "Follow-up 1"]]
    assert fu["date"].isna().tolist() == [False, True, False, False, False]
    assert res.report.issues["row"].tolist() == [3]
