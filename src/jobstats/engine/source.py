"""Canonical tables where the data lives: a DuckDB database or a Spark session.

A :class:`TableSource` names the applications (and events) tables inside an
engine, runs the queries of :mod:`jobstats.engine.query` there and brings the
small aggregated results back to pandas. The canonical column names of
:mod:`jobstats.schema` are the contract for those tables:

* applications: ``application_id``, ``applied_on`` (date or timestamp),
  ``first_reply_on``, ``stage`` (required); ``followed_up`` (boolean),
  ``row``, ``source``, ``client`` and any ``by`` column (optional).
  ``application_id`` must be unique.
* events: ``application_id``, ``date``, ``kind``, ``channel``.
"""

from __future__ import annotations

import dataclasses
import glob
import itertools
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from jobstats.engine.query import DIALECTS, Query, expand_runs, group_alias, risk_points
from jobstats.results import APPLIED_WEEK, as_list, resolve_as_of
from jobstats.risksets import exclusion_warning
from jobstats.schema import AnalysisError, InputError

__all__ = ["TableSource", "DuckDBSource", "SparkSource", "from_parquet", "from_spark",
           "REQUIRED_APPLICATION_COLUMNS", "REQUIRED_EVENT_COLUMNS"]

REQUIRED_APPLICATION_COLUMNS: tuple[str, ...] = (
    "application_id", "applied_on", "first_reply_on", "stage",
)
REQUIRED_EVENT_COLUMNS: tuple[str, ...] = ("application_id", "date", "kind", "channel")

_names = itertools.count()


class SourceReport:
    """What a table source holds, shown where a file's load report would be.

    Has the attributes of :class:`jobstats.io.LoadReport` that the summary
    reads (``files``, ``dropped``, ``warnings``); nothing is dropped while
    reading a warehouse table, left-out applications are counted by the
    analyses.
    """

    def __init__(self, files: list[str], description: str) -> None:
        self.files = files
        self.dropped = 0
        self.skipped: list[tuple[str, str]] = []
        self.warnings: list[str] = []
        self.description = description

    def to_dict(self) -> None:
        """The ``load_report`` key: None, there is no load report (nothing was guessed)."""
        return None

    def __str__(self) -> str:
        return f"Read {self.description} (canonical columns; not loaded into memory)."


