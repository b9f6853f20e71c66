"""Raw grid + column map -> the canonical applications and events tables."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from jobstats.io.columns import ColumnMap, detect_format, map_columns, mostly_yes_no
from jobstats.io.dates import ParsedDates, file_order, parse_dates
from jobstats.io.followups import find_follow_up_sheet, follow_up_sheet_events
from jobstats.io.grid import Collector, Grid, make_grid, text_value
from jobstats.io.readers import RawBook, RawSheet
from jobstats.io.vocab import (
    is_missing,
    norm,
    parse_channel,
    parse_reply_kind,
    parse_source,
    parse_status,
    yes_no,
)
from jobstats.schema import (
    APPLICATION_COLUMNS,
    EVENT_COLUMNS,
    INFO_COLUMNS,
    STAGE_RANK,
    STAGES,
    MissingColumnError,
)

_DATE_KIND = {"interview_on": "interview", "offer_on": "offer", "rejected_on": "rejection",
              "thank_you_on": "thank_you"}


def _str_series(values: list[object]) -> pd.Series:
    return pd.Series([text_value(v) for v in values], dtype="str")


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


def build_tables(
    book: RawBook,
    sheet: RawSheet,
    header_idx: int,
    *,
    columns: dict[str, object] | None,
    as_of: pd.Timestamp,
    dayfirst: bool | None,
    col: Collector,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Build applications and events from the chosen sheet.

    Returns the two tables and a dict of report parts (format, mapping, extras, ignored).
    """
    g = make_grid(sheet, header_idx, col)
    if header_idx > 0:
        col.notes.append(f"sheet {sheet.name!r}: header found on row {header_idx + 1}; "
                         "rows above it skipped")
    fmt = detect_format(g.headers)
    where = f"{book.path.name}" + ("" if book.kind == "text" else f", sheet {sheet.name!r}")
    cm = map_columns(g.headers, g.cols, columns=columns, fmt=fmt, where=where)
    col.notes += cm.notes
    if "applied_on" not in cm.fields:
        flag = [g.headers[j] for j, f in cm.date_flags.items() if f == "applied_on"]
        raise MissingColumnError(
            f"{where}: no column with the applied date was recognised (headers: "
            + ", ".join(repr(h) for h in g.headers) + ")"
            + (f"; {flag[0]!r} holds yes/no values, not dates" if flag else "")
            + ". Tell jobstats which header holds it: load(path, columns={\"applied_on\": "
            "\"YOUR HEADER\"}) in Python, or --column applied_on=HEADER on the command line."
        )
    if fmt == "linkedin":
        col.notes.append(
            "LinkedIn export: it has no status or reply columns, so every row is counted as "
            "'applied' with no reply information (response rates cannot be computed from it alone)"
        )
    n = len(g.rows)
    if not n:
        col.notes.append(f"{where}: no rows below the header on row "
                         f"{header_idx + 1}: the tracker holds no applications yet")
    keep = np.ones(n, dtype=bool)
    H = g.headers

    # --- status ---------------------------------------------------------
    status = ["applied"] * n
    hint: list[str | None] = [None] * n
    status_raw: list[object] = [pd.NA] * n
    status_is_flag = "status" in cm.fields and mostly_yes_no(g.cols[cm.fields["status"]])
    if status_is_flag:
        # "Response?" as yes/no: a got-a-reply flag, not a status.
        j = cm.fields["status"]
        col.notes.append(f"{H[j]!r} holds yes/no values: read as 'got a reply' (yes -> "
                         "replied); the status is otherwise 'applied'")
        for i, v in enumerate(g.cols[j]):
            if not is_missing(v):
                status_raw[i] = str(v).strip()
                hint[i] = "replied" if yes_no(v) else None
    elif "status" in cm.fields:
        j = cm.fields["status"]
        cache: dict[str, tuple] = {}
        for i, v in enumerate(g.cols[j]):
            if is_missing(v):
                continue
            key = str(v)
            if key not in cache:
                cache[key] = parse_status(v)
            st, sg, ok = cache[key]
            status_raw[i] = str(v).strip()
            if st == "not":
                keep[i] = False
                col.add(g.sheet, g.rows[i], H[j], "dropped",
                        f"status {str(v).strip()!r}: not an application (saved / wishlist / "
                        "not applied); row excluded")
                continue
            if not ok:
                col.add(g.sheet, g.rows[i], H[j], "warning",
                        f"status {str(v).strip()!r} not recognised; treated as 'applied'")
            status[i], hint[i] = st, sg

    if cm.second_status is not None:
        _second_status(g, cm.second_status, status, hint, status_raw, keep, col)
    _date_flags(g, cm.date_flags, status, hint, status_raw, keep, col)

    # --- dates ----------------------------------------------------------
    date_cols = [j for f, j in cm.fields.items() if f.endswith("_on")] + cm.follow_up
    order = file_order([g.cols[j] for j in date_cols])

    def dates(j: int, yes_ok: bool = False) -> ParsedDates:
        p = parse_dates(g.cols[j], header=H[j], epoch=book.epoch, dayfirst=dayfirst,
                        file_order=order)
        if p.decision:
            col.decisions.append(p.decision)
        for i, raw in p.bad:
            if yes_ok and yes_no(g.cols[j][i]) is not None:
                continue  # "yes"/"no" among follow-up dates: handled by the caller
            if keep[i] and j != cm.fields.get("applied_on"):
                col.add(g.sheet, g.rows[i], H[j], "warning",
                        f"date {raw!r} not understood; treated as missing")
        for i, raw in p.doubtful:
            if keep[i]:
                col.add(g.sheet, g.rows[i], H[j], "warning",
                        f"date {raw!r} contradicts the day/month order chosen for this column; "
                        "read in the only order that fits — check it")
        return p

    ja = cm.fields["applied_on"]
    parsed_applied = dates(ja)
    applied = parsed_applied.values
    bad_applied = dict(parsed_applied.bad)
    for i in np.flatnonzero(applied.isna().to_numpy() & keep):
        raw = g.cols[ja][i]
        err = g.errors.get((i, ja))
        reason = (f"applied date is the Excel error {err}; row excluded" if err else
                  "no applied date; row excluded" if is_missing(raw) else
                  f"applied date {str(bad_applied.get(i, raw))!r} not understood; row excluded")
        label = _summary_label([g.cols[k][i] for k in range(len(H))])
        if label is not None and not err:
            reason = (f"looks like a summary line ({label!r}), not an application: "
                      + reason)
        col.add(g.sheet, g.rows[i], H[ja], "dropped", reason)
        keep[i] = False

    # An application dated after the as-of date cannot have happened yet: a typo
    # (2031 for 2021) or a wrong as-of; either way it must not enter the rates.
    applied_day = applied.dt.normalize().to_numpy()
    for i in np.flatnonzero(keep & (applied_day > as_of.to_datetime64())):
        col.add(g.sheet, g.rows[i], H[ja], "dropped",
                f"applied date {applied.iat[i].date()} is after the as-of date "
                f"({as_of.date()}): a typo, or pass a later as_of; row excluded")
        keep[i] = False
    _warn_duplicates(g, cm.fields, applied_day, keep, col)

    dcols: dict[str, pd.Series] = {}
    dsrc: dict[str, str] = {}  # field -> header its dates came from
    for fld in ("first_reply_on", "interview_on", "offer_on", "rejected_on", "thank_you_on"):
        if fld in cm.fields:
            dcols[fld] = dates(cm.fields[fld]).values
            dsrc[fld] = H[cm.fields[fld]]
    _simplify_status_date(fmt, g, status, dcols, dsrc, book, dayfirst, col)

    # --- ids, text fields ---------------------------------------------
    auto_ids = [f"{g.sheet}:{r}" for r in g.rows]
    if "application_id" in cm.fields:
        jid = cm.fields["application_id"]
        ids = [text_value(v) for v in g.cols[jid]]
        counts = Counter(x for x, k in zip(ids, keep) if k and x is not pd.NA)
        dup = {x for x, c in counts.items() if c > 1}
        for i, x in enumerate(ids):
            if not keep[i]:
                continue
            if x is pd.NA or x in dup:
                col.add(g.sheet, g.rows[i], H[jid], "warning",
                        ("missing" if x is pd.NA else f"duplicate id {x!r}")
                        + f"; id set to {auto_ids[i]!r}")
                ids[i] = auto_ids[i]
        app_id = [str(x) for x in ids]
    else:
        app_id = auto_ids

    def text_field(fld: str) -> pd.Series:
        if fld in cm.fields:
            return _str_series(g.cols[cm.fields[fld]])
        return pd.Series([pd.NA] * n, dtype="str")

    if "source" in cm.fields:
        source = [parse_source(v) for v in g.cols[cm.fields["source"]]]
    else:
        source = [None] * n
    if cm.referral_flag is not None:
        for i, v in enumerate(g.cols[cm.referral_flag]):
            if yes_no(v):
                source[i] = "referral"

    # --- replies and stage ----------------------------------------------
    nat = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    reply_col = dcols.get("first_reply_on", nat)
    intv, offer, rej = (dcols.get(k, nat) for k in ("interview_on", "offer_on", "rejected_on"))
    stacked = pd.concat([reply_col, intv, offer, rej], axis=1)
    first_reply = stacked.min(axis=1).astype("datetime64[ns]")
    src_lists = [(list(s), dsrc.get(k, "")) for s, k in
                 ((reply_col, "first_reply_on"), (intv, "interview_on"), (offer, "offer_on"),
                  (rej, "rejected_on"))]
    first_src = []
    for i, fr in enumerate(first_reply):
        first_src.append("" if pd.isna(fr) else
                         next(name for s, name in src_lists if pd.notna(s[i]) and s[i] == fr))

    file_kind = ([parse_reply_kind(v) for v in g.cols[cm.fields["reply_kind"]]]
                 if "reply_kind" in cm.fields else [None] * n)
    stage: list[str] = []
    reply_kind: list[object] = []
    first_reply_list = list(first_reply)
    # Plain lists: element access on Series (.iat) dominates the time otherwise.
    intv_l, offer_l, rej_l, applied_l = (list(x) for x in (intv, offer, rej, applied))
    for i in range(n):
        base = hint[i] or ("accepted" if status[i] == "accepted" else "applied")
        rank = STAGE_RANK[base]
        fr = first_reply_list[i]
        if pd.notna(fr) or pd.notna(rej_l[i]) or status[i] == "rejected":
            rank = max(rank, STAGE_RANK["replied"])
        if pd.notna(intv_l[i]):
            rank = max(rank, STAGE_RANK["interview"])
        if pd.notna(offer_l[i]):
            rank = max(rank, STAGE_RANK["offer"])
        if file_kind[i] is not None:
            rank = max(rank, STAGE_RANK["replied"])
        st = STAGES[rank]
        stage.append(st)
        if keep[i] and status[i] == "no_response" and hint[i] is None and pd.notna(fr):
            col.add(g.sheet, g.rows[i], H[cm.fields["status"]], "warning",
                    f"status {status_raw[i]!r} says no response, but a reply is dated "
                    f"{fr.date()}: the date is kept and the application counts as replied")
        if keep[i] and pd.notna(fr) and fr.normalize() < applied_l[i].normalize():
            col.add(g.sheet, g.rows[i], first_src[i] or None, "warning",
                    f"reply dated {fr.date()} is before the application "
                    f"({applied_l[i].date()}); reply date ignored (stage kept)")
            first_reply_list[i] = pd.NaT
            first_src[i] = ""
        reply_kind.append(_reply_kind(st, status[i], file_kind[i], first_reply_list[i],
                                      intv_l[i], offer_l[i], rej_l[i]))
    first_reply = pd.Series(first_reply_list, dtype="datetime64[ns]")

    # --- follow-ups ----------------------------------------------------
    events_rows: list[tuple] = []
    followed = np.zeros(n, dtype=bool)
    planned = 0
    undated = 0
    yes_cells: list[tuple[int, int]] = []

    def add_follow_up(i: int, j: int, date: object) -> None:
        """A follow-up event of row ``i`` from column ``j`` (channel from its pair)."""
        ch = cm.channel_of.get(j)
        channel = parse_channel(g.cols[ch][i]) if ch is not None else None
        events_rows.append((app_id[i], date, "follow_up", channel, H[j]))
        followed[i] = True

    for j in cm.follow_up:
        d = dates(j, yes_ok=True).values
        dated = d.notna().to_numpy() & keep
        future = dated & (d.dt.normalize() > as_of).to_numpy()
        planned += int(future.sum())
        d_list = list(d)
        for i in np.flatnonzero(dated & ~future):
            add_follow_up(i, j, d_list[i])
        yes_cells += [(i, j) for i in np.flatnonzero(d.isna().to_numpy() & keep)
                      if yes_no(g.cols[j][i])]
    # "yes" among the dates: a follow-up was sent, date unknown (once per
    # application, and only when no dated follow-up is on record).
    yes_cols: list[int] = []
    for i, j in yes_cells:
        if followed[i]:
            continue
        add_follow_up(i, j, pd.NaT)
        undated += 1
        yes_cols += [j] if j not in yes_cols else []
        col.add(g.sheet, g.rows[i], H[j], "warning",
                f"follow-up given as {str(g.cols[j][i]).strip()!r}, not a date: "
                "counted as an undated follow-up")
    for j in cm.follow_up_flags:
        for i, v in enumerate(g.cols[j]):
            if keep[i] and yes_no(v) and not followed[i]:
                add_follow_up(i, j, pd.NaT)
                undated += 1
    if undated:
        col.notes.append(
            f"{undated} follow-up(s) known only from yes/no value(s) in "
            f"{', '.join(repr(H[j]) for j in cm.follow_up_flags + yes_cols)}: counted "
            "(followed_up), but undated, so they cannot be used for timing analyses"
        )
    for j in cm.follow_up_plans:
        d = dates(j).values
        n_plan = int((d.notna().to_numpy() & keep).sum())
        if n_plan:
            col.notes.append(f"{n_plan} reminder dates in {H[j]!r} not counted as follow-ups")

    apps = pd.DataFrame({
        "application_id": pd.Series(app_id, dtype="str"),
        "client": text_field("client"),
        "company": text_field("company"),
        "title": text_field("title"),
        "source": pd.Series([pd.NA if s is None else s for s in source], dtype="str"),
        "applied_on": applied,
        "first_reply_on": first_reply,
        "reply_kind": pd.Series([pd.NA if k is None else k for k in reply_kind], dtype="str"),
        "stage": pd.Series(stage, dtype="str"),
        "status": pd.Series(status, dtype="str"),
        "status_raw": pd.Series(status_raw, dtype="str"),
        "followed_up": followed,
        "notes": text_field("notes"),
        "sheet": pd.Series([g.sheet] * n, dtype="str"),
        "row": pd.Series(g.rows, dtype="int64"),
        # does this file hold reply / interview information at all (schema INFO_COLUMNS)?
        "reply_info": np.full(n, _holds(cm, _REPLY_FIELDS, _REPLY_FLAGS, status_is_flag),
                              dtype=bool),
        "interview_info": np.full(n, _holds(cm, _INTERVIEW_FIELDS, _INTERVIEW_FLAGS,
                                         status_is_flag),
                                  dtype=bool),
    })
    used = cm.used()
    extras, ignored = [], []
    extra_cols: dict[str, pd.Series] = {}
    for j, h in enumerate(H):
        if j in used:
            continue
        if all(is_missing(v) for v in g.cols[j]):
            ignored.append(h)
            continue
        name = h if h not in (*APPLICATION_COLUMNS, *INFO_COLUMNS) else f"{h} (original)"
        extras.append(name)
        extra_cols[name] = pd.Series([None if is_missing(v) else v for v in g.cols[j]],
                                     dtype=object)
    if extra_cols:  # one concat: inserting thousands of columns one by one fragments
        apps = pd.concat([apps, pd.DataFrame(extra_cols)], axis=1)

    # --- events (applied, reply, dated milestones) ------------------------
    # (filtered on ``keep`` by position: a dropped row may share an id with a kept one)
    events_rows += [(a, d, "applied", None, H[ja])
                    for a, d, k in zip(app_id, applied_l, keep) if k]
    events_rows += [(a, d, "reply", None, src) for a, d, src, k in
                    zip(app_id, first_reply_list, first_src, keep) if k and pd.notna(d)]
    for fld, kind in _DATE_KIND.items():
        if fld in dcols:
            events_rows += [(a, d, kind, None, dsrc[fld]) for a, d, k in
                            zip(app_id, list(dcols[fld]), keep) if k and pd.notna(d)]
    events = pd.DataFrame(events_rows, columns=list(EVENT_COLUMNS))

    # --- a separate follow-ups sheet ------------------------------------
    apps_kept = apps[keep].reset_index(drop=True)
    fu = find_follow_up_sheet(book, sheet)
    if fu is not None:
        extra_events = follow_up_sheet_events(book, fu[0], fu[1], apps_kept, as_of,
                                              dayfirst, col)
        if len(extra_events):
            events = pd.concat([events, extra_events], ignore_index=True)
            apps_kept["followed_up"] = apps_kept["followed_up"] | apps_kept[
                "application_id"].isin(set(extra_events["application_id"]))
    if planned:
        col.notes.append(f"{planned} follow-up(s) dated after the as-of date "
                         f"({as_of.date()}) are plans, not sent follow-ups: not counted")
    events = _tidy_events(events, list(apps_kept["application_id"]))

    mapping = [(f, H[j]) for f, j in cm.fields.items()]
    mapping += [("follow_up_on", H[j]) for j in cm.follow_up + cm.follow_up_flags]
    mapping += [("follow_up_channel", H[j]) for j in sorted(set(cm.channel_of.values()))]
    if cm.referral_flag is not None:
        mapping.append(("source", H[cm.referral_flag]))
    if cm.second_status is not None:
        mapping.append(("stage", H[cm.second_status]))
    mapping += [(f"{fld} (yes/no)", H[j]) for j, fld in cm.date_flags.items()]
    mapping_df = pd.DataFrame(
        {"field": [m[0] for m in mapping], "header": [m[1] for m in mapping],
         "sheet": g.sheet, "file": book.path.name}, dtype="str")
    parts = {"format": fmt, "mapping": mapping_df, "extras": extras, "ignored": ignored,
             "sheets": [g.sheet] + ([fu[0].name] if fu is not None else [])}
    return apps_kept, events, parts


