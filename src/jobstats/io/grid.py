"""A sheet cut at its header: column-wise values with Excel row numbers, plus the
collector of issues and report lines shared by the loader's steps."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from jobstats.io.columns import is_blank_row, unique_headers
from jobstats.io.readers import RawSheet
from jobstats.io.vocab import EXCEL_ERRORS, is_missing


@dataclass
class Collector:
    """Accumulates issues and report lines while one file is processed."""

    file: str
    issues: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    file_warnings: list[str] = field(default_factory=list)

    def add(self, sheet: str, row: int, column: str | None, severity: str, reason: str) -> None:
        self.issues.append({"file": self.file, "sheet": sheet, "row": int(row),
                            "column": column, "severity": severity, "reason": reason})


@dataclass
class Grid:
    """A sheet below its header: unique headers, column-wise values, Excel row numbers."""

    sheet: str
    headers: list[str]
    cols: list[list[object]]
    rows: list[int]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row i, col j) -> "#REF!"


def make_grid(sheet: RawSheet, header_idx: int, col: Collector) -> Grid:
    """Cut the sheet at its header, drop blank rows and trailing empty columns,
    turn Excel error values into missing (reported)."""
    raw = sheet.rows
    body = raw[header_idx + 1:]
    width = 0
    for r in [raw[header_idx], *body]:
        for j in range(len(r) - 1, -1, -1):
            if not is_missing(r[j]):
                width = max(width, j + 1)
                break
    header_cells = (list(raw[header_idx]) + [None] * width)[:width]
    headers, dup_notes = unique_headers(header_cells)
    for n in dup_notes:
        col.add(sheet.name, header_idx + 1, None, "warning", n)
    records, rownums = [], []
    for k, r in enumerate(body):
        r = (list(r) + [None] * width)[:width]
        if is_blank_row(r):
            continue  # blank rows are layout, not data
        records.append(r)
        rownums.append(header_idx + k + 2)
    cols = [[rec[j] for rec in records] for j in range(width)]
    errors: dict[tuple[int, int], str] = {}
    for j, values in enumerate(cols):
        for i, v in enumerate(values):
            if isinstance(v, str):
                s = v.strip()
                if s.upper() in EXCEL_ERRORS:
                    col.add(sheet.name, rownums[i], headers[j], "warning",
                            f"Excel error value {s} treated as missing")
                    values[i] = None
                    errors[(i, j)] = s
                elif not s:
                    values[i] = None
    return Grid(sheet.name, headers, cols, rownums, errors)


def text_value(v: object) -> object:
    """A cell as stripped text (``3.0`` -> ``"3"``), or ``pd.NA`` when missing."""
    if is_missing(v):
        return pd.NA
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()