class TableSource:
    """Canonical tables inside a SQL engine; see :func:`from_parquet` and :func:`from_spark`.

    Attributes
    ----------
    engine : str
        ``"duckdb"`` or ``"spark"``.
    as_of : pandas.Timestamp or None
        Default snapshot date of the analyses (None: today, at call time).
    report : SourceReport
        What was read.
    """

    engine: str = ""

    def __init__(
        self,
        applications: str,
        events: str | None,
        app_columns: Sequence[str],
        *,
        as_of: Any,
        report: SourceReport,
        event_columns: Sequence[str] = (),
    ) -> None:
        self.applications_table = applications
        self.events_table = events
        self.app_columns = tuple(app_columns)
        self.as_of = None if as_of is None else resolve_as_of(as_of)
        self.report = report
        missing = [c for c in REQUIRED_APPLICATION_COLUMNS if c not in self.app_columns]
        if missing:
            raise InputError(
                f"{report.description}: the applications table has no column "
                f"{', '.join(map(repr, missing))}. Tables read by an engine must use the "
                f"canonical column names ({', '.join(REQUIRED_APPLICATION_COLUMNS)}); "
                "see jobstats.schema."
            )
        missing = [c for c in REQUIRED_EVENT_COLUMNS if c not in event_columns]
        if events is not None and missing:
            raise InputError(
                f"{report.description}: the events table has no column "
                f"{', '.join(map(repr, missing))}. Tables read by an engine must use the "
                f"canonical column names ({', '.join(REQUIRED_EVENT_COLUMNS)}); "
                "see jobstats.schema."
            )

    # --- engine specifics -------------------------------------------------
    def sql(self, text: str) -> pd.DataFrame:
        """Run a query in the engine and return its (small) result as pandas."""
        raise NotImplementedError

    def patterns(self, q: Query) -> pd.DataFrame:
        """The ``patterns`` table of :meth:`Query.patterns` (``extra=True``), in pandas."""
        return self.sql(q.patterns(extra=True))

    # --- analyses ---------------------------------------------------------
    def resolve_as_of(self, as_of: Any = None) -> pd.Timestamp:
        """``as_of`` if given, else the source's, else today (resolved now)."""
        return resolve_as_of(as_of if as_of is not None else self.as_of)

    def query(self, *, as_of: Any = None, by: str | Sequence[str] | None = None) -> Query:
        """The SQL builder for these tables."""
        cols = as_list(by)
        for col in cols:
            if col not in self.app_columns and col != APPLIED_WEEK:
                raise InputError(
                    f"Cannot break down by {col!r}: no such column in the applications table "
                    f"(columns: {', '.join(self.app_columns)}; or use 'applied_week')."
                )
        return Query(
            DIALECTS[self.engine], self.applications_table, self.events_table,
            self.resolve_as_of(as_of), tuple(cols), self.app_columns,
        )

    def risk_sets(
        self,
        *,
        as_of: Any = None,
        by: str | Sequence[str] | None = None,
        followup: bool = False,
    ) -> pd.DataFrame:
        """Daily risk sets computed in the engine; same result as
        :func:`jobstats.risksets.daily_risk_sets` on the same tables."""
        q = self.query(as_of=as_of, by=by)
        # counts of follow-ups (events table alone), then the patterns: one pass over
        # the applications, whose rows give what the daily counts and the warnings need
        counts = (self.sql(q.followup_counts()).iloc[0].copy()
                  if followup and self.events_table is not None else None)
        pat = self.patterns(q)
        warnings = self.exclusion_warnings(q, self.exclusions_if_any(q, pat))
        if followup:
            if counts is not None:
                counts["early"] = int(pat.loc[pat["reason"].isna(), "early"].sum())
            warnings += self.followup_warnings(q, counts)
        points = risk_points(pat, n_by=len(q.by), followup=followup)
        if points.empty:
            raise AnalysisError(
                "No application can be used for time-to-reply estimates: " + " ".join(warnings)
                if warnings else "No applications to compute time to reply from: the table is "
                "empty."
            )
        return self.finish(points, q.by, followup, warnings)

    def finish(
        self, points: pd.DataFrame, by: Sequence[str], followup: bool, warnings: list[str]
    ) -> pd.DataFrame:
        """Change points from the engine -> the daily risk-set table."""
        by = list(by)
        points = points.rename(columns={group_alias(i): c for i, c in enumerate(by)})
        out = expand_runs(points, by, followup=followup)
        for col in by:
            if col == APPLIED_WEEK and col not in self.app_columns:
                out[col] = pd.to_datetime(out[col])
            else:
                out[col] = out[col].astype("str")
        if by or followup:  # the column Index the pandas path builds from group keys
            out.columns = pd.Index(list(out.columns), dtype=object)
        out.attrs["warnings"] = warnings
        return out

    def exclusions(self, q: Query) -> pd.DataFrame:
        """Applications left out of time-to-reply estimates: ``reason``, ``lbl`` (the
        first rows, by ``row`` or ``application_id``) and ``cnt`` (all of that reason)."""
        return self.sql(q.exclusions())

    def exclusions_if_any(self, q: Query, patterns: pd.DataFrame) -> pd.DataFrame:
        """:meth:`exclusions`, queried only when ``patterns`` has left-out applications
        (one more pass over the table, for the rows named in the warnings)."""
        if patterns["reason"].notna().any():
            return self.exclusions(q)
        return pd.DataFrame({"reason": [], "lbl": [], "cnt": []})

    def exclusion_warnings(self, q: Query, ex: pd.DataFrame | None = None) -> list[str]:
        """One message per reason an application is left out, as ``reply_durations`` says it."""
        ex = self.exclusions(q) if ex is None else ex
        out = []
        for why, g in ex.groupby("reason", sort=True):
            total = int(g["cnt"].iloc[0])
            rows = g["lbl"].tolist()
            shown = ", ".join(map(str, rows)) + (" ..." if total > len(rows) else "")
            out.append(exclusion_warning(why, total, shown))
        return out

    def followup_warnings(self, q: Query, counts: pd.Series | None) -> list[str]:
        """Ignored follow-ups (undated; dated before the application).

        ``counts``: the row of :meth:`Query.followup_counts` with ``early`` added
        (the ``early`` follow-ups of the usable patterns); None without events.
        """
        if self.events_table is None or counts is None:
            return []
        c = counts
        out = []
        if int(c["undated"]):
            out.append(
                f"{int(c['undated'])} follow-up(s) have no date and are ignored by the time-aware "
                "analysis (when they were sent matters): an application whose follow-ups are "
                "all undated counts there as not followed up; add follow-up dates to use them."
            )
        if int(c["early"]):
            out.append(
                f"{int(c['early'])} follow-up(s) dated before their application are ignored; "
                "check those dates."
            )
        return out

    def overview(self, columns: Sequence[str] = ()) -> pd.Series:
        """``n``, ``first``/``last`` applied date and, per column in ``columns``,
        ``distinct_<col>`` (non-missing values) and ``missing_<col>`` (any missing)."""
        q = self.query().d.ident
        parts = [
            "COUNT(*) AS n",
            f"MIN({q('applied_on')}) AS first",
            f"MAX({q('applied_on')}) AS last",
        ]
        for col in columns:
            if col in self.app_columns:
                parts.append(f"COUNT(DISTINCT {q(col)}) AS distinct_{col}")
                parts.append(
                    f"MAX(CASE WHEN {q(col)} IS NULL THEN 1 ELSE 0 END) AS missing_{col}"
                )
        return self.sql(f"SELECT {', '.join(parts)} FROM {self.applications_table}").iloc[0]

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.report.description}>"