def _second_status(g: Grid, j: int, status: list[str], hint: list[str | None],
                   status_raw: list[object], keep: np.ndarray, col: Collector) -> None:
    """A second status-like column ("Stage" beside "Status"): its stage counts
    toward the furthest stage; it gives the status only where the status is empty."""
    flag = mostly_yes_no(g.cols[j])
    for i, v in enumerate(g.cols[j]):
        if not keep[i] or is_missing(v):
            continue
        if flag:
            st, sg = None, ("replied" if yes_no(v) else None)
        else:
            st, sg, ok = parse_status(v)
            if st == "not":
                # The status column decides whether the row is an application;
                # when it is empty, this column does.
                if status_raw[i] is pd.NA:
                    keep[i] = False
                    col.add(g.sheet, g.rows[i], g.headers[j], "dropped",
                            f"{g.headers[j]!r} is {str(v).strip()!r} and the status is empty: "
                            "not an application (saved / wishlist / not applied); row excluded")
                continue
            if not ok:
                col.add(g.sheet, g.rows[i], g.headers[j], "warning",
                        f"{str(v).strip()!r} not recognised as a stage; ignored")
                continue
        _raise_hint(hint, i, sg)
        if st is not None and status_raw[i] is pd.NA:
            status[i] = st
            status_raw[i] = str(v).strip()


