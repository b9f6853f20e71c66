"""Tests of jobstats.template: the blank tracker workbook and its round trip."""

from __future__ import annotations

import shutil
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from jobstats.schema import InputError
from jobstats.template import write_template

EXPECTED_HEADER = [
    "Company",
    "Job title",
    "Source",
    "Date applied",
    "Status",
    "Date of first reply",
    "Reply kind",
    "Follow-up 1 date",
    "Follow-up 1 channel",
    "Follow-up 2 date",
    "Follow-up 2 channel",
    "Call-back promised by",
    "Interview date",
    "Thank-you sent",
    "Offer date",
    "Rejection date",
    "Notes",
]
DATE_COLUMNS = ["D", "F", "H", "J", "L", "M", "N", "O", "P"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("tpl") / "tracker.xlsx")


@pytest.fixture(scope="module")
def book(template):
    return openpyxl.load_workbook(template)


def test_sheets_and_header(book):
    assert book.sheetnames == ["Applications", "Instructions"]
    ws = book["Applications"]
    assert [c.value for c in ws[1]] == EXPECTED_HEADER
    assert ws.max_row == 1  # no pre-formatted empty cells a loader would see as rows
    assert ws.freeze_panes == "A2"
    assert all(c.font.bold for c in ws[1])


def _validations(ws):
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_dropdowns(book):
    dvs = _validations(book["Applications"])
    status = dvs["E2:E2000"]
    assert status.type == "list"
    assert status.formula1 == (
        '"Applied,No response,Phone screen,Interview,Offer,Accepted,Rejected,Withdrawn,Closed"'
    )
    source = dvs["C2:C2000"]
    assert source.formula1 == (
        '"Referral,Company site,LinkedIn Easy Apply,LinkedIn,Job board,Recruiter,Other"'
    )
    channel = dvs["I2:I2000 K2:K2000"]
    assert channel.type == "list"
    assert channel.formula1 == '"Email,Phone,LinkedIn,In person"'
    assert dvs["G2:G2000"].formula1 == '"Rejection,Interview,Offer,Other"'
    for dv in (status, source, channel):
        assert dv.allow_blank


def test_date_columns(book):
    ws = book["Applications"]
    dvs = _validations(ws)
    dates = dvs[" ".join(f"{c}2:{c}2000" for c in DATE_COLUMNS)]
    assert dates.type == "date"
    assert dates.operator == "greaterThanOrEqual"
    # 36526 is the Excel serial of 2000-01-01 (1900 date system)
    assert dates.formula1 == "36526"
    for col in DATE_COLUMNS:
        assert ws.column_dimensions[col].number_format == "yyyy-mm-dd", col
    for col in "ABCEGIKQ":
        assert ws.column_dimensions[col].number_format == "General", col
    widths = {col: ws.column_dimensions[col].width for col in "ABCDQ"}
    assert widths["B"] > widths["D"] >= 10
    assert widths["Q"] >= 40


def test_instructions(book):
    ws = book["Instructions"]
    text = "\n".join(
        str(c.value) for row in ws.iter_rows() for c in row if c.value is not None
    )
    first_col = {row[0].value for row in ws.iter_rows()}
    for header in EXPECTED_HEADER:
        assert header in first_col, header
    assert "jobstats summary tracker.xlsx" in text
    assert "as-of" in text.lower()
    assert "SENT" in text  # follow-ups are dated when sent, plans go in later


def test_refuses_overwrite(tmp_path):
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(b"the user's own data")
    with pytest.raises(InputError, match="--force"):
        write_template(path)
    assert path.read_bytes() == b"the user's own data"
    write_template(path, overwrite=True)
    assert openpyxl.load_workbook(path).sheetnames[0] == "Applications"


def test_bad_targets(tmp_path):
    with pytest.raises(InputError, match=r"\.xlsx"):
        write_template(tmp_path / "tracker.csv")
    with pytest.raises(InputError, match="does not exist"):
        write_template(tmp_path / "missing" / "tracker.xlsx")
    assert not (tmp_path / "tracker.csv").exists()


