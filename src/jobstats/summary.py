"""The headline numbers of a search, as one result a CLI, report or notebook can show.

``summarize`` only calls the analysis functions and collects their tidy results;
it computes no statistic itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jobstats.io import LoadResult
from jobstats.outcome_rates import rates
from jobstats.results import html_view
from jobstats.risksets import shared_steps
from jobstats.schema import AnalysisError
from jobstats.timing import median_days_among_replied, reply_within

#: Horizons (days after applying) of the "reply within N days" estimates.
HORIZONS: tuple[int, ...] = (7, 14, 30)


def _num(value: Any) -> float | int | None:
    """A JSON-ready number: NaN and missing become None."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    value = float(value)
    return None if math.isnan(value) else value


def _interval(row: pd.Series) -> dict[str, Any]:
    """Estimate, interval and note of a result row; ``bounds`` when the row has them."""
    out: dict[str, Any] = {k: _num(row[k]) for k in ("estimate", "ci_low", "ci_high")}
    if "bounds_low" in row.index and pd.notna(row["bounds_low"]):
        out["bounds"] = [_num(row["bounds_low"]), _num(row["bounds_high"])]
    note = row.get("note", "")
    out["note"] = "" if note is None or note is pd.NA else str(note)
    return out


def _iso(ts: pd.Timestamp | None) -> str | None:
    return None if ts is None or pd.isna(ts) else ts.date().isoformat()


