"""Canonical data model of jobstats: the two tables everything downstream reads.

Every loader turns the user's spreadsheet into these two tables; every analysis
function reads only them. Nothing downstream knows about file formats.

Applications table (one row per application)
--------------------------------------------
``application_id`` : str
    Unique within the table. Taken from the file's id column when it has one,
    otherwise ``"<sheet>:<excel row>"`` so a user can find the row in Excel.
``client`` : str or NA
    Whose search this is (a coach's client; the file stem when several files are
    loaded together). NA for one person's own tracker.
``company``, ``title`` : str or NA
``source`` : str or NA
    The channel the application went through, normalised where recognised to
    :data:`SOURCES` (``"referral"``, ``"company site"``, ``"linkedin easy apply"``,
    ...); an unrecognised value is kept as the user wrote it (stripped).
``source_raw`` : str or NA
    The source exactly as the user wrote it (stripped), to compare job boards
    that ``source`` groups as ``"job board"``.
``applied_on`` : datetime64
    Date (and time when the file has one) of the application. Never missing:
    rows without it are reported in the load report and dropped.
``first_reply_on`` : datetime64 or NaT
    First employer reply of any kind (rejection included). When the file has no
    reply-date column it is the earliest of the interview, offer and rejection
    dates. NaT when no reply date is known, even if the status says there was a
    reply (then ``stage`` is still ``"replied"`` or later).
``callback_due_on`` : datetime64 or NaT
    Date by which the employer promised to get back ("we will let you know by
    ..."), a next-step date; NaT when not recorded. The events table has a
    ``callback_due`` event on that date once it is not after the as-of date.
``reply_kind`` : str or NA
    What the first reply was, one of :data:`REPLY_KINDS`.
``stage`` : str
    Furthest stage reached, one of :data:`STAGES` (ordered). An application that
    was interviewed and then rejected has stage ``"interview"``: it counts as
    replied AND interviewed.
``status`` : str
    Current status, one of :data:`STATUSES`.
``status_raw`` : str or NA
    The status as the user wrote it.
``followed_up`` : boolean
    True when the file records any follow-up (dated or not).
``row`` : int
    Row number as the user sees it in Excel (1-based, header included), for
    messages. ``sheet`` : str, the sheet (or file name for CSV) the row came from.
``reply_info`` : bool (optional, see :data:`INFO_COLUMNS`)
    False when the file the row came from holds no reply information at all:
    no status, reply date, reply kind, interview/offer/rejection date or
    heard-back flag column (a LinkedIn export). Such an application's "no
    reply" means "not recorded", so it is left out of reply rates and reply
    curves (counted and said). Set by the loader; a table without the column
    is taken to hold the information.
``interview_info`` : bool (optional, see :data:`INFO_COLUMNS`)
    False when the file holds no interview information (no status column,
    interview or offer date, reply kind or interviewed flag): the interview
    and offer rates are then "not in the data", not 0.
``followup_info`` : bool (optional, see :data:`INFO_COLUMNS`)
    False when the file records no sent follow-ups (no follow-up column or
    sheet): its follow-ups are unknown, not none.
Any other columns the user had are kept, after these, under their original
header (made unique).

Events table (one row per dated event)
--------------------------------------
``application_id`` : str
``date`` : datetime64 or NaT
    NaT only for follow-ups known from a yes/no column (undated).
``kind`` : str, one of :data:`EVENT_KINDS`
``channel`` : str or NA, one of :data:`CHANNELS` when known.
``source_column`` : str, the header the event came from (for the load report).

Tables in a database engine
---------------------------
The column names above are also the contract for warehouse tables summarised
where they live (:func:`jobstats.from_parquet` over Parquet/CSV files with
DuckDB, :func:`jobstats.from_spark` over Spark DataFrames; see
:mod:`jobstats.engine.source`). Applications need ``application_id``
(unique), ``applied_on``, ``first_reply_on`` and ``stage``; ``followed_up``,
``row``, ``source``, ``client`` and any breakdown column are optional.
Events need ``application_id``, ``date``, ``kind`` and ``channel``. Dates may
be DATE or TIMESTAMP columns (only the day counts).

Override names
--------------
:data:`FIELDS` are the names a user may pass to ``load(columns=...)`` or
``jobstats summary --column FIELD=HEADER`` to say which header holds what.
``follow_up_on`` may name several columns (pass a list, or repeat ``--column``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from jobstats.io.fields import FIELD_NAMES

if TYPE_CHECKING:  # imported where used: `jobstats --help` and `--version` need no pandas
    import pandas as pd

# --- vocabularies ---------------------------------------------------------

#: Stages in order; ``stage`` is the furthest one reached.
STAGES: tuple[str, ...] = ("applied", "replied", "screen", "interview", "offer", "accepted")
STAGE_RANK: dict[str, int] = {s: i for i, s in enumerate(STAGES)}

#: Normalised current status.
STATUSES: tuple[str, ...] = (
    "applied",  # sent, nothing heard yet (still waiting)
    "no_response",  # the user gave up waiting: "Ghosted", "No response"
    "screen",
    "interview",
    "offer",
    "accepted",
    "rejected",
    "withdrawn",  # the applicant withdrew
    "closed",  # posting removed / filled, no decision about the applicant
)

#: What the first employer reply was.
REPLY_KINDS: tuple[str, ...] = ("rejection", "interview", "offer", "other")

EVENT_KINDS: tuple[str, ...] = (
    "applied",
    "follow_up",
    "reply",
    "interview",
    "thank_you",
    "offer",
    "rejection",
    "withdrawn",
    "callback_due",  # the date by which the employer promised to get back
)

CHANNELS: tuple[str, ...] = ("email", "phone", "linkedin", "in person")

#: Canonical source labels (unrecognised sources are kept as written).
SOURCES: tuple[str, ...] = (
    "referral",
    "company site",
    "linkedin easy apply",
    "linkedin",
    "job board",
    "recruiter",
    "other",
)

# --- field names a user may override -------------------------------------

#: Derived from the one table of fields, :data:`jobstats.io.fields.FIELD_TABLE`.
FIELDS: tuple[str, ...] = FIELD_NAMES

#: Canonical columns of the applications table, in order (extras follow).
APPLICATION_COLUMNS: tuple[str, ...] = (
    "application_id",
    "client",
    "company",
    "title",
    "source",
    "source_raw",
    "applied_on",
    "first_reply_on",
    "callback_due_on",
    "reply_kind",
    "stage",
    "status",
    "status_raw",
    "followed_up",
    "notes",
    "sheet",
    "row",
)

#: Optional per-application markers set by the loader: does the row's file hold
#: this kind of information at all? Absent column = yes.
INFO_COLUMNS: tuple[str, ...] = ("reply_info", "interview_info", "followup_info")

EVENT_COLUMNS: tuple[str, ...] = ("application_id", "date", "kind", "channel", "source_column")


# --- exceptions -----------------------------------------------------------


class JobstatsError(Exception):
    """Base class of every error jobstats raises on purpose.

    The message is written for the user: it names the file (and sheet, row or
    column where known) and says what to do. The CLI prints it without a
    traceback and exits with code 2.
    """


class InputError(JobstatsError):
    """The input cannot be used as given (bad file, bad arguments)."""


class UnreadableFileError(InputError):
    """The file cannot be opened or parsed (corrupt, encrypted, empty, too large)."""


class UnsupportedFormatError(InputError):
    """The file is of a format jobstats does not read (e.g. legacy .xls)."""


class HeaderNotFoundError(InputError):
    """No row of the file looks like a header of a job-application table."""


class MissingColumnError(InputError):
    """A required field (the applied date) was not recognised in the header."""


class AnalysisError(JobstatsError):
    """The tables cannot support the analysis asked for (e.g. no applications)."""


# --- the as-of date -------------------------------------------------------


_ISO_DAY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?\s*$")


def resolve_as_of(as_of: Any = None) -> pd.Timestamp:
    """The snapshot date as a midnight Timestamp; ``None`` means today.

    The one place "today" is decided: every loader and analysis calls this at
    call time (never at import), so a long-lived notebook kernel does not
    freeze the date.

    Raises
    ------
    InputError
        When ``as_of`` is not a date, or is text other than ``YYYY-MM-DD``:
        "01.06.2025" is June 1st in Germany and January 6th in the US, and a
        wrong guess silently drops or censors rows.
    """
    import pandas as pd

    if as_of is None:
        return pd.Timestamp.today().normalize()
    if isinstance(as_of, str) and not _ISO_DAY.match(as_of):
        raise InputError(f"as_of={as_of!r}: write the date as YYYY-MM-DD (e.g. '2025-06-30'); "
                         "other forms are ambiguous between day and month.")
    try:
        ts = pd.Timestamp(as_of)
    except (TypeError, ValueError) as exc:
        raise InputError(f"as_of={as_of!r} is not a date; pass e.g. '2025-06-30'.") from exc
    if ts is pd.NaT:
        raise InputError(f"as_of={as_of!r} is not a date; pass e.g. '2025-06-30'.")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


#: Why replies are unknown (not 0) for a file that does not record them.
NO_REPLY_INFO = "your file holds no reply information (e.g. a LinkedIn export)"


def has_info(applications: pd.DataFrame, kind: str) -> pd.Series:
    """Boolean Series: does each application's file hold ``kind`` information?

    ``kind`` is ``"reply"``, ``"interview"`` or ``"followup"`` (columns
    ``reply_info`` / ``interview_info`` / ``followup_info``). A table without the column holds it (True).
    """
    import pandas as pd

    col = f"{kind}_info"
    if col not in applications.columns:
        return pd.Series(True, index=applications.index)
    return applications[col].astype("boolean").fillna(True).astype(bool)
