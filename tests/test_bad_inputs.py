"""Bad, broken and hostile inputs: each case of the corpus through ``load`` and the CLI.

The catalogue (what each file is and what jobstats must do with it) lives in
``tests/bad_inputs/cases.py``, the files are built by ``make_corpus.py``. Every
case checks: the documented outcome (a clear error naming the file and what to
do, or the rows kept / dropped / warned about), no traceback from the CLI,
bounded time and memory, and the input file byte-identical afterwards with
nothing written beside it. The CLI runs in-process through ``main(argv)``
except for the few cases that need a process boundary (see ``PROCESS_CASES``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import sys
import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from bad_inputs.cases import AS_OF, CASES, EARLY, Case, write_case
from bad_inputs.make_corpus import write_ole2
from conftest import run_main

from jobstats.schema import (
    APPLICATION_COLUMNS,
    STAGES,
    STATUSES,
    InputError,
    UnreadableFileError,
)

#: Address-space limit of the CLI child process: a hostile file must be refused
#: long before it could make jobstats allocate this much.
MEMORY_LIMIT = 2 * 1024**3
CLI_TIMEOUT = 60  # seconds; the 300,000-row sheet and the bombs get three times that
IDS = [c.name for c in CASES]


def _squash(text: str) -> str:
    """Lower-case, no white space: the CLI wraps its message (and long paths)."""
    return re.sub(r"\s+", "", text).lower()


def _has(text: str, fragment: str) -> bool:
    return _squash(fragment) in _squash(text)


def _sha256(path: Path) -> str | None:
    if not path.is_file():
        return None
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _state(path: Path, folder: Path) -> tuple[str | None, list[str]]:
    """What must not change: the file's bytes and the folder's listing."""
    return _sha256(path), _listing(folder)


def _place(case: Case, src: Path, folder: Path) -> Path:
    """Copy the case's file (or folder) from the corpus into a new, empty ``folder``."""
    folder.mkdir(parents=True)
    dst = folder / case.filename
    if src.is_dir():
        shutil.copytree(src, dst)
    elif src.exists():
        shutil.copy2(src, dst)
    return dst


class _Corpus(dict):
    """Case name -> its file, built on first use (the bombs and the long sheet take a
    second each): a pytest-xdist worker builds only the files of the tests it runs."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.cases = {c.name: c for c in CASES}

    def __missing__(self, name: str) -> Path:
        sub = self.folder / name
        sub.mkdir()
        self[name] = path = write_case(self.cases[name], sub)
        return path


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each case's file, built once per test process."""
    return _Corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture
def case_file(request: pytest.FixtureRequest, corpus: dict[str, Path], tmp_path: Path):
    """A private copy of the case's file in an otherwise empty folder."""
    case: Case = request.param
    folder = tmp_path / "in"
    dst = _place(case, corpus[case.name], folder)
    before = _state(dst, folder)
    yield case, dst
    # The user's file is never modified, and nothing is written beside it.
    assert _state(dst, folder) == before


def _check_result(case: Case, result: object) -> None:
    apps = result.applications  # type: ignore[attr-defined]
    report = result.report  # type: ignore[attr-defined]
    warnings = [str(w) for w in report.lines]
    if case.applications is not None:
        assert len(apps) == case.applications, warnings
    if case.dropped is not None:
        assert report.dropped == case.dropped, warnings
    if case.rows is not None:
        # No row disappears without being reported.
        assert len(apps) + report.dropped == case.rows, warnings
    for fragment in case.warnings:
        assert any(_has(w, fragment) for w in warnings), (fragment, warnings)
    # Invariants of the canonical table on whatever was kept.
    assert set(APPLICATION_COLUMNS) <= set(apps.columns)
    assert apps["application_id"].is_unique
    assert apps["applied_on"].notna().all()
    replied = apps["first_reply_on"].notna()
    first, applied = apps.loc[replied, "first_reply_on"], apps.loc[replied, "applied_on"]
    assert (first >= applied.dt.normalize()).all()
    assert set(apps["stage"]) <= set(STAGES)
    assert set(apps["status"]) <= set(STATUSES)
    if case.check is not None:
        case.check(result)


# The 300,000-row sheet is loaded by the CLI test only (same ``load`` call in
# the child, under the memory limit): loading it twice would double this file's
# run time.
LOAD_CASES = [c for c in CASES if not (c.slow and c.outcome == "ok")]


