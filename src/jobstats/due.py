"""What to send today: follow-ups, thank-you notes and call-back reminders.

:func:`followups_due` reads the canonical tables and lists, most urgent first:

1. **thank-you** -- an interview in the last :data:`THANK_YOU_WINDOW` days with no
   thank-you note on record (the advice users bring: within hours of the interview).
2. **call-back** -- the employer promised to get back by a date
   (``callback_due_on``) and, :data:`CALLBACK_GRACE_DAYS` days after it, nothing
   came and you have not chased it ("if promised a call-back and nothing comes
   after a week, call again").
3. **follow-up** -- still waiting (no reply, status "applied") and nothing sent
   for ``after`` days since the application or the last follow-up.

It computes no statistic: the default ``after`` comes from the follow-up
policy table (:func:`jobstats.followup_policy`) when that exists and your data
can tell, otherwise 7 days; the result says which and why.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from jobstats.schema import JobstatsError

__all__ = ["followups_due", "default_wait", "due_to_dict", "due_to_text"]

#: Days of silence before a follow-up when the data cannot tell a better day.
#: Several trackers nudge after 7-14 days; HR managers surveyed (Accountemps
#: 2017) most often said 1-2 weeks (shared/RESEARCH.md, section 3).
FALLBACK_WAIT_DAYS = 7
#: Interviews this recent without a thank-you note are listed.
THANK_YOU_WINDOW = 7
#: A promised call-back is chased this many days after the promised date.
CALLBACK_GRACE_DAYS = 7
#: Applications sent longer ago than this are left out of the follow-up list
#: (counted in a note): after two months a posting is usually closed.
MAX_AGE_DAYS = 60

#: Statuses that close an application: nothing to chase.
CLOSED = frozenset({"rejected", "withdrawn", "closed", "offer", "accepted"})
EMPLOYER_KINDS = ("reply", "interview", "offer", "rejection")
KIND_ORDER = {"thank-you": 0, "call-back": 1, "follow-up": 2}

DUE_COLUMNS = (
    "kind", "application_id", "client", "company", "title", "applied_on", "since",
    "days_waiting", "days_overdue", "reason", "sheet", "row",
)


def _tables(data: Any, events: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    if hasattr(data, "applications"):  # a LoadResult
        return data.applications, data.events, data
    if events is None:
        raise TypeError("followups_due(applications, events): pass the events table too.")
    return data, events, None


def _mapped(loaded: Any, field: str) -> bool | None:
    """Whether the load mapped ``field`` to a column (None when unknown)."""
    if loaded is None:
        return None
    mapping = loaded.report.mapping
    return bool((mapping["field"] == field).any())


def _fmt_pct(x: float) -> str:
    return f"{x:.0%}"


def default_wait(data: Any, events: pd.DataFrame | None = None, *, as_of: Any = None,
                 policy: pd.DataFrame | None = None) -> tuple[int, str]:
    """Days of silence before a follow-up, and the sentence saying why.

    Uses :func:`jobstats.followup_policy` (when this jobstats has it): the
    policy "follow up on day d" with the highest chance of a reply whose
    difference to "never" has a 95% interval above 0. Otherwise
    :data:`FALLBACK_WAIT_DAYS`, saying why the data cannot tell. ``policy``:
    that table when already computed.
    """
    import jobstats

    fallback = (f"Follow-ups are due after {FALLBACK_WAIT_DAYS} days of silence, the usual "
                "advice (1-2 weeks)")
    policy_fn = getattr(jobstats, "followup_policy", None)
    if policy is not None:
        policy_fn = lambda *a, **k: policy  # noqa: E731 - already computed
    if policy_fn is None:
        return FALLBACK_WAIT_DAYS, fallback + ": this version of jobstats cannot compare " \
            "follow-up days on your data yet."
    apps, ev, _ = _tables(data, events)
    try:
        table = policy_fn(apps, ev, as_of=as_of)
    except JobstatsError as exc:
        return FALLBACK_WAIT_DAYS, f"{fallback}: your data cannot tell a best day ({exc})."
    if not table.attrs.get("identifiable", True):
        reason = table.attrs.get("reason") or "not identifiable"
        return FALLBACK_WAIT_DAYS, f"{fallback}: your data cannot tell a best day ({reason})."
    days = table[table["day"].notna() & (table["diff_ci_low"] > 0)]
    if days.empty:
        return FALLBACK_WAIT_DAYS, (
            f"{fallback}: in your data no follow-up day made a reply clearly more likely than "
            "never following up (every difference's 95% interval includes 0).")
    best = days.loc[days["estimate"].idxmax()]
    never = table.loc[table["day"].isna(), "estimate"]
    vs = f" vs {_fmt_pct(float(never.iloc[0]))} never" if len(never) and \
        pd.notna(never.iloc[0]) else ""
    horizon = int(best.get("horizon_days", table.attrs.get("horizon", 30)))
    day = int(best["day"])
    assumption = table.attrs.get("assumption", "")
    return day, (
        f"Follow-ups are due after {day} days of silence: in your own data, following up on "
        f"day {day} gave the highest chance of a reply within {horizon} days "
        f"({_fmt_pct(float(best['estimate']))}{vs}; difference "
        f"{float(best['difference']):+.0%}, 95% CI {float(best['diff_ci_low']):+.0%} to "
        f"{float(best['diff_ci_high']):+.0%}). {assumption}".strip())


def followups_due(
    data: Any,
    events: pd.DataFrame | None = None,
    *,
    as_of: Any = None,
    after: int | None = None,
    max_age: int | None = MAX_AGE_DAYS,
    policy: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The follow-ups, thank-you notes and call-backs to send on ``as_of``.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` returned, or the canonical applications table
        (then pass ``events``).
    events : pandas.DataFrame, optional
        Canonical events table (taken from ``data`` when it is a LoadResult).
    as_of : date-like, optional
        The day to plan for. Default: the LoadResult's as-of, else today.
    after : int, optional
        Days of silence before a follow-up is due. Default: :func:`default_wait`.
    max_age : int or None
        Leave out follow-ups for applications sent more than this many days
        before ``as_of`` (counted in ``attrs["notes"]``); None: no limit.
    policy : pandas.DataFrame, optional
        The follow-up policy table when already computed (for the default ``after``).

    Returns
    -------
    pandas.DataFrame
        One row per thing to send, most urgent first: thank-you notes, then
        call-backs, then follow-ups; within each, the longest overdue first.
        Columns :data:`DUE_COLUMNS`: ``kind`` ("thank-you", "call-back",
        "follow-up"), ``since`` (the day the waiting counts from: interview,
        promised date, or the application / last follow-up), ``days_waiting``
        (days from ``since`` to ``as_of``), ``days_overdue`` (beyond the rule),
        ``reason`` (plain words). ``attrs``: ``as_of``, ``n_applications``,
        ``after_days``, ``after_reason`` (which rule set ``after`` and why),
        ``notes`` (list of plain sentences: what was left out or cannot be told).

    Examples
    --------
    >>> data = jobstats.load("my_tracker.xlsx", as_of="2025-06-30")  # doctest: +SKIP
    >>> followups_due(data, after=10)[["kind", "company", "days_waiting"]]  # doctest: +SKIP
    """
    from jobstats.io.api import resolve_as_of

    apps, ev, loaded = _tables(data, events)
    if as_of is None and loaded is not None:
        as_of = loaded.as_of
    as_of = resolve_as_of(as_of)
    if after is None:
        after, after_reason = default_wait(apps, ev, as_of=as_of, policy=policy)
    else:
        after = int(after)
        after_reason = f"Follow-ups are due after {after} days of silence (--after {after})."
    notes: list[str] = []

    ev = ev[ev["date"].notna()].copy()
    ev["day"] = pd.to_datetime(ev["date"]).dt.normalize()
    ev = ev[ev["day"] <= as_of]  # later dates are plans, not things that happened
    a = apps.drop_duplicates("application_id").set_index("application_id", drop=False)
    a_day = pd.to_datetime(a["applied_on"]).dt.normalize()
    open_ = ~a["status"].isin(CLOSED) & (a_day <= as_of)
    rows: list[dict[str, Any]] = []

    def add(kind: str, app_id: str, since: pd.Timestamp, overdue: int, reason: str) -> None:
        # the application's columns are filled in below, for all rows at once
        rows.append({
            "kind": kind, "application_id": app_id, "since": since,
            "days_waiting": int((as_of - since).days), "days_overdue": overdue,
            "reason": reason,
        })

    # 1. thank-you notes after recent interviews
    iv = ev[ev["kind"] == "interview"].groupby("application_id")["day"].max()
    ty = ev[ev["kind"] == "thank_you"].groupby("application_id")["day"].max()
    iv = iv[iv.index.isin(a.index[open_])]
    thanked = ty.reindex(iv.index) >= iv
    recent = (as_of - iv).dt.days < THANK_YOU_WINDOW
    no_ty_column = _mapped(loaded, "thank_you_on") is False and ty.empty
    for app_id, day in iv[recent & ~thanked].items():
        waited = int((as_of - day).days)
        reason = f"interview on {day.date()}, no thank-you note on record"
        rows_reason = reason + (" (your tracker has no thank-you column)" if no_ty_column else "")
        add("thank-you", app_id, day, waited, rows_reason)
    if no_ty_column and (recent & ~thanked).any():
        notes.append("Your tracker has no thank-you column, so jobstats cannot tell whether you "
                     "sent one: add a 'Thank-you sent' date column to stop these reminders.")

    # 2. promised call-backs that never came
    if "callback_due_on" in a.columns:
        promised = pd.to_datetime(a["callback_due_on"], errors="coerce").dt.normalize()
        answered_kinds = ev[ev["kind"].isin((*EMPLOYER_KINDS, "follow_up"))]
        last_contact = answered_kinds.groupby("application_id")["day"].max().reindex(a.index)
        waiting = promised.notna() & open_ & ~(last_contact >= promised)
        chase = waiting & ((as_of - promised).dt.days >= CALLBACK_GRACE_DAYS)
        for app_id in a.index[chase]:
            day = promised[app_id]
            add("call-back", app_id, day, int((as_of - day).days) - CALLBACK_GRACE_DAYS,
                f"promised to get back by {day.date()}; nothing on record since: call again")

    # 3. follow-ups: still waiting, nothing sent for `after` days
    no_reply = pd.to_datetime(a["first_reply_on"]).isna() & (a["stage"] == "applied")
    waiting = open_ & no_reply & a["status"].isin(("applied", "no_response"))
    if "reply_info" in a.columns:  # a file that cannot record replies cannot show silence
        unknown = waiting & ~a["reply_info"].fillna(True).astype(bool)
        if unknown.any():
            notes.append(
                f"{int(unknown.sum())} application(s) from files with no reply information "
                "(e.g. a LinkedIn export) are not listed: jobstats cannot see whether they "
                "were answered.")
        waiting &= ~unknown
    fu = ev[ev["kind"] == "follow_up"].groupby("application_id")["day"].max().reindex(a.index)
    since = pd.concat([a_day, fu], axis=1).max(axis=1)
    silent = (as_of - since).dt.days
    due = waiting & (silent >= after)
    if max_age is not None:
        old = due & ((as_of - a_day).dt.days > max_age)
        if old.any():
            notes.append(
                f"{int(old.sum())} application(s) sent more than {max_age} days ago with no "
                "reply are not listed (the posting is probably closed; --max-age 0 lists them).")
        due &= ~old
    undated = a["followed_up"].fillna(False).astype(bool) & fu.isna()
    for app_id in a.index[due]:
        n_days = int(silent[app_id])
        if pd.notna(fu[app_id]):
            reason = f"no reply {n_days} days after your last follow-up ({fu[app_id].date()})"
        elif undated[app_id]:
            reason = f"no reply {n_days} days after applying; a follow-up is on record, undated"
        else:
            reason = f"no reply and no follow-up {n_days} days after applying"
        add("follow-up", app_id, since[app_id], n_days - after, reason)
    if _mapped(loaded, "follow_up_on") is False and due.any():
        notes.append("Your tracker has no follow-up column, so jobstats cannot see follow-ups "
                     "you already sent: add a 'Follow-up' date column.")
    if loaded is not None and not any(_mapped(loaded, f) for f in (
            "first_reply_on", "status", "reply_kind", "interview_on", "offer_on", "rejected_on")):
        notes.append("Your file has no reply or status column, so every application looks "
                     "unanswered: mark replies in it to shorten this list.")

    _fill_application_columns(rows, a, a_day)
    out = pd.DataFrame(rows, columns=list(DUE_COLUMNS))
    if len(out):
        out["_k"] = out["kind"].map(KIND_ORDER)
        out = out.sort_values(["_k", "days_overdue", "applied_on"], ascending=[True, False, True],
                              kind="stable").drop(columns="_k").reset_index(drop=True)
    out["days_waiting"] = out["days_waiting"].astype("int64")
    out["days_overdue"] = out["days_overdue"].astype("int64")
    out.attrs.update(as_of=as_of, n_applications=int(len(a)), after_days=int(after),
                     after_reason=after_reason, notes=notes)
    return out


