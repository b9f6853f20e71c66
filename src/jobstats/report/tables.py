"""The report's result tables: a registry of sheet name -> function(data) -> DataFrame.

Each becomes one sheet of ``summary.xlsx`` (the load report is added by
:func:`jobstats.report.write_report`). A function raises
:class:`jobstats.schema.JobstatsError` when the data cannot support the table;
the workbook then lists it under "Not computed" with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from jobstats.schema import JobstatsError

TableFn = Callable[[Any], pd.DataFrame]


@dataclass(frozen=True)
class TableSpec:
    name: str
    compute: TableFn


#: sheet name -> spec, in workbook order.
TABLES: dict[str, TableSpec] = {}


def register_table(name: str) -> Callable[[TableFn], TableFn]:
    """Decorator: add ``fn(data) -> DataFrame`` to :data:`TABLES` as sheet ``name``."""

    def deco(fn: TableFn) -> TableFn:
        TABLES[name] = TableSpec(name, fn)
        return fn

    return deco


def compute_tables(data: Any, registry: dict[str, TableSpec] | None = None
                   ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Every registered table for ``data``, and ``{name: reason}`` for those not computed."""
    tables, skipped = {}, {}
    for spec in (TABLES if registry is None else registry).values():
        try:
            tables[spec.name] = spec.compute(data)
        except JobstatsError as exc:
            skipped[spec.name] = str(exc)
    return tables, skipped


@register_table("Response rates")
def _rates(data: Any) -> pd.DataFrame:
    from jobstats.outcome_rates import rates

    return rates(data.applications, as_of=data.as_of)


@register_table("Reply within")
def _reply_within(data: Any) -> pd.DataFrame:
    from jobstats.timing import reply_within

    return reply_within(data.applications, days=(7, 14, 30, 60), as_of=data.as_of)


@register_table("Reply curve")
def _reply_curve(data: Any) -> pd.DataFrame:
    from jobstats.timing import reply_curve

    return reply_curve(data.applications, as_of=data.as_of)


@register_table("Follow-up effect")
def _followup_effect(data: Any) -> pd.DataFrame:
    from jobstats.followup import followup_effect

    ev = data.events
    if not ((ev["kind"] == "follow_up") & ev["date"].notna()).any():
        raise JobstatsError("no dated follow-ups in the data")
    return followup_effect(data.applications, ev, as_of=data.as_of).summary


@register_table("Follow-up policy")
def _followup_policy(data: Any) -> pd.DataFrame:
    import jobstats

    policy = getattr(jobstats, "followup_policy", None)
    if policy is None:  # lands with the policy helper's branch
        raise JobstatsError("this version of jobstats has no follow-up policy table yet")
    return policy(data.applications, data.events, as_of=data.as_of)