def _raise_hint(hint: list[str | None], i: int, stage: str | None) -> None:
    """Make ``hint[i]`` the further of itself and ``stage``."""
    if stage is not None and (hint[i] is None or STAGE_RANK[stage] > STAGE_RANK[hint[i]]):
        hint[i] = stage


def _date_flags(g: Grid, flags: dict[int, str], status: list[str], hint: list[str | None],
                status_raw: list[object], keep: np.ndarray, col: Collector) -> None:
    """Yes/no columns under date headers: "Applied?" = no drops the row (reported),
    "Heard back" / "Interviewed?" / "Rejected?" = yes raise the stage ("Rejected?"
    also gives the status where the status is empty)."""
    stage_of = {"first_reply_on": "replied", "rejected_on": "replied",
                "interview_on": "interview", "offer_on": "offer"}
    for j, fld in flags.items():
        for i, v in enumerate(g.cols[j]):
            if not keep[i]:
                continue
            yn = yes_no(v)
            if fld == "applied_on":
                if yn is False:
                    keep[i] = False
                    col.add(g.sheet, g.rows[i], g.headers[j], "dropped",
                            f"{g.headers[j]!r} is {str(v).strip()!r}: not an application; "
                            "row excluded")
                continue
            if yn and fld == "rejected_on" and status_raw[i] is pd.NA:
                status[i] = "rejected"
            if yn:
                _raise_hint(hint, i, stage_of[fld])


