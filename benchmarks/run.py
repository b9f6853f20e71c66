"""The benchmark suite: each step in a fresh process, median wall time and peak memory.

Usage (from the repository root)::

    make bench                          # = python -m benchmarks (everything, 100M included)
    python -m benchmarks --quick        # start-up, 1k and 100k only (a few minutes)
    python -m benchmarks --skip-100m    # everything but the 100M Parquet step
    python -m benchmarks --only duckdb  # one part: startup, csv, xlsx, duckdb or cohort
    make bench BENCH_ARGS="--quick"

Every command runs in a child process (start-up included, as a user sees it);
its peak resident memory is the child's own ``ru_maxrss`` from ``os.wait4``.
Each target is printed as a ratio against its baseline measured in the same
run, on the same machine, so a busy machine slows both. Exit code 1 when a
target is missed by more than 50% (measured > 1.5 x allowed), else 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import AS_OF, parquet_tables, tracker_csv, tracker_xlsx

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "my_tracker.xlsx"
SAMPLE_AS_OF = "2025-06-30"
PY = sys.executable
#: A target missed by more than this factor fails the run.
TOLERANCE = 1.5
#: Parts of the suite (``--only``).
PARTS = ("startup", "csv", "xlsx", "duckdb", "cohort")


@dataclass
class Run:
    """Median wall time (s), peak RSS (MiB) and median CPU time (s, user + system, all
    threads) of ``runs`` runs of one command."""

    label: str
    seconds: float
    peak_mib: float
    runs: int
    ok: bool
    error: str = ""
    cpu: float = float("nan")
    low: float = float("nan")  # fastest and slowest run (wall)
    high: float = float("nan")


#: Runs one command and reports on stdout (JSON) its wall time, CPU time, peak RSS
#: and exit status. A child's ``ru_maxrss`` on Linux includes the peak RSS of the
#: process it was started from (the kernel keeps the pre-exec peak), so a child
#: started by this suite directly (numpy, pandas, generated inputs: hundreds of
#: MiB) could never report less than the suite's own peak. This launcher
#: (``python -S``, ~10 MiB) starts it instead; it also times it, so its own
#: start-up is not counted.
_LAUNCHER = """
import json, os, sys, time
argv = sys.argv[1:]
out = os.dup(1)
devnull = os.open(os.devnull, os.O_WRONLY)
os.dup2(devnull, 1)
t0 = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
os.write(out, json.dumps({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
                          "peak_kib": ru.ru_maxrss,
                          "code": os.waitstatus_to_exitcode(status)}).encode())
"""


def _spawn(argv: list[str]) -> tuple[dict, str]:
    """Run ``argv`` once through :data:`_LAUNCHER`: its figures and its stderr's last line."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.run([PY, "-S", "-c", _LAUNCHER, *argv], stdout=subprocess.PIPE,
                              stderr=err, cwd=ROOT, check=False)
        err.seek(0)
        text = err.read().decode(errors="replace").strip().splitlines()
    try:
        got = json.loads(proc.stdout)
    except ValueError:
        got = {"code": proc.returncode or 1}
    return got, (text[-1] if text else f"exit {got['code']}")


