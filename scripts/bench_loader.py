"""Benchmark of the loader: time and peak memory of ``jobstats summary`` on big trackers.

Run ``make bench`` (or ``python scripts/bench_loader.py``). Measures, each in a
fresh subprocess (so start-up and peak memory are those of one run):

* CSV: ``load`` + ``summarize`` of 1k and of N (default 1,000,000) applications,
  against pandas' own ``read_csv`` of the same files. The marginal cost (N minus
  1k) cancels start-up; the target is at most 2x pandas, peak under 1.5 GB.
* xlsx: ``load`` of a 100k-row workbook against a bare calamine read of it
  (``python_calamine``: cells to Python values, nothing else); target 1.3x.

The trackers are synthetic (seeded): company, job title, source, applied date,
status, reply date, follow-up date and notes, with the usual mix of statuses.
Timings depend on the machine and its load: they are printed, never asserted.

Options: ``--rows N`` (CSV size), ``--xlsx-rows N``, ``--skip-xlsx``, ``--skip-csv``,
``--keep DIR`` (keep the generated files there).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

STATUSES = np.array(["Applied", "Rejected", "Ghosted", "Interview", "Phone screen", "Offer",
                     "No response", "Withdrawn"], dtype=object)
STATUS_P = [0.45, 0.25, 0.1, 0.06, 0.05, 0.01, 0.06, 0.02]
SOURCES = np.array(["LinkedIn", "Indeed", "Company site", "Referral", "ZipRecruiter",
                    "Recruiter", "Dice"], dtype=object)


def tracker_frame(n: int, seed: int = 1) -> pd.DataFrame:
    """A synthetic tracker of ``n`` applications (text cells, as a user's CSV has)."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01")
    applied = start + rng.integers(0, 500, size=n).astype("timedelta64[D]")
    status = rng.choice(STATUSES, size=n, p=STATUS_P)
    replied = np.isin(status, ["Rejected", "Interview", "Phone screen", "Offer"])
    reply = applied + rng.integers(1, 40, size=n).astype("timedelta64[D]")
    fu = rng.random(n) < 0.3
    fu_day = applied + rng.integers(3, 15, size=n).astype("timedelta64[D]")

    def text(d: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = np.datetime_as_string(d, unit="D").astype(object)
        out[~mask] = ""
        return out

    # Few repeats of (company, title, day): real trackers have few possible duplicates.
    companies = np.array([f"Company {i}" for i in range(max(5000, n // 2))], dtype=object)
    titles = np.array(["Data analyst", "Data engineer", "Software engineer", "BI analyst",
                       "Product manager", "Data scientist"], dtype=object)
    notes = np.array(["", "", "", "met at a fair", "recruiter call", "remote"], dtype=object)
    return pd.DataFrame({
        "Company": companies[rng.integers(0, len(companies), size=n)],
        "Job title": titles[rng.integers(0, len(titles), size=n)],
        "Source": rng.choice(SOURCES, size=n),
        "Date applied": text(applied, np.ones(n, bool)),
        "Status": status,
        "Date of first reply": text(reply, replied),
        "Follow-up date": text(fu_day, fu),
        "Notes": notes[rng.integers(0, len(notes), size=n)],
    })


_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    kind, path = sys.argv[1], sys.argv[2]
    # Imports first: start-up is not the reader's cost (the 1k run cancels the rest).
    import pandas as pd
    if kind == "calamine":
        from python_calamine import CalamineWorkbook
    else:
        import jobstats
        import jobstats.io.api, jobstats.io.tables, jobstats.summary
        from jobstats.summary import summarize
    out = {}
    t0 = time.perf_counter()
    if kind == "pandas":
        pd.read_csv(path)
    elif kind == "calamine":
        CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    else:
        loaded = jobstats.load(path, as_of="2025-12-31")
        out["load_seconds"] = time.perf_counter() - t0
        if kind == "summary":
            summarize(loaded).to_dict()
    out["seconds"] = time.perf_counter() - t0
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
""")


def measure(kind: str, path: Path) -> dict[str, float]:
    """Time of the work (imports excluded) and peak RSS, in a fresh child process."""
    out = subprocess.run([sys.executable, "-c", _CHILD, kind, str(path)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_csv(folder: Path, rows: int) -> None:
    small, big = folder / "tracker_1k.csv", folder / f"tracker_{rows}.csv"
    tracker_frame(1000).to_csv(small, index=False)
    tracker_frame(rows).to_csv(big, index=False)
    res = {k: {p: measure(k, f) for p, f in (("1k", small), ("big", big))}
           for k in ("pandas", "summary")}
    pd_m = res["pandas"]["big"]["seconds"] - res["pandas"]["1k"]["seconds"]
    js_m = res["summary"]["big"]["seconds"] - res["summary"]["1k"]["seconds"]
    print(f"CSV, {rows:,} applications ({big.stat().st_size / 1e6:.0f} MB):")
    for k in ("pandas", "summary"):
        print(f"  {k:<8} 1k: {res[k]['1k']['seconds']:6.2f} s   {rows:,}: "
              f"{res[k]['big']['seconds']:6.2f} s   peak {res[k]['big']['peak_mb']:6.0f} MB")
    ld_m = res["summary"]["big"]["load_seconds"] - res["summary"]["1k"]["load_seconds"]
    print(f"  marginal cost: summary {js_m:.2f} s vs read_csv {pd_m:.2f} s = "
          f"{js_m / pd_m:.2f}x (target <= 2x); of which load {ld_m:.2f} s = "
          f"{ld_m / pd_m:.2f}x; summary peak "
          f"{res['summary']['big']['peak_mb']:.0f} MB (target < 1500 MB)")


def bench_xlsx(folder: Path, rows: int) -> None:
    from openpyxl import Workbook

    path = folder / f"tracker_{rows}.xlsx"
    df = tracker_frame(rows, seed=2)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Applications")
    ws.append(list(df.columns))
    date_cols = {"Date applied", "Date of first reply", "Follow-up date"}
    for c in date_cols:  # real date cells, as a workbook has
        df[c] = pd.to_datetime(df[c].replace("", None))
    for row in df.itertuples(index=False):
        ws.append([None if (isinstance(v, float) or v is pd.NaT) and pd.isna(v)
                   else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)
                   for v in row])
    wb.save(path)
    cal = measure("calamine", path)
    load = measure("load", path)
    print(f"xlsx, {rows:,} applications ({path.stat().st_size / 1e6:.0f} MB):")
    print(f"  calamine read {cal['seconds']:.2f} s; jobstats load {load['seconds']:.2f} s "
          f"(peak {load['peak_mb']:.0f} MB) = {load['seconds'] / cal['seconds']:.2f}x "
          "(target <= 1.3x; imports excluded from both)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--skip-csv", action="store_true")
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print("(timings depend on the machine and its load; run on a quiet machine)")
        if not args.skip_csv:
            bench_csv(folder, args.rows)
        if not args.skip_xlsx:
            bench_xlsx(folder, args.xlsx_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