_SUMMARY = re.compile(r"(grand)?(total|totals|sum|count|average|avg|mean|summary|"
                      r"responserate|replyrate|rate|overall)(\d+(applications|apps)?)?")


def _summary_label(cells: list[object]) -> str | None:
    """The first text of a row when it reads like a totals line ("Total", "Response
    rate: 12%") under the table, else None."""
    first = next((str(v).strip() for v in cells if not is_missing(v)), None)
    if first is None or not _SUMMARY.fullmatch(norm(first)):
        return None
    return first


def _warn_duplicates(g: Grid, fields: dict[str, int], applied_day: np.ndarray,
                     keep: np.ndarray, col: Collector) -> None:
    """Warn (not drop) about rows with the same company, job title and applied day:
    often a row pasted twice, sometimes two real applications."""
    if "company" not in fields:
        return
    titles = g.cols[fields["title"]] if "title" in fields else [None] * len(g.rows)
    first: dict[tuple, int] = {}
    for i, (c, t) in enumerate(zip(g.cols[fields["company"]], titles)):
        if not keep[i] or is_missing(c):
            continue
        key = (norm(c), "" if is_missing(t) else norm(t), applied_day[i])
        if key in first:
            col.add(g.sheet, g.rows[i], None, "warning",
                    f"possible duplicate of row {g.rows[first[key]]} (same company, job title "
                    "and applied date); kept")
        else:
            first[key] = i


