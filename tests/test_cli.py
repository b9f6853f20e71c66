"""The ``jobstats`` command: output, JSON contract and exit codes, run as a user runs it.

A few tests start a real ``python -m jobstats.cli`` (the JSON on the real tracker, a
missing file's exit code, a closed pipe); the others call the same ``main(argv)`` in
this interpreter (``conftest.run_main``), which is what they test.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from conftest import REAL_TRACKER, run_main

from jobstats.cli import main

REAL = REAL_TRACKER
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "my_tracker.xlsx"

needs_real = pytest.mark.skipif(not REAL.exists(), reason="shared/data/real is not beside the repo")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "jobstats.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@needs_real
def test_summary_json_on_real_tracker_has_the_promised_keys_and_counts() -> None:
    before = sha256(REAL)
    proc = run_cli("summary", str(REAL), "--as-of", "2023-03-13", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = json.loads(proc.stdout)

    # Independent count straight from the CSV text: a reply is on record when the
    # "Date of 1st Response" cell holds a date (all of them are before 2023-03-13).
    with REAL.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    replied = sum(1 for r in rows if r["Date of 1st Response"].strip())
    assert out["applications"] == len(rows) == 177
    assert out["responses"] == replied == 64
    assert out["as_of"] == "2023-03-13"
    sent = sorted(datetime.strptime(r["Date sent"], "%m/%d/%Y").date() for r in rows)
    assert out["first_applied"] == sent[0].isoformat()
    assert out["last_applied"] == sent[-1].isoformat()
    rr = out["response_rate"]
    assert rr["estimate"] == pytest.approx(64 / 177)
    assert rr["ci_low"] < rr["estimate"] < rr["ci_high"]
    assert set(out["reply_within"]) == {"7", "14", "30"}
    # Reference values from shared/RESEARCH.md section 3 (computed there, not here).
    for days, ref in {"7": 0.22, "14": 0.26, "30": 0.30}.items():
        assert out["reply_within"][days]["estimate"] == pytest.approx(ref, abs=0.03)
    assert out["median_days_to_reply_among_replied"] == pytest.approx(3, abs=1)
    assert out["followup"] is None  # this tracker records no follow-ups
    assert isinstance(out["warnings"], list) and all(isinstance(w, str) for w in out["warnings"])
    assert any("#REF!" in w for w in out["warnings"])
    assert sha256(REAL) == before


@needs_real
def test_summary_text_is_readable() -> None:
    proc = run_main("summary", str(REAL), "--as-of", "2023-03-13")
    assert proc.returncode == 0, proc.stderr
    assert "177 applications" in proc.stdout
    assert "within" in proc.stdout and "30 days" in proc.stdout


def test_summary_on_bundled_sample_reports_followups() -> None:
    proc = run_main("summary", str(SAMPLE), "--as-of", "2025-06-30", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    fu = out["followup"]
    assert fu is not None and fu["followed_up"] > 0
    assert fu["method"]
    assert set(fu["naive"]) >= {"rate_followed_up", "rate_not_followed_up"}
    if fu["hazard_ratio"] is not None:
        assert fu["ci_low"] <= fu["hazard_ratio"] <= fu["ci_high"]


def test_missing_file_exits_2_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nope.xlsx"
    proc = run_cli("summary", str(missing))
    assert proc.returncode == 2
    assert "nope.xlsx" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_unrecognised_applied_column_says_how_to_map_it(tmp_path: Path) -> None:
    # Headers in no vocabulary table (German "Beworben am" is recognised now).
    path = tmp_path / "german.csv"
    path.write_text("Laden,Posten,Abgeschickt\nACME,Analyst,01.03.2025\nFoo,Dev,02.03.2025\n")
    proc = run_main("summary", str(path), "--as-of", "2025-06-30")
    assert proc.returncode == 2
    assert "german.csv" in proc.stderr
    assert "--column applied_on=" in proc.stderr
    assert "Traceback" not in proc.stderr

    ok = run_main(
        "summary", str(path), "--as-of", "2025-06-30", "--json",
        "--column", "applied_on=Abgeschickt", "--column", "company=Laden",
    )
    assert ok.returncode == 0, ok.stderr
    out = json.loads(ok.stdout)
    assert out["applications"] == 2
    assert out["first_applied"] == "2025-03-01"


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "x.csv", "--as-of", "yesterday-ish"],
        ["summary", "x.csv", "--column", "applied_on"],
        ["summary", "x.csv", "--column", "not_a_field=Date"],
    ],
)
def test_bad_arguments_exit_2(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "x.csv").write_text("Company,Date applied\nA,2025-01-02\n")
    args = [str(tmp_path / a) if a == "x.csv" else a for a in args]
    with pytest.raises(SystemExit) as exc:
        code = main(args)
        raise SystemExit(code)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()


def test_template_command_writes_a_workbook_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "tracker.xlsx"
    proc = run_main("template", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and out.stat().st_size > 0
    again = run_main("template", "-o", str(out))
    assert again.returncode == 2
    assert "--force" in again.stderr
    forced = run_main("template", "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr


def test_dayfirst_and_monthfirst_decide_an_ambiguous_column(tmp_path: Path) -> None:
    path = tmp_path / "ambiguous.csv"
    path.write_text("Company,Date applied\nA,03/04/2025\nB,05/06/2025\n")
    day = json.loads(run_main("summary", str(path), "--as-of", "2025-12-31", "--json", "--dayfirst").stdout)
    month = json.loads(run_main("summary", str(path), "--as-of", "2025-12-31", "--json", "--monthfirst").stdout)
    assert (day["first_applied"], day["last_applied"]) == ("2025-04-03", "2025-06-05")
    assert (month["first_applied"], month["last_applied"]) == ("2025-03-04", "2025-05-06")


def test_closed_pipe_is_quiet() -> None:
    """`jobstats summary x | head` must not end in an internal error when the reader goes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobstats.cli", "summary", str(SAMPLE), "--as-of", "2025-06-30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # nobody reads: the CLI's first write meets a broken pipe
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert "internal error" not in err and "Traceback" not in err
    assert err == ""