@pytest.mark.parametrize("case_file", LOAD_CASES, ids=[c.name for c in LOAD_CASES], indirect=True)
def test_load(case_file: tuple[Case, Path]) -> None:
    from jobstats.io import load

    case, path = case_file
    if case.outcome == "error":
        assert case.error is not None
        with pytest.raises(case.error) as info:
            load(path, as_of=pd.Timestamp(AS_OF))
        message = str(info.value)
        assert _has(message, path.name), message
        for fragment in case.fragments:
            assert _has(message, fragment), (fragment, message)
    elif case.outcome == "empty":
        result = load(path, as_of=pd.Timestamp(AS_OF))
        assert len(result.applications) == 0 and result.report.dropped == 0
    else:
        result = load(path, as_of=pd.Timestamp(AS_OF))
        _check_result(case, result)


# The child sets its own address-space limit before importing anything, then
# runs its body. Not preexec_fn: these children are started from worker threads,
# and preexec_fn is not safe with threads (the forked child may deadlock on a lock
# another thread held).
_LIMITED = (
    "import resource, runpy, sys; "
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT})); "
    "{body}"
)

#: The body of the CLI child: a fork server. Under the memory limit it imports what
#: a ``summary`` run imports (pandas, jobstats: 0.7 s of CPU, most of a refused
#: file's run), once. Then for each request (a JSON line on stdin) it forks a process
#: that runs ``python -m jobstats.cli ARGS`` exactly (runpy, ``jobstats.cli`` not yet
#: in ``sys.modules``, as in a fresh interpreter) in the request's folder, with its
#: own stdout and stderr files, the limit (inherited), an alarm for the time limit,
#: and its own exit code, which the server writes back as a JSON line. A guard that
#: failed ends that one process (MemoryError, a traceback, exit 1), never the server
#: or the test process.
_SERVER = r"""
import json, os, signal, traceback
import jobstats.cli, jobstats.io.api, jobstats.summary
del sys.modules["jobstats.cli"]
for line in sys.stdin:
    req = json.loads(line)
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.chdir(req["cwd"])
            fds = [os.open(os.devnull, os.O_RDONLY)] + [
                os.open(req[k], os.O_WRONLY | os.O_CREAT | os.O_TRUNC) for k in ("out", "err")]
            for i, fd in enumerate(fds):
                os.dup2(fd, i)
            signal.alarm(req["timeout"])
            sys.argv = ["jobstats", *req["args"]]
            try:
                runpy.run_module("jobstats.cli", run_name="__main__")
                code = 0
            except SystemExit as exc:  # as the interpreter exits on it
                if exc.code is None or isinstance(exc.code, int):
                    code = exc.code or 0
                else:
                    print(exc.code, file=sys.stderr)
            except BaseException:
                traceback.print_exc()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"code": os.waitstatus_to_exitcode(status)}), flush=True)
"""


def _env() -> dict[str, str]:
    # One BLAS thread: each thread reserves address space, not memory.
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop("JOBSTATS_DEBUG", None)
    return env


