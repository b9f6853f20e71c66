"""Result tables as a formatted workbook (openpyxl), safe against formula injection.

Text from a user's spreadsheet (a company called ``=HYPERLINK(...)``) must not
become a live formula when the workbook or a CSV made from it is opened:
every text cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return, which some programs strip before evaluating) gets a leading
``'`` (the OWASP "CSV injection" advice). Numbers are written as numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PERCENT = re.compile(r"^(estimate|ci_low|ci_high|rate|difference|diff_ci_low|diff_ci_high"
                      r"|response_rate|rate_.*)$")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# control characters openpyxl refuses to write (XML 1.0 forbids them)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell: formula-like text gets a leading ``'``.

    Examples
    --------
    >>> neutralise("=1+1"), neutralise("-3 days"), neutralise("ACME"), neutralise(-3)
    ("'=1+1", "'-3 days", 'ACME', -3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    """A pandas value as an openpyxl cell value (missing -> empty)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(value)
        if ts.tzinfo is not None:
            ts = ts.tz_localize(None)
        return ts.to_pydatetime()
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, (list, tuple, set, dict)):
        value = ", ".join(map(str, value)) if not isinstance(value, dict) else str(value)
    if not isinstance(value, (int, str)):
        value = str(value)
    if isinstance(value, str):
        value = _ILLEGAL.sub(" ", value)
    return neutralise(value)


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, no ``[]:*?/\\``)."""
    base = _BAD_SHEET_CHARS.sub(" ", name).strip("' ")[:31] or "Sheet"
    title, i = base, 2
    while title.lower() in taken:
        suffix = f" ({i})"
        title, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(title.lower())
    return title


def write_workbook(path: str | Path, tables: Mapping[str, pd.DataFrame],
                   notes: Mapping[str, list[str]] | None = None) -> Path:
    """Write one formatted sheet per table: bold header, frozen, filters, widths, formats.

    Parameters
    ----------
    path : path-like
        The .xlsx to write (callers write to a temporary name, then rename).
    tables : mapping
        Sheet name -> table, in sheet order.
    notes : mapping, optional
        Sheet name -> lines shown above the table (e.g. what a table assumes).
    """
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F5FA8")
    for name, table in tables.items():
        ws = wb.create_sheet(sheet_title(name, taken))
        top = 1
        for line in (notes or {}).get(name, []):
            ws.cell(row=top, column=1, value=_cell(line)).font = Font(italic=True)
            top += 1
        if top > 1:
            top += 1  # a blank row between the notes and the table
        frame = table.reset_index(drop=True)
        columns = [str(c) for c in frame.columns]
        for j, col in enumerate(columns, start=1):
            c = ws.cell(row=top, column=j, value=_cell(col))
            c.font, c.fill = head_font, head_fill
            c.alignment = Alignment(vertical="top", wrap_text=True)
        for i, rec in enumerate(frame.itertuples(index=False), start=top + 1):
            for j, value in enumerate(rec, start=1):
                ws.cell(row=i, column=j, value=_cell(value))
        for j, col in enumerate(columns, start=1):
            letter = get_column_letter(j)
            series = frame.iloc[:, j - 1]
            if _PERCENT.match(col) and pd.api.types.is_numeric_dtype(series):
                fmt = "0.0%"
            elif pd.api.types.is_datetime64_any_dtype(series):
                fmt = "yyyy-mm-dd" if (series.dropna() == series.dropna().dt.normalize()).all() \
                    else "yyyy-mm-dd hh:mm"
            else:
                fmt = None
            if fmt:
                for cell in ws[letter][top:]:
                    cell.number_format = fmt
            longest = max([len(col), *(len(str(v)) for v in series.head(200).tolist())])
            ws.column_dimensions[letter].width = min(max(10, longest + 2), 60)
        ws.freeze_panes = ws.cell(row=top + 1, column=1)
        if len(frame) and columns:
            ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{top + len(frame)}"
    if not wb.sheetnames:
        wb.create_sheet("Empty")
    wb.save(path)
    return Path(path)
