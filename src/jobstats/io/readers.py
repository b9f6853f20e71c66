"""File formats -> raw grids of cell values (the only module that opens files).

Every reader returns a :class:`RawBook`: one :class:`RawSheet` per sheet, each a
list of rows of Python values exactly as stored (strings for text files;
``datetime``/``float``/``str`` for workbooks). Nothing here interprets headers
or dates; that is done on the grid so every format behaves the same.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import io
import itertools
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from jobstats.io.safety import scan_file
from jobstats.schema import UnreadableFileError, UnsupportedFormatError

#: Excel day 0 of each date system (serial -> date = epoch + serial days).
EPOCH_1900 = pd.Timestamp("1899-12-30")
EPOCH_1904 = pd.Timestamp("1904-01-01")


@dataclass
class RawSheet:
    """One sheet (or a whole text file) as a grid of cell values.

    ``rows`` is a list of rows, or (for big text files read column-wise by
    pandas) a :class:`RowView` over ``cols``, the same cells as one array
    per column: object arrays, or pyarrow-backed string arrays (pandas
    ``ArrowDtype``) for big text files.
    """

    name: str
    rows: Sequence[list[object]]
    hidden: bool = False
    cols: list[np.ndarray] | list[pd.api.extensions.ExtensionArray] | None = None

    def columns(self) -> list[np.ndarray] | list[pd.api.extensions.ExtensionArray]:
        """The cells column-wise (arrays of equal length), built once."""
        if self.cols is None and isinstance(self.rows, ArrayRows):
            self.cols = self.rows.columns()
        if self.cols is None:
            lengths = set(map(len, self.rows))
            width = max(lengths, default=0)
            arr = np.empty((len(self.rows), width), dtype=object)
            if len(lengths) == 1 and width:
                arr[:] = self.rows  # rectangular (a workbook's rows): one copy in C
            else:
                for i, r in enumerate(self.rows):
                    arr[i, :len(r)] = r
            self.cols = [arr[:, j] for j in range(width)]
        return self.cols


class ArrayRows(Sequence):
    """The rows of a workbook sheet kept as one 2-D object array (``array``, one row
    per sheet row); a row is read as a list of its cells.

    Rectangular sheets only (calamine gives every row the sheet's width). Holds
    the cells without a Python list per row: 100,000 lists are what Python's
    garbage collector walks again and again while they are alive.
    """

    def __init__(self, array: np.ndarray) -> None:
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    def columns(self) -> list[np.ndarray]:
        """The cells column-wise (views into :attr:`array`)."""
        return [self.array[:, j] for j in range(self.array.shape[1])]

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [r.tolist() for r in self.array[i]]
        return self.array[i].tolist()


def _as_array_rows(rows: list) -> Sequence[list[object]]:
    """``rows`` (lists or tuples of cells) as :class:`ArrayRows` when all are as
    long and hold a cell, else as a list of lists."""
    lengths = set(map(len, rows))
    if len(lengths) != 1 or not (width := lengths.pop()):
        return rows if not rows or type(rows[0]) is list else [list(r) for r in rows]
    cells = itertools.chain.from_iterable(rows)
    return ArrayRows(np.fromiter(cells, dtype=object, count=len(rows) * width)
                     .reshape(len(rows), width))


_END = object()  # (no cell is this object)


def _sheet_rows(sheet: object) -> Sequence[list[object]]:
    """A calamine sheet's rows from A1 on, every row as wide as the sheet
    (``to_python(skip_empty_area=False)``), as :class:`ArrayRows` when
    rectangular.

    A sheet whose used area starts at A1 is streamed (``iter_rows``) into one
    array: no list of 100,000 row lists is alive at once, so the rows are
    freed while still in the cache (~0.02 s less on 100,000 rows, and less
    memory). calamine's rows are those of one rectangle, all as wide; the
    count of cells is checked anyway, and any other shape is read whole.
    """
    start, end = sheet.start, sheet.end  # type: ignore[attr-defined]
    if start == (0, 0) and end is not None:
        n, width = end[0] + 1, end[1] + 1
        cells = itertools.chain.from_iterable(sheet.iter_rows())  # type: ignore[attr-defined]
        try:
            array = np.fromiter(cells, dtype=object, count=n * width)
        except ValueError:  # fewer cells than the rectangle holds
            array = None
        if array is not None and next(cells, _END) is _END:
            return ArrayRows(array.reshape(n, width))
    return _as_array_rows(sheet.to_python(skip_empty_area=False))  # type: ignore[attr-defined]


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (if it runs) for a block.

    While calamine builds one Python list per sheet row, the collector walks
    them again and again (~0.1 s on 100,000 rows, a seventh of the read); they
    hold only text, numbers and dates, so they cannot form cycles, and they are
    freed (by reference counting) once their cells are in one array.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class RowView(Sequence):
    """Rows of a column-wise sheet, built on access (only the first rows are
    looked at row by row: header detection)."""

    def __init__(self, cols: list[np.ndarray] | list[pd.api.extensions.ExtensionArray]
                 ) -> None:
        self._cols = cols
        self._n = len(cols[0]) if cols else 0

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        row = [c[i] for c in self._cols]
        end = len(row)
        while end and not (isinstance(row[end - 1], str) and row[end - 1].strip()):
            end -= 1
        return row[:end]


@dataclass
class RawBook:
    """All sheets of one file plus what the reader learnt about it."""

    path: Path
    kind: str  # "xlsx", "ods" or "text"
    sheets: list[RawSheet]
    epoch: pd.Timestamp = EPOCH_1900
    notes: list[str] = field(default_factory=list)
    delimiter: str | None = None  # a text file's cell separator


def read_book(path: Path) -> RawBook:
    """Read ``path`` into a :class:`RawBook`, choosing the reader by content (not name).

    Raises
    ------
    UnsupportedFormatError
        Legacy ``.xls`` (and other binary formats we do not read).
    UnreadableFileError
        Empty, corrupt or undecodable files.
    """
    # Refuses hostile/corrupt files and tells the container from the content, so
    # a workbook saved as .csv (or a CSV named .xlsx) is still read correctly.
    checked = scan_file(path)
    kind = checked.kind
    suffix = path.suffix.lower()
    if kind == "zip":
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                is_1904 = "xl/workbook.xml" in names and re.search(
                    rb'date1904="(1|true)"', zf.read("xl/workbook.xml")) is not None
        except zipfile.BadZipFile as exc:
            raise UnreadableFileError(
                f"{path.name}: looks like a damaged zip file. Open it in Excel or LibreOffice "
                "and save it again as .xlsx or CSV."
            ) from exc
        if "content.xml" in names:
            return _read_workbook(path, "ods")
        if any(n.startswith("xl/") for n in names):
            return _read_workbook(path, "xlsx", has_errors=checked.error_cells,
                                  is_1904=is_1904)
        raise UnsupportedFormatError(
            f"{path.name}: a zip archive that is not an Excel or OpenDocument workbook "
            "(e.g. an Apple Numbers file). Export your tracker as .xlsx or CSV."
        )
    if kind != "text":  # check_file refuses .xls itself; this guards any other kind
        raise UnsupportedFormatError(
            f"{path.name}: legacy Excel (.xls) and other binary formats are not supported. "
            "Open it in Excel or LibreOffice and save it as .xlsx or CSV, then load that file."
        )
    return _read_text(path, tab=suffix in {".tsv", ".tab"})


# --- workbooks --------------------------------------------------------------


def _read_workbook(path: Path, kind: str, *, has_errors: bool = False,
                   is_1904: bool = False) -> RawBook:
    """Read with python-calamine (5-10x faster than openpyxl, see
    scripts/bench_xlsx_readers.py), falling back to openpyxl for xlsx files with
    error cells (``has_errors``, found by the safety check's pass over the
    sheets): calamine turns ``#REF!`` into an empty string, which would hide
    them from the load report. ``is_1904``: the workbook's date system."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    notes: list[str] = []
    epoch = EPOCH_1900
    if kind == "xlsx":
        if is_1904:
            epoch = EPOCH_1904
            notes.append("workbook uses the 1904 date system; serial numbers converted accordingly")
        if has_errors:
            sheets = _read_openpyxl(path)
            return RawBook(path, kind, sheets, epoch, notes)
    try:
        wb = CalamineWorkbook.from_path(str(path))
        try:
            meta = {m.name: m for m in wb.sheets_metadata}
            sheets = []
            for name in wb.sheet_names:
                m = meta.get(name)
                if m is not None and m.typ != SheetTypeEnum.WorkSheet:
                    continue  # chart sheets / macro sheets hold no table
                hidden = m is not None and m.visible != SheetVisibleEnum.Visible
                with _gc_paused():
                    rows = _sheet_rows(wb.get_sheet_by_name(name))
                sheets.append(RawSheet(name, rows, hidden))
        finally:
            wb.close()
    except UnreadableFileError:
        raise
    except Exception as exc:  # calamine raises its own error types plus OSError/ValueError
        raise UnreadableFileError(
            f"{path.name}: cannot be read as a {kind} workbook ({type(exc).__name__}: {exc}). "
            "If it is password-protected, remove the password; otherwise open it in Excel "
            "or LibreOffice and save it again as .xlsx or CSV."
        ) from exc
    return RawBook(path, kind, sheets, epoch, notes)


def _read_openpyxl(path: Path) -> list[RawSheet]:
    import openpyxl

    try:
        with warnings.catch_warnings():
            # "Workbook contains no default style": harmless for reading values.
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, KeyError for missing parts, InvalidFileException
        raise UnreadableFileError(
            f"{path.name}: cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc}). "
            "Open it in Excel or LibreOffice and save it again as .xlsx or CSV."
        ) from exc
    try:
        sheets = []
        for ws in wb.worksheets:
            rows = [["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)]
            sheets.append(RawSheet(ws.title, rows, ws.sheet_state != "visible"))
        return sheets
    finally:
        wb.close()


# --- text files -------------------------------------------------------------


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes: BOM first (utf-8-sig, utf-16), then strict utf-8, then cp1252.

    Returns the text and the encoding used.
    """
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif len(data) > 1 and data[1:200:2].count(0) > len(data[1:200:2]) // 2:
        encodings = ["utf-16-le"]  # UTF-16 without BOM: every other byte is NUL
    elif len(data) > 1 and data[0:200:2].count(0) > len(data[0:200:2]) // 2:
        encodings = ["utf-16-be"]
    else:
        # cp1252 leaves 5 bytes undefined; latin-1 decodes anything.
        encodings = ["utf-8", "cp1252", "latin-1"]
    for enc in encodings:
        try:
            return data.decode(enc), enc
        except UnicodeError:
            continue
    raise UnreadableFileError(
        f"{name}: cannot decode the text (tried {', '.join(encodings)}). "
        "Save the file as CSV UTF-8 and load it again."
    )


def _first_lines(text: str, k: int) -> list[str]:
    """``text.splitlines()[:k]`` without splitting a whole large file."""
    size = 1 << 16
    while True:
        lines = text[:size].splitlines()
        if len(lines) > k or size >= len(text):
            return lines[:k]  # (a line cut by the prefix is never among the first k)
        size *= 4


def sniff_delimiter(text: str, prefer_tab: bool = False) -> str:
    """Pick ``,`` ``;`` or tab: the one splitting the first lines into the most
    columns, consistently. Hand-written because csv.Sniffer guesses from
    character frequencies and is easily fooled by commas inside text fields."""
    lines = [ln for ln in _first_lines(text, 50) if ln.strip()][:30]
    best, best_score = ("\t" if prefer_tab else ","), 0.0
    for delim in (["\t", ",", ";"] if prefer_tab else [",", ";", "\t"]):
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = mode * counts.count(mode) / len(counts)
        if score > best_score:
            best, best_score = delim, score
    return best


def _trim_trailing_empty(row: list[str]) -> list[str]:
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end] if end < len(row) else row


def _read_text(path: Path, tab: bool) -> RawBook:
    data = path.read_bytes()
    text, enc = decode_text(data, path.name)
    if not text or text.isspace():  # (as `not text.strip()`, without copying the text)
        raise UnreadableFileError(
            f"{path.name}: the file holds no data (only blank space). Export your tracker again."
        )
    delim = sniff_delimiter(text, prefer_tab=tab)
    shown = {"\t": "tab", ",": "comma", ";": "semicolon"}[delim]
    notes = [f"text file read as {enc}, {shown}-separated"]
    if len(text) > FAST_TEXT_BYTES:
        # UTF-8 bytes go to the C parser as they are (no re-encoding of the text).
        cols = _read_text_columns(data if enc in ("utf-8", "utf-8-sig") else text, delim, enc)
        if cols is not None:
            return RawBook(path, "text", [RawSheet(path.name, RowView(cols), cols=cols)],
                           EPOCH_1900, notes, delim)
    try:
        # Trailing empty cells are dropped as rows are read: a file of bare
        # delimiters would otherwise cost ~18 bytes of memory per byte on disk.
        rows = [_trim_trailing_empty(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]
    except csv.Error as exc:
        raise UnreadableFileError(
            f"{path.name}: cannot be parsed as delimited text ({exc}). "
            "Open it in a spreadsheet program and save it as CSV UTF-8."
        ) from exc
    return RawBook(path, "text", [RawSheet(path.name, rows)], EPOCH_1900, notes, delim)


#: Text files larger than this are parsed by pandas' C reader, column-wise.
FAST_TEXT_BYTES = 1_000_000


def _text_dtype() -> object:
    """pyarrow strings when pyarrow is installed (a dependency), else Python objects.

    With ``ArrowDtype(pa.string())`` the C parser writes the cells straight into
    Arrow buffers: no million Python strings, and the grid's factorize is
    pyarrow's dictionary encoding instead of hashing Python objects (on the
    1M-row benchmark file: about half the read time, a third to a half of the
    factorize time; pandas' ``str`` dtype, asked for explicitly, reads slower
    than objects here).
    """
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return object
    return pd.ArrowDtype(pa.string())


def _read_text_columns(text: str | bytes, delim: str, enc: str = "utf-8"
                       ) -> list[np.ndarray] | list[pd.api.extensions.ExtensionArray] | None:
    """Cells column-wise by pandas' C parser (the csv module plus one Python list
    per row is ~10x slower and 3x the memory on a million rows); None when the
    rows are ragged beyond the first lines: the caller then reads row by row.
    Every cell is text (nothing is read as missing): pyarrow strings, see
    :func:`_text_dtype`.

    Shorter rows at the top (a title line above the header) are read with the
    width of the widest of the first lines; their missing cells are None, as
    the row-by-row reader has them."""
    def read(names: list[int] | None, dtype: object = object) -> pd.DataFrame:
        buf = io.BytesIO(text) if isinstance(text, bytes) else io.StringIO(text)
        return pd.read_csv(buf, sep=delim, header=None, names=names, dtype=dtype,
                           encoding=enc if isinstance(text, bytes) else None,
                           keep_default_na=False, na_filter=False, skip_blank_lines=False,
                           engine="c", quotechar='"', doublequote=True)

    try:
        df = read(None, _text_dtype())
    except (pd.errors.ParserError, ValueError, csv.Error):
        head = text[:1 << 20].decode(enc, errors="replace") if isinstance(text, bytes) \
            else text
        try:
            width = max((len(r) for r in csv.reader(_first_lines(head, 50), delimiter=delim)),
                        default=0)
            df = read(list(range(width))) if width else None
        except (pd.errors.ParserError, ValueError, csv.Error):
            return None
        if df is None:
            return None
        cols = [df[c].to_numpy(dtype=object, copy=True) for c in df.columns]
        for c in cols:  # cells a short row lacks: None, as a row-by-row read gives
            c[pd.isna(c)] = None
        return cols
    return [df[c].array for c in df.columns]
