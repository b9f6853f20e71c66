"""The one table of canonical fields: everything else about fields is derived from it.

Each field is declared once here: its name, what kind of values it holds, the
header the blank template uses, a help text for the template and the CLI, and
the event kind a date field produces. Header synonyms are data, in the
vocabulary tables (``io/vocab/*.csv``, ``kind=header``, ``meaning=<field name>``).

Derived from :data:`FIELD_TABLE`: :data:`jobstats.schema.FIELDS` (names a user
may pass to ``columns=`` / ``--column``), :data:`DATE_FIELDS`, :data:`EVENT_OF`,
and the template's columns. This module imports nothing from jobstats so that
:mod:`jobstats.schema` can derive from it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Kinds of field values.
KINDS = ("id", "text", "date", "status", "source", "reply_kind")


@dataclass(frozen=True)
class Field:
    """One canonical field.

    Attributes
    ----------
    name : str
        Canonical name (``columns=`` key, vocabulary ``meaning``).
    kind : str
        One of :data:`KINDS`; ``date`` fields are parsed as dates (a yes/no
        column under a date header is read as a flag where the loader knows
        what the flag means).
    template_header : str or None
        Header of this field in the blank template (None: not in the template).
    help : str
        One line for the template's help sheet and the CLI's ``--column`` help.
    event : str or None
        Event kind a date in this field produces (``jobstats.schema.EVENT_KINDS``).
    many : bool
        Whether several columns may hold this field (numbered follow-ups).
    """

    name: str
    kind: str
    template_header: str | None
    help: str
    event: str | None = None
    many: bool = False


FIELD_TABLE: tuple[Field, ...] = (
    Field("application_id", "id", None,
          "an id of the application (unique per row); otherwise '<sheet>:<row>'"),
    Field("client", "text", None, "whose search the row belongs to (a coach's client)"),
    Field("company", "text", "Company", "The employer (or the agency's client, if known)."),
    Field("title", "text", "Job title", "The title as posted."),
    Field("source", "source", "Source",
          "How you applied: Referral, Company site, LinkedIn Easy Apply, LinkedIn, "
          "Job board, Recruiter or Other (dropdown; other words are kept as typed, e.g. "
          "the name of the job board)."),
    Field("applied_on", "date", "Date applied",
          "The day you sent the application. Required: rows without it are reported and "
          "left out of the statistics.", event="applied"),
    Field("status", "status", "Status",
          "Where it stands now: Applied (still waiting), No response (you gave up "
          "waiting), Phone screen, Interview, Offer, Accepted, Rejected, Withdrawn (you "
          "withdrew) or Closed (posting removed or filled)."),
    Field("first_reply_on", "date", "Date of first reply",
          "The day the employer first answered in any way, a rejection included. An "
          "automatic 'we received your application' e-mail is not a reply.", event="reply"),
    Field("reply_kind", "reply_kind", "Reply kind",
          "What that first reply was: Rejection, Interview (an invitation), Offer or Other."),
    Field("follow_up_on", "date", "Follow-up {n} date",
          "The day you SENT a follow-up (e-mail, call, LinkedIn message) after applying. "
          "Write the date when you send it, not when you plan to: a planned follow-up goes "
          "in only once it has been sent.", event="follow_up", many=True),
    Field("callback_due_on", "date", "Call-back promised by",
          "The date by which the employer said they would get back to you ('we will let "
          "you know by Friday'), or the next step they promised. Lets jobstats list the "
          "promises that have passed without news.", event="callback_due"),
    Field("interview_on", "date", "Interview date",
          "The day of the first interview (a phone screen counts).", event="interview"),
    Field("thank_you_on", "date", "Thank-you sent",
          "The day you sent a thank-you note after an interview.", event="thank_you"),
    Field("offer_on", "date", "Offer date", "The day you received an offer.", event="offer"),
    Field("rejected_on", "date", "Rejection date", "The day you were told no (at any stage).",
          event="rejection"),
    Field("exported_on", "date", None,
          "the date the file was exported (used as the as-of date when present)"),
    Field("notes", "text", "Notes", "Anything else; jobstats keeps it but does not analyse it."),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELD_TABLE}
#: Names a user may pass to ``columns=`` / ``--column``.
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELD_TABLE)
#: Date fields of one column each (follow-ups, which may be several, excluded).
DATE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELD_TABLE
                                     if f.kind == "date" and not f.many)
#: Date field -> event kind it produces.
EVENT_OF: dict[str, str] = {f.name: f.event for f in FIELD_TABLE if f.event}


#: Status meanings a vocabulary table (``io/vocab``) may give a word -> (current status,
#: stage hint). ``"not"`` marks rows that are not applications (excluded, reported).
#: Here, not in :mod:`jobstats.io.vocab`: the CLI's help lists them without reading the
#: tables (and without pandas).
STATUS_MEANINGS: dict[str, tuple[str, str | None]] = {
    "not_applied": ("not", None),
    "applied": ("applied", None),
    "replied": ("applied", "replied"),
    "no_response": ("no_response", None),
    "screen": ("screen", "screen"),
    "interview": ("interview", "interview"),
    "offer": ("offer", "offer"),
    "accepted": ("accepted", "accepted"),
    "rejected": ("rejected", "replied"),
    "offer_declined": ("withdrawn", "offer"),
    "withdrawn": ("withdrawn", None),
    "closed": ("closed", None),
}