class CliServer:
    """The fork server (:data:`_SERVER`), started on first use; one run at a time."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def run(self, args: list[str], timeout: int) -> tuple[int | None, str, str]:
        """``jobstats ARGS`` in a new process: (exit code or None on time-out, stdout, stderr).

        Run in a scratch folder: a folder input is a coach's, whose pseudonym key is
        written to the current folder (never beside the input)."""
        with self._lock, tempfile.TemporaryDirectory() as scratch:
            if self._proc is None:
                self._proc = subprocess.Popen(
                    [sys.executable, "-c", _LIMITED.format(body=_SERVER)], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, text=True, env=_env())
            out, err = Path(scratch, ".stdout"), Path(scratch, ".stderr")
            req = {"args": args, "cwd": scratch, "out": str(out), "err": str(err),
                   "timeout": timeout}
            assert self._proc.stdin is not None and self._proc.stdout is not None
            self._proc.stdin.write(json.dumps(req) + "\n")
            self._proc.stdin.flush()
            reply = self._proc.stdout.readline()
            assert reply, "the CLI fork server stopped"
            code = json.loads(reply)["code"]
            timed_out = code == -signal.SIGALRM
            return (None if timed_out else code, out.read_text(encoding="utf-8"),
                    err.read_text(encoding="utf-8"))

    def close(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait(timeout=60)


@pytest.fixture(scope="session")
def cli_server():
    server = CliServer()
    yield server
    server.close()


def test_memory_limit_is_enforced_in_the_child() -> None:
    """The limit the CLI runs under really bites (so a bomb would fail, not swap)."""
    proc = subprocess.run(
        [sys.executable, "-c", _LIMITED.format(body=f"b = bytearray({MEMORY_LIMIT + 2**20})")],
        capture_output=True, text=True, timeout=60, env=_env(),
    )
    assert proc.returncode != 0
    assert "MemoryError" in proc.stderr


@dataclass
class CliRun:
    """What one CLI run gave: exit code, stdout, stderr, and the input folder before/after."""

    code: int | None
    stdout: str
    stderr: str
    timed_out: bool
    path: Path
    before: tuple[str | None, list[str]]
    after: tuple[str | None, list[str]]


#: Cases run through ``python -m jobstats.cli`` in a process of their own under the
#: memory limit (forked by :class:`CliServer`): the files built to exhaust memory (a
#: guard that failed would take the test process down, or swap) and the 300,000-row
#: sheet, plus one error and one ok case as end-to-end checks of the module entry
#: point and its exit codes. Every other case runs in-process through
#: ``jobstats.cli.main(argv)``, which is what the child runs too: a process per case
#: is not what those cases test. (A fresh interpreter running the installed script
#: is tested in test_cli.py and test_cli_conventions.py.)
PROCESS_CASES = frozenset({
    "zip_bomb_total", "zip_bomb_ratio", "zip_lying_size", "billion_laughs", "far_stray_cell",
    "ods_repeated_cells", "too_many_members", "long_sheet", "wide_sheet",
    "missing_file", "csv_injection",
})
assert PROCESS_CASES <= set(IDS)


def _run_case_cli(server: CliServer, case: Case, src: Path, folder: Path) -> CliRun:
    """``jobstats summary PATH --as-of AS_OF --json`` in its own process, under the limit."""
    dst = _place(case, src, folder)
    before = _state(dst, folder)
    code, out, err = server.run(["summary", str(dst.resolve()), "--as-of", AS_OF, "--json"],
                                CLI_TIMEOUT * (3 if case.slow else 1))
    return CliRun(code, out, err, code is None, dst, before, _state(dst, folder))


def _run_case_main(case: Case, src: Path, folder: Path) -> CliRun:
    """The same command through ``main(argv)`` in this interpreter (warnings to stderr
    as a child prints them; the pseudonym key of a folder input goes to
    ``$JOBSTATS_KEY``, set by conftest)."""
    dst = _place(case, src, folder)
    before = _state(dst, folder)
    proc = run_main("summary", str(dst), "--as-of", AS_OF, "--json")
    return CliRun(proc.returncode, proc.stdout, proc.stderr, False, dst, before,
                  _state(dst, folder))


@pytest.fixture(scope="session", autouse=True)
def cli_runs(request: pytest.FixtureRequest, corpus: dict[str, Path], cli_server: CliServer,
             tmp_path_factory: pytest.TempPathFactory):
    """Start the child-process cases in the background, one at a time (one fork server).

    They run while the in-process tests run. Under pytest-xdist nothing is started
    ahead: a worker does not know which tests it will get (each starts its own
    child when it runs), and the other core is busy with the other worker.
    """
    wanted = {item.callspec.params["case"].name for item in request.session.items
              if getattr(item, "originalname", "") == "test_cli"} & PROCESS_CASES
    if os.environ.get("PYTEST_XDIST_WORKER"):
        wanted = set()
    root = tmp_path_factory.mktemp("cli")
    by_name = {c.name: c for c in CASES}
    order = sorted(wanted, key=lambda n: not by_name[n].slow)  # slow ones first
    pool = ThreadPoolExecutor(max_workers=1)  # one fork server, one run at a time
    futures = {n: pool.submit(_run_case_cli, cli_server, by_name[n], corpus[n], root / n)
               for n in order}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cli(case: Case, cli_runs: dict[str, Future[CliRun]], corpus: dict[str, Path],
             cli_server: CliServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if case.name in cli_runs:
        run = cli_runs[case.name].result()
    elif case.name in PROCESS_CASES:
        run = _run_case_cli(cli_server, case, corpus[case.name], tmp_path / "in")
    else:
        monkeypatch.delenv("JOBSTATS_DEBUG", raising=False)
        run = _run_case_main(case, corpus[case.name], tmp_path / "in")
    assert not run.timed_out, f"the CLI took over {CLI_TIMEOUT} s"
    assert run.after == run.before, "the input file was modified or a file was written beside it"
    path = run.path
    assert "Traceback" not in run.stderr, run.stderr
    if case.outcome in ("error", "empty"):
        assert run.code == 2, (run.code, run.stderr)
        assert run.stdout == ""
        assert _has(run.stderr, path.name), run.stderr
        for fragment in case.fragments:
            assert _has(run.stderr, fragment), (fragment, run.stderr)
        # One paragraph, not a dump.
        assert len(run.stderr) < 1500, run.stderr
        return
    assert run.code == 0, run.stderr
    out = json.loads(run.stdout)
    if case.applications is not None:
        assert out["applications"] == case.applications
    if case.dropped is not None:
        assert out["rows_dropped"] == case.dropped
    if case.rows is not None:
        assert out["applications"] + out["rows_dropped"] == case.rows
    # The fragment may be in any line of the JSON load report (warnings, notes,
    # date decisions, dropped/doubted rows) or in the analysis warnings.
    lr = out["load_report"]
    lines = (out["warnings"] + lr["warnings"] + lr["notes"] + lr["date_decisions"]
             + [r["reason"] for r in lr["dropped"] + lr["doubted"]])
    for fragment in case.warnings:
        assert any(_has(w, fragment) for w in lines), (fragment, lines)
    if case.cli_check is not None:
        case.cli_check(out)


# --- check_file on its own ------------------------------------------------------


@pytest.mark.parametrize("case", [c for c in CASES if c.name in EARLY], ids=lambda c: c.name)
def test_check_file_refuses_early(case: Case, corpus: dict[str, Path]) -> None:
    """The hostile and unreadable files never reach a parser."""
    from jobstats.io.safety import check_file

    assert case.error is not None and issubclass(case.error, InputError)
    with pytest.raises(case.error) as info:
        check_file(corpus[case.name])
    for fragment in (case.filename, *case.fragments):
        assert _has(str(info.value), fragment), (fragment, str(info.value))


@pytest.mark.parametrize(
    ("name", "kind"),
    [("xlsx_named_csv", "zip"), ("csv_named_xlsx", "text"), ("utf16", "text"),
     ("wide_sheet", "zip"), ("date1904", "zip"), ("cp1252", "text")],
)
def test_check_file_kind(name: str, kind: str, corpus: dict[str, Path]) -> None:
    from jobstats.io.safety import check_file

    assert check_file(corpus[name]) == kind


def test_check_file_accepts_real_workbooks(tmp_path: Path) -> None:
    """No false alarm on what pandas/openpyxl/odfpy write (styles, shared strings...)."""
    from jobstats.io.safety import check_file

    df = pd.DataFrame({"Company": ["Acme", "Zoë & Co <b>"], "Date Applied": pd.to_datetime(
        ["2025-03-01", "2025-03-02"]), "Notes": ["<!-- not markup -->", "a\nb"]})
    df.to_excel(tmp_path / "t.xlsx", index=False)
    df.to_excel(tmp_path / "t.ods", index=False, engine="odf")
    df.to_csv(tmp_path / "t.csv", index=False)
    df.to_csv(tmp_path / "t16.csv", index=False, encoding="utf-16")
    assert [check_file(tmp_path / n) for n in ("t.xlsx", "t.ods", "t.csv", "t16.csv")] == [
        "zip", "zip", "text", "text"]


def test_check_file_accepts_macro_workbook_and_embedded_objects(tmp_path: Path) -> None:
    """An .xlsm's VBA project is an OLE2 file and an embedded workbook a zip: both legit."""
    from jobstats.io.safety import check_file

    write_ole2(tmp_path / "vba.bin", {"VBA": b"Attribute VB_Name"})
    inner = tmp_path / "inner.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(inner, index=False)
    src, dst = tmp_path / "plain.xlsx", tmp_path / "macro.xlsm"
    pd.DataFrame({"Company": ["Acme"], "Date Applied": ["2025-03-01"]}).to_excel(src, index=False)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item))
        zout.writestr("xl/vbaProject.bin", (tmp_path / "vba.bin").read_bytes())
        zout.writestr("xl/embeddings/Microsoft_Excel_Worksheet1.xlsx", inner.read_bytes())
    assert check_file(dst) == "zip"


