"""The risk-set step where the data lives: pandas (default), DuckDB or Spark.

Every estimator reads only the daily risk-set counts (a group-by), so that
step can run in a database: :func:`risk_sets` computes the same table as
:func:`jobstats.risksets.daily_risk_sets` with pandas in memory, with an
embedded DuckDB over Parquet/CSV files larger than memory, or with Spark on a
cluster, and hands the small aggregated table back to pandas.

:func:`from_parquet` and :func:`from_spark` name canonical tables inside an
engine; :func:`jobstats.summarize` accepts what they return.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from jobstats.engine.source import (
    DuckDBSource,
    SparkSource,
    TableSource,
    as_source,
    from_parquet,
    from_spark,
)

__all__ = ["risk_sets", "from_parquet", "from_spark", "TableSource", "DuckDBSource",
           "SparkSource", "ENGINES"]

#: Engines :func:`risk_sets` can run on.
ENGINES: tuple[str, ...] = ("pandas", "duckdb", "spark")


def risk_sets(
    applications: Any,
    events: Any = None,
    *,
    engine: str | None = None,
    as_of: Any = None,
    by: str | Sequence[str] | None = None,
    followup: bool = False,
) -> pd.DataFrame:
    """Daily risk sets for a first reply, computed by the chosen engine.

    Parameters
    ----------
    applications : pandas.DataFrame, TableSource, path/glob, or Spark DataFrame
        The canonical applications table: in memory (any engine; DuckDB and
        Spark then read the DataFrame), a source from :func:`from_parquet` /
        :func:`from_spark`, Parquet/CSV file(s) (DuckDB), or a Spark
        DataFrame (Spark).
    events : same kind as ``applications``, optional
        The canonical events table; needed when ``followup=True``.
    engine : {"pandas", "duckdb", "spark"}, optional
        Where the aggregation runs. Default: the source's engine, pandas for
        DataFrames, DuckDB for file names, Spark for Spark DataFrames.
    as_of, by, followup
        As in :func:`jobstats.risksets.daily_risk_sets` (``by`` columns are
        compared as text by DuckDB and Spark; ``"applied_week"`` is derived).

    Returns
    -------
    pandas.DataFrame
        Exactly the table :func:`jobstats.risksets.daily_risk_sets` returns
        for the same data: ``[*by, (followups, followed_up,
        followup_channel), day, at_risk, replied, censored]`` with
        ``.attrs["warnings"]``.

    Notes
    -----
    One difference by design: when an application has several follow-ups on
    its first follow-up day with different channels, pandas takes the first
    in table order and the SQL engines the first in alphabetical order (a
    table in a database has no row order).

    Examples
    --------
    >>> import jobstats
    >>> from jobstats.engine import risk_sets
    >>> apps, events = jobstats.simulate_search(300, seed=1)
    >>> a = risk_sets(apps, events, as_of="2025-07-01", followup=True)
    >>> b = risk_sets(apps, events, engine="duckdb", as_of="2025-07-01", followup=True)
    >>> a.equals(b)
    True
    """
    if engine is None:
        if isinstance(applications, TableSource):
            engine = applications.engine
        elif isinstance(applications, pd.DataFrame):
            engine = "pandas"
        elif hasattr(applications, "sparkSession"):
            engine = "spark"
        else:
            engine = "duckdb"
    if engine == "pandas":
        from jobstats.risksets import daily_risk_sets

        return daily_risk_sets(applications, events, as_of=as_of, by=by, followup=followup)
    source = as_source(applications, events, engine=engine, as_of=as_of)
    return source.risk_sets(as_of=as_of, by=by, followup=followup)
