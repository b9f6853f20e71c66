"""Header detection, columns= overrides, and the errors users see."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from jobstats.io import load
from jobstats.schema import (
    FIELDS,
    HeaderNotFoundError,
    InputError,
    MissingColumnError,
    UnreadableFileError,
    UnsupportedFormatError,
)


def write(tmp_path: Path, text: str, name: str = "t.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_header_found_below_title_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "My job search 2025,,\nUpdated weekly,,\n,,\n"
                           "Company,Role,Date applied\nA,Analyst,2025-01-02\n")
    res = load(path, as_of="2025-06-30")
    assert res.applications["row"].tolist() == [5]
    assert any("header found on row 4" in n for n in res.report.notes)


def test_trailing_empty_columns_and_rows_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Empty col,,,\nA,2025-01-02,,,,\n,,,,,\n,,,,,\n")
    res = load(path, as_of="2025-06-30")
    assert len(res.applications) == 1 and res.report.dropped == 0
    assert res.report.ignored == ["Empty col"]
    assert "Empty col" not in res.applications.columns


def test_missing_applied_column_message(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Role,Status\nA,Analyst,Applied\n")
    with pytest.raises(MissingColumnError) as err:
        load(path)
    msg = str(err.value)
    assert "t.csv" in msg and "'Company'" in msg
    assert 'columns={"applied_on": ' in msg and "--column applied_on=HEADER" in msg


def test_columns_override(tmp_path: Path) -> None:
    path = write(tmp_path, "Firm,Sent,Chased,Chased again,Result\n"
                           "A,2025-01-02,2025-01-09,2025-01-16,Rejected\n")
    res = load(path, as_of="2025-06-30",
               columns={"company": "firm", "applied_on": " SENT ",
                        "follow_up_on": ["Chased", "chased again"], "status": "Result"})
    a = res.applications
    assert a["company"].tolist() == ["A"] and a["status"].tolist() == ["rejected"]
    assert (res.events["kind"] == "follow_up").sum() == 2
    m = res.report.mapping
    assert m.loc[m["field"] == "applied_on", "header"].tolist() == ["Sent"]


def test_override_beats_synonym(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Real date\nA,2025-01-02,2025-02-03\n")
    res = load(path, as_of="2025-06-30", columns={"applied_on": "Real date"})
    assert res.applications["applied_on"].tolist() == [pd.Timestamp("2025-02-03")]
    assert "Date applied" in res.applications.columns  # kept as an extra


def test_override_unknown_field(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied\nA,2025-01-02\n")
    with pytest.raises(InputError) as err:
        load(path, columns={"applied": "Date applied"})
    assert "'applied'" in str(err.value) and all(f in str(err.value) for f in FIELDS)


def test_override_unknown_header(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied\nA,2025-01-02\n")
    with pytest.raises(InputError) as err:
        load(path, columns={"applied_on": "Sent"})
    assert "'Sent'" in str(err.value) and "'Company', 'Date applied'" in str(err.value)


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="empty"):
        load(write(tmp_path, ""))
    with pytest.raises(UnreadableFileError, match="no data"):
        load(write(tmp_path, "\n\n  \n", name="blank.csv"))


def test_no_header(tmp_path: Path) -> None:
    path = write(tmp_path, "1,2,3\n4,5,6\n")
    with pytest.raises(HeaderNotFoundError) as err:
        load(path)
    assert "t.csv" in str(err.value) and "--column applied_on=HEADER" in str(err.value)


def test_legacy_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(UnsupportedFormatError) as err:
        load(path)
    assert "old.xls" in str(err.value) and ".xlsx" in str(err.value)


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(UnreadableFileError) as err:
        load(path)
    assert "bad.xlsx" in str(err.value)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(UnsupportedFormatError, match="x.xlsx: a zip archive that is not"):
        load(path)


def test_workbook_named_csv_and_csv_named_xlsx(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Company", "Date applied"])
    wb.active.append(["A", "2025-01-02"])
    wb.save(tmp_path / "book.csv")
    assert load(tmp_path / "book.csv", as_of="2025-06-30").applications[
        "company"].tolist() == ["A"]
    path = write(tmp_path, "Company,Date applied\nB,2025-01-03\n", name="text.xlsx")
    assert load(path, as_of="2025-06-30").applications["company"].tolist() == ["B"]


def test_unknown_binary_extension(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(bytes(range(256)) * 4)
    # Refused either by the safety checks or by the format sniffing.
    with pytest.raises((UnsupportedFormatError, UnreadableFileError)) as err:
        load(path)
    assert "x.bin" in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "nope.csv")


def test_wrong_sheet_name_lists_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Jobs"
    wb.active.append(["Company", "Date applied"])
    wb.create_sheet("Notes")
    path = tmp_path / "t.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        load(path, sheet="Applications")
    assert "'Applications'" in str(err.value) and "'Jobs', 'Notes'" in str(err.value)


def test_sheet_argument_picks_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024"
    for r in [["Company", "Date applied"], ["A", "2024-01-02"], ["B", "2024-01-03"]]:
        ws.append(r)
    ws2 = wb.create_sheet("2025")
    for r in [["Company", "Date applied"], ["C", "2025-01-02"]]:
        ws2.append(r)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    assert load(path, as_of="2025-06-30").applications["company"].tolist() == ["A", "B"]
    assert load(path, sheet="2025", as_of="2025-06-30").applications[
        "company"].tolist() == ["C"]


def test_bad_as_of(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied\nA,2025-01-02\n")
    with pytest.raises(InputError, match="as_of"):
        load(path, as_of="someday")


def test_duplicate_ids_made_unique(tmp_path: Path) -> None:
    path = write(tmp_path,
                 "id,Company,Date applied\n7,A,2025-01-02\n7,B,2025-01-03\n8,C,2025-01-04\n")
    res = load(path, as_of="2025-06-30")
    assert res.applications["application_id"].tolist() == ["t.csv:2", "t.csv:3", "8"]
    assert (res.report.issues["reason"].str.contains("duplicate id '7'")).sum() == 2


def test_every_dropped_row_is_reported(tmp_path: Path) -> None:
    lines = ["Company,Date applied,Status"] + [
        f"C{i},{'2025-01-%02d' % (i + 1) if i % 3 else ''},{'Saved' if i % 5 == 0 else 'Applied'}"
        for i in range(20)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    res = load(path, as_of="2025-06-30")
    # rows with i % 3 == 0 or i % 5 == 0 are not applications: counted by hand = 9
    assert len(res.applications) + res.report.dropped == 20
    assert res.report.dropped == 9
    assert res.report.issues.query("severity == 'dropped'")["row"].is_unique


def test_hidden_sheet_not_chosen(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Old"
    for r in [["Company", "Date applied"]] + [[f"H{i}", "2024-01-02"] for i in range(5)]:
        ws.append(r)
    ws.sheet_state = "hidden"
    ws2 = wb.create_sheet("Current")
    for r in [["Company", "Date applied"], ["A", "2025-01-02"]]:
        ws2.append(r)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    res = load(path, as_of="2025-06-30")
    assert res.applications["company"].tolist() == ["A"]
    assert any("hidden sheet(s) 'Old'" in n for n in res.report.notes)


def test_dropped_row_sharing_an_id_leaves_no_events(tmp_path: Path) -> None:
    path = write(tmp_path, "id,Company,Date applied,Status,Reply date\n"
                           "7,A,2025-01-02,Rejected,2025-01-09\n"
                           "7,B,2025-01-03,Saved,2025-01-04\n")
    res = load(path, as_of="2025-06-30")
    assert res.applications["application_id"].tolist() == ["7"]
    assert res.events[["kind", "date"]].values.tolist() == [
        ["applied", pd.Timestamp("2025-01-02")], ["reply", pd.Timestamp("2025-01-09")]]


def test_applied_after_as_of_dropped_and_duplicates_warned(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Job title,Date applied\n"
                           "A,Analyst,2025-01-02\nA,Analyst,2025-01-02\n"
                           "B,Analyst,2031-01-15\nC,東京データ,2025-06-30\n")
    res = load(path, as_of="2025-06-30")
    assert res.applications["company"].tolist() == ["A", "A", "C"]
    assert res.applications["title"].iat[2] == "東京データ"  # non-Latin text is not "missing"
    iss = res.report.issues
    assert iss[["row", "severity"]].values.tolist() == [[3, "warning"], [4, "dropped"]]
    assert "duplicate of row 2" in iss["reason"].iat[0] and "2031-01-15" in iss["reason"].iat[1]


def test_other_application_sheets_are_named_as_not_loaded(tmp_path: Path) -> None:
    # A sheet per month: only one is read; the others must not vanish silently.
    wb = openpyxl.Workbook()
    for k, (name, n) in enumerate([("Jan", 3), ("Feb", 5), ("Mar", 2)]):
        ws = wb.active if k == 0 else wb.create_sheet(name)
        ws.title = name
        ws.append(["Company", "Date applied", "Status"])
        for i in range(n):
            ws.append([f"{name}{i}", f"2025-0{k + 1}-{i + 1:02d}", "Applied"])
    # Follow-up and contact sheets with a bare "Date" are not application tables.
    for name, header in [("Follow-ups", ["Company", "Job title", "Date", "Channel"]),
                         ("Contacts", ["Name", "Company", "Date", "Email"])]:
        ws = wb.create_sheet(name)
        ws.append(header)
        ws.append(["Feb0", "Dev", "2025-02-10", "Email"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    res = load(path, as_of="2025-06-30")
    assert len(res.applications) == 5
    line = next(n for n in res.report.notes if n.startswith("NOT loaded"))
    assert "'Jan' (3 rows)" in line and "'Mar' (2 rows)" in line and "sheet=" in line
    assert "Follow-ups" not in line and "Contacts" not in line
    assert line in res.report.warnings  # a warning, not only a note


def test_override_naming_an_absent_header_says_so(tmp_path: Path) -> None:
    # Was: "no header row of a job-application table found", which hides the typo.
    # (Headers in no vocabulary: German ones such as "Beworben am" are known now.)
    path = write(tmp_path, "Laden,Zeitpunkt der Sendung\nA,01.03.2025\n")
    with pytest.raises(HeaderNotFoundError) as err:
        load(path, columns={"applied_on": "Zeitpunkt"})
    msg = str(err.value)
    assert "t.csv" in msg and "'Zeitpunkt'" in msg and "not in the first" in msg
    assert "'Zeitpunkt der Sendung'" in msg  # shows what the file has


def test_yes_no_applied_column_explained(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Applied,Status\nA,Yes,Rejected\nB,x,Applied\n")
    with pytest.raises(MissingColumnError) as err:
        load(path)
    assert "'Applied' holds yes/no values, not dates" in str(err.value)


def test_header_without_rows_is_noted(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Status\n")
    res = load(path, as_of="2025-06-30")
    assert len(res.applications) == 0
    assert any("no rows below the header" in n for n in res.report.notes)


def test_trailing_summary_lines_reported_as_such(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Status\n"
                           "A,3/3/2025,Rejected\nTotal Energies,,Applied\n,,\n"
                           "Total,2,\nResponse rate,50%,\n")
    res = load(path, as_of="2025-06-30")
    iss = res.report.issues
    assert iss["row"].tolist() == [3, 5, 6] and (iss["severity"] == "dropped").all()
    assert iss["reason"].tolist() == [
        "no applied date; row excluded",
        ("looks like a summary line ('Total'), not an application: "
         "applied date '2' not understood; row excluded"),
        ("looks like a summary line ('Response rate'), not an application: "
         "applied date '50%' not understood; row excluded"),
    ]