def measure_many(steps: list[tuple[str, list[str]]], repeat: int) -> list[Run]:
    """Run the ``(label, argv)`` steps in turn, ``repeat`` rounds (one run of each
    step per round); median wall and CPU time of each, largest peak RSS.

    Interleaved so that a step and its baseline see the same load: on a shared
    machine the others' load comes and goes over minutes, and steps measured one
    after the other (all the runs of the baseline, then all of the step) can land
    in a quiet and a busy spell. CPU time is printed too: wall time follows the
    others' load, CPU time much less.
    """
    walls: list[list[float]] = [[] for _ in steps]
    peaks: list[list[float]] = [[] for _ in steps]
    cpus: list[list[float]] = [[] for _ in steps]
    failed: dict[int, str] = {}
    for _ in range(repeat):
        for k, (_, argv) in enumerate(steps):
            if k in failed:
                continue
            got, last = _spawn(argv)
            if got["code"] != 0:
                failed[k] = last
                continue
            walls[k].append(got["wall"])
            peaks[k].append(got["peak_kib"] / 1024)  # KiB on Linux
            cpus[k].append(got["cpu"])
    runs = []
    for k, (label, _) in enumerate(steps):
        if k in failed:
            runs.append(Run(label, float("nan"), float("nan"), len(walls[k]), False, failed[k]))
            print(f"  {label:<46} FAILED: {failed[k]}", flush=True)
            continue
        run = Run(label, statistics.median(walls[k]), max(peaks[k]), repeat, True,
                  cpu=statistics.median(cpus[k]), low=min(walls[k]), high=max(walls[k]))
        spread = f", {run.low:.2f}-{run.high:.2f}" if repeat > 1 else ""
        print(f"  {label:<46} {run.seconds:8.2f} s  {run.peak_mib:8.0f} MiB  {run.cpu:8.2f} s CPU"
              f"  (median of {repeat}{spread}; load {os.getloadavg()[0]:.1f})", flush=True)
        runs.append(run)
    return runs


def measure(label: str, argv: list[str], repeat: int) -> Run:
    """Run ``argv`` ``repeat`` times; median wall and CPU time, largest peak RSS.

    CPU time is printed because the machine may be shared: wall time then
    depends on the other users' load, CPU time much less.
    """
    return measure_many([(label, argv)], repeat)[0]


def _code(body: str) -> list[str]:
    return [PY, "-c", body]


def load_cmd(path: Path) -> list[str]:
    return _code(f"import jobstats; jobstats.load({str(path)!r}, as_of={AS_OF!r})")


def summary_cmd(*paths: Path | str, as_of: str = AS_OF, extra: tuple[str, ...] = ()) -> list[str]:
    return [PY, "-m", "jobstats.cli", "summary", *map(str, paths), "--as-of", as_of, *extra]


def read_csv_cmd(path: Path) -> list[str]:
    return _code(f"import pandas; pandas.read_csv({str(path)!r})")


def calamine_cmd(path: Path) -> list[str]:
    return _code(
        "from python_calamine import CalamineWorkbook; "
        f"CalamineWorkbook.from_path({str(path)!r}).get_sheet_by_index(0).to_python()"
    )


def has_report_command() -> bool:
    proc = subprocess.run([PY, "-m", "jobstats.cli", "report", "--help"],
                          capture_output=True, text=True, cwd=ROOT)
    return proc.returncode == 0


@dataclass
class Target:
    """``measured`` must be at most ``allowed``; ``baseline`` is shown for the ratio."""

    name: str
    measured: float
    allowed: float
    baseline: float
    baseline_name: str
    unit: str

    @property
    def status(self) -> str:
        if self.measured != self.measured:  # NaN: the step failed
            return "FAILED"
        if self.measured <= self.allowed:
            return "ok"
        return "MISSED >50%" if self.measured > TOLERANCE * self.allowed else "missed"


def _fmt(x: float, unit: str) -> str:
    return "n/a" if x != x else (f"{x:.2f} {unit}" if unit == "s" else f"{x:.0f} {unit}")


def print_targets(targets: list[Target]) -> None:
    print("\nTargets (ratio = measured / baseline of the same run; of target = measured / "
          "allowed)")
    head = (f"{'target':<44} {'measured':>11} {'allowed':>11} {'of target':>9} {'baseline':>11} "
            f"{'ratio':>6}  status")
    print(head)
    print("-" * len(head))
    for t in targets:
        ratio = t.measured / t.baseline if t.baseline and t.baseline == t.baseline else float("nan")
        print(f"{t.name:<44} {_fmt(t.measured, t.unit):>11} {_fmt(t.allowed, t.unit):>11} "
              f"{t.measured / t.allowed:9.2f} {_fmt(t.baseline, t.unit):>11} {ratio:6.2f}  "
              f"{t.status}   [baseline: {t.baseline_name}]")


