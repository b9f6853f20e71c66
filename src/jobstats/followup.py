"""Does following up help? Time-aware estimates, not naive comparisons.

A follow-up is sent only to applications still silent after some days, when a
reply was already unlikely. Comparing "replied with follow-up" against
"without" mixes that selection with the effect (immortal-time bias) and can
point the wrong way. Here the follow-up is a time-varying exposure:

* :func:`followup_effect` fits a discrete-time hazard model (binomial GLM with
  complementary log-log link) on the aggregated daily risk sets, with a day
  effect and the follow-up state; ``exp(coef)`` is the hazard ratio of a reply
  from the day after the follow-up on.
* :func:`followup_timing` compares, for first follow-ups sent at various
  delays, the reply rate in the next ``window`` days with applications still
  waiting on the same day and not followed up (risk-set matching).
* :func:`naive_followup_rates` is the naive comparison, labelled as such.
"""

from __future__ import annotations

import html
import math
import warnings as _warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from jobstats.results import Result, replied_by, require_rows, resolve_as_of, wilson
from jobstats.risksets import (
    NEVER,
    daily_risk_sets,
    followup_days,
    reply_durations,
    require_usable,
)
from jobstats.timing import MIN_N

__all__ = [
    "followup_effect",
    "FollowupEffect",
    "followup_timing",
    "naive_followup_rates",
    "DAY_BIN_EDGES",
    "MIN_FOLLOWED_UP",
    "MIN_REPLIES_AFTER",
]

#: Left edges of the day bins of the baseline hazard (last bin open-ended).
DAY_BIN_EDGES: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 30, 45, 60, 90)
#: Fewer followed-up applications than this: no hazard ratio.
MIN_FOLLOWED_UP: int = 10
#: Fewer replies after a follow-up than this: no hazard ratio.
MIN_REPLIES_AFTER: int = 5
#: Smallest group for a rate in followup_timing / thank_you_timing.
MIN_GROUP: int = 10

_NAIVE_NOTE = "naive: ignores when the follow-up was sent (biased, see followup_effect)"


def _day_bin(day: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(DAY_BIN_EDGES), day, side="right") - 1


@dataclass
class _Fit:
    """Hazard ratios of the exposure levels from one cloglog fit."""

    table: pd.DataFrame
    reason: str | None


