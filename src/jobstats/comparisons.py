"""Compare groups of applications without the two usual traps.

Dashboards compare naive reply shares by source, weekday or month, and
mislead twice: recent applications have had less time to get a reply (so
"this month" always looks worse), and with ten groups one of them always
looks best by chance. :func:`compare` answers both:

* per group, the censoring-aware chance of a reply within ``horizon`` days
  (Kaplan–Meier, from :mod:`jobstats.timing`) next to the plain response share;
* one global log-rank test across groups (censoring-aware, so a recent month
  is judged only on the days it has been observed), and each group against the
  rest, Holm-adjusted, so a group is called different only when it still is
  after accounting for how many groups were looked at.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency
from statsmodels.duration.survfunc import survdiff

from jobstats.results import (
    MISSING,
    group_frame,
    replied_by,
    require_rows,
    resolve_as_of,
    sent_by,
    wilson,
)
from jobstats.risksets import reply_durations
from jobstats.schema import AnalysisError, InputError, has_info

# The one place that reaches into the timing code: the lead may rename modules.
from jobstats.timing import MIN_N, reply_within

__all__ = ["PERIODS", "compare", "split_loaded", "undated_check", "verdict"]

#: Derived groupings of the applied date (used when no column has that name).
PERIODS: tuple[str, ...] = ("weekday", "week", "month")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ALIASES = {"applied_week": "week", "applied_month": "month", "applied_weekday": "weekday"}

_COLUMNS = [
    "group", "n", "events", "share", "share_ci_low", "share_ci_high", "followed",
    "estimate", "ci_low", "ci_high", "p_value", "p_adjusted", "credible", "direction",
    "method", "note",
]


def split_loaded(data: Any, as_of: Any) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Applications table and as-of from a ``LoadResult`` or a DataFrame.

    A ``LoadResult`` brings its own as-of date; an explicit ``as_of`` wins.
    """
    if hasattr(data, "applications"):
        apps = data.applications
        if as_of is None:
            as_of = getattr(data, "as_of", None)
    elif isinstance(data, pd.DataFrame):
        apps = data
    else:
        raise InputError(
            f"Expected what jobstats.load() returns or an applications DataFrame, got "
            f"{type(data).__name__}."
        )
    require_rows(apps, "a comparison")
    return apps, resolve_as_of(as_of)


#: More than this share of a group's replies undated: no "reply within N days" for it.
UNDATED_LIMIT: float = 0.25


def undated_check(n_replies: int, n_undated: int, horizon: int) -> tuple[bool, str]:
    """Whether undated replies make a "reply within N days" unusable, and the note.

    Leaving undated replies out biases the chance down (an undated reply is
    still a reply): with more than :data:`UNDATED_LIMIT` of them no number is
    given; with fewer the number is kept and the note says it may be low.
    """
    if not n_undated:
        return False, ""
    if n_undated > UNDATED_LIMIT * n_replies:
        return True, (f"{n_undated} of the {n_replies} replies have no date: the chance of a "
                      f"reply within {horizon} days cannot be estimated without bias")
    return False, (f"{n_undated} undated repl{'y' if n_undated == 1 else 'ies'} left out: the "
                   f"chance within {horizon} days may be a little low")


def _resolve_column(apps: pd.DataFrame, by: str, mapping: pd.DataFrame | None = None) -> str:
    """The column ``by`` names: exact, else equal ignoring case/spaces, else the
    canonical field the loader mapped that header of the file to (the user types
    "Application site", the table calls it ``source``)."""
    if by in apps.columns:
        return by
    key = by.strip().casefold()
    if key in PERIODS or key in _ALIASES:
        return _ALIASES.get(key, key)
    hits = [c for c in apps.columns if str(c).strip().casefold() == key]
    if len(hits) == 1:
        return hits[0]
    if mapping is not None and {"field", "header"} <= set(mapping.columns):
        fields = {
            str(f) for f, h in zip(mapping["field"], mapping["header"])
            if str(h).strip().casefold() == key and f in apps.columns
        }
        if len(fields) == 1:
            return fields.pop()
    known = ", ".join(str(c) for c in apps.columns if c not in ("sheet", "row", "application_id"))
    raise InputError(
        f"Cannot compare by {by!r}: no such column in the tracker. Columns: {known}; or a "
        f"period of the applied date: {', '.join(PERIODS)}."
    )


