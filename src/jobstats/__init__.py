"""jobstats: honest statistics for job searches.

The public API is imported lazily (PEP 562), so ``import jobstats`` stays cheap
and the CLI starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_API: dict[str, str] = {
    "load": "jobstats.io",
    "load_many": "jobstats.io",
    "LoadResult": "jobstats.io",
    "LoadReport": "jobstats.io",
    "rates": "jobstats.rates",
    "reply_curve": "jobstats.timing",
    "reply_within": "jobstats.timing",
    "median_days_among_replied": "jobstats.timing",
    "competing_outcomes": "jobstats.timing",
    "time_to_reply": "jobstats.timing",
    "funnel": "jobstats.funnel",
    "funnel_links": "jobstats.funnel",
    "followup_effect": "jobstats.followup",
    "followup_timing": "jobstats.followup",
    "thank_you_timing": "jobstats.followup",
    "naive_followup_rates": "jobstats.followup",
    "daily_risk_sets": "jobstats.risksets",
    "simulate_search": "jobstats.simulate",
    "summarize": "jobstats.summary",
    "write_template": "jobstats.template",
    "client_table": "jobstats.cohort",
    "cohort_summary": "jobstats.cohort",
    "clients_needing_attention": "jobstats.cohort",
    "cohort_followup_policy": "jobstats.cohort",
    "split_clients": "jobstats.cohort",
    "pseudonymise": "jobstats.privacy",
    "drop_personal_data": "jobstats.privacy",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'jobstats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
