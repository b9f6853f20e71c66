"""Date columns: cell values -> datetime64, with the day/month order decided per column.

Parsing itself is dateutil's; the only hand-written part is the per-column
decision between M/D/Y and D/M/Y, which no library makes from a whole column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from dateutil import parser as du_parser

from jobstats.io.vocab import MONTHS, is_missing

#: Plausible Excel serials for a job search: 1950-01-01 .. 2100-01-01.
SERIAL_MIN, SERIAL_MAX = 18264, 73051
_YEAR_MIN, _YEAR_MAX = 1950, 2100
_ISO = re.compile(r"^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_TRIPLE = re.compile(r"^\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})(?!\d)")
_NUMBER = re.compile(r"^\s*\d+(\.\d+)?\s*$")
# Two defaults: a component missing from the text (e.g. the year of "8-Jul")
# takes a different value from each, which is how incomplete dates are caught.
_DEFAULT_A = dt.datetime(1901, 1, 1)
_DEFAULT_B = dt.datetime(1902, 2, 2)


@dataclass
class ParsedDates:
    """Result of parsing one column."""

    values: pd.Series  # datetime64[ns], NaT where missing or unparseable
    decision: str | None  # human line about the order / serial decision
    bad: list[tuple[int, str]] = field(default_factory=list)  # (position, raw) unparseable
    doubtful: list[tuple[int, str]] = field(default_factory=list)  # order contradicts column


def _from_serial(x: float, epoch: pd.Timestamp) -> pd.Timestamp | None:
    if not SERIAL_MIN <= x <= SERIAL_MAX:
        return _from_yyyymmdd(x)
    # Round to the second: Excel stores times as fractions of a day.
    return (epoch + pd.Timedelta(days=float(x))).round("s")


def _from_yyyymmdd(x: float) -> pd.Timestamp | None:
    """``20250301`` (a compact ISO date some exports write as a number), else None."""
    if not (x.is_integer() and _YEAR_MIN * 10000 + 101 <= x <= _YEAR_MAX * 10000 + 1231):
        return None
    y, md = divmod(int(x), 10000)
    try:
        return pd.Timestamp(dt.date(y, *divmod(md, 100)))
    except ValueError:
        return None


class _Months(du_parser.parserinfo):
    """dateutil's parser with the month names of every vocabulary table ("März",
    "juin", "diciembre"...) and the little words between day, month and year
    ("3 de marzo de 2025", "le 3 juin"). Text is compared accent-free."""

    MONTHS = [tuple(dict.fromkeys(
        [n for n in du_parser.parserinfo.MONTHS[m - 1]]
        + [w for w, k in MONTHS.items() if k == m and w.isalpha()])) for m in range(1, 13)]
    JUMP = du_parser.parserinfo.JUMP + ["de", "del", "du", "le", "el", "em", "il", "van",
                                        "der", "den", "am", "di", "do", "da", "des"]


_INFO = _Months()
_ACCENTED = re.compile(r"[^\x00-\x7f]")


def _fold(s: str) -> str:
    """Accents off ("févr." -> "fevr."), so month names match the folded table words."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


_PLAIN_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_text(s: str, dayfirst: bool, yearfirst: bool) -> pd.Timestamp | None:
    if _PLAIN_ISO.fullmatch(s):  # the common case, without dateutil's two parses
        try:
            ts = pd.Timestamp(s)
        except ValueError:
            return None
        return ts if _YEAR_MIN <= ts.year <= _YEAR_MAX else None
    if _ACCENTED.search(s):
        s = _fold(s)
    try:
        a = du_parser.parse(s, _INFO, dayfirst=dayfirst, yearfirst=yearfirst, default=_DEFAULT_A)
        b = du_parser.parse(s, _INFO, dayfirst=dayfirst, yearfirst=yearfirst, default=_DEFAULT_B)
    except (ValueError, OverflowError, TypeError):
        return None
    if a != b or not _YEAR_MIN <= a.year <= _YEAR_MAX:
        return None
    # Keep the wall-clock time the user wrote; drop the zone (no localisation).
    return pd.Timestamp(a.replace(tzinfo=None))