def _fit_cloglog(
    risk: pd.DataFrame, exposure: str, reference: Any, adjust: list[str]
) -> _Fit:
    """Discrete-time hazard model on risk-set rows; HR per exposure level.

    Rows are first collapsed to (day bin, exposure, adjust) cells, which leaves
    the binomial likelihood unchanged because the model is constant within a
    cell. Levels of a factor with no reply at all would have a coefficient of
    minus infinity; their rows carry no information about the other
    coefficients, so they are dropped (the exact MLE of the rest).
    """
    r = risk.assign(_bin=_day_bin(risk["day"].to_numpy()))
    cells = r.groupby(["_bin", exposure, *adjust], sort=True, observed=True)[
        ["at_risk", "replied"]
    ].sum().reset_index()
    levels = [lv for lv in pd.unique(cells[exposure]) if lv != reference]
    rows = []
    stats = cells.groupby(exposure)["replied"].sum()
    for _ in range(5):  # drop zero-reply levels until stable
        before = len(cells)
        for col in ["_bin", exposure, *adjust]:
            tot = cells.groupby(col)["replied"].transform("sum")
            cells = cells[tot > 0]
        if len(cells) == before:
            break
    if reference not in set(cells[exposure]):
        return _Fit(pd.DataFrame(), "no replies in the comparison group without follow-up")
    columns = {"const": np.ones(len(cells))}  # one DataFrame at the end: no fragmentation
    for col, ref in [(exposure, reference), ("_bin", None), *[(a, None) for a in adjust]]:
        vals = cells[col]
        uniq = sorted(pd.unique(vals), key=str) if col != "_bin" else sorted(pd.unique(vals))
        base = ref if ref is not None else uniq[0]
        for lv in uniq:
            if lv == base:
                continue
            name = f"{col}[{lv}]"
            columns[name] = (vals == lv).to_numpy(float)
    design = pd.DataFrame(columns, index=cells.index)
    endog = np.column_stack([cells["replied"], cells["at_risk"] - cells["replied"]]).astype(float)
    reason = None
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            model = sm.GLM(
                endog, design, family=sm.families.Binomial(link=sm.families.links.CLogLog())
            )
            res = model.fit(maxiter=200)
        converged = bool(getattr(res, "converged", True))
        params, bse, pvals = res.params, res.bse, res.pvalues
    except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
        converged, reason = False, f"model fit failed ({exc})"
        params = bse = pvals = pd.Series(dtype=float)
    if not converged and reason is None:
        reason = "the model did not converge (too few or separated events)"
    for lv in levels:
        name = f"{exposure}[{lv}]"
        rec = {"level": lv, "replies_after": int(stats.get(lv, 0))}
        coef = params.get(name, np.nan) if reason is None else np.nan
        se = bse.get(name, np.nan) if reason is None else np.nan
        if reason is None and (not np.isfinite(coef) or not np.isfinite(se) or se > 10):
            rec["note"] = "estimate unstable (separated or too few events)"
            coef = se = np.nan
        else:
            rec["note"] = reason
        rec["hazard_ratio"] = math.exp(coef) if np.isfinite(coef) else np.nan
        rec["ci_low"] = math.exp(coef - 1.959963984540054 * se) if np.isfinite(se) else np.nan
        rec["ci_high"] = math.exp(coef + 1.959963984540054 * se) if np.isfinite(se) else np.nan
        rec["p_value"] = float(pvals.get(name, np.nan)) if np.isfinite(coef) else np.nan
        rows.append(rec)
    return _Fit(pd.DataFrame(rows), reason)


@dataclass(repr=False)
class FollowupEffect(Result):
    """Time-aware effect of a follow-up on the chance of a reply.

    Attributes
    ----------
    followed_up : int
        Applications with a dated follow-up sent by the as-of date.
    undated : int
        Applications whose only follow-ups are undated (not usable here).
    exposed : int
        Followed-up applications still waiting after their follow-up day
        (the ones that contribute follow-up time).
    replies_after_followup : int
        Replies from the day after a follow-up on.
    hazard_ratio, ci_low, ci_high, p_value : float
        Hazard ratio of a reply after vs without a follow-up, 95% CI; NaN
        when the data cannot support it (see ``reason``).
    method : str
        The model, in words.
    reason : str or None
        Why there is no estimate, if there is none.
    naive : dict
        The naive comparison (biased), for contrast.
    by_channel, by_number : pandas.DataFrame
        Hazard ratio per channel of the first follow-up, and after the first
        vs after a second follow-up; NaN and a note where too few.
    """

    followed_up: int
    undated: int
    exposed: int
    replies_after_followup: int
    hazard_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    method: str
    reason: str | None
    naive: dict[str, Any]
    by_channel: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_number: pd.DataFrame = field(default_factory=pd.DataFrame)

    def _title(self) -> str:
        return "Follow-up effect (time-aware)"

    @property
    def summary(self) -> pd.DataFrame:
        """One row: hazard ratio with CI, counts, method and reason."""
        return pd.DataFrame(
            [
                {
                    "comparison": "after a follow-up vs not (yet) followed up",
                    "hazard_ratio": self.hazard_ratio,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "p_value": self.p_value,
                    "followed_up": self.followed_up,
                    "replies_after_followup": self.replies_after_followup,
                    "undated_ignored": self.undated,
                    "method": self.method,
                    "note": self.reason,
                }
            ]
        )

    def _repr_html_(self) -> str:
        parts = [super()._repr_html_()]
        n = self.naive
        parts.append(
            "<p><i>Naive comparison (ignores when the follow-up was sent, biased):</i> "
            f"reply rate {_pct(n.get('rate_followed_up'))} with a follow-up "
            f"(n={n.get('n_followed_up')}) vs {_pct(n.get('rate_not_followed_up'))} without "
            f"(n={n.get('n_not_followed_up')}).</p>"
        )
        for title, tab in (("By channel", self.by_channel), ("By number", self.by_number)):
            if len(tab):
                table = tab.to_html(index=False, na_rep="—")
                parts.append(f"<p><b>{html.escape(title)}</b></p>{table}")
        return "\n".join(parts)


