"""Does following up help? Time-aware estimates, not naive comparisons.

A follow-up is sent only to applications still silent after some days, when a
reply was already unlikely. Comparing "replied with follow-up" against
"without" mixes that selection with the effect (immortal-time bias) and can
point the wrong way. Here the follow-up is a time-varying exposure:

* :func:`followup_effect` fits a discrete-time hazard model (binomial GLM with
  complementary log-log link) on the aggregated daily risk sets, with a day
  effect and the follow-up state; ``exp(coef)`` is the hazard ratio of a reply
  from the day after the follow-up on.
* "When to follow up" is answered by :func:`jobstats.policy.followup_policy`
  (chance of a reply within 30 days under "follow up on day d if still
  silent", g-formula), which :func:`followup_effect` also reports as the
  absolute effect beside the hazard ratio. (The former ``followup_timing``
  compared different risk sets over different windows, with controls that
  were followed up later: biased toward no effect; removed.)
* :func:`naive_followup_rates` is the naive comparison, labelled as such.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jobstats.policy import ASSUMPTION, adjust_columns, followup_policy, overlap_reason
from jobstats.results import (
    Result,
    dated_after,
    has_str_dtype,
    replied_by,
    require_rows,
    resolve_as_of,
    wilson,
)
from jobstats.risksets import (
    daily_risk_sets,
    followup_days,
    reply_durations,
)
from jobstats.timing import MIN_N

__all__ = [
    "followup_effect",
    "FollowupEffect",
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
    cells, codes = _cells(risk, exposure, adjust)
    levels = [lv for lv in pd.unique(cells[exposure]) if lv != reference]
    replied = cells["replied"].to_numpy()
    # replies per exposure level, before any cell is dropped
    per_level = np.bincount(codes[1], weights=replied)
    stats = {cells[exposure].iloc[i]: int(per_level[codes[1][i]])
             for i in np.unique(codes[1], return_index=True)[1]}
    keep = np.ones(len(cells), dtype=bool)
    for _ in range(5):  # drop zero-reply levels until stable
        before = int(keep.sum())
        for code in codes:  # day bin, exposure, each adjustment column in turn
            tot = np.bincount(code[keep], weights=replied[keep], minlength=code.max(initial=0) + 1)
            keep &= tot[code] > 0
        if int(keep.sum()) == before:
            break
    cells = cells[keep]
    if reference not in set(cells[exposure]):
        return _Fit(pd.DataFrame(), "no replies in the comparison group without follow-up")
    # one baseline per client, absorbed (no column per client; see jobstats.absorbed);
    # without clients that is one group: the plain cloglog GLM with a constant
    clients = "client" in adjust and cells["client"].nunique() > 1
    return _fit_absorbed(cells, exposure, reference, [a for a in adjust if a != "client"],
                         levels, stats, by_client=clients)


def _cells(risk: pd.DataFrame, exposure: str, adjust: list[str]
           ) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """Days at risk and replies per (day bin, exposure, adjustment) cell.

    The same table as ``risk.groupby(["_bin", exposure, *adjust], sort=True)
    [["at_risk", "replied"]].sum().reset_index()`` (rows with a missing key
    left out, cells in sorted key order), counted with numpy on integer codes:
    the follow-up analyses collapse the risk sets several times, and pandas'
    group-by machinery costs more than the counting on a small tracker. Also
    returns each key's code per cell (0, 1, ... in sorted order).
    """
    keys = [exposure, *adjust]
    bins = _day_bin(risk["day"].to_numpy())
    factors = [pd.factorize(bins, sort=True)] + [pd.factorize(risk[c], sort=True) for c in keys]
    ok = np.logical_and.reduce([code >= 0 for code, _ in factors])  # groupby drops missing keys
    dims = [max(len(uniq), 1) for _, uniq in factors]
    flat = np.ravel_multi_index([code[ok] for code, _ in factors], dims)
    cell_id, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
    rows = np.flatnonzero(ok)[first]  # one risk row per cell: its keys, in their dtypes
    cells = risk[keys].iloc[rows].reset_index(drop=True)
    cells.insert(0, "_bin", bins[rows])
    for col in ("at_risk", "replied"):
        # integer counts: float sums are exact far beyond any tracker's size
        cells[col] = np.bincount(inverse, weights=risk[col].to_numpy()[ok],
                                 minlength=len(cell_id)).astype(np.int64)
    codes = list(np.unravel_index(cell_id, dims)) if len(cell_id) else [
        np.zeros(0, dtype=np.int64) for _ in dims]
    return cells, codes


def _hr_record(lv: Any, replies: int, coef: float, se: float, reason: str | None
               ) -> dict[str, Any]:
    rec: dict[str, Any] = {"level": lv, "replies_after": replies}
    if reason is None and (not np.isfinite(coef) or not np.isfinite(se) or se > 10):
        rec["note"] = "estimate unstable (separated or too few events)"
        coef = se = np.nan
    else:
        rec["note"] = reason
        if reason is not None:
            coef = se = np.nan
    z = 1.959963984540054
    rec["hazard_ratio"] = math.exp(coef) if np.isfinite(coef) else np.nan
    rec["ci_low"] = math.exp(coef - z * se) if np.isfinite(se) else np.nan
    rec["ci_high"] = math.exp(coef + z * se) if np.isfinite(se) else np.nan
    rec["p_value"] = (math.erfc(abs(coef / se) / math.sqrt(2)) if np.isfinite(coef)
                      and np.isfinite(se) and se > 0 else np.nan)
    return rec


def _fit_absorbed(cells: pd.DataFrame, exposure: str, reference: Any, adjust: list[str],
                  levels: list[Any], stats: dict[Any, int], *, by_client: bool) -> _Fit:
    """:func:`_fit_cloglog` with one absorbed baseline per client (same model and maximum
    as the dummy-per-client fit; :func:`jobstats.absorbed.fit_cloglog_absorbed`).

    Without clients (``by_client=False``) all cells form one group, whose
    intercept is the model's constant. The fit is jobstats' own Newton solver,
    not statsmodels' GLM, for start-up time: importing statsmodels' GLM module
    pulls in ``scipy.stats`` (~1.4 s, more than the rest of ``jobstats summary``).
    ``tests/test_absorbed.py`` checks it against statsmodels, separation and
    no-reply cases included.
    """
    from jobstats.absorbed import fit_cloglog_absorbed, full_rank, independent_columns

    if by_client:
        group = pd.factorize(cells["client"].astype("str"))[0]
    else:
        group = np.zeros(len(cells), dtype=np.int64)
    n_groups = int(group.max()) + 1
    columns: dict[str, np.ndarray] = {}
    for col, ref in [(exposure, reference), ("_bin", None), *[(a, None) for a in adjust]]:
        # integer codes in order of appearance: one comparison of integers per level
        # instead of one of the (Arrow) strings
        code, seen = pd.factorize(cells[col])
        seen = list(np.asarray(seen))
        uniq = sorted(seen, key=str) if col != "_bin" else sorted(seen)
        base = ref if ref is not None else uniq[0]
        for lv in uniq:
            if lv != base:
                columns[f"{col}[{lv}]"] = (code == seen.index(lv)).astype(float)
    names = list(columns)
    x = np.column_stack([columns[c] for c in names]) if names else np.zeros((len(cells), 0))
    expo = [i for i, c in enumerate(names) if c.startswith(f"{exposure}[")]
    rest = independent_columns(x, group, n_groups, [i for i in range(len(names))
                                                    if i not in expo])
    if not full_rank(x[:, rest + expo], group, n_groups):
        return _Fit(
            pd.DataFrame(),
            "the data cannot separate the follow-up from the day since applying "
            "(in the model, the follow-up state is fixed by the day)",
        )
    keep = rest + expo
    reason = None
    try:
        fit = fit_cloglog_absorbed(x[:, keep], group, cells["replied"].to_numpy(float),
                                   cells["at_risk"].to_numpy(float))
        if not fit.converged:
            reason = "the model did not converge (too few or separated events)"
    except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
        fit, reason = None, f"model fit failed ({exc})"
    rows = []
    for lv in levels:
        name = f"{exposure}[{lv}]"
        coef = se = np.nan
        if fit is not None and name in names and names.index(name) in keep:
            j = keep.index(names.index(name))
            coef, se = float(fit.beta[j]), float(fit.bse[j])
        rows.append(_hr_record(lv, int(stats.get(lv, 0)), coef, se, reason))
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
    adjusted_for : list of str
        The columns the model actually adjusted for (empty when none).
    assumption : str
        The assumption behind the estimate, in plain words.
    e_value, e_value_ci : float
        E-values of the hazard ratio and of its CI limit closest to 1
        (VanderWeele & Ding 2017; see :func:`e_value`); NaN without estimate.
    e_value_note : str
        Which hazard-ratio-to-risk-ratio approximation was used.
    proportional_hazards : dict
        Likelihood-ratio test that the effect changes with days since the
        follow-up (1-3, 4-7, 8+; first 30 days after applying): ``statistic,
        df, p_value, chosen, note``.
    effect_by_days_since : pandas.DataFrame
        Hazard ratio by days since the follow-up (when that model was chosen)
        or the constant one, from the first 30 days after applying.
    policy : pandas.DataFrame
        The absolute effect: :func:`jobstats.followup_policy` (chance of a reply
        within 30 days under "never" and "follow up on day d").
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
    adjusted_for: list[str] = field(default_factory=list)
    assumption: str = ASSUMPTION
    e_value: float = np.nan
    e_value_ci: float = np.nan
    e_value_note: str = ""
    proportional_hazards: dict[str, Any] = field(default_factory=dict)
    effect_by_days_since: pd.DataFrame = field(default_factory=pd.DataFrame)
    policy: pd.DataFrame = field(default_factory=pd.DataFrame)

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
                    "e_value": self.e_value,
                    "e_value_ci": self.e_value_ci,
                    "effect_changes_with_days_since_p": self.proportional_hazards.get(
                        "p_value", np.nan
                    ),
                    "adjusted_for": ", ".join(self.adjusted_for) or "nothing",
                    "method": self.method,
                    "note": self.reason or "",
                    "assumption": self.assumption,
                }
            ]
        )

    def _repr_html_(self) -> str:
        parts = [super()._repr_html_()]
        parts.append(f"<p><i>{html.escape(self.assumption)}</i></p>")
        if len(self.policy):
            cols = ["policy", "estimate", "ci_low", "ci_high", "difference", "diff_ci_low",
                    "diff_ci_high", "note"]
            parts.append("<p><b>Chance of a reply within 30 days, by follow-up policy</b></p>")
            parts.append(self.policy[cols].to_html(index=False, na_rep="—"))
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


def _followup_events(events: pd.DataFrame) -> pd.DataFrame:
    """``application_id`` and ``date`` of the follow-up events (only the columns used
    are filtered: a million-row events table has text columns that cost to copy)."""
    is_fu = (events["kind"] == "follow_up").to_numpy(dtype=bool, na_value=False)
    return events[["application_id", "date"]][is_fu]


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
    applied_on = applications["applied_on"]
    sent = applied_on.notna().to_numpy() & ~dated_after(applied_on, as_of_ts)
    fu = applications["followed_up"].astype("boolean").fillna(False).to_numpy(bool)
    if events is not None and len(events):
        # follow-ups after as_of are not on record, like replies after it
        ev = _followup_events(events)
        late = dated_after(ev["date"], as_of_ts)
        known = ev.loc[~late, "application_id"]  # by as_of, or undated
        later = ev.loc[late, "application_id"]
        if len(later):  # (else nothing to undo: skip two look-ups of every id)
            only_later = applications["application_id"].isin(later) & ~applications[
                "application_id"
            ].isin(known)
            fu &= ~only_later.to_numpy(bool)
    replied = replied_by(applications, as_of_ts)
    counts = []
    for flag in (True, False):
        m = sent & (fu == flag)
        counts.append((int(m.sum()), int((m & replied).sum())))
    return naive_from_counts(*counts)


def naive_from_counts(followed: tuple[int, int], not_followed: tuple[int, int]) -> pd.DataFrame:
    """:func:`naive_followup_rates` from (applications, replied) of both groups."""
    # two rows: numpy columns and one DataFrame (pandas' masked writes cost more here)
    n = np.array([int(followed[0]), int(not_followed[0])], dtype=np.int64)
    replied = np.array([int(followed[1]), int(not_followed[1])], dtype=np.int64)
    lo, hi = wilson(replied, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = replied / np.where(n > 0, n, np.nan)
    small = n < MIN_N
    rate, lo, hi = (np.where(small, np.nan, a) for a in (rate, lo, hi))
    note = [f"too few applications (n={k}); {_NAIVE_NOTE}" if few else _NAIVE_NOTE
            for k, few in zip(n.tolist(), small)]
    return pd.DataFrame({"followed_up": [True, False], "n": n, "replied": replied, "rate": rate,
                         "ci_low": lo, "ci_high": hi, "note": note})


_adjust_columns = adjust_columns  # one rule for every follow-up analysis (jobstats.policy)


def e_value(hr: float, ci_low: float, ci_high: float, *, common: bool) -> tuple[float, float]:
    """E-value of a hazard ratio and of its confidence limit closest to 1.

    VanderWeele & Ding (2017, Ann Intern Med 167:268): the minimum strength of
    association (risk-ratio scale) an unmeasured confounder would need with
    both the follow-up and the reply to explain the estimate away. A hazard
    ratio is first turned into an approximate risk ratio: ``RR = HR`` when the
    outcome is rare (< 15% by the end of follow-up), else
    ``RR = (1 - 0.5**sqrt(HR)) / (1 - 0.5**sqrt(1/HR))`` (their common-outcome
    approximation). Then ``E = RR + sqrt(RR (RR - 1))`` (RR < 1: of 1/RR). The
    CI's E-value is 1 when the interval contains 1.
    """

    def rr(h: float) -> float:
        if common:
            return (1 - 0.5 ** math.sqrt(h)) / (1 - 0.5 ** math.sqrt(1 / h))
        return h

    def ev(r: float) -> float:
        r = 1 / r if r < 1 else r
        return r + math.sqrt(r * (r - 1))

    if not all(np.isfinite([hr, ci_low, ci_high])) or hr <= 0:
        return np.nan, np.nan
    point = ev(rr(hr))
    if ci_low <= 1 <= ci_high:
        return point, 1.0
    limit = ci_low if hr > 1 else ci_high
    return point, ev(rr(limit))


def followup_effect(
    applications: pd.DataFrame,
    events: pd.DataFrame,
    *,
    as_of: Any = None,
    adjust_for: Sequence[str] = ("source",),
    n_boot: int = 200,
    seed: int = 0,
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
    n_boot, seed : int
        Bootstrap resamples and seed of the absolute effect
        (:func:`jobstats.followup_policy`).

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
    :data:`MIN_REPLIES_AFTER` replies after a follow-up, when no day has
    followed-up and not-yet-followed-up applications both waiting with
    replies in each (e.g. every application followed up on the same day: the
    follow-up cannot be told apart from the day), when the design cannot
    separate them, or when the fit does not converge, the hazard ratio is NaN
    with the reason.

    Beside the hazard ratio: the absolute effect (``policy``), a
    likelihood-ratio test that the effect changes with days since the
    follow-up (``proportional_hazards``), the E-value and the assumption in
    plain words.
    """
    require_rows(applications, "a follow-up effect")
    as_of_ts = resolve_as_of(as_of)
    adjust = _adjust_columns(applications, adjust_for)
    risk = daily_risk_sets(applications, events, as_of=as_of_ts, by=adjust or None, followup=True)
    fud, _ = followup_days(applications, events, as_of=as_of_ts)
    dur, _ = reply_durations(applications, as_of=as_of_ts)
    use = dur["use"].to_numpy()
    if has_str_dtype(fud["channel"]):
        # the "str" column the frame infers from the Python strings below, kept as text
        chan_used = fud["channel"].fillna("(unknown)").array[use]
    else:
        chan = fud["channel"].astype(object).where(fud["channel"].notna(), "(unknown)")
        chan_used = chan.to_numpy()[use]
    timing = pd.DataFrame({
        "t": dur["time"].to_numpy()[use], "event": dur["event"].to_numpy()[use],
        "f1": fud["first"].to_numpy()[use], "f2": fud["second"].to_numpy()[use],
        "chan": chan_used, "n": 1,
    })
    undated = 0
    if events is not None and len(events):
        # applications whose follow-ups are all undated
        fu_ev = _followup_events(events)
        undated_ids = fu_ev.loc[fu_ev["date"].isna(), "application_id"].drop_duplicates()
        if len(undated_ids):
            dated_ids = fu_ev.loc[fu_ev["date"].notna(), "application_id"].unique()
            # as object arrays: pandas' isin on pyarrow strings turns every value
            # into a pyarrow scalar in Python (seconds on a million applications)
            undated = int((~pd.Index(undated_ids.to_numpy(dtype=object)).isin(
                np.asarray(dated_ids, dtype=object))).sum())
    policy = followup_policy(
        applications, events, as_of=as_of_ts, adjust_for=adjust_for, n_boot=n_boot, seed=seed
    )
    return effect_from_counts(
        risk, timing, adjust=adjust, followed=int(fud["first"].notna().sum()), undated=undated,
        naive_tab=naive_followup_rates(applications, events, as_of=as_of_ts), policy=policy,
    )