def machine() -> str:
    import duckdb
    import pandas

    cpus = os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    load = os.getloadavg()[0]
    return (f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, {cpus} cores, "
            f"{mem:.0f} GiB; load average {load:.1f}; Python {platform.python_version()}, "
            f"pandas {pandas.__version__}, duckdb {duckdb.__version__}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (median); default 3")
    parser.add_argument("--large-repeat", type=int, default=1,
                        help="runs per step at 1M and 100M applications (slow); default 1")
    parser.add_argument("--sizes", default="1000,100000,1000000",
                        help="tracker sizes (CSV and XLSX), comma-separated")
    parser.add_argument("--no-xlsx-at", type=int, default=0,
                        help="skip the XLSX steps at this size and above (writing a 1M-row "
                        "workbook takes minutes); default 0: never skip")
    parser.add_argument("--quick", action="store_true",
                        help="start-up, 1k and 100k applications only; no 1M, no 100M")
    parser.add_argument("--only", action="append", choices=PARTS, default=[],
                        help="run only this part (repeatable): " + ", ".join(PARTS))
    parser.add_argument("--skip-100m", action="store_true",
                        help="skip the 100M Parquet step (generating it takes ~12 min, once)")
    parser.add_argument("--full-size", type=int, default=100_000_000,
                        help="applications of the Parquet step (default 100M)")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "jobstats-bench",
                        help="where generated inputs are cached (default: a jobstats-bench "
                        "folder in the system's temporary folder, not the repository)")
    args = parser.parse_args(argv)
    parts = set(args.only or PARTS)
    if args.quick:
        args.sizes = "1000,100000"
        args.skip_100m = True
    args.data_dir.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print(f"jobstats benchmarks: {machine()}\n")
    targets: list[Target] = []

    if "startup" in parts:
        targets += startup_targets(args.repeat)
    runs: dict[tuple[str, str, int], Run] = {}
    report = has_report_command()
    for n in sizes if "csv" in parts else []:
        rep = args.large_repeat if n >= 1_000_000 else args.repeat
        print(f"\n{n:,} applications")
        csv_steps(runs, n, args.data_dir, rep, report)
    if "xlsx" in parts:
        xlsx_steps(runs, sizes, args)
    targets += scale_targets(runs, sizes)
    if "duckdb" in parts and not args.skip_100m:
        targets += parquet_targets(args.full_size, args.data_dir, args.large_repeat)
    elif "duckdb" in parts:
        print("\n100M Parquet step: skipped (--skip-100m / --quick)")
    if "cohort" in parts:
        targets += cohort_targets(runs, 20 if args.quick else 200)
    return finish(targets, runs)


def compile_bytecode() -> None:
    """Write jobstats' bytecode (``__pycache__``) before timing start-up, not timed.

    An installed wheel has it (pip compiles at install); an editable install
    writes it on first import, unless ``PYTHONDONTWRITEBYTECODE`` is set (as in
    some sandboxes and CI images): then every start compiled all of jobstats'
    modules again, ~0.1-0.2 s that a user's installation never pays.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("jobstats")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def startup_targets(repeat: int) -> list[Target]:
    """``import jobstats`` against ``import pandas``; the bundled sample's summary."""
    targets = []
    print("Start-up")
    compile_bytecode()
    pandas_import = measure("import pandas", _code("import pandas"), repeat * 2)
    jobstats_import = measure("import jobstats", _code("import jobstats"), repeat * 2)
    targets.append(Target("import jobstats <= import pandas + 0.15 s", jobstats_import.seconds,
                          pandas_import.seconds + 0.15, pandas_import.seconds, "import pandas",
                          "s"))
    sample = measure("summary of the bundled sample (CLI)",
                     summary_cmd(SAMPLE, as_of=SAMPLE_AS_OF), repeat)
    targets.append(Target("summary of the bundled sample <= 1 s", sample.seconds, 1.0,
                          pandas_import.seconds, "import pandas", "s"))
    return targets