@dataclass
class Summary:
    """Headline numbers of a loaded search.

    Attributes
    ----------
    loaded : LoadResult
        The tables and load report the numbers come from.
    response_rate : pandas.Series
        Row of :func:`jobstats.outcome_rates.rates` for the response measure.
    reply_within : pandas.DataFrame
        :func:`jobstats.timing.reply_within` at :data:`HORIZONS`.
    median_among_replied : float
        Median days to the first reply among applications that replied.
    followup : object or None
        :class:`jobstats.followup.FollowupEffect`, None without dated follow-ups.
    warnings : list of str
        Load-report lines and analysis warnings, for the user to read.
    by : pandas.DataFrame or None
        :func:`jobstats.compare` of the ``by`` column, when one was asked for.
    policy : pandas.DataFrame or None
        :func:`jobstats.followup_policy` (chance of a reply within 30 days by
        follow-up policy); its ``attrs["identifiable"]`` says whether it has
        numbers (else the reason is in ``warnings``).
    """

    loaded: LoadResult
    response_rate: pd.Series
    reply_within: pd.DataFrame
    median_among_replied: float
    followup: Any
    warnings: list[str] = field(default_factory=list)
    by: pd.DataFrame | None = None
    policy: pd.DataFrame | None = None
    #: :func:`jobstats.cohort.cohort_report` when several clients are loaded, else None.
    cohort: dict[str, Any] | None = None
    #: the whole :func:`jobstats.rates` table ``response_rate`` is a row of (None from
    #: an engine's counts)
    rates: pd.DataFrame | None = None

    @property
    def applications(self) -> pd.DataFrame:
        return self.loaded.applications

    def _span(self) -> tuple[int, Any, Any]:
        """Applications and first / last applied date (counted by the engine for its tables)."""
        span = getattr(self.loaded, "span", None)
        if span is not None:
            return span
        apps = self.applications
        if not len(apps):
            return 0, None, None
        return len(apps), apps["applied_on"].min(), apps["applied_on"].max()

    @property
    def responses(self) -> int | None:
        """Replies on record (None when the file holds no reply information)."""
        if int(self.response_rate["n"]) == 0:
            return None
        return int(self.response_rate["events"])

    def _repr_html_(self) -> str:
        d = self._as_dict(load_report=False)
        rows = [("applications", d["applications"], None, None, "")]
        rows.append(("employer replies on record", d["response_rate"]["estimate"],
                     d["response_rate"]["ci_low"], d["response_rate"]["ci_high"],
                     d["response_rate"]["note"]))
        for days, iv in d["reply_within"].items():
            note = iv["note"]
            if "bounds" in iv:
                note = f"bounds {iv['bounds'][0]:.3f}-{iv['bounds'][1]:.3f}; {note}"
            rows.append((f"reply within {days} days", iv["estimate"], iv["ci_low"],
                         iv["ci_high"], note))
        rows.append(("median days to reply, among applications that replied",
                     d["median_days_to_reply_among_replied"], None, None, ""))
        table = pd.DataFrame(rows, columns=["measure", "estimate", "ci_low", "ci_high", "note"])
        caption = (f"{d['applications']} applications from {d['first_applied']} to "
                   f"{d['last_applied']}, as of {d['as_of']}.")
        return html_view("Your search in numbers", table, caption=caption,
                         warnings=d["warnings"])

    def to_dict(self) -> dict[str, Any]:
        """One JSON-ready dict: the keys promised by ``jobstats summary --json``."""
        return self._as_dict(load_report=True)

    def _as_dict(self, *, load_report: bool) -> dict[str, Any]:
        """:meth:`to_dict`; ``load_report=False`` leaves that key None (the text and HTML
        views print the load report themselves and never read it)."""
        n_apps, first, last = self._span()
        followup = None
        if self.followup is not None:
            fu = self.followup
            followup = {
                "followed_up": int(fu.followed_up),
                "undated": int(fu.undated),
                "hazard_ratio": _num(fu.hazard_ratio),
                "ci_low": _num(fu.ci_low),
                "ci_high": _num(fu.ci_high),
                "p_value": _num(fu.p_value),
                "e_value": _num(fu.e_value),
                "e_value_ci": _num(fu.e_value_ci),
                "effect_changes_with_days_since_p": _num(
                    fu.proportional_hazards.get("p_value")
                ),
                "effect_changes_with_days_since_note": fu.proportional_hazards.get("note", ""),
                "adjusted_for": list(fu.adjusted_for),
                "assumption": fu.assumption,
                "method": fu.method,
                "naive": {
                    "rate_followed_up": _num(fu.naive["rate_followed_up"]),
                    "rate_not_followed_up": _num(fu.naive["rate_not_followed_up"]),
                    "n_followed_up": _num(fu.naive["n_followed_up"]),
                    "n_not_followed_up": _num(fu.naive["n_not_followed_up"]),
                },
                "note": fu.reason,
            }
        return {
            "as_of": _iso(self.loaded.as_of),
            "files": [str(p) for p in self.loaded.report.files],
            "files_skipped": [
                {"file": str(p), "reason": why} for p, why in self.loaded.report.skipped
            ],
            "applications": int(n_apps),
            "rows_dropped": int(self.loaded.report.dropped),
            "first_applied": _iso(first),
            "last_applied": _iso(last),
            "responses": self.responses,
            "response_rate": _interval(self.response_rate),
            "reply_within": {
                str(int(row["days"])): _interval(row) for _, row in self.reply_within.iterrows()
            },
            "median_days_to_reply_among_replied": _num(self.median_among_replied),
            "followup": followup,
            "followup_policy": self._policy_dict(),
            "warnings": list(self.warnings),
            **({} if self.by is None else {"by": _by_dict(self.by)}),
            "load_report": self.loaded.report.to_dict() if load_report else None,
            "cohort": self.cohort,
        }

    def _policy_dict(self) -> dict[str, Any] | None:
        """The ``followup_policy`` key: None when it cannot be estimated (reason in warnings)."""
        tab = self.policy
        if tab is None or not tab.attrs.get("identifiable", False):
            return None
        never = tab.loc[tab["policy"] == "never"].iloc[0]
        at_day = {}
        for _, row in tab[tab["policy"] != "never"].iterrows():
            rec = {k: _num(row[k]) for k in ("estimate", "ci_low", "ci_high", "difference",
                                             "diff_ci_low", "diff_ci_high")}
            if row["note"]:
                rec["note"] = row["note"]
            at_day[str(int(row["day"]))] = rec
        return {
            "horizon_days": int(never["horizon_days"]),
            "never": _interval(never),
            "at_day": at_day,
            "method": str(never["method"]),
            "adjusted_for": list(tab.attrs.get("adjusted_for", [])),
            "assumption": tab.attrs.get("assumption", ""),
        }

    def to_text(self) -> str:
        """A readable plain-text summary (the CLI's default output)."""
        d = self._as_dict(load_report=False)
        lines = [str(self.loaded.report), ""]
        lines.append(f"Search as of {d['as_of']}")
        lines.append(
            f"  {d['applications']} applications, {d['first_applied']} to {d['last_applied']}"
        )

        def pct(iv: dict[str, Any]) -> str:
            if iv["estimate"] is None:
                note = iv.get("note") or "too few applications"
                text = f"n/a ({note})"
            else:
                lo, hi = iv["ci_low"], iv["ci_high"]
                band = f" (95% CI {lo:.0%}-{hi:.0%})" if lo is not None and hi is not None else ""
                text = f"{iv['estimate']:.0%}{band}"
            if "bounds" in iv:
                lo_b, hi_b = iv["bounds"]
                text += (f"; whatever the dates of the undated replies: {lo_b:.0%}-{hi_b:.0%}")
            return text

        if d["responses"] is None:
            lines.append(f"  Employer replies on record: {pct(d['response_rate'])}")
        else:
            lines.append(f"  Employer replies on record: {d['responses']} = "
                         f"{pct(d['response_rate'])}")
        note = d["response_rate"]["note"]
        if note and d["response_rate"]["estimate"] is not None:
            lines.append(f"    ({note})")
        lines.append("  Chance of a reply within ... days of applying (censoring-aware):")
        for days, iv in d["reply_within"].items():
            lines.append(f"    {days:>3} days: {pct(iv)}")
        med = d["median_days_to_reply_among_replied"]
        lines.append(
            "  Median days to first reply, among applications that replied: "
            + ("n/a" if med is None else f"{med:g}")
        )
        fu = d["followup"]
        if fu is None:
            lines.append("  Follow-ups: no dated follow-ups in the data, so no effect estimate.")
        else:
            lines.append(f"  Follow-ups: {fu['followed_up']} applications followed up (dated).")
            if fu["hazard_ratio"] is None:
                lines.append(f"    Effect: no estimate ({fu['note']})")
            else:
                lines.append(
                    f"    Effect on the daily chance of a reply: x{fu['hazard_ratio']:.2f} "
                    f"(95% CI {fu['ci_low']:.2f}-{fu['ci_high']:.2f}); {fu['method']}"
                )
                adjusted = ", ".join(fu["adjusted_for"]) or "nothing (no such columns to use)"
                lines.append(f"    Adjusted for: {adjusted}.")
                if fu["e_value"] is not None:
                    lines.append(
                        f"    E-value {fu['e_value']:.2f} (CI limit: {fu['e_value_ci']:.2f}): an "
                        "unmeasured reason would need to raise both the chance of a follow-up "
                        "and of a reply this many times to explain the effect away."
                    )
                p_ph = fu["effect_changes_with_days_since_p"]
                if p_ph is None and fu["effect_changes_with_days_since_note"]:
                    lines.append(
                        "    Does the effect change with days since the follow-up? "
                        + fu["effect_changes_with_days_since_note"]
                    )
                elif p_ph is not None:
                    verdict = "changes" if p_ph < 0.05 else "no clear change"
                    lines.append(
                        f"    Does the effect change with days since the follow-up? {verdict} "
                        f"(likelihood-ratio test, p={p_ph:.2g})"
                    )
            if fu["hazard_ratio"] is not None and d["followup_policy"] is None:
                lines.append(f"    ({fu['assumption']})")
            naive = fu["naive"]
            if naive["rate_followed_up"] is not None and naive["rate_not_followed_up"] is not None:
                lines.append(
                    f"    Naive comparison (biased, for reference): replied "
                    f"{naive['rate_followed_up']:.0%} with follow-up vs "
                    f"{naive['rate_not_followed_up']:.0%} without"
                )
        if self.by is not None:
            lines.extend(_by_text(self.by))
        pol = d["followup_policy"]
        if pol is not None:
            h = pol["horizon_days"]
            lines.append(
                f"  When to follow up: chance of a reply within {h} days of applying, if you ..."
            )
            lines.append(f"    never follow up: {pct(pol['never'])}")
            for day, iv in pol["at_day"].items():
                label = f"follow up on day {day} if still silent"
                if iv["estimate"] is None:
                    lines.append(f"    {label}: no estimate ({iv.get('note', '')})")
                    continue
                diff = iv["difference"]
                band = ""
                if iv["diff_ci_low"] is not None and iv["diff_ci_high"] is not None:
                    band = (f", 95% CI {_points(iv['diff_ci_low'])} to "
                            f"{_points(iv['diff_ci_high'])}")
                lines.append(f"    {label}: {pct(iv)}; {_points(diff)} points vs never{band}")
            lines.append(f"    ({pol['assumption']})")
        if self.cohort is not None:
            from jobstats.cohort import cohort_text

            lines.append(cohort_text(self.cohort))
        analysis_warnings = d["warnings"][len(self.loaded.report.warnings) :]
        if analysis_warnings:
            lines.append("  Notes:")
            lines.extend(f"    - {w}" for w in analysis_warnings)
        return "\n".join(lines)


