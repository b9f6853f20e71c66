"""Shared test settings and helpers: where the real public trackers are, a quiet
matplotlib, a hand-computed Wilson interval, a hand-computed Kaplan–Meier case and
the CLI run in this interpreter."""

from __future__ import annotations

import contextlib
import io
import math
import os
import subprocess
import warnings
from pathlib import Path

# One BLAS thread per test process, set before numpy is first imported (workers,
# notebook kernels and CLI children inherit it). The models fit small matrices:
# OpenBLAS's extra threads only spin, and with one pytest-xdist worker per core
# they fight each other; the sample coach folder's summary took 2.5x the CPU time
# with the default threads on the 2-core dev machine.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from typing import TYPE_CHECKING  # noqa: E402

import pytest  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd


def pytest_configure(config: pytest.Config) -> None:
    """A quiet matplotlib (Agg) in every process that runs tests.

    Not in pytest-xdist's controller (``-n``), which runs none: there pandas, matplotlib
    and openpyxl (imported by the helpers below where they are used) would only cost
    about 1 s of CPU before the workers start.
    """
    if config.getoption("numprocesses", default=None) and not os.environ.get(
            "PYTEST_XDIST_WORKER"):
        return
    import matplotlib

    matplotlib.use("Agg")

_ROOT = Path(__file__).resolve().parents[1]


def _real_data_dir() -> Path:
    """The folder of real public trackers (``shared/data/real`` beside the repo).

    CI and developers' machines lay ``shared/`` beside the clone; set
    ``JOBSTATS_REAL_DATA`` to point elsewhere.
    """
    env = os.environ.get("JOBSTATS_REAL_DATA")
    candidates = [Path(env)] if env else []
    candidates += [_ROOT.parent / "shared" / "data" / "real", Path("/work/shared/data/real")]
    for folder in candidates:
        if (folder / "timhanneman_merged.csv").exists():
            return folder
    return candidates[0]


REAL_DATA = _real_data_dir()
#: Tim Hanneman's published tracker (MIT): 177 applications, 2021-2023.
REAL_TRACKER = REAL_DATA / "timhanneman_merged.csv"


#: The slowest test files, slowest first (CPU seconds measured on the 2-core dev
#: machine, 2026-11-26, load ~5: Spark ~50, properties ~45, bad inputs ~28, the rest
#: 8-16; test_api ~9 since write_report's figures are not rasterised). ``make test`` runs
#: ``--dist loadfile --no-loadscope-reorder``: pytest-xdist then hands out whole files
#: in collection order, and this order makes the long files start first and the short
#: ones fill in beside them. (xdist's own reorder sorts by number of tests, which put
#: these few long tests last, each alone on one worker at the end.) Order only: every
#: file still runs its tests in their own order.
SLOWEST_FIRST = (
    "test_properties.py", "test_engine_spark.py", "test_bad_inputs.py", "test_privacy.py",
    "test_report_writing.py", "test_report_browser.py", "04_workshop_charts.ipynb",
    "test_report.py", "test_missing_info.py", "test_compare.py", "test_api.py",
    "test_followup.py", "test_engine.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable


def wilson_by_hand(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval of ``k`` of ``n``, from the textbook formula."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def six_applications() -> pd.DataFrame:
    """Replies on day 2 and day 20; two censored at day 10; two silent 60 days.

    As of 2025-03-02 the Kaplan–Meier S(30) is 5/6 * 2/3.
    """
    import pandas as pd

    return pd.DataFrame(
        {
            "application_id": list("abcdef"),
            "applied_on": pd.to_datetime(
                ["2025-01-01", "2025-01-01", "2025-02-20", "2025-02-20", "2025-01-01", "2025-01-01"]
            ),
            "first_reply_on": pd.to_datetime(["2025-01-03", "2025-01-21", None, None, None, None]),
            "stage": ["replied", "replied", "applied", "applied", "applied", "applied"],
        }
    )


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write a real workbook at ``path`` with one sheet per item, in order."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    """``jobstats ARGS`` in this interpreter, returned as a finished child process would be.

    Calls ``jobstats.cli.main(args)`` (what the ``jobstats`` script and ``python -m
    jobstats`` run) with stdout and stderr captured as plain text streams (not a
    terminal, like a pipe); the exit code is main's return value or argparse's
    ``SystemExit`` code. Python warnings go to stderr as a fresh interpreter would
    print them (its default filters), so "stderr is empty" keeps its meaning.
    Starting an interpreter per call costs 1-3 s of imports; tests of the process
    itself (entry points, a closed pipe, the memory limit) still start one.
    """
    from jobstats.cli import main

    out, err = io.StringIO(), io.StringIO()
    with (contextlib.redirect_stdout(out), contextlib.redirect_stderr(err),
          warnings.catch_warnings(record=True) as caught):
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                         ResourceWarning):  # what python ignores by default outside __main__
            warnings.filterwarnings("ignore", category=category)
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    for w in caught:
        err.write(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line))
    return subprocess.CompletedProcess(["jobstats", *args], code, out.getvalue(),
                                       err.getvalue())


@pytest.fixture(autouse=True)
def _private_key_in_tmp(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Coach mode writes a pseudonym key file (default: the current folder); tests keep
    it out of the repository (subprocesses inherit the variable)."""
    key = tmp_path_factory.getbasetemp() / "jobstats-clients.key.csv"
    monkeypatch.setenv("JOBSTATS_KEY", str(key))


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report folder of ``test_report.hostile_csv`` as of 2025-06-30, real figures.

    Written once per test process for test_report.py and test_report_browser.py, which
    only read it (a test that changes a report writes its own).
    """
    from test_report import hostile_csv

    import jobstats
    from jobstats.report import write_report

    folder = tmp_path_factory.mktemp("hostile")
    data = jobstats.load(hostile_csv(folder / "tracker.csv"), as_of="2025-06-30")
    write_report(data, folder / "out")
    return folder / "out"


@pytest.fixture
def quick_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report's figures drawn but not rasterised (no ``savefig``).

    Saving each figure as PNG and SVG is about 70% of a report's CPU time. For tests of
    what is written around the figures (the output guard, atomic writes, progress steps,
    refusals), never for a test that reads a figure file: each figure still gets its own
    deterministic bytes, so file names, manifests and page comparisons work as before.
    """
    import jobstats.report as report

    def render(fig: object, fmt: str, dpi: int = report.DPI, cropped: bool = False) -> bytes:
        titles = "|".join(ax.get_title() for ax in fig.axes)  # type: ignore[attr-defined]
        return f"{fmt} {dpi} {len(fig.axes)} axes: {titles}".encode()  # type: ignore[attr-defined]

    monkeypatch.setattr(report, "_render", render)
