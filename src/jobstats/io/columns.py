"""Header row, sheet choice and header -> field mapping.

Works on raw grids (lists of rows) so CSV and workbook files behave alike.
"""

from __future__ import annotations

from collections import Counter

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jobstats.io.dates import parse_dates
from jobstats.io.readers import EPOCH_1900, ArrayRows, RawBook, RawSheet
from jobstats.io.safety import column_letters
from jobstats.io.fields import DATE_FIELDS
from jobstats.io.vocab import (
    DATE_PATTERNS,
    FOLLOW_UP_CHANNEL_RE,
    FOLLOW_UP_RE,
    GENERIC_CHANNEL,
    HEADER_WORDS,
    SIGNATURES,
    WEAK_WORDS,
    is_missing,
    missing_mask,
    norm,
    yes_no,
)
from jobstats.schema import FIELDS, HeaderNotFoundError, InputError

MAX_HEADER_SCAN = 30


#: Headers naming the current status itself (preferred over "Stage", "Outcome"...).
_PLAIN_STATUS = {"status", "applicationstatus", "currentstatus"}
#: What a yes/no column under a date header says.
_FLAG_MEANING = {"applied_on": "applied or not ('no' rows are not applications)",
                 "first_reply_on": "got a reply (yes -> replied)",
                 "interview_on": "interviewed (yes -> interview stage)",
                 "offer_on": "got an offer (yes -> offer stage)",
                 "rejected_on": "rejected (yes -> replied)"}


def classify(header: object) -> tuple[str | None, float]:
    """Field a header names and how sure we are (1 strong, 0.5 weak, 0 none)."""
    fld, w, _ = classify_how(header)
    return fld, w


def classify_how(header: object) -> tuple[str | None, float, str]:
    """Field a header names, how sure we are (1 strong, 0.5 weak, 0 none) and how
    it was matched: "exact" (a table word), "pattern" (a header pattern in code),
    "weak" (a vague table word, used when nothing clearer claims the field)."""
    if is_missing(header) or not isinstance(header, str):
        return None, 0.0, ""
    n = norm(header)
    if not n:
        return None, 0.0, ""
    if n in HEADER_WORDS:
        return HEADER_WORDS[n], 1.0, "exact"
    if FOLLOW_UP_RE.match(n):
        return "follow_up_on", 1.0, "pattern"
    for pat, fld in DATE_PATTERNS:
        if pat.match(n):
            return fld, 1.0, "pattern"
    if FOLLOW_UP_CHANNEL_RE.match(n):
        return "follow_up_channel", 0.5, "pattern"
    if n in WEAK_WORDS:
        return WEAK_WORDS[n], 0.5, "weak"
    return None, 0.0, ""


def is_blank_row(row: list[object]) -> bool:
    """True when every cell is empty, whitespace or a missing-value placeholder."""
    return all(is_missing(v) for v in row)  # is_missing covers whitespace-only text


def count_filled_rows(sheet: RawSheet, start: int) -> int:
    """Number of non-blank rows from row index ``start`` on (column-wise for big sheets)."""
    if isinstance(sheet.rows, ArrayRows):  # a workbook's sheet: its array's columns
        cols = sheet.rows.columns()  # (not sheet.columns(): the grid codes the array whole)
    elif sheet.cols is None:
        return sum(not is_blank_row(r) for r in sheet.rows[start:])
    else:
        cols = sheet.cols
    filled = np.zeros(max(len(sheet.rows) - start, 0), dtype=bool)
    for c in cols:
        codes, uniq = pd.factorize(c[start:], use_na_sentinel=True)
        present = np.append(~missing_mask(list(uniq)), False)
        filled |= present[codes]
    return int(filled.sum())


def _cell_text(v: object) -> str:
    return "" if v is None else str(v).strip()


def _header_list(spec: object) -> list[object]:
    """The header(s) a ``columns=`` entry names, as a list (only follow-ups take several)."""
    return list(spec) if isinstance(spec, (list, tuple)) else [spec]


def _override_keys(columns: dict[str, object] | None) -> set[str]:
    return {_loose(str(h)) for v in (columns or {}).values() for h in _header_list(v)}


def _loose(text: str) -> str:
    """Case- and space-insensitive form used to match ``columns=`` headers."""
    return re.sub(r"\s+", " ", text.strip()).casefold()