def _pct(x: Any) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}%"


def naive_followup_rates(
    applications: pd.DataFrame, events: pd.DataFrame | None = None, *, as_of: Any = None
) -> pd.DataFrame:
    """The naive comparison: reply rate of followed-up vs other applications.

    Biased by design (follow-ups go to applications still silent after days,
    which were already less likely to reply): shown for contrast only.
    Uses ``applications["followed_up"]`` (dated or not), except that an
    application whose follow-ups in ``events`` are all dated after ``as_of``
    was not followed up yet on that date.

    Returns
    -------
    pandas.DataFrame
        ``[followed_up, n, replied, rate, ci_low, ci_high, note]`` (Wilson CI;
        NaN and a note below :data:`jobstats.timing.MIN_N` applications).
    """
    require_rows(applications, "follow-up rates")
    as_of_ts = resolve_as_of(as_of)
    applied = pd.to_datetime(applications["applied_on"]).dt.normalize()
    sent = (applied <= as_of_ts).to_numpy()
    fu = applications["followed_up"].astype("boolean").fillna(False).to_numpy(bool)
    if events is not None and len(events):
        # follow-ups after as_of are not on record, like replies after it
        ev = events[events["kind"] == "follow_up"]
        day = pd.to_datetime(ev["date"]).dt.normalize()
        known = ev.loc[~(day > as_of_ts).to_numpy(), "application_id"]  # by as_of, or undated
        later = ev.loc[(day > as_of_ts).to_numpy(), "application_id"]
        only_later = applications["application_id"].isin(later) & ~applications[
            "application_id"
        ].isin(known)
        fu &= ~only_later.to_numpy(bool)
    replied = replied_by(applications, as_of_ts)
    rows = []
    for flag in (True, False):
        m = sent & (fu == flag)
        rows.append({"followed_up": flag, "n": int(m.sum()), "replied": int((m & replied).sum())})
    out = pd.DataFrame(rows)
    out["rate"] = out["replied"] / out["n"].where(out["n"] > 0)
    out["ci_low"], out["ci_high"] = wilson(out["replied"], out["n"])
    out["note"] = _NAIVE_NOTE
    small = (out["n"] < MIN_N).to_numpy()
    out.loc[small, ["rate", "ci_low", "ci_high"]] = np.nan
    out.loc[small, "note"] = [f"too few applications (n={k}); {_NAIVE_NOTE}" for k in out["n"][small]]
    return out


def _adjust_columns(applications: pd.DataFrame, adjust_for: Sequence[str]) -> list[str]:
    cols = [c for c in adjust_for if c in applications.columns]
    cols = [c for c in cols if applications[c].nunique(dropna=False) > 1]
    if "client" in applications.columns and "client" not in cols:
        if applications["client"].nunique(dropna=True) > 1:
            cols.append("client")
    return cols


