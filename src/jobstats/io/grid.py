"""A sheet cut at its header: column-wise values with Excel row numbers, plus the
collector of issues and report lines shared by the loader's steps."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jobstats.io.columns import unique_headers
from jobstats.io.readers import ArrayRows, RawSheet
from jobstats.io.vocab import EXCEL_ERRORS, is_missing, missing_mask


@dataclass
class Collector:
    """Accumulates issues and report lines while one file is processed.

    Issues are kept in the order they were added, as single rows or as blocks
    of many rows (:meth:`add_many`): a million-row file can doubt tens of
    thousands of rows, and one dict per row costs more than the rest of the load.
    """

    file: str
    notes: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    file_warnings: list[str] = field(default_factory=list)
    _blocks: list[tuple] = field(default_factory=list, repr=False)

    def add(self, sheet: str, row: int, column: str | None, severity: str, reason: str) -> None:
        self._blocks.append((sheet, int(row), column, severity, reason))

    def add_many(self, sheet: str, rows: np.ndarray, column: str | None, severity: str,
                 reasons: str | list[str]) -> None:
        """One issue per row of ``rows`` (Excel row numbers), with one reason for
        all or one per row."""
        if len(rows):
            self._blocks.append((sheet, np.asarray(rows, dtype=np.int64), column, severity,
                                 reasons))

    @property
    def issues(self) -> list[dict]:
        """Every issue as a dict (file, sheet, row, column, severity, reason)."""
        out = []
        for sheet, rows, column, severity, reasons in self._blocks:
            if isinstance(rows, int):
                rows, reasons = [rows], [reasons]
            elif isinstance(reasons, str):
                reasons = [reasons] * len(rows)
            out += [{"file": self.file, "sheet": sheet, "row": int(r), "column": column,
                     "severity": severity, "reason": why} for r, why in zip(rows, reasons)]
        return out

    def issues_frame(self) -> pd.DataFrame:
        """The issues as a table (columns :data:`jobstats.io.report.ISSUE_COLUMNS`,
        object values; the caller sets the dtypes), built column-wise."""
        sizes = [1 if isinstance(b[1], int) else len(b[1]) for b in self._blocks]
        n = sum(sizes)
        cols = {c: np.empty(n, dtype=object) for c in ("sheet", "column", "severity", "reason")}
        row = np.empty(n, dtype=np.int64)
        at = 0
        for (sheet, rows, column, severity, reasons), k in zip(self._blocks, sizes):
            sl = slice(at, at + k)
            row[sl] = rows
            cols["sheet"][sl] = sheet
            cols["column"][sl] = column
            cols["severity"][sl] = severity
            if isinstance(reasons, str) or k == 1:
                cols["reason"][sl] = reasons if isinstance(reasons, str) else reasons[0]
            else:
                cols["reason"][sl] = reasons
            at += k
        file = np.empty(n, dtype=object)
        file[:] = self.file
        return pd.DataFrame({"file": file, "sheet": cols["sheet"], "row": row,
                             "column": cols["column"], "severity": cols["severity"],
                             "reason": cols["reason"]})


class CodedColumn(Sequence):
    """A column's cells as codes into its distinct values (code -1: missing, read
    as None), looked at without building one Python reference per cell: the
    loader converts columns through their codes and only looks at a few cells
    one by one (a sample for yes/no and date checks, the rows it reports).
    ``np.asarray(col)`` gives the object array of cells.
    """

    def __init__(self, codes: np.ndarray, values: np.ndarray) -> None:
        self.codes = codes
        self._values = values  # distinct values, then None (code -1)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, (slice, np.ndarray, list)):
            return self._values[self.codes[i]]
        return self._values[self.codes[operator.index(i)]]

    def __iter__(self) -> Iterator[object]:
        step = 4096  # (chunks: a caller that stops early builds little)
        for k in range(0, len(self.codes), step):
            yield from self._values[self.codes[k:k + step]].tolist()

    def __array__(self, dtype: object = None, copy: bool | None = None) -> np.ndarray:
        out = self._values[self.codes]
        return out if dtype is None else out.astype(dtype)


@dataclass
class Grid:
    """A sheet below its header: unique headers, column-wise values, Excel row numbers."""

    sheet: str
    headers: list[str]
    cols: list[np.ndarray] | list[CodedColumn]
    rows: np.ndarray  # Excel row numbers (int64)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row i, col j) -> "#REF!"
    _codes: dict[int, tuple[np.ndarray, list[object]]] = field(default_factory=dict, repr=False)

    def codes(self, j: int) -> tuple[np.ndarray, list[object]]:
        """Codes of column ``j`` into its distinct values (-1: missing), computed once."""
        if j not in self._codes:
            self._codes[j] = codes_of(self.cols[j])
        return self._codes[j]


#: Hash-table size pandas starts from when coding a sheet's cells. By default it
#: sizes the table for every cell being distinct (800,000 slots for 100,000 rows
#: of 8 columns holding ~6,000 values), and probing a table that large misses
#: the CPU cache at every cell; a small one grows with the distinct values
#: (same codes; ~0.01 s less on 100,000 rows).
_DISTINCT_HINT = 1 << 12


def codes_of(values: object) -> tuple[np.ndarray, list[object]]:
    """Codes into the distinct values of a column (-1 for missing cells), and those values.

    Every converter works on the distinct values: a tracker repeats its
    statuses, sources and dates.
    """
    if isinstance(values, pd.api.extensions.ExtensionArray):
        # pyarrow strings (big text files): pyarrow's dictionary encoding, and
        # only the distinct values become Python strings
        codes, uniq_arr = pd.factorize(values, use_na_sentinel=True)
        uniq = uniq_arr.tolist()
    else:
        if isinstance(values, np.ndarray) and values.dtype == object:
            arr = values
        else:
            arr = np.empty(len(values), dtype=object)  # type: ignore[arg-type]
            arr[:] = values
        codes, uniq = pd.factorize(arr, use_na_sentinel=True,
                                   size_hint=min(len(arr), _DISTINCT_HINT))
        uniq = list(uniq)
    missing = missing_mask(uniq)
    if missing.any():
        # (one lookup: the table's last entry, -1, is where code -1 reads)
        remap = np.append(np.where(missing, -1, np.arange(len(uniq))), -1)
        codes = remap[codes]
    return codes, uniq


#: Cell types whose values equal no value of another type (a whole float is
#: checked apart), so one factorize over every column cannot merge two columns'
#: values (``1 == 1.0 == True`` would).
_UNMIXED_TYPES = frozenset({str, float, dt.date, dt.datetime, dt.time, dt.timedelta})


def _codes_of_rows(sheet: RawSheet, start: int) -> list[tuple[np.ndarray, list[object]]] | None:
    """:func:`codes_of` of each column of ``sheet.rows[start:]``, from one factorize.

    For a workbook's rows (rectangular lists of Python values, as calamine
    gives them): the cells go into one flat array without building the 2-D
    grid, and one hash table over all of them costs about half of a factorize
    per column (pandas checks each all-text column for strings, then hashes
    it again). Each column's codes are then renumbered into its own distinct
    values in the order they first appear, as :func:`codes_of` gives them.
    None (the caller builds the columns) for a column-wise sheet, ragged rows,
    or values of types that compare equal across types (``True == 1.0``).
    """
    rows = sheet.rows
    if sheet.cols is not None:
        return None
    if isinstance(rows, ArrayRows):  # (a workbook's sheet)
        n, width = max(len(rows) - start, 0), rows.array.shape[1]
        flat = rows.array[start:].reshape(-1)
    else:
        if not isinstance(rows, list) or not rows:
            return None
        lengths = set(map(len, rows))
        width = lengths.pop()
        if lengths or not width:  # ragged rows (a text file's) or none with a cell
            return None
        n = max(len(rows) - start, 0)
        flat = np.fromiter(itertools.chain.from_iterable(itertools.islice(rows, start, None)),
                           dtype=object, count=n * width)
    codes, uniq_arr = pd.factorize(flat, use_na_sentinel=True, size_hint=_DISTINCT_HINT)
    uniq = uniq_arr.tolist()
    if not set(map(type, uniq)) <= _UNMIXED_TYPES:
        return None
    # A whole float (1.0) may stand for cells of other types it equals (True, 1)
    # or for -0.0: the cells behind whole floats must all be floats, none -0.0.
    whole = [k for k, u in enumerate(uniq) if type(u) is float and u.is_integer()]
    if whole:
        suspect = np.zeros(len(uniq) + 1, dtype=bool)
        suspect[whole] = True
        cells = flat[suspect[codes]]
        if set(map(type, cells)) != {float} or np.signbit(cells.astype(float)).any():
            return None
    is_text = np.fromiter((type(u) is str for u in uniq), dtype=bool, count=len(uniq))
    missing = np.zeros(len(uniq) + 1, dtype=bool)  # the last slot: NA cells (code -1)
    missing[-1] = True
    text_at = np.flatnonzero(is_text)
    missing[text_at] = missing_mask([uniq[k] for k in text_at])
    other_at = np.flatnonzero(~is_text)
    missing[other_at] = [is_missing(uniq[k]) for k in other_at]
    codes = np.where(codes >= 0, codes, len(uniq)).reshape(n, width)
    out = []
    for j in range(width):
        c = codes[:, j]
        # the column's distinct global codes in order of appearance (integer hashing)
        seen = pd.unique(c)
        seen = seen[seen < len(uniq)]
        lut = np.full(len(uniq) + 1, -1, dtype=np.intp)
        lut[seen] = np.arange(len(seen))
        lut[missing] = -1
        out.append((lut[c], [uniq[k] for k in seen]))
    return out


def make_grid(sheet: RawSheet, header_idx: int, col: Collector) -> Grid:
    """Cut the sheet at its header, drop blank rows and trailing empty columns,
    turn Excel error values into missing (reported).

    Works column-wise on the distinct values of each column (a million rows of a
    few thousand distinct values each cost a factorize, not a million checks).
    """
    coded = _codes_of_rows(sheet, header_idx + 1)
    if coded is not None:  # a workbook's rectangular rows
        header_cells_all = list(sheet.rows[header_idx]) if header_idx < len(sheet.rows) \
            else [None] * len(coded)
    else:
        all_cols = sheet.columns()
        header_cells_all = [c[header_idx] if header_idx < len(c) else None for c in all_cols]
        coded = [codes_of(c[header_idx + 1:]) for c in all_cols]
    width = 0
    for j in range(len(coded) - 1, -1, -1):
        if not is_missing(header_cells_all[j]) or (coded[j][0] >= 0).any():
            width = j + 1
            break
    header_cells = header_cells_all[:width]
    headers, dup_notes = unique_headers(header_cells)
    for n in dup_notes:
        col.add(sheet.name, header_idx + 1, None, "warning", n)
    n_body = len(coded[0][0]) if coded else 0
    filled = np.zeros(n_body, dtype=bool)
    for codes, _ in coded[:width]:
        filled |= codes >= 0
    keep = np.flatnonzero(filled)  # blank rows are layout, not data
    every = len(keep) == n_body  # (no blank row: no copy of the codes)
    rownums = keep + header_idx + 2  # (int64)
    cols: list[CodedColumn] = []
    errors: dict[tuple[int, int], str] = {}
    grid_codes: dict[int, tuple[np.ndarray, list[object]]] = {}
    for j in range(width):
        codes, uniq = coded[j]
        if not every:
            codes = codes[keep]
        vals = np.empty(len(uniq) + 1, dtype=object)
        vals[:-1] = uniq
        vals[-1] = None
        for u_i, u in enumerate(uniq):
            if isinstance(u, str) and "#" in u:  # (every Excel error starts with "#")
                s = u.strip()
                if s.upper() in EXCEL_ERRORS:
                    vals[u_i] = None
                    for i in np.flatnonzero(codes == u_i):
                        col.add(sheet.name, rownums[i], headers[j], "warning",
                                f"Excel error value {s} treated as missing")
                        errors[(int(i), j)] = s
                    codes = np.where(codes == u_i, -1, codes)
        cols.append(CodedColumn(codes, vals))
        grid_codes[j] = (codes, uniq)
    g = Grid(sheet.name, headers, cols, rownums, errors)
    g._codes.update(grid_codes)
    return g


def text_value(v: object) -> object:
    """A cell as stripped text (``3.0`` -> ``"3"``), or ``pd.NA`` when missing."""
    if is_missing(v):
        return pd.NA
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()