def test_check_file_legacy_xls_allowed_on_request(tmp_path: Path) -> None:
    from jobstats.io.safety import check_file

    write_ole2(tmp_path / "old.xls", {"Workbook": b"\x09\x08\x10\x00"})
    assert check_file(tmp_path / "old.xls", allow_legacy_xls=True) == "ole2"
    # ... but a password-protected workbook is refused either way.
    write_ole2(tmp_path / "lock.xlsx", {"EncryptionInfo": b"\x04\x00", "EncryptedPackage": b"x"})
    with pytest.raises(UnreadableFileError, match="password-protected"):
        check_file(tmp_path / "lock.xlsx", allow_legacy_xls=True)


def test_ole2_directory_reader_finds_stream_names(tmp_path: Path) -> None:
    """The hand-written [MS-CFB] reader on a file with two directory sectors."""
    from jobstats.io.safety import _ole2_stream_names

    names = [f"Stream{i}" for i in range(6)] + ["EncryptedPackage"]
    write_ole2(tmp_path / "f.bin", {n: n.encode() for n in names})
    assert _ole2_stream_names((tmp_path / "f.bin").read_bytes()) == ["Root Entry", *names]


def test_check_file_refuses_entity_in_any_part(tmp_path: Path) -> None:
    """A DTD in a part no reader is expected to open (docProps) is refused too."""
    from jobstats.io.safety import check_file

    src = tmp_path / "ok.xlsx"
    pd.DataFrame({"Company": ["Acme"], "Date Applied": ["2025-03-01"]}).to_excel(src, index=False)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "docProps/core.xml":
                assert not data.startswith(b"<?xml")  # openpyxl writes no declaration here
                data = b'<!DOCTYPE a [<!ENTITY b "c">]>' + data
            zout.writestr(item, data)
    with pytest.raises(UnreadableFileError, match="docProps/core.xml"):
        check_file(bad)


