"""The least work a summary of a CSV tracker needs beyond ``pandas.read_csv``.

Usage: ``python scripts/bench_csv_floor.py [CSV]`` (default: the benchmark suite's
1M-row tracker, ``/tmp/jobstats-bench/tracker-1000000-0.csv``; run
``python -m benchmarks --only csv`` once to generate it).

Issue 8's target allows a summary of 1M rows at most twice ``pandas.read_csv`` of
the same file (marginal cost), i.e. at most one more read's worth of work. This
script measures, in CPU seconds (best of five, in-process), the work no loader
and summary can skip, each done the cheapest way pyarrow offers and with the
answers given for free (the date format known, no header to find, no status to
read, no row to check, no model):

* parse the three date columns (``pyarrow.compute.strptime``, format given);
* number the distinct values of the five text columns (``dictionary_encode``;
  statuses and sources are read by their distinct values, company and role
  find duplicates);
* one Kaplan-Meier curve of days to the first reply (numpy).

It prints each part and their sum as a multiple of ``read_csv`` (which runs on
one thread, as these steps do). A sum above 1 means no single-threaded
implementation that reads the file with pandas can meet the target, before any
of jobstats' own work (guessing headers and date orders, reading status words,
reporting doubted rows, follow-up events, the follow-up model, the policies).
Spread over this machine's two cores the floor would at best halve, leaving
almost nothing of the allowed time for that work.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DEFAULT = Path("/tmp/jobstats-bench/tracker-1000000-0.csv")
DATES = ["Date Applied", "Response date", "Follow-up 1"]
TEXT = ["Company", "Role", "Source", "Status", "Follow-up 1 via"]
AS_OF = np.datetime64("2026-01-01", "D")


def best_cpu(step: Callable[[], Any], repeat: int = 5) -> tuple[Any, float]:
    """The result of ``step`` and its lowest CPU time over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        result = step()
        times.append(time.process_time() - start)
    return result, min(times)


def main(path: Path) -> None:
    frame, read = best_cpu(lambda: pd.read_csv(path))
    dates, t_dates = best_cpu(lambda: {
        c: pc.strptime(pa.array(frame[c].array), format="%Y-%m-%d", unit="s",
                       error_is_null=True) for c in DATES})
    _, t_codes = best_cpu(lambda: {c: pc.dictionary_encode(pa.array(frame[c].array))
                                   for c in TEXT})

    def reply_curve() -> np.ndarray:
        day = {c: dates[c].cast(pa.int64()).to_numpy(zero_copy_only=False) // 86_400
               for c in DATES[:2]}
        replied = ~np.isnan(day["Response date"].astype(float))
        as_of = AS_OF.astype(np.int64)
        until = np.where(replied, day["Response date"], as_of) - day["Date Applied"]
        until = np.nan_to_num(until, nan=0).astype(np.int64).clip(0)
        replies = np.bincount(until[replied], minlength=until.max() + 1)
        leaving = np.bincount(until, minlength=until.max() + 1)
        at_risk = len(until) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
        return 1 - np.cumprod(1 - replies / np.maximum(at_risk, 1))

    _, t_curve = best_cpu(reply_curve)
    beyond = t_dates + t_codes + t_curve
    print(f"{path} ({len(frame):,} rows), CPU seconds, best of 5:")
    print(f"  pandas.read_csv                            {read:6.3f}")
    print(f"  parse {len(DATES)} date columns (format given)       {t_dates:6.3f}")
    print(f"  number the values of {len(TEXT)} text columns      {t_codes:6.3f}")
    print(f"  one Kaplan-Meier reply curve               {t_curve:6.3f}")
    print(f"  least work beyond the read: {beyond:.3f} s = {beyond / read:.2f} x read_csv "
          f"(the 2x target leaves 1.00 x)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