def parse_dates(
    values: list[object],
    *,
    header: str,
    epoch: pd.Timestamp,
    dayfirst: bool | None = None,
    file_order: dict[str, bool] | None = None,
    lang_dayfirst: bool | None = None,
    lang: str | None = None,
    coded: tuple[np.ndarray, list[object]] | None = None,
) -> ParsedDates:
    """Parse one column of cell values into timestamps.

    Parameters
    ----------
    values : list
        Cell values as read (datetime, date, number, str or None).
    header : str
        Column header, used in the decision text.
    epoch : Timestamp
        Day 0 of the workbook's date system for serial numbers.
    dayfirst : bool or None
        Force D/M (True) or M/D (False) for numeric dates; None decides from
        the values.
    file_order : dict, optional
        Separator -> D/M (True) or M/D (False) proved by the file's other date
        columns (see :func:`file_order`); used when this column alone is ambiguous.
    lang_dayfirst, lang : optional
        The usual order in the file's language (from its headers), used when
        neither the column nor the file decides.
    coded : (codes, distinct values), optional
        The column already factorised (codes -1 for missing cells), as
        :meth:`jobstats.io.grid.Grid.codes` has it: not factorised again.

    Each distinct value is parsed once (a column repeats its dates).
    """
    if coded is not None:
        codes, uniq = coded
    else:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        codes, uniq = pd.factorize(arr, use_na_sentinel=True)
    weights = np.bincount(codes[codes >= 0], minlength=len(uniq))
    u = _parse_distinct(list(uniq), weights, header=header, epoch=epoch, dayfirst=dayfirst,
                        file_order=file_order, lang_dayfirst=lang_dayfirst, lang=lang)
    stamps = np.append(u.values.to_numpy(), np.datetime64("NaT", "ns"))
    series = pd.Series(stamps[codes], dtype="datetime64[ns]")
    bad = _expand(u.bad, codes)
    doubtful = _expand(u.doubtful, codes)
    return ParsedDates(series, u.decision, bad, doubtful)


def _expand(pairs: list[tuple[int, str]], codes: np.ndarray) -> list[tuple[int, str]]:
    """(distinct-value position, raw) -> (row position, raw) for every row holding it."""
    if not pairs:
        return []
    raw_of = dict(pairs)
    idx = np.flatnonzero(np.isin(codes, list(raw_of)))
    return [(int(i), raw_of[int(codes[i])]) for i in idx]


def _parse_distinct(
    values: list[object], weights: np.ndarray, *, header: str, epoch: pd.Timestamp,
    dayfirst: bool | None, file_order: dict[str, bool] | None, lang_dayfirst: bool | None,
    lang: str | None,
) -> ParsedDates:
    """Parse distinct values; ``weights`` (occurrences) make the decision counts
    those of the whole column."""
    out: list[pd.Timestamp | None] = [None] * len(values)
    bad: list[tuple[int, str]] = []
    text: dict[int, str] = {}
    n_serial = n_compact = 0
    for i, v in enumerate(values):
        if is_missing(v):
            continue
        if isinstance(v, dt.datetime):
            out[i] = pd.Timestamp(v.replace(tzinfo=None))
            continue
        if isinstance(v, dt.date):
            out[i] = pd.Timestamp(v)
            continue
        if isinstance(v, (bool, dt.time, dt.timedelta)):
            bad.append((i, str(v)))
            continue
        # A number, stored as one or as text: an Excel serial or a YYYYMMDD date.
        if isinstance(v, (int, float, np.integer, np.floating)):
            x, raw = float(v), str(v)
        else:
            raw = str(v).strip()
            if not _NUMBER.match(raw):
                text[i] = raw
                continue
            x = float(raw)
        ts = _from_serial(x, epoch)
        if ts is None:
            bad.append((i, raw))
        else:
            out[i] = ts
            n_compact += int(weights[i]) * (x > SERIAL_MAX)
            n_serial += int(weights[i]) * (x <= SERIAL_MAX)

    # Per-column order decision from the numeric D?M?Y values, separately for
    # each separator ("01.03.2025" and "3/1/2025" may share a column).
    triples = {i: m for i, s in text.items() if (m := _TRIPLE.match(s))}
    order_by_sep: dict[str, bool] = {}
    lines: list[str] = []
    for sep in sorted({m.group(2) for m in triples.values()}):
        group = [(m, int(weights[i])) for i, m in triples.items() if m.group(2) == sep]
        dm, line = _decide(group, sep, header, dayfirst, (file_order or {}).get(sep),
                           lang_dayfirst, lang)
        order_by_sep[sep] = dm
        lines.append(line)
    default_dm = bool(dayfirst if dayfirst is not None else lang_dayfirst)

    doubtful: list[tuple[int, str]] = []
    for i, s in text.items():
        iso = bool(_ISO.match(s))
        m = triples.get(i)
        order_dm = order_by_sep[m.group(2)] if m is not None else default_dm
        ts = _parse_text(s, dayfirst=order_dm and not iso, yearfirst=iso)
        if ts is None:
            bad.append((i, s))
            continue
        out[i] = ts
        if m is not None:
            a, b = int(m.group(1)), int(m.group(3))
            if (order_dm and b > 12 >= a) or (not order_dm and a > 12 >= b):
                doubtful.append((i, s))

    if n_serial:
        system = "1904" if epoch.year == 1904 else "1900"
        lines.append(f"{header}: {n_serial} Excel serial numbers read as dates "
                     f"({system} date system)")
    if n_compact:
        lines.append(f"{header}: {n_compact} numbers read as YYYYMMDD dates")

    stamps = np.array([np.datetime64("NaT", "ns") if t is None else t.to_datetime64()
                       for t in out], dtype="datetime64[ns]")
    bad.sort()
    return ParsedDates(pd.Series(stamps, dtype="datetime64[ns]"), "; ".join(lines) or None,
                       bad, doubtful)