def test_check_file_refuses_fifo(tmp_path: Path) -> None:
    """A named pipe would block a reader forever."""
    from jobstats.io.safety import check_file

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFileError, match="not a regular file"):
        check_file(fifo)


def test_check_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jobstats.io import safety

    p = tmp_path / "big.csv"
    p.write_text("Company,Date Applied\n" + "Acme,2025-03-01\n" * 100, encoding="utf-8")
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 1000)
    with pytest.raises(UnreadableFileError, match="too large"):
        safety.check_file(p)


# --- the parsers on their own (what the comments in safety.py claim) ------------


def test_openpyxl_parses_through_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("name", ["xxe", "billion_laughs"])
def test_parsers_never_expand_entities(name: str, tmp_path: Path) -> None:
    """Even without check_file, calamine and openpyxl expand no entity, read no file."""
    import openpyxl
    from bad_inputs.make_corpus import HEADER, Serial, _serial, write_xlsx
    from python_calamine import CalamineWorkbook

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "x.xlsx"
    if name == "xxe":
        prolog = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
        ref = "&e;"
    else:
        prolog = ('<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                  + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                            for p, c in zip("abcdefgh", "bcdefghi"))
                  + "]>")
        ref = "&i;"  # 10**9 characters if expanded
    write_xlsx(path, [("S", [HEADER, [ref, "t", Serial(_serial("2025-03-01"))]])], prolog=prolog)
    # calamine (quick-xml) never expands: an entity in an inline string comes
    # back as the literal reference, one in the shared strings is an error.
    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_index(0).to_python()
    assert rows[1][0] == ref
    with pytest.raises(Exception) as info:  # noqa: PT011
        wb = openpyxl.load_workbook(path, read_only=True)
        list(wb.worksheets[0].iter_rows(values_only=True))
    assert "TOP-SECRET" not in str(info.value)


def test_check_file_counts_members_before_parsing_the_directory(tmp_path: Path) -> None:
    """The entry count is read from the end record, before zipfile builds any ZipInfo."""
    import struct

    from jobstats.io import safety

    p = tmp_path / "t.xlsx"
    pd.DataFrame({"Company": ["Acme"], "Date Applied": ["2025-03-01"]}).to_excel(p, index=False)
    with zipfile.ZipFile(p) as z:
        real = len(z.infolist())
    assert safety._zip_declared_entries(p) == real
    data = bytearray(p.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, 60_000, 60_000)  # entries on disk, in total
    p.write_bytes(bytes(data))
    with pytest.raises(UnreadableFileError, match="declares 60000 parts"):
        safety.check_file(p)


