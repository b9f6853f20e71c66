"""Checks run on a file before any parser touches it.

``check_file(path)`` raises :class:`jobstats.schema.UnreadableFileError` or
:class:`jobstats.schema.UnsupportedFormatError` for files that must be refused
early, and returns the detected container kind otherwise: ``"zip"`` (xlsx, xlsm,
ods), ``"ole2"`` (legacy .xls, only when the caller allows it) or ``"text"``
(CSV / TSV).

What the parsers themselves do with hostile XML (checked by experiment, 2026,
openpyxl 3.1.5, python-calamine 0.9.1, odfpy 1.4, defusedxml 0.7):

* openpyxl parses through defusedxml whenever it is installed
  (``openpyxl.DEFUSEDXML`` is True; defusedxml is a dependency of jobstats): a
  workbook whose XML declares entities fails with ``EntitiesForbidden``.
* python-calamine parses with the Rust crate quick-xml, which does not expand
  DTD entities at all: ``&e;`` of an internal, external (``SYSTEM "file:..."``)
  or billion-laughs entity gives ``XmlError: unrecognized entity`` in the
  shared strings, and comes back as the literal text ``&e;`` in an inline
  string; nothing is read from disk or expanded.
* pandas' ``odf`` engine (odfpy) also goes through defusedxml and raises
  ``EntitiesForbidden``.
* A zip member that lies about its size (headers declare 2 KB, the data
  inflates to 20 MB or more) is not inflated past the declaration: Python's
  zipfile stops there and fails the CRC check, calamine's Rust zip crate fails
  with "File is larger than its declared uncompressed size". So the limits
  below, computed from the declared sizes, hold.

So the parsers are safe on their own; :func:`check_file` refuses such files
anyway, earlier, with a message the user can act on instead of a parser
traceback. ``defusedxml.defuse_stdlib()`` is deprecated and is not used.
"""

from __future__ import annotations

import lzma
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jobstats.schema import UnreadableFileError, UnsupportedFormatError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_SHEET_CELLS",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
    "MAX_ZIP_UNCOMPRESSED_BYTES",
    "RATIO_CHECK_MIN_BYTES",
    "XML_PROLOG_MAX_BYTES",
    "FileCheck",
    "check_file",
    "scan_file",
]

# --- limits ---------------------------------------------------------------

#: Largest file accepted, on disk. A tracker of 100,000 applications as CSV is
#: about 20 MB; 200 MB leaves a wide margin while keeping memory bounded.
MAX_FILE_BYTES: int = 200 * 1024**2

#: Largest total uncompressed size the members of a zip (xlsx/ods) may declare.
MAX_ZIP_UNCOMPRESSED_BYTES: int = 500 * 1024**2

#: Largest compression ratio (uncompressed / compressed) allowed on a large
#: member. Spreadsheet XML compresses 5-50x; a block of zeros ~1000x.
MAX_ZIP_RATIO: float = 200.0

#: Members smaller than this (uncompressed) are not ratio-checked: a tiny
#: member cannot hurt, and small repetitive XML parts legitimately compress well.
RATIO_CHECK_MIN_BYTES: int = 10 * 1024**2

#: Most members a zip may have (a real workbook has tens; charts and images
#: add a few hundred at most).
MAX_ZIP_MEMBERS: int = 10_000

#: How much of an XML member is read (decompressed, streamed) to find its root
#: element. Everything before the root must be free of ``<!DOCTYPE``; a
#: real workbook's prolog is under 100 bytes, so a longer one is refused.
XML_PROLOG_MAX_BYTES: int = 1024**2

#: Largest area (rows x columns, from A1 to the last used cell) of a worksheet.
#: calamine allocates the whole rectangle (32 bytes a cell) and the loader
#: walks it: a single stray cell at XFD1048576 in a 2 KB file asks for 550 GB
#: and aborts the process (checked with python-calamine 0.9.1). 10 million cells
#: is 300,000 rows x 33 columns.
MAX_SHEET_CELLS: int = 10_000_000

#: Bytes read from the start of a file to detect its kind.
_SNIFF_BYTES: int = 64 * 1024

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # local file header; empty archive
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Members where Excel/LibreOffice store embedded objects (OLE, other
#: workbooks). The parsers never open them, so a nested archive there is legit.
_EMBEDDING_DIRS = ("xl/embeddings/", "word/embeddings/", "ppt/embeddings/", "Object ")
#: Signatures of files people pick by mistake, to name them in the message.
_OTHER_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3\x00", "an SQLite database"),
)

