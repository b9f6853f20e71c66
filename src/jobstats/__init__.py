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
    "rates": "jobstats.outcome_rates",
    "reply_curve": "jobstats.timing",
    "reply_within": "jobstats.timing",
    "median_days_among_replied": "jobstats.timing",
    "competing_outcomes": "jobstats.timing",
    "time_to_reply": "jobstats.timing",
    "funnel": "jobstats.stages",
    "funnel_links": "jobstats.stages",
    "followup_effect": "jobstats.followup",
    "followup_policy": "jobstats.policy",
    "thank_you_timing": "jobstats.thank_you",
    "naive_followup_rates": "jobstats.followup",
    "daily_risk_sets": "jobstats.risksets",
    "simulate_search": "jobstats.simulate",
    "summarize": "jobstats.summary",
    "compare": "jobstats.comparisons",
    "stage_conversion": "jobstats.conversion",
    "compare_to_reference": "jobstats.reference",
    "reference_table": "jobstats.reference",
    "write_template": "jobstats.template",
    "followups_due": "jobstats.due",
    "write_report": "jobstats.report",
    "weekly_activity": "jobstats.activity",
    "client_table": "jobstats.cohort",
    "cohort_summary": "jobstats.cohort",
    "clients_needing_attention": "jobstats.cohort",
    "cohort_followup_policy": "jobstats.cohort",
    "split_clients": "jobstats.cohort",
    "pseudonymise": "jobstats.privacy",
    "drop_personal_data": "jobstats.privacy",
    "from_parquet": "jobstats.engine",
    "from_spark": "jobstats.engine",
}

# subpackages reachable as attributes without an import of their own
# (``jobstats.plotting.flow_chart(...)``), imported on first use: matplotlib
# is only loaded by code that draws. Not in __all__: that lists the public
# functions, and a subpackage is a module, not something to call.
_SUBPACKAGES: tuple[str, ...] = ("plotting",)

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    if name in _SUBPACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'jobstats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_SUBPACKAGES])
