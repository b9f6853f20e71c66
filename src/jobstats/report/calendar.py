"""The due list as calendar reminders (RFC 5545 iCalendar), written with ``icalendar``.

Each item becomes an all-day event on the as-of day with a reminder alarm at
09:00 that day. The UID is derived from the application and the kind of
reminder, so importing a newer list updates an event instead of duplicating it.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
from icalendar import Alarm, Calendar, Event

from jobstats import __version__

_WHAT = {"thank-you": "Send a thank-you note", "call-back": "Call again",
         "follow-up": "Follow up"}


def _uid(app_id: str, kind: str) -> str:
    digest = hashlib.sha256(f"{app_id}\x00{kind}".encode()).hexdigest()[:24]
    return f"{digest}@jobstats"


def _label(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def due_to_ics(table: pd.DataFrame, *, now: dt.datetime | None = None) -> bytes:
    """Serialise :func:`jobstats.due.followups_due` output as an iCalendar file.

    Parameters
    ----------
    table : pandas.DataFrame
        The due list (its ``attrs["as_of"]`` is the day of the reminders).
    now : datetime, optional
        DTSTAMP of the events (default: now, UTC).

    Returns
    -------
    bytes
        The ``.ics`` content (CRLF line endings, folded lines, escaped text:
        done by ``icalendar``).
    """
    as_of: pd.Timestamp = table.attrs["as_of"]
    stamp = now or dt.datetime.now(dt.timezone.utc)
    cal = Calendar()
    cal.add("prodid", f"-//jobstats {__version__}//due list//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Job search follow-ups")
    day = as_of.date()
    for r in table.itertuples(index=False):
        who = " - ".join(x for x in (_label(r.company), _label(r.title)) if x) or r.application_id
        ev = Event()
        ev.add("uid", _uid(str(r.application_id), str(r.kind)))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        ev.add("dtend", day + dt.timedelta(days=1))
        ev.add("summary", f"{_WHAT.get(r.kind, r.kind)}: {who}")
        applied = _label(r.applied_on.date() if pd.notna(r.applied_on) else None)
        ev.add("description", f"{r.reason}.\nApplied on {applied}; waiting {r.days_waiting} days."
               f"\n(From jobstats due, as of {day}.)")
        ev.add("categories", ["job search", r.kind])
        ev.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{_WHAT.get(r.kind, r.kind)}: {who}")
        alarm.add("trigger", dt.timedelta(hours=9))  # 09:00 on the (all-day) day
        ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()
