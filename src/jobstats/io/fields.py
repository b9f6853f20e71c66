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
    Field("company", "text", "Company", "the employer"),
    Field("title", "text", "Job title", "the job title / position / role"),
    Field("source", "source", "Source",
          "where you applied: referral, company site, LinkedIn, a job board, a recruiter"),
    Field("applied_on", "date", "Date applied", "the day you sent the application (required)",
          event="applied"),
    Field("status", "status", "Status",
          "current status: applied, rejected, interview, offer, no response, withdrawn ..."),
    Field("first_reply_on", "date", "Date of first reply",
          "the day of the employer's first reply of any kind (a rejection counts)",
          event="reply"),
    Field("reply_kind", "reply_kind", "Reply kind",
          "what that first reply was: rejection, interview, offer or other"),
    Field("follow_up_on", "date", None,
          "date of a follow-up you sent (several numbered columns allowed)",
          event="follow_up", many=True),
    Field("callback_due_on", "date", "Call-back promised by",
          "the date by which the employer said they would get back to you (a next-step date)",
          event="callback_due"),
    Field("interview_on", "date", "Interview date", "date of the first interview or screen",
          event="interview"),
    Field("thank_you_on", "date", "Thank-you sent", "date you sent a thank-you note",
          event="thank_you"),
    Field("offer_on", "date", "Offer date", "date of an offer", event="offer"),
    Field("rejected_on", "date", "Rejection date", "date of a rejection", event="rejection"),
    Field("exported_on", "date", None,
          "the date the file was exported (used as the as-of date when present)"),
    Field("notes", "text", "Notes", "anything else"),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELD_TABLE}
#: Names a user may pass to ``columns=`` / ``--column``.
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELD_TABLE)
#: Date fields of one column each (follow-ups, which may be several, excluded).
DATE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELD_TABLE
                                     if f.kind == "date" and not f.many)
#: Date field -> event kind it produces.
EVENT_OF: dict[str, str] = {f.name: f.event for f in FIELD_TABLE if f.event}
