"""Each supported format loads into the canonical tables (fixtures written to tmp_path)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import REAL_TRACKER, write_xlsx

from jobstats.io import LoadReport, LoadResult, load, load_many
from jobstats.schema import APPLICATION_COLUMNS, EVENT_COLUMNS, STAGES, STATUSES

REAL = REAL_TRACKER
AS_OF = "2025-06-30"


def write_csv(path: Path, rows: list[list[object]], *, sep: str = ",",
              encoding: str = "utf-8") -> Path:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def check_canonical(res: LoadResult) -> None:
    """Invariants every load must satisfy."""
    a, e = res.applications, res.events
    assert tuple(a.columns[: len(APPLICATION_COLUMNS)]) == APPLICATION_COLUMNS
    assert tuple(e.columns) == EVENT_COLUMNS
    assert a["application_id"].is_unique
    assert a["applied_on"].notna().all()
    assert a["stage"].isin(STAGES).all() and a["status"].isin(STATUSES).all()
    assert set(e["application_id"]) <= set(a["application_id"])
    applied = e[e["kind"] == "applied"]
    assert len(applied) == len(a)
    assert a["followed_up"].tolist() == a["application_id"].isin(
        e.loc[e["kind"] == "follow_up", "application_id"]).tolist()
    assert isinstance(res.report, LoadReport)


# --- the real tracker ------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> LoadResult:
    return load(REAL, as_of="2023-03-13")


def test_real_tracker_counts_and_mapping(real: LoadResult) -> None:
    check_canonical(real)
    a = real.applications
    assert len(a) == 177 and real.report.dropped == 0
    m = dict(zip(real.report.mapping["field"], real.report.mapping["header"]))
    assert m["applied_on"] == "Date sent"
    assert m["first_reply_on"] == "Date of 1st Response"
    assert m["status"] == "Response?"
    assert m["interview_on"] == "Date Interview"
    # Values taken from the file by eye: row 2 is Monterey County, sent 11/14/2021,
    # rejected 11/30/2021.
    first = a.iloc[0]
    assert first["company"] == "Monterey County" and first["row"] == 2
    assert first["applied_on"] == pd.Timestamp("2021-11-14")
    assert first["first_reply_on"] == pd.Timestamp("2021-11-30")
    assert first["status"] == "rejected" and first["reply_kind"] == "rejection"


def test_real_tracker_dates_are_month_first(real: LoadResult) -> None:
    decisions = " ".join(real.report.date_decisions)
    assert "Date sent: M/D/Y" in decisions
    # 11/30/2021 can only be M/D/Y, and was read so.
    assert (real.applications["applied_on"].dt.month == 11).sum() > 0


def test_real_tracker_statuses(real: LoadResult) -> None:
    a = real.applications
    table = a.groupby("status_raw")["status"].agg(set).to_dict()
    assert table == {"Ghosted": {"no_response"}, "Rejected": {"rejected"},
                     "Interview": {"interview"}, "Inter + Rejec": {"rejected"},
                     "Offer": {"offer"}, "Position Removed": {"closed"}}
    assert set(a.loc[a["status_raw"] == "Inter + Rejec", "stage"]) == {"interview"}
    assert set(a.loc[a["status_raw"] == "Offer", "stage"]) == {"offer"}
    # 64 rows have a reply date (counted with pandas directly on the file).
    raw = pd.read_csv(REAL, dtype=str, keep_default_na=False)
    assert a["first_reply_on"].notna().sum() == (raw["Date of 1st Response"] != "").sum() == 64


def test_real_tracker_reports_ref_and_ghosted_contradiction(real: LoadResult) -> None:
    iss = real.report.issues
    ref = iss[iss["reason"].str.contains("#REF!")]
    assert ref[["row", "column", "severity"]].values.tolist() == [[110, "Days Since", "warning"]]
    ghost = iss[iss["reason"].str.contains("Ghosted")]
    assert ghost["row"].tolist() == [63]
    a = real.applications.set_index("row")
    assert a.loc[63, "stage"] == "replied" and a.loc[63, "status"] == "no_response"
    assert a.loc[63, "first_reply_on"] == pd.Timestamp("2022-09-23")
    assert any("#REF!" in w for w in real.report.warnings)


# --- exports of tracking tools ---------------------------------------------


def test_linkedin_export(tmp_path: Path) -> None:
    rows = [["Application Date", "Contact Email", "Contact Phone Number", "Company Name",
             "Job Title", "Job Url", "Resume Name", "Question And Answers"],
            ["6/18/22, 5:28 AM", "me@x.com", "", "Acme", "Data Analyst", "https://l/1", "cv.pdf",
             ""],
            ["5/2/22, 11:05 PM", "me@x.com", "", "Beta", "Engineer", "https://l/2", "cv.pdf", ""]]
    res = load(write_csv(tmp_path / "Job Applications.csv", rows), as_of=AS_OF)
    check_canonical(res)
    assert res.report.format == "linkedin"
    a = res.applications
    assert a["applied_on"].tolist() == [pd.Timestamp("2022-06-18 05:28"),
                                        pd.Timestamp("2022-05-02 23:05")]
    assert (a["status"] == "applied").all() and a["first_reply_on"].isna().all()
    assert any("no status or reply" in n for n in res.report.notes)


def test_huntr_export_uses_created_at_and_drops_wishlist(tmp_path: Path) -> None:
    head = ["id", "createdAt", "title", "salary", "location", "url", "rootDomain", "deadline",
            "lastMovedAt", "boardId", "boardName", "listId", "listName", "companyId",
            "companyName"]
    rows = [head,
            ["h1", "2022-03-01 10:00:00", "Analyst", "-", "-", "-", "-", "-",
             "2022-03-05 09:00:00", "b", "Search", "l1", "applied", "c1", "Acme"],
            ["h2", "2022-03-02 11:30:00", "Engineer", "-", "-", "-", "-", "-",
             "2022-03-09 09:00:00", "b", "Search", "l2", "interview", "c2", "Beta"],
            ["h3", "2022-03-03 08:00:00", "Scientist", "-", "-", "-", "-", "-",
             "2022-03-03 08:00:00", "b", "Search", "l0", "wishlist", "c3", "Gamma"]]
    res = load(write_csv(tmp_path / "huntr.csv", rows), as_of=AS_OF)
    check_canonical(res)
    assert res.report.format == "huntr"
    a = res.applications
    assert a["application_id"].tolist() == ["h1", "h2"]
    assert a["applied_on"].tolist() == [pd.Timestamp("2022-03-01 10:00"),
                                        pd.Timestamp("2022-03-02 11:30")]
    assert a["stage"].tolist() == ["applied", "interview"]
    assert any("createdAt" in n and "Huntr" in n for n in res.report.notes)
    dropped = res.report.issues.query("severity == 'dropped'")
    assert dropped["row"].tolist() == [4] and "wishlist" in dropped["reason"].iat[0]
    assert res.report.dropped == 1


def test_teal_export_json_status_and_follow_up_plan(tmp_path: Path) -> None:
    rows = [["id", "company_name", "role", "location", "url", "excitement", "source",
             "min_salary", "max_salary", "salary_currency", "salary_pay_period", "added_at",
             "applied_at", "follow_up_at", "updated_at", "archived_at", "status"],
            ["t1", "Acme", "Analyst", "", "", "3", "LinkedIn", "", "", "", "", "2024-01-02",
             "2024-01-03T10:00:00Z", "2024-01-10", "2024-01-10", "", '{"name": "Applied"}'],
            ["t2", "Beta", "PM", "", "", "5", "Referral", "", "", "", "", "2024-01-04",
             "2024-01-05T09:00:00Z", "", "2024-02-01", "", '{"name": "Interviewing"}']]
    res = load(write_csv(tmp_path / "jobtracker-roles-2024.csv", rows), as_of=AS_OF)
    check_canonical(res)
    assert res.report.format == "teal"
    a = res.applications
    assert a["status"].tolist() == ["applied", "interview"]
    assert a["source"].tolist() == ["linkedin", "referral"]
    # Time zone dropped, wall-clock time kept.
    assert a["applied_on"].iat[0] == pd.Timestamp("2024-01-03 10:00")
    # follow_up_at is a reminder: not a follow-up.
    assert not a["followed_up"].any()
    assert (res.events["kind"] == "follow_up").sum() == 0
    assert any("reminder" in n for n in res.report.notes)


def test_simplify_export(tmp_path: Path) -> None:
    rows = [["Job Title", "Company Name", "Job URL", "Applied Date", "Status", "Status Date",
             "Archived", "Date Archived", "Notes"],
            ["Analyst", "Acme", "u", "2024-05-01", "APPLIED", "2024-05-01", "N/A", "N/A", ""],
            ["Engineer", "Beta", "u", "2024-05-02", "REJECTED", "2024-05-20", "N/A", "N/A", "x"],
            ["PM", "Gamma", "u", "N/A", "SAVED", "2024-05-03", "N/A", "N/A", ""],
            ["DS", "Delta", "u", "2024-05-04", "WITHDRAWN", "2024-05-06", "N/A", "N/A", ""]]
    res = load(write_csv(tmp_path / "simplify.csv", rows), as_of=AS_OF)
    check_canonical(res)
    assert res.report.format == "simplify"
    a = res.applications.set_index("company")
    assert list(a.index) == ["Acme", "Beta", "Delta"]
    assert a.loc["Beta", "first_reply_on"] == pd.Timestamp("2024-05-20")
    assert a.loc["Beta", "reply_kind"] == "rejection"
    assert a.loc["Delta", "status"] == "withdrawn"
    assert res.report.issues.query("severity == 'dropped'")["row"].tolist() == [4]


def test_careerflow_xlsx_serial_dates(tmp_path: Path) -> None:
    # 45292 = 2024-01-01 and 45306 = 2024-01-15 in Excel's 1900 system.
    rows = [["Id", "Company Name", "Job Title", "Status", "Date Added (UTC)",
             "Date Applied (UTC)", "Date Interviewed (UTC)", "Date Offered (UTC)",
             "Date Rejected (UTC)", "Created By", "Location", "Salary", "Job Link", "Source",
             "Tags"],
            [1, "Acme", "Analyst", "Rejected", 45290, 45292, None, None, 45306, "me", "", "",
             "", "Indeed", ""],
            [2, "Beta", "Engineer", "Interviewing", 45291, 45293.5, 45300, None, None, "me", "",
             "", "", "Company website", ""]]
    res = load(write_xlsx(tmp_path / "jobs_export.xlsx", {"Jobs": rows}), as_of=AS_OF)
    check_canonical(res)
    assert res.report.format == "careerflow"
    a = res.applications
    assert a["application_id"].tolist() == ["1", "2"]
    assert a["applied_on"].tolist() == [pd.Timestamp("2024-01-01"),
                                        pd.Timestamp("2024-01-02 12:00")]
    assert a["first_reply_on"].tolist() == [pd.Timestamp("2024-01-15"),
                                            pd.Timestamp("2024-01-09")]
    assert a["reply_kind"].tolist() == ["rejection", "interview"]
    assert a["source"].tolist() == ["job board", "company site"]
    assert any("serial" in d for d in res.report.date_decisions)


def test_jobstats_template_maps_without_columns(tmp_path: Path) -> None:
    head = ["Company", "Job title", "Source", "Date applied", "Status", "Date of first reply",
            "Reply kind", "Follow-up 1 date", "Follow-up 1 channel", "Follow-up 2 date",
            "Follow-up 2 channel", "Interview date", "Thank-you sent", "Offer date",
            "Rejection date", "Notes"]
    d = dt.datetime
    rows = [head,
            ["Acme", "Analyst", "Referral", d(2025, 3, 3), "Interview", d(2025, 3, 20),
             "interview", d(2025, 3, 14), "Email", d(2025, 3, 19), "Phone call", d(2025, 3, 25),
             d(2025, 3, 25, 18), None, None, "good"],
            ["Beta", "Engineer", "Company site", d(2025, 3, 4), "Rejected", d(2025, 3, 8),
             "rejection", None, None, None, None, None, None, None, d(2025, 3, 8), None]]
    path = write_xlsx(tmp_path / "template.xlsx",
                      {"Instructions": [["How to use this template"], ["Fill one row per job"]],
                       "Applications": rows})
    res = load(path, as_of=AS_OF)
    check_canonical(res)
    assert res.report.format == "jobstats template"
    assert res.report.sheets == ["Applications"]
    mapped = set(res.report.mapping["header"])
    assert mapped >= set(head) - {"Follow-up 1 channel", "Follow-up 2 channel"}
    # The empty "Offer date" column is still mapped, so not listed as ignored.
    assert res.report.extras == [] and res.report.ignored == []
    ev = res.events[res.events["application_id"] == res.applications["application_id"].iat[0]]
    fu = ev[ev["kind"] == "follow_up"]
    assert fu["date"].tolist() == [pd.Timestamp("2025-03-14"), pd.Timestamp("2025-03-19")]
    assert fu["channel"].tolist() == ["email", "phone"]
    assert ev["kind"].tolist() == ["applied", "follow_up", "follow_up", "reply", "interview",
                                   "thank_you"]


def test_personal_xlsx_title_row_blank_rows_two_sheets(tmp_path: Path) -> None:
    d = dt.datetime
    apps = [["My job search 2025"], [],
            ["Company", "Role", "Date Applied", "Status", "Notes", "Notes"],
            ["Acme", "Analyst", d(2025, 3, 1), "Applied", "n1", "n2"],
            [],
            ["Beta", "Engineer", "14/03/2025", "Phone screen", None, None],
            ["Gamma", "DS", "02/04/2025", "Ghosted", None, None],
            [None, None, None, None, None, None]]
    contacts = [["Name", "Email", "Company"], ["Bob", "b@x.com", "Acme"]]
    follow = [["Company", "Role", "Follow-up date", "Via"],
              ["Beta", "Engineer", "21/03/2025", "LinkedIn"]]
    path = write_xlsx(tmp_path / "mine.xlsx", {"Contacts": contacts, "Applications": apps,
                                               "Follow-ups": follow})
    res = load(path, as_of=AS_OF)
    check_canonical(res)
    assert res.report.sheets == ["Applications", "Follow-ups"]
    fu = res.events[res.events["kind"] == "follow_up"]
    assert fu[["application_id", "date", "channel"]].values.tolist() == [
        ["Applications:6", pd.Timestamp("2025-03-21"), "linkedin"]]
    a = res.applications
    assert a["row"].tolist() == [4, 6, 7]  # title row, blank row 2 and blank row 5 counted
    assert a["application_id"].tolist() == ["Applications:4", "Applications:6",
                                            "Applications:7"]
    # 14/03 proves D/M for the text dates of the column.
    assert a["applied_on"].tolist() == [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-14"),
                                        pd.Timestamp("2025-04-02")]
    assert a["stage"].tolist() == ["applied", "screen", "applied"]
    assert "Notes.1" in a.columns and a["Notes.1"].iat[0] == "n2"
    assert res.report.issues["reason"].str.contains("duplicate header 'Notes'").any()
    assert any("row 3" in n for n in res.report.notes)


def test_semicolon_cp1252_csv(tmp_path: Path) -> None:
    rows = [["Société", "Poste", "Date de candidature", "Statut"],
            ["Crédit Agricole", "Analyste", "01.03.2025", "Refusé"]]
    path = write_csv(tmp_path / "fr.csv", rows, sep=";", encoding="cp1252")
    res = load(path, as_of=AS_OF, columns={"company": "Société", "title": "Poste",
                                           "applied_on": "Date de candidature",
                                           "status": "Statut"})
    check_canonical(res)
    a = res.applications
    assert a["company"].iat[0] == "Crédit Agricole"
    assert a["applied_on"].iat[0] == pd.Timestamp("2025-03-01")  # D.M.Y
    assert any("cp1252" in n and "semicolon" in n for n in res.report.notes)


def test_utf16_tsv(tmp_path: Path) -> None:
    rows = [["Company", "Position", "Date applied", "Status"],
            ["Zürich Ins", "Analyst", "2025-03-01", "Applied"],
            ["Beta", "Eng", "2025-03-02", "Rejected"]]
    path = write_csv(tmp_path / "export.tsv", rows, sep="\t", encoding="utf-16")
    res = load(path, as_of=AS_OF)
    check_canonical(res)
    assert res.applications["company"].tolist() == ["Zürich Ins", "Beta"]
    assert any("utf-16" in n and "tab" in n for n in res.report.notes)


def test_unknown_extension_sniffed(tmp_path: Path) -> None:
    rows = [["Company", "Date applied"], ["Acme", "2025-03-01"]]
    txt = write_csv(tmp_path / "tracker.export", rows)
    assert len(load(txt, as_of=AS_OF).applications) == 1
    xl = write_xlsx(tmp_path / "book.xlsx", {"S": rows})
    renamed = xl.rename(tmp_path / "book.data")
    assert load(renamed, as_of=AS_OF).applications["company"].tolist() == ["Acme"]


def test_ods_workbook(tmp_path: Path) -> None:
    df = pd.DataFrame({"Company": ["Acme"], "Date applied": ["2025-03-01"]})
    path = tmp_path / "t.ods"
    df.to_excel(path, index=False, engine="odf")
    res = load(path, as_of=AS_OF)
    assert res.applications["applied_on"].tolist() == [pd.Timestamp("2025-03-01")]


def test_input_file_unchanged(tmp_path: Path) -> None:
    d = dt.datetime
    path = write_xlsx(tmp_path / "t.xlsx", {"A": [["Company", "Date applied", "X"],
                                                  ["Acme", d(2025, 1, 2), "#REF!"]]})
    csv_path = write_csv(tmp_path / "t.csv", [["Company", "Date applied"], ["A", "1/2/2025"]])
    before = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
              for p in (path, csv_path)}
    load(path, as_of=AS_OF)
    load(csv_path, as_of=AS_OF)
    after = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
             for p in (path, csv_path)}
    assert before == after


def test_xlsx_error_cells_are_reported(tmp_path: Path) -> None:
    # openpyxl writes "#REF!" as an error cell; calamine would blank it, so the
    # loader must fall back to a reader that keeps it.
    path = write_xlsx(tmp_path / "t.xlsx", {"A": [["Company", "Date applied"],
                                                  ["Acme", "#REF!"], ["Beta", "2025-01-02"]]})
    res = load(path, as_of=AS_OF)
    iss = res.report.issues
    assert iss[["row", "severity"]].values.tolist() == [[2, "warning"], [2, "dropped"]]
    assert iss["reason"].str.contains("#REF!").all()


def test_load_many_prefixes_ids_and_sets_client(tmp_path: Path) -> None:
    a = write_csv(tmp_path / "alice.csv", [["Company", "Date applied"], ["A", "2025-01-02"]])
    b = write_csv(tmp_path / "bob.csv", [["Company", "Date applied", "Status"],
                                         ["B", "2025-01-03", "wishlist"],
                                         ["C", "2025-01-04", "Rejected"]])
    res = load_many([a, b], as_of=AS_OF)
    check_canonical(res)
    assert res.applications["client"].tolist() == ["alice", "bob"]
    assert res.applications["application_id"].tolist() == ["alice/alice.csv:2",
                                                            "bob/bob.csv:3"]
    assert res.report.dropped == 1
    assert set(res.report.issues["file"]) == {"bob.csv"}
    assert len(res.report.files) == 2


def test_report_text_and_html(real: LoadResult) -> None:
    text = str(real.report)
    assert "Date sent" in text and "177" in text
    html = real.report._repr_html_()
    assert "<table" in html and "Date sent" in html
    assert isinstance(real.report.warnings, list) and all(
        isinstance(w, str) for w in real.report.warnings)


def test_template_module_round_trip(tmp_path: Path) -> None:
    template = pytest.importorskip("jobstats.template")
    path = template.write_template(tmp_path / "tracker.xlsx")
    empty = load(path, as_of=AS_OF)
    assert len(empty.applications) == 0 and empty.report.format == "jobstats template"
    wb = openpyxl.load_workbook(path)
    ws = wb[template.APPLICATIONS_SHEET]
    values = {"Company": "Acme", "Date applied": dt.datetime(2025, 2, 3), "Status": "Rejected",
              "Follow-up 1 date": dt.datetime(2025, 2, 10), "Follow-up 1 channel": "Phone",
              "Rejection date": dt.datetime(2025, 2, 12)}
    ws.append([values.get(h) for h in template.HEADERS])
    wb.save(path)
    res = load(path, as_of=AS_OF)
    check_canonical(res)
    assert set(res.report.mapping["header"]) == set(template.HEADERS)
    assert res.report.extras == []
    a = res.applications
    assert a["first_reply_on"].tolist() == [pd.Timestamp("2025-02-12")]
    assert a["reply_kind"].tolist() == ["rejection"] and a["followed_up"].tolist() == [True]
    assert res.events.loc[res.events["kind"] == "follow_up", "channel"].tolist() == ["phone"]