def test_reproducible_bytes(tmp_path):
    a = write_template(tmp_path / "a.xlsx")
    b = write_template(tmp_path / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()


# --- round trip through the loader ------------------------------------------

ROWS = [
    # Company, Job title, Source, Date applied, Status, first reply, reply kind,
    # FU1 date, FU1 channel, FU2 date, FU2 channel, call-back promised by,
    # interview, thank-you, offer, rejection, notes
    ["Acme", "Data analyst", "Referral", datetime(2025, 3, 3), "Interview",
     datetime(2025, 3, 6), "Interview", None, None, None, None, datetime(2025, 3, 17),
     datetime(2025, 3, 10), datetime(2025, 3, 10), None, None, "met Jane"],
    ["Globex", "Data engineer", "LinkedIn Easy Apply", datetime(2025, 3, 4), "No response",
     None, None, datetime(2025, 3, 14), "Email", datetime(2025, 3, 24), "LinkedIn", None,
     None, None, None, None, None],
    ["Initech", "BI analyst", "Company site", datetime(2025, 3, 5), "Rejected",
     datetime(2025, 3, 12), "Rejection", datetime(2025, 3, 11), "Phone", None, None, None,
     None, None, None, datetime(2025, 3, 12), None],
]  # fmt: skip


def _tables(result):
    """(applications, events) from whatever load() returns."""
    if isinstance(result, tuple):
        return result[0], result[1]
    return result.applications, result.events


def test_loader_reads_template_without_mapping(template, tmp_path):
    from jobstats.io import load  # written in parallel; this test needs it

    copy = tmp_path / "filled.xlsx"
    shutil.copy(template, copy)
    wb = openpyxl.load_workbook(copy)
    ws = wb["Applications"]
    for values in ROWS:
        ws.append(values)
    wb.save(copy)
    before = copy.read_bytes()

    apps, events = _tables(load(copy))
    assert copy.read_bytes() == before  # the loader never writes the user's file
    assert len(apps) == 3
    apps = apps.set_index("company")
    assert list(apps.index) == ["Acme", "Globex", "Initech"]
    assert list(apps["title"]) == ["Data analyst", "Data engineer", "BI analyst"]
    assert list(apps["source"]) == ["referral", "linkedin easy apply", "company site"]
    assert list(pd.to_datetime(apps["applied_on"])) == [
        pd.Timestamp("2025-03-03"), pd.Timestamp("2025-03-04"), pd.Timestamp("2025-03-05")
    ]
    assert list(apps["status"]) == ["interview", "no_response", "rejected"]
    assert list(apps["status_raw"]) == ["Interview", "No response", "Rejected"]
    assert list(apps["followed_up"]) == [False, True, True]
    assert list(apps["stage"]) == ["interview", "applied", "replied"]
    assert apps.loc["Acme", "first_reply_on"] == pd.Timestamp("2025-03-06")
    assert pd.isna(apps.loc["Globex", "first_reply_on"])
    assert apps.loc["Initech", "reply_kind"] == "rejection"
    assert list(apps["row"]) == [2, 3, 4]
    # The promised call-back: a column and (its day being past) an event.
    assert apps.loc["Acme", "callback_due_on"] == pd.Timestamp("2025-03-17")
    assert apps["callback_due_on"].notna().sum() == 1
    cb = events[events["kind"] == "callback_due"]
    assert cb["date"].tolist() == [pd.Timestamp("2025-03-17")]

    ids = apps["application_id"]
    fu = events[events["kind"] == "follow_up"].sort_values("date")
    assert list(fu["application_id"]) == [ids["Initech"], ids["Globex"], ids["Globex"]]
    assert list(fu["date"]) == [
        pd.Timestamp("2025-03-11"), pd.Timestamp("2025-03-14"), pd.Timestamp("2025-03-24")
    ]
    assert list(fu["channel"]) == ["phone", "email", "linkedin"]
    ty = events[events["kind"] == "thank_you"]
    assert list(ty["application_id"]) == [ids["Acme"]]
    assert list(ty["date"]) == [pd.Timestamp("2025-03-10")]