def find_header(sheet: RawSheet, columns: dict[str, object] | None = None) -> tuple[int, float]:
    """Index of the header row among the first non-blank rows, and its score.

    The header is the row mapping the most cells to known fields (title rows
    above it score nothing); a row naming an applied date gets a bonus.
    """
    keys = _override_keys(columns)
    best_idx, best_score, seen = -1, 0.0, 0
    for idx, row in enumerate(sheet.rows):
        if is_blank_row(row):
            continue
        seen += 1
        if seen > MAX_HEADER_SCAN:
            break
        score, fields = 0.0, set()
        for cell in row:
            if isinstance(cell, str) and keys and _loose(cell) in keys:
                score += 1
                continue
            fld, w = classify(cell)
            if fld and (fld not in fields or fld == "follow_up_on"):
                score += w
                fields.add(fld)
        if "applied_on" in fields:
            score += 0.5
        if score > best_score:
            best_idx, best_score = idx, score
    return best_idx, best_score


def unique_headers(cells: list[object]) -> tuple[list[str], list[str]]:
    """Header texts made unique ("Notes", "Notes.1"); empty ones named by column letter.

    Returns the names and a list of human notes about renamed duplicates.
    """
    names: list[str] = []
    notes: list[str] = []
    seen: dict[str, int] = {}
    for j, c in enumerate(cells):
        base = _cell_text(c) or f"Column {column_letter(j)}"
        if isinstance(c, float) and c.is_integer():
            base = str(int(c))
        name = base
        if base.casefold() in seen:
            k = seen[base.casefold()]
            name = f"{base}.{k}"
            while name.casefold() in seen:
                k += 1
                name = f"{base}.{k}"
            seen[base.casefold()] = k + 1
            notes.append(f"duplicate header {base!r} in column {column_letter(j)} renamed {name!r}")
        seen.setdefault(name.casefold(), 1)
        names.append(name)
    return names, notes


def column_letter(j: int) -> str:
    """Excel column letter of 0-based index ``j`` (0 -> A, 26 -> AA)."""
    return column_letters(j + 1)


def detect_format(headers: list[str]) -> str:
    """Name of the export format whose signature headers are present, else "generic"."""
    present = {norm(h) for h in headers}
    best, best_hits = "generic", 0
    for name, sig, need in SIGNATURES:
        hits = len(sig & present)
        if hits >= need and hits / len(sig) > best_hits:
            best, best_hits = name, hits / len(sig)
    return best


@dataclass
class ColumnMap:
    """Which column (index into the header) holds which field."""

    fields: dict[str, int] = field(default_factory=dict)
    follow_up: list[int] = field(default_factory=list)  # dated follow-up columns
    follow_up_flags: list[int] = field(default_factory=list)  # yes/no follow-up columns
    follow_up_plans: list[int] = field(default_factory=list)  # reminders, not sent follow-ups
    channel_of: dict[int, int] = field(default_factory=dict)  # follow-up col -> channel col
    referral_flag: int | None = None
    #: A second status-like column ("Stage" beside "Status"): read for the
    #: furthest stage only, and kept as an extra column.
    second_status: int | None = None
    #: Yes/no columns under a date header ("Applied?", "Heard back", "Interviewed?"):
    #: column -> the date field it names. Kept as extra columns too.
    date_flags: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Non-exact header readings for the report: (column, header, field, how).
    matches: list[tuple[int, str, str, str]] = field(default_factory=list)
    #: Yes/no columns under date headers that are not read (kept as extras; noted).
    unread_flags: list[int] = field(default_factory=list)

    def flag_columns(self) -> set[int]:
        """Columns already explained in the report as yes/no flags."""
        return set(self.date_flags) | set(self.unread_flags)

    def used(self) -> set[int]:
        cols = set(self.fields.values()) | set(self.follow_up) | set(self.follow_up_flags)
        cols |= set(self.follow_up_plans) | set(self.channel_of.values())
        if self.referral_flag is not None:
            cols.add(self.referral_flag)
        return cols


def mostly_yes_no(values: list[object]) -> bool:
    """True when >= 80% of the first 500 non-missing values are yes/no words
    (a sample is enough to tell a flag column from a date column)."""
    present = []
    for v in values:
        if not is_missing(v):
            present.append(v)
            if len(present) == 500:
                break
    if not present:
        return False
    try:  # each distinct value read once (a column repeats its few words);
        # keyed with its type: True == 1 == 1.0 would otherwise merge
        counts = Counter((type(v), v) for v in present)
    except TypeError:  # an unhashable cell value
        return sum(yes_no(v) is not None for v in present) >= 0.8 * len(present)
    return sum(c for (_, v), c in counts.items() if yes_no(v) is not None) >= 0.8 * len(present)


