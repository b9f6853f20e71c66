"""Benchmark: a coach's folder of many clients, loaded and reported.

Writes CLIENTS simulated client files (CSV, APPS applications each, a
personal-tracker layout with contacts and notes) into a cached folder (not
timed; ``--prepare`` only writes them), then times, as ``jobstats report
FOLDER -o OUT`` does them:

1. ``jobstats.load(folder)`` (every file read; progress bar on a terminal),
2. ``jobstats.privacy.pseudonymise`` (pseudonyms, personal columns dropped),
3. ``jobstats.write_report`` into a temporary folder: one page per client
   (page, figures, workbook; made in worker processes, one per core, while
   this process makes the cohort page: headline numbers, follow-up model,
   client table, pooled estimates, attention flags, pooled follow-up policy),

and prints the wall-clock seconds of each step, the total against the target
(issue 11: 200 clients x 500 applications within two minutes on the 2-core
development machine), the CPU seconds of this process and of the workers (and
per client page), the peak memory and the load average. ``--no-client-pages``
leaves the client pages out; ``--workers N`` sets the processes for the client
pages (default: one per core). The machine is shared: read the load average beside the result.

Part ``cohort`` of the suite (``python -m benchmarks --only cohort``), which
runs this module in a child process (wall time from process start: imports
included); on its own::

    .venv/bin/python -m benchmarks.cohort            # 200 clients x 500
    .venv/bin/python -m benchmarks.cohort 20 100     # a quick run
    .venv/bin/python -m benchmarks.cohort 50 500 --no-client-pages
    .venv/bin/python -m benchmarks.cohort 200 500 --workers 1   # client pages serially
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import jobstats
from jobstats.privacy import pseudonymise


def write_client(folder: Path, i: int, n: int) -> None:
    """One client's tracker as a CSV a person might keep."""
    apps, events = jobstats.simulate_search(n, seed=1000 + i, start="2025-01-06", weeks=20,
                                            as_of="2025-06-30")
    fu = events[events["kind"] == "follow_up"].groupby("application_id")["date"].min()
    table = pd.DataFrame({
        "Company": apps["company"],
        "Role": apps["title"],
        "Source": apps["source"],
        "Date applied": apps["applied_on"].dt.strftime("%Y-%m-%d"),
        "Status": apps["status_raw"],
        "Date of first reply": apps["first_reply_on"].dt.strftime("%Y-%m-%d"),
        "Follow-up date": apps["application_id"].map(fu).dt.strftime("%Y-%m-%d"),
        "Contact email": f"recruiter{i}@example.com",
        "Notes": "",
    })
    table.to_csv(folder / f"client_{i:03d}.csv", index=False)


#: Where the generated client folders are cached (like the suite's other inputs).
CACHE = Path(tempfile.gettempdir()) / "jobstats-bench"

#: Issue 11: 200 clients x 500 applications, load + report, in two minutes.
TARGET_SECONDS, TARGET_CLIENTS = 120.0, 200


def prepare(clients: int, apps: int, root: Path = CACHE) -> Path:
    """The folder of ``clients`` simulated CSVs of ``apps`` rows, written once and cached."""
    folder = root / f"cohort-{clients}x{apps}"
    if folder.is_dir():
        return folder
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".{folder.name}-"))
    t = time.perf_counter()
    for i in range(clients):
        write_client(tmp, i, apps)
    tmp.rename(folder)  # whole or not at all: an interrupted run leaves no half folder
    print(f"wrote {clients} files x {apps} applications in "
          f"{time.perf_counter() - t:.1f} s (cached in {folder}; not timed)")
    return folder


def main(clients: int = 200, apps: int = 500, client_pages: bool = True,
         workers: int | None = None) -> None:
    folder = prepare(clients, apps)
    with tempfile.TemporaryDirectory() as tmp:
        timings = {}
        t0 = t = time.perf_counter()
        loaded = jobstats.load_many([folder], as_of="2025-06-30", progress=None)
        timings["load"] = time.perf_counter() - t
        t = time.perf_counter()
        safe = pseudonymise(loaded, key=Path(tmp) / "bench.key.csv")
        timings["pseudonymise"] = time.perf_counter() - t
        t = time.perf_counter()
        marks: list[tuple[str, float]] = []
        written = jobstats.write_report(
            safe, Path(tmp) / "out", client_pages=client_pages, workers=workers,
            progress=lambda name: marks.append((name, time.perf_counter())))
        end = time.perf_counter()
        client_marks = [m for n, m in marks if n.startswith("client ")]
        if client_marks:
            # pages are announced as they are written; the cohort page is made meanwhile
            timings["report: last client page written"] = client_marks[-1] - t
        timings["report: all (client pages + cohort page)"] = end - t
        total = end - t0
        pages = sum(name.endswith("report.html") for name in written)
        assert pages == 1 + (clients if client_pages else 0), pages
        for step, sec in timings.items():
            print(f"{step:<42} {sec:7.1f} s")
        allowed = TARGET_SECONDS * clients / TARGET_CLIENTS
        print(f"{'total (load + pseudonymise + report)':<42} {total:7.1f} s  "
              f"({len(loaded.applications)} applications, {len(loaded.report.skipped)} files "
              f"skipped, {len(written)} files written)")
        print(f"target {allowed:.0f} s: {total / allowed:.2f} x the target "
              f"({'met' if total <= allowed else 'missed'})")
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        kid_cpu = kids.ru_utime + kids.ru_stime
        # with workers, their CPU time is the client pages' (the parent makes the cohort page)
        per_page = (f" = {kid_cpu / clients:.2f} s per client page"
                    if client_pages and kid_cpu > 0 else "")
        print(f"CPU: this process {own.ru_utime + own.ru_stime:.0f} s, worker processes "
              f"{kid_cpu:.0f} s{per_page}; peak memory {own.ru_maxrss / 1024:.0f} "
              f"MiB (workers: largest {kids.ru_maxrss / 1024:.0f} MiB); load average "
              f"{os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.cohort",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("clients", type=int, nargs="?", default=200)
    parser.add_argument("apps", type=int, nargs="?", default=500)
    parser.add_argument("--no-client-pages", action="store_true")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--prepare", action="store_true", help="only write the inputs")
    a = parser.parse_args()
    if a.prepare:
        prepare(a.clients, a.apps)
    else:
        main(a.clients, a.apps, client_pages=not a.no_client_pages, workers=a.workers)
