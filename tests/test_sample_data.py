"""Tests of the bundled synthetic sample data and scripts/make_sample_data.py.

The expected numbers here come from the simulator's own tables (the "truth"
the files are written from), from reading the written files independently with
openpyxl / csv, and from hand-checked formats, never from the loader under test.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
AS_OF = pd.Timestamp("2025-06-30")


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location(
        "make_sample_data", ROOT / "scripts" / "make_sample_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(script, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    script.generate(out)
    return out


@pytest.fixture(scope="module")
def truth(script):
    """The simulated canonical tables behind my_tracker.xlsx."""
    return script.my_tracker_tables()


def _files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


def _cells(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


# --- reproducibility ---------------------------------------------------------


def test_generation_is_deterministic(script, generated, tmp_path):
    script.generate(tmp_path)
    first, second = _files(generated), _files(tmp_path)
    assert sorted(first) == sorted(second)
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name  # xlsx included


def test_committed_files_are_what_the_script_writes(generated):
    fresh, committed = _files(generated), _files(SAMPLE)
    assert sorted(fresh) == sorted(committed)
    for name, path in fresh.items():
        if name.endswith(".xlsx"):
            # Bytes depend on the openpyxl version; the cells must not.
            assert _cells(path) == _cells(committed[name]), name
        else:
            assert path.read_bytes() == committed[name].read_bytes(), name


def test_package_ships_the_sample_tracker():
    from jobstats.datasets import sample_tracker_path

    path = sample_tracker_path()
    assert path.name == "my_tracker.xlsx"
    assert path.read_bytes() == (SAMPLE / "my_tracker.xlsx").read_bytes()


# --- realism of the personal tracker (truth tables) ----------------------------


def test_reply_share_and_sources(truth):
    apps, _ = truth
    replied = apps["first_reply_on"].notna()
    assert len(apps) == 250
    assert 0.25 <= replied.mean() <= 0.35
    by_source = replied.groupby(apps["source"]).mean()
    assert by_source["referral"] > 2 * by_source["linkedin easy apply"]
    assert apps["applied_on"].min() >= pd.Timestamp("2025-01-06")
    assert apps["applied_on"].max() <= pd.Timestamp("2025-06-30")
    # some applications are still waiting on the as-of date
    recent = apps["applied_on"] > AS_OF - pd.Timedelta(days=14)
    assert ((apps["status"] == "applied") & ~replied & recent).sum() >= 5


def test_timing_shapes(truth):
    apps, events = truth
    replied = apps["first_reply_on"].notna()
    delay = (apps["first_reply_on"] - apps["applied_on"]).dt.days[replied]
    assert delay.median() <= 7  # most replies within days
    assert delay.max() >= 30  # ... with a long tail
    applied = apps.set_index("application_id")["applied_on"]
    fu = events[events["kind"] == "follow_up"]
    fu_delay = (fu["date"] - fu["application_id"].map(applied)).dt.days
    assert fu_delay.nunique() >= 10  # follow-ups at varied delays
    assert set(fu["channel"]) >= {"email", "phone", "linkedin"}
    assert (fu["date"] <= AS_OF).all()
    interviews = events[events["kind"] == "interview"].groupby("application_id")["date"].min()
    ty = events[events["kind"] == "thank_you"].groupby("application_id")["date"].min()
    ty_delay = (ty - interviews.reindex(ty.index)).dt.days
    assert ty_delay.nunique() >= 3  # thank-you notes at varied delays
    assert len(interviews) >= 10
    assert 1 <= (events["kind"] == "offer").sum() <= 15


# --- the personal workbook as written, read back independently -------------------


@pytest.fixture(scope="module")
def tracker_rows():
    wb = openpyxl.load_workbook(SAMPLE / "my_tracker.xlsx")
    return wb


def test_tracker_layout(tracker_rows, script):
    wb = tracker_rows
    assert wb.sheetnames == ["Applications", "Contacts"]
    ws = wb["Applications"]
    assert ws["A1"].value == "Job search 2025 — synthetic sample"
    assert all(c.value is None for c in ws[2])
    assert [c.value for c in ws[3]] == [
        "Company", "Role", "Source", "Date Applied", "Status", "Response date", "Follow-up 1",
        "Follow-up 1 via", "Follow-up 2", "Interview date", "Thank-you sent", "Notes", "Referral?",
    ]
    data = list(ws.iter_rows(min_row=4))
    blank = [r for r in data if all(c.value is None for c in r)]
    filled = [r for r in data if any(c.value is not None for c in r)]
    assert len(blank) == 2 and len(filled) == 250
    for row in filled:
        applied = row[3]
        assert isinstance(applied.value, datetime) and applied.is_date
        assert "yy" in applied.number_format
    statuses = {r[4].value for r in filled}
    assert {"Applied", "Ghosted", "Rejected"} <= statuses
    assert statuses <= {"Applied", "Ghosted", "Rejected", "Phone screen", "Interviewing",
                        "Offer", "Accepted", "Declined offer"}
    contacts = list(wb["Contacts"].iter_rows(values_only=True))
    assert contacts[0][:2] == ("Name", "Company") and len(contacts) == 9
    assert wb.properties.created == wb.properties.modified == datetime(2025, 7, 1)


def test_tracker_cells_match_truth(tracker_rows, truth):
    apps, events = truth
    rows = [r for r in tracker_rows["Applications"].iter_rows(min_row=4, values_only=True)
            if any(v is not None for v in r)]
    sheet = pd.DataFrame(rows, columns=[c.value for c in tracker_rows["Applications"][3]])
    t = apps.set_index(["company", "title"])
    s = sheet.set_index(["Company", "Role"])
    assert s.index.is_unique and set(s.index) == set(t.index)
    s = s.loc[t.index]
    assert (pd.to_datetime(s["Date Applied"]).to_numpy() == t["applied_on"].to_numpy()).all()
    assert (s["Response date"].notna().to_numpy() == t["first_reply_on"].notna().to_numpy()).all()
    got = pd.to_datetime(s["Response date"]).dropna()
    assert (got.to_numpy() == t.loc[got.index, "first_reply_on"].to_numpy()).all()
    assert list(s["Status"]) == list(t["status_raw"])
    assert ((s["Referral?"] == "Yes").to_numpy() == (t["source"] == "referral").to_numpy()).all()
    # Sent follow-ups as in the truth; planned ones only after the as-of date.
    fu1 = pd.to_datetime(s["Follow-up 1"])
    sent = fu1[fu1 <= AS_OF]
    n_fu = sent.size + s["Follow-up 2"].notna().sum()
    assert n_fu == (events["kind"] == "follow_up").sum()
    planned = fu1[fu1 > AS_OF]
    assert len(planned) == 5
    assert (s.loc[planned.index, "Status"] == "Applied").all()
    assert (s.loc[planned.index, "Notes"] == "follow up next week").all()


# --- LinkedIn export --------------------------------------------------------------

# M/D/YY, H:MM AM: month, day and hour without a leading zero
_LINKEDIN_DATE = re.compile(
    r"^([1-9]|1[0-2])/([1-9]|[12]\d|3[01])/\d\d, ([1-9]|1[0-2]):[0-5]\d [AP]M$"
)


def test_linkedin_export_shape(script):
    text = (SAMPLE / "linkedin" / "Job Applications.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Application Date", "Contact Email", "Contact Phone Number", "Company Name",
                       "Job Title", "Job Url", "Resume Name", "Question And Answers"]
    body = rows[1:]
    assert len(body) == 180
    bad = [r[0] for r in body if not _LINKEDIN_DATE.match(r[0])]
    assert not bad, bad[:3]
    stamps = pd.to_datetime([r[0] for r in body], format="%m/%d/%y, %I:%M %p")
    assert not stamps.is_monotonic_increasing and not stamps.is_monotonic_decreasing
    assert stamps.min() >= pd.Timestamp("2025-01-13") and stamps.max() < AS_OF
    assert stamps.hour.nunique() > 5  # times of day vary, AM and PM
    apps, _ = script.linkedin_tables()
    assert sorted(stamps.normalize()) == sorted(apps["applied_on"])


# --- clients ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifest():
    return pd.read_csv(SAMPLE / "manifest.csv")


def test_clients_folder(manifest):
    clients = manifest[manifest["file"].str.startswith("clients/")]
    assert len(clients) == 10
    assert clients["applications"].between(40, 200).all()
    assert clients["seed"].is_unique
    assert {p.name for p in (SAMPLE / "clients").iterdir()} == {
        f.removeprefix("clients/") for f in clients["file"]
    }
    assert (manifest["as_of"] == "2025-06-30").all()


def _csv(name: str, *, sep: str = ",", encoding: str = "utf-8") -> list[list[str]]:
    text = (SAMPLE / "clients" / name).read_text(encoding=encoding)
    return list(csv.reader(io.StringIO(text), delimiter=sep))


def test_huntr(manifest):
    rows = _csv("client_01_huntr.csv")
    head, body = rows[0], rows[1:]
    assert head[:3] == ["id", "createdAt", "title"] and "listName" in head
    lists = [r[head.index("listName")] for r in body]
    assert lists.count("wishlist") == 2
    assert len(body) - 2 == 120
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r[1]) for r in body)
    assert any(v == "-" for r in body for v in r)


def test_teal_simplify_formats():
    rows = _csv("client_02_teal.csv")
    head, body = rows[0], rows[1:]
    names = [json.loads(r[head.index("status")])["name"] for r in body]
    assert names.count("Bookmarked") == 2 and len(body) == 82
    assert all(r[head.index("applied_at")] == "" for r, n in zip(body, names) if n == "Bookmarked")
    rows = _csv("client_03_simplify.csv")
    head, body = rows[0], rows[1:]
    assert head == ["Job Title", "Company Name", "Job URL", "Applied Date", "Status", "Status Date",
                    "Archived", "Date Archived", "Notes"]
    status = [r[4] for r in body]
    assert status.count("SAVED") == 2 and len(body) == 152
    assert set(status) <= {"APPLIED", "INTERVIEWING", "OFFER", "REJECTED", "WITHDRAWN", "SAVED"}
    assert all(re.fullmatch(r"2025-\d\d-\d\d|N/A", r[3]) for r in body)


def test_careerflow_serial_dates():
    wb = openpyxl.load_workbook(SAMPLE / "clients" / "client_04_careerflow.xlsx")
    ws = wb.active
    head = [c.value for c in ws[1]]
    assert head[:6] == ["Id", "Company Name", "Job Title", "Status", "Date Added (UTC)",
                        "Date Applied (UTC)"]
    applied = [r[5] for r in ws.iter_rows(min_row=2)]
    values = [c.value for c in applied if c.value is not None]
    assert len(values) == 60
    # Excel serials of 2025 dates, stored as numbers in General cells
    assert all(isinstance(v, float | int) and 45658 <= v <= 45839 for v in values)
    assert all(c.number_format == "General" for c in applied)


def test_followups_sheet_keys():
    wb = openpyxl.load_workbook(SAMPLE / "clients" / "client_05_personal_followups.xlsx")
    assert wb.sheetnames == ["Applications", "Follow-ups"]
    apps = list(wb["Applications"].iter_rows(min_row=2, values_only=True))
    keys = {(r[0], r[1]) for r in apps}
    assert len(keys) == len(apps) == 100
    fus = list(wb["Follow-ups"].iter_rows(values_only=True))
    assert fus[0] == ("Company", "Role", "Follow-up date", "Channel")
    assert all((r[0], r[1]) in keys for r in fus[1:])
    assert {r[3] for r in fus[1:]} <= {"Email", "Phone", "LinkedIn"}


def test_european_and_dmy_csv():
    raw = (SAMPLE / "clients" / "client_06_europe.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really cp1252, with accents
    rows = _csv("client_06_europe.csv", sep=";", encoding="cp1252")
    assert len(rows) == 71 and len(rows[0]) == 9
    assert any(ch in r[0] for r in rows[1:] for ch in "éäöüøå")
    assert all(re.fullmatch(r"\d\d\.\d\d\.2025", r[3]) for r in rows[1:])
    rows = _csv("client_07_personal_dmy.csv")
    head, body = rows[0], rows[1:]
    assert "Followed up?" in head and len(body) == 45
    days = [int(r[3].split("/")[0]) for r in body]
    assert max(days) > 12  # the day comes first, and the data show it
    assert {r[head.index("Followed up?")] for r in body} == {"Yes", "No"}


def test_readme_states_the_truth():
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in text
    assert "scripts/make_sample_data.py" in text
    assert "2025-06-30" in text
    assert "hazard ratio of a reply" in text and "1.6" in text
    for f in pd.read_csv(SAMPLE / "manifest.csv")["file"]:
        assert f"`{f}`" in text


# --- through the loader (written in parallel by another engineer) ---------------


def _tables(result):
    if isinstance(result, tuple):
        return result[0], result[1]
    return result.applications, result.events


@pytest.mark.parametrize(
    "name", pd.read_csv(SAMPLE / "manifest.csv")["file"].tolist()
)
def test_each_sample_file_loads(name, manifest):
    from jobstats.io import load

    apps, _ = _tables(load(SAMPLE / name, as_of="2025-06-30"))
    expected = int(manifest.set_index("file").loc[name, "applications"])
    assert len(apps) == expected


def test_loaded_tracker_matches_truth(truth):
    from jobstats.datasets import load_sample

    apps, events = _tables(load_sample())
    t_apps, t_events = truth
    assert len(apps) == 250
    replied = apps["first_reply_on"].notna()
    assert replied.sum() == t_apps["first_reply_on"].notna().sum()
    assert 0.25 <= replied.mean() <= 0.35
    by_source = replied.groupby(apps["source"]).mean()
    assert by_source["referral"] > by_source["linkedin easy apply"]
    sent = events[(events["kind"] == "follow_up") & (events["date"] <= AS_OF)]
    assert len(sent) == (t_events["kind"] == "follow_up").sum()


# What each format can carry: (file, its truth stem, reply dates?, dated
# follow-ups counted: "all" sent, "first" only, or None).
_CARRIES = [
    ("my_tracker.xlsx", "my_tracker", True, "all"),
    ("clients/client_05_personal_followups.xlsx", "client_05_personal_followups", True, "all"),
    ("clients/client_06_europe.csv", "client_06_europe", True, "first"),
    ("clients/client_07_personal_dmy.csv", "client_07_personal_dmy", True, None),
    ("clients/client_09_template.xlsx", "client_09_template", True, "all"),
    ("clients/client_10_google_sheet.csv", "client_10_google_sheet", False, "first"),
]


@pytest.mark.parametrize(("name", "stem", "replies", "followups"), _CARRIES)
def test_loaded_file_agrees_with_truth(name, stem, replies, followups):
    from jobstats.io import load

    apps, events = _tables(load(SAMPLE / name, as_of="2025-06-30"))
    t_apps = pd.read_csv(SAMPLE / "truth" / f"{stem}_applications.csv")
    t_events = pd.read_csv(SAMPLE / "truth" / f"{stem}_events.csv", parse_dates=["date"])
    assert apps["followed_up"].sum() == t_apps["followed_up"].sum()
    # statuses were written in the owner's words from the truth's statuses
    # (my_tracker: "Declined offer" is the applicant withdrawing)
    assert apps["status"].value_counts().to_dict() == t_apps["status"].value_counts().to_dict()
    if replies:
        assert apps["first_reply_on"].notna().sum() == t_apps["first_reply_on"].notna().sum()
    sent = events[(events["kind"] == "follow_up") & (events["date"] <= AS_OF)]
    if followups == "all":
        assert len(sent) == (t_events["kind"] == "follow_up").sum()
    elif followups == "first":
        assert len(sent) == t_apps["followed_up"].sum()


def test_template_client_promised_call_backs_load_as_written():
    # The template client's "Call-back promised by" column: the loader recovers
    # the truth table's callback_due_on for every application, and a
    # callback_due event for those whose day is not after the as-of date.
    from jobstats import load

    res = load(SAMPLE / "clients" / "client_09_template.xlsx", as_of=AS_OF)
    truth = pd.read_csv(SAMPLE / "truth" / "client_09_template_applications.csv",
                        parse_dates=["applied_on", "callback_due_on"])
    got = res.applications.sort_values("applied_on", kind="stable")["callback_due_on"]
    want = truth.sort_values("applied_on", kind="stable")["callback_due_on"]
    assert want.notna().sum() > 5
    assert got.notna().sum() == want.notna().sum()
    assert sorted(got.dropna()) == sorted(want.dropna())
    events = pd.read_csv(SAMPLE / "truth" / "client_09_template_events.csv", parse_dates=["date"])
    want_ev = events.loc[events["kind"] == "callback_due", "date"]
    got_ev = res.events.loc[res.events["kind"] == "callback_due", "date"]
    assert sorted(got_ev) == sorted(want_ev) and (want_ev <= AS_OF).all()