def test_zip64_entry_count(tmp_path: Path) -> None:
    """Over 65,535 entries the count lives in the zip64 end record: still read, still refused."""
    from jobstats.io import safety

    p = tmp_path / "many.xlsx"
    # written by zipfile into memory, then to disk: zipfile seeks back to each member's
    # header on a real file, twice the time of the same 65,536 members in a BytesIO
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(65_536):
            z.writestr(zipfile.ZipInfo(str(i)), b"")
    p.write_bytes(buf.getvalue())
    assert safety._zip_declared_entries(p) == 65_536
    with pytest.raises(UnreadableFileError, match="declares 65536 parts"):
        safety.check_file(p)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(['<c r="', '<row r="', 'r="', "A", "Z", "AB", "XFD", "0", "1",
                                 "9", "00", "123", "99999", "100000", '"', "<", ">", " ", "x",
                                 "</c>", "r", "="]), max_size=40))
def test_far_reference_hint_never_misses_a_far_reference(parts: list[str]) -> None:
    """The cheap test the extent bound runs on each chunk is true wherever the
    bound's own regular expressions find a wide column or a tall row."""
    from jobstats.io import safety

    scan = "".join(parts).encode()
    if safety._WIDE_REF.search(scan) or safety._TALL_REF.search(scan):
        assert safety._may_hold_far_refs(scan)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=12) | st.lists(st.sampled_from([b'"', b"e", b"t", b"=", b'"e', b"x"]),
                                         max_size=12).map(b"".join))
def test_pair_search_is_a_byte_search(data: bytes) -> None:
    """The error-cell watcher's pre-check: two bytes at an even or an odd offset."""
    from jobstats.io import safety

    for pair in (b'"e', b"ex", b"\x00\x00"):
        assert safety._has_pair(data, pair) is (pair in data)


@pytest.mark.parametrize("pieces", [[b'<c r="A1" t="e"><v>#REF!</v></c>'], [b"<c t=", b'"e">'],
                                    [b'<c t="s"', b'>"e</c>'], [b'x"e"', b"t="]])
def test_error_cells_watcher(pieces: list[bytes]) -> None:
    """Found wherever the mark is in the bytes, also across two pieces; not elsewhere."""
    from jobstats.io import safety

    seen = safety._ErrorCells()
    for p in pieces:
        seen(p)
    assert seen.found is (b't="e"' in b"".join(pieces))


_REF_PARTS = st.lists(st.sampled_from(
    ['<c r="', '<row r="', 'r="', "A", "H", "Z", "AB", "XFD", "0", "1", "9", "00", "123",
     "99999", "100000", "1048576", "0000000", "12345678", '"', "<", ">", " ", "x", "</c>",
     "r", "=", '"/>', '<c r="A2" t="e">']), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_REF_PARTS)
def test_extent_hints_bound_what_the_regular_expressions_read(parts: list[str]) -> None:
    """The numpy hints (far or not, the highest one-letter column, the tall rows'
    bound) never fall below what the regular expressions of the bound and of the
    exact scan read from the same bytes."""
    from jobstats.io import safety

    scan = "".join(parts).encode()
    far, col, rows = safety._ref_hints(scan)
    wide, tall = safety._WIDE_REF.findall(scan), safety._TALL_REF.findall(scan)
    if wide or tall:
        assert far
    if rows >= 0:
        assert far and not wide and all(int(t) <= rows for t in tall)
    for letters, number in safety._CELL_REF.findall(scan):
        if len(letters) == 1:
            assert safety._col_number(letters) <= col
        if rows >= 0:
            assert int(number) <= max(rows, 99_999)
    for number in safety._ROW_REF.findall(scan):
        if rows >= 0:
            assert int(number) <= max(rows, 99_999)


@pytest.mark.parametrize(("scan", "hints"), [
    (b'<row r="2"><c r="B2"/></row>', (False, 2, -1)),
    (b'<row r="100000"><c r="H100000"/><c r="C100000"/></row>', (True, 8, 100_000)),
    (b'<c r="A1000000"/><c r="A7"/>', (True, 1, 1_000_000)),
    (b'<c r="A0000000100000"/>', (True, 1, -1)),  # leading zeros: the regex reads them
    (b'<c r="AA2"/><c r="D100000"/>', (True, 4, -1)),  # a wide column: the regexes
    (b"<c/>", (False, 0, -1)),
])
def test_extent_hints_cases(scan: bytes, hints: tuple[bool, int, int]) -> None:
    from jobstats.io import safety

    assert safety._ref_hints(scan) == hints