def _is_pandas(obj: Any) -> bool:
    return isinstance(obj, pd.DataFrame)


class DuckDBSource(TableSource):
    """Tables read by an embedded DuckDB (files larger than memory are streamed).

    The per-application step reads the applications in slices of
    ``application_id`` when there are more follow-ups than
    :attr:`rows_per_slice` (see :meth:`id_slices`): 100M applications with 35M
    follow-ups take three slices and stay near 2 GB, where one pass spilled
    gigabytes to disk.
    """

    engine = "duckdb"

    def __init__(self, con: Any, applications: str, events: str | None, **kw: Any) -> None:
        self.con = con
        def columns(table: str | None) -> list[str]:
            if table is None:
                return []
            return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {table}").fetchall()]

        super().__init__(applications, events, columns(applications),
                         event_columns=columns(events), **kw)

    def sql(self, text: str) -> pd.DataFrame:
        return self.con.sql(text).to_arrow_table().to_pandas()

    #: Follow-ups per slice of the patterns query: the per-application tables of
    #: one slice (follow-ups by application id, the join) must fit in DuckDB's
    #: memory limit, or it spills to disk and gets many times slower.
    rows_per_slice: int = 12_000_000

    def id_slices(self) -> list[tuple[str | None, str | None] | None]:
        """Ranges of ``application_id`` (SQL literals) that split the follow-ups
        into parts of about :attr:`rows_per_slice` rows; ``[None]``: one pass.

        Bounds come from a sample of the follow-ups' ids, sorted by DuckDB
        (so in the order its ``<`` uses); any bounds give the exact result, the
        sample only keeps the slices even.
        """
        ev = self.events_table
        if ev is None:
            return [None]
        q = DIALECTS["duckdb"].ident
        app, kind = q("application_id"), q("kind")
        types = {t for table in (self.applications_table, ev) for (t,) in self.con.execute(
            f"SELECT column_type FROM (DESCRIBE SELECT {app} FROM {table})").fetchall()}
        # fetchall, not fetchone: DuckDB refuses the next query while a result is unfinished
        n = self.con.execute(
            f"SELECT COUNT(*) FROM {ev} WHERE {kind} = 'follow_up'").fetchall()[0][0]
        k = math.ceil(n / self.rows_per_slice)
        if k <= 1 or types != {"VARCHAR"}:
            return [None]
        ids = [r[0] for r in self.con.execute(
            f"SELECT id FROM (SELECT {app} AS id FROM {ev} WHERE {kind} = 'follow_up' "
            f"AND {app} IS NOT NULL) USING SAMPLE reservoir(20000 ROWS) REPEATABLE (0) "
            "ORDER BY id").fetchall()]
        bounds = []
        for i in range(1, k):
            b = ids[i * len(ids) // k] if ids else None
            if b is not None and (not bounds or b != bounds[-1]):
                bounds.append(b)
        lits = [None] + ["'" + b.replace("'", "''") + "'" for b in bounds] + [None]
        return list(zip(lits[:-1], lits[1:]))

    def patterns(self, q: Query) -> pd.DataFrame:
        """The patterns of each slice of :meth:`id_slices`, added up (one slice: one pass)."""
        slices = self.id_slices()
        if len(slices) == 1:
            return self.sql(q.patterns(extra=True))
        parts = f"jobstats_tmp_{next(_names)}"
        for i, ids in enumerate(slices):
            text = dataclasses.replace(q, ids=ids).patterns(extra=True)
            self.con.execute(f"INSERT INTO {parts} {text}" if i else
                             f"CREATE TEMP TABLE {parts} AS {text}")
        cols = [r[0] for r in self.con.execute(f"DESCRIBE {parts}").fetchall()]
        dims = ", ".join(c for c in cols if c not in ("n", "early"))
        out = self.sql(
            f"SELECT {dims}, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(early) AS BIGINT) AS early "
            f"FROM {parts} GROUP BY {dims}")
        self.con.execute(f"DROP TABLE {parts}")
        return out


class SparkSource(TableSource):
    """Tables in a Spark session (temporary views of the DataFrames given)."""

    engine = "spark"

    def __init__(self, spark: Any, applications: str, events: str | None, **kw: Any) -> None:
        self.spark = spark
        super().__init__(applications, events, spark.table(applications).columns,
                         event_columns=spark.table(events).columns if events else (), **kw)

    def sql(self, text: str) -> pd.DataFrame:
        import warnings

        with warnings.catch_warnings():
            # pyspark warns that its pandas 3 support is incomplete; the conversion
            # of these small numeric tables is checked against pandas in the tests
            warnings.filterwarnings("ignore", module=r"pyspark\..*")
            return self.spark.sql(text).toPandas()



def _expand(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """Files named by a path, a directory (its *.parquet), a glob, or a list of them."""
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files: list[str] = []
    for item in items:
        text = os.fspath(item)
        if Path(text).is_dir():
            found = sorted(glob.glob(os.path.join(text, "**", "*.parquet"), recursive=True))
        else:
            found = sorted(glob.glob(text)) if glob.has_magic(text) else (
                [text] if Path(text).is_file() else [])
        if not found:
            raise InputError(f"{text}: no such file (or no file matches the pattern).")
        files += found
    return files


def _reader(files: list[str]) -> str:
    """DuckDB table function reading the files (Parquet, or CSV with a header)."""
    kinds = {Path(f).suffix.lower() for f in files}
    listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    if kinds <= {".parquet", ".pq"}:
        return f"read_parquet({listing}, union_by_name = true)"
    if kinds <= {".csv", ".tsv", ".txt"}:
        return f"read_csv({listing}, header = true, union_by_name = true)"
    raise InputError(
        f"{files[0]}: from_parquet reads .parquet or .csv files with canonical column names "
        f"(got {', '.join(sorted(kinds))}); use jobstats.load for tracker spreadsheets."
    )


def _duckdb_connect(memory_limit: str | None, threads: int | None) -> Any:
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InputError(
            "Reading Parquet needs DuckDB: pip install 'jobstats[engines]' (or duckdb)."
        ) from exc
    con = duckdb.connect(":memory:")
    # spill beyond the memory limit to the system's temporary folder, not the
    # current one (which may be the user's data folder)
    spill = os.path.join(tempfile.gettempdir(), f"jobstats-duckdb-{os.getpid()}")
    con.execute(f"SET temp_directory = '{spill}'")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")  # lets big group-bys stream
    return con


def from_parquet(
    applications: Any,
    events: Any = None,
    *,
    as_of: Any = None,
    memory_limit: str | None = "3GB",
    threads: int | None = None,
) -> DuckDBSource:
    """Canonical tables in Parquet (or CSV) files, summarised by an embedded DuckDB.

    The files are not loaded into memory: DuckDB streams them through the
    risk-set query and only the aggregated counts come back.

    Parameters
    ----------
    applications : path, glob, directory, list of them, or pandas.DataFrame
        The applications table with canonical column names (see
        :mod:`jobstats.engine.source`), in ``.parquet`` files (or ``.csv``
        with a header row). A glob such as ``"apps/part-*.parquet"`` or a
        directory reads all the parts as one table.
    events : same kinds, optional
        The events table (follow-ups), canonical column names.
    as_of : date-like, optional
        Snapshot date of the analyses (default: today, at call time).
    memory_limit : str, optional
        DuckDB's memory limit (it spills to disk beyond it); None: DuckDB's
        default (80% of the RAM). The summary also reads the applications in
        slices (:attr:`DuckDBSource.rows_per_slice` follow-ups each) so that
        it rarely needs to spill.
    threads : int, optional
        DuckDB threads (default: all cores).

    Returns
    -------
    DuckDBSource
        Pass it to :func:`jobstats.engine.risk_sets` or :func:`jobstats.summarize`.

    Examples
    --------
    >>> import jobstats
    >>> src = jobstats.from_parquet("warehouse/apps/*.parquet",
    ...                             "warehouse/events/*.parquet",
    ...                             as_of="2025-06-30")  # doctest: +SKIP
    >>> jobstats.summarize(src).to_text()  # doctest: +SKIP
    """
    con = _duckdb_connect(memory_limit, threads)
    names = []
    described = []
    files_read: list[str] = []
    for label, table in (("applications", applications), ("events", events)):
        if table is None:
            names.append(None)
            continue
        name = f"jobstats_{label}_{next(_names)}"
        if _is_pandas(table):
            con.register(name + "_df", table)
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {name}_df")
            described.append(f"{label}: a pandas DataFrame ({len(table)} rows)")
        else:
            files = _expand(table)
            files_read += files
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {_reader(files)}")
            shown = files[0] if len(files) == 1 else f"{len(files)} files ({files[0]}, ...)"
            described.append(f"{label}: {shown}")
        names.append(name)
    report = SourceReport(files_read, "; ".join(described) + " with DuckDB")
    return DuckDBSource(con, names[0], names[1], as_of=as_of, report=report)


def from_spark(applications: Any, events: Any = None, *, as_of: Any = None) -> SparkSource:
    """Canonical tables as Spark DataFrames, summarised where they live.

    Parameters
    ----------
    applications, events : pyspark.sql.DataFrame
        Tables with the canonical column names (see :mod:`jobstats.engine.source`).
        Dates: ``DateType`` or ``TimestampType`` (cast to a date in the session
        time zone).
    as_of : date-like, optional
        Snapshot date of the analyses (default: today, at call time).

    Returns
    -------
    SparkSource

    Notes
    -----
    A summary runs three or four small Spark queries. On a laptop with small
    tables (thousands of applications, ``local`` mode) most of their time is the
    JVM starting and Spark compiling, not the data. Measured on 400 applications
    (2-core machine, ``tests/test_engine_spark.py``): the JVM option
    ``-XX:TieredStopAtLevel=1`` (``spark.driver.extraJavaOptions``) halved the
    JVM's CPU time, and ``spark.sql.codegen.wholeStage=false`` with
    ``spark.sql.codegen.factoryMode=NO_CODEGEN`` cut another quarter. These
    settings do not change the results; on a cluster with large tables keep
    Spark's defaults.
    """
    spark = applications.sparkSession
    names = []
    for label, df in (("applications", applications), ("events", events)):
        if df is None:
            names.append(None)
            continue
        name = f"jobstats_{label}_{os.getpid()}_{next(_names)}"
        df.createOrReplaceTempView(name)
        names.append(name)
    desc = "applications" + (" and events" if events is not None else "")
    report = SourceReport([], f"{desc}: Spark DataFrames")
    return SparkSource(spark, names[0], names[1], as_of=as_of, report=report)


def as_source(applications: Any, events: Any = None, *, engine: str, as_of: Any = None
              ) -> TableSource:
    """A :class:`TableSource` for ``engine`` from tables given in any supported form."""
    if isinstance(applications, TableSource):
        if applications.engine != engine:
            raise InputError(
                f"engine={engine!r} but the tables live in {applications.engine}."
            )
        return applications
    if engine == "duckdb":
        return from_parquet(applications, events, as_of=as_of)
    if engine == "spark":
        if _is_pandas(applications):
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.getOrCreate()
            applications = spark.createDataFrame(applications)
            if events is not None:
                events = spark.createDataFrame(events)
        return from_spark(applications, events, as_of=as_of)
    raise InputError(f"engine={engine!r} is not one of 'pandas', 'duckdb', 'spark'.")

