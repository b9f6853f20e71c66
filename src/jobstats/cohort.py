"""A coach's view of many clients: one row per client, pooled estimates, who needs attention.

Every client is one search (one file, see :func:`jobstats.load_many`). Three
questions a coach asks, three functions:

* :func:`client_table`: one row per client (applications, reply rate, chance
  of a reply within 14 days, follow-ups, interviews, offers, activity) and, in
  words, what the client's file cannot tell. A measure the file holds no
  information for is NaN with "not in the data", never 0.
* :func:`cohort_summary`: estimates pooled over the clients whose files hold
  the information a measure needs; the others are left out, counted and named.
* :func:`clients_needing_attention`: flags by stated rules (:data:`RULES`),
  each with its reason in words.

:func:`cohort_followup_policy` compares follow-up policies on the pooled data,
stratified by client, when :func:`jobstats.followup_policy` is available.

Analyses already in jobstats (the censoring-aware reply curve) are called in
one place, :func:`_reply_within_by`, so a change of their result columns is a
one-line fix here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

import jobstats
from jobstats.schema import STAGE_RANK, AnalysisError, InputError, has_info

__all__ = [
    "RULES",
    "client_table",
    "cohort_summary",
    "clients_needing_attention",
    "cohort_followup_policy",
    "cohort_report",
    "cohort_text",
    "split_clients",
]

#: Label of the client column for a table without clients (one person's tracker).
NO_CLIENT = "(one search)"
#: Horizon (days after applying) of the "chance of a reply within" column and of "waiting".
HORIZON_DAYS = 14
NOT_IN_DATA = "not in the data"
_Z = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class Rules:
    """Thresholds of :func:`clients_needing_attention` (change them by keyword)."""

    #: "waiting": silent and still open this many days after applying, never followed up.
    waiting_days: int = HORIZON_DAYS
    #: flag "many waiting" from this many applications ...
    waiting_min: int = 10
    #: ... when they are at least this share of the client's applications old enough.
    waiting_share: float = 0.25
    #: "no follow-ups" needs at least this many applications silent past ``waiting_days``.
    no_followup_min_silent: int = 10
    #: a gap in applying longer than this many days (between applications or up to as-of).
    gap_days: int = 14


#: Default rules.
RULES = Rules()


# --- inputs -----------------------------------------------------------------


def _unwrap(data: Any, events: pd.DataFrame | None, as_of: Any):
    """(applications, events, as_of Timestamp) from a LoadResult or tables."""
    if hasattr(data, "applications") and hasattr(data, "events"):
        apps, ev = data.applications, data.events if events is None else events
        as_of = data.as_of if as_of is None else as_of
    elif isinstance(data, pd.DataFrame):
        apps = data
        ev = events if events is not None else pd.DataFrame(
            {"application_id": pd.Series(dtype="str"), "date": pd.Series(dtype="datetime64[ns]"),
             "kind": pd.Series(dtype="str")})
    else:
        raise InputError("cohort: pass what jobstats.load returned, or the applications table.")
    if as_of is None:
        as_of_ts = pd.Timestamp.today().normalize()
    else:
        try:
            as_of_ts = pd.Timestamp(as_of).normalize()
        except (TypeError, ValueError) as exc:
            raise InputError(f"as_of={as_of!r} is not a date; use e.g. '2025-06-30'.") from exc
    if apps.empty:
        raise AnalysisError("cohort: no applications to describe.")
    apps = apps.copy()
    apps["client"] = apps["client"].astype("str").fillna(NO_CLIENT) if "client" in apps else NO_CLIENT
    apps["client"] = apps["client"].fillna(NO_CLIENT)
    applied = pd.to_datetime(apps["applied_on"]).dt.normalize()
    apps = apps[(applied <= as_of_ts).to_numpy()]
    if apps.empty:
        raise AnalysisError(f"cohort: every application is dated after the as-of date {as_of_ts.date()}.")
    return apps, ev, as_of_ts


# --- small statistics (hand-written: counting must not import scipy/statsmodels) ---


def wilson_interval(events: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score 95% interval; NaN where ``n == 0``."""
    events = np.asarray(events, dtype=float)
    n = np.asarray(n, dtype=float)
    safe = np.where(n > 0, n, 1.0)
    p = events / safe
    z2 = _Z * _Z
    centre = (p + z2 / (2 * safe)) / (1 + z2 / safe)
    half = _Z * np.sqrt(p * (1 - p) / safe + z2 / (4 * safe * safe)) / (1 + z2 / safe)
    lo = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    hi = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    lo = np.where((events == 0) & (n > 0), 0.0, lo)  # exact 0 instead of float noise
    return lo, hi