def _fill_application_columns(rows: list[dict[str, Any]], a: pd.DataFrame,
                              a_day: pd.Series) -> None:
    """Add each due row's client, company, title, applied_on, sheet and row.

    One lookup of all the rows' applications (a lookup per row cost seconds for
    the thousands of rows of a coach's cohort).
    """
    if not rows:
        return
    ids = [r["application_id"] for r in rows]
    sub = a.loc[ids]
    columns = {c: sub[c].tolist() if c in a.columns else [None] * len(ids)
               for c in ("client", "company", "title", "sheet", "row")}
    columns["applied_on"] = a_day.loc[ids].tolist()
    for i, r in enumerate(rows):
        for c, values in columns.items():
            r[c] = values[i]


# --- output for the CLI -----------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date().isoformat()
    return str(value)


def due_to_dict(table: pd.DataFrame) -> dict[str, Any]:
    """The due list as one JSON-ready dict (``jobstats due --json``)."""
    items = []
    for rec in table.to_dict("records"):
        item = {k: _text(v) for k, v in rec.items()}
        for k in ("days_waiting", "days_overdue", "row"):
            item[k] = None if item[k] is None else int(float(item[k]))
        items.append(item)
    attrs = table.attrs
    return {
        "as_of": _text(attrs["as_of"]),
        "applications": attrs["n_applications"],
        "after_days": attrs["after_days"],
        "after_reason": attrs["after_reason"],
        "due": items,
        "notes": list(attrs["notes"]),
    }


