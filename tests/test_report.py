"""``jobstats report``: files written, escaping, formula neutralising, registries, styles."""

from __future__ import annotations

import html.parser
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import matplotlib as mpl
import openpyxl
import pytest
from conftest import run_main
from matplotlib.image import imread

import jobstats
import jobstats.plotting as jp
from jobstats.report import write_report
from jobstats.report.figures import FIGURES, FigureSpec, draw_figures, new_figure
from jobstats.report.spreadsheet import neutralise, sheet_title
from jobstats.schema import AnalysisError, InputError

EVIL = "<img src=x onerror=alert(1)>"
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)"]


def hostile_csv(path: Path) -> Path:
    """A hand-written tracker whose company names attack HTML and spreadsheets."""
    companies = [EVIL, *FORMULAS, "Plain & Co", "Delta", "Echo", "Fox", "Golf", "Hotel", "India"]
    lines = ["Company,Title,Date applied,Date of reply,Status,Interview date,Follow-up date"]
    for i, company in enumerate(companies):
        replied = i >= 5 and i % 2 == 0  # the hostile names stay in the due list
        reply = f"2025-05-{i + 5:02d}" if replied else ""
        status = "Interview" if replied else "Applied"
        interview = f"2025-06-{i + 10:02d}" if replied else ""
        follow = f"2025-05-{i + 12:02d}" if i % 2 else ""
        quoted = '"' + company.replace('"', '""') + '"'
        lines.append(f"{quoted},Analyst,2025-05-{i + 1:02d},{reply},{status},{interview},{follow}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_files_are_written(hostile_report: Path) -> None:
    names = sorted(str(p.relative_to(hostile_report)) for p in hostile_report.rglob("*"))
    # no source column (no rates by source), too few replies to tell a follow-up policy
    drawn = ["flow", "followup_effect", "reply_curve", "stage_conversion", "weekly_activity"]
    assert names == [".jobstats-manifest.json", "figures",
                     *[f"figures/{n}.{ext}" for n in drawn for ext in ("png", "svg")],
                     "report.html", "summary.xlsx"]
    page = (hostile_report / "report.html").read_text(encoding="utf-8")
    assert "not drawn: your tracker has no source" in page
    assert "not drawn: the data cannot tell: " in page
    png = imread(hostile_report / "figures" / "reply_curve.png")
    assert png.shape[0] > 200 and png.shape[1] > 300
    ElementTree.parse(hostile_report / "figures" / "reply_curve.svg")  # well-formed SVG


def test_html_is_self_contained_and_escapes_spreadsheet_text(hostile_report: Path) -> None:
    page = (hostile_report / "report.html").read_text(encoding="utf-8")
    parsed = Collector()
    parsed.feed(page)
    tags = [t for t, _ in parsed.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    imgs = [a for t, a in parsed.tags if t == "img"]
    assert imgs and all(a["src"].startswith("data:image/png;base64,") for a in imgs)
    assert not any(a.get("onerror") for a in imgs)  # the company name did not become a tag
    for _, attrs in parsed.tags:  # nothing to fetch: no src/href to anywhere
        for key in ("src", "href"):
            assert (attrs.get(key) or "data:").split(":")[0] not in ("http", "https", "file")
    assert EVIL in "".join(parsed.text)  # shown as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "default-src 'none'" in page and "@media print" in page


def test_html_has_the_promised_sections(hostile_report: Path) -> None:
    page = (hostile_report / "report.html").read_text(encoding="utf-8")
    for heading in ("Headline numbers", "Charts", "Does following up help?",
                    "What to send today", "How your file was read", "Rows left out or doubted"
                    if "Rows left out" in page else "Columns read"):
        assert f">{heading}</h" in page
    assert "12 applications" in page or ">12<" in page


def test_xlsx_neutralises_formulas_and_has_one_formatted_sheet_per_table(
        hostile_report: Path) -> None:
    wb = openpyxl.load_workbook(hostile_report / "summary.xlsx")
    for name in ("Response rates", "Reply within", "Reply curve", "Due today", "Load report",
                 "Columns read"):
        assert name in wb.sheetnames
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    values.append(cell.value)
    due = wb["Due today"]
    text = "\n".join(values)
    for formula in FORMULAS:
        assert "'" + formula in text
        assert not any(v == formula for v in values)
    rates = wb["Response rates"]
    header = [c.value for c in rates[1]]
    est = rates.cell(row=2, column=header.index("estimate") + 1)
    assert est.number_format == "0.0%" and isinstance(est.value, float)
    assert rates.freeze_panes == "A2"
    assert due["A1"].font.italic  # the note saying which wait rule was used


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("ACME", "ACME"), ("a=b", "a=b"), (-3, -3), (2.5, 2.5), (None, None),
])
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    a = sheet_title("Rates: by source/channel [all]?", taken)
    b = sheet_title("Rates: by source/channel [all]?", taken)
    assert len(a) <= 31 and not re.search(r"[\[\]:*?/\\]", a)
    assert a != b and len(b) <= 31


