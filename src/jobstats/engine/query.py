"""The risk-set aggregation as SQL text, one query for every SQL engine.

Written once in the subset of SQL that DuckDB and Spark SQL share (CTEs,
``CASE``, ``GROUP BY``, window functions); the two spellings that differ,
a difference of dates in days and identifier quoting, come from
:data:`DIALECTS`. Plain SQL text rather than Ibis: the query is short, and
the SQL is what a data engineer can read and run on a warehouse by hand.

The query follows :func:`jobstats.risksets.daily_risk_sets` step by step:

1. :meth:`Query._apps`: per application, the censoring day ``censor`` (days
   from ``applied_on`` to ``as_of``), the reply day ``reply`` and why it is
   left out (``reason_code``: same reasons, same order as
   :func:`jobstats.risksets.reply_durations`).
2. ``fu_n``: the follow-ups per application id, counted once from the events
   table alone. An application with one follow-up (most of them) takes its
   date and channel from there through a single join; only the applications
   with several have their follow-ups ranked (``fu_ranked``: first and
   second usable day, channel of the first).
3. ``patterns``: applications with the same group, time, outcome and
   follow-up days collapsed to one row with a count ``n``: the only step
   that reads every application (a single GROUP BY, on few keys: the
   reason as a code, the 0/1 flags packed into one integer), so everything
   after it is small. DuckDB runs it in slices of ``application_id``
   (:attr:`Query.ids`) when the follow-ups would not fit in memory at once;
   the slices' counts add up.
The patterns come back to pandas (the only table that does), where the rest
is done on the small result:

4. :func:`risk_points`: each pattern opens and closes at-risk segments per
   follow-up state (``+n`` on the first day, ``-n`` the day after the
   last) and adds its reply or censoring on its last day; a running sum of
   the openings per stratum gives ``at_risk`` at each day where something
   changes.
5. :func:`expand_runs` fills in the days in between (where nothing changes).

Why it is written this way (100M applications, 35M follow-ups, 2 cores):
a ranking window over every follow-up, a second join and a ten-key GROUP BY
with text keys made DuckDB spill gigabytes to disk; see
``benchmarks/README.md`` for the measured times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jobstats.schema import STAGE_RANK, STAGES

__all__ = ["DIALECTS", "Dialect", "Query", "risk_points", "expand_runs", "NEVER_DAY"]

#: A follow-up day later than any reply or censoring day (days since applying).
NEVER_DAY: int = 1_000_000_000


@dataclass(frozen=True)
class Dialect:
    """The spellings that differ between SQL engines."""

    name: str
    days: str  # whole days from {a} to {b} (both DATE)
    quote: str  # identifier quote character

    def ident(self, name: str) -> str:
        """A quoted identifier (column names such as ``date`` are keywords)."""
        q = self.quote
        return q + name.replace(q, q + q) + q

    def diff(self, a: str, b: str) -> str:
        return self.days.format(a=a, b=b)


DIALECTS: dict[str, Dialect] = {
    "duckdb": Dialect("duckdb", "date_diff('day', {a}, {b})", '"'),
    "spark": Dialect("spark", "datediff({b}, {a})", "`"),
}

_REPLIED_STAGES = tuple(s for s in STAGES if STAGE_RANK[s] >= STAGE_RANK["replied"])


def _date_literal(as_of: pd.Timestamp) -> str:
    return f"DATE '{as_of.date().isoformat()}'"


def group_alias(i: int) -> str:
    """Column alias of the ``i``-th ``by`` column inside the query."""
    return f"g{i}"


@dataclass(frozen=True)
class Query:
    """The per-application steps over two tables of an engine.

    Parameters
    ----------
    d : Dialect
    applications, events : str
        Table (or view) names in the engine; ``events`` None: no follow-ups.
    as_of : pandas.Timestamp
        Midnight of the snapshot day.
    by : tuple of str
        Grouping columns (compared as text; missing -> ``"(missing)"``);
        ``"applied_week"`` is derived when not a column.
    app_columns : tuple of str
        Columns of the applications table (optional ones may be absent).
    ids : tuple of (str or None, str or None), optional
        Only the applications (and their follow-ups) whose ``application_id``
        is in ``[ids[0], ids[1])`` (SQL literals; None: unbounded, and the
        first slice also takes missing ids). The slices of one partition
        hold every application once, so their ``patterns`` add up to the
        whole table's (see :meth:`jobstats.engine.source.TableSource.patterns_table`).
    """

    d: Dialect
    applications: str
    events: str | None
    as_of: pd.Timestamp
    by: tuple[str, ...]
    app_columns: tuple[str, ...]
    ids: tuple[str | None, str | None] | None = None

    def _in_slice(self, column: str) -> str:
        """A WHERE condition: ``column`` in the slice of ``ids`` (TRUE without one)."""
        if self.ids is None:
            return "TRUE"
        lo, hi = self.ids
        parts = [] if lo is None else [f"{column} >= {lo}"]
        if hi is not None:
            parts.append(f"{column} < {hi}" if lo is not None else
                         f"({column} IS NULL OR {column} < {hi})")
        return " AND ".join(parts) or "TRUE"

    def _apps(self) -> str:
        """One row per application, as a parenthesised sub-query: group values,
        ``app_id``, ``lbl``, ``applied``, ``reply_on``, ``replied_stage``,
        ``fu_flag``, ``censor`` (days to ``as_of``) and ``reply`` (days to the reply).

        Written out where it is read rather than as a CTE: DuckDB materialises
        a CTE read twice, which for 100M applications means gigabytes written
        and read back; reading the Parquet columns again costs less.
        """
        d, q = self.d, self.d.ident
        as_of_sql = _date_literal(self.as_of)
        # group values as stored: made text (see :meth:`patterns`) after the GROUP BY
        groups = []
        for i, col in enumerate(self.by):
            if col == "applied_week" and col not in self.app_columns:
                # Monday of the week (ISO weeks in both engines)
                expr = f"CAST(date_trunc('week', {q('applied_on')}) AS DATE)"
            else:
                expr = q(col)
            groups.append(f"{expr} AS {group_alias(i)}, ")
        fu_flag = (
            f"CASE WHEN {q('followed_up')} THEN 1 ELSE 0 END"
            if "followed_up" in self.app_columns else "0"
        )
        # rows named in warnings: the Excel row when the table has one
        label = q("row") if "row" in self.app_columns else q("application_id")
        # equalities, not IN: DuckDB runs an IN list of five as a join (a few % of the pass)
        replied = " OR ".join(f"{q('stage')} = '{s}'" for s in _REPLIED_STAGES)
        return f"""(
  SELECT x.*, {d.diff('applied', as_of_sql)} AS censor, {d.diff('applied', 'reply_on')} AS reply
  FROM (
    SELECT {"".join(groups)}{q('application_id')} AS app_id, {label} AS lbl,
      CAST({q('applied_on')} AS DATE) AS applied,
      CAST({q('first_reply_on')} AS DATE) AS reply_on,
      CASE WHEN {replied} THEN 1 ELSE 0 END AS replied_stage,
      {fu_flag} AS fu_flag
    FROM {self.applications} WHERE {self._in_slice(q('application_id'))}
  ) x
)"""

    def _app_cols(self, prefix: str = "") -> str:
        """The columns of :meth:`_apps` (``prefix``: a table alias and a dot), comma-terminated."""
        names = [group_alias(i) for i in range(len(self.by))] + [
            "app_id", "lbl", "applied", "reply_on", "replied_stage", "fu_flag", "censor", "reply"]
        return "".join(f"{prefix}{n}, " for n in names)

    def _ctes(self) -> list[str]:
        """``per_app``: one row per application with its time, outcome, reason left
        out (``reason_code``, see :data:`REASONS`) and follow-up days."""
        d, q = self.d, self.d.ident
        as_of_sql = _date_literal(self.as_of)
        apps, cols, a_cols = self._apps(), self._app_cols(), self._app_cols("a.")
        ctes = []
        if self.events is not None:
            ev, kind, date, chan = self.events, q("kind"), q("date"), q("channel")
            app = q("application_id")
            fdate = f"CAST(f.{date} AS DATE)"
            fday = d.diff("a.applied", "f.fdate")
            ok = f"f.fdate <= {as_of_sql} AND {fday} >= 0"
            # The follow-ups per application id, aggregated once from the events table
            # alone (no join): an application with one follow-up needs nothing else
            # (its date and channel are the MIN); only those with several are ranked.
            # Read twice (the join, the ids with several): DuckDB keeps it in memory
            # (one slice's worth, see ``ids``), Spark computes it twice.
            ctes.append(f"""fu_n AS (
  SELECT {app} AS app_id, COUNT(*) AS n_fu, MIN({date}) AS fdate, MIN({chan}) AS channel
  FROM {ev} WHERE {kind} = 'follow_up' AND {self._in_slice(app)} GROUP BY {app}
)""")
            single = f"""SELECT {a_cols}
    CASE WHEN {ok} THEN {fday} END AS f1, CAST(NULL AS BIGINT) AS f2,
    CASE WHEN {ok} THEN f.channel END AS chan,
    CASE WHEN f.fdate > {as_of_sql} THEN 1 ELSE 0 END AS only_later,
    CASE WHEN f.fdate <= {as_of_sql} AND {fday} < 0 THEN 1 ELSE 0 END AS n_early
  FROM {apps} a LEFT JOIN (SELECT app_id, n_fu, CAST(fdate AS DATE) AS fdate, channel FROM fu_n) f
    ON a.app_id = f.app_id
  WHERE f.n_fu IS NULL OR f.n_fu = 1"""
            # applications with several follow-ups: every follow-up with its day;
            # usable: dated, by as_of, not before the application
            ctes.append(f"""fu_all AS (
  SELECT {a_cols}f.fdate, {fday} AS fday, f.channel
  FROM (
    SELECT {app} AS app_id, {fdate} AS fdate, f.{chan} AS channel FROM {ev} f
    WHERE f.{kind} = 'follow_up' AND f.{app} IN (SELECT app_id FROM fu_n WHERE n_fu > 1)
  ) f JOIN {apps} a ON f.app_id = a.app_id
)""")
            ctes.append(f"""fu_valid AS (
  SELECT *, CASE WHEN fdate <= {as_of_sql} AND fday >= 0 THEN 1 ELSE 0 END AS valid
  FROM fu_all
)""")
            # the usable ones first, by day; ties on the first day: the channel in
            # alphabetical order (a table in an engine has no row order to fall back on)
            ctes.append("""fu_ranked AS (
  SELECT *, ROW_NUMBER() OVER (
    PARTITION BY app_id ORDER BY valid DESC, fday, channel ASC NULLS LAST) AS k
  FROM fu_valid
)""")
            # per application: first and second usable day, channel of the first;
            # follow-ups dated after as_of only (not followed up yet on that day);
            # follow-ups dated before the application (ignored, counted)
            multi = f"""SELECT {cols}
    MIN(CASE WHEN k = 1 AND valid = 1 THEN fday END) AS f1,
    MIN(CASE WHEN k = 2 AND valid = 1 THEN fday END) AS f2,
    MIN(CASE WHEN k = 1 AND valid = 1 THEN channel END) AS chan,
    CASE WHEN MAX(CASE WHEN fdate > {as_of_sql} THEN 1 ELSE 0 END) = 1
      AND MAX(CASE WHEN fdate IS NULL OR fdate <= {as_of_sql} THEN 1 ELSE 0 END) = 0
      THEN 1 ELSE 0 END AS only_later,
    SUM(CASE WHEN fdate <= {as_of_sql} AND fday < 0 THEN 1 ELSE 0 END) AS n_early
  FROM fu_ranked GROUP BY {cols.rstrip(", ")}"""
            source = f"(\n  {single}\n  UNION ALL\n  {multi}\n) d"
        else:
            source = (
                f"(SELECT {cols}CAST(NULL AS BIGINT) AS f1, CAST(NULL AS BIGINT) AS f2, "
                f"CAST(NULL AS STRING) AS chan, 0 AS only_later, 0 AS n_early FROM {apps} a) d"
            )
        g_names = "".join(f"{group_alias(i)}, " for i in range(len(self.by)))
        ctes.append(f"""per_app AS (
  SELECT {g_names}{_reason_code()} AS reason_code,
    CASE WHEN reply IS NOT NULL AND reply <= censor THEN reply ELSE censor END AS t,
    CASE WHEN reply IS NOT NULL AND reply <= censor THEN 1 ELSE 0 END AS event,
    CASE WHEN censor >= 0 THEN 1 ELSE 0 END AS sent,
    CASE WHEN replied_stage = 1 AND (reply_on IS NULL OR reply_on <= {as_of_sql}) THEN 1 ELSE 0
      END AS responded,
    CASE WHEN fu_flag = 1 AND only_later = 0 THEN 1 ELSE 0 END AS naive_fu,
    f1, f2, chan, n_early
  FROM {source}
)""")
        return ctes

    def _with(self, body: str) -> str:
        return "WITH " + ",\n".join(self._ctes()) + "\n" + body

    def patterns(self, *, extra: bool = False) -> str:
        """SELECT of the ``patterns`` table: one row per distinct application pattern.

        Columns ``g0.., reason, t, event, f1, f2, chan, [sent, responded,
        naive_fu,] n, early``. Without ``extra`` only usable applications
        (``reason IS NULL``); with it every application and the flags the
        summary needs (``sent``: applied by ``as_of``; ``responded``: reply on
        record by ``as_of``; ``naive_fu``: followed up by ``as_of``, dated or
        not).

        The GROUP BY reads every application, so its keys are few and numeric
        where possible: ``reason`` as a code and the 0/1 flags packed into one
        small integer, decoded on the grouped (small) result.
        """
        g_cols = [group_alias(i) for i in range(len(self.by))]
        if extra:
            flags = "event + 2 * sent + 4 * responded + 8 * naive_fu"
            where = ""
        else:
            flags = "event"
            where = "WHERE reason_code = 0 "
        keys = ", ".join([*g_cols, "reason_code", "t", "flags", "f1", "f2", "chan"])
        # group values and channels compared as text, missing ones named: done on the
        # grouped rows, which a second GROUP BY merges when two values read the same
        out = [f"COALESCE(CAST({g} AS STRING), '(missing)') AS {g}" for g in g_cols]
        out += [f"{_reason_text('reason_code')} AS reason", "t", "flags % 2 AS event", "f1",
                "f2", "COALESCE(CAST(chan AS STRING), '(unknown)') AS chan"]
        dims = [*g_cols, "reason", "t", "event", "f1", "f2", "chan"]
        if extra:
            out += ["CASE WHEN flags % 4 >= 2 THEN 1 ELSE 0 END AS sent",
                    "CASE WHEN flags % 8 >= 4 THEN 1 ELSE 0 END AS responded",
                    "CASE WHEN flags >= 8 THEN 1 ELSE 0 END AS naive_fu"]
            dims += ["sent", "responded", "naive_fu"]
        dim_sql = ", ".join(dims)
        return self._with(
            f"SELECT {dim_sql}, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(early) AS BIGINT) AS early\n"
            f"FROM (\n  SELECT {', '.join(out)}, n, early FROM (\n"
            f"    SELECT {keys}, COUNT(*) AS n, SUM(n_early) AS early\n"
            f"    FROM (SELECT *, {flags} AS flags FROM per_app) p {where}GROUP BY {keys}\n"
            f"  ) g\n) m GROUP BY {dim_sql}"
        )

    def exclusions(self, examples: int = 10) -> str:
        """Applications left out of time-to-reply estimates: count and first rows per reason."""
        return f"""SELECT {_reason_text('reason_code')} AS reason, lbl, cnt FROM (
  SELECT reason_code, lbl, COUNT(*) OVER (PARTITION BY reason_code) AS cnt,
    ROW_NUMBER() OVER (PARTITION BY reason_code ORDER BY lbl) AS k
  FROM (SELECT {_reason_code()} AS reason_code, lbl FROM {self._apps()} a) r
  WHERE reason_code > 0
) x WHERE k <= {int(examples)} ORDER BY reason, lbl"""

    def followup_counts(self) -> str:
        """Follow-up counts for warnings: ``undated`` follow-ups, ``undated_apps``
        (applications whose follow-ups are all undated) and ``dated`` follow-ups.

        One scan of the events counts both kinds (Spark runs each scalar
        sub-query as a job of its own); the follow-ups dated before their
        application come from the patterns (their ``early`` column).
        """
        q, ev = self.d.ident, self.events
        kind, date, app = q("kind"), q("date"), q("application_id")
        # only applications with an undated follow-up are grouped (a semi-join)
        undated_apps = f"""(SELECT COUNT(*) FROM (
    SELECT {app} FROM {ev} WHERE {kind} = 'follow_up' AND {app} IN (
      SELECT {app} FROM {ev} WHERE {kind} = 'follow_up' AND {date} IS NULL)
    GROUP BY {app} HAVING MAX(CASE WHEN {date} IS NULL THEN 0 ELSE 1 END) = 0) u
  )"""
        return (f"SELECT COUNT(*) - COUNT({date}) AS undated,\n  {undated_apps} AS undated_apps,"
                f"\n  COUNT({date}) AS dated\nFROM {ev} WHERE {kind} = 'follow_up'")


#: Why an application is left out of time-to-reply estimates, by code (0: used);
#: the first that applies wins, in the order of :func:`jobstats.risksets.reply_durations`.
REASONS: tuple[str, ...] = (
    "no applied date", "applied after the as-of date", "reply dated before the application",
    "reply (per stage) without a reply date",
)


def _reason_code() -> str:
    """``reason_code`` from ``censor``, ``reply`` and ``replied_stage``."""
    return f"""CASE WHEN censor IS NULL THEN 1
         WHEN censor < 0 THEN 2
         WHEN reply < 0 THEN 3
         WHEN reply IS NULL AND replied_stage = 1 THEN 4
         ELSE 0 END"""


def _reason_text(code: str) -> str:
    """The reason (NULL for 0) from its code."""
    whens = " ".join(f"WHEN {code} = {i} THEN '{r}'" for i, r in enumerate(REASONS, 1))
    return f"CASE {whens} END"


def risk_points(patterns: pd.DataFrame, *, n_by: int, followup: bool) -> pd.DataFrame:
    """Risk-set counts at each change point, from the ``patterns`` table.

    ``patterns`` has the columns of :meth:`Query.patterns` (brought back from
    the engine); only rows with a missing ``reason`` count. Each pattern
    opens and closes its at-risk segments per follow-up state (``+n`` on the
    first day, ``-n`` the day after the last: ``[0, min(t, f1)]``,
    ``[f1 + 1, min(t, f2)]``, ``[f2 + 1, t]``) and adds its reply or
    censoring on day ``t``; a running sum per stratum gives ``at_risk``.

    Returns columns ``g0.., [followups, followup_channel,] day, at_risk,
    replied, censored, next_day``; ``at_risk`` holds from ``day`` to
    ``next_day - 1`` (only ``day`` itself has replies or censorings), and
    only rows with someone at risk are kept.

    Done in pandas on the patterns the engine returns (one row per distinct
    group, time, outcome and follow-up days, so small) rather than as a
    second query: the summary reads the patterns anyway, and in Spark the
    seven-part UNION of the same step cost seconds of query planning.
    """
    # Numbers only until the end: each stratum (group values, follow-up state and
    # channel) is an integer code and each point a (stratum, day) code, so the
    # points of a million patterns take tens of MB, not the gigabyte that columns
    # of text would (the 100M benchmark's patterns run to about a million rows).
    g = [group_alias(i) for i in range(n_by)]
    pat = patterns[patterns["reason"].isna()]
    n = pat["n"].to_numpy(np.int64)
    t = pat["t"].to_numpy(np.int64)
    event = pat["event"].to_numpy(np.int64) == 1
    zero = np.zeros(len(pat), np.int64)
    # the group values' combination, numbered
    group_code = np.zeros(len(pat), np.int64)
    uniques = []
    for col in g:
        codes, values = pd.factorize(pat[col], use_na_sentinel=False)
        group_code = group_code * len(values) + codes
        uniques.append(values)
    if followup:
        # channel codes: 0 is "(none)" (not followed up yet), 1.. the channels
        chan_codes, chans = pd.factorize(pat["chan"], use_na_sentinel=False)
        chan = chan_codes.astype(np.int64) + 1
        n_chan = len(chans) + 1
        never = pat["f1"].to_numpy(float, na_value=np.nan)
        never2 = pat["f2"].to_numpy(float, na_value=np.nan)
        never = np.where(np.isnan(never), NEVER_DAY, never).astype(np.int64)
        never2 = np.where(np.isnan(never2), NEVER_DAY, never2).astype(np.int64)
        everyone = np.ones(len(pat), bool)
        # state s, channel c: stratum (group * 3 + s) * n_chan + c
        base = group_code * 3 * n_chan
        segs = [  # [0, min(t, f1)], [f1 + 1, min(t, f2)], [f2 + 1, t]
            (base, zero, np.minimum(t, never), everyone),
            (base + n_chan + chan, never + 1, np.minimum(t, never2),
             never + 1 <= np.minimum(t, never2)),
            (base + 2 * n_chan + chan, never2 + 1, t, never2 + 1 <= t),
        ]
        end_state = np.where(t > never2, 2, np.where(t > never, 1, 0))
        end_stratum = base + end_state * n_chan + np.where(t > never, chan, 0)
    else:
        segs = [(group_code, zero, t, np.ones(len(pat), bool))]
        end_stratum = group_code
    width = int(t.max(initial=0)) + 2  # every day is in [0, max t + 1]
    # openings and closings (+n, -n) summed per (stratum, day), replies and
    # censorings per (stratum, day) apart: the two add up on the days they share
    keys, deltas = [], []
    for stratum, lo, hi, ok in segs:
        keys += [stratum[ok] * width + lo[ok], stratum[ok] * width + hi[ok] + 1]
        deltas += [n[ok], -n[ok]]
    opened = pd.Series(np.concatenate(deltas), index=np.concatenate(keys)).groupby(level=0).sum()
    ends = pd.DataFrame({"replied": np.where(event, n, 0), "censored": np.where(event, 0, n)},
                        index=end_stratum * width + t).groupby(level=0).sum()
    agg = ends.reindex(opened.index.union(ends.index), fill_value=0)
    agg["delta"] = opened.reindex(agg.index, fill_value=0)
    key = agg.index.to_numpy(np.int64)
    stratum, day = key // width, key % width
    out = pd.DataFrame({"day": day,
                        "at_risk": agg["delta"].groupby(stratum, sort=False).cumsum().to_numpy(),
                        "replied": agg["replied"].to_numpy(np.int64),
                        "censored": agg["censored"].to_numpy(np.int64)})
    out["next_day"] = out["day"].groupby(stratum, sort=False).shift(-1)
    keep = out["at_risk"].to_numpy() > 0
    out, stratum = out[keep].reset_index(drop=True), stratum[keep]
    # decode the strata into the columns the query had
    if followup:
        state, chan_code = stratum // n_chan % 3, stratum % n_chan
        group_code = stratum // (3 * n_chan)
        names = np.concatenate([np.array(["(none)"], dtype=object),
                                np.asarray(chans, dtype=object)])
        out.insert(0, "followup_channel", names[chan_code])
        out.insert(0, "followups", state.astype(np.int64))
    else:
        group_code = stratum
    for i in reversed(range(len(g))):
        size = int(np.prod([len(u) for u in uniques[i + 1:]], dtype=np.int64))
        codes = group_code // size % len(uniques[i])
        out.insert(0, g[i], np.asarray(uniques[i], dtype=object)[codes])
    return out


def expand_runs(points: pd.DataFrame, by: Sequence[str], *, followup: bool) -> pd.DataFrame:
    """Daily risk sets (the shape of ``daily_risk_sets``) from change points.

    ``points`` is the result of :func:`risk_points` with the group aliases
    already renamed to ``by``. Each row stands for the days ``day ..
    next_day - 1`` with the same ``at_risk``; replies and censorings fall on
    its first day.
    """
    by = list(by)
    state = ["followups", "followup_channel"] if followup else []
    key_cols = by + state
    p = points.reset_index(drop=True)
    day = p["day"].to_numpy(np.int64)
    # a row with someone at risk always has a later change point (the segments close)
    nxt_raw = p["next_day"].to_numpy(dtype="float64", na_value=np.nan)
    nxt = np.where(np.isnan(nxt_raw), day + 1, nxt_raw).astype(np.int64)
    width = nxt - day
    idx = np.repeat(np.arange(len(p)), width)
    first = np.r_[0, np.cumsum(width)[:-1]]
    offset = np.arange(len(idx)) - np.repeat(first, width)
    out = p.loc[idx, key_cols].reset_index(drop=True) if key_cols else pd.DataFrame(
        index=range(len(idx))
    )
    if followup:
        out["followups"] = out["followups"].astype(np.int64)
        out["followup_channel"] = out["followup_channel"].astype(object).astype("str")
    out["day"] = day[idx] + offset
    out["at_risk"] = p["at_risk"].to_numpy(np.int64)[idx]
    on_first = offset == 0
    out["replied"] = np.where(on_first, p["replied"].to_numpy(np.int64)[idx], 0)
    out["censored"] = np.where(on_first, p["censored"].to_numpy(np.int64)[idx], 0)
    if followup:
        out.insert(len(by) + 1, "followed_up", (out["followups"] > 0).astype(np.int64))
    out = out.sort_values([*key_cols, "day"], kind="stable").reset_index(drop=True)
    return out