def followup_effect(
    applications: pd.DataFrame,
    events: pd.DataFrame,
    *,
    as_of: Any = None,
    adjust_for: Sequence[str] = ("source",),
) -> FollowupEffect:
    """Hazard ratio of a reply after a follow-up, follow-up as time-varying exposure.

    Parameters
    ----------
    applications, events : pandas.DataFrame
        Canonical tables. Follow-ups are the ``follow_up`` events with a date.
    as_of : date-like, optional
        Snapshot date, default today (resolved at call time).
    adjust_for : sequence of str
        Columns to adjust for when present with more than one value (missing
        values form their own level). ``client`` is added when several clients
        are pooled.

    Returns
    -------
    FollowupEffect

    Notes
    -----
    Model: binomial GLM with complementary log-log link on the daily risk
    sets (one row per day at risk, aggregated), with a baseline per day bin
    (:data:`DAY_BIN_EDGES`), the follow-up state and the adjustment columns.
    With a cloglog link, exp(coefficient) is the hazard ratio of a grouped
    proportional-hazards model. The state switches the day after the first
    follow-up: a reply on the follow-up day is not credited to it. Below
    :data:`MIN_FOLLOWED_UP` followed-up applications or
    :data:`MIN_REPLIES_AFTER` replies after a follow-up, or when the fit does
    not converge, the hazard ratio is NaN with the reason.
    """
    require_rows(applications, "a follow-up effect")
    as_of_ts = resolve_as_of(as_of)
    adjust = _adjust_columns(applications, adjust_for)
    risk = daily_risk_sets(applications, events, as_of=as_of_ts, by=adjust or None, followup=True)
    warnings = list(risk.attrs.get("warnings", []))
    fud, _ = followup_days(applications, events, as_of=as_of_ts)
    dur, _ = reply_durations(applications, as_of=as_of_ts)
    followed = int(fud["first"].notna().sum())
    # applications contributing time to each follow-up level: usable and still
    # waiting after the follow-up day (NaN days, no follow-up, compare False)
    t = np.where(dur["use"].to_numpy(), dur["time"].to_numpy(), -1)
    in_1 = t > fud["first"].to_numpy()
    in_2 = t > fud["second"].to_numpy()
    exposed = int(in_1.sum())
    undated = 0
    if events is not None and len(events):
        # applications whose follow-ups are all undated
        fu_ev = events[events["kind"] == "follow_up"]
        dated_ids = fu_ev.loc[fu_ev["date"].notna(), "application_id"].unique()
        undated_ids = fu_ev.loc[fu_ev["date"].isna(), "application_id"].drop_duplicates()
        undated = int((~undated_ids.isin(dated_ids)).sum())
    replies_after = int(risk.loc[risk["followed_up"] == 1, "replied"].sum())
    adj_text = f", adjusted for {', '.join(adjust)}" if adjust else ""
    method = (
        "discrete-time hazard (cloglog GLM on daily risk sets), follow-up as "
        f"time-varying exposure from the day after it is sent{adj_text}"
    )
    naive_tab = naive_followup_rates(applications, events, as_of=as_of_ts)
    naive = {
        "label": _NAIVE_NOTE,
        "rate_followed_up": float(naive_tab.loc[0, "rate"]),
        "rate_not_followed_up": float(naive_tab.loc[1, "rate"]),
        "n_followed_up": int(naive_tab.loc[0, "n"]),
        "n_not_followed_up": int(naive_tab.loc[1, "n"]),
    }
    hr = lo = hi = p = np.nan
    reason = None
    if exposed < MIN_FOLLOWED_UP:
        reason = (
            f"too few followed-up applications still waiting after the follow-up "
            f"({exposed}; need {MIN_FOLLOWED_UP})"
        )
    elif replies_after < MIN_REPLIES_AFTER:
        reason = f"too few replies after a follow-up ({replies_after}; need {MIN_REPLIES_AFTER})"
    else:
        fit = _fit_cloglog(risk, "followed_up", 0, adjust)
        if fit.reason is not None or fit.table.empty:
            reason = fit.reason or "no follow-up time to compare"
        else:
            row = fit.table.iloc[0]
            if isinstance(row["note"], str):
                reason = row["note"]
            else:
                hr, lo, hi, p = row["hazard_ratio"], row["ci_low"], row["ci_high"], row["p_value"]
    chan = fud["channel"].astype(object).where(fud["channel"].notna(), "(unknown)")
    by_channel = _breakdown(
        risk, "followup_channel", "(none)", adjust, chan[in_1].value_counts()
    )
    number = risk["followups"].map({0: "none", 1: "after first", 2: "after second or later"})
    by_number = _breakdown(
        risk.assign(followups=number), "followups", "none", adjust,
        pd.Series({"after first": int(in_1.sum()), "after second or later": int(in_2.sum())}),
    )
    return FollowupEffect(
        followed_up=followed,
        undated=undated,
        exposed=exposed,
        replies_after_followup=replies_after,
        hazard_ratio=float(hr),
        ci_low=float(lo),
        ci_high=float(hi),
        p_value=float(p),
        method=method,
        reason=reason,
        naive=naive,
        by_channel=by_channel,
        by_number=by_number,
        warnings=warnings,
    )