def effect_from_counts(
    risk: pd.DataFrame,
    timing: pd.DataFrame,
    *,
    adjust: list[str],
    followed: int,
    undated: int,
    naive_tab: pd.DataFrame,
    policy: pd.DataFrame,
) -> FollowupEffect:
    """:func:`followup_effect` from aggregated inputs (the seam for engines).

    Parameters
    ----------
    risk : pandas.DataFrame
        :func:`jobstats.risksets.daily_risk_sets` by ``adjust`` with ``followup=True``.
    timing : pandas.DataFrame
        Usable applications (or collapsed rows of identical ones): ``t``, ``event``,
        ``f1``, ``f2`` (first/second dated follow-up day, NaN: none), ``chan``
        (channel of the first, ``"(unknown)"``) and ``n`` (applications per row).
    followed : int
        Applications with a dated follow-up by ``as_of``.
    undated : int
        Applications whose follow-ups are all undated.
    naive_tab : pandas.DataFrame
        :func:`naive_followup_rates` (or :func:`naive_from_counts`).
    policy : pandas.DataFrame
        :func:`jobstats.followup_policy` on the same data.
    """
    warnings = list(risk.attrs.get("warnings", []))
    t = timing["t"].to_numpy(float)
    w = timing["n"].to_numpy(np.int64)
    # applications contributing time to each follow-up level: still waiting
    # after the follow-up day (NaN days, no follow-up, compare False)
    in_1 = t > timing["f1"].to_numpy(float)
    in_2 = t > timing["f2"].to_numpy(float)
    exposed = int(w[in_1].sum())
    replies_after = int(risk["replied"].to_numpy()[risk["followed_up"].to_numpy() == 1].sum())
    adj_text = f", adjusted for {', '.join(adjust)}" if adjust else ""
    method = (
        "discrete-time hazard (cloglog GLM on daily risk sets), follow-up as "
        f"time-varying exposure from the day after it is sent{adj_text}"
    )
    naive = {
        "label": _NAIVE_NOTE,
        "rate_followed_up": float(naive_tab.loc[0, "rate"]),
        "rate_not_followed_up": float(naive_tab.loc[1, "rate"]),
        "n_followed_up": int(naive_tab.loc[0, "n"]),
        "n_not_followed_up": int(naive_tab.loc[1, "n"]),
    }
    hr = lo = hi = p = np.nan
    reason = None
    # per day: waiting and replying, followed up (1) or not yet (0); numpy sums by day
    # code, not a group-by and unstack (integer counts: the float sums are exact)
    days, day_code = np.unique(risk["day"].to_numpy(), return_inverse=True)
    state = risk["followed_up"].to_numpy()
    overlap = pd.DataFrame(
        {
            f"{col}_{label}": np.bincount(day_code[state == value],
                                          weights=risk[col].to_numpy()[state == value],
                                          minlength=len(days)).astype(np.int64)
            for col, value, label in (("at_risk", 0, "not_yet"), ("at_risk", 1, "followed"),
                                      ("replied", 0, "not_yet"), ("replied", 1, "followed"))
        },
        index=pd.Index(days, name="day"),
    )
    not_separable = overlap_reason(overlap, timing["f1"].to_numpy(float)[in_1], followed)
    if followed == 0:
        reason = not_separable  # says there are no dated follow-ups
    elif exposed < MIN_FOLLOWED_UP:
        reason = (
            f"too few followed-up applications still waiting after the follow-up "
            f"({exposed}; need {MIN_FOLLOWED_UP})"
        )
    elif not_separable is not None:
        reason = not_separable
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
    # applications contributing time after a first follow-up, per channel
    chan_col = timing["chan"]
    # (Arrow text factorized as such: no Python string per application)
    chan_code, chans = pd.factorize(chan_col.array[in_1] if has_str_dtype(chan_col)
                                    else chan_col.to_numpy()[in_1])
    entries = dict(zip(chans, np.bincount(chan_code[chan_code >= 0], weights=w[in_1][
        chan_code >= 0], minlength=len(chans)).astype(np.int64).tolist()))
    by_channel = _breakdown(risk, "followup_channel", "(none)", adjust, entries)
    number = risk["followups"].map({0: "none", 1: "after first", 2: "after second or later"})
    by_number = _breakdown(
        risk.assign(followups=number), "followups", "none", adjust,
        {"after first": exposed, "after second or later": int(w[in_2].sum())},
    )
    common = float((timing["event"].to_numpy(float) * w).sum() / w.sum()) >= 0.15
    ev_point, ev_ci = e_value(hr, lo, hi, common=common)
    ev_note = (
        "E-value from the hazard ratio turned into a risk ratio with the common-outcome "
        "approximation (replies >= 15%; VanderWeele & Ding 2017)"
        if common
        else "E-value from the hazard ratio taken as a risk ratio (rare outcome: replies < 15%; "
        "VanderWeele & Ding 2017)"
    )
    if not np.isfinite(ev_point):
        ev_note = "no E-value without a hazard ratio"
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
        adjusted_for=list(adjust) if np.isfinite(hr) else [],  # nothing fitted, nothing adjusted
        assumption=ASSUMPTION,
        e_value=float(ev_point),
        e_value_ci=float(ev_ci),
        e_value_note=ev_note,
        proportional_hazards=dict(policy.attrs.get("ph_test", {})),
        effect_by_days_since=policy.attrs.get("effect_by_days_since", pd.DataFrame()),
        policy=policy,
        warnings=warnings,
    )


