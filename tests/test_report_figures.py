"""The report's charts and follow-up findings: what was drawn, from which result, and why not.

The figures are checked on what they drew (artists and their data, labels),
against results computed separately with the public analysis functions or
counted by hand, never on pixels.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from matplotlib.container import ErrorbarContainer
from test_report import hostile_csv

import jobstats
import jobstats.plotting as jp
from jobstats.report import analyses, write_report
from jobstats.report.figures import FIGURES, draw_figures, followup_effect_table
from jobstats.report.html import followup_findings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "my_tracker.xlsx"
LINKEDIN = ROOT / "data" / "sample" / "linkedin" / "Job Applications.csv"
ALL_FIGURES = ["followup_policy", "followup_effect", "reply_curve", "rates_by_source", "flow",
               "weekly_activity", "stage_conversion", "compare_by_month"]


@pytest.fixture(scope="module")
def sample() -> object:
    return jobstats.load(SAMPLE, as_of="2025-06-30")


@pytest.fixture(scope="module")
def drawn(sample: object) -> dict[str, object]:
    with analyses.shared_results():
        return {d.name: d for d in draw_figures(sample)}


def _texts(fig: object) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def test_the_report_registers_every_chart_of_the_plotting_package() -> None:
    assert list(FIGURES) == ALL_FIGURES


def test_every_chart_is_drawn_for_a_tracker_that_supports_it(drawn: dict) -> None:
    assert {name: d.reason for name, d in drawn.items()} == {n: "" for n in ALL_FIGURES}
    titles = {name: d.figure.axes[0].get_title(loc="left") for name, d in drawn.items()}
    assert titles["followup_policy"].startswith("Chance of a reply within 30 days")
    assert titles["followup_effect"].startswith("Does following up help?")
    assert titles["reply_curve"].startswith("Chance of a first reply")
    assert titles["weekly_activity"] == "Your search, week by week"
    for name in ALL_FIGURES:  # every chart states n and the as-of date
        text = _texts(drawn[name].figure)
        assert "250" in text and ("30 Jun 2025" in text or "2025-06-30" in text), name


def test_policy_chart_draws_the_public_followup_policy_table(sample: object,
                                                             drawn: dict) -> None:
    policy = jobstats.followup_policy(sample)  # computed apart from the report
    ax = drawn["followup_policy"].figure.axes[0]
    (bars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    days = policy[policy["day"].notna() & policy["estimate"].notna()]
    assert list(bars.lines[0].get_xdata()) == list(days["day"])
    np.testing.assert_allclose(bars.lines[0].get_ydata(), days["estimate"])
    segments = bars.lines[2][0].get_segments()
    np.testing.assert_allclose([s[:, 1] for s in segments], days[["ci_low", "ci_high"]])


def test_reply_curve_chart_draws_the_public_reply_curve(sample: object, drawn: dict) -> None:
    curve = jobstats.reply_curve(sample)
    ax = drawn["reply_curve"].figure.axes[0]
    (line,) = [a for a in ax.get_children() if a.get_gid() == "curve"]
    shown = curve[curve["day"] <= 60]
    np.testing.assert_allclose(line.get_ydata()[: len(shown)], shown["estimate"])


def test_rates_chart_shows_every_source_with_its_hand_counted_n(sample: object,
                                                                drawn: dict) -> None:
    counts = sample.applications["source"].value_counts()
    labels = [t.get_text() for t in drawn["rates_by_source"].figure.axes[0].get_yticklabels()]
    assert sorted(labels) == sorted(f"{src}  (n = {n})" for src, n in counts.items())


def test_effect_table_counts_by_hand(tmp_path: Path) -> None:
    # hostile_csv: rows i = 0..11; follow-up on odd i; a reply on even i >= 6
    data = jobstats.load(hostile_csv(tmp_path / "t.csv"), as_of="2025-06-30")
    with analyses.shared_results():
        table = followup_effect_table(data)
        fig = {d.name: d for d in draw_figures(data)}["followup_effect"].figure
    naive = table[table["comparison"] == "naive"].set_index("group")
    assert naive.loc["followed up", ["n", "events"]].tolist() == [6, 0]
    assert naive.loc["not followed up", ["n", "events"]].tolist() == [6, 3]
    assert naive.loc["not followed up", "estimate"] == pytest.approx(0.5)
    aware = table[table["comparison"] == "time-aware"].iloc[0]
    assert np.isnan(aware["estimate"]) and "too few" in aware["note"]  # no number, a reason
    assert table.attrs["n_applications"] == 12
    _, right = fig.axes[0].child_axes
    assert [a for a in right.get_children() if a.get_gid() == "cannot-tell"]


def test_a_file_without_replies_gets_reasons_not_a_flow_of_no_replies() -> None:
    data = jobstats.load(LINKEDIN, as_of="2025-06-30")
    with analyses.shared_results():
        drawn = {d.name: d for d in draw_figures(data)}
    for name in ("flow", "reply_curve"):
        assert drawn[name].figure is None
        assert "no reply information" in drawn[name].reason
    fig = drawn["weekly_activity"].figure
    weekly = _texts(fig)
    assert "applications sent" in weekly
    assert "follow-ups sent and first replies: not in your data" in weekly
    gids = {a.get_gid() for a in fig.axes[0].get_children()}
    assert "series:applications" in gids  # unknown series are not drawn at 0:
    assert not {"series:replies", "series:follow_ups"} & gids


def test_workshop_style_is_the_plotting_packages(sample: object) -> None:
    registry = {"reply_curve": FIGURES["reply_curve"]}
    (fig,) = [d.figure for d in draw_figures(sample, style="workshop", registry=registry)]
    assert tuple(fig.get_size_inches()) == pytest.approx(jp.STYLES["workshop"]["figure.figsize"])
    (nb,) = [d.figure for d in draw_figures(sample, style="default", registry=registry)]
    assert tuple(nb.get_size_inches()) == pytest.approx(jp.STYLES["notebook"]["figure.figsize"])


@pytest.mark.usefixtures("quick_figures")
def test_each_analysis_runs_once_per_report(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = jobstats.followup_effect

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(jobstats, "followup_effect", counted)
    data = jobstats.load(hostile_csv(tmp_path / "t.csv"), as_of="2025-06-30")
    write_report(data, tmp_path / "out")
    assert len(calls) == 1  # figures, tables, findings and the due list share it


@pytest.mark.usefixtures("quick_figures")
def test_the_response_rates_sheet_reuses_the_summarys_rate_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jobstats.outcome_rates
    import jobstats.summary

    calls = []
    real = jobstats.outcome_rates.rates

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("by"))
        return real(*args, **kwargs)

    monkeypatch.setattr(jobstats.summary, "rates", counted)  # the headline's call
    monkeypatch.setattr(jobstats, "rates", counted)  # the sheets' calls
    data = jobstats.load(hostile_csv(tmp_path / "t.csv"), as_of="2025-06-30")
    write_report(data, tmp_path / "out")
    assert calls.count(None) == 1  # overall rates: once, for the headline and the sheet
    book = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx", read_only=True)
    sheet = [row for row in book["Response rates"].iter_rows(values_only=True)]
    expected = real(data)
    assert [r[0] for r in sheet[1:]] == expected["measure"].tolist()


def _paragraphs(html: str) -> list[str]:
    return [re.sub(r"&#x27;", "'", p) for p in re.findall(r'<p class="finding">(.*?)</p>', html)]


def test_findings_with_a_known_strong_effect_say_it_helps_how_sure_and_the_e_value() -> None:
    # simulated with a known effect: replies three times as fast after a follow-up
    apps, events = jobstats.simulate_search(1500, seed=3, followup_hr=3.0)
    effect = jobstats.followup_effect(apps, events, as_of="2025-06-25")
    text = "\n".join(_paragraphs(followup_findings(effect.policy, effect, "wait rule")))
    assert "What the data says: of the days compared, following up on day 3" in text
    assert "the whole interval of the difference is above zero" in text
    assert "What it cannot tell: This assumes nothing you know but the data doesn't" in text
    assert "It takes into account: source" in text
    assert re.search(r"E-value \d+\.\d: to explain the time-aware estimate away", text)
    assert "naive comparison" in text and "wait rule" in text


@pytest.mark.usefixtures("quick_figures")
def test_findings_without_dated_followups_give_the_reason_and_no_number(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Company,Date applied,Date of reply\n" + "".join(
        f"C{i},2025-03-{i + 1:02d},{'2025-03-20' if i % 3 == 0 else ''}\n" for i in range(25)))
    data = jobstats.load(path, as_of="2025-06-30")
    page = write_report(data, tmp_path / "out")["report.html"].read_text(encoding="utf-8")
    section = page[page.index("<section id='followup'>"):page.index("<section id='charts'>")]
    paragraphs = _paragraphs(section)
    assert paragraphs[0].startswith("What the data says: it cannot tell whether following up")
    assert "no dated follow-ups" in paragraphs[0]
    assert not re.search(r"\d+%", "\n".join(paragraphs[:-1]))  # no chance where it cannot tell
    assert "E-value" not in section
    assert "Chart “When to follow up: chance of a reply within 30 days” not drawn" in page


@pytest.mark.usefixtures("quick_figures")
def test_a_report_on_a_file_without_replies_says_why_it_cannot_tell(tmp_path: Path) -> None:
    data = jobstats.load(LINKEDIN, as_of="2025-06-30")
    page = write_report(data, tmp_path / "out")["report.html"].read_text(encoding="utf-8")
    section = page[page.index("<section id='followup'>"):page.index("<section id='charts'>")]
    (first, *_) = _paragraphs(section)
    assert first.startswith("What the data says: it cannot tell whether following up helps")
    assert "no reply information" in first
    assert "not drawn: your file holds no reply information" in page
