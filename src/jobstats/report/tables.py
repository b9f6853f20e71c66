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

from jobstats.report import analyses
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


# Each analysis gets the LoadResult itself, not data.applications: a file
# without reply information is then handled by the analysis (its rows are not
# read as "no reply"). Results come from jobstats.report.analyses: one
# computation per report, shared with the figures.


@register_table("Response rates")
def _rates(data: Any) -> pd.DataFrame:
    return analyses.analysis(data, "rates")


@register_table("Rates by source")
def _rates_by_source(data: Any) -> pd.DataFrame:
    _require_column(data, "source", "where you found the job")
    return analyses.analysis(data, "rates", by="source")


@register_table("Reply within")
def _reply_within(data: Any) -> pd.DataFrame:
    return analyses.analysis(data, "reply_within", days=(7, 14, 30, 60))


@register_table("Reply curve")
def _reply_curve(data: Any) -> pd.DataFrame:
    return analyses.analysis(data, "reply_curve")


@register_table("Compare by source")
def _compare_source(data: Any) -> pd.DataFrame:
    _require_column(data, "source", "where you found the job")
    return analyses.analysis(data, "compare", by="source")


@register_table("Compare by month")
def _compare_month(data: Any) -> pd.DataFrame:
    return analyses.analysis(data, "compare", by="month")


@register_table("Stage conversion")
def _stage_conversion(data: Any) -> pd.DataFrame:
    return analyses.analysis(data, "stage_conversion")


@register_table("Follow-up effect")
def _followup_effect(data: Any) -> pd.DataFrame:
    effect = analyses.followup_effect(data)
    if effect.followed_up == 0:
        raise JobstatsError(effect.reason or "no dated follow-ups in the data")
    return effect.summary


@register_table("Follow-up policy")
def _followup_policy(data: Any) -> pd.DataFrame:
    """Kept when the data cannot tell: its NaN rows and notes say why (and ``due`` uses it)."""
    return analyses.followup_policy(data)


def _require_column(data: Any, column: str, meaning: str) -> None:
    apps = data.applications
    if column not in apps or apps[column].isna().all():
        raise JobstatsError(f"your tracker has no {column} ({meaning}) to group by")
