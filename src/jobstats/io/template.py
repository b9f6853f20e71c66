"""A blank tracker workbook whose headers the loader reads with no mapping.

:func:`write_template` writes ``tracker.xlsx`` with one sheet "Applications"
(header in row 1, dropdowns, date cells) and one sheet "Instructions". The CLI
exposes it as ``jobstats template -o tracker.xlsx [--force]``.

Formats and validations are set on whole columns (and on a fixed row range for
the dropdowns) rather than on thousands of empty cells, so the blank sheet has
no "used" rows beyond its header: a loader sees a header and nothing else.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jobstats.io.fields import FIELD_TABLE
from jobstats.schema import InputError

__all__ = [
    "APPLICATIONS_SHEET",
    "DATE_FORMAT",
    "HEADERS",
    "INSTRUCTIONS_SHEET",
    "LAST_VALIDATED_ROW",
    "save_workbook_reproducibly",
    "write_template",
]

APPLICATIONS_SHEET = "Applications"
INSTRUCTIONS_SHEET = "Instructions"

#: Follow-up columns in the template (each with its channel column).
N_FOLLOW_UPS = 2


def _template_columns() -> list[tuple[str, str, bool]]:
    """(header, instruction, is a date) of every template column, from the field table."""
    cols: list[tuple[str, str, bool]] = []
    for f in FIELD_TABLE:
        if f.template_header is None:
            continue
        if f.many:
            for n in range(1, N_FOLLOW_UPS + 1):
                first = f.help if n == 1 else f"The day you sent follow-up {n}, if any."
                cols.append((f.template_header.format(n=n), first, True))
                cols.append((f"Follow-up {n} channel", "Email, Phone, LinkedIn or In person.",
                             False))
        else:
            cols.append((f.template_header, f.help, f.kind == "date"))
    return cols


_COLUMNS = _template_columns()
#: Header row of the "Applications" sheet, in order (derived from
#: :data:`jobstats.io.fields.FIELD_TABLE`). The loader recognises every one of
#: these names without a ``--column`` mapping.
HEADERS: tuple[str, ...] = tuple(h for h, _, _ in _COLUMNS)
#: Columns holding dates (formatted and validated as dates).
DATE_HEADERS: tuple[str, ...] = tuple(h for h, _, d in _COLUMNS if d)

#: Dropdown choices, in the user's words; the loader normalises them.
STATUS_CHOICES: tuple[str, ...] = (
    "Applied",
    "No response",
    "Phone screen",
    "Interview",
    "Offer",
    "Accepted",
    "Rejected",
    "Withdrawn",
    "Closed",
)
SOURCE_CHOICES: tuple[str, ...] = (
    "Referral",
    "Company site",
    "LinkedIn Easy Apply",
    "LinkedIn",
    "Job board",
    "Recruiter",
    "Other",
)
CHANNEL_CHOICES: tuple[str, ...] = ("Email", "Phone", "LinkedIn", "In person")
REPLY_KIND_CHOICES: tuple[str, ...] = ("Rejection", "Interview", "Offer", "Other")

#: Dropdowns and date checks cover rows 2 .. LAST_VALIDATED_ROW.
LAST_VALIDATED_ROW = 2000
DATE_FORMAT = "yyyy-mm-dd"
# Excel serial of 2000-01-01: any application date is later than that, and a
# bound catches numbers typed into a date column by mistake.
_MIN_DATE_SERIAL = "36526"

_WIDTHS: dict[str, float] = {
    "Company": 24,
    "Job title": 30,
    "Source": 20,
    "Status": 15,
    "Reply kind": 12,
    "Follow-up 1 channel": 13,
    "Follow-up 2 channel": 13,
    "Notes": 48,
}
_DATE_WIDTH = 13

# Header cells are shown as they are typed; every non-date column holds text.
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", start_color="305496", end_color="305496")

# Fixed workbook timestamps: writing the template twice gives the same content.
_FIXED_TIMESTAMP = datetime(2025, 1, 1)

_INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("How to use this tracker", ""),
    (
        "",
        "One row per application, in the sheet \"Applications\". Keep the header row "
        "as it is: jobstats recognises these names without any column mapping. Leave a "
        "cell empty when you do not know the value; do not type 'n/a' in date cells.",
    ),
    ("Column", "What to put in it"),
    *((h, text) for h, text, _ in _COLUMNS),
    ("", ""),
    ("The as-of date", ""),
    (
        "",
        "Statistics are computed as of a date (by default today). An application "
        "without a reply on that date is still waiting: its outcome is unknown, not "
        "'no reply'. jobstats treats it that way (censoring), so a recent application "
        "does not count as ghosted. Pass --as-of YYYY-MM-DD to reproduce a past "
        "summary; dates after the as-of date (e.g. planned follow-ups) are ignored.",
    ),
    ("", ""),
    ("Running jobstats", ""),
    ("", "jobstats summary tracker.xlsx"),
    ("", "jobstats summary tracker.xlsx --as-of 2025-06-30"),
    (
        "",
        "The summary gives response rates with intervals, time to first reply "
        "(accounting for applications still waiting) and the effect of follow-ups, "
        "estimated in a way that respects when they were sent.",
    ),
)


def write_template(path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a blank job-search tracker workbook.

    Parameters
    ----------
    path : str or Path
        Where to write the workbook; must end in ``.xlsx``. Its folder must exist.
    overwrite : bool, default False
        Replace ``path`` if it already exists. Without it an existing file is
        never touched.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    jobstats.schema.InputError
        When ``path`` exists and ``overwrite`` is False, is a folder, does not end
        in ``.xlsx``, or its folder does not exist.

    Notes
    -----
    Sheet "Applications" has the header :data:`HEADERS` in row 1 (frozen),
    dropdowns for Source, Status, Reply kind and the follow-up channels, and
    date columns formatted ``yyyy-mm-dd`` that accept only dates, over rows 2 to
    :data:`LAST_VALIDATED_ROW`. Sheet "Instructions" explains each column, the
    as-of date, and how to run ``jobstats summary``.

    Examples
    --------
    >>> from jobstats.template import write_template
    >>> write_template("tracker.xlsx")  # doctest: +SKIP
    PosixPath('tracker.xlsx')
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(
            f"{path}: the tracker template is an Excel workbook; choose a name ending "
            "in .xlsx (e.g. tracker.xlsx)."
        )
    if path.is_dir():
        raise InputError(f"{path} is a folder; choose a file name such as {path / 'tracker.xlsx'}.")
    if path.exists() and not overwrite:
        raise InputError(
            f"{path} already exists and was left untouched; pass --force "
            "(overwrite=True) to replace it, or choose another name."
        )
    if not path.parent.exists():
        raise InputError(
            f"{path}: folder {path.parent} does not exist; create it or choose another path."
        )

    wb = Workbook()
    ws = wb.active
    ws.title = APPLICATIONS_SHEET
    _fill_applications(ws)
    _fill_instructions(wb.create_sheet(INSTRUCTIONS_SHEET))
    wb.properties.creator = "jobstats"
    wb.properties.title = "Job search tracker"
    try:
        save_workbook_reproducibly(wb, path, timestamp=_FIXED_TIMESTAMP)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the template ({exc.strerror or exc}).") from exc
    return path


def save_workbook_reproducibly(wb: Workbook, path: str | Path, *, timestamp: datetime) -> Path:
    """Save an openpyxl workbook so that the same content gives the same bytes.

    openpyxl stamps the save time into ``docProps/core.xml`` ("modified") and
    into every zip entry; both are replaced by ``timestamp`` here. Also used by
    ``scripts/make_sample_data.py`` for the bundled sample workbooks.

    Parameters
    ----------
    wb : openpyxl.Workbook
        The workbook; its ``properties.created`` is set to ``timestamp`` too.
    path : str or Path
        Destination file (overwritten).
    timestamp : datetime
        Naive UTC time written as created/modified date and zip entry time.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    wb.properties.created = timestamp
    buf = io.BytesIO()
    wb.save(buf)  # sets properties.modified to now: patched below
    stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=timestamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, data)
    path.write_bytes(out.getvalue())
    return path


