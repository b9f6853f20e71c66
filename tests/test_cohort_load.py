"""A coach's folder: each file one client, mixed formats, bad files skipped and listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import jobstats
from jobstats.cli import main
from jobstats.io import load_many
from jobstats.schema import InputError

AS_OF = "2025-06-30"
SAMPLE_CLIENTS = Path(__file__).resolve().parents[1] / "data" / "sample" / "clients"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "clients"
    d.mkdir()
    write(d / "ann.csv", "Company,Date applied,Status\nA,2025-01-02,Rejected\nB,2025-01-09,Applied\n")
    # semicolons and day-first dates: another format in the same folder
    write(d / "ben.csv", "Company;Applied;Status\nC;14.01.2025;Interview\n")
    write(d / "broken.xlsx", "this is not a workbook")
    write(d / "notes.md", "coach's notes")
    write(d / "~$ann.xlsx", "lock file")
    write(d / "jobstats-clients.key.csv", "client,pseudonym\nann,Client A\n")
    return d


def test_folder_loads_every_readable_file_and_lists_the_rest(folder: Path) -> None:
    res = load_many([folder], as_of=AS_OF)
    apps = res.applications
    assert sorted(apps["client"].unique()) == ["ann", "ben"]
    assert (apps["client"] == "ann").sum() == 2 and (apps["client"] == "ben").sum() == 1
    assert apps["application_id"].is_unique
    skipped = {p.name: why for p, why in res.report.skipped}
    # the broken workbook and the non-spreadsheet are listed; lock and key files are not
    assert set(skipped) == {"broken.xlsx", "notes.md"}
    assert "broken.xlsx" in skipped["broken.xlsx"]
    assert any(w.startswith("file skipped: broken.xlsx") for w in res.report.warnings)
    assert "FILE SKIPPED: broken.xlsx" in str(res.report)
    assert "broken.xlsx" in res.report._repr_html_()


def test_load_takes_a_folder(folder: Path) -> None:
    res = jobstats.load(folder, as_of=AS_OF)
    assert sorted(res.applications["client"].unique()) == ["ann", "ben"]
    assert len(res.report.files) == 2


def test_files_and_generators_mix(folder: Path) -> None:
    res = load_many((p for p in [folder / "ann.csv", folder / "ben.csv"]), as_of=AS_OF)
    assert len(res.applications) == 3
    assert res.report.skipped == []


def test_same_file_name_in_two_folders_stays_two_clients(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        write(tmp_path / sub / "x.csv", "Company,Date applied\nA,2025-01-02\n")
    res = load_many([tmp_path / "a" / "x.csv", tmp_path / "b" / "x.csv"], as_of=AS_OF)
    assert res.applications["client"].tolist() == ["x", "x (2)"]
    assert res.applications["application_id"].is_unique


def test_client_column_wins_over_file_name(tmp_path: Path) -> None:
    f = write(tmp_path / "export.csv", "Client,Company,Date applied\nZoe,A,2025-01-02\n")
    g = write(tmp_path / "other.csv", "Company,Date applied\nB,2025-01-03\n")
    res = load_many([f, g], as_of=AS_OF)
    assert res.applications["client"].tolist() == ["Zoe", "other"]


def test_nothing_readable_is_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path / "bad.xlsx", "nope")
    with pytest.raises(InputError, match="None of the 1 file"):
        load_many([tmp_path], as_of=AS_OF)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no tracker files found"):
        load_many([empty], as_of=AS_OF)
    with pytest.raises(InputError, match="no such file or folder"):
        load_many([tmp_path / "typo"], as_of=AS_OF)


def test_files_without_reply_information_are_marked(tmp_path: Path) -> None:
    li = write(tmp_path / "li.csv",
               "Application Date,Contact Email,Contact Phone Number,Company Name,Job Title,"
               "Job Url,Resume Name,Question And Answers\n"
               "\"3/7/25, 9:05 PM\",,,Acme,Analyst,https://x.example/1,cv.pdf,\n")
    own = write(tmp_path / "own.csv", "Company,Date applied,Status\nA,2025-01-02,Rejected\n")
    apps = load_many([li, own], as_of=AS_OF).applications.set_index("client")
    assert apps.loc["li", "reply_info"] == False  # noqa: E712 - numpy bool
    assert apps.loc["own", "reply_info"] == True  # noqa: E712


def test_cli_summary_on_a_folder_lists_skipped_files(folder: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "k.key.csv"
    assert main(["summary", str(folder), "--as-of", AS_OF, "--json", "--key", str(key)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["applications"] == 3
    assert len(out["files_skipped"]) == 2
    assert all(s["reason"] for s in out["files_skipped"])
    assert main(["summary", str(folder), "--as-of", AS_OF, "--key", str(key)]) == 0
    text = capsys.readouterr().out
    assert "FILE SKIPPED" in text


def test_sample_coach_folder_every_client_loaded() -> None:
    res = jobstats.load(SAMPLE_CLIENTS, as_of=AS_OF)
    assert res.applications["client"].nunique() == 10
    assert res.report.skipped == []
    info = res.applications.groupby("client")["reply_info"].first()
    assert info.sum() == 9 and not info["client_08_linkedin"]