def _labels(apps: pd.DataFrame, col: str) -> tuple[pd.Series, list[str]]:
    """Group label (str) of each application and the labels in display order."""
    if col in PERIODS and col not in apps.columns:
        applied = pd.to_datetime(apps["applied_on"]).dt.normalize()
        if col == "weekday":
            lab = applied.dt.day_name()
            order = [d for d in _WEEKDAYS if d in set(lab)]
            return lab.astype(str), order
        if col == "week":
            monday = applied - pd.to_timedelta(applied.dt.day_of_week, unit="D")
            lab = "week of " + monday.dt.strftime("%Y-%m-%d")
        else:
            lab = applied.dt.strftime("%Y-%m")
        return lab.astype(str), sorted(set(lab))
    g = group_frame(apps, [col])[col]
    # groupby sorts mixed keys (numbers and "(missing)") where sorted() cannot
    order_raw = g.groupby(g, sort=True, dropna=False).size().index.tolist()

    def text(v: Any) -> str:  # 50.0 -> "50": numbers read as floats because of blanks
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)

    lab = g.astype(object).map(text)
    order = [text(v) for v in order_raw]
    if MISSING in order:  # the missing group last
        order = [v for v in order if v != MISSING] + [MISSING]
    return lab, order


def _observed_minus_expected(time: np.ndarray, event: np.ndarray, member: np.ndarray) -> float:
    """Log-rank O - E of the replies of ``member`` (only its sign is used: the direction).

    Written out (a few lines) because statsmodels' ``survdiff`` returns only
    the statistic and p-value, not which side is higher.
    """
    ev_times = np.unique(time[event])
    if not len(ev_times):
        return 0.0
    order = np.sort(time)
    order_g = np.sort(time[member])
    at_risk = len(time) - np.searchsorted(order, ev_times, side="left")
    at_risk_g = len(order_g) - np.searchsorted(order_g, ev_times, side="left")
    d = np.array([np.sum(event & (time == t)) for t in ev_times], dtype=float)
    expected = float(np.sum(d * at_risk_g / at_risk))
    return float(np.sum(event & member)) - expected


def _logrank(time, event, group, strata) -> tuple[float, float]:
    """Log-rank chi-square and p-value (statsmodels), stratified when ``strata`` is given.

    NaN when the test's variance matrix is singular (e.g. a group with nobody
    at risk at any reply time): no p-value rather than a made-up one.
    """
    try:
        stat, p = survdiff(time, event.astype(int), group, strata=strata)
    except np.linalg.LinAlgError:
        return np.nan, np.nan
    return float(stat), float(p)