def mostly_dates(values: list[object]) -> bool:
    """True when >= 80% of the first 200 non-missing values read as dates."""
    present = []
    for v in values:  # the first 200 present values are enough to tell
        if not is_missing(v):
            present.append(v)
            if len(present) == 200:
                break
    if not present:
        return False
    got = parse_dates(present, header="", epoch=EPOCH_1900).values.notna().sum()
    return got >= 0.8 * len(present)


def map_columns(
    headers: list[str],
    values: list[list[object]],
    *,
    columns: dict[str, object] | None,
    fmt: str,
    where: str,
) -> ColumnMap:
    """Map headers to fields.

    Parameters
    ----------
    headers : list of str
        Unique header names.
    values : list of list
        Column-wise cell values (``values[j]`` is column ``j``), to tell yes/no
        columns from date columns.
    columns : dict, optional
        User overrides, field -> header (``follow_up_on`` may be a list).
    fmt : str
        Detected export format (changes a few rules, e.g. Teal reminders).
    where : str
        File (and sheet) name for error messages.
    """
    cm = ColumnMap()
    taken: set[int] = set()
    loose = {_loose(h): j for j, h in reversed(list(enumerate(headers)))}

    # 1. explicit overrides win.
    for fld, spec in (columns or {}).items():
        if fld not in FIELDS:
            raise InputError(
                f"columns=: unknown field {fld!r}. Valid fields: {', '.join(FIELDS)}."
            )
        specs = _header_list(spec)
        if len(specs) > 1 and fld != "follow_up_on":
            raise InputError(f"columns=: only follow_up_on may name several headers, not {fld!r}.")
        for h in specs:
            j = loose.get(_loose(str(h)))
            if j is None:
                j = next((k for k, x in enumerate(headers) if norm(x) == norm(h)), None)
            if j is None:
                raise InputError(
                    f"{where}: columns={{{fld!r}: {h!r}}}: no such header. The headers are: "
                    + ", ".join(repr(x) for x in headers)
                )
            taken.add(j)
            if fld == "follow_up_on":
                (cm.follow_up_flags if mostly_yes_no(values[j]) else cm.follow_up).append(j)
            elif fld in DATE_FIELDS and mostly_yes_no(values[j]):
                _flag_column(cm, j, headers[j], fld)
            else:
                cm.fields[fld] = j
    overridden = set((columns or {}).keys())

    # 2. strong then weak synonyms, first header wins ("Status" before "Stage").
    weak_candidates: dict[str, int] = {}
    status_cands: list[int] = []
    generic_channel: list[int] = []
    # A "Channel"/"via" header names the source only when no plainer source header
    # exists; otherwise it is the follow-up channel: look at those last.
    order = sorted(range(len(headers)), key=lambda k: (norm(headers[k]) in GENERIC_CHANNEL, k))
    for j in order:
        h = headers[j]
        if j in taken:
            continue
        fld, w, how = classify_how(h)
        n = norm(h)
        if fld is None:
            continue
        if fld == "follow_up_on":
            if "follow_up_on" in overridden:
                continue
            taken.add(j)
            if how != "exact":
                cm.matches.append((j, h, fld, how))
            if fmt == "teal" and n == "followupat":
                cm.follow_up_plans.append(j)
            elif mostly_yes_no(values[j]):
                cm.follow_up_flags.append(j)
            else:
                cm.follow_up.append(j)
            continue
        if fld == "follow_up_channel":
            continue  # paired below
        if fld == "source" and w < 1.0 and mostly_yes_no(values[j]):
            if cm.referral_flag is None:  # "Referral?" yes/no: a flag, not a source name
                cm.referral_flag = j
                taken.add(j)
            continue
        if fld in DATE_FIELDS and mostly_yes_no(values[j]):
            _flag_column(cm, j, h, fld)
            continue
        if fld == "status" and w == 1.0 and fld not in overridden:
            status_cands.append(j)
            continue
        if fld in overridden or fld in cm.fields:
            if w == 1.0 and fld in cm.fields:
                cm.notes.append(
                    f"{h!r} also looks like {fld} (already taken by "
                    f"{headers[cm.fields[fld]]!r}); kept as an extra column"
                )
            if fld == "source" and n in GENERIC_CHANNEL:
                generic_channel.append(j)
            continue
        if w < 1.0:
            weak_candidates.setdefault(fld, j)
            continue
        cm.fields[fld] = j
        taken.add(j)
        if how != "exact":
            cm.matches.append((j, h, fld, how))
    # "Response" / "Outcome" holding dates is the reply date, not a status.
    for k in list(status_cands):
        if norm(headers[k]) not in _PLAIN_STATUS and "first_reply_on" not in cm.fields \
                and "first_reply_on" not in overridden and mostly_dates(values[k]):
            status_cands.remove(k)
            cm.fields["first_reply_on"] = k
            taken.add(k)
            cm.matches.append((k, headers[k], "first_reply_on", "holds dates"))
            cm.notes.append(f"{headers[k]!r} holds dates, not statuses: read as the date of "
                            "the first reply")
    if status_cands:
        # A plain "Status" is the current status; "Stage" / "Outcome" / "listName"
        # beside it is a second opinion read only for the furthest stage.
        status_cands.sort(key=lambda k: (norm(headers[k]) not in _PLAIN_STATUS, k))
        cm.fields["status"] = status_cands[0]
        taken.add(status_cands[0])
        if len(status_cands) > 1:
            cm.second_status = status_cands[1]
            cm.notes.append(
                f"{headers[status_cands[1]]!r} also looks like a status (the status is "
                f"{headers[status_cands[0]]!r}): read for the furthest stage reached "
                "(the further of the two counts) and kept as an extra column"
            )
            for k in status_cands[2:]:
                cm.notes.append(f"{headers[k]!r} also looks like status; kept as an extra column")
    for fld, j in weak_candidates.items():
        if fld not in cm.fields and fld not in overridden:
            cm.fields[fld] = j
            taken.add(j)
            cm.matches.append((j, headers[j], fld, "weak"))
            if fld == "applied_on":
                if fmt == "huntr":
                    cm.notes.append(
                        f"Huntr exports no applied date: {headers[j]!r} (when the card was "
                        "created) is used as the applied date"
                    )
                else:
                    cm.notes.append(f"{headers[j]!r} is used as the applied date (no clearer "
                                    "applied-date column found)")

    # 3. follow-up channels: "Follow-up N channel" pairs with the N-th follow-up;
    # a lone "Channel"/"via" column (when another column is the source) serves all.
    nums = {j: re.findall(r"\d+", norm(headers[j])) for j in cm.follow_up + cm.follow_up_flags}
    for j, h in enumerate(headers):
        if j in taken:
            continue
        m = FOLLOW_UP_CHANNEL_RE.match(norm(h))
        if not m:
            continue
        num = m.group(1) or m.group(3)
        targets = [k for k, d in nums.items() if (d[:1] == [num] if num else True)]
        for k in targets:
            cm.channel_of.setdefault(k, j)
        taken.add(j)
    if generic_channel and (cm.follow_up or cm.follow_up_flags):
        for k in cm.follow_up + cm.follow_up_flags:
            cm.channel_of.setdefault(k, generic_channel[0])

    if cm.follow_up_plans:
        cm.notes.append(
            "Teal's follow_up_at is a reminder date, not a record of a sent follow-up: it is "
            "not counted as a follow-up (kept as an extra column)"
        )
    return cm


