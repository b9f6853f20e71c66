"""Private by default: no output carries the sample clients' personal data.

The personal data is read straight from the raw files (csv module, openpyxl),
not through jobstats, and then searched for in everything the CLI prints and
in the cohort results.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

import jobstats
from jobstats.cli import main
from jobstats.cohort import cohort_report
from jobstats.privacy import ClientKey, drop_personal_data, pseudonymise, scrub_text

AS_OF = "2025-06-30"
SAMPLE_CLIENTS = Path(__file__).resolve().parents[1] / "data" / "sample" / "clients"
#: Headers of the sample files that hold personal data or free text.
PERSONAL_HEADERS = {
    "creatorUserFirstName", "creatorUserLastName", "creatorUserEmail", "Contact Email",
    "Contact Phone Number", "Created By", "Contact", "Notes", "url", "Job URL", "Job Link",
    "Job Url", "Question And Answers", "Resume Name", "Recruiter", "Phone",
}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://\S+")

EXTRA_CLIENT = (
    "Company,Date applied,Status,Recruiter,Phone,Notes\n"
    "Acme,2025-03-03,Rejected,Priya Raman,+44 20 7946 0958,Spoke to Priya about relocation\n"
    "Beta,2025-03-05,Applied,Jonas Berg,(555) 123-4567,mail jonas.berg@corp.example today\n"
    "Gamma,2025-03-07,Interview,,,\n"
)


def _raw_rows(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = []
        for ws in wb.worksheets:
            values = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
            if values:
                rows += [dict(zip(values[0], r)) for r in values[1:]]
        return rows
    for enc in ("utf-8", "cp1252"):
        try:
            text = path.read_text(encoding=enc)
            break
        except UnicodeDecodeError:
            continue
    delim = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return list(csv.DictReader(text.splitlines(), delimiter=delim))


def personal_strings(folder: Path) -> set[str]:
    """Every piece of personal data in the raw files, and the file names themselves."""
    found: set[str] = set()
    for path in folder.iterdir():
        found |= {path.name, path.stem}
        if path.suffix not in (".csv", ".xlsx"):
            continue
        try:
            rows = _raw_rows(path)
        except Exception:  # noqa: BLE001 - the deliberately broken file
            continue
        for row in rows:
            for header, value in row.items():
                value = (value or "").strip()
                if len(value) < 3 or value in ("N/A", "-"):
                    continue
                if header in PERSONAL_HEADERS:
                    found.add(value)
                found |= set(EMAIL.findall(value)) | set(URL.findall(value))
    return found


def leaks(text: str, personal: set[str]) -> list[str]:
    return sorted(p for p in personal
                  if re.search(r"(?<![\w])" + re.escape(p) + r"(?![\w])", text))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("coach") / "clients"
    shutil.copytree(SAMPLE_CLIENTS, d)
    (d / "priya_raman_search.csv").write_text(EXTRA_CLIENT, encoding="utf-8")
    (d / "jane_doe.xlsx").write_text("not a workbook", encoding="utf-8")  # skipped
    return d


@pytest.fixture(scope="module")
def personal(folder: Path) -> set[str]:
    found = personal_strings(folder)
    # the check can fail: the raw data really holds these
    assert {"sam.schmidt@example.com", "Priya Raman", "+44 20 7946 0958",
            "client_08_linkedin", "jane_doe.xlsx"} <= found
    assert any(s.startswith("https://") for s in found)
    return found


def test_cli_outputs_hold_no_personal_data(folder: Path, personal: set[str], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "coach.key.csv"
    outputs = []
    for extra in ([], ["--json"]):
        assert main(["summary", str(folder), "--as-of", AS_OF, "--key", str(key), *extra]) == 0
        cap = capsys.readouterr()
        outputs.append(cap.out)
        outputs.append(cap.err.replace(str(key), "KEY"))
    for out in outputs:
        assert leaks(out, personal) == []
    data = json.loads(outputs[2])
    assert len(data["cohort"]["clients"]) == 11
    assert all(c["client"].startswith("Client ") for c in data["cohort"]["clients"])
    assert len(data["files_skipped"]) == 1
    # the key holds the real names, and only the key
    with key.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["client"] for r in rows} >= {"client_01_huntr", "priya_raman_search", "jane_doe"}
    assert oct(key.stat().st_mode & 0o777) == "0o600"


def test_show_names_opts_in(folder: Path, personal: set[str], tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "coach.key.csv"
    assert main(["summary", str(folder), "--as-of", AS_OF, "--json", "--show-names",
                 "--key", str(key)]) == 0
    out = capsys.readouterr().out
    assert "client_08_linkedin" in leaks(out, personal)  # the search does find names
    assert not key.exists()  # nothing to keep when names are shown


def test_library_results_hold_no_personal_data(folder: Path, personal: set[str],
                                               tmp_path: Path) -> None:
    safe = pseudonymise(jobstats.load(folder, as_of=AS_OF), key=tmp_path / "k.key.csv")
    text = "\n".join([
        safe.applications.to_csv(), safe.events.to_csv(), str(safe.report),
        safe.report._repr_html_(), "\n".join(safe.report.warnings), repr(safe),
        json.dumps(cohort_report(safe), default=str),
    ])
    assert leaks(text, personal) == []


def test_pseudonyms_are_stable_across_runs_and_new_clients(tmp_path: Path) -> None:
    key = tmp_path / "k.key.csv"
    d = tmp_path / "c"
    d.mkdir()
    for name in ("ann", "bob"):
        (d / f"{name}.csv").write_text("Company,Date applied\nA,2025-01-02\n")
    first = pseudonymise(jobstats.load(d, as_of=AS_OF), key=key).applications
    again = pseudonymise(jobstats.load(d, as_of=AS_OF), key=key).applications
    assert first["client"].tolist() == again["client"].tolist()
    (d / "cy.csv").write_text("Company,Date applied\nA,2025-01-02\n")
    third = pseudonymise(jobstats.load(d, as_of=AS_OF), key=key).applications
    old = dict(zip(first["application_id"], first["client"]))
    assert all(old[i] == c for i, c in zip(third["application_id"], third["client"]) if i in old)
    assert sorted(third["client"]) == ["Client A", "Client B", "Client C"]
    assert ClientKey.open(key).mapping.keys() == {"ann", "bob", "cy"}


def test_personal_columns_dropped_by_header_and_by_value() -> None:
    import pandas as pd

    apps = pd.DataFrame({"application_id": ["1", "2"], "company": ["A", "B"],
                         "notes": ["call Priya", None], "Recruiter": ["Priya", "Jo"],
                         "Misc": ["write to x@y.example", ""], "Level": ["senior", "junior"],
                         "Who": ["+1 (555) 123-4567", None]})
    safe, removed = drop_personal_data(apps)
    assert set(removed) == {"Recruiter", "Misc", "Who", "notes"}
    assert list(safe.columns) == ["application_id", "company", "notes", "Level"]
    assert safe["notes"].isna().all()


def test_scrub_text_whole_words_and_contacts() -> None:
    out = scrub_text("ann.csv: annual note for ann, mail ann@x.example or https://x.example/a",
                     [("ann.csv", "Client A"), ("ann", "Client A")])
    assert out == ("Client A: annual note for Client A, mail [e-mail removed] or "
                   "[link removed]")