def holm(pvals: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values: ``multipletests(pvals, method="holm")[1]`` of statsmodels.

    The same arithmetic, written out (five lines) because statsmodels' Holm runs
    a full ``gc.collect()`` on every call: a tenth of a second or more in a
    process holding many objects (a coach's notebook, a report of many
    clients), for an adjustment of a handful of numbers. Checked against
    statsmodels in ``tests/test_compare.py``.
    """
    p = np.asarray(pvals, dtype=float)
    order = np.argsort(p)
    adjusted = np.maximum.accumulate(p[order] * np.arange(len(p), 0, -1))
    adjusted[adjusted > 1] = 1
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


def compare(
    data: Any,
    by: str,
    *,
    as_of: Any = None,
    horizon: int = 14,
    alpha: float = 0.05,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Reply chances by group, with a global test and Holm-adjusted group tests.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` returned, or a canonical applications table.
    by : str
        A column of the tracker (``"source"``, ``"title"``, ``"client"``, or any
        column you had, e.g. ``"Resume version"``; case and surrounding spaces
        are ignored) or a period of the applied date: ``"weekday"``,
        ``"week"`` or ``"month"``. Missing values form the group ``"(missing)"``.
    as_of : date-like, optional
        Snapshot date; default the one the data was loaded with, else today.
    horizon : int
        Days after applying of the headline chance ("a reply within 14 days").
    alpha : float
        Family-wise level of the group tests (intervals are always 95%).
    min_n : int
        Groups with fewer applications get NaN and a note (kept, not dropped).

    Returns
    -------
    pandas.DataFrame
        One row per group, in display order (weekdays Monday first, periods in
        time order, ``"(missing)"`` last):

        * ``group`` (str), ``n`` applications sent by ``as_of``, ``events``
          replies on record;
        * ``share``, ``share_ci_low``, ``share_ci_high``: response share
          (replies / n) with a Wilson 95% interval. Not censoring-aware: a
          recent group has had less time to get replies;
        * ``followed``: applications sent at least ``horizon`` days before as-of;
        * ``estimate``, ``ci_low``, ``ci_high``: Kaplan–Meier chance of a reply
          within ``horizon`` days of applying (log-log 95% interval). NaN with
          "too recent to tell" when fewer than ``min_n`` applications have been
          followed for ``horizon`` days;
        * ``p_value``: log-rank test of this group against the other groups tested,
          ``p_adjusted``: Holm-adjusted over the groups tested, ``credible``:
          ``p_adjusted < alpha``, ``direction``: ``"higher"``/``"lower"``
          (replies come sooner / more often than in the rest) or ``""``;
        * ``method``, ``note`` (why a number is missing; ``""`` when none).

        ``attrs``: ``as_of``, ``n_applications``, ``column``, ``horizon_days``,
        ``test`` (dict: ``method``, ``statistic``, ``df``, ``p_value``,
        ``groups_tested``, ``note``), ``credible`` (list of group names),
        ``adjustment``, ``assumption`` (plain words) and ``warnings``.

    Notes
    -----
    The tests are log-rank tests on the time from applying to the first reply,
    each application followed until the as-of date: they compare the whole
    reply-time curves using only the days each application was observed, so
    a month whose applications are two weeks old is compared on its first two
    weeks only. With applications of several clients the tests are stratified
    by client (a client's search is compared with itself). When no reply dates
    are known the tests fall back to chi-square tests on the response shares,
    which are then not censoring-aware (said in ``method``).

    Examples
    --------
    >>> from jobstats.simulate import simulate_search
    >>> apps, _ = simulate_search(150, seed=2)
    >>> table = compare(apps, "weekday", as_of="2025-07-01")
    >>> table.columns[:3].tolist()
    ['group', 'n', 'events']
    """
    apps, as_of_ts = split_loaded(data, as_of)
    if not isinstance(by, str):
        raise InputError(f"by must be one column name (a string), got {by!r}.")
    report = getattr(data, "report", None)
    col = _resolve_column(apps, by, getattr(report, "mapping", None))
    applied = pd.to_datetime(apps["applied_on"]).dt.normalize()
    sent = sent_by(apps, as_of_ts)
    warnings: list[str] = []
    if (~sent).any():
        warnings.append(
            f"{int((~sent).sum())} application(s) dated after the as-of date "
            f"{as_of_ts.date()} are left out of the comparison."
        )
    known = has_info(apps, "reply").to_numpy()
    if (sent & ~known).any():  # a file with no reply column says nothing about replies
        warnings.append(
            f"{int((sent & ~known).sum())} application(s) come from a file with no reply "
            "information and are left out of the comparison (unknown is not 'no reply')."
        )
    sent = sent & known
    apps = apps[sent]
    if apps.empty:
        raise AnalysisError("No application with reply information to compare.")
    labels, order = _labels(apps, col)
    replied = replied_by(apps, as_of_ts)
    dur, dur_warnings = reply_durations(apps, as_of=as_of_ts)
    warnings += dur_warnings
    use = dur["use"].to_numpy().copy()
    time = dur["time"].to_numpy(np.int64)
    event = dur["event"].to_numpy(bool)
    lab = labels.to_numpy(dtype=object)
    undated = (dur["reason"] == "reply (per stage) without a reply date").fillna(False).to_numpy().copy()
    if "client" in apps.columns:
        # a client whose file has replies but no reply date at all tells nothing about
        # timing: kept, its silent applications would count as "no reply yet" while
        # its replies are left out, pulling every chance down
        client = apps["client"].astype(object).where(apps["client"].notna(), MISSING).to_numpy()
        for c in pd.unique(client):
            mine = client == c
            if replied[mine].any() and not (event & mine).any() and undated[mine].any():
                use &= ~mine
                undated &= ~mine
                warnings.append(
                    f"{c}: replies are recorded without dates, so its {int(mine.sum())} "
                    "applications are left out of the time-aware chances and tests (its "
                    "replies still count in the shares)."
                )

    table = pd.DataFrame({"group": order})
    table["n"] = [int(np.sum(lab == g)) for g in order]
    table["events"] = [int(np.sum(replied[lab == g])) for g in order]
    lo, hi = wilson(table["events"], table["n"])
    table["share"] = table["events"] / table["n"]
    table["share_ci_low"], table["share_ci_high"] = lo, hi
    age = (as_of_ts - applied[sent]).dt.days.to_numpy()  # days each one has been observed
    table["followed"] = [int(np.sum(use & (lab == g) & (age >= horizon))) for g in order]
    n_used = np.array([int(np.sum(use & (lab == g))) for g in order])
    notes: list[list[str]] = [[] for _ in order]

    # censoring-aware chance of a reply within the horizon, per group
    est = pd.DataFrame({"group": order, "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan})
    if use.any():
        frame = apps[use].assign(_group=lab[use])
        within = reply_within(frame, (horizon,), by="_group", as_of=as_of_ts)
        within = within.rename(columns={"_group": "group"})
        est = est[["group"]].merge(within[["group", "estimate", "ci_low", "ci_high"]],
                                   on="group", how="left")
    too_undated = np.zeros(len(order), dtype=bool)
    for i, g in enumerate(order):
        n_i, used_i, followed_i = table.at[i, "n"], n_used[i], table.at[i, "followed"]
        if n_i < min_n:
            notes[i].append(f"too few applications (n={n_i})")
        elif used_i < min_n:
            notes[i].append(f"too few applications with usable dates ({used_i})")
        elif followed_i < min_n:
            notes[i].append(
                f"too recent to tell: only {followed_i} application(s) sent at least {horizon} "
                f"days before {as_of_ts.date()}"
            )
        undated_i = int(np.sum(undated & (lab == g)))
        drop, why = undated_check(int(table.at[i, "events"]), undated_i, horizon)
        if n_i >= min_n and why:
            notes[i].append(why)
        too_undated[i] = drop
        other = n_i - used_i - undated_i
        if other and n_i >= min_n:
            notes[i].append(f"{other} application(s) without usable dates left out of "
                            f"the {horizon}-day chance")
    small = table["n"].to_numpy() < min_n
    table.loc[small, ["share", "share_ci_low", "share_ci_high"]] = np.nan
    no_km = small | (n_used < min_n) | (table["followed"].to_numpy() < min_n) | too_undated
    est.loc[no_km, ["estimate", "ci_low", "ci_high"]] = np.nan
    table[["estimate", "ci_low", "ci_high"]] = est[["estimate", "ci_low", "ci_high"]].to_numpy()
    # Kaplan-Meier gives a 0-0 (or 1-1) band when nobody (everybody) replied in
    # time; the data still allow some chance: bound it by the Wilson interval of
    # 0 of (all of) the applications followed for the whole horizon.
    followed = table["followed"].to_numpy()
    _, upper = wilson(np.zeros(len(order)), followed)
    lower, _ = wilson(followed, followed)
    for i in range(len(order)):
        e = table.at[i, "estimate"]
        if e == 0:
            table.at[i, "ci_high"] = upper[i]
            notes[i].append(f"no reply within {horizon} days on record; the upper bound is "
                            f"from the {followed[i]} applications followed that long")
        elif e == 1:
            table.at[i, "ci_low"] = lower[i]

    # tests: groups with enough usable applications take part
    strata = None
    if "client" in apps.columns and col != "client":
        clients = apps["client"].astype(object).where(apps["client"].notna(), MISSING)
        if clients.nunique() > 1:
            strata = clients.to_numpy()
    # groups whose reply dates are mostly missing would look slow: out of every test
    in_tests = use & ~np.isin(lab, [g for g, bad in zip(order, too_undated) if bad])
    test, pvals, directions = _tests(table, lab, in_tests, time, event, strata, min_n,
                                     np.where(too_undated, 0, n_used))
    table["p_value"] = pvals
    table["p_adjusted"] = np.nan
    tested = ~np.isnan(pvals)
    if tested.sum() == 2:
        # two groups: each against the rest is the same single test, no multiplicity
        table.loc[tested, "p_adjusted"] = test["p_value"]
    elif tested.sum() > 2:
        table.loc[tested, "p_adjusted"] = holm(pvals[tested])
    table["credible"] = (table["p_adjusted"] < alpha).to_numpy(bool)
    table["direction"] = np.where(table["credible"], directions, "")
    for i in np.flatnonzero(~tested):
        if not notes[i]:
            notes[i].append("not tested")
    table["method"] = (
        f"share: Wilson 95% CI; chance of a reply within {horizon} days: Kaplan-Meier, "
        f"log-log 95% CI; group vs rest: {test['method_short']}, Holm-adjusted"
    )
    table["note"] = ["; ".join(n) for n in notes]
    table = table[_COLUMNS]
    for c in ("n", "events", "followed"):
        table[c] = table[c].astype(np.int64)
    credible = table.loc[table["credible"], "group"].tolist()
    test.pop("method_short")
    table.attrs.update(
        as_of=as_of_ts,
        n_applications=int(sent.sum()),
        column=str(col),
        horizon_days=int(horizon),
        test=test,
        credible=credible,
        adjustment="Holm (family-wise error rate at most alpha over the groups tested)",
        assumption=(
            f"Applications without a reply yet are still waiting, not refused: each counts "
            f"only for the days it has been observed, so recent groups are not penalised. "
            f"A group is called different only when its test against all the other "
            f"applications stays below {alpha:g} after Holm's adjustment for the number of "
            f"groups looked at. Groups can differ for reasons other than the grouping itself "
            f"(e.g. the kind of job applied to)."
        ),
        warnings=list(dict.fromkeys(warnings)),
    )
    return table


def _tests(table, lab, use, time, event, strata, min_n, n_used):
    """Global test and per-group-vs-rest p-values (NaN for groups not tested).

    ``use`` marks the applications any test may use. The global test compares
    the groups with at least ``min_n`` usable applications (``n_used``); each of
    them is then tested against all the other usable applications (small groups
    included: their applications are good data, only too few to judge alone).
    """
    order = table["group"].tolist()
    pvals = np.full(len(order), np.nan)
    directions = np.array([""] * len(order), dtype=object)
    eligible = [i for i, _ in enumerate(order) if n_used[i] >= min_n]
    test: dict[str, Any] = {"method": None, "statistic": np.nan, "df": np.nan,
                            "p_value": np.nan, "groups_tested": [], "note": "",
                            "method_short": "log-rank"}
    if strata is not None:
        # within-client comparison: a client whose applications all share one group
        # says nothing about the grouping (and a group seen only in such clients
        # cannot be compared at all)
        informative = (pd.Series(lab[use]).groupby(strata[use]).transform("nunique")
                       .to_numpy() >= 2)
        use = use.copy()
        use[np.flatnonzero(use)[~informative]] = False
        eligible = [i for i in eligible if np.sum(use & (lab == order[i])) >= min_n]
    lab_u, t_u, e_u = lab[use], time[use], event[use]
    if len(eligible) >= 2 and e_u.any():
        names = [order[i] for i in eligible]
        keep = np.isin(lab_u, names)
        s_all = None if strata is None else strata[use]
        s = None if s_all is None else s_all[keep]
        stat, p = _logrank(t_u[keep], e_u[keep], lab_u[keep], s)
        test.update(
            method=(
                "log-rank test of equal reply-time curves across groups (censoring-aware"
                + (", stratified by client" if strata is not None else "") + ")"
            ),
            statistic=stat, df=len(names) - 1, p_value=p, groups_tested=names,
        )
        for i in eligible:
            member = lab_u == order[i]
            _, pvals[i] = _logrank(t_u, e_u, member.astype(int), s_all)
            directions[i] = "higher" if _observed_minus_expected(t_u, e_u, member) > 0 else "lower"
        return test, pvals, directions
    # no usable reply dates: chi-square on the shares (not censoring-aware)
    eligible = [i for i, _ in enumerate(order) if table.at[i, "n"] >= min_n]
    ev = table["events"].to_numpy()
    n = table["n"].to_numpy()
    if len(eligible) >= 2 and 0 < ev[eligible].sum() < n[eligible].sum():
        idx = np.array(eligible)
        obs = np.column_stack([ev[idx], n[idx] - ev[idx]])
        stat, p, dof, _ = chi2_contingency(obs, correction=False)
        test.update(
            method="chi-square test of equal response shares (no reply dates: NOT "
            "censoring-aware, recent groups look worse)",
            statistic=float(stat), df=int(dof), p_value=float(p),
            groups_tested=[order[i] for i in eligible], method_short="chi-square on shares",
        )
        for i in eligible:
            rest_ev, rest_n = ev[idx].sum() - ev[i], n[idx].sum() - n[i]
            two = np.array([[ev[i], n[i] - ev[i]], [rest_ev, rest_n - rest_ev]])
            if (two.sum(axis=0) == 0).any():
                continue
            _, p2, _, _ = chi2_contingency(two, correction=False)
            pvals[i] = float(p2)
            directions[i] = "higher" if ev[i] / n[i] > rest_ev / rest_n else "lower"
        return test, pvals, directions
    test["note"] = (
        "no test: fewer than two groups with at least "
        f"{min_n} applications" if len(eligible) < 2 else "no test: no replies (or only replies)"
    )
    return test, pvals, directions


def verdict(table: pd.DataFrame) -> str:
    """One plain sentence saying what a :func:`compare` result shows."""
    test = table.attrs["test"]
    credible = table.loc[table["credible"]]
    if test["method"] is None:
        why = test["note"].removeprefix("no test: ")
        return f"No test ({why}): nothing can be said about differences between groups."
    if len(credible):
        parts = [f"{g} ({d})" for g, d in zip(credible["group"], credible["direction"])]
        return (
            "Differs credibly from the other applications, after Holm's adjustment for "
            f"{int(table['p_value'].notna().sum())} groups: " + ", ".join(parts) + "."
        )
    if test["p_value"] < 0.05:
        return (
            f"The groups differ overall (p = {test['p_value']:.2g}), but no single group "
            "stands out from the rest after adjusting for the number of groups."
        )
    return (
        f"No group differs credibly (overall p = {test['p_value']:.2g}): the differences "
        "are within what chance alone produces with groups this size."
    )