def xlsx_steps(runs: dict, sizes: list[int], args: argparse.Namespace) -> None:
    """Bare calamine read (baseline), load and summary of the XLSX trackers.

    The steps of all sizes under 1M run interleaved (one run of each per round,
    ``--repeat`` rounds), so the target's four steps (baseline and load, at the
    smallest size and at 100k) see the same load; sizes from 1M on run
    interleaved among themselves, ``--large-repeat`` rounds.
    """
    todo = [n for n in sizes if not (args.no_xlsx_at and n >= args.no_xlsx_at)]
    for n in sorted(set(sizes) - set(todo)):
        print(f"\nXLSX at {n:,}: skipped (--no-xlsx-at)")
    for group, rep in (([n for n in todo if n < 1_000_000], args.repeat),
                       ([n for n in todo if n >= 1_000_000], args.large_repeat)):
        if not group:
            continue
        print(f"\nXLSX, {', '.join(f'{n:,}' for n in group)} applications (runs interleaved)")
        steps, keys = [], []
        for n in group:
            xlsx = tracker_xlsx(n, args.data_dir)
            steps += [(f"baseline: bare calamine read ({n:,})", calamine_cmd(xlsx)),
                      (f"load XLSX ({n:,})", load_cmd(xlsx)),
                      (f"summary XLSX ({n:,})", summary_cmd(xlsx))]
            keys += [("calamine", "xlsx", n), ("load", "xlsx", n), ("summary", "xlsx", n)]
        runs.update(zip(keys, measure_many(steps, rep)))


def csv_steps(runs: dict, n: int, folder: Path, rep: int, report: bool) -> None:
    """pandas.read_csv (baseline), load, summary and report of an ``n``-row CSV tracker."""
    csv = tracker_csv(n, folder)
    runs["read_csv", "csv", n] = measure(f"baseline: pandas.read_csv ({n:,})", read_csv_cmd(csv),
                                         rep)
    runs["load", "csv", n] = measure(f"load CSV ({n:,})", load_cmd(csv), rep)
    runs["summary", "csv", n] = measure(f"summary CSV ({n:,})", summary_cmd(csv), rep)
    if report:
        out = Path(tempfile.mkdtemp(prefix="jobstats-bench-report-"))
        runs["report", "csv", n] = measure(
            f"report CSV ({n:,})",
            [PY, "-m", "jobstats.cli", "report", str(csv), "--as-of", AS_OF, "-o", str(out),
             "--force"], rep)


def scale_targets(runs: dict, sizes: list[int]) -> list[Target]:
    """The pandas path at 1M (CSV) and the loader at 100k (XLSX), marginal costs."""
    targets: list[Target] = []
    if not sizes:
        return targets

    def marginal(step: str, kind: str, n: int, cpu: bool = False) -> float:
        """Cost of the rows beyond the smallest size (start-up cancels)."""
        small = min(sizes)
        a, b = runs.get((step, kind, n)), runs.get((step, kind, small))
        if not (a and b and a.ok and b.ok):
            return float("nan")
        return a.cpu - b.cpu if cpu else a.seconds - b.seconds

    if ("summary", "csv", 1_000_000) in runs and min(sizes) < 1_000_000:
        base = marginal("read_csv", "csv", 1_000_000)
        targets.append(Target("summary 1M CSV, marginal <= 2x read_csv",
                              marginal("summary", "csv", 1_000_000), 2 * base, base,
                              "pandas.read_csv, marginal", "s"))
        peak = runs["summary", "csv", 1_000_000].peak_mib
        targets.append(Target("summary 1M CSV, peak memory <= 1.5 GB", peak, 1.5 * 1024,
                              runs["read_csv", "csv", 1_000_000].peak_mib, "pandas.read_csv peak",
                              "MiB"))
    if ("load", "xlsx", 100_000) in runs and min(sizes) < 100_000:
        base = marginal("calamine", "xlsx", 100_000)
        targets.append(Target("load 100k XLSX, marginal <= 1.3x calamine",
                              marginal("load", "xlsx", 100_000), 1.3 * base, base,
                              "bare calamine read, marginal", "s"))
        # the same in CPU time (user + system), which the others' load moves much less
        base = marginal("calamine", "xlsx", 100_000, cpu=True)
        targets.append(Target("  same, in CPU time", marginal("load", "xlsx", 100_000, cpu=True),
                              1.3 * base, base, "bare calamine read, marginal CPU", "s"))
    return targets