def _breakdown(
    risk: pd.DataFrame,
    exposure: str,
    reference: str,
    adjust: list[str],
    entries: pd.Series,
) -> pd.DataFrame:
    """Hazard ratio per level of a multi-level exposure, NaN where too few.

    ``entries`` gives the number of applications contributing time per level.
    """
    cols = ["level", "applications", "replies_after", "hazard_ratio", "ci_low", "ci_high",
            "p_value", "note"]
    levels = sorted(set(risk[exposure]) - {reference}, key=str)
    if not levels:
        return pd.DataFrame(columns=cols)
    fit = _fit_cloglog(risk, exposure, reference, adjust)
    tab = fit.table.set_index("level") if not fit.table.empty else pd.DataFrame()
    nan4 = dict(hazard_ratio=np.nan, ci_low=np.nan, ci_high=np.nan, p_value=np.nan)
    rows = []
    for lv in levels:
        n_apps = int(entries.get(lv, 0))
        replies = int(risk.loc[risk[exposure] == lv, "replied"].sum())
        rec = {"level": lv, "applications": n_apps, "replies_after": replies}
        if n_apps < MIN_FOLLOWED_UP or replies < MIN_REPLIES_AFTER:
            rec.update(nan4)
            rec["note"] = (
                f"too few (applications {n_apps}, replies {replies}; "
                f"need {MIN_FOLLOWED_UP} and {MIN_REPLIES_AFTER})"
            )
        elif fit.reason is not None or lv not in tab.index:
            rec.update(nan4)
            rec["note"] = fit.reason or "no estimate"
        else:
            t = tab.loc[lv]
            rec.update({k: float(t[k]) for k in ("hazard_ratio", "ci_low", "ci_high", "p_value")})
            rec["note"] = t["note"] if isinstance(t["note"], str) else None
        rows.append(rec)
    return pd.DataFrame(rows, columns=cols)