def cluster_robust_proportion(events: np.ndarray, n: np.ndarray) -> tuple[float, float, float]:
    """Pooled proportion with a cluster-robust (sandwich) 95% interval, clients as clusters.

    The ratio estimator ``sum(events) / sum(n)``; variance
    ``k/(k-1) * sum((events_c - p n_c)^2) / sum(n)^2`` over the ``k`` clients,
    on the logit scale (as a binomial GLM with clustered errors). NaN interval
    with fewer than two clients or a pooled share of 0 or 1.
    """
    events = np.asarray(events, dtype=float)
    n = np.asarray(n, dtype=float)
    total, k = n.sum(), len(n)
    if total == 0:
        return math.nan, math.nan, math.nan
    p = events.sum() / total
    if k < 2 or p in (0.0, 1.0):
        return float(p), math.nan, math.nan
    resid = events - p * n
    var_p = k / (k - 1) * float((resid**2).sum()) / total**2
    se_logit = math.sqrt(var_p) / (p * (1 - p))
    logit = math.log(p / (1 - p))

    def expit(x: float) -> float:
        return 1 / (1 + math.exp(-x))

    return float(p), expit(logit - _Z * se_logit), expit(logit + _Z * se_logit)


def cluster_proportion(events: np.ndarray, n: np.ndarray) -> tuple[float, float, float]:
    """Pooled proportion over clients, 95% interval allowing for client differences.

    Applications of one client are alike (same CV, same field), so treating
    them as independent makes an interval too narrow when clients differ; the
    cluster-robust interval (:func:`cluster_robust_proportion`) allows for
    that, but with few clients who happen to agree it can be too narrow
    itself. The interval given is therefore the wider of the two: the
    cluster-robust one and the Wilson interval for independent applications.
    """
    est, lo, hi = cluster_robust_proportion(events, n)
    if math.isnan(est):
        return est, lo, hi
    total = float(np.asarray(n, dtype=float).sum())
    wlo, whi = wilson_interval(np.array([est * total]), np.array([total]))
    lo = float(wlo[0]) if math.isnan(lo) else min(lo, float(wlo[0]))
    hi = float(whi[0]) if math.isnan(hi) else max(hi, float(whi[0]))
    return est, lo, hi


# --- adapter to the analyses of jobstats (the one place that knows their columns) ---


def _reply_within_by(apps: pd.DataFrame, days: int, as_of: pd.Timestamp,
                     by: str | None) -> pd.DataFrame:
    """Censoring-aware P(reply within ``days``): columns [by], estimate, ci_low, ci_high, note."""
    out = jobstats.reply_within(apps, days=(days,), by=by, as_of=as_of)
    keep = ([by] if by else []) + ["estimate", "ci_low", "ci_high", "note"]
    return out[keep]


# --- per-client table ------------------------------------------------------