def parquet_targets(n: int, folder: Path, repeat: int) -> list[Target]:
    """``jobstats summary`` of ``n`` applications in Parquet through DuckDB: 2 min, 4 GB."""
    print(f"\n{n:,} applications, canonical Parquet tables through DuckDB")
    t0 = time.perf_counter()
    apps, events = parquet_tables(n, folder)
    print(f"  (inputs ready in {time.perf_counter() - t0:.0f} s: {apps.parent})")
    count = measure(f"baseline: DuckDB count(*) of the Parquet ({n:,})", _code(
        f"import duckdb; duckdb.sql(\"SELECT count(*) FROM read_parquet('{apps}/*.parquet')\")"
        ".fetchall()"), repeat)
    full = measure(f"summary Parquet via DuckDB ({n:,})",
                   summary_cmd(f"{apps}/*.parquet", extra=("--events", f"{events}/*.parquet")),
                   repeat)
    return [
        Target(f"summary {n // 1_000_000}M Parquet <= 120 s", full.seconds, 120.0,
               count.seconds, "DuckDB count(*)", "s"),
        Target(f"summary {n // 1_000_000}M Parquet, peak <= 4 GB", full.peak_mib, 4 * 1024,
               count.peak_mib, "DuckDB count(*) peak", "MiB"),
    ]


def cohort_targets(runs: dict, clients: int) -> list[Target]:
    """A coach's folder: ``clients`` x 500 applications loaded and reported (issue 11: 200 in
    two minutes), with and without the per-client pages; baseline: ``import pandas``."""
    print(f"\nA coach's folder: {clients} clients x 500 applications")
    base = measure("import pandas", _code("import pandas"), 1)
    module = [PY, "-m", "benchmarks.cohort", str(clients), "500"]
    subprocess.run([*module, "--prepare"], cwd=ROOT, check=True)  # inputs, cached: not timed
    cohort = runs["cohort", "folder", clients] = measure(
        f"load + cohort report ({clients} clients)", module + ["--no-client-pages"], 1)
    pages = runs["cohort", "pages", clients] = measure(
        f"load + cohort report + client pages ({clients} clients)", module, 1)
    allowed = 120.0 * clients / 200
    return [
        Target(f"{clients} clients: load + cohort report <= {allowed:.0f} s", cohort.seconds,
               allowed, base.seconds, "import pandas", "s"),
        Target(f"{clients} clients: ... + one page per client <= {allowed:.0f} s", pages.seconds,
               allowed, base.seconds, "import pandas", "s"),
    ]


def finish(targets: list[Target], runs: dict) -> int:
    """Print the targets; 1 when one is missed by more than 50% or a step failed."""
    print_targets(targets)
    failed = [t for t in targets if t.status in ("MISSED >50%", "FAILED")]
    for r in runs.values():
        if not r.ok:
            print(f"step failed: {r.label}: {r.error}")
    failed += [r for r in runs.values() if not r.ok]
    if failed:
        print(f"\n{len(failed)} target(s) missed by more than {TOLERANCE - 1:.0%} (or failed).")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