def _letter(header: str) -> str:
    return get_column_letter(HEADERS.index(header) + 1)


def _column_range(header: str) -> str:
    col = _letter(header)
    return f"{col}2:{col}{LAST_VALIDATED_ROW}"


def _list_validation(choices: tuple[str, ...], title: str) -> DataValidation:
    # An inline list ("a,b,c") keeps the workbook self-contained: no hidden
    # lookup sheet for the loader to mistake for data.
    return DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=False,  # accept other words too: the loader keeps them as typed
        showInputMessage=True,
        promptTitle=title,
        prompt="Pick from the list or type your own.",
    )


def _fill_applications(ws: Worksheet) -> None:
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"

    for header in HEADERS:
        dim = ws.column_dimensions[_letter(header)]
        if header in DATE_HEADERS:
            dim.width = _DATE_WIDTH
            # Column style: Excel and LibreOffice apply it to cells typed later.
            dim.number_format = DATE_FORMAT
        else:
            dim.width = _WIDTHS.get(header, 16)

    lists = (
        (("Source",), SOURCE_CHOICES, "Source"),
        (("Status",), STATUS_CHOICES, "Status"),
        (("Reply kind",), REPLY_KIND_CHOICES, "Reply kind"),
        (("Follow-up 1 channel", "Follow-up 2 channel"), CHANNEL_CHOICES, "Channel"),
    )
    for headers, choices, title in lists:
        dv = _list_validation(choices, title)
        for header in headers:
            dv.add(_column_range(header))
        ws.add_data_validation(dv)

    dates = DataValidation(
        type="date",
        operator="greaterThanOrEqual",
        formula1=_MIN_DATE_SERIAL,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a date",
        error="Type a date, e.g. 2025-03-14.",
    )
    for header in DATE_HEADERS:
        dates.add(_column_range(header))
    ws.add_data_validation(dates)


def _fill_instructions(ws: Worksheet) -> None:
    bold = Font(bold=True)
    for row, (first, second) in enumerate(_INSTRUCTIONS, start=1):
        a = ws.cell(row=row, column=1, value=first or None)
        b = ws.cell(row=row, column=2, value=second or None)
        b.alignment = Alignment(wrap_text=True, vertical="top")
        a.alignment = Alignment(vertical="top")
        if first and (not second or first == "Column"):
            a.font = Font(bold=True, size=12 if not second else 11)
            if first == "Column":
                b.font = bold
        elif first in HEADERS:
            a.font = bold
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90
