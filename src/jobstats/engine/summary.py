"""The inputs of :func:`jobstats.summarize` for tables inside an engine.

Everything that reads applications runs in the engine: an overview, the
exclusions, and the ``patterns`` table (applications collapsed by group,
time, outcome and follow-up days, with a count ``n``). Only those small
tables come back to pandas, which computes the daily risk sets from the
patterns (:func:`jobstats.engine.query.risk_points`) and runs the estimators
of the pandas path on them through their count-level entry points:

* response rate: :func:`jobstats.outcome_rates.proportion_rows`;
* reply within k days: :func:`jobstats.timing.group_curve` (weighted) and
  :func:`jobstats.timing.within_from_curve`;
* median among replied: :func:`jobstats.timing.percentile_from_counts`;
* follow-up effect: :func:`jobstats.followup.effect_from_counts` on the
  engine's risk sets;
* follow-up policy: :func:`jobstats.policy.inputs_from_durations` and
  :func:`jobstats.policy.policy_table`.

The result is the same :class:`jobstats.summary.Summary` (same JSON keys, same
text), checked equal to the pandas path in ``tests/test_engine.py``. What
needs one row per application is not computed and says so: the load report
(the tables were not loaded, so nothing was guessed or dropped: ``null``),
``--by`` comparisons and a coach's per-client view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from jobstats.engine.query import group_alias, risk_points
from jobstats.engine.source import SourceReport, TableSource
from jobstats.risksets import UNDATED_REASON
from jobstats.schema import AnalysisError, InputError

__all__ = ["summarize_source", "SourceLoad", "PER_APPLICATION_NOTE"]

#: Said in the warnings of every summary computed in an engine.
PER_APPLICATION_NOTE = (
    "Computed where the tables live ({engine}), from counts: there is no load report (the "
    "tables were read with their canonical column names, nothing was guessed or dropped), "
    "and views that need one row per application (--by comparisons, a coach's per-client "
    "table) are not computed."
)


@dataclass
class SourceLoad:
    """What a :class:`~jobstats.summary.Summary` reads from its ``loaded`` attribute.

    ``span`` = (applications, first applied date, last applied date), counted
    in the engine (a :class:`~jobstats.io.LoadResult` has the table instead).
    """

    source: TableSource
    as_of: pd.Timestamp
    report: SourceReport
    span: tuple[int, pd.Timestamp | None, pd.Timestamp | None]


def _ts(value: object) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def summarize_source(source: TableSource, *, by: str | None = None):  # -> Summary
    """Headline numbers of canonical tables inside a database engine.

    Same numbers as :func:`jobstats.summarize` on the same tables loaded in
    pandas (see the module docstring).
    """
    from jobstats.followup import effect_from_counts, naive_from_counts
    from jobstats.outcome_rates import proportion_rows
    from jobstats.policy import inputs_from_durations, policy_table
    from jobstats.summary import HORIZONS, Summary
    from jobstats.timing import group_curve, percentile_from_counts, undated_warning
    from jobstats.timing import within_from_curve

    if by is not None:
        raise InputError(
            f"by={by!r}: comparing groups needs one row per application, which tables read by "
            f"{source.engine} do not bring back; summarise a subset with jobstats.load instead."
        )
    as_of = source.resolve_as_of()
    ov = source.overview(("source", "client"))
    n_apps = int(ov["n"])
    if n_apps == 0:
        raise AnalysisError(f"{source.report.description}: the applications table is empty.")
    # as jobstats.policy.adjust_columns: source with more than one value (missing
    # counts as one), client with more than one known value
    adjust = []
    if "distinct_source" in ov and int(ov["distinct_source"]) + int(ov["missing_source"]) > 1:
        adjust.append("source")
    if "distinct_client" in ov and int(ov["distinct_client"]) > 1:
        adjust.append("client")
    q = source.query(as_of=as_of, by=adjust)
    fu_counts = (
        source.sql(q.followup_counts()).iloc[0].copy() if source.events_table else None
    )
    pat = source.patterns(q)
    # the rows of left-out applications (named in the warnings): one more pass over
    # the table, only when the patterns say there are any
    excluded = source.exclusions_if_any(q, pat)
    exclusions = source.exclusion_warnings(q, excluded)
    for col in ("f1", "f2"):
        pat[col] = pat[col].astype("float64")
    by_alias = pat  # group columns named g0.. (as risk_points reads them)
    pat = pat.rename(columns={group_alias(i): c for i, c in enumerate(adjust)})
    warnings = [PER_APPLICATION_NOTE.format(engine=source.engine)]

    # response rate, as rates() counts it: applications sent by as_of
    sent = pat[pat["sent"] == 1]
    n_sent = int(sent["n"].sum())
    if n_sent == 0:
        raise AnalysisError(
            f"All {n_apps} applications are dated after the as-of date {as_of.date()}; "
            "pass a later as_of."
        )
    responses = int(sent.loc[sent["responded"] == 1, "n"].sum())
    counts = pd.DataFrame({"n": [n_sent], "events": [responses], "_out": [0]})
    response = proportion_rows(counts, "response", "reply").drop(columns="_out").iloc[0]
    if n_sent < n_apps:
        unsent = excluded[excluded["reason"].isin(["no applied date",
                                                   "applied after the as-of date"])]
        rows = ", ".join(map(str, unsent.sort_values("lbl")["lbl"].head(10)))
        warnings.append(
            f"{n_apps - n_sent} application(s) dated after the as-of date {as_of.date()} are "
            f"left out of the rates (rows {rows}); pass a later as_of."
        )

    # reply within 7/14/30 days: the reply curve of the usable applications,
    # replies without a date imputed (their censoring day is their t)
    usable = pat[pat["reason"].isna()]
    undated = pat[pat["reason"] == UNDATED_REASON]
    warnings += [w for w in exclusions if UNDATED_REASON not in w]
    if len(undated):
        warnings.append(undated_warning(int(undated["n"].sum())))
    if usable.empty and undated.empty:
        raise AnalysisError(
            "No application can be used for time-to-reply estimates: " + " ".join(exclusions)
        )
    c = np.repeat(undated["t"].to_numpy(np.int64), undated["n"].to_numpy(np.int64))
    curve = group_curve(usable["t"].to_numpy(), usable["event"].to_numpy(bool), c,
                        weight=usable["n"].to_numpy())
    within = within_from_curve(curve, HORIZONS)
    replied = usable[usable["event"] == 1]
    median = percentile_from_counts(replied["t"].to_numpy(), replied["n"].to_numpy(), 50)

    # follow-ups: effect (when any follow-up is dated) and policy
    fw = []
    if fu_counts is not None:
        fu_counts["early"] = int(usable["early"].sum())
        fw = source.followup_warnings(q, fu_counts)
    followed = int(pat.loc[pat["f1"].notna(), "n"].sum())
    groups = usable[adjust].astype(str) if adjust else pd.DataFrame(index=usable.index)
    inp = inputs_from_durations(
        groups, usable["t"].to_numpy(), usable["event"].to_numpy(bool),
        usable["f1"].to_numpy(float), horizon=30, adjust=adjust, n_followed_dated=followed,
        weight=usable["n"].to_numpy(), warnings=exclusions + fw,
    )
    followup = None
    has_dated = fu_counts is not None and int(fu_counts["dated"]) > 0
    policy = policy_table(inp, as_of=as_of, n_applications=n_apps, n_boot=200 if has_dated else 0)
    if has_dated:
        risk = source.finish(
            risk_points(by_alias, n_by=len(adjust), followup=True), adjust, True,
            exclusions + fw,
        )
        naive = []
        for flag in (1, 0):
            grp = sent[sent["naive_fu"] == flag]
            naive.append((int(grp["n"].sum()), int(grp.loc[grp["responded"] == 1, "n"].sum())))
        timing = usable[["t", "event", "f1", "f2", "chan", "n"]]
        followup = effect_from_counts(
            risk, timing, adjust=adjust, followed=followed,
            undated=int(fu_counts["undated_apps"]), naive_tab=naive_from_counts(*naive),
            policy=policy,
        )
        warnings.extend(followup.warnings)
    if not policy.attrs.get("identifiable", False):
        warnings.append(f"When to follow up: no estimate, because {policy.attrs['reason']}.")
    span = (n_apps, _ts(ov["first"]), _ts(ov["last"]))
    loaded = SourceLoad(source, as_of, source.report, span)
    return Summary(loaded, response, within, median, followup, list(dict.fromkeys(warnings)),
                   policy=policy)