def test_summary_pools_a_coach_folder_and_counts_every_row(tmp_path: Path) -> None:
    """Ten clients' files in mixed formats: every row is an application or reported."""
    folder = SAMPLE.parent / "clients"
    with (SAMPLE.parent / "manifest.csv").open(newline="") as fh:
        manifest = [r for r in csv.DictReader(fh) if r["file"].startswith("clients/")]
    files = sorted(str(p) for p in folder.iterdir())
    proc = run_main("summary", *files, "--as-of", "2025-06-30", "--json",
                   "--key", str(tmp_path / "clients.key.csv"))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out["files"]) == len(manifest) == 10
    assert out["applications"] == sum(int(r["applications"]) for r in manifest)
    assert out["rows_dropped"] == sum(int(r["rows_not_applications"]) for r in manifest)
    assert len(out["warnings"]) == len(set(out["warnings"]))
    assert "client" in out["followup"]["method"]  # pooled clients are adjusted for


def test_nothing_to_analyse_says_why(tmp_path: Path) -> None:
    blank = tmp_path / "blank.xlsx"
    assert run_main("template", "-o", str(blank)).returncode == 0
    proc = run_main("summary", str(blank), "--as-of", "2025-06-30")
    assert proc.returncode == 2
    assert "blank.xlsx: no application rows below the header" in proc.stderr

    saved = tmp_path / "saved.csv"
    saved.write_text("Company,Date applied,Status\nA,2025-01-02,Wishlist\nB,,Saved\n")
    proc = run_main("summary", str(saved), "--as-of", "2025-06-30")
    assert proc.returncode == 2
    assert "all 2 rows were left out" in proc.stderr
    assert "not an application" in proc.stderr