_RESAVE = "open it in Excel or LibreOffice and save it as .xlsx or CSV (UTF-8), then try again"
_RESAVE_CAP = _RESAVE[0].upper() + _RESAVE[1:] + "."
_REPAIR = ("Open it in Excel or LibreOffice (which may repair it) and save it as .xlsx or CSV "
           "(UTF-8), then try again; or export the tracker again.")


@dataclass(frozen=True)
class FileCheck:
    """What :func:`scan_file` learnt while checking a file.

    Attributes
    ----------
    kind : str
        ``"zip"``, ``"ole2"`` or ``"text"`` (see :func:`check_file`).
    error_cells : bool
        A worksheet part (in ``xl/worksheets/``, or named as a sheet by the
        workbook) holds ``t="e"``, the type of an error cell (``#REF!``, ``#N/A``): found in the pass the extent check
        makes over the sheet anyway, so the reader needs no second unzip.
    """

    kind: str
    error_cells: bool = False


def check_file(path: str | os.PathLike[str], *, allow_legacy_xls: bool = False) -> str:
    """Refuse files no parser should touch; return the container kind otherwise.

    Parameters
    ----------
    path : str or path-like
        The file the user gave. It is only read, never modified.
    allow_legacy_xls : bool, default False
        Return ``"ole2"`` for a legacy .xls instead of refusing it (for a loader
        that can read BIFF through python-calamine).

    Returns
    -------
    str
        ``"zip"`` for an xlsx/xlsm/ods (or any zip that passed the checks),
        ``"ole2"`` for a legacy .xls when allowed, ``"text"`` otherwise.

    Raises
    ------
    jobstats.schema.UnreadableFileError
        Missing, not a regular file, empty, too large, corrupt zip, zip bomb,
        encrypted or nested members, XML with a DOCTYPE (entities), a worksheet
        whose last used cell is too far (:data:`MAX_SHEET_CELLS`), a
        password-protected workbook, binary data in a text file.
    jobstats.schema.UnsupportedFormatError
        Legacy .xls (unless allowed), PDF/images/other archives, HTML or XML
        saved with a spreadsheet extension.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("Company,Date Applied\\nAcme,2025-01-02\\n")
    >>> check_file(p)
    'text'
    """
    return scan_file(path, allow_legacy_xls=allow_legacy_xls).kind