def followup_timing(
    applications: pd.DataFrame,
    events: pd.DataFrame,
    *,
    as_of: Any = None,
    window: int = 14,
    bins: Sequence[int] = (0, 3, 7, 14, 21),
) -> pd.DataFrame:
    """Reply within ``window`` days of a first follow-up, by follow-up delay.

    For first follow-ups sent on day ``f`` after applying (grouped by
    ``bins``), the followed-up applications still without a reply at the end
    of day ``f`` are compared with the applications also still waiting then
    and not followed up by day ``f`` (risk-set matching on elapsed days). The
    outcome is a reply on days ``f+1 .. f+window``. Only applications whose
    window ends by ``as_of`` count. The control rate of a bin is the average
    of the same-day control rates weighted by the followed-up counts per day.
    Controls may be followed up later within the window (they are compared as
    "not followed up yet on day f"), which can only shrink the difference.

    Returns
    -------
    pandas.DataFrame
        ``[delay_bin, n_followed_up, replied_followed_up, rate_followed_up,
        ci_low, ci_high, n_controls, rate_controls, ci_low_controls,
        ci_high_controls, difference, diff_ci_low, diff_ci_high, note]``.
        Followed-up rate: Wilson CI; control rate: Wilson CI at the effective
        sample size of the day-weighted controls; difference: Newcombe's hybrid
        score interval. Controls are reused across days, so the control
        intervals are approximate (somewhat narrow).
    """
    require_rows(applications, "follow-up timing")
    as_of_ts = resolve_as_of(as_of)
    dur, warnings = reply_durations(applications, as_of=as_of_ts)
    require_usable(dur, warnings)
    fud, fw = followup_days(applications, events, as_of=as_of_ts)
    use = dur["use"].to_numpy()
    t = dur["time"].to_numpy()[use]
    ev = dur["event"].to_numpy()[use]
    applied = pd.to_datetime(applications["applied_on"]).dt.normalize()
    c = (as_of_ts - applied).dt.days.to_numpy()[use]
    f1 = fud["first"].to_numpy()[use]
    fi = np.where(np.isnan(f1), NEVER, np.nan_to_num(f1)).astype(np.int64)
    edges = list(bins)
    labels = [
        f"{lo}-{edges[i + 1] - 1} days" if i + 1 < len(edges) else f"{lo}+ days"
        for i, lo in enumerate(edges)
    ]
    acc: dict[str, dict[str, Any]] = {
        lab: {"n": 0, "r": 0, "w_rate": 0.0, "w_inv": 0.0, "dropped": 0,
              "ctrl": np.zeros(len(t), dtype=bool)}
        for lab in labels
    }
    days = np.unique(fi[fi < NEVER])
    for f in days:
        if f < edges[0]:
            continue
        lab = labels[int(np.searchsorted(edges, f, side="right") - 1)]
        waiting = (t > f) & (c >= f + window)
        treated = waiting & (fi == f)
        ctrl = waiting & (fi > f)
        nt = int(treated.sum())
        if nt == 0:
            continue
        outcome = ev & (t <= f + window)
        mc = int(ctrl.sum())
        if mc == 0:
            acc[lab]["dropped"] += nt
            continue
        pc = float((outcome & ctrl).sum()) / mc
        a = acc[lab]
        a["n"] += nt
        a["r"] += int((outcome & treated).sum())
        a["w_rate"] += nt * pc
        a["w_inv"] += nt**2 / mc
        a["ctrl"] |= ctrl  # distinct control applications of the bin
    numbers = ("rate_followed_up", "ci_low", "ci_high", "rate_controls", "ci_low_controls",
               "ci_high_controls", "difference", "diff_ci_low", "diff_ci_high")
    rows = []
    for lab in labels:
        a = acc[lab]
        n, r = a["n"], a["r"]
        rec: dict[str, Any] = {"delay_bin": lab, "n_followed_up": n, "replied_followed_up": r}
        rec["n_controls"] = int(a["ctrl"].sum())
        rec.update(dict.fromkeys(numbers, np.nan))
        if n == 0:
            rec["note"] = "no first follow-ups with a complete window in this range"
        elif n < MIN_GROUP:
            rec["note"] = f"too few followed-up applications (n={n})"
        else:
            p1 = r / n
            lo, hi = wilson([r], [n])
            l1, u1 = float(lo[0]), float(hi[0])
            pc = a["w_rate"] / n
            # Wilson interval for the weighted control rate at its effective
            # sample size (Kish: (sum w)^2 / sum w^2/m_f), so a rate of 0 still
            # gets an honest, non-degenerate interval.
            n_eff = n**2 / a["w_inv"]
            lo_c, hi_c = wilson([pc * n_eff], [n_eff])
            lc, uc = float(lo_c[0]), float(hi_c[0])
            d = p1 - pc
            # Newcombe's hybrid score interval for a difference of proportions
            # (method 10): stays inside [-1, 1] and is not degenerate at 0 events,
            # unlike the Wald interval.
            rec.update(
                rate_followed_up=p1, ci_low=l1, ci_high=u1,
                rate_controls=pc, ci_low_controls=lc, ci_high_controls=uc,
                difference=d,
                diff_ci_low=d - math.sqrt((p1 - l1) ** 2 + (uc - pc) ** 2),
                diff_ci_high=d + math.sqrt((u1 - p1) ** 2 + (pc - lc) ** 2),
            )
            rec["note"] = None
        if a["dropped"]:
            extra = f"{a['dropped']} followed-up left out: no same-day controls"
            rec["note"] = extra if rec["note"] is None else f"{rec['note']}; {extra}"
        rows.append(rec)
    out = pd.DataFrame(rows)
    out.attrs["warnings"] = warnings + fw
    return out