@settings(max_examples=100, deadline=None)
@given(_REF_PARTS)
def test_extent_bound_is_never_below_the_exact_extent(tmp_path_factory: pytest.TempPathFactory,
                                                       parts: list[str]) -> None:
    """The cheap bound decides alone only when it is at most the limit; then the
    exact extent is at most the bound, so the verdict is the exact scan's."""
    from jobstats.io import safety

    path = tmp_path_factory.mktemp("bound") / "s.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", "<sheetData>" + "".join(parts) + "</sheetData>")
    with zipfile.ZipFile(path) as zf:
        (info,) = zf.infolist()
        bound = safety._sheet_extent_bound(zf, info, "s.zip")
        rows, cols = safety._sheet_extent(zf, info, "s.zip")
    assert bound > safety.MAX_SHEET_CELLS or rows * cols <= bound


def test_a_million_rows_a_to_h_are_bounded_without_the_exact_scan(tmp_path: Path) -> None:
    """A tall sheet of few columns (as the benchmark's 1M-row tracker) stays under
    the cheap bound; a far column in its last row still goes to the exact scan."""
    from jobstats.io import safety

    def sheet(last: str) -> bytes:
        body = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="H{r}"><v>2</v></c></row>'
                       for r in range(999_990, 1_000_001))
        far = f'<row r="1000001"><c r="{last}1000001"/></row>'
        return f"<sheetData>{body}{far}</sheetData>".encode()

    path = tmp_path / "tall.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", sheet("H"))
        z.writestr("xl/worksheets/sheet2.xml", sheet("K"))
    with zipfile.ZipFile(path) as zf:
        assert safety._sheet_extent_bound(zf, zf.getinfo("xl/worksheets/sheet1.xml"), "t") \
            == 1_000_001 * 8
        assert safety._sheet_extent_bound(zf, zf.getinfo("xl/worksheets/sheet2.xml"), "t") \
            == 1_000_001 * 11 > safety.MAX_SHEET_CELLS


@pytest.mark.parametrize(("scan", "far"), [
    (b'<row r="2"><c r="A2" t="n"><v>1</v></c><c r="H99999"/></row>', False),
    (b'<c r="AA2"/>', True), (b'<c r="A100000"/>', True), (b'<row r="100000">', True),
    (b'<c r="A0000001"/>', True),  # leading zeros: a false alarm the regexes then settle
    (b'<c r="A12345"/>', False), (b'r="', False), (b"", False),
])
def test_far_reference_hint_cases(scan: bytes, far: bool) -> None:
    from jobstats.io import safety

    assert safety._may_hold_far_refs(scan) is far


def test_a_tag_longer_than_the_limit_is_refused_not_let_go(tmp_path: Path) -> None:
    """The streamed extent check keeps each tag whole; one over MAX_TAG_BYTES refuses
    the part (dropping it could hide a far cell behind a long attribute)."""
    from jobstats.io import safety

    path = tmp_path / "long.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml",
                   b'<sheetData><c x="' + b"a" * (safety.MAX_TAG_BYTES + 1) + b'" r="ZZ9"/>')
    with zipfile.ZipFile(path) as zf:
        (info,) = zf.infolist()
        with pytest.raises(UnreadableFileError, match=r"long.zip.*more than 16 MiB"):
            list(safety._tag_chunks(zf, info, "long.zip"))
    # a tag longer than several reads, after a long text, is kept whole with its reference
    ok = tmp_path / "ok.zip"
    with zipfile.ZipFile(ok, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("s.xml", b"<a>" + b"x" * (2 << 20) + b'<c x="' + b"a" * (3 << 20)
                   + b'" r="ZZ9"/>')
    with zipfile.ZipFile(ok) as zf:
        (info,) = zf.infolist()
        pieces = list(safety._tag_chunks(zf, info, "ok.zip"))
    assert b"".join(pieces).endswith(b'r="ZZ9"/>')
    assert any(p.startswith(b'<c x="') and p.endswith(b'r="ZZ9"/>') for p in pieces)