def _clip(text: str | None, width: int) -> str:
    # control characters from a spreadsheet cell must not reach the terminal
    text = "".join(ch if ch.isprintable() else " " for ch in (text or "-"))
    return text if len(text) <= width else text[: width - 1] + "~"


def due_to_text(table: pd.DataFrame, *, style: Callable[[str, str], str] | None = None) -> str:
    """A readable list for the terminal; ``style(text, ansi_code)`` adds colour (or not)."""
    style = style or (lambda text, code: text)
    attrs = table.attrs
    lines = []
    if table.empty:
        lines.append(f"Nothing to send on {attrs['as_of'].date()} "
                     f"({attrs['n_applications']} applications checked).")
    else:
        lines.append(style(f"To send on {attrs['as_of'].date()}: {len(table)} "
                           f"(of {attrs['n_applications']} applications), most urgent first", "1"))
        head = f"  {'what':<10} {'company':<24} {'title':<24} {'applied':<10} {'waiting':>8}  why"
        lines.append(head)
        colour = {"thank-you": "35", "call-back": "33", "follow-up": "36"}
        for r in table.itertuples(index=False):
            lines.append(
                f"  {style(f'{r.kind:<10}', colour[r.kind])} {_clip(_text(r.company), 24):<24} "
                f"{_clip(_text(r.title), 24):<24} {_text(r.applied_on):<10} "
                f"{f'{r.days_waiting} d':>8}  {r.reason}")
    lines.append("")
    lines.append(attrs["after_reason"])
    lines.extend(attrs["notes"])
    return "\n".join(lines)
