"""A sheet cut at its header: column-wise values with Excel row numbers, plus the
collector of issues and report lines shared by the loader's steps."""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jobstats.io.columns import unique_headers
from jobstats.io.readers import RawSheet
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
        codes, uniq = pd.factorize(arr, use_na_sentinel=True)
        uniq = list(uniq)
    missing = missing_mask(uniq)
    if missing.any():
        # (one lookup: the table's last entry, -1, is where code -1 reads)
        remap = np.append(np.where(missing, -1, np.arange(len(uniq))), -1)
        codes = remap[codes]
    return codes, uniq


def make_grid(sheet: RawSheet, header_idx: int, col: Collector) -> Grid:
    """Cut the sheet at its header, drop blank rows and trailing empty columns,
    turn Excel error values into missing (reported).

    Works column-wise on the distinct values of each column (a million rows of a
    few thousand distinct values each cost a factorize, not a million checks).
    """
    all_cols = sheet.columns()
    header_cells_all = [c[header_idx] if header_idx < len(c) else None for c in all_cols]
    body = [c[header_idx + 1:] for c in all_cols]
    coded = [codes_of(b) for b in body]
    width = 0
    for j in range(len(all_cols) - 1, -1, -1):
        if not is_missing(header_cells_all[j]) or (coded[j][0] >= 0).any():
            width = j + 1
            break
    header_cells = header_cells_all[:width]
    headers, dup_notes = unique_headers(header_cells)
    for n in dup_notes:
        col.add(sheet.name, header_idx + 1, None, "warning", n)
    n_body = len(body[0]) if body else 0
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