def _reply_kind(stage: str, status: str, file_kind: str | None, fr: pd.Timestamp,
                intv: pd.Timestamp, offer: pd.Timestamp, rej: pd.Timestamp) -> str | None:
    """What the first reply was: from the file's column, else from dates and status."""
    if file_kind is not None:
        return file_kind
    if stage == "applied":
        return None
    cands = [(d, k) for d, k in ((intv, "interview"), (offer, "offer"), (rej, "rejection"))
             if pd.notna(d)]
    if cands:
        d0, k0 = min(cands, key=lambda c: c[0])
        if pd.isna(fr) or d0.normalize() <= fr.normalize():
            return k0
    if stage in ("screen", "interview") or pd.notna(intv):
        return "interview"
    if stage in ("offer", "accepted"):
        return "offer"
    if status == "rejected":
        return "rejection"
    return "other"


def _simplify_status_date(fmt: str, g: Grid, status: list[str], dcols: dict[str, pd.Series],
                          dsrc: dict[str, str], book: RawBook, dayfirst: bool | None,
                          col: Collector) -> None:
    """Simplify exports only the date of the current status: use it as the date of
    the rejection / interview / offer the status names (stated in the report)."""
    if fmt != "simplify":
        return
    j = next((k for k, h in enumerate(g.headers) if norm(h) == "statusdate"), None)
    if j is None:
        return
    d = parse_dates(g.cols[j], header=g.headers[j], epoch=book.epoch, dayfirst=dayfirst).values
    target = {"rejected": "rejected_on", "interview": "interview_on", "screen": "interview_on",
              "offer": "offer_on", "accepted": "offer_on"}
    used = 0
    for i, st in enumerate(status):
        fld = target.get(st)
        if fld is None or pd.isna(d.iat[i]):
            continue
        if fld not in dcols:
            dcols[fld] = pd.Series(pd.NaT, index=range(len(status)), dtype="datetime64[ns]")
            dsrc[fld] = g.headers[j]
        if pd.isna(dcols[fld].iat[i]):
            dcols[fld].iat[i] = d.iat[i]
            used += 1
    if used:
        col.notes.append(f"Simplify: {used} 'Status Date' values used as the date of the "
                         "rejection / interview / offer named by the status")


def _tidy_events(events: pd.DataFrame, app_order: list[str]) -> pd.DataFrame:
    """Canonical dtypes; sorted by application (file order), date, then kind."""
    events = events.astype({"application_id": "str", "kind": "str", "source_column": "str"})
    events["date"] = pd.to_datetime(events["date"]).astype("datetime64[ns]")
    events["channel"] = events["channel"].astype("str")  # None -> missing
    order = {k: i for i, k in enumerate(("applied", "follow_up", "reply", "interview",
                                        "thank_you", "offer", "rejection", "withdrawn"))}
    pos = {a: i for i, a in enumerate(app_order)}
    events = events.assign(_a=events["application_id"].map(pos), _o=events["kind"].map(order))
    events = events.sort_values(["_a", "date", "_o"], kind="stable", na_position="last")
    return events.drop(columns=["_a", "_o"]).reset_index(drop=True)
