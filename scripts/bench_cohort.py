"""Benchmark: a coach's folder of many clients, loaded and summarised.

Writes CLIENTS simulated client files (CSV, APPS applications each, a
personal-tracker layout with contacts and notes) into a temporary folder (not
timed), then times, as the CLI does them:

1. ``jobstats.load(folder)`` (every file read; progress bar on a terminal),
2. ``jobstats.privacy.pseudonymise`` (pseudonyms, personal columns dropped),
3. ``jobstats.summarize`` (headline numbers, follow-up model, and the cohort
   section: client table, pooled estimates, attention flags),

and prints the wall-clock seconds of each step and the peak memory.
Target (issue 11): 200 clients x 500 applications within two minutes on the
2-core development machine.

Usage::

    .venv/bin/python scripts/bench_cohort.py            # 200 clients x 500
    .venv/bin/python scripts/bench_cohort.py 20 100     # a quick run
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


def main(clients: int = 200, apps: int = 500) -> None:
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
        summary = jobstats.summarize(safe)
        timings["summarize (incl. cohort)"] = time.perf_counter() - t
        total = time.perf_counter() - t0
        assert summary.cohort is not None and len(summary.cohort["clients"]) == clients
        for step, sec in timings.items():
            print(f"{step:<26} {sec:7.1f} s")
        print(f"{'total':<26} {total:7.1f} s  ({len(loaded.applications)} applications, "
              f"{len(loaded.report.skipped)} files skipped)")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