def _per_application(apps: pd.DataFrame, events: pd.DataFrame,
                     as_of: pd.Timestamp, waiting_days: int) -> pd.DataFrame:
    """Per-application flags the client table counts."""
    rank = apps["stage"].map(STAGE_RANK).fillna(0).to_numpy()
    reply_on = pd.to_datetime(apps["first_reply_on"]).dt.normalize()
    applied = pd.to_datetime(apps["applied_on"]).dt.normalize()
    replied = (rank >= STAGE_RANK["replied"]) & ~(reply_on > as_of).to_numpy()
    fu = events[(events["kind"] == "follow_up") & events["date"].notna()]
    first_fu = pd.to_datetime(fu.groupby("application_id")["date"].min()).dt.normalize()
    first_fu = pd.Series(first_fu.reindex(apps["application_id"].to_numpy()).to_numpy(),
                         index=apps.index).astype("datetime64[ns]")
    first_fu = first_fu.where(first_fu <= as_of)
    followed = apps["followed_up"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    age = (as_of - applied).dt.days.to_numpy()
    open_status = apps["status"].astype("str").isin(["applied"]).to_numpy()
    silent_old = ~replied & (age > waiting_days)
    return pd.DataFrame({
        "client": apps["client"].to_numpy(),
        "applied": applied.astype("datetime64[ns]").to_numpy(),
        "replied": replied,
        "undated_reply": replied & reply_on.isna().to_numpy(),
        "interview": rank >= STAGE_RANK["interview"],
        "offer": rank >= STAGE_RANK["offer"],
        "followed_up": followed,
        "fu_delay": (first_fu - applied.astype("datetime64[ns]")).dt.days.astype(float)
        .to_numpy(),
        "old": age > waiting_days,
        "silent_old": silent_old,
        "waiting": silent_old & open_status & ~followed,
        "reply_info": has_info(apps, "reply").to_numpy(),
        "interview_info": has_info(apps, "interview").to_numpy(),
        "followup_info": (has_info(apps, "followup").to_numpy() | followed),
    }, index=apps.index)


def _gaps(applied: pd.Series, as_of: pd.Timestamp) -> pd.DataFrame:
    """Longest gap between consecutive application days, and days since the last one."""
    days = np.sort(applied.dropna().unique())
    if len(days) >= 2:
        diffs = np.diff(days).astype("timedelta64[D]").astype(np.int64)
        i = int(np.argmax(diffs))
        longest, start, end = int(diffs[i]), pd.Timestamp(days[i]), pd.Timestamp(days[i + 1])
    else:
        longest, start, end = 0, pd.NaT, pd.NaT
    last = pd.Timestamp(days[-1])
    return pd.Series({"longest_gap_days": longest, "gap_from": start, "gap_to": end,
                      "days_since_last_application": int((as_of - last).days)})


def client_table(data: Any, events: pd.DataFrame | None = None, *, as_of: Any = None,
                 waiting_days: int = HORIZON_DAYS) -> pd.DataFrame:
    """One row per client: what their search shows, and what their file cannot tell.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` / :func:`jobstats.load_many` returned (a
        folder of client files), or the canonical applications table.
    events : pandas.DataFrame, optional
        Canonical events table (taken from a ``LoadResult`` when not given).
    as_of : date-like, optional
        Snapshot date; default the ``LoadResult``'s, else today.
    waiting_days : int
        Horizon of "chance of a reply within" and of "waiting" (default 14).

    Returns
    -------
    pandas.DataFrame
        One row per client, sorted by client:

        * ``client``, ``n`` (applications sent by ``as_of``), ``first_applied``,
          ``last_applied``, ``weeks_active`` (calendar weeks with at least one
          application);
        * ``replies``, ``reply_rate``, ``reply_rate_ci_low``, ``reply_rate_ci_high``:
          replies of any kind on record (rejections included), Wilson 95% interval;
        * ``reply_14d``, ``reply_14d_ci_low``, ``reply_14d_ci_high``: chance of a
          reply within ``waiting_days`` days of applying (Kaplan–Meier, so
          applications still waiting count as waiting, not as "no reply");
        * ``followed_up``, ``followed_up_share``, ``median_followup_delay_days``
          (days from applying to the first dated follow-up, among those followed up);
        * ``waiting_past_14d``: silent, still open, never followed up and sent
          more than ``waiting_days`` days before ``as_of``;
        * ``interviews``, ``offers`` (counts, furthest stage reached);
        * ``longest_gap_days`` (between two application days),
          ``days_since_last_application``;
        * ``cannot_tell``: what the file holds no information on, in words;
          ``note``: other caveats.

        A measure whose information is not in the client's file is NaN (or
        NA for counts), never 0. ``attrs``: ``as_of``, ``n_applications``,
        ``n_clients``.

    Examples
    --------
    >>> import jobstats
    >>> from jobstats.cohort import client_table
    >>> a, e = jobstats.simulate_search(60, seed=1, client="c1")
    >>> client_table(a, e, as_of="2025-07-01")["n"].tolist()
    [60]
    """
    apps, ev, as_of_ts = _unwrap(data, events, as_of)
    per = _per_application(apps, ev, as_of_ts, waiting_days)
    g = per.groupby("client", sort=True)
    tab = pd.DataFrame({
        "n": g.size(),
        "first_applied": g["applied"].min(),
        "last_applied": g["applied"].max(),
        "weeks_active": g["applied"].agg(lambda s: s.dt.to_period("W").nunique()),
        "replies": g["replied"].sum(),
        "undated": g["undated_reply"].sum(),
        "followed_up": g["followed_up"].sum(),
        "median_followup_delay_days": g["fu_delay"].median(),
        "waiting_past_14d": g["waiting"].sum(),
        "silent_old": g["silent_old"].sum(),
        "old": g["old"].sum(),
        "interviews": g["interview"].sum(),
        "offers": g["offer"].sum(),
        # a file either holds the information or not; "all" is exact for load_many output
        "reply_info": g["reply_info"].all(),
        "interview_info": g["interview_info"].all(),
        "followup_info": g["followup_info"].any(),
    })
    gaps = g["applied"].apply(lambda s: _gaps(s, as_of_ts)).unstack()
    tab = tab.join(gaps)
    lo, hi = wilson_interval(tab["replies"].to_numpy(), tab["n"].to_numpy())
    tab["reply_rate"] = tab["replies"] / tab["n"]
    tab["reply_rate_ci_low"], tab["reply_rate_ci_high"] = lo, hi
    tab["followed_up_share"] = tab["followed_up"] / tab["n"]

    # the censoring-aware curve, only for clients with dated replies to use
    dated = tab["reply_info"] & ~((tab["replies"] > 0) & (tab["undated"] == tab["replies"]))
    tab[["reply_14d", "reply_14d_ci_low", "reply_14d_ci_high"]] = np.nan
    curve_note = pd.Series("", index=tab.index, dtype="str")
    usable = apps[apps["client"].isin(tab.index[dated])]
    if len(usable):
        within = _reply_within_by(usable, waiting_days, as_of_ts, "client").set_index("client")
        tab.loc[within.index, ["reply_14d", "reply_14d_ci_low", "reply_14d_ci_high"]] = (
            within[["estimate", "ci_low", "ci_high"]].to_numpy())
        curve_note.loc[within.index] = within["note"].astype("str").fillna("").replace("<NA>", "")

    cannot, notes = [], []
    for client, r in tab.iterrows():
        c, nt = [], []
        if not r["reply_info"]:
            c.append("replies, so reply rate, chance of a reply and waiting "
                     "(the file has no status or reply column, e.g. a LinkedIn export)")
        elif not dated[client]:
            c.append(f"reply dates (all {int(r['replies'])} replies are undated), so the chance "
                     f"of a reply within {waiting_days} days")
        elif r["undated"] > 0:
            nt.append(f"{int(r['undated'])} of {int(r['replies'])} replies have no date")
        if not r["interview_info"]:
            c.append("interviews and offers (no status, interview or offer column)")
        if not r["followup_info"]:
            c.append("follow-ups, so waiting without a follow-up (no column records a sent "
                     "follow-up)")
        elif r["followed_up"] > 0 and pd.isna(r["median_followup_delay_days"]):
            c.append("follow-up dates (follow-ups are recorded as yes/no only)")
        if curve_note[client]:
            nt.append(f"chance of a reply within {waiting_days} days: {curve_note[client]}")
        if r["replies"] == 0 and r["reply_info"]:
            nt.append("no replies on record yet: the reply rate is 0 with an upper bound")
        cannot.append("; ".join(c))
        notes.append("; ".join(nt))
    tab["cannot_tell"], tab["note"] = cannot, notes
    tab["reply_dates_info"] = dated

    no_reply = ~tab["reply_info"]
    tab.loc[no_reply, ["reply_rate", "reply_rate_ci_low", "reply_rate_ci_high",
                       "reply_14d", "reply_14d_ci_low", "reply_14d_ci_high"]] = np.nan
    no_fu = ~tab["followup_info"]
    tab.loc[no_fu, ["followed_up_share", "median_followup_delay_days"]] = np.nan
    counts = {"replies": no_reply, "waiting_past_14d": no_reply | no_fu, "undated": no_reply,
              "interviews": ~tab["interview_info"], "offers": ~tab["interview_info"],
              "followed_up": no_fu}
    for col, missing in counts.items():
        tab[col] = tab[col].astype("Int64").mask(missing)
    tab["undated_replies"] = tab["undated"]
    out = tab.reset_index()[[
        "client", "n", "first_applied", "last_applied", "weeks_active",
        "replies", "reply_rate", "reply_rate_ci_low", "reply_rate_ci_high",
        "reply_14d", "reply_14d_ci_low", "reply_14d_ci_high",
        "followed_up", "followed_up_share", "median_followup_delay_days",
        "waiting_past_14d", "interviews", "offers",
        "longest_gap_days", "days_since_last_application", "gap_from", "gap_to",
        "reply_info", "reply_dates_info", "interview_info", "followup_info",
        "undated_replies", "silent_old", "old",
        "cannot_tell", "note",
    ]]
    for col in ("n", "weeks_active", "longest_gap_days", "days_since_last_application",
                "silent_old", "old"):
        out[col] = out[col].astype(np.int64)
    out.attrs.update(as_of=as_of_ts, n_applications=int(len(apps)), n_clients=int(len(out)),
                     horizon_days=int(waiting_days))
    return out


# --- pooled estimates ------------------------------------------------------

_SUMMARY_COLUMNS = ["measure", "n", "events", "clients", "clients_left_out", "estimate",
                    "ci_low", "ci_high", "method", "note"]


def cohort_summary(data: Any, events: pd.DataFrame | None = None, *, as_of: Any = None,
                   table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Estimates pooled over the clients whose files hold the information each needs.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        As for :func:`client_table`.
    events : pandas.DataFrame, optional
    as_of : date-like, optional
    table : pandas.DataFrame, optional
        :func:`client_table` of the same data, if already computed.

    Returns
    -------
    pandas.DataFrame
        One row per measure (``reply rate``, ``reply within 14 days``,
        ``share followed up``, ``interview rate``, ``offer rate``): ``measure,
        n, events, clients, clients_left_out, estimate, ci_low, ci_high,
        method, note``. ``n`` counts the applications of the clients included;
        a client is left out of a measure when its file cannot tell it (named
        in ``note`` and in ``attrs["left_out"]``). Proportions are pooled
        over applications with an interval that allows for differences
        between clients (cluster-robust); the 14-day chance is the
        Kaplan–Meier estimate over the included clients' applications.
    """
    apps, ev, as_of_ts = _unwrap(data, events, as_of)
    tab = client_table(apps, ev, as_of=as_of_ts) if table is None else table
    t = tab.set_index("client")
    horizon = int(tab.attrs.get("horizon_days", HORIZON_DAYS))
    rows, left_out = [], {}
    cluster_method = ("pooled share of applications, 95% CI allowing for differences "
                      "between clients (the wider of cluster-robust and Wilson)")
    specs = [
        ("reply rate", "replies", t["reply_info"], "their file holds no reply information"),
        ("share followed up", "followed_up", t["followup_info"],
         "their file does not record follow-ups"),
        ("interview rate", "interviews", t["interview_info"],
         "their file holds no interview information"),
        ("offer rate", "offers", t["interview_info"], "their file holds no offer information"),
    ]
    for measure, col, ok, why in specs:
        inc = t[ok.astype(bool)]
        ev_n = inc[col].astype(float).to_numpy()
        est, lo, hi = cluster_proportion(ev_n, inc["n"].to_numpy())
        out = ~ok.astype(bool)
        rows.append(_summary_row(measure, inc, ev_n.sum(), est, lo, hi, cluster_method,
                                 t.index[out], why))
        left_out[measure] = list(t.index[out])
        if measure == "reply rate":
            rows.append(_pooled_within(apps, t, as_of_ts, horizon, left_out))
    res = pd.DataFrame(rows, columns=_SUMMARY_COLUMNS)
    res.attrs.update(as_of=as_of_ts, n_applications=int(len(apps)),
                     n_clients=int(len(t)), left_out=left_out)
    return res


def _summary_row(measure: str, inc: pd.DataFrame, events: float, est: float, lo: float,
                 hi: float, method: str, out: Sequence[str], why: str) -> dict[str, Any]:
    notes = []
    if len(out):
        notes.append(f"{len(out)} client(s) left out because {why}: {', '.join(map(str, out))}")
    if len(inc) == 0:
        notes.append("no client's file holds this information")
    elif len(inc) < 5:
        notes.append(f"only {len(inc)} client(s): the interval is approximate")
    if len(inc) and events == 0:
        notes.append("no events: the estimate is 0 with an upper bound")
    return {"measure": measure, "n": int(inc["n"].sum()), "events": int(events),
            "clients": int(len(inc)), "clients_left_out": int(len(out)), "estimate": est,
            "ci_low": lo, "ci_high": hi, "method": method, "note": "; ".join(notes)}


def _pooled_within(apps: pd.DataFrame, t: pd.DataFrame, as_of: pd.Timestamp, horizon: int,
                   left_out: dict[str, list[str]]) -> dict[str, Any]:
    # clients whose replies are all undated cannot say when replies came
    dated = t["reply_dates_info"].astype(bool)
    inc, out = t.index[dated], t.index[~dated]
    measure = f"reply within {horizon} days"
    left_out[measure] = list(out)
    sub = apps[apps["client"].isin(inc)]
    method = ("Kaplan-Meier over the included clients' applications (still-waiting ones count "
              "as waiting), log-log 95% CI treating applications as independent")
    if sub.empty:
        est = lo = hi = math.nan
        note = "no client's file holds dated replies"
    else:
        w = _reply_within_by(sub, horizon, as_of, None).iloc[0]
        est, lo, hi = float(w["estimate"]), float(w["ci_low"]), float(w["ci_high"])
        note = "" if pd.isna(w["note"]) else str(w["note"])
    parts = [note] if note else []
    if len(out):
        parts.append(f"{len(out)} client(s) left out because their file holds no reply "
                     f"dates: {', '.join(map(str, out))}")
    return {"measure": measure, "n": int(t.loc[inc, "n"].sum()), "events": int(
        t.loc[inc, "replies"].fillna(0).sum()), "clients": int(len(inc)),
        "clients_left_out": int(len(out)), "estimate": est, "ci_low": lo, "ci_high": hi,
        "method": method, "note": "; ".join(parts)}


# --- attention flags -----------------------------------------------------

_FLAG_COLUMNS = ["client", "flag", "reason", "value", "threshold"]


def clients_needing_attention(data: Any, events: pd.DataFrame | None = None, *,
                              as_of: Any = None, table: pd.DataFrame | None = None,
                              rules: Rules = RULES) -> pd.DataFrame:
    """Clients a coach may want to talk to, each flag with its reason in words.

    Rules (thresholds in :class:`Rules`; each says what it checks):

    * ``low reply rate``: the client's reply rate is clearly below the rest of
      the cohort: the upper end of its Wilson 95% interval is below the pooled
      reply rate of the other clients (only clients whose files hold reply
      information take part).
    * ``no follow-ups``: the file records follow-ups, none was sent, and at
      least ``no_followup_min_silent`` applications have been silent for more
      than ``waiting_days`` days.
    * ``many waiting``: at least ``waiting_min`` applications, and at least
      ``waiting_share`` of those sent more than ``waiting_days`` days ago, are
      silent, still open and never followed up.
    * ``gap in activity``: more than ``gap_days`` days without an application,
      between two applications or up to the as-of date.

    Returns
    -------
    pandas.DataFrame
        One row per (client, flag): ``client, flag, reason, value, threshold``;
        clients without flags do not appear. ``attrs``: ``as_of``, ``rules``
        (the rules in words), ``not_checked`` (client -> rules its file cannot
        support).
    """
    apps, ev, as_of_ts = _unwrap(data, events, as_of)
    tab = client_table(apps, ev, as_of=as_of_ts, waiting_days=rules.waiting_days) \
        if table is None else table
    t = tab.set_index("client")
    flags: list[dict[str, Any]] = []
    not_checked: dict[str, list[str]] = {}
    info = t[t["reply_info"].astype(bool)]
    total_r, total_n = info["replies"].astype(float).sum(), info["n"].sum()
    for client, r in t.iterrows():
        if r["reply_info"] and len(info) >= 2:
            rest_rate = (total_r - float(r["replies"])) / (total_n - r["n"])
            if r["reply_rate_ci_high"] < rest_rate:
                flags.append(dict(
                    client=client, flag="low reply rate", value=float(r["reply_rate"]),
                    threshold=float(rest_rate),
                    reason=(f"{int(r['replies'])} replies to {int(r['n'])} applications "
                            f"({r['reply_rate']:.0%}, 95% CI up to {r['reply_rate_ci_high']:.0%}), "
                            f"clearly below the other clients' {rest_rate:.0%}")))
        elif not r["reply_info"]:
            not_checked.setdefault(client, []).extend(["low reply rate", "many waiting"])
        if not r["followup_info"]:
            not_checked.setdefault(client, []).append("no follow-ups")
        elif int(r["followed_up"]) == 0 and r["silent_old"] >= rules.no_followup_min_silent:
            flags.append(dict(
                client=client, flag="no follow-ups", value=0.0,
                threshold=float(rules.no_followup_min_silent),
                reason=(f"no follow-up recorded, while {int(r['silent_old'])} applications "
                        f"have been silent for more than {rules.waiting_days} days")))
        if r["reply_info"] and not r["followup_info"]:
            not_checked.setdefault(client, []).append("many waiting")
        elif r["reply_info"] and r["old"] > 0:
            waiting = int(r["waiting_past_14d"])
            share = waiting / r["old"]
            if waiting >= rules.waiting_min and share >= rules.waiting_share:
                flags.append(dict(
                    client=client, flag="many waiting", value=float(waiting),
                    threshold=float(rules.waiting_min),
                    reason=(f"{waiting} applications ({share:.0%} of those sent more than "
                            f"{rules.waiting_days} days ago) are silent, still open and never "
                            "followed up")))
        gap = int(r["longest_gap_days"])
        since = int(r["days_since_last_application"])
        if since > rules.gap_days:
            flags.append(dict(
                client=client, flag="gap in activity", value=float(since),
                threshold=float(rules.gap_days),
                reason=(f"no application since {r['last_applied'].date()} "
                        f"({since} days before {as_of_ts.date()})")))
        elif gap > rules.gap_days:
            flags.append(dict(
                client=client, flag="gap in activity", value=float(gap),
                threshold=float(rules.gap_days),
                reason=(f"no application between {r['gap_from'].date()} and "
                        f"{r['gap_to'].date()} ({gap} days)")))
    out = pd.DataFrame(flags, columns=_FLAG_COLUMNS)
    out.attrs.update(as_of=as_of_ts, n_applications=int(len(apps)), n_clients=int(len(t)),
                     rules=rules_in_words(rules), not_checked=not_checked)
    return out


def rules_in_words(rules: Rules = RULES) -> list[str]:
    """The attention rules as sentences a coach can read."""
    return [
        "low reply rate: the upper end of the client's 95% interval for the reply rate is "
        "below the reply rate of the other clients pooled",
        f"no follow-ups: none recorded while at least {rules.no_followup_min_silent} "
        f"applications have been silent for more than {rules.waiting_days} days",
        f"many waiting: at least {rules.waiting_min} applications, and at least "
        f"{rules.waiting_share:.0%} of those sent more than {rules.waiting_days} days ago, are "
        "silent, still open and never followed up",
        f"gap in activity: more than {rules.gap_days} days without an application",
    ]


# --- follow-up policies, pooled ---------------------------------------------


def cohort_followup_policy(data: Any, events: pd.DataFrame | None = None, *, as_of: Any = None,
                           **kw: Any) -> pd.DataFrame:
    """Follow-up policies compared on the pooled clients, stratified by client.

    Calls :func:`jobstats.followup_policy` on the applications of clients whose
    files hold reply information, with ``adjust_for=("source", "client")`` so
    each client keeps their own baseline chance of a reply. Clients left out
    are listed in ``attrs["clients_left_out"]``.
    """
    from jobstats.policy import followup_policy as policy

    apps, ev, as_of_ts = _unwrap(data, events, as_of)
    info = has_info(apps, "reply")
    left = sorted(apps.loc[~info, "client"].unique())
    apps = apps[info]
    ev = ev[ev["application_id"].isin(apps["application_id"])]
    kw.setdefault("adjust_for", ("source", "client"))
    out = policy(apps, ev, as_of=as_of_ts, **kw)
    out.attrs["clients_left_out"] = left
    return out


# --- for the summary (text and JSON) -------------------------------------------


def _json(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    return v


def cohort_report(data: Any, events: pd.DataFrame | None = None, *,
                  as_of: Any = None, policy: pd.DataFrame | None = None) -> dict[str, Any]:
    """Client table, pooled estimates and attention flags as one JSON-ready dict.

    Keys: ``clients`` (one dict per client, :func:`client_table` columns),
    ``pooled`` (one dict per measure of :func:`cohort_summary`, with
    ``clients_left_out_names``), ``attention`` (``client, flag, reason``),
    ``attention_rules`` (the rules in words), ``not_checked`` and
    ``followup_policy`` (null with ``followup_policy_note`` when it cannot be
    given).

    ``policy``: :func:`jobstats.followup_policy` of all the applications with
    its defaults (which adjust for source and client), if already computed;
    used only when every client's file holds reply information, when it is
    exactly :func:`cohort_followup_policy` (one bootstrap instead of two).
    """
    apps, ev, as_of_ts = _unwrap(data, events, as_of)
    data_apps = data.applications if hasattr(data, "applications") else data
    tab = client_table(apps, ev, as_of=as_of_ts)
    pooled = cohort_summary(apps, ev, as_of=as_of_ts, table=tab)
    flags = clients_needing_attention(apps, ev, as_of=as_of_ts, table=tab)
    keep = [c for c in tab.columns if c not in ("gap_from", "gap_to", "silent_old", "old")]
    clients = [{k: _json(v) for k, v in row.items()} for row in tab[keep].to_dict("records")]
    pooled_rows = []
    for row in pooled.to_dict("records"):
        d = {k: _json(v) for k, v in row.items()}
        d["clients_left_out_names"] = pooled.attrs["left_out"].get(row["measure"], [])
        pooled_rows.append(d)
    given, policy, policy_note, assumption, adjusted = policy, None, "", "", []
    try:
        every = bool(has_info(apps, "reply").all())
        tab_p = (given if given is not None and every and len(apps) == len(data_apps)
                 else cohort_followup_policy(apps, ev, as_of=as_of_ts))
        policy = [{k: _json(v) for k, v in r.items()} for r in tab_p.to_dict("records")]
        assumption = str(tab_p.attrs.get("assumption", ""))
        adjusted = list(tab_p.attrs.get("adjusted_for", []))
        if not tab_p.attrs.get("identifiable", True):
            policy_note = str(tab_p.attrs.get("reason", ""))
    except AnalysisError as exc:
        policy_note = str(exc)
    return {
        "as_of": as_of_ts.date().isoformat(),
        "clients": clients,
        "pooled": pooled_rows,
        "attention": flags[["client", "flag", "reason"]].to_dict("records"),
        "attention_rules": flags.attrs["rules"],
        "not_checked": flags.attrs["not_checked"],
        "followup_policy": policy,
        "followup_policy_note": policy_note,
        "followup_policy_assumption": assumption,
        "followup_policy_adjusted_for": adjusted,
    }


def cohort_text(report: dict[str, Any]) -> str:
    """Plain-text rendering of :func:`cohort_report` (the CLI's cohort section)."""

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.0%}"

    def iv(d: dict[str, Any], key: str) -> str:
        if d[key] is None:
            info = d["reply_info"] and (key == "reply_rate" or d["reply_dates_info"])
            return "n/a (see note)" if info else "not in the data"
        return f"{d[key]:.0%} ({pct(d[key + '_ci_low'])}-{pct(d[key + '_ci_high'])})"

    lines = ["", f"Clients ({len(report['clients'])}), as of {report['as_of']}:"]
    for c in report["clients"]:
        fu = ("not in the data" if c["followed_up_share"] is None
              else f"{c['followed_up_share']:.0%}")
        delay = c["median_followup_delay_days"]
        lines.append(
            f"  {c['client']}: {c['n']} applications over {c['weeks_active']} weeks; replies "
            f"{iv(c, 'reply_rate')}; reply within 14 days {iv(c, 'reply_14d')}; followed up "
            f"{fu}" + ("" if delay is None else f" (median day {delay:g})")
            + f"; interviews {c['interviews'] if c['interviews'] is not None else 'n/a'}, offers "
            f"{c['offers'] if c['offers'] is not None else 'n/a'}")
        if c["cannot_tell"]:
            lines.append(f"    the file cannot tell: {c['cannot_tell']}")
        if c["note"]:
            lines.append(f"    note: {c['note']}")
    lines.append("Pooled over the clients whose files hold the information:")
    for p in report["pooled"]:
        est = ("n/a" if p["estimate"] is None else
               f"{p['estimate']:.0%} (95% CI {pct(p['ci_low'])}-{pct(p['ci_high'])})")
        lines.append(f"  {p['measure']}: {est}, {p['clients']} clients, {p['n']} applications")
        if p["note"]:
            lines.append(f"    {p['note']}")
    if report["followup_policy"] is None:
        lines.append(f"Follow-up policies pooled over clients: not available "
                     f"({report['followup_policy_note']})")
    else:
        rows = report["followup_policy"]
        horizon = rows[0].get("horizon_days")
        lines.append(f"Follow-up policies pooled over clients (each client compared with "
                     f"their own baseline), chance of a reply within {horizon} days:")
        if report["followup_policy_note"]:
            lines.append(f"  no estimate: {report['followup_policy_note']}")
        if report["followup_policy_adjusted_for"]:
            lines.append("  adjusted for: " + ", ".join(report["followup_policy_adjusted_for"]))
        if report["followup_policy_assumption"]:
            lines.append(f"  assumption: {report['followup_policy_assumption']}")
        for r in rows:
            if r["estimate"] is None:
                lines.append(f"  {r['policy']}: n/a ({r.get('note') or 'no estimate'})")
                continue
            diff = ("" if r.get("difference") is None else
                    f", {r['difference']:+.1%} vs never ({r['diff_ci_low']:+.1%} to "
                    f"{r['diff_ci_high']:+.1%})" if r.get("diff_ci_low") is not None else
                    f", {r['difference']:+.1%} vs never")
            lines.append(f"  {r['policy']}: {r['estimate']:.0%} ({pct(r['ci_low'])}-"
                         f"{pct(r['ci_high'])}){diff}")
    lines.append("Clients needing attention:")
    if not report["attention"]:
        lines.append("  none by the rules below")
    for f in report["attention"]:
        lines.append(f"  {f['client']}: {f['flag']}: {f['reason']}")
    lines.append("  Rules: " + "; ".join(report["attention_rules"]) + ".")
    return "\n".join(lines)


def _own_matches(rep: Any, own: list[Path]) -> pd.DataFrame:
    """The report's non-exact readings of this client's file only (by the file column if the
    table has one; otherwise none are shared, since words of other clients may be quoted)."""
    m = rep.matches
    if "file" in m.columns:
        return m[m["file"].astype("str").isin([Path(f).name for f in own])].reset_index(drop=True)
    return m.iloc[0:0]


def split_clients(loaded: Any) -> dict[str, Any]:
    """One ``LoadResult`` per client, holding only that client's data.

    For per-client pages a coach sends to each client: the applications and
    events of one client, and the lines of the load report about that
    client's file (report lines are matched by the client label, so pass a
    :func:`jobstats.privacy.pseudonymise`-d result, whose file names are the
    pseudonyms, or a ``load_many`` result whose clients are the file names).
    """
    from dataclasses import replace

    from jobstats.schema import APPLICATION_COLUMNS

    out: dict[str, Any] = {}
    apps, rep = loaded.applications, loaded.report
    base_cols = set(APPLICATION_COLUMNS) | {"reply_info", "interview_info", "followup_info"}
    for client in sorted(apps["client"].dropna().astype("str").unique()):
        mine = apps[apps["client"].astype("str") == client]
        # extra columns of other clients' files are empty here: their headers are not ours
        empty = [c for c in mine.columns if c not in base_cols and mine[c].isna().all()]
        mine = mine.drop(columns=empty)
        ev = loaded.events[loaded.events["application_id"].isin(mine["application_id"])]
        own = [f for f in rep.files if Path(f).stem == client or Path(f).name == client]
        prefix = tuple(f"{Path(f).name}: " for f in own)

        def keep(lines: list[str]) -> list[str]:
            return [x.split(": ", 1)[1] for x in lines if x.startswith(prefix)] if prefix else []

        issues = rep.issues[rep.issues["file"].astype("str").isin([Path(f).name for f in own])]
        mapping = rep.mapping[rep.mapping["file"].astype("str").isin([Path(f).name for f in own])] \
            if "file" in rep.mapping else rep.mapping
        sheets = list(dict.fromkeys(mine["sheet"].astype("str"))) if "sheet" in mine else []
        report = replace(rep, file=own[0] if own else None, files=own, mapping=mapping,
                         sheets=sheets,
                         date_decisions=keep(rep.date_decisions), notes=keep(rep.notes),
                         issues=issues.reset_index(drop=True), n_applications=len(mine),
                         file_warnings=keep(rep.file_warnings), matches=_own_matches(rep, own),
                         skipped=[], extras=[x for x in rep.extras if x in mine.columns],
                         # merged over all files: which one is this client's is not kept
                         ignored=[],
                         format=rep.format if "," not in rep.format else "see the columns read")
        out[client] = replace(loaded, applications=mine.reset_index(drop=True),
                              events=ev.reset_index(drop=True), report=report,
                              path=own[0] if own else loaded.path)
    return out
