"""Benchmark the analytics core on a simulated search of a million applications.

Usage::

    python scripts/bench_analytics.py [N]

Prints the wall time of each step and the peak resident memory of the
process after it (``ru_maxrss``; tracemalloc is not used because it slows
numpy-heavy code several-fold). Numbers are for information only; no test
asserts timings.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from jobstats.followup import followup_effect
from jobstats.policy import followup_policy
from jobstats.outcome_rates import rates
from jobstats.risksets import daily_risk_sets
from jobstats.simulate import simulate_search
from jobstats.timing import reply_curve


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _step(name: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t0
    print(f"{name:<38} {elapsed:7.2f} s   peak RSS so far {_peak_rss_mib():7.0f} MiB")
    return out


def main(n: int = 1_000_000) -> None:
    as_of = "2025-06-25"
    print(f"jobstats analytics benchmark: {n:,} simulated applications, as of {as_of}")
    apps, events = _step("simulate_search", lambda: simulate_search(n, seed=1))
    print(f"{'':<38} ({len(apps):,} applications, {len(events):,} events)")
    risk = _step("daily_risk_sets", lambda: daily_risk_sets(apps, as_of=as_of))
    _step("daily_risk_sets by source + follow-up",
          lambda: daily_risk_sets(apps, events, as_of=as_of, by="source", followup=True))
    _step("reply_curve", lambda: reply_curve(apps, as_of=as_of))
    _step("reply_curve by source", lambda: reply_curve(apps, by="source", as_of=as_of))
    _step("rates", lambda: rates(apps, as_of=as_of))
    _step("rates by source", lambda: rates(apps, by="source", as_of=as_of))
    eff = _step("followup_effect", lambda: followup_effect(apps, events, as_of=as_of))
    print(f"{'':<38} ({len(risk):,} risk-set rows; HR {eff.hazard_ratio:.3f} "
          f"[{eff.ci_low:.3f}, {eff.ci_high:.3f}], true 1.6)")
    pol = _step("followup_policy (B=200)", lambda: followup_policy(apps, events, as_of=as_of))
    print(f"{'':<38} (day 7 vs never: {pol.loc[3, 'difference']:+.4f} "
          f"[{pol.loc[3, 'diff_ci_low']:+.4f}, {pol.loc[3, 'diff_ci_high']:+.4f}])")
    print(f"peak resident memory of the process: {_peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
