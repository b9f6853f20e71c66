"""Trackers in German, French, Spanish, Dutch, Portuguese and Italian.

The files and their expected answers (tests/data/languages/expected.json) were
written and counted by hand (README there), not produced by jobstats.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from jobstats import load
from jobstats.io.vocab import STATUS_MEANINGS, match_status
from jobstats.schema import STAGE_RANK

HERE = Path(__file__).parent / "data" / "languages"
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))["files"]
# "same as de.csv": the xlsx twin holds the same rows.
for _exp in EXPECTED.values():
    for _k, _v in list(_exp.items()):
        if isinstance(_v, str) and _v.startswith("same as "):
            _exp[_k] = EXPECTED[_v.removeprefix("same as ").strip()][_k]


def _at_least(stage: pd.Series, name: str) -> int:
    return int((stage.map(STAGE_RANK) >= STAGE_RANK[name]).sum())


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def case(request: pytest.FixtureRequest) -> tuple[dict, object]:
    name = request.param
    exp = EXPECTED[name]
    return exp, load(HERE / name, as_of=exp["as_of"])


def test_headers_map_to_fields(case: tuple[dict, object]) -> None:
    exp, res = case
    got = dict(zip(res.report.mapping["header"], res.report.mapping["field"]))
    for header, fld in exp["header_map"].items():
        if fld is None:
            assert header in res.report.extras, (header, got)
        else:
            assert got.get(header) == fld, (header, got)


def test_counts(case: tuple[dict, object]) -> None:
    exp, res = case
    a, e = res.applications, res.events
    assert len(a) == exp["applications"]
    assert res.report.dropped == len(exp["excluded_rows"])
    dropped_rows = sorted(res.report.issues.loc[res.report.issues["severity"] == "dropped",
                                                "row"])
    assert dropped_rows == sorted(r["row"] for r in exp["excluded_rows"])
    stage = a["stage"]
    assert _at_least(stage, "replied") == exp["replied"]
    assert _at_least(stage, "screen") == exp["screen_or_further"]
    assert _at_least(stage, "interview") == exp["interview"]
    assert _at_least(stage, "offer") == exp["offer"]
    assert int((stage == "accepted").sum()) == exp["accepted"]
    assert int((a["status"] == "rejected").sum()) == exp["rejected"]
    assert int((stage == "applied").sum()) == exp["no_reply"]
    assert a["status"].value_counts().to_dict() == exp["status_counts"]
    assert stage.value_counts().to_dict() == exp["stage_counts"]
    fu = e[e["kind"] == "follow_up"]
    assert fu["application_id"].nunique() == exp["followed_up"]
    assert int(fu["date"].notna().sum()) == exp["follow_up_events"]
    assert int(a["callback_due_on"].notna().sum()) == exp["callback_due"]
    assert int((e["kind"] == "callback_due").sum()) == exp["callback_due"]
    assert int((e["kind"] == "thank_you").sum()) == exp["thank_you"]
    assert a["source"].value_counts().to_dict() == exp["source_counts"]
    assert a["source_raw"].notna().sum() == a["source"].notna().sum()


def test_no_word_left_unrecognised(case: tuple[dict, object]) -> None:
    _, res = case
    assert res.report.unrecognised.empty, res.report.unrecognised


def test_row_checks(case: tuple[dict, object]) -> None:
    exp, res = case
    a = res.applications.set_index("row")
    for chk in exp["row_checks"]:
        r = a.loc[chk["row"]]
        for key in ("applied_on", "first_reply_on", "callback_due_on"):
            if key in chk:
                want = pd.NaT if chk[key] is None else pd.Timestamp(chk[key])
                got = r[key]
                assert (pd.isna(got) and pd.isna(want)) or got == want, (chk, key, got)
        assert r["stage"] == chk["stage"], chk
        assert r["status"] == chk["status"], chk


def test_decimal_comma_extras(case: tuple[dict, object]) -> None:
    exp, res = case
    for header, want in exp["numeric_extras"].items():
        col = res.applications[header]
        # Summed over all data rows: add the excluded rows' values back via the report?
        # They hold none here (the excluded rows have no salary), so the kept rows suffice.
        values = pd.to_numeric(col, errors="coerce")
        assert values.notna().sum() == want["count"], col.tolist()
        assert values.sum() == pytest.approx(want["sum"], abs=0.005)


@pytest.mark.parametrize("name", [n for n in sorted(EXPECTED) if "status_meanings" in EXPECTED[n]])
def test_status_words(name: str) -> None:
    for word, meaning in EXPECTED[name]["status_meanings"].items():
        m = match_status(word)
        assert m.how == "exact", (word, m)
        assert (m.status, m.stage) == STATUS_MEANINGS[meaning], (word, m)


@pytest.mark.parametrize("word", ["open", "offen", "aperto", "abierto", "aberto", "ouvert",
                                  "en cours", "in behandeling", "em andamento", "in corso"])
def test_open_words_never_promote(word: str, tmp_path: Path) -> None:
    # Finding 1: difflib read a word for "open" as "offer" and every open
    # application became an offer. Open/pending words read as applied.
    path = tmp_path / "t.csv"
    path.write_text(f"Company,Date applied,Status\nA,2025-01-10,{word}\nB,2025-01-11,{word}\n",
                    encoding="utf-8")
    a = load(path, as_of="2025-02-01").applications
    assert a["stage"].tolist() == ["applied", "applied"]
    assert a["status"].tolist() == ["applied", "applied"]


def test_an_english_follow_up_header_does_not_make_the_file_portuguese(tmp_path: Path) -> None:
    # "Follow-up" is in Portuguese trackers' table too; it voted an English
    # tracker Portuguese, and dates that fit both orders were read day first.
    path = tmp_path / "t.csv"
    path.write_text("Company,Role,Date Applied,Status,Follow-up\n"
                    "Acme,Analyst,03/04/2025,Applied,03/10/2025\n"
                    "Beta,Engineer,04/06/2025,Rejected,\n", encoding="utf-8")
    res = load(path, as_of="2025-06-30")
    assert res.report.language is None
    assert res.applications["applied_on"].dt.strftime("%Y-%m-%d").tolist() == \
        ["2025-03-04", "2025-04-06"]


def test_semicolon_separated_english_file_reads_decimal_commas(tmp_path: Path) -> None:
    # Spreadsheets write semicolons where the comma is the decimal sign, whatever
    # the language of the headers; the note says what was read and why.
    path = tmp_path / "t.csv"
    path.write_text("Company;Date Applied;Status;Salary (k€)\nA;10.02.2025;Applied;49,8\n"
                    "B;11.02.2025;Rejected;1.048,5\n", encoding="utf-8")
    res = load(path, as_of="2025-06-30")
    assert res.applications["Salary (k€)"].tolist() == [49.8, 1048.5]
    assert any("decimal comma (usual in semicolon-separated files" in n
               for n in res.report.notes)
    path.write_text("Company,Date Applied,Status,Salary\nA,2025-02-10,Applied,\"49,8\"\n",
                    encoding="utf-8")
    assert load(path, as_of="2025-06-30").applications["Salary"].tolist() == ["49,8"]
