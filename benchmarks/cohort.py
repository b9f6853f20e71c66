"""Benchmark: a coach's folder of many clients, loaded and summarised.

Writes CLIENTS simulated client files (CSV, APPS applications each, a
personal-tracker layout with contacts and notes) into a temporary folder (not
timed), then times, as the CLI does them:

1. ``jobstats.load(folder)`` (every file read; progress bar on a terminal),
2. ``jobstats.privacy.pseudonymise`` (pseudonyms, personal columns dropped),
3. ``jobstats.write_report`` into a temporary folder, as ``jobstats report
   FOLDER -o OUT`` does: one page per client (figures, workbook), then the
   cohort page (headline numbers, follow-up model, the cohort section: client
   table, pooled estimates, attention flags, pooled follow-up policy),

and prints the wall-clock seconds of each step (the client pages and the
cohort page apart) and the peak memory. ``--no-client-pages`` leaves the
client pages out. The machine is shared: print ``uptime`` beside the result.
Target (issue 11): 200 clients x 500 applications within two minutes on the
2-core development machine.

Part ``cohort`` of the suite (``python -m benchmarks --only cohort``), which
runs this module in a child process; on its own::

    .venv/bin/python -m benchmarks.cohort            # 200 clients x 500
    .venv/bin/python -m benchmarks.cohort 20 100     # a quick run
    .venv/bin/python -m benchmarks.cohort 50 500 --no-client-pages
"""

from __future__ import annotations

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


def main(clients: int = 200, apps: int = 500, client_pages: bool = True) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "clients"
        folder.mkdir()
        t = time.perf_counter()
        for i in range(clients):
            write_client(folder, i, apps)
        print(f"wrote {clients} files x {apps} applications in "
              f"{time.perf_counter() - t:.1f} s (not part of the target)")
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
            safe, Path(tmp) / "out", client_pages=client_pages,
            progress=lambda name: marks.append((name, time.perf_counter())))
        end = time.perf_counter()
        first_cohort = next(m for n, m in marks if not n.startswith("client "))
        if client_pages:
            timings["report: client pages"] = first_cohort - t
        timings["report: cohort page"] = end - first_cohort
        total = end - t0
        pages = sum(name.endswith("report.html") for name in written)
        assert pages == 1 + (clients if client_pages else 0), pages
        for step, sec in timings.items():
            print(f"{step:<26} {sec:7.1f} s")
        print(f"{'total':<26} {total:7.1f} s  ({len(loaded.applications)} applications, "
              f"{len(loaded.report.skipped)} files skipped)")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(*(int(a) for a in args[:2]), client_pages="--no-client-pages" not in sys.argv)