def _flag_column(cm: ColumnMap, j: int, header: str, fld: str) -> None:
    """A yes/no column under a date field: read as a flag where its meaning is
    known (replied, interviewed...), else kept as an extra column; said either way."""
    if fld in _FLAG_MEANING and fld not in cm.date_flags.values():
        cm.date_flags[j] = fld
        cm.notes.append(f"{header!r} holds yes/no values, not dates: read as "
                        f"{_FLAG_MEANING[fld]} (kept as an extra column too)")
    else:
        cm.unread_flags.append(j)
        cm.notes.append(f"{header!r} holds yes/no values, not dates; kept as an extra column")


def pick_sheet(
    book: RawBook, sheet: str | None, columns: dict[str, object] | None
) -> tuple[RawSheet, int, list[str]]:
    """Choose the applications sheet and its header row.

    Returns the sheet, the header row index and notes for the report.
    """
    names = [s.name for s in book.sheets]
    where = book.path.name
    if sheet is not None and book.kind != "text":
        chosen = next((s for s in book.sheets if s.name == sheet), None)
        if chosen is None:
            chosen = next((s for s in book.sheets if _loose(s.name) == _loose(sheet)), None)
        if chosen is None:
            raise InputError(
                f"{where}: no sheet named {sheet!r}. Sheets in this file: "
                + ", ".join(repr(n) for n in names)
            )
        idx, score = find_header(chosen, columns)
        if idx < 0 or score < 1:
            raise HeaderNotFoundError(_no_header_msg(where, chosen, columns))
        return chosen, idx, []
    ranked = []
    early: list[str] = []
    if sheet is not None:
        early.append(f"sheet={sheet!r} ignored: a text file has no sheets")
    for s in book.sheets:
        idx, score = find_header(s, columns)
        if idx < 0:
            continue
        kinds = [classify(c) for c in s.rows[idx]]
        given = bool(columns and "applied_on" in columns)
        has_applied = given or any(f == "applied_on" for f, _ in kinds)
        # A clear applied-date header ("Date applied", not a bare "Date") and a
        # name that is not "Follow-ups" beat a higher header score: a follow-ups
        # sheet "Company | Job title | Date | Channel" scores as high as the tracker.
        strong = given or ("applied_on", 1.0) in kinds
        # (Row counts only rank several sheets: a single sheet skips the count.)
        n_rows = count_filled_rows(s, idx + 1) if len(book.sheets) > 1 else 1
        ranked.append(((has_applied, strong, "follow" not in norm(s.name), not s.hidden,
                        score >= 2, score, n_rows), s, idx))
    if not ranked or max(r[0] for r in ranked)[5] < 1.5:
        if len(book.sheets) == 1:
            raise HeaderNotFoundError(_no_header_msg(where, book.sheets[0], columns))
        raise HeaderNotFoundError(
            f"{where}: no sheet has a header row of a job-application table (looked for "
            "headers such as 'Company', 'Date applied', 'Status' in the first "
            f"{MAX_HEADER_SCAN} rows of sheets {', '.join(repr(n) for n in names)}). "
            "Pass sheet=... and columns={'applied_on': 'YOUR HEADER', ...} "
            "(CLI: --sheet NAME --column applied_on=HEADER)."
        )
    ranked.sort(key=lambda r: r[0], reverse=True)
    _, chosen, idx = ranked[0]
    notes = early
    # Sheets that hold applications too (a sheet per month or per year) are
    # not loaded: say so loudly, with their row counts, rather than lose them.
    # (A strong applied-date header: "Date" alone is also on follow-up and contact sheets.)
    others = [(s.name, key[6]) for key, s, _ in ranked[1:]
              if key[1] and key[2] and key[3] and key[4] and key[6] > 0]
    if others:
        notes.append(
            "NOT loaded: sheet(s) " + ", ".join(f"{n!r} ({k} rows)" for n, k in others)
            + f" also look like application tables; only {chosen.name!r} was read. Load "
            "each with sheet=NAME (CLI: --sheet NAME), or copy them into one sheet."
        )
    hidden = [s.name for s in book.sheets if s.hidden]
    if hidden:
        notes.append(f"hidden sheet(s) {', '.join(repr(h) for h in hidden)} "
                     + ("used" if chosen.hidden else "not used as the applications table"))
    if len(book.sheets) > 1:
        notes.append(f"sheet {chosen.name!r} chosen as the applications table "
                     f"(sheets: {', '.join(repr(n) for n in names)})")
    return chosen, idx, notes