def file_order(columns: list[list[object]]) -> dict[str, bool]:
    """Day/month order proved by several date columns together, per separator.

    A separator is decided when some value of some column can only be D/M (or
    only M/D) and no value contradicts it.
    """
    counts: dict[str, list[int]] = {}
    for values in columns:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        for v in pd.unique(arr):  # presence is all that counts: distinct values suffice
            if isinstance(v, str) and (m := _TRIPLE.match(v)):
                a, b = int(m.group(1)), int(m.group(3))
                c = counts.setdefault(m.group(2), [0, 0])
                c[0] += a > 12 >= b
                c[1] += b > 12 >= a
    return {sep: dm > 0 for sep, (dm, md) in counts.items() if (dm > 0) != (md > 0)}


def _decide(group: list[tuple[re.Match[str], int]], sep: str, header: str,
            dayfirst: bool | None, from_file: bool | None = None,
            lang_dayfirst: bool | None = None, lang: str | None = None) -> tuple[bool, str]:
    """Decide D/M (True) or M/D (False) for numeric dates sharing one separator
    (each match weighted by how many cells hold it)."""
    first_gt12 = sum(w for m, w in group if int(m.group(1)) > 12 >= int(m.group(3)))
    second_gt12 = sum(w for m, w in group if int(m.group(3)) > 12 >= int(m.group(1)))
    total = sum(w for _, w in group)
    shown = {"/": "D/M/Y", ".": "D.M.Y", "-": "D-M-Y"}[sep]
    dm_name, md_name = shown, shown.replace("D", "_").replace("M", "D").replace("_", "M")
    if dayfirst is not None:
        return dayfirst, (f"{header}: {dm_name if dayfirst else md_name} as requested "
                          f"(dayfirst={dayfirst})")
    if first_gt12 and not second_gt12:
        return True, f"{header}: {dm_name} (day > 12 in first position in {first_gt12} values)"
    if second_gt12 and not first_gt12:
        return False, f"{header}: {md_name} (day > 12 seen in {second_gt12} values)"
    if first_gt12 and second_gt12:
        dm = first_gt12 > second_gt12
        return dm, (
            f"{header}: ambiguous: {second_gt12} values are only valid as {md_name} and "
            f"{first_gt12} only as {dm_name}; chose {dm_name if dm else md_name} (the majority); "
            "the others are flagged. Check this column, or pass dayfirst=True/False."
        )
    if from_file is not None:
        return from_file, (
            f"{header}: no value decides alone; {dm_name if from_file else md_name} as proved "
            "by the file's other date columns"
        )
    if lang_dayfirst is not None:
        dm = lang_dayfirst
        return dm, (
            f"{header}: ambiguous: all {total} values fit both M/D and D/M; chose "
            f"{dm_name if dm else md_name} (usual in trackers in {lang!r}) — pass "
            f"dayfirst={not dm} (CLI: {'--monthfirst' if dm else '--dayfirst'}) if that is wrong."
        )
    dm = sep != "/"
    return dm, (
        f"{header}: ambiguous: all {total} values fit both M/D and D/M; chose "
        f"{dm_name if dm else md_name} (usual for '{sep}' dates) — pass dayfirst={not dm} "
        "(CLI: --dayfirst / --monthfirst) if that is wrong."
    )