def _breakdown(
    risk: pd.DataFrame,
    exposure: str,
    reference: str,
    adjust: list[str],
    entries: Mapping[Any, int],
) -> pd.DataFrame:
    """Hazard ratio per level of a multi-level exposure, NaN where too few.

    ``entries`` gives the number of applications contributing time per level.
    """
    cols = ["level", "applications", "replies_after", "hazard_ratio", "ci_low", "ci_high",
            "p_value", "note"]
    col = risk[exposure]
    if col.isna().any():  # (missing levels: kept as the set of values has them)
        levels = sorted(set(col) - {reference}, key=str)
        replies_of = {lv: int(risk.loc[col == lv, "replied"].sum()) for lv in levels}
    else:  # replies per level from integer codes: one pass, not one comparison per level
        code, seen = pd.factorize(col)
        seen = list(np.asarray(seen))
        per_level = np.bincount(code, weights=risk["replied"].to_numpy(), minlength=len(seen))
        levels = sorted(set(seen) - {reference}, key=str)
        replies_of = {lv: int(per_level[seen.index(lv)]) for lv in levels}
    if not levels:
        return pd.DataFrame(columns=cols)
    enough = {lv: int(entries.get(lv, 0)) >= MIN_FOLLOWED_UP
              and replies_of[lv] >= MIN_REPLIES_AFTER for lv in levels}
    # no model when no level has enough applications and replies for a number
    fit = _fit_cloglog(risk, exposure, reference, adjust) if any(enough.values()) else None
    tab = fit.table.set_index("level") if fit is not None and not fit.table.empty \
        else pd.DataFrame()
    nan4 = dict(hazard_ratio=np.nan, ci_low=np.nan, ci_high=np.nan, p_value=np.nan)
    rows = []
    for lv in levels:
        n_apps = int(entries.get(lv, 0))
        replies = replies_of[lv]
        rec = {"level": lv, "applications": n_apps, "replies_after": replies}
        if not enough[lv]:
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