def _by_dict(table: pd.DataFrame) -> dict[str, Any]:
    """The ``by`` key of ``summary --json``: groups, global test, credible groups."""
    groups = [
        {
            "group": str(row["group"]),
            "n": int(row["n"]),
            "events": int(row["events"]),
            "share": _num(row["share"]),
            "estimate": _num(row["estimate"]),
            "ci_low": _num(row["ci_low"]),
            "ci_high": _num(row["ci_high"]),
            "note": row["note"],
        }
        for _, row in table.iterrows()
    ]
    test = table.attrs["test"]
    return {
        "column": table.attrs["column"],
        "horizon_days": table.attrs["horizon_days"],
        "groups": groups,
        "test": {"method": test["method"], "p_value": _num(test["p_value"]),
                 "note": test["note"]},
        "credible": list(table.attrs["credible"]),
    }


def _by_text(table: pd.DataFrame) -> list[str]:
    """Plain-text lines of a comparison by group."""
    h = table.attrs["horizon_days"]
    lines = [(f"  By {table.attrs['column']}: replies on record, and the chance of a reply "
              f"within {h} days (censoring-aware)")]
    for _, r in table.iterrows():
        share = "n/a" if pd.isna(r["share"]) else f"{r['share']:.0%}"
        if pd.isna(r["estimate"]):
            chance = "n/a"
        else:
            chance = f"{r['estimate']:.0%} (95% CI {r['ci_low']:.0%}-{r['ci_high']:.0%})"
        how = "more often or sooner" if r["direction"] == "higher" else "less often or later"
        mark = (f"  <- credibly {r['direction']} (replies {how} than the rest, over the whole "
                "time observed)" if r["credible"] else "")
        note = f"  [{r['note']}]" if r["note"] else ""
        lines.append(f"    {r['group']}: {r['events']}/{r['n']} replied ({share}); "
                     f"{h}-day chance {chance}{mark}{note}")
    test = table.attrs["test"]
    if test["method"] is None:
        lines.append(f"    Test: {test['note']}")
    else:
        lines.append(f"    Test: {test['method']}: p = {test['p_value']:.3g}")
    from jobstats.comparisons import verdict

    lines.append(f"    {verdict(table)}")
    return lines


