"""Raw grid + column map -> the canonical applications and events tables.

:func:`build_tables` is a short pipeline of small converters (status, dates,
replies and stage, sources, follow-ups, events). Converters work on the distinct
values of a column (a tracker repeats its statuses, sources and dates) and on
whole arrays, never cell by cell, so a million rows take seconds.
"""

from __future__ import annotations

import itertools
import re
import shlex
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jobstats.io.columns import ColumnMap, detect_format, map_columns, mostly_yes_no
from jobstats.io.dates import ParsedDates, file_order, parse_dates
from jobstats.io.fields import EVENT_OF
from jobstats.io.followups import find_follow_up_sheet, follow_up_sheet_events
from jobstats.io.grid import Collector, Grid, make_grid, text_value
from jobstats.io.readers import RawBook, RawSheet
from jobstats.io.vocab import (
    DATE_ORDER,
    DECIMAL,
    fold_many,
    is_missing,
    language_of,
    match_status,
    norm,
    parse_channel,
    parse_reply_kind,
    parse_source,
    yes_no,
)
from jobstats.schema import (
    APPLICATION_COLUMNS,
    INFO_COLUMNS,
    EVENT_COLUMNS,
    EVENT_KINDS,
    STAGE_RANK,
    STAGES,
    MissingColumnError,
)

#: Columns of :attr:`LoadReport.matches`: every non-exact reading of a header,
#: status or source, and every status word not recognised.
MATCH_COLUMNS = ("what", "column", "word", "meaning", "how", "count", "rows")
_NO_RANK = -1
_REPLIED, _APPLIED = STAGE_RANK["replied"], STAGE_RANK["applied"]


def _rows_of(codes: np.ndarray, rows: np.ndarray, limit: int = 5) -> dict[int, tuple[int, str]]:
    """Distinct-value code -> (count, first Excel rows as text)."""
    out: dict[int, tuple[int, str]] = {}
    valid = np.flatnonzero(codes >= 0)
    if not len(valid):
        return out
    order = valid[np.argsort(codes[valid], kind="stable")]
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    ends = np.r_[starts[1:], len(order)]
    for s, e in zip(starts, ends):
        shown = ", ".join(str(r) for r in rows[order[s:min(e, s + limit)]])
        out[int(sorted_codes[s])] = (int(e - s), shown + (", ..." if e - s > limit else ""))
    return out


#: Fields / yes-no flags whose column means the file records replies (or interviews).
_REPLY_FIELDS = ("status", "first_reply_on", "reply_kind", "interview_on", "offer_on",
                 "rejected_on")
_REPLY_FLAGS = ("first_reply_on", "interview_on", "offer_on", "rejected_on")
_INTERVIEW_FIELDS = ("status", "reply_kind", "interview_on", "offer_on")
_INTERVIEW_FLAGS = ("interview_on", "offer_on")


def _holds(cm: ColumnMap, fields: tuple[str, ...], flags: tuple[str, ...],
           status_is_flag: bool) -> bool:
    """Whether the mapped columns can record this kind of information at all.

    A yes/no "status" ("Response?") records replies but not interviews.
    """
    if status_is_flag and "status" in cm.fields and "first_reply_on" in flags:
        return True
    if any(f in cm.fields for f in fields if not (f == "status" and status_is_flag)):
        return True
    if cm.second_status is not None:
        return True
    return any(f in flags for f in cm.date_flags.values())


@dataclass
class _Ctx:
    """What every converter of one sheet needs."""

    book: RawBook
    g: Grid
    cm: ColumnMap
    col: Collector
    as_of: pd.Timestamp
    dayfirst: bool | None
    lang: str | None
    user_statuses: dict[str, str]
    keep: np.ndarray
    rows: np.ndarray
    matches: list[tuple] = field(default_factory=list)

    def drop(self, idx: np.ndarray, column: str | None, reason: str) -> None:
        """Exclude rows ``idx`` (positions), each reported with ``reason``."""
        idx = np.asarray(idx, dtype=np.intp)
        self.col.add_many(self.g.sheet, self.rows[idx[self.keep[idx]]], column, "dropped",
                          reason)
        self.keep[idx] = False

    def warn(self, idx: np.ndarray, column: str | None, reason: str | list[str]) -> None:
        """Warn about rows ``idx`` (positions): one reason for all, or one per row."""
        idx = np.asarray(idx, dtype=np.intp)
        self.col.add_many(self.g.sheet, self.rows[idx], column, "warning", reason)