def _no_header_msg(where: str, s: RawSheet, columns: dict[str, object] | None = None) -> str:
    first = next((r for r in s.rows if not is_blank_row(r)), None)
    shown = ", ".join(repr(_cell_text(c)) for c in (first or [])[:8] if _cell_text(c))
    place = f"{where}, sheet {s.name!r}"
    if columns:
        # The user named headers: say which of them are nowhere near the top.
        cells = {_loose(_cell_text(c)) for r in s.rows[:MAX_HEADER_SCAN * 2] for c in r
                 if _cell_text(c)}
        missing = [str(h) for v in columns.values() for h in _header_list(v)
                   if _loose(str(h)) not in cells]
        if missing:
            return (
                f"{place}: columns= names header(s) "
                + ", ".join(repr(h) for h in missing)
                + f" that are not in the first {MAX_HEADER_SCAN} rows (first row: "
                f"{shown or 'empty'}). Copy the header text exactly as it is in the file "
                "(case and spacing do not matter)."
            )
    return (
        f"{place}: no header row of a job-application table found in the "
        f"first {MAX_HEADER_SCAN} non-blank rows (first row: {shown or 'empty'}). Give your "
        "columns headers such as 'Company', 'Date applied', 'Status', or pass "
        "columns={'applied_on': 'YOUR HEADER', ...} (CLI: --column applied_on=HEADER)."
    )