def scan_file(path: str | os.PathLike[str], *, allow_legacy_xls: bool = False) -> FileCheck:
    """:func:`check_file`, returning what the checks saw on the way (:class:`FileCheck`).

    Same refusals and parameters as :func:`check_file`.
    """
    path = Path(path)
    name = str(path)
    try:
        st = path.stat()  # follows symlinks: what matters is what would be read
    except FileNotFoundError:
        raise UnreadableFileError(
            f"{name}: file not found. Check the path (and that the file was not moved)."
        ) from None
    except OSError as exc:
        raise UnreadableFileError(
            f"{name}: cannot be opened ({exc.strerror}). Check the path and permissions."
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise UnreadableFileError(
            f"{name}: is a folder, not a file. Pass the spreadsheet itself (.xlsx, .ods or .csv)."
        )
    if not stat.S_ISREG(st.st_mode):
        # FIFOs and devices (/dev/zero, /dev/stdin) could block or never end.
        raise UnreadableFileError(
            f"{name}: is not a regular file. Save the tracker to a file and pass that file."
        )
    if st.st_size == 0:
        raise UnreadableFileError(
            f"{name}: is empty (0 bytes). Export or save the tracker again and pass the new file."
        )
    if st.st_size > MAX_FILE_BYTES:
        raise UnreadableFileError(
            f"{name}: is too large ({st.st_size / 1024**2:.0f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1024**2} MB). Remove unrelated sheets or columns, or "
            "export only the applications as CSV."
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise UnreadableFileError(
            f"{name}: cannot be read ({exc.strerror}). Check the file's permissions."
        ) from None

    if head.startswith(_ZIP_MAGICS):
        return FileCheck("zip", error_cells=_check_zip(path))
    if head.startswith(_OLE2_MAGIC):
        if _ole2_is_encrypted_ooxml(path):
            raise UnreadableFileError(
                f"{name}: is password-protected: open it in Excel, remove the password "
                "(File > Info > Protect Workbook), save, and try again."
            )
        if allow_legacy_xls:
            return FileCheck("ole2")
        raise UnsupportedFormatError(
            f"{name}: is a legacy Excel 97-2003 file (.xls), which jobstats does not read: "
            "re-save as .xlsx or CSV (File > Save As) and try again."
        )
    _check_text(name, head)
    return FileCheck("text")


# --- zip containers (xlsx, xlsm, ods) -------------------------------------


def _check_zip(path: Path) -> bool:
    """Refuse corrupt zips, zip bombs, encrypted/nested members and XML with DTDs.

    Returns whether a worksheet part holds an error cell (see :class:`FileCheck`).
    """
    name = str(path)
    declared = _zip_declared_entries(path)
    if declared is not None and declared > MAX_ZIP_MEMBERS:
        # Checked before zipfile parses the central directory: a few million
        # tiny entries fit in 200 MB and would take gigabytes as ZipInfo objects.
        raise UnreadableFileError(
            f"{name}: declares {declared} parts inside, more than the {MAX_ZIP_MEMBERS} a "
            f"spreadsheet would have; it is not a normal workbook. {_RESAVE_CAP}"
        )
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise UnreadableFileError(
            f"{name}: is damaged: it starts like an .xlsx/.ods (zip) file but cannot be "
            f"opened as one. {_REPAIR}"
        ) from None
    with zf:
        infos = zf.infolist()
        if all(i.is_dir() for i in infos):
            raise UnreadableFileError(
                f"{name}: is an empty archive: it holds no sheet. Export or save the tracker "
                "again and pass the new file."
            )
        if len(infos) > MAX_ZIP_MEMBERS:
            raise UnreadableFileError(
                f"{name}: has {len(infos)} parts inside, more than the {MAX_ZIP_MEMBERS} a "
                f"spreadsheet would have; it is not a normal workbook. {_RESAVE_CAP}"
            )
        total = sum(i.file_size for i in infos)
        if total > MAX_ZIP_UNCOMPRESSED_BYTES:
            raise UnreadableFileError(
                f"{name}: would expand to {total / 1024**2:.0f} MB when opened (the limit is "
                f"{MAX_ZIP_UNCOMPRESSED_BYTES // 1024**2} MB); it may be a zip bomb. If it is a "
                "genuine tracker, export only the applications sheet as CSV."
            )
        for info in infos:
            if info.is_dir():
                continue
            member = f"{name} (part {info.filename!r})"
            if info.file_size >= RATIO_CHECK_MIN_BYTES:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > MAX_ZIP_RATIO:
                    raise UnreadableFileError(
                        f"{member}: compresses {ratio:.0f} times, far more than spreadsheet "
                        "data does; it looks like a zip bomb and was not opened. If it is a "
                        "genuine tracker, export the applications sheet as CSV."
                    )
            if info.flag_bits & 0x1:
                raise UnreadableFileError(
                    f"{member}: is encrypted inside the archive. Open it in Excel, remove the "
                    "password (File > Info > Protect Workbook), save, and try again."
                )
            _check_member(zf, info, member)
        if "content.xml" in zf.namelist():  # OpenDocument
            _check_ods_extent(zf, zf.getinfo("content.xml"), name)
        titles = _sheet_titles(zf) if "xl/workbook.xml" in zf.namelist() else {}
        # every part the workbook names as a sheet, wherever it lies (a reader follows
        # the relationships), and every part in xl/worksheets/
        sheets = [i for i in infos
                  if _WORKSHEET_PART.fullmatch(i.filename) or i.filename in titles]
        errors = False
        for info in sheets:
            errors |= _check_sheet_extent(zf, info, name, titles.get(info.filename))
        if not errors:  # parts in sub-folders of xl/worksheets/ are not extent-checked
            for info in infos:
                f = info.filename
                if (f.startswith("xl/worksheets/") and f.endswith(".xml")
                        and not _WORKSHEET_PART.fullmatch(f) and not info.is_dir()):
                    seen = _ErrorCells()
                    for _ in _tag_chunks(zf, info, name, seen):
                        if seen.found:
                            return True
        return errors


def _zip_declared_entries(path: Path) -> int | None:
    """Entry count from the end-of-central-directory record (zip64 aware), or None.

    Hand-written because zipfile offers no way to read the count without
    building every ZipInfo first (APPNOTE 4.3.14-4.3.16).
    """
    size = path.stat().st_size
    tail_len = min(size, 22 + 0xFFFF + 20)  # EOCD + longest comment + zip64 locator
    with path.open("rb") as fh:
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + 22 > len(tail):
            return None
        count = struct.unpack_from("<H", tail, at + 10)[0]
        if count != 0xFFFF:
            return count
        loc = at - 20  # zip64 end-of-central-directory locator
        if loc < 0 or tail[loc : loc + 4] != b"PK\x06\x07":
            return None
        offset = struct.unpack_from("<Q", tail, loc + 8)[0]
        if offset + 56 > size:
            return None
        fh.seek(offset)
        rec = fh.read(56)
        if rec[:4] != b"PK\x06\x06":
            return None
        return struct.unpack_from("<Q", rec, 32)[0]


def _check_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, member: str) -> None:
    """Stream the start of one member: no nested archive, no DTD before the root."""
    embedded = info.filename.startswith(_EMBEDDING_DIRS)
    buf = b""
    try:
        with zf.open(info) as fh:
            while len(buf) < XML_PROLOG_MAX_BYTES:
                chunk = fh.read(min(_SNIFF_BYTES, XML_PROLOG_MAX_BYTES - len(buf)))
                if not chunk:
                    break
                buf += chunk
                # OLE2 members are legit (xl/vbaProject.bin of an .xlsm, ActiveX
                # controls) and never parsed; a zip inside a zip is not.
                if len(buf) >= 4 and buf.startswith(_ZIP_MAGICS):
                    if embedded:  # an embedded object: never opened by the parsers
                        return
                    raise UnreadableFileError(
                        f"{member}: is itself an archive nested inside the file, which "
                        f"spreadsheets do not contain. {_RESAVE_CAP}"
                    )
                verdict = _xml_prolog_verdict(buf)
                if verdict == "clean" or verdict == "not xml":
                    return
                if verdict == "dtd":
                    raise UnreadableFileError(
                        f"{member}: contains an XML DOCTYPE/ENTITY declaration, which Excel "
                        "and LibreOffice never write and which is used in attacks (XML "
                        "external entities, 'billion laughs'); the file was not opened. If "
                        f"you trust its origin, {_RESAVE}."
                    )
                # "open": prolog not finished yet, read more
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError,
            ValueError, zlib.error, lzma.LZMAError):
        # corrupt compressed data, bad CRC, unsupported compression method
        raise UnreadableFileError(
            f"{member}: is damaged and cannot be decompressed. {_REPAIR}"
        ) from None
    if buf and len(buf) >= XML_PROLOG_MAX_BYTES and _xml_prolog_verdict(buf) == "open":
        raise UnreadableFileError(
            f"{member}: its XML header is over {XML_PROLOG_MAX_BYTES // 1024} KB long, which "
            f"no spreadsheet program writes; the file was not opened. {_RESAVE_CAP}"
        )


_WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"([0-9]{1,7})\"")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def column_letters(n: int) -> str:
    """Excel column letters of 1-based column ``n`` (1 -> A, 27 -> AA)."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


class _ErrorCells:
    """Watches the decompressed bytes of a worksheet for ``t="e"`` (an error
    cell's type), also across two pieces. A byte search, not XML parsing: the
    attribute only occurs as the error cell type."""

    _MARK = b't="e"'

    def __init__(self) -> None:
        self.found = False
        self._tail = b""

    def __call__(self, chunk: bytes) -> None:
        if not self.found:
            # (the mark's '"e' first: the search for the mark itself stops at
            # every '"' of the sheet, a 34 MB sheet's 2.9 million; see _has_pair)
            self.found = ((_has_pair(chunk, b'"e') and self._MARK in chunk)
                          or self._MARK in self._tail + chunk[:8])
            self._tail = chunk[-8:]


def _has_pair(data: bytes, pair: bytes) -> bool:
    """``pair in data`` for a two-byte ``pair``, as two whole-array comparisons
    of the bytes read two at a time (from an even and from an odd offset).

    Hand-written with numpy: a byte search for a needle made of common bytes
    (as ``t="e"`` is in a sheet) is 3x slower; a pair that is rare there is
    ruled out in one pass.
    """
    a = np.frombuffer(data, dtype=np.uint8)
    n = len(a)
    x = np.frombuffer(pair, dtype=np.uint16)[0]
    return bool((a[:n // 2 * 2].view(np.uint16) == x).any()
                or (a[1:1 + (n - 1) // 2 * 2].view(np.uint16) == x).any())


#: The longest tag with its text kept whole by the streamed checks; a cell's text
#: is at most 32,767 characters in Excel (128 KiB in UTF-8), far below this.
MAX_TAG_BYTES = 16 << 20

#: Decompressed bytes read per step by the streamed checks. 256 KiB, not 1 MiB:
#: buffers this size are reused from the heap (and stay in the CPU cache) where
#: 1 MiB ones were fresh memory at every step, page faults over the whole part
#: (a 34 MB sheet: 8,000 faults; the check 0.13 -> 0.11 s CPU).
_READ_BYTES = 256 << 10


def _tag_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                seen: Callable[[bytes], None] | None = None) -> Iterator[bytes]:
    """Decompress one XML part in steps of :data:`_READ_BYTES`, each cut just
    before a ``<``.

    So no tag is split between two chunks. A tag (with the text after it) is
    kept whole, however long: dropping a long one would let a far cell hide
    behind a long made-up attribute. Over :data:`MAX_TAG_BYTES` the part is
    refused, so memory stays bounded whatever the part's size. ``seen``, when
    given, is called with every decompressed piece as read (before the cut),
    e.g. :class:`_ErrorCells`.
    """
    carry = b""
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_READ_BYTES):
                if seen is not None:
                    seen(chunk)
                buf = carry + chunk
                cut = buf.rfind(b"<")
                if cut < 0:  # text only: no tag begins in it
                    scan, carry = buf, b""
                else:  # the last tag may go on in the next chunk (cut 0: all of buf does)
                    scan, carry = buf[:cut], buf[cut:]
                if len(carry) > MAX_TAG_BYTES:
                    raise UnreadableFileError(
                        f"{name} (part {info.filename!r}): holds one tag or text of more than "
                        f"{MAX_TAG_BYTES >> 20} MiB; no spreadsheet cell is that long (Excel "
                        f"keeps 32,767 characters), so it is not read. {_REPAIR}")
                if scan:
                    yield scan
            if carry:
                yield carry
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        raise UnreadableFileError(
            f"{name} (part {info.filename!r}): is damaged and cannot be decompressed. {_REPAIR}"
        ) from None


def _check_sheet_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                        title: str | None) -> bool:
    """Refuse a worksheet whose last cell makes the A1-based area too large.

    A streamed scan of the cell references (``<c r="XFD1048576">``, ``<row
    r="...">``); the ``<dimension>`` element is not trusted (calamine ignores it
    too). Cells without a reference can only extend the area one by one, so
    their cost is bounded by the decompressed size already checked.

    Two passes at most. The first (:func:`_sheet_extent_bound`) only bounds the
    extent, fast; the exact scan (:func:`_sheet_extent`) runs only when that
    bound is over the limit, so the verdict is always the exact one.

    Returns whether the part holds an error cell (seen in the same pass).
    """
    seen = _ErrorCells()
    if _sheet_extent_bound(zf, info, name, seen) <= MAX_SHEET_CELLS:
        return seen.found
    seen = _ErrorCells()  # (the bounding pass may have stopped early)
    max_row, max_col = _sheet_extent(zf, info, name, seen)
    if max_row * max_col > MAX_SHEET_CELLS:
        sheet = f"sheet {title!r}" if title else f"part {info.filename!r}"
        raise UnreadableFileError(
            f"{name}, {sheet}: has a used cell as far as {column_letters(max_col)}{max_row}, so "
            f"the sheet spans {max_row:,} rows x {max_col:,} columns, too large to read. "
            "Delete the stray cells below and to the right of your table (in Excel, Ctrl+End "
            "jumps to the last used cell), save, and try again."
        )
    return seen.found


def _sheet_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                  seen: Callable[[bytes], None] | None = None) -> tuple[int, int]:
    """(last row, last column) referenced by a ``<row r=>`` or ``<c r=>`` tag, exactly."""
    max_row, max_col = 0, 0
    for scan in _tag_chunks(zf, info, name, seen):
        rows = _ROW_REF.findall(scan)
        if rows:
            max_row = max(max_row, max(map(int, rows)))
        cells = _CELL_REF.findall(scan)
        if cells:
            letters, numbers = zip(*cells)  # (C-level unzip: a sheet has millions of cells)
            max_col = max(max_col, max(map(_col_number, set(letters))))
            max_row = max(max_row, max(map(int, numbers)))
    return max_row, max_col


#: Every ``r="..."`` value with two or three column letters (columns after Z),
#: and every one whose row number has six or seven digits (rows from 100,000).
#: Literal-prefixed patterns (a fast C search for ``r="``) that match nothing in
#: the common sheet (up to 26 columns, under 100,000 rows): no match objects are
#: built for the millions of cells. They match a superset of what _CELL_REF and
#: _ROW_REF capture (no tag context; leading zeros), which can only raise the bound.
_WIDE_REF = re.compile(rb'r="([A-Z]{2,3})[0-9]')
_TALL_REF = re.compile(rb'r="[A-Z]{0,3}0*([1-9][0-9]{5,6})"')
def _may_hold_far_refs(scan: bytes) -> bool:
    """Whether some ``r="`` is followed by two capital letters, or has a digit
    six bytes after its first letter (after ``r="`` itself when no letter
    follows): true wherever :data:`_WIDE_REF` or :data:`_TALL_REF` match (a
    reference with at most one letter and six digits has its sixth digit
    there), and on a few more (e.g. leading zeros), so a chunk where it is
    false holds no match of either.
    """
    return _ref_hints(scan)[0]


def _ref_hints(scan: bytes) -> tuple[bool, int, int]:
    """:func:`_may_hold_far_refs`; the highest column a one-letter reference can
    name: the largest capital letter right after an ``r="`` (1 for A, 26 for Z;
    0 when none); and, when some reference may be far but none has two
    capitals, the largest number in the run of digits after each ``r="`` and
    its letter, which is at least every row :data:`_TALL_REF` captures there
    (-1: not computed, or a run longer than 7 digits: leading zeros, which the
    regular expression reads).

    Hand-written with numpy: it looks only at three bytes after each ``r="``,
    where the regular expressions try a match at every one of a sheet's
    millions of references (2-3x the time on a 100k-row sheet).
    """
    a = np.frombuffer(scan, dtype=np.uint8)
    last = len(a) - 1
    at = np.flatnonzero(a[:-2] == ord("r"))
    at = at[(a[at + 1] == ord("=")) & (a[at + 2] == ord('"'))] + 3  # a reference starts

    def byte(i: np.ndarray) -> np.ndarray:
        # past the end: the last byte (a '<' or '>', never a letter or digit, in
        # a chunk of tags; else at worst a false alarm, which costs the regexes)
        return a[np.minimum(i, last)]

    if not len(at):
        return False, 0, -1
    first = byte(at)
    letter = (first >= ord("A")) & (first <= ord("Z"))
    col = int(first[letter].max()) - ord("A") + 1 if letter.any() else 0
    second = byte(at + 1)
    if (letter & (second >= ord("A")) & (second <= ord("Z"))).any():
        return True, col, -1
    start = at + letter  # after the (at most one) letter
    sixth = byte(start + 5)
    if not ((sixth >= ord("0")) & (sixth <= ord("9"))).any():
        return False, col, -1
    # a tall row may be here: the value of each run of digits (up to 7)
    row = np.zeros(len(at), dtype=np.int64)
    alive = np.ones(len(at), dtype=bool)
    for k in range(8):
        c = byte(start + k)
        alive &= (c >= ord("0")) & (c <= ord("9"))
        if k == 7:
            return True, col, (-1 if alive.any() else int(row.max()))
        row = np.where(alive, row * 10 + (c.astype(np.int64) - ord("0")), row)
    raise AssertionError  # (the loop returns)


def _sheet_extent_bound(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                        seen: Callable[[bytes], None] | None = None) -> int:
    """An upper bound of (last row x last column), from one cheap pass.

    A reference without a wide column has a column of at most the largest
    capital letter seen right after an ``r="`` (26 for Z); one without a tall
    row number, a row of at most 99,999; tall rows are bounded by their digits
    (numpy, :func:`_ref_hints`) or, in chunks with wide columns or long runs of
    digits, by the regular expressions. So a tall sheet of few columns (a
    million rows A-H) is bounded here, without the exact scan. Hand-written
    bound (no library gives a sheet's extent without reading every cell).
    """
    max_col, max_row = 0, 99_999
    for scan in _tag_chunks(zf, info, name, seen):
        far, col, rows = _ref_hints(scan)
        max_col = max(max_col, col)
        if not far:
            continue
        if rows >= 0:  # no wide column; the rows' bound from the digits themselves
            max_row = max(max_row, rows)
        else:
            wide = _WIDE_REF.findall(scan)
            if wide:
                max_col = max(max_col, max(map(_col_number, set(wide))))
            tall = _TALL_REF.findall(scan)
            if tall:
                max_row = max(max_row, max(map(int, tall)))
        if max_row * max_col > MAX_SHEET_CELLS:
            break  # the exact scan decides
    return max_row * max_col


_ODS_TAG = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>"
)
_ODS_ROWS = re.compile(rb"number-rows-repeated\s*=\s*[\"'](\d+)")
_ODS_COLS = re.compile(rb"number-columns-repeated\s*=\s*[\"'](\d+)")
_ODS_NAME = re.compile(rb"(?:[\w.-]+:)?name\s*=\s*\"([^\"]*)\"")


def _check_ods_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Refuse an OpenDocument table whose repeated cells make the area too large.

    ``table:number-rows-repeated`` x ``table:number-columns-repeated`` on a cell
    with content expands an 800-byte file into 90 million cells, which makes
    calamine abort the process (its own cap is 100 million, above what 2 GB
    holds). Repeated *empty* cells (self-closing, no value type) are what
    LibreOffice writes up to the sheet's edge, and readers skip them: they
    only move the position. Streamed tag scan, hand-written because no
    library gives the extent without expanding it.
    """
    row = row_rep = col = max_row = max_col = 0
    table = ""

    def refuse() -> None:
        raise UnreadableFileError(
            f"{name}, sheet {table!r}: repeats cells up to {max_row:,} rows x {max_col:,} "
            "columns, too large to read. Delete the rows and columns you do not use below "
            "and to the right of your table, save, and try again."
        )

    for scan in _tag_chunks(zf, info, name):
        for m in _ODS_TAG.finditer(scan):
            closing, tag, attrs, empty = m.groups()
            if closing:
                if tag == b"table-row":
                    row += row_rep
                elif tag == b"table" and max_row * max_col > MAX_SHEET_CELLS:
                    refuse()
                continue
            if tag == b"table":
                if max_row * max_col > MAX_SHEET_CELLS:
                    refuse()
                found = _ODS_NAME.search(attrs)
                table = found.group(1).decode("utf-8", "replace") if found else ""
                row = max_row = max_col = 0
            elif tag == b"table-row":
                rep = _ODS_ROWS.search(attrs)
                row_rep, col = (int(rep.group(1)) if rep else 1), 0
                if empty:  # a self-closing row holds no cell
                    row += row_rep
            else:
                rep = _ODS_COLS.search(attrs)
                n = int(rep.group(1)) if rep else 1
                if not empty or b"value-type" in attrs:
                    max_col = max(max_col, col + n)
                    max_row = max(max_row, row + row_rep)
                    if max_row * max_col > MAX_SHEET_CELLS:
                        refuse()
                col += n


def _sheet_titles(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet title, from workbook.xml and its relationships.

    Parsed with defusedxml (the parts have passed the DOCTYPE check anyway).
    Also how sheets stored outside ``xl/worksheets/`` are found for the check;
    an unexpected layout loses only the titles (the parts in ``xl/worksheets/``
    are checked anyway, and a reader finds no sheet through broken relationships).
    """
    from defusedxml.ElementTree import fromstring

    try:
        wb = fromstring(zf.read("xl/workbook.xml"))
        rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # noqa: BLE001 - titles are a nicety for the message
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = posixpath.normpath(target)  # "xl/../x.xml" is "x.xml"
    titles = {}
    for el in wb.iter():
        if el.tag.endswith("}sheet"):
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            if rid in targets:
                titles[targets[rid]] = el.get("name", "")
    return titles


_COMMENT_OR_PI = re.compile(r"<!--.*?-->|<\?.*?\?>", re.DOTALL)
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT = re.compile(r"<[A-Za-z_:\u00c0-\uffff]")


def _decode_xml_head(buf: bytes) -> str | None:
    """Decode the start of an XML document enough to scan its markup.

    Hand-written (no library sniffs a prefix): BOM or the first ``<`` give the
    encoding (XML spec, appendix F); ASCII-compatible encodings are read as
    latin-1, which keeps every markup character.
    """
    if buf.startswith(b"\xef\xbb\xbf"):
        return buf[3:].decode("latin-1")
    for bom, enc in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if buf.startswith(bom):
            return buf[len(bom) :].decode(enc, errors="replace")
    for sig, enc in (
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00", "utf-16-le"),
        (b"\x00<", "utf-16-be"),
    ):
        if buf.startswith(sig):
            return buf.decode(enc, errors="replace")
    text = buf.decode("latin-1")
    if text.lstrip().startswith("<"):
        return text
    return None


def _xml_prolog_verdict(buf: bytes) -> str:
    """``"clean"``, ``"dtd"``, ``"open"`` (root not reached yet) or ``"not xml"``."""
    text = _decode_xml_head(buf)
    if text is None:
        return "not xml"
    # A DOCTYPE anywhere in what was read is refused: in XML it can only sit in
    # the prolog (a literal '<' is escaped in content), so this is never legit.
    if _DTD.search(text):
        return "dtd"
    stripped = _COMMENT_OR_PI.sub("", text)
    if "<!--" in stripped or "<?" in stripped:
        return "open"  # an unterminated comment / PI: the root is further on
    return "clean" if _ROOT.search(stripped) else "open"


# --- OLE2 compound files (legacy .xls, password-protected OOXML) ----------

_ENCRYPTION_STREAMS = frozenset({"encryptioninfo", "encryptedpackage"})
_ENDOFCHAIN = 0xFFFFFFFE


def _ole2_is_encrypted_ooxml(path: Path) -> bool:
    """Whether a compound file holds the EncryptionInfo/EncryptedPackage streams.

    Excel saves a password-protected .xlsx as an OLE2 compound file with these
    two streams ([MS-OFFCRYPTO] 2.3.4); a legacy .xls has a "Workbook" stream
    instead. Hand-written reader of the directory ([MS-CFB] 2.2, 2.6): olefile
    is not a dependency and only stream names are needed. Falls back to a raw
    search of the UTF-16 names if the structure cannot be followed.
    """
    data = path.read_bytes()  # size already bounded by MAX_FILE_BYTES
    try:
        names = _ole2_stream_names(data)
    except (struct.error, ValueError, IndexError):
        names = None
    if names is not None:
        return bool(_ENCRYPTION_STREAMS & {n.lower() for n in names})
    return any(s.encode("utf-16-le") in data for s in ("EncryptionInfo", "EncryptedPackage"))


def _ole2_stream_names(data: bytes) -> list[str]:
    """Names of the directory entries of an OLE2 compound file."""
    sector_shift = struct.unpack_from("<H", data, 0x1E)[0]
    if sector_shift not in (9, 12):
        raise ValueError("bad sector size")
    ssize = 1 << sector_shift
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    first_difat, n_difat = struct.unpack_from("<II", data, 0x44)
    n_sectors = len(data) // ssize  # upper bound, used to stop loops on cycles

    def sector(i: int) -> bytes:
        off = (i + 1) * ssize
        if i >= n_sectors or off + ssize > len(data):
            raise ValueError("sector out of range")
        return data[off : off + ssize]

    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _ENDOFCHAIN]
    s = first_difat
    for _ in range(min(n_difat, n_sectors)):
        if s >= _ENDOFCHAIN:
            break
        entries = struct.unpack(f"<{ssize // 4}I", sector(s))
        fat_sectors += [e for e in entries[:-1] if e < _ENDOFCHAIN]
        s = entries[-1]
    fat: list[int] = []
    for s in fat_sectors[:n_fat]:
        fat += struct.unpack(f"<{ssize // 4}I", sector(s))

    names: list[str] = []
    s, steps = first_dir, 0
    while s < _ENDOFCHAIN:
        steps += 1
        if steps > n_sectors:
            raise ValueError("cycle in directory chain")
        block = sector(s)
        for off in range(0, ssize, 128):
            entry = block[off : off + 128]
            length = struct.unpack_from("<H", entry, 64)[0]
            if entry[66] in (1, 2, 5) and 2 <= length <= 64:
                names.append(entry[: length - 2].decode("utf-16-le", errors="replace"))
        s = fat[s] if s < len(fat) else _ENDOFCHAIN
    return names


# --- text files (CSV, TSV) ------------------------------------------------


def _check_text(name: str, head: bytes) -> None:
    """Refuse binary data, known non-spreadsheet formats and markup files."""
    for magic, what in _OTHER_MAGICS:
        if head.startswith(magic):
            raise UnsupportedFormatError(
                f"{name}: is {what}, not a spreadsheet. Pass the tracker itself "
                "(.xlsx, .ods or .csv)."
            )
    if head.startswith(_UTF16_BOMS):
        return  # UTF-16 text is full of NUL bytes: fine
    if b"\x00" in head and not _looks_like_bomless_utf16(head):
        # BOM-less UTF-16 is let through: the text reader recognises it.
        raise UnreadableFileError(
            f"{name}: contains binary data (NUL bytes), so it is not a text/CSV file and not "
            f"a spreadsheet jobstats recognises. If it opens in a spreadsheet program, {_RESAVE}."
        )
    if b"\x00" in head:
        return  # BOM-less UTF-16: the markup check below assumes 8-bit text
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<"):
        what = "a web page (HTML)" if b"<html" in start[:2048] or start.startswith(
            b"<!doctype html"
        ) else "an XML document"
        raise UnsupportedFormatError(
            f"{name}: is {what}, not a CSV file (some tools export web pages or XML with a "
            f".xls or .csv name). Open it in Excel or LibreOffice and save it as .xlsx or CSV "
            "(UTF-8), then try again."
        )


def _looks_like_bomless_utf16(head: bytes) -> bool:
    """ASCII text in UTF-16 has a NUL in every other byte."""
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return even.count(0) > 0.9 * len(even) or odd.count(0) > 0.9 * len(odd)
