"""``jobstats summary --by COLUMN``: the ``by`` key of the JSON, the text, bad columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REAL_TRACKER

from jobstats.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "my_tracker.xlsx"
needs_real = pytest.mark.skipif(not REAL_TRACKER.exists(), reason="real tracker not present")


@needs_real
def test_by_weekday_json_shape(capsys):
    assert main(["summary", str(REAL_TRACKER), "--by", "weekday", "--json",
                 "--as-of", "2023-03-13"]) == 0
    out = json.loads(capsys.readouterr().out)
    by = out["by"]
    assert by["column"] == "weekday"
    assert set(by) >= {"column", "groups", "test", "credible"}
    assert set(by["test"]) >= {"method", "p_value"}
    assert by["test"]["method"].startswith("log-rank")
    assert [g["group"] for g in by["groups"]][:2] == ["Monday", "Tuesday"]
    assert sum(g["n"] for g in by["groups"]) == out["applications"] == 177
    assert sum(g["events"] for g in by["groups"]) == out["responses"]
    for g in by["groups"]:
        assert set(g) >= {"group", "n", "events", "share", "estimate", "ci_low", "ci_high"}
        if g["estimate"] is not None:
            assert g["ci_low"] <= g["estimate"] <= g["ci_high"]
    assert isinstance(by["credible"], list)


@needs_real
def test_by_header_as_written_in_the_file(capsys):
    assert main(["summary", str(REAL_TRACKER), "--by", "Application site", "--json",
                 "--as-of", "2023-03-13"]) == 0
    by = json.loads(capsys.readouterr().out)["by"]
    assert by["column"] == "source"
    small = [g for g in by["groups"] if g["n"] < 5]
    assert small and all(g["estimate"] is None and g["note"] for g in small)


def test_without_by_no_by_key(capsys):
    assert main(["summary", str(SAMPLE), "--json", "--as-of", "2025-06-30"]) == 0
    assert "by" not in json.loads(capsys.readouterr().out)


def test_by_text_output(capsys):
    assert main(["summary", str(SAMPLE), "--by", "month", "--as-of", "2025-06-30"]) == 0
    text = capsys.readouterr().out
    assert "By month: replies on record, and the chance of a reply within 14 days" in text
    assert "Test: log-rank test" in text


def test_unknown_by_column_is_a_clear_error(capsys):
    assert main(["summary", str(SAMPLE), "--by", "colour", "--as-of", "2025-06-30"]) == 2
    err = capsys.readouterr().err
    assert "Cannot compare by 'colour'" in err and "weekday, week, month" in err
    assert "Traceback" not in err