def build_tables(
    book: RawBook,
    sheet: RawSheet,
    header_idx: int,
    *,
    columns: dict[str, object] | None,
    as_of: pd.Timestamp | None,
    dayfirst: bool | None,
    col: Collector,
    statuses: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Build applications and events from the chosen sheet.

    ``statuses`` is the user's word -> status meaning mapping, normalised by
    :func:`jobstats.io.vocab.check_user_statuses`. Returns the two tables and a
    dict of report parts (format, mapping, extras, ignored, matches, language).
    """
    g = make_grid(sheet, header_idx, col)
    if header_idx > 0:
        col.notes.append(f"sheet {sheet.name!r}: header found on row {header_idx + 1}; "
                         "rows above it skipped")
    fmt = detect_format(g.headers)
    where = f"{book.path.name}" + ("" if book.kind == "text" else f", sheet {sheet.name!r}")
    cm = map_columns(g.headers, g.cols, columns=columns, fmt=fmt, where=where)
    col.notes += cm.notes
    _require_applied(cm, g, where)
    if fmt == "linkedin":
        col.notes.append(
            "LinkedIn export: it has no status or reply columns, so every row is counted as "
            "'applied' with no reply information (response rates cannot be computed from it alone)"
        )
    n = len(g.rows)
    if not n:
        col.notes.append(f"{where}: no rows below the header on row "
                         f"{header_idx + 1}: the tracker holds no applications yet")
    lang = language_of(list(g.headers))
    if lang is not None and dayfirst is None:
        col.notes.append(f"headers are in {lang!r}: numeric dates that fit both orders are read "
                         f"{'day' if DATE_ORDER.get(lang, False) else 'month'} first, as usual "
                         "there (pass --dayfirst / --monthfirst to change)")
    as_of, as_of_source = _as_of(book, g, cm, as_of, dayfirst, col)
    ctx = _Ctx(book, g, cm, col, as_of, dayfirst, lang, statuses or {},
               np.ones(n, dtype=bool), g.rows.astype(np.int64, copy=False))
    ctx.matches += [("header", h, h, f, how, int((g.codes(j)[0] >= 0).sum()), "")
                    for j, h, f, how in cm.matches]

    status, rank, status_raw = _statuses(ctx)
    status_is_flag = "status" in cm.fields and mostly_yes_no(g.cols[cm.fields["status"]])
    # (the distinct values suffice: presence is all that counts)
    order = file_order([g.codes(j)[1] for f, j in cm.fields.items() if f.endswith("_on")]
                       + [g.codes(j)[1] for j in cm.follow_up])
    applied = _applied_dates(ctx, order)
    dcols, dsrc = _milestone_dates(ctx, order, fmt, status)
    app_id = _ids(ctx)
    source, source_raw = _sources(ctx)
    first_reply, first_src, stage, reply_kind = _replies(ctx, status, rank, status_raw,
                                                         applied, dcols, dsrc)
    fu_events, followed = _follow_ups(ctx, order)

    def text_field(fld: str) -> pd.Series:
        if fld in cm.fields:
            return _str_series(g.codes(cm.fields[fld]))
        return _take_str([], np.full(n, -1, dtype=np.intp))  # all missing

    nat = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    apps = pd.DataFrame({
        "application_id": pd.Series(app_id),
        "client": text_field("client"),
        "company": text_field("company"),
        "title": text_field("title"),
        "source": source,
        "source_raw": source_raw,
        "applied_on": applied,
        "first_reply_on": first_reply,
        "callback_due_on": dcols.get("callback_due_on", nat),
        "reply_kind": reply_kind,
        "stage": stage,
        "status": status.series(),
        "status_raw": status_raw,
        "followed_up": followed,
        "notes": text_field("notes"),
        "sheet": _take_str([g.sheet], np.zeros(n, dtype=np.intp)),
        "row": pd.Series(ctx.rows, dtype="int64"),
        # does this file hold reply / interview information at all (schema INFO_COLUMNS)?
        "reply_info": np.full(n, _holds(cm, _REPLY_FIELDS, _REPLY_FLAGS, status_is_flag),
                              dtype=bool),
        "interview_info": np.full(n, _holds(cm, _INTERVIEW_FIELDS, _INTERVIEW_FLAGS,
                                         status_is_flag),
                                  dtype=bool),
    })
    extras, ignored, extra_cols = _extras(ctx)
    if extra_cols:  # one concat: inserting thousands of columns one by one fragments
        apps = pd.concat([apps, pd.DataFrame(extra_cols)], axis=1)

    keep = ctx.keep
    ja = cm.fields["applied_on"]
    parts = [_event_rows(applied, "applied", g.headers[ja], keep),
             _event_rows(first_reply, "reply", first_src, keep), *fu_events]
    for fld, d in dcols.items():
        if EVENT_OF.get(fld) and fld != "first_reply_on":
            if fld == "callback_due_on":
                # The event is the promised day arriving (the column keeps any date).
                d = d.where(d.dt.normalize() <= as_of)
            parts.append(_event_rows(d, EVENT_OF[fld], dsrc[fld], keep))
    parts = [p for p in parts if len(p.pos)] or parts[:1]

    # --- a separate follow-ups sheet ------------------------------------
    # Events carry their row's position in the file order of the kept rows.
    new_pos = np.cumsum(keep) - 1
    apps_kept = apps[keep].reset_index(drop=True)
    fu = find_follow_up_sheet(book, sheet)
    extra_events = None
    if fu is not None:
        extra_events = follow_up_sheet_events(book, fu[0], fu[1], apps_kept, as_of,
                                              dayfirst, col)
    if extra_events is not None and len(extra_events):
        events = _events_frame(parts, app_id)
        events["_pos"] = new_pos[events["_pos"].to_numpy(dtype=np.int64)]
        events = pd.concat([events, extra_events], ignore_index=True)
        apps_kept["followed_up"] = apps_kept["followed_up"] | apps_kept[
            "application_id"].isin(set(extra_events["application_id"]))
        events = _tidy_events(events, apps_kept["application_id"])
    else:
        events = _sorted_events(parts, app_id, new_pos)
    _stale_as_of(apps_kept, events, as_of, as_of_source, col)
    ctx.matches += _source_groups(source, source_raw, keep, cm, g)
    parts = {"format": fmt, "mapping": _mapping(cm, g, book), "extras": extras,
             "ignored": ignored, "language": lang, "as_of": as_of,
             "as_of_source": as_of_source,
             "matches": pd.DataFrame(ctx.matches, columns=list(MATCH_COLUMNS)).astype(
                 {c: "int64" if c == "count" else "str" for c in MATCH_COLUMNS}),
             "sheets": [g.sheet] + ([fu[0].name] if fu is not None else [])}
    return apps_kept, events, parts


#: An as-of date this long after the last activity in the file is warned about.
STALE_DAYS = 60


def _as_of(book: RawBook, g: Grid, cm: ColumnMap, given: pd.Timestamp | None,
           dayfirst: bool | None, col: Collector) -> tuple[pd.Timestamp, str]:
    """The as-of date and where it came from: given, the file's export-date column
    (its latest date), or today; said in the report either way."""
    if given is not None:
        return given, "given"
    if "exported_on" in cm.fields:
        j = cm.fields["exported_on"]
        d = parse_dates(g.cols[j], header=g.headers[j], epoch=book.epoch,
                        dayfirst=dayfirst).values.dropna()
        if len(d):
            when = d.max().normalize()
            col.notes.append(f"as-of date {when.date()} taken from the export-date column "
                             f"{g.headers[j]!r} (pass as_of= / --as-of to change it)")
            return when, f"export date column {g.headers[j]!r}"
    when = pd.Timestamp.today().normalize()
    col.notes.append(f"no as-of date given: today ({when.date()}) is used, so applications "
                     "without a reply count as still waiting today (pass as_of= / --as-of "
                     "YYYY-MM-DD for the day the tracker was last updated)")
    return when, "today"


def _stale_as_of(apps: pd.DataFrame, events: pd.DataFrame, as_of: pd.Timestamp, source: str,
                 col: Collector) -> None:
    """Warn when the as-of date is long after the file's last activity: waiting
    applications would then count as waiting (and unanswered) for that long."""
    # (on days as numpy has them: its cast floors, as normalize() does)
    day = np.concatenate([apps["applied_on"].to_numpy(), events["date"].to_numpy()]
                         ).astype("M8[D]")
    day = day[~np.isnat(day) & (day <= as_of.to_datetime64().astype("M8[D]"))]
    if not len(day):
        return
    last = pd.Timestamp(day.max())
    gap = (as_of - last).days
    if gap > STALE_DAYS:
        col.file_warnings.append(
            f"the as-of date {as_of.date()} ({source}) is {gap} days after the last activity "
            f"in the file ({last.date()}): applications without a reply count as unanswered "
            "for all that time. If the tracker was last updated earlier, pass --as-of "
            "YYYY-MM-DD (Python: as_of=...) with that day")


def _str_series(coded: tuple[np.ndarray, list[object]]) -> pd.Series:
    codes, uniq = coded
    if all(type(u) is str for u in uniq):  # text files: strip only (missing are coded -1)
        text = list(map(str.strip, uniq))
    else:
        text = [text_value(u) for u in uniq]
    return _take_str(text, codes)


def _take_str(values: list[object] | np.ndarray, codes: np.ndarray) -> pd.Series:
    """``str`` Series of ``values[codes]`` (code -1: missing): the distinct values
    are checked as text once, not every row."""
    import pyarrow as pa

    arr = pd.array(np.asarray(values, dtype=object), dtype="str")
    codes = np.asarray(codes, dtype=np.intp)
    if len(codes) and codes.min() == codes.max():
        # one value in every row (a sheet name, a column the file lacks): Arrow
        # repeats it without a take per row
        k = int(codes[0])
        one = None if k < 0 or pd.isna(arr[k]) else arr[k]
        rep = (pa.nulls(len(codes), pa.large_string()) if one is None
               else pa.repeat(pa.scalar(one, pa.large_string()), len(codes)))
        return pd.Series(pd.array(rep, dtype="str"))
    return pd.Series(arr.take(codes, allow_fill=True))


def _require_applied(cm: ColumnMap, g: Grid, where: str) -> None:
    if "applied_on" in cm.fields:
        return
    flag = [g.headers[j] for j, f in cm.date_flags.items() if f == "applied_on"]
    raise MissingColumnError(
        f"{where}: no column with the applied date was recognised (headers: "
        + ", ".join(repr(h) for h in g.headers) + ")"
        + (f"; {flag[0]!r} holds yes/no values, not dates" if flag else "")
        + ". Tell jobstats which header holds it: load(path, columns={\"applied_on\": "
        "\"YOUR HEADER\"}) in Python, or --column applied_on=HEADER on the command line."
    )


# --- status ------------------------------------------------------------------


class _Labels:
    """A column as codes into a few labels (-1: none): compared and turned into
    strings through its labels, never cell by cell."""

    def __init__(self, codes: np.ndarray, labels: list[object]) -> None:
        self.codes, self.labels = codes, labels

    def eq(self, word: str) -> np.ndarray:
        """Where the label is ``word``."""
        hits = [k for k, lab in enumerate(self.labels) if lab == word]
        if len(hits) == 1:
            return self.codes == hits[0]
        return np.isin(self.codes, hits)

    def code_of(self, word: str) -> int:
        """The code of ``word``, added as a label when new."""
        if word not in self.labels:
            self.labels.append(word)
        return self.labels.index(word)

    def series(self) -> pd.Series:
        return _take_str(self.labels, self.codes)


def _statuses(ctx: _Ctx) -> tuple[_Labels, np.ndarray, pd.Series]:
    """Status, stage-hint rank (-1 none) and raw status of every row; rows whose
    status says they are not applications are dropped (reported)."""
    cm, n = ctx.cm, len(ctx.g.rows)
    status = _Labels(np.zeros(n, dtype=np.intp), ["applied"])
    rank = np.full(n, _NO_RANK, dtype=np.int64)
    raw = _Labels(np.full(n, -1, dtype=np.intp), [])
    if "status" in cm.fields:
        st, rank, raw = _read_status_column(ctx, cm.fields["status"], None)
        status.codes = np.where(st.codes >= 0, st.codes + len(status.labels), status.codes)
        status.labels += st.labels
    if cm.second_status is not None:
        # A second status-like column ("Stage" beside "Status"): its stage counts
        # toward the furthest stage; it gives the status only where the status is empty.
        empty = raw.codes < 0
        st, rk, rw = _read_status_column(ctx, cm.second_status, empty)
        rank = np.maximum(rank, rk)
        give = empty & (st.codes >= 0)
        status.codes = np.where(give, st.codes + len(status.labels), status.codes)
        status.labels += st.labels
        raw.codes = np.where(give, rw.codes + len(raw.labels), raw.codes)
        raw.labels += rw.labels
    _date_flags(ctx, status, rank, raw.codes < 0)
    return status, rank, raw.series()


def _read_status_column(ctx: _Ctx, j: int, status_empty: np.ndarray | None
                        ) -> tuple[_Labels, np.ndarray, _Labels]:
    """Read one status-like column through its distinct values.

    ``status_empty`` is None for the status column itself, else (for a second
    status-like column) where the status is empty. Returns status (None where
    the cell gives none), stage-hint rank and raw text (None where missing).
    Rows that are not applications are dropped (reported); every non-exact
    reading and every unrecognised word goes to the report's matches.
    """
    g, values = ctx.g, ctx.g.cols[j]
    header = g.headers[j]
    main = status_empty is None
    codes, uniq = g.codes(j)
    k = len(uniq)
    st_u = np.full(k + 1, None, dtype=object)  # the extra last slot: missing cells
    rk_u = np.full(k + 1, _NO_RANK, dtype=np.int64)
    rw_u = np.full(k + 1, None, dtype=object)
    seen: list[tuple[str, str | None, str | None]] = []
    flag = mostly_yes_no(values)
    if flag and main:
        ctx.col.notes.append(f"{header!r} holds yes/no values: read as 'got a reply' (yes -> "
                             "replied); the status is otherwise 'applied'")
    for u_i, u in enumerate(uniq):
        rw_u[u_i] = str(u).strip()
        if flag:
            rk_u[u_i] = _REPLIED if yes_no(u) else _NO_RANK
            seen.append(("flag", None, None))
            continue
        m = match_status(u, ctx.user_statuses)
        seen.append((m.how, m.meaning, m.suggestion))
        if m.status == "not":
            sel = codes == u_i
            if main:
                reason = (f"status {rw_u[u_i]!r}: not an application (saved / wishlist / "
                          "not applied); row excluded")
            else:
                # The status column decides whether the row is an application;
                # when it is empty, this column does.
                sel &= status_empty
                reason = (f"{header!r} is {rw_u[u_i]!r} and the status is empty: not an "
                          "application (saved / wishlist / not applied); row excluded")
            ctx.drop(np.flatnonzero(sel), header, reason)
            continue
        if m.how == "unrecognised" and not main:
            continue  # an unknown word in a second column says nothing
        st_u[u_i] = m.status
        if m.stage is not None:
            rk_u[u_i] = STAGE_RANK[m.stage]
    listed = [how not in ("exact", "flag") for how, _, _ in seen]
    counts = _rows_of(codes, ctx.rows) if any(listed) else {}
    for u_i, (how, meaning, suggestion) in enumerate(seen):
        if how in ("exact", "flag") or u_i not in counts:
            continue
        c, rows = counts[u_i]
        if how == "unrecognised":
            meaning = "(not recognised: read as applied" + (
                f"; close to a word meaning {suggestion!r}, not used" if suggestion else "") + ")"
        ctx.matches.append(("status" if main else "stage", header, rw_u[u_i], meaning or "",
                            how, c, rows))
    # codes into the distinct values (-1: none); st_u and rw_u are None in the
    # last slot, which code -1 reads
    gives = np.array([v is not None for v in st_u])
    return (_Labels(np.where(gives[codes], codes, -1), st_u[:-1].tolist()), rk_u[codes],
            _Labels(codes, rw_u[:-1].tolist()))


def _date_flags(ctx: _Ctx, status: _Labels, rank: np.ndarray, raw_missing: np.ndarray
                ) -> None:
    """Yes/no columns under date headers: "Applied?" = no drops the row (reported),
    "Heard back" / "Interviewed?" / "Rejected?" = yes raise the stage ("Rejected?"
    also gives the status where the status is empty)."""
    stage_of = {"first_reply_on": "replied", "rejected_on": "replied",
                "interview_on": "interview", "offer_on": "offer"}
    g = ctx.g
    for j, fld in ctx.cm.date_flags.items():
        codes, uniq = g.codes(j)
        yn = np.array([yes_no(u) for u in uniq] + [None], dtype=object)[codes]
        yes = (yn == True) & ctx.keep  # noqa: E712
        if fld == "applied_on":
            for i in np.flatnonzero((yn == False) & ctx.keep):  # noqa: E712
                ctx.drop(np.array([i]), g.headers[j], f"{g.headers[j]!r} is "
                         f"{str(g.cols[j][i]).strip()!r}: not an application; row excluded")
            continue
        if fld == "rejected_on":
            give = yes & raw_missing
            if give.any():
                status.codes[give] = status.code_of("rejected")
        if fld in stage_of:
            rank[yes] = np.maximum(rank[yes], STAGE_RANK[stage_of[fld]])


# --- dates -------------------------------------------------------------------


def _parse(ctx: _Ctx, j: int, order: dict[str, bool], *, yes_ok: bool = False,
           warn: bool = True) -> ParsedDates:
    """Parse column ``j`` as dates; unreadable and doubtful values are warned."""
    g = ctx.g
    p = parse_dates(g.cols[j], header=g.headers[j], epoch=ctx.book.epoch, dayfirst=ctx.dayfirst,
                    file_order=order, lang_dayfirst=DATE_ORDER.get(ctx.lang or "", None),
                    lang=ctx.lang, coded=g.codes(j))
    if p.decision:
        ctx.col.decisions.append(p.decision)
    if not warn:
        return p
    for i, raw in p.bad:
        if yes_ok and yes_no(g.cols[j][i]) is not None:
            continue  # "yes"/"no" among follow-up dates: handled by the caller
        if ctx.keep[i]:
            ctx.warn([i], g.headers[j], f"date {raw!r} not understood; treated as missing")
    for i, raw in p.doubtful:
        if ctx.keep[i]:
            ctx.warn([i], g.headers[j],
                     f"date {raw!r} contradicts the day/month order chosen for this column; "
                     "read in the only order that fits — check it")
    return p


def _applied_dates(ctx: _Ctx, order: dict[str, bool]) -> pd.Series:
    """The applied date; rows without a readable one, or dated after the as-of
    date, are dropped (reported)."""
    g, ja = ctx.g, ctx.cm.fields["applied_on"]
    p = _parse(ctx, ja, order, warn=False)
    for i, raw in p.doubtful:
        if ctx.keep[i]:
            ctx.warn([i], g.headers[ja],
                     f"date {raw!r} contradicts the day/month order chosen for this column; "
                     "read in the only order that fits — check it")
    applied = p.values
    bad_applied = dict(p.bad)
    for i in np.flatnonzero(applied.isna().to_numpy() & ctx.keep):
        raw = g.cols[ja][i]
        err = g.errors.get((i, ja))
        reason = (f"applied date is the Excel error {err}; row excluded" if err else
                  "no applied date; row excluded" if is_missing(raw) else
                  f"applied date {str(bad_applied.get(i, raw))!r} not understood; row excluded")
        label = _summary_label([g.cols[k][i] for k in range(len(g.headers))])
        if label is not None and not err:
            reason = f"looks like a summary line ({label!r}), not an application: " + reason
        ctx.drop(np.array([i]), g.headers[ja], reason)
    # An application dated after the as-of date cannot have happened yet: a typo
    # (2031 for 2021) or a wrong as-of; either way it must not enter the rates.
    # (days by numpy's cast, which floors as normalize() does; NaT compares False)
    applied_day = applied.to_numpy().astype("M8[D]")
    for i in np.flatnonzero(ctx.keep & (applied_day > ctx.as_of.to_datetime64().astype("M8[D]"))):
        ctx.drop(np.array([i]), g.headers[ja],
                 f"applied date {applied.iat[i].date()} is after the as-of date "
                 f"({ctx.as_of.date()}): a typo, or pass a later as_of; row excluded")
    _warn_duplicates(ctx, applied_day)
    return applied


def _milestone_dates(ctx: _Ctx, order: dict[str, bool], fmt: str, status: _Labels
                     ) -> tuple[dict[str, pd.Series], dict[str, str]]:
    """Date columns other than applied and follow-ups: field -> dates, field -> header."""
    dcols: dict[str, pd.Series] = {}
    dsrc: dict[str, str] = {}
    for fld, j in ctx.cm.fields.items():
        if fld.endswith("_on") and fld not in ("applied_on", "exported_on"):
            dcols[fld] = _parse(ctx, j, order).values
            dsrc[fld] = ctx.g.headers[j]
    _simplify_status_date(ctx, fmt, status, dcols, dsrc)
    return dcols, dsrc


# --- ids, sources ------------------------------------------------------------


def _ids(ctx: _Ctx) -> pd.api.extensions.ExtensionArray:
    """Application ids (``str`` array): the file's id column, else ``"<sheet>:<row>"``.

    The ``"<sheet>:<row>"`` ids are joined by pyarrow: no Python string per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    g, cm = ctx.g, ctx.cm
    joined = pc.binary_join_element_wise(pa.scalar(f"{g.sheet}:"),
                                         pc.cast(pa.array(ctx.rows), pa.string()), "")
    auto_ids = pd.array(joined, dtype="str")
    if "application_id" not in cm.fields:
        return auto_ids
    auto = auto_ids.to_numpy(dtype=object)
    jid = cm.fields["application_id"]
    ids = _str_series(g.codes(jid))
    kept = ids.where(pd.Series(ctx.keep))
    dup = kept.duplicated(keep=False) & kept.notna()
    bad = (ids.isna() | dup).to_numpy() & ctx.keep
    for i in np.flatnonzero(bad):
        x = ids.iat[i]
        ctx.warn([i], g.headers[jid], ("missing" if pd.isna(x) else f"duplicate id {x!r}")
                 + f"; id set to {auto[i]!r}")
    out = ids.to_numpy(dtype=object, na_value=None)
    out[bad] = auto[bad]
    return pd.array(np.array([str(x) for x in out], dtype=object), dtype="str") \
        if len(out) else auto_ids


def _sources(ctx: _Ctx) -> tuple[pd.Series, pd.Series]:
    """Normalised source and the source as typed (a referral flag column counts too)."""
    g, cm, n = ctx.g, ctx.cm, len(ctx.g.rows)
    if "source" in cm.fields:
        codes, uniq = g.codes(cm.fields["source"])
        labels = [parse_source(u) for u in uniq]
        raw_s = _take_str([str(u).strip() for u in uniq], codes)
        if cm.referral_flag is None:
            return _take_str(labels, codes), raw_s
        src = np.array(labels + [None], dtype=object)[codes]
        raw = raw_s.to_numpy(dtype=object)
    else:
        src = np.full(n, None, dtype=object)
        raw = np.full(n, None, dtype=object)
    if cm.referral_flag is not None:
        codes, uniq = g.codes(cm.referral_flag)
        yes = np.array([bool(yes_no(u)) for u in uniq] + [False])[codes]
        src[yes] = "referral"
    return pd.Series(src, dtype="str"), pd.Series(raw, dtype="str")


def _source_groups(source: pd.Series, raw: pd.Series, keep: np.ndarray, cm: ColumnMap,
                   g: Grid) -> list[tuple]:
    """How raw source values were grouped (only where the label differs from the text)."""
    if "source" not in cm.fields:
        return []
    header = g.headers[cm.fields["source"]]
    # on (raw, label) pairs: a few distinct ones, however many rows
    if cm.referral_flag is None:
        # both come from the source column's distinct values: count those
        codes, uniq = g.codes(cm.fields["source"])
        n_of = np.bincount(codes[keep & (codes >= 0)], minlength=len(uniq))

        def text(values: list[object]) -> pd.api.extensions.ExtensionArray:
            return pd.array(np.asarray(values, dtype=object), dtype="str")

        pairs = pd.DataFrame({"r": text([str(u).strip() for u in uniq]),
                              "s": text([parse_source(u) for u in uniq]), "n": n_of})
        pairs = pairs[pairs["n"] > 0].dropna()
        counts = pairs.groupby(["r", "s"], sort=False)["n"].sum()
    else:
        pairs = pd.DataFrame({"r": raw, "s": source})[keep].dropna()
        counts = pairs.value_counts(sort=False)
    if counts.empty:
        return []
    r = counts.index.get_level_values("r").astype(object)
    s = counts.index.get_level_values("s").astype(object)
    differ = [a.casefold() != b.casefold() for a, b in zip(r, s)]
    counts = counts[np.asarray(differ, dtype=bool)].sort_index()
    return [("source", header, r, s, "grouped", int(c), "") for (r, s), c in counts.items()]


# --- replies and stage ---------------------------------------------------------


def _replies(ctx: _Ctx, status: _Labels, rank: np.ndarray, status_raw: pd.Series,
             applied: pd.Series, dcols: dict[str, pd.Series], dsrc: dict[str, str]
             ) -> tuple[pd.Series, tuple[np.ndarray, list[str]], pd.Series, pd.Series]:
    """First reply date, the header it came from (codes into headers, "" for
    none), furthest stage and reply kind."""
    g, cm, n = ctx.g, ctx.cm, len(ctx.g.rows)
    names = ("first_reply_on", "interview_on", "offer_on", "rejected_on")
    # Only the date columns the file has (a missing one would be all NaT: it
    # never gives the earliest date, and most trackers have one or two).
    have = [k for k, name in enumerate(names) if name in dcols]
    src_names = np.array([dsrc.get(k, "") for k in names] + [""], dtype=object)
    if have and n:
        stacked = np.column_stack([dcols[names[k]].to_numpy() for k in have])
        # row-wise earliest date, NaT skipped (numpy's min would propagate NaT)
        nat = np.isnat(stacked)
        big = np.iinfo(np.int64).max
        low = np.where(nat, big, stacked.view(np.int64)).min(axis=1, initial=big)
        none = nat.all(axis=1)
        first = pd.Series(np.where(none, np.datetime64("NaT", "ns"), low.view("M8[ns]")),
                          dtype="datetime64[ns]")
        # Which column gave the first reply (the first of equal dates, in this order).
        hit = (stacked.view(np.int64) == low[:, None]) & ~nat
        which = np.where(none, len(names), np.array(have)[hit.argmax(axis=1)])
    else:
        first = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
        which = np.full(n, len(names), dtype=np.intp)
    cols = [dcols.get(k) for k in names]
    intv, offer, rej = (np.zeros(n, dtype=bool) if c is None else c.notna().to_numpy()
                        for c in cols[1:])
    file_kind = None  # the file's own reply kind, where given
    has_kind = np.zeros(n, dtype=bool)
    if "reply_kind" in cm.fields:
        codes, uniq = g.codes(cm.fields["reply_kind"])
        file_kind = np.array([parse_reply_kind(u) for u in uniq] + [None], dtype=object)[codes]
        has_kind = file_kind != None  # noqa: E711
    base = np.where(rank >= 0, rank,
                    np.where(status.eq("accepted"), STAGE_RANK["accepted"], _APPLIED))
    rejected = status.eq("rejected")
    replied = first.notna().to_numpy() | rej | rejected | has_kind
    base = np.where(replied, np.maximum(base, _REPLIED), base)
    base = np.where(intv, np.maximum(base, STAGE_RANK["interview"]), base)
    base = np.where(offer, np.maximum(base, STAGE_RANK["offer"]), base)
    stage_s = _take_str(list(STAGES), base)

    fr = first.to_numpy()
    # One warning per row, built from whole columns: a long tracker can have tens of
    # thousands of such rows, and a pandas lookup per row took most of its load.
    if "status" in cm.fields:
        clash = np.flatnonzero(ctx.keep & status.eq("no_response") & (rank < 0) & ~np.isnat(fr))
        ctx.warn(clash, g.headers[cm.fields["status"]],
                 [f"status {raw!r} says no response, but a reply is dated {day}: the date is "
                  "kept and the application counts as replied"
                  for raw, day in zip(status_raw.to_numpy()[clash], _days(fr, clash))])
    # (days by numpy's cast, which floors as normalize() does; NaT compares False)
    early = ctx.keep & (fr.astype("M8[D]") < applied.to_numpy().astype("M8[D]"))
    at = np.flatnonzero(early)
    reasons = [f"reply dated {day} is before the application ({a_day}); reply date ignored "
               "(stage kept)" for day, a_day in zip(_days(fr, at), _days(applied.to_numpy(), at))]
    # each run of rows whose reply came from the same column is one block: the issues
    # stay in row order
    cuts = np.flatnonzero(np.diff(which[at])).tolist()
    for lo, hi in itertools.pairwise([0, *(c + 1 for c in cuts), len(at)] if len(at) else []):
        ctx.warn(at[lo:hi], src_names[which[at[lo]]] or None, reasons[lo:hi])
    first = first.mask(early)
    which = np.where(early, len(names), which)
    kind = _reply_kind(base, rejected, file_kind, first, *cols[1:])
    return first, (which, src_names.tolist()), stage_s, kind


def _days(values: np.ndarray, idx: np.ndarray) -> list[str]:
    """``str(pd.Timestamp(values[i]).date())`` of each ``i`` in ``idx`` (no NaT), in one
    numpy call: the cast to days floors, as ``.date()`` does."""
    return np.datetime_as_string(values[idx].astype("M8[D]"), unit="D").tolist()


def _reply_kind(stage: np.ndarray, rejected: np.ndarray, file_kind: np.ndarray | None,
                fr: pd.Series, intv: pd.Series | None, offer: pd.Series | None,
                rej: pd.Series | None) -> pd.Series:
    """What the first reply was: from the file's column, else from dates and status.

    ``stage`` is the furthest stage as its rank in :data:`STAGES` (integers
    compare at C speed; a million stage words would not); a milestone column
    the file lacks is None."""
    r = STAGE_RANK
    n = len(stage)
    # The earliest dated milestone (interview, offer, rejection; first wins ties)
    # is the first reply's kind when it is on or before the reply date.
    have = [k for k, c in enumerate((intv, offer, rej)) if c is not None]
    k0 = np.zeros(n, dtype=np.intp)
    ms_first = intv_dated = np.zeros(n, dtype=bool)
    if have and n:
        ms_day = np.column_stack([c.to_numpy() for c in (intv, offer, rej)
                                  if c is not None]).astype("M8[D]")
        big = np.datetime64("2262-01-01", "D")
        nat = np.isnat(ms_day)
        filled = np.where(nat, big, ms_day)
        k_have = filled.argmin(axis=1)
        k0 = np.array(have)[k_have]  # (of rows with a milestone: the others are not used)
        has_ms = ~nat.all(axis=1)
        d0 = filled[np.arange(n), k_have]
        fr_day = fr.to_numpy().astype("M8[D]")
        ms_first = has_ms & (np.isnat(fr_day) | (d0 <= fr_day))
        if intv is not None:
            intv_dated = ~nat[:, 0]
    # codes into labels (-1: no reply, so no kind); the file's own kind wins
    labels = ["interview", "offer", "rejection", "other"]
    code = np.select(
        [stage == r["applied"], ms_first,
         (stage == r["screen"]) | (stage == r["interview"]) | intv_dated,
         (stage == r["offer"]) | (stage == r["accepted"]), rejected],
        [-1, k0, 0, 1, 2], default=3).astype(np.intp)
    if file_kind is not None:
        has_kind = file_kind != None  # noqa: E711
        if has_kind.any():
            fk_codes, fk_labels = pd.factorize(file_kind[has_kind])
            code[has_kind] = fk_codes + len(labels)
            labels += list(fk_labels)
    return _take_str(labels, code)


# --- follow-ups ----------------------------------------------------------------


def _follow_ups(ctx: _Ctx, order: dict[str, bool]) -> tuple[list[_EventRows], np.ndarray]:
    """Follow-up events from dated and yes/no columns, and the followed-up flag."""
    g, cm, n = ctx.g, ctx.cm, len(ctx.g.rows)
    keep = ctx.keep
    followed = np.zeros(n, dtype=bool)
    parts: list[_EventRows] = []
    planned = undated = 0

    def channel(j: int, idx: np.ndarray) -> tuple[np.ndarray, list[object]]:
        ch = cm.channel_of.get(j)
        if ch is None:
            return _const_coded(None, len(idx))
        codes, uniq = g.codes(ch)
        return codes[idx], [parse_channel(u) for u in uniq]

    def add(idx: np.ndarray, j: int, dates: np.ndarray | None) -> None:
        k = len(idx)
        if dates is None:  # undated
            dates = np.full(k, np.datetime64("NaT"), dtype="datetime64[ns]")
        parts.append(_EventRows(idx, dates, "follow_up", channel(j, idx),
                                _const_coded(g.headers[j], k)))
        followed[idx] = True

    yes_cells: list[tuple[np.ndarray, int]] = []
    for j in cm.follow_up:
        d = _parse(ctx, j, order, yes_ok=True).values
        dated = d.notna().to_numpy() & keep
        future = dated & (d.dt.normalize() > ctx.as_of).to_numpy()
        planned += int(future.sum())
        idx = np.flatnonzero(dated & ~future)
        add(idx, j, d.to_numpy()[idx])
        codes, uniq = g.codes(j)
        yes = np.array([bool(yes_no(u)) for u in uniq] + [False])[codes]
        yes_cells.append((np.flatnonzero(d.isna().to_numpy() & keep & yes), j))
    # "yes" among the dates: a follow-up was sent, date unknown (once per
    # application, and only when no dated follow-up is on record).
    yes_cols: list[int] = []
    for idx, j in yes_cells:
        idx = idx[~followed[idx]]
        if not len(idx):
            continue
        add(idx, j, None)
        undated += len(idx)
        yes_cols.append(j)
        for i in idx:
            ctx.warn([i], g.headers[j], f"follow-up given as {str(g.cols[j][i]).strip()!r}, "
                     "not a date: counted as an undated follow-up")
    for j in cm.follow_up_flags:
        codes, uniq = g.codes(j)
        yes = np.array([bool(yes_no(u)) for u in uniq] + [False])[codes]
        idx = np.flatnonzero(yes & keep & ~followed)
        add(idx, j, None)
        undated += len(idx)
    if undated:
        ctx.col.notes.append(
            f"{undated} follow-up(s) known only from yes/no value(s) in "
            f"{', '.join(repr(g.headers[j]) for j in cm.follow_up_flags + yes_cols)}: counted "
            "(followed_up), but undated, so they cannot be used for timing analyses"
        )
    for j in cm.follow_up_plans:
        d = _parse(ctx, j, order).values
        n_plan = int((d.notna().to_numpy() & keep).sum())
        if n_plan:
            ctx.col.notes.append(f"{n_plan} reminder dates in {g.headers[j]!r} not counted as "
                                 "follow-ups")
    if planned:
        ctx.col.notes.append(f"{planned} follow-up(s) dated after the as-of date "
                             f"({ctx.as_of.date()}) are plans, not sent follow-ups: not counted")
    return parts, followed


# --- extras, events, mapping ---------------------------------------------------


def _extras(ctx: _Ctx) -> tuple[list[str], list[str], dict[str, pd.Series]]:
    """Unmapped columns: kept under their header (empty ones ignored); a column
    that holds dates or yes/no values is named in a note with the exact option."""
    from jobstats.io.columns import mostly_dates

    g, used = ctx.g, ctx.cm.used()
    extras, ignored = [], []
    extra_cols: dict[str, pd.Series] = {}
    for j, h in enumerate(g.headers):
        if j in used:
            continue
        codes, uniq = g.codes(j)
        if not (codes >= 0).any():
            ignored.append(h)
            continue
        name = h if h not in (*APPLICATION_COLUMNS, *INFO_COLUMNS) else f"{h} (original)"
        extras.append(name)
        arr = np.empty(len(uniq) + 1, dtype=object)
        arr[:-1] = uniq
        arr[-1] = None
        # A decimal comma is usual in the file's language, or in a file whose
        # cells are separated by semicolons (what spreadsheets write where the
        # comma is the decimal sign)
        usual = (f"in {ctx.lang!r}" if DECIMAL.get(ctx.lang or "") == ","
                 else "in semicolon-separated files" if ctx.book.delimiter == ";" else None)
        numbers = _decimal_comma_numbers(uniq) if usual else None
        if numbers is not None:
            arr = np.append(numbers, np.nan)
            ctx.col.notes.append(f"column {h!r} read as numbers with a decimal comma "
                                 f"(usual {usual}: '1.234,5' = 1234.5)")
            extra_cols[name] = pd.Series(arr[codes], dtype="float64")
            continue
        extra_cols[name] = pd.Series(arr[codes], dtype=object)
        if j in ctx.cm.flag_columns():
            continue  # already read as a flag / reported by the mapping
        if mostly_yes_no(g.cols[j]):
            ctx.col.notes.append(
                f"column {h!r} holds yes/no values and is not used: if it records a reply, "
                f"pass --column first_reply_on={shlex.quote(h)} (or interview_on, offer_on, "
                "rejected_on, follow_up_on for those)")
        elif mostly_dates(g.cols[j]):
            ctx.col.notes.append(
                f"column {h!r} holds dates and is not used: if they are reply dates, pass "
                f"--column first_reply_on={shlex.quote(h)} (or interview_on, offer_on, "
                "rejected_on, follow_up_on, callback_due_on for those)")
    return extras, ignored, extra_cols


_COMMA_NUMBER = re.compile(r"^[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_CURRENCY = re.compile(r"[€$£¥\s\u00a0\u202f]|R\$|CHF|EUR|USD")


def _decimal_comma_numbers(values: list[object]) -> np.ndarray | None:
    """Distinct cell values as floats when every one is a number written with a
    decimal comma ("38.500,50", "2300,50", "€ 42.000"), else None (kept as typed)."""
    out = np.full(len(values), np.nan, dtype="float64")
    for k, v in enumerate(values):
        if is_missing(v):
            continue  # (missing cells are coded -1 and never read)
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
            out[k] = float(v)
            continue
        if not isinstance(v, str):
            return None
        t = _CURRENCY.sub("", v)
        if not _COMMA_NUMBER.match(t):
            return None
        out[k] = float(t.replace(".", "").replace(",", "."))
    return out


@dataclass
class _EventRows:
    """Events of one kind from one column, coded: row positions, dates, and the
    channel and source column as codes into a few labels (-1: none). Strings
    are made once, for all events, after sorting (a random-order take of a
    million strings costs more than everything else done to the events)."""

    pos: np.ndarray  # positions of the rows in the sheet (int64)
    date: np.ndarray  # datetime64[ns]; NaT: undated
    kind: str
    channel: tuple[np.ndarray, list[object]]
    source: tuple[np.ndarray, list[object]]


def _const_coded(value: object, k: int) -> tuple[np.ndarray, list[object]]:
    return ((np.zeros(k, dtype=np.intp), [value]) if value is not None
            else (np.full(k, -1, dtype=np.intp), []))


def _event_rows(dates: pd.Series, kind: str, source: object, keep: np.ndarray) -> _EventRows:
    """Events of one kind from one date column (kept rows with a date).

    ``source`` is the header, or (codes per row, labels) when it varies by row."""
    sel = keep & dates.notna().to_numpy()
    pos = np.flatnonzero(sel)
    k = len(pos)
    src = ((source[0][pos], source[1]) if isinstance(source, tuple)
           else _const_coded(source, k))
    return _EventRows(pos, dates.to_numpy()[pos], kind, _const_coded(None, k), src)


def _coded_str(parts: list[tuple[np.ndarray, list[object]]],
               order: np.ndarray | None = None) -> pd.api.extensions.ExtensionArray:
    """One ``str`` array from several (codes, labels) pieces, end to end (then
    taken in ``order``): the strings are made once, from the labels."""
    labels: list[object] = []
    codes = np.empty(sum(len(c) for c, _ in parts), dtype=np.intp)
    at = 0
    for c, lab in parts:
        codes[at:at + len(c)] = np.where(c >= 0, c + len(labels), -1)
        labels += lab
        at += len(c)
    return _take_str(labels, codes if order is None else codes[order]).array


def _events_frame(parts: list[_EventRows], app_id: pd.api.extensions.ExtensionArray
                  ) -> pd.DataFrame:
    """The events (unsorted, with the row position ``_pos``), one part after another."""
    pos = np.concatenate([p.pos for p in parts]).astype(np.int64)
    return pd.DataFrame({
        "application_id": app_id.take(pos),
        "date": np.concatenate([p.date for p in parts]).astype("datetime64[ns]"),
        "kind": _coded_str([_const_coded(p.kind, len(p.pos)) for p in parts]),
        "channel": _coded_str([p.channel for p in parts]),
        "source_column": _coded_str([p.source for p in parts]),
        "_pos": pos})


def _sorted_events(parts: list[_EventRows], app_id: pd.api.extensions.ExtensionArray,
                   new_pos: np.ndarray) -> pd.DataFrame:
    """The events table of one sheet, as :func:`_tidy_events` has it (sorted by
    application, date and kind), sorted on the codes before any string is made."""
    sizes = [len(p.pos) for p in parts]
    pos = np.concatenate([p.pos for p in parts]).astype(np.int64)
    date = np.concatenate([p.date for p in parts]).astype("datetime64[ns]")
    kind = np.repeat(np.arange(len(parts), dtype=np.intp), sizes)  # codes into the kinds
    rank = np.array([EVENT_KINDS.index(p.kind) if p.kind in EVENT_KINDS else -1
                     for p in parts] + [-1], dtype=np.int64)[kind]
    big = np.iinfo(np.int64).max
    order = _event_order(new_pos[pos], np.where(np.isnat(date), big, date.view(np.int64)), rank)

    return pd.DataFrame({
        "application_id": app_id.take(pos[order]),
        "date": date[order],
        "kind": _take_str([p.kind for p in parts], kind[order]).array,
        "channel": _coded_str([p.channel for p in parts], order),
        "source_column": _coded_str([p.source for p in parts], order)})[list(EVENT_COLUMNS)]


def _mapping(cm: ColumnMap, g: Grid, book: RawBook) -> pd.DataFrame:
    H = g.headers
    mapping = [(f, H[j]) for f, j in cm.fields.items()]
    mapping += [("follow_up_on", H[j]) for j in cm.follow_up + cm.follow_up_flags]
    mapping += [("follow_up_channel", H[j]) for j in sorted(set(cm.channel_of.values()))]
    if cm.referral_flag is not None:
        mapping.append(("source", H[cm.referral_flag]))
    if cm.second_status is not None:
        mapping.append(("stage", H[cm.second_status]))
    mapping += [(f"{fld} (yes/no)", H[j]) for j, fld in cm.date_flags.items()]
    return pd.DataFrame(
        {"field": [m[0] for m in mapping], "header": [m[1] for m in mapping],
         "sheet": g.sheet, "file": book.path.name}, dtype="str")


_SUMMARY = re.compile(r"(grand)?(total|totals|sum|count|average|avg|mean|summary|"
                      r"responserate|replyrate|rate|overall)(\d+(applications|apps)?)?")


def _summary_label(cells: list[object]) -> str | None:
    """The first text of a row when it reads like a totals line ("Total", "Response
    rate: 12%") under the table, else None."""
    first = next((str(v).strip() for v in cells if not is_missing(v)), None)
    if first is None or not _SUMMARY.fullmatch(norm(first)):
        return None
    return first


def _warn_duplicates(ctx: _Ctx, applied_day: np.ndarray) -> None:
    """Warn (not drop) about rows with the same company, job title and applied day
    (``applied_day``: datetime64[D]): often a row pasted twice, sometimes two real
    applications."""
    g, fields = ctx.g, ctx.cm.fields
    if "company" not in fields:
        return

    def key(j: int) -> np.ndarray:
        """Integer code of norm() of each cell (-1: missing or nothing left)."""
        codes, uniq = g.codes(j)
        # norm() of every distinct value, all at once: case, accents, spaces and
        # punctuation do not count.
        folded = np.array(fold_many([str(u) for u in uniq]), dtype=object)
        fcodes = pd.factorize(folded)[0] if len(folded) else np.empty(0, np.int64)
        fcodes = np.append(np.where(folded == "", -1, fcodes), -1)
        return fcodes[codes]

    company = key(fields["company"])
    title = (key(fields["title"]) if "title" in fields
             else np.full(len(g.rows), -1, dtype=np.int64))
    sel = np.flatnonzero(ctx.keep & (company >= 0))
    if not len(sel):
        return
    # (company, title, day) as one integer per row: company and title codes and
    # the day since the first one, packed (duplicates found on one int64 key,
    # not a three-column groupby)
    if len(sel) == len(company):  # (every row: no copies)
        c, t, d = company, title + 1, applied_day
    else:
        c, t, d = company[sel], title[sel] + 1, applied_day[sel]
    nat = np.isnat(d)  # (none on kept rows; NaT is its own day, as groupby has it)
    day = d.astype(np.int64)
    day = np.where(nat, 0, day - (day[~nat].min() if (~nat).any() else 0))
    day = np.where(nat, day.max() + 1, day)
    n_t, n_d = int(t.max()) + 1, int(day.max()) + 1
    if (int(c.max()) + 1) * n_t * n_d < 2**62:
        codes = pd.factorize((c * n_t + t) * n_d + day)[0]
    else:  # (a key too wide to pack: one factorize of the three columns)
        codes = pd.MultiIndex.from_arrays([c, t, day]).factorize()[0]
    counts = np.bincount(codes)
    # codes number the keys in order of first appearance: each key's first row
    new_key = codes > np.maximum.accumulate(np.r_[-1, codes[:-1]])
    first_at = sel[new_key]
    many = counts[codes] > 1
    i, f = sel[many], first_at[codes[many]]
    later = i != f
    ctx.warn(i[later], None, [f"possible duplicate of row {r} (same company, job title and "
                              "applied date); kept" for r in ctx.rows[f[later]].tolist()])


def _simplify_status_date(ctx: _Ctx, fmt: str, status: _Labels,
                          dcols: dict[str, pd.Series], dsrc: dict[str, str]) -> None:
    """Simplify exports only the date of the current status: use it as the date of
    the rejection / interview / offer the status names (stated in the report)."""
    if fmt != "simplify":
        return
    g = ctx.g
    j = next((k for k, h in enumerate(g.headers) if norm(h) == "statusdate"), None)
    if j is None:
        return
    d = parse_dates(g.cols[j], header=g.headers[j], epoch=ctx.book.epoch,
                    dayfirst=ctx.dayfirst).values
    target = {"rejected": "rejected_on", "interview": "interview_on", "screen": "interview_on",
              "offer": "offer_on", "accepted": "offer_on"}
    used = 0
    for st, fld in target.items():
        sel = status.eq(st) & d.notna().to_numpy()
        if not sel.any():
            continue
        if fld not in dcols:
            dcols[fld] = pd.Series(pd.NaT, index=range(len(status.codes)), dtype="datetime64[ns]")
            dsrc[fld] = g.headers[j]
        fill = sel & dcols[fld].isna().to_numpy()
        dcols[fld] = dcols[fld].mask(fill, d)
        used += int(fill.sum())
    if used:
        ctx.col.notes.append(f"Simplify: {used} 'Status Date' values used as the date of the "
                             "rejection / interview / offer named by the status")


_DAY_NS = 86_400 * 10**9


def _event_order(pos: np.ndarray, date: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """``np.lexsort((rank, date, pos))``: by position (float, inf last; or int), date (int64
    nanoseconds, the largest for none), then kind rank; ties keep their order.

    When every date is a whole day, the three keys are packed into one int64
    and sorted once (stable): a third of lexsort's work on a million events.
    """
    big = np.iinfo(np.int64).max
    dated = date != big
    ints = pos.dtype.kind in "iu"  # (integer positions: all finite and whole)
    finite = None if ints else np.isfinite(pos)
    if len(pos) and not (date[dated] % _DAY_NS).any() and (
            ints or (pos[finite] % 1 == 0).all()):
        pos_i = pos.astype(np.int64) if ints else np.where(finite, pos, 0).astype(np.int64)
        n_pos = int(pos_i.max()) + 2
        if not ints:
            pos_i = np.where(finite, pos_i, n_pos - 1)
        d0 = int(date[dated].min()) if dated.any() else 0
        day = np.where(dated, (date - d0) // _DAY_NS, 0)
        n_day = int(day.max()) + 2
        day = np.where(dated, day, n_day - 1)
        r = rank - int(rank.min())
        n_rank = int(r.max()) + 1
        if (pos_i.min() >= 0 and day.min() >= 0
                and n_pos * n_day * n_rank < 2**62):  # (Python ints: no overflow here)
            return np.argsort((pos_i * n_day + day) * n_rank + r, kind="stable")
    return np.lexsort((rank, date, pos))


def _tidy_events(events: pd.DataFrame, app_order: pd.Series) -> pd.DataFrame:
    """Canonical dtypes; sorted by application (file order), date, then kind.

    ``_pos`` (the application's position) is set for the main sheet's events;
    events from a follow-ups sheet get it from their application id."""
    events = events.astype({"application_id": "str", "kind": "str", "source_column": "str"})
    events["date"] = pd.to_datetime(events["date"]).astype("datetime64[ns]")
    if events["channel"].dtype != "str":  # (the main sheet's events are built as str)
        ch_codes, ch_values = pd.factorize(events["channel"].to_numpy(dtype=object))
        events["channel"] = _take_str(ch_values, ch_codes).array  # None -> missing
    missing = events["_pos"].isna() if "_pos" in events else pd.Series(True, index=events.index)
    if missing.any():
        pos = pd.Series(np.arange(len(app_order)), index=app_order.to_numpy())
        pos = pos[~pos.index.duplicated()]
        filled = events.loc[missing, "application_id"].map(pos)
        events["_pos"] = events.get("_pos", pd.Series(np.nan, index=events.index))
        events.loc[missing, "_pos"] = filled
    k_codes, k_values = pd.factorize(events["kind"])
    rank = np.array([EVENT_KINDS.index(k) if k in EVENT_KINDS else -1 for k in k_values]
                    + [-1], dtype=np.int64)[k_codes]
    # by position, date, kind; missing position or date last; ties keep their order
    # (np.lexsort on numbers: pandas' multi-key sort factorizes every key first)
    pos = events["_pos"].to_numpy(dtype=float)
    date = events["date"].to_numpy().view(np.int64)
    date = np.where(events["date"].isna().to_numpy(), np.iinfo(np.int64).max, date)
    order = _event_order(np.where(np.isnan(pos), np.inf, pos), date, rank)
    events = events.iloc[order]
    return events.drop(columns=["_pos"]).reset_index(drop=True)[list(EVENT_COLUMNS)]
