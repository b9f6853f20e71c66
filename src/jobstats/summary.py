"""The headline numbers of a search, as one result a CLI, report or notebook can show.

``summarize`` only calls the analysis functions and collects their tidy results;
it computes no statistic itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jobstats.followup import followup_effect
from jobstats.io import LoadResult
from jobstats.rates import rates
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


def _interval(row: pd.Series) -> dict[str, float | None]:
    return {k: _num(row[k]) for k in ("estimate", "ci_low", "ci_high")}


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
        Row of :func:`jobstats.rates.rates` for the response measure.
    reply_within : pandas.DataFrame
        :func:`jobstats.timing.reply_within` at :data:`HORIZONS`.
    median_among_replied : float
        Median days to the first reply among applications that replied.
    followup : object or None
        :class:`jobstats.followup.FollowupEffect`, None without dated follow-ups.
    warnings : list of str
        Load-report lines and analysis warnings, for the user to read.
    """

    loaded: LoadResult
    response_rate: pd.Series
    reply_within: pd.DataFrame
    median_among_replied: float
    followup: Any
    warnings: list[str] = field(default_factory=list)
    #: :func:`jobstats.cohort.cohort_report` when several clients are loaded, else None.
    cohort: dict[str, Any] | None = None

    @property
    def applications(self) -> pd.DataFrame:
        return self.loaded.applications

    @property
    def responses(self) -> int:
        return int(self.response_rate["events"])

    def to_dict(self) -> dict[str, Any]:
        """One JSON-ready dict: the keys promised by ``jobstats summary --json``."""
        apps = self.applications
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
            "applications": int(len(apps)),
            "rows_dropped": int(self.loaded.report.dropped),
            "first_applied": _iso(apps["applied_on"].min()) if len(apps) else None,
            "last_applied": _iso(apps["applied_on"].max()) if len(apps) else None,
            "responses": self.responses,
            "response_rate": _interval(self.response_rate),
            "reply_within": {
                str(int(row["days"])): _interval(row) for _, row in self.reply_within.iterrows()
            },
            "median_days_to_reply_among_replied": _num(self.median_among_replied),
            "followup": followup,
            "warnings": list(self.warnings),
            "cohort": self.cohort,
        }

    def to_text(self) -> str:
        """A readable plain-text summary (the CLI's default output)."""
        d = self.to_dict()
        lines = [str(self.loaded.report), ""]
        lines.append(f"Search as of {d['as_of']}")
        lines.append(
            f"  {d['applications']} applications, {d['first_applied']} to {d['last_applied']}"
        )

        def pct(iv: dict[str, float | None]) -> str:
            if iv["estimate"] is None:
                return "n/a (too few applications)"
            lo, hi = iv["ci_low"], iv["ci_high"]
            band = f" (95% CI {lo:.0%}-{hi:.0%})" if lo is not None and hi is not None else ""
            return f"{iv['estimate']:.0%}{band}"

        lines.append(
            f"  Employer replies on record: {d['responses']} = {pct(d['response_rate'])}"
        )
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
            naive = fu["naive"]
            if naive["rate_followed_up"] is not None and naive["rate_not_followed_up"] is not None:
                lines.append(
                    f"    Naive comparison (biased, for reference): replied "
                    f"{naive['rate_followed_up']:.0%} with follow-up vs "
                    f"{naive['rate_not_followed_up']:.0%} without"
                )
        if self.cohort is not None:
            from jobstats.cohort import cohort_text

            lines.append(cohort_text(self.cohort))
        analysis_warnings = d["warnings"][len(self.loaded.report.warnings) :]
        if analysis_warnings:
            lines.append("  Notes:")
            lines.extend(f"    - {w}" for w in analysis_warnings)
        return "\n".join(lines)


def summarize(loaded: LoadResult) -> Summary:
    """Compute the headline numbers of a loaded search.

    Parameters
    ----------
    loaded : LoadResult
        What :func:`jobstats.load` returned.

    Returns
    -------
    Summary
    """
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
    rate_table = rates(apps, as_of=as_of)
    response = rate_table.loc[rate_table["measure"] == "response"].iloc[0]
    within = reply_within(apps, days=HORIZONS, as_of=as_of)
    median = float(median_days_among_replied(apps, as_of=as_of)["median_days"].iloc[0])
    for table in (rate_table, within):
        warnings.extend(table.attrs.get("warnings", []))
    followup = None
    has_dated = bool(((events["kind"] == "follow_up") & events["date"].notna()).any())
    if has_dated:
        followup = followup_effect(apps, events, as_of=as_of)
        warnings.extend(followup.warnings)
    cohort = None
    if apps["client"].nunique() > 1:  # a coach's clients: the per-client view
        from jobstats.cohort import cohort_report

        cohort = cohort_report(loaded)
    # the same exclusion is reported by several analyses: say it once
    return Summary(loaded, response, within, median, followup, list(dict.fromkeys(warnings)),
                   cohort)