def _points(share: float) -> str:
    """A difference of shares in percentage points, signed; a second decimal when the
    first would show a small value as "-0.0", and "0.0" for what rounds to zero."""
    x = 100 * share
    if round(x, 2) == 0:
        return "0.0"
    return f"{x:+.2f}" if round(x, 1) == 0 else f"{x:+.1f}"


def summarize(loaded: LoadResult, *, by: str | None = None,
              followup: Any = None) -> Summary:
    """Compute the headline numbers of a loaded search.

    Parameters
    ----------
    loaded : LoadResult or TableSource
        What :func:`jobstats.load` returned, or canonical tables inside an
        engine (:func:`jobstats.from_parquet`, :func:`jobstats.from_spark`;
        same numbers from counts, see :mod:`jobstats.engine.summary`).
    by : str, optional
        A column (or ``"weekday"``, ``"week"``, ``"month"``) to compare groups
        by, with :func:`jobstats.compare`.
    followup : FollowupEffect, optional
        :func:`jobstats.followup_effect` of the same data with its defaults, if
        already computed (the report computes it once for every section).

    Returns
    -------
    Summary
    """
    if not isinstance(loaded, LoadResult):
        # tables inside an engine (jobstats.from_parquet / from_spark): the same
        # estimators, fed with the counts the engine computes
        from jobstats.engine.summary import summarize_source

        return summarize_source(loaded, by=by)
    with shared_steps():  # the analyses below share the per-application steps
        return _summarize(loaded, by, followup)


