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


def found_as_word(value: str, text: str) -> bool:
    """``value`` in ``text`` as a whole word (not inside a longer word).

    The plain substring test first: most values are absent, and one regex per
    value over every written file (PNG bytes included) was most of this
    module's time; the regex alone decides when the value occurs."""
    return value in text and re.search(r"(?<![\w])" + re.escape(value) + r"(?![\w])",
                                       text) is not None


def leaks(text: str, personal: set[str]) -> list[str]:
    return sorted(p for p in personal if found_as_word(p, text))


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


# --- the report of a coach's folder: cohort page + one page per client ---------------------

REPORT_SAMPLES = ("client_01_huntr.csv", "client_03_simplify.csv", "client_07_personal_dmy.csv")


def _output_text(path: Path) -> str:
    """Every piece of text in a written file (cells of a workbook; the bytes of the rest)."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row if v is not None)
    if path.suffix == ".png":
        return path.read_bytes().decode("latin-1")  # PNG text chunks, if any
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def coach_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``jobstats report FOLDER -o OUT`` on three sample clients, one with contact details in
    its notes, and a broken file; the raw names of each client's companies."""
    base = tmp_path_factory.mktemp("coach_report")
    d = base / "clients"
    d.mkdir()
    for name in REPORT_SAMPLES:
        shutil.copy(SAMPLE_CLIENTS / name, d / name)
    (d / "priya_raman_search.csv").write_text(EXTRA_CLIENT, encoding="utf-8")
    (d / "jane_doe.xlsx").write_text("not a workbook", encoding="utf-8")
    key, out = base / "private" / "coach.key.csv", base / "out"
    assert main(["report", str(d), "-o", str(out), "--as-of", AS_OF, "--key", str(key)]) == 0
    raw = jobstats.load(d, as_of=AS_OF)
    companies = raw.applications.groupby("client")["company"].agg(lambda s: set(s.dropna()))
    with key.open(newline="") as fh:
        names = {r["client"]: r["pseudonym"] for r in csv.DictReader(fh)}
    n = raw.applications.groupby("client").size()
    return {"folder": d, "out": out, "key": key, "names": names,
            "companies": {names[c]: set(v) for c, v in companies.items()},
            "n": {names[c]: int(k) for c, k in n.items()}}


def test_report_files_hold_no_personal_data(coach_report: dict) -> None:
    personal = personal_strings(coach_report["folder"])
    assert {"Priya Raman", "+44 20 7946 0958", "client_07_personal_dmy"} <= personal
    files = [p for p in coach_report["out"].rglob("*") if p.is_file()]
    assert len([p for p in files if p.name == "report.html"]) == 1 + 4  # cohort + 4 clients
    for path in files:
        assert leaks(_output_text(path), personal) == [], path
    assert not list(coach_report["out"].rglob("*.key.csv"))


def test_client_pages_hold_only_their_own_clients_data(coach_report: dict) -> None:
    out, companies = coach_report["out"], coach_report["companies"]
    pseudonyms = sorted(companies)
    cohort_text = _output_text(out / "report.html") + _output_text(out / "summary.xlsx")
    for page in sorted((out / "clients").glob("*/report.html")):
        folder = page.parent
        text = "\n".join(_output_text(p) for p in folder.rglob("*") if p.is_file())
        own = next(p for p in pseudonyms if p in text
                   and re.search(rf"\b{re.escape(p)}\b", text))
        others = [p for p in pseudonyms if p != own]
        assert [p for p in others if p in text
                and re.search(rf"\b{re.escape(p)}\b", text)] == [], page
        theirs = set().union(*(companies[p] for p in others)) - companies[own]
        seen = [c for c in theirs if found_as_word(c, text)]
        assert seen == [], (page, seen[:5])
        assert f"{coach_report['n'][own]} applications from {own} " in page.read_text()
        # a client page carries PNG figures only, and its captions say so
        assert not list(folder.rglob("*.svg")) and list(folder.glob("figures/*.png"))
        html = page.read_text()
        assert ".svg" not in html and "(PNG and SVG)" not in html and "(PNG)" in html
        assert re.search(r"\(also figures/\w+\.png\)</figcaption>", html)
    # the check can fail: the coach's own page does show several clients' companies
    shown = [p for p in pseudonyms
             if any(found_as_word(c, cohort_text)
                    for c in companies[p] - set().union(*(companies[q] for q in pseudonyms
                                                           if q != p)))]
    assert len(shown) >= 2


def test_cohort_page_links_to_every_client_page(coach_report: dict) -> None:
    from html.parser import HTMLParser
    from urllib.parse import unquote

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.links: list[tuple[str, str]] = []
            self._href: str | None = None

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "a":
                self._href = dict(attrs).get("href")

        def handle_data(self, data: str) -> None:
            if self._href is not None:
                self.links.append((self._href, data))
                self._href = None

    out = coach_report["out"]
    parser = Links()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    assert sorted(label for _, label in parser.links) == sorted(coach_report["companies"])
    for href, label in parser.links:
        target = out / unquote(href)
        assert target.is_file(), href
        assert f"from {label} " in target.read_text(encoding="utf-8")


def test_report_refuses_a_key_inside_the_output(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "clients"
    d.mkdir()
    for name in ("ann", "bob"):
        (d / f"{name}.csv").write_text("Company,Date applied\nA,2025-01-02\n")
    out = tmp_path / "out"
    for key in (out / "coach.key.csv", out / "sub" / "k.csv", out):
        assert main(["report", str(d), "-o", str(out), "--key", str(key)]) == 2
        err = capsys.readouterr().err
        assert "inside the output folder" in err and "--key" in err
        assert not out.exists()  # refused before anything was loaded or written