@pytest.mark.usefixtures("quick_figures")
def test_figure_registry_draws_registered_figures_and_explains_missing_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def bars(data: object) -> object:
        fig = new_figure()
        fig.axes[0].bar(["a", "b"], [1, 2])
        return fig

    def impossible(data: object) -> object:
        raise AnalysisError("too few interviews to draw this")

    monkeypatch.setitem(FIGURES, "bars", FigureSpec("bars", "Two bars", bars))
    monkeypatch.setitem(FIGURES, "impossible", FigureSpec("impossible", "Never", impossible))
    data = jobstats.load(hostile_csv(tmp_path / "t.csv"), as_of="2025-06-30")
    written = write_report(data, tmp_path / "out")
    assert "figures/bars.png" in written and "figures/bars.svg" in written
    assert "figures/impossible.png" not in written
    page = written["report.html"].read_text(encoding="utf-8")
    assert "Two bars" in page and "not drawn: too few interviews to draw this" in page


def test_styles_change_the_figures_and_leave_no_lasting_rcparams(tmp_path: Path) -> None:
    data = jobstats.load(hostile_csv(tmp_path / "t.csv"), as_of="2025-06-30")
    before = dict(mpl.rcParams)
    curve = {"reply_curve": FIGURES["reply_curve"]}
    default = draw_figures(data, style="default", registry=curve)[0].figure
    workshop = draw_figures(data, style="workshop", registry=curve)[0].figure
    assert tuple(workshop.get_size_inches()) == jp.STYLES["workshop"]["figure.figsize"]
    assert tuple(default.get_size_inches()) == jp.STYLES["notebook"]["figure.figsize"]
    assert (workshop.axes[0].xaxis.label.get_fontsize()
            > default.axes[0].xaxis.label.get_fontsize())
    assert dict(mpl.rcParams) == before


@pytest.mark.usefixtures("quick_figures")
def test_report_refuses_to_overwrite_a_foreign_file_and_writes_nothing(tmp_path: Path) -> None:
    data = jobstats.load(hostile_csv(tmp_path / "t.csv"), as_of="2025-06-30")
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.xlsx").write_bytes(b"the user's own workbook")
    with pytest.raises(InputError, match="summary.xlsx"):
        write_report(data, out)
    assert sorted(p.name for p in out.iterdir()) == ["summary.xlsx"]
    write_report(data, out, force=True)
    assert (out / "report.html").exists()
    write_report(data, out)  # everything is jobstats' own now: no --force needed


@pytest.mark.usefixtures("quick_figures")
def test_interrupted_report_leaves_no_half_written_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = jobstats.load(hostile_csv(tmp_path / "t.csv"), as_of="2025-06-30")
    out = tmp_path / "out"
    write_report(data, out)
    old_page = (out / "report.html").read_bytes()
    old_book = (out / "summary.xlsx").read_bytes()

    def dies_half_way(path: object, *a: object, **k: object) -> None:
        Path(path).write_bytes(b"PK\x03\x04 half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr("jobstats.report.spreadsheet.write_workbook", dies_half_way)
    with pytest.raises(KeyboardInterrupt):
        write_report(jobstats.load(hostile_csv(tmp_path / "t.csv"), as_of="2025-07-30"), out)
    assert (out / "summary.xlsx").read_bytes() == old_book
    assert (out / "report.html").read_bytes() == old_page
    assert not [p for p in out.rglob("*") if ".jobstats-tmp-" in p.name]
    fresh = tmp_path / "fresh"
    with pytest.raises(KeyboardInterrupt):
        write_report(data, fresh)
    assert not (fresh / "report.html").exists() and not (fresh / "summary.xlsx").exists()


def test_report_command_as_a_user_runs_it(tmp_path: Path) -> None:
    path = hostile_csv(tmp_path / "t.csv")
    out = tmp_path / "my report"
    cmd = [sys.executable, "-m", "jobstats", "report", str(path), "--as-of", "2025-06-30",
           "-o", str(out), "--style", "workshop"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "report.html" in proc.stdout and (out / "report.html").exists()
    (out / "report.html").write_text("edited")
    # the same command again, in this interpreter (the process itself was checked above)
    again = run_main(*cmd[3:])
    assert again.returncode == 2 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert (out / "report.html").read_text() == "edited"


def test_empty_tracker_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("Company,Date applied\n")
    with pytest.raises(Exception) as exc:
        write_report(jobstats.load(path, as_of="2025-06-30"), tmp_path / "out")
    assert "no application rows" in str(exc.value)
    assert not (tmp_path / "out" / "report.html").exists()


@pytest.mark.usefixtures("quick_figures")
def test_write_report_announces_each_step_in_order(tmp_path: Path) -> None:
    from jobstats.report import REPORT_STEPS

    data = jobstats.load(hostile_csv(tmp_path / "t.csv"), as_of="2025-06-30")
    steps: list[str] = []
    write_report(data, tmp_path / "out", progress=steps.append)
    assert tuple(steps) == REPORT_STEPS


def test_report_svg_figures_are_the_same_bytes_each_time() -> None:
    """SVG ids (clip paths) come from a fixed salt, not a random one: the same
    figure rendered twice, as the report renders it, gives the same file."""
    import matplotlib.pyplot as plt

    from jobstats.report import _render

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [0, 1, 0])  # an Axes clips its lines: an id in the file
    try:
        first, second = _render(fig, "svg"), _render(fig, "svg")
    finally:
        plt.close(fig)
    assert b"clip-path=" in first
    assert first == second