def _summarize(loaded: LoadResult, by: str | None, given: Any) -> Summary:
    apps, events, as_of = loaded.applications, loaded.events, loaded.as_of
    warnings = list(loaded.report.warnings)
    if apps.empty:
        files = ", ".join(str(p) for p in loaded.report.files)
        report = loaded.report
        if report.dropped == 0:
            raise AnalysisError(
                f"{files}: no application rows below the header. Fill in one application per "
                "row (at least the date applied) and run again."
            )
        reasons = "; ".join(report.issues.loc[report.issues["severity"] == "dropped", "reason"]
                            .drop_duplicates().head(3))
        raise AnalysisError(
            f"{files}: all {report.dropped} rows were left out while loading ({reasons}). "
            "Fix those rows, or map the right columns with --column FIELD=HEADER."
        )
    rate_table = rates(loaded)
    response = rate_table.loc[rate_table["measure"] == "response"].iloc[0]
    within = reply_within(loaded, days=HORIZONS)
    median = float(median_days_among_replied(loaded)["median_days"].iloc[0])
    for table in (rate_table, within):
        warnings.extend(table.attrs.get("warnings", []))
    followup = None
    has_dated = bool(((events["kind"] == "follow_up") & events["date"].notna()).any())
    if has_dated:
        # imported here: statsmodels is loaded only when a model is fitted
        from jobstats.followup import followup_effect

        followup = given if given is not None else followup_effect(apps, events, as_of=as_of)
        warnings.extend(followup.warnings)
        policy = followup.policy  # computed once, inside the effect (its absolute scale)
    else:
        from jobstats.policy import followup_policy

        policy = followup_policy(apps, events, as_of=as_of, n_boot=0)
    if not policy.attrs.get("identifiable", False):
        warnings.append(f"When to follow up: no estimate, because {policy.attrs['reason']}.")
    by_table = None
    if by is not None:
        from jobstats.comparisons import compare  # only when asked: keeps the CLI start fast

        by_table = compare(loaded, by, as_of=as_of)
        warnings.extend(by_table.attrs.get("warnings", []))
    cohort = None
    if apps["client"].nunique() > 1:  # a coach's clients: the per-client view
        from jobstats.cohort import cohort_report

        # the same pooled policy (adjusted for source and client) when every client counts
        cohort = cohort_report(loaded, policy=policy if followup is not None else None)
    # the same exclusion is reported by several analyses: say it once
    return Summary(
        loaded, response, within, median, followup, list(dict.fromkeys(warnings)),
        by=by_table, policy=policy, cohort=cohort, rates=rate_table,
    )

