"""Time openpyxl (read-only, cached values) against python-calamine on generated trackers.

Usage: ``python scripts/bench_xlsx_readers.py [ROWS ...]`` (default 5000 100000).
Writes the workbooks to a temporary directory, reads each with both libraries
(whole first sheet into a list of rows) and prints the best of three timings,
then the time of the full ``jobstats.load`` on the same file.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

HEADER = ["Company", "Job title", "Source", "Date applied", "Status",
          "Date of first reply", "Follow-up 1 date", "Notes"]


def make_workbook(path: Path, rows: int) -> None:
    """Write a tracker of ``rows`` applications with date-formatted cells."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Applications")
    ws.append(HEADER)
    start = dt.datetime(2024, 1, 1)
    statuses = ["Applied", "Rejected", "Interview", "Ghosted"]
    for i in range(rows):
        applied = start + dt.timedelta(days=i % 400, hours=i % 9)
        reply = applied + dt.timedelta(days=3 + i % 20) if i % 3 == 0 else None
        follow = applied + dt.timedelta(days=10) if i % 4 == 0 else None
        ws.append([f"Company {i % 997}", f"Analyst {i % 13}", "LinkedIn", applied,
                   statuses[i % 4], reply, follow, "note" if i % 5 == 0 else None])
    wb.save(path)


def read_openpyxl(path: Path) -> list:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def read_calamine(path: Path) -> list:
    wb = CalamineWorkbook.from_path(str(path))
    try:
        return wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    finally:
        wb.close()


def best_of(fn, path: Path, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [5000, 100000]
    from jobstats.io import load

    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"tracker_{rows}.xlsx"
            make_workbook(path, rows)
            a = read_openpyxl(path)
            b = read_calamine(path)
            same = len(a) == len(b) and all(
                (x or None) == (y or None) or (isinstance(y, dt.date) and x == dt.datetime.combine(y, dt.time()))
                for ra, rb in zip(a, b) for x, y in zip(ra, rb))
            t_op = best_of(read_openpyxl, path)
            t_ca = best_of(read_calamine, path)
            t0 = time.perf_counter()
            res = load(path, as_of="2025-06-30")
            t_load = time.perf_counter() - t0
            print(f"{rows:>7} rows  openpyxl {t_op:7.3f} s  calamine {t_ca:7.3f} s  "
                  f"ratio {t_op / t_ca:5.1f}x  same values: {same}  "
                  f"jobstats.load {t_load:7.3f} s ({len(res.applications)} applications)")


if __name__ == "__main__":
    main(sys.argv[1:])
