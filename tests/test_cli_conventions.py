"""CLI conventions: help with examples, version, exit codes, errors, progress, colour, order.

What the command prints runs through ``main(argv)`` in this interpreter
(``conftest.run_main``: plain, non-terminal streams, as through a pipe); the
entry points and a real pipe start a child process.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_main

import jobstats
import jobstats.io
from jobstats import cli
from jobstats.cli import main

COMMANDS = ("summary", "due", "report", "template")


run = run_main


def run_child(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m jobstats ARGS`` in a child process, stdout and stderr piped (not a terminal)."""
    return subprocess.run([sys.executable, "-m", "jobstats", *args], capture_output=True,
                          text=True, timeout=300)


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def tracker(path: Path, rows: int = 6, company: str = "ACME") -> Path:
    lines = ["Company,Title,Date applied,Status"]
    lines += [f"{company} {i},Analyst,2025-03-{i + 1:02d},Applied" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples_and_exit_codes(command: str) -> None:
    proc = run(command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "examples:" in proc.stdout
    assert f"jobstats {command}" in proc.stdout.split("examples:")[1]
    assert "exit codes:" in proc.stdout and "2    bad input" in proc.stdout


def test_top_level_help_lists_every_command_and_version_works() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for command in COMMANDS:
        assert command in proc.stdout
    version = run("--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"jobstats {jobstats.__version__}"


def test_console_script_module_and_cli_module_are_the_same_command() -> None:
    for argv in ([sys.executable, "-m", "jobstats", "--version"],
                 [sys.executable, "-m", "jobstats.cli", "--version"]):
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0 and proc.stdout.strip().startswith("jobstats ")


def test_help_version_and_usage_errors_start_without_pandas() -> None:
    """Help, version and argparse's usage errors read no tracker: they answer without
    importing pandas (0.1 s instead of about 1 s of start-up)."""
    code = """
import contextlib, io, sys
from jobstats.cli import main
for argv in (["--version"], ["--help"], ["summary", "--help"], ["due", "--help"],
             ["report", "--help"], ["template", "--help"], [], ["frobnicate"],
             ["summary", "x.csv", "--as-of", "soon"], ["due", "x.csv", "--after", "-3"]):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            main(argv)
        except SystemExit:
            pass
print(sorted(m for m in ("pandas", "numpy") if m in sys.modules))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_paths_and_options_in_any_order(tmp_path: Path) -> None:
    a = tracker(tmp_path / "a.csv", rows=6)
    b = tracker(tmp_path / "b.csv", rows=7)
    proc = run("summary", str(a), "--json", str(b), "--as-of", "2025-06-30")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["applications"] == 13 and len(out["files"]) == 2
    # options before the paths, and a global option before the command
    again = run("--debug", "summary", "--as-of", "2025-06-30", "--json", str(b), str(a))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["applications"] == 13


@pytest.mark.parametrize(
    "args, fragment",
    [
        ([], "give a command"),
        (["frobnicate"], "invalid choice"),
        (["summary"], "PATH"),
        (["summary", "x.csv", "--as-of", "soon"], "--as-of 'soon': write the date as YYYY-MM-DD"),
        (["summary", "x.csv", "--bogus"], "unrecognized arguments: --bogus"),
        (["due", "x.csv", "--after", "-3"], "whole number of days"),
        (["report", "x.csv"], "-o/--output"),
        (["summary", "x.csv", "--status", "Absage"], "WORD=STATUS"),
    ],
)
def test_bad_arguments_exit_2_with_one_paragraph_and_no_traceback(
        args: list[str], fragment: str, tmp_path: Path) -> None:
    tracker(tmp_path / "x.csv")
    args = [str(tmp_path / a) if a == "x.csv" else a for a in args]
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    assert fragment in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1  # one paragraph, one line
    assert proc.stdout == ""


def test_internal_error_exits_1_without_traceback_unless_debug(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    path = tracker(tmp_path / "t.csv")

    def broken(*a: object, **k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("jobstats.summary.summarize", broken)
    assert main(["summary", str(path), "--as-of", "2025-06-30"]) == 1
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: boom)" in err and "--debug" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1

    assert main(["summary", str(path), "--debug", "--as-of", "2025-06-30"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: boom" in err


def test_bad_input_error_names_the_file_and_exit_code_2(tmp_path: Path) -> None:
    proc = run("due", str(tmp_path / "missing.xlsx"))
    assert proc.returncode == 2
    assert "missing.xlsx" in proc.stderr and "Traceback" not in proc.stderr


def test_status_option_passes_through_to_load_when_it_accepts_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tracker(tmp_path / "t.csv")
    real_load = jobstats.io.load
    seen: dict[str, object] = {}

    def load_with_statuses(p: object, *, statuses: dict[str, str] | None = None, **kw: object):
        seen["statuses"] = statuses
        return real_load(p, **kw)

    monkeypatch.setattr(jobstats.io, "load", load_with_statuses)
    code = main(["summary", str(path), "--status", "Absage=rejected", "--status",
                 "Zusage = Offer", "--as-of", "2025-06-30", "--json"])
    assert code == 0
    assert seen["statuses"] == {"Absage": "rejected", "Zusage": "offer"}


def test_progress_bar_on_a_terminal_with_many_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    paths = [str(tracker(tmp_path / f"c{i}.csv")) for i in range(3)]
    term = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert main(["summary", *paths, "--as-of", "2025-06-30", "--json"]) == 0
    assert "loading" in term.getvalue() and "3/3" in term.getvalue()
    assert json.loads(capsys.readouterr().out)["applications"] == 18
    # load_many is restored after the run
    from jobstats.io import api
    assert api.load is jobstats.io.load


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    paths = [str(tracker(tmp_path / f"c{i}.csv")) for i in range(3)]
    key = ("--key", str(tmp_path / "k.key.csv"))
    first = run_child("summary", *paths, *key, "--as-of", "2025-06-30")  # a real pipe
    assert first.returncode == 0, first.stderr
    assert first.stderr.startswith("jobstats: pseudonyms of 3 new client(s) saved")
    assert "loading" not in first.stderr
    # The key file the child wrote is read back: clients known now, nothing on stderr.
    # In this interpreter (stderr not a terminal either): the real pipe is the first
    # run's, a second child would only repeat it (1-2 s of imports).
    again = run("summary", *paths, *key, "--as-of", "2025-06-30")
    assert again.returncode == 0 and again.stderr == ""


def test_output_to_a_pipe_is_plain_text(tmp_path: Path) -> None:
    path = tracker(tmp_path / "t.csv")
    for command in ("summary", "due"):
        proc = run(command, str(path), "--as-of", "2025-06-30")
        assert proc.returncode == 0, proc.stderr
        assert "\x1b" not in proc.stdout and "\x1b" not in proc.stderr
    bad = run("summary", str(tmp_path / "nope.csv"))
    assert bad.returncode == 2 and "\x1b" not in bad.stderr


def test_colour_only_on_a_terminal_and_never_with_no_color(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert cli.paint("x", "31", FakeTerminal()) == "\x1b[31mx\x1b[0m"
    assert cli.paint("x", "31", io.StringIO()) == "x"
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli.paint("x", "31", FakeTerminal()) == "x"


def test_errors_are_red_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    term = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert main(["summary", str(tmp_path / "nope.csv")]) == 2
    assert term.getvalue().startswith("\x1b[1;31mjobstats:\x1b[0m ")
    monkeypatch.setenv("NO_COLOR", "1")
    term2 = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", term2)
    assert main(["summary", str(tmp_path / "nope.csv")]) == 2
    assert term2.getvalue().startswith("jobstats: ")


@pytest.mark.usefixtures("quick_figures")
def test_report_shows_its_steps_on_a_terminal_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    path = tracker(tmp_path / "t.csv", rows=8)
    term = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", term)
    assert main(["report", str(path), "-o", str(tmp_path / "a"), "--as-of", "2025-06-30"]) == 0
    shown = term.getvalue()
    assert "report" in shown and "figures" in shown and "6/6" in shown
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert main(["report", str(path), "-o", str(tmp_path / "b"), "--as-of", "2025-06-30"]) == 0
    assert sys.stderr.getvalue() == ""
    assert "report.html" in capsys.readouterr().out
