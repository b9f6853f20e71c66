"""Every non-exact reading is in the load report; a guess never promotes; the
user says what their words mean (``statuses=`` / ``--status``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_main

from jobstats import load
from jobstats.io import vocab
from jobstats.schema import InputError


def write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# What the CLI says is tested in this interpreter (``main(argv)``); test_cli.py
# starts the real process.
run_cli = run_main


def test_tables_are_consistent() -> None:
    # Every line has a known kind and an allowed meaning; no word means two things.
    assert vocab.PROBLEMS == []
    assert vocab.CONFLICTS == []
    assert {"en", "de", "fr", "es", "nl", "pt", "it"} <= set(vocab.DATE_ORDER)


def test_read_table_reports_bad_lines() -> None:
    entries, problems = vocab.read_table(
        "kind,word,meaning,note\nstatus,Absage,rejected,\nstatus,Zusage,hired,\n"
        "colour,rot,red,\n# a comment,,,\n", "xx")
    assert [(e.word, e.meaning) for e in entries] == [("Absage", "rejected")]
    assert len(problems) == 2 and "'hired'" in problems[0] and "'colour'" in problems[1]


def test_fuzzy_match_never_promotes() -> None:
    # "Offerr"-like words close to "offer" by spelling only: not an offer.
    for word in ("offen", "ofer", "intervew", "acepted"):
        m = vocab.match_status(word)
        assert m.stage is None or m.stage == "applied" or m.how in ("exact", "cue"), (word, m)
    m = vocab.match_status("acepted")  # close to "accepted": suggested, never used
    assert (m.status, m.stage, m.how, m.suggestion) == ("applied", None, "unrecognised",
                                                         "accepted")


def test_non_exact_readings_are_listed(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Status,Source\n"
                           "A,2025-01-10,got rejected :(,Indeed\n"
                           "B,2025-01-11,Absage erhalten,Built In\n"
                           "C,2025-01-12,Rejected,Indeed\n"
                           "D,2025-01-13,Zzyzx,Referral\n")
    res = load(path, as_of="2025-02-01")
    m = res.report.matches
    rows = {(r.what, r.word): r for r in m.itertuples(index=False)}
    assert rows[("status", "got rejected :(")].how == "cue"
    assert rows[("status", "got rejected :(")].rows == "2"
    # Exact table words (English or German) are not listed.
    assert ("status", "Rejected") not in rows and ("status", "Absage erhalten") not in rows
    un = res.report.unrecognised
    assert un["word"].tolist() == ["Zzyzx"] and un["count"].tolist() == [1]
    # Sources: how the raw values were grouped, with counts.
    src = m[m["what"] == "source"].set_index("word")
    assert src.loc["Indeed", "meaning"] == "job board" and src.loc["Indeed", "count"] == 2
    assert src.loc["Built In", "meaning"] == "job board"
    assert res.applications["source_raw"].tolist() == ["Indeed", "Built In", "Indeed",
                                                       "Referral"]
    text = str(res.report)
    assert "'got rejected :(' -> rejected (cue; 1 cells; rows 2)" in text
    assert "--status Zzyzx=STATUS" in text


def test_user_statuses_win(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Status\nA,2025-01-10,Zzyzx\n"
                           "B,2025-01-11,Qwerty\nC,2025-01-12,Qwerty\n")
    res = load(path, as_of="2025-02-01", statuses={"zzyzx": "rejected", "QWERTY": "interview"})
    a = res.applications
    assert a["status"].tolist() == ["rejected", "interview", "interview"]
    assert a["stage"].tolist() == ["replied", "interview", "interview"]
    m = res.report.matches
    assert sorted(m.loc[m["how"] == "user", "word"]) == ["Qwerty", "Zzyzx"]
    assert res.report.unrecognised.empty
    with pytest.raises(InputError, match="unknown status"):
        load(path, as_of="2025-02-01", statuses={"Zzyzx": "hired"})


def test_cli_status_option_and_unrecognised_listing(tmp_path: Path) -> None:
    path = write(tmp_path, "Firma,Beworben am,Status\nA,10.01.2025,Absage\n"
                           "B,11.01.2025,Warteschleife\nC,12.01.2025,Warteschleife\n")
    out = run_cli("summary", str(path), "--as-of", "2025-02-01")
    assert out.returncode == 0, out.stderr
    assert "'Warteschleife': 2 rows (3, 4) -> pass --status Warteschleife=STATUS" in out.stdout
    ok = run_cli("summary", str(path), "--as-of", "2025-02-01", "--json",
                 "--status", "Warteschleife=no_response")
    assert ok.returncode == 0, ok.stderr
    d = json.loads(ok.stdout)
    assert d["load_report"]["unrecognised_statuses"] == []
    assert d["responses"] == 1  # Absage (rejected) is the only reply
    bad = run_cli("summary", str(path), "--status", "Warteschleife")
    assert bad.returncode == 2 and "WORD=STATUS" in bad.stderr


def test_as_of_must_be_iso(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied\nA,2025-01-10\n")
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        load(path, as_of="01.06.2025")
    out = run_cli("summary", str(path), "--as-of", "01.06.2025")
    assert out.returncode == 2 and "YYYY-MM-DD" in out.stderr


def test_export_date_column_is_the_as_of(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Export date\nA,2025-01-10,2025-02-01\n"
                           "B,2025-01-20,2025-02-01\n")
    res = load(path)
    assert res.as_of == __import__("pandas").Timestamp("2025-02-01")
    assert res.report.as_of_source == "export date column 'Export date'"
    assert any("taken from the export-date column" in n for n in res.report.notes)


def test_stale_as_of_warned(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied\nA,2019-01-10\n")
    res = load(path, as_of="2019-06-30")
    assert any("171 days after the last activity" in w for w in res.report.warnings)
    fresh = load(path, as_of="2019-02-01")
    assert not any("after the last activity" in w for w in fresh.report.warnings)


def test_unmapped_date_and_flag_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Heard from them,Selected for interview?\n"
                           "A,2025-01-10,2025-01-20,Yes\nB,2025-01-11,,No\n")
    res = load(path, as_of="2025-02-01")
    notes = "\n".join(res.report.notes)
    assert "column 'Heard from them' holds dates and is not used" in notes
    assert "--column first_reply_on='Heard from them'" in notes
    assert "column 'Selected for interview?' holds yes/no values" in notes
    # --column works for a yes/no column under a date field.
    res = load(path, as_of="2025-02-01", columns={"interview_on": "Selected for interview?",
                                                  "first_reply_on": "Heard from them"})
    assert res.applications["stage"].tolist() == ["interview", "applied"]
    assert not res.report.issues["reason"].str.contains("not understood").any()


def test_role_name_is_a_title(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Role name,Date applied\nA,Analyst,2025-01-10\n"
                           "A,Engineer,2025-01-10\n")
    res = load(path, as_of="2025-02-01")
    assert res.applications["title"].tolist() == ["Analyst", "Engineer"]
    assert not res.report.issues["reason"].str.contains("duplicate").any()


def test_json_load_report_matches_text(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Status\nA,2025-01-10,Rejected\n"
                           "B,,Applied\nC,2025-01-12,Zzyzx\n")
    out = run_cli("summary", str(path), "--as-of", "2025-02-01", "--json")
    d = json.loads(out.stdout)["load_report"]
    assert d["mapping"][0] == {"field": "company", "header": "Company", "sheet": "t.csv",
                               "file": "t.csv"}
    assert d["dropped"] == [{"file": "t.csv", "sheet": "t.csv", "row": 3,
                             "column": "Date applied",
                             "reason": "no applied date; row excluded"}]
    assert d["rows_dropped"] == 1 and d["applications"] == 2
    text = run_cli("summary", str(path), "--as-of", "2025-02-01").stdout
    assert f"warnings: {len(d['warnings'])}" in text
    assert d["unrecognised_statuses"] == [{"word": "Zzyzx", "count": 1, "rows": "4",
                                           "option": "--status Zzyzx=STATUS"}]
    assert "'Zzyzx': 1 rows (4) -> pass --status Zzyzx=STATUS" in text
