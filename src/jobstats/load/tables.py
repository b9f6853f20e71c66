"""Raw grid + column map -> the canonical applications and events tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jobstats.load.columns import (
    ColumnMap,
    _blank,
    classify,
    column_letter,
    detect_format,
    find_follow_up_sheet,
    map_columns,
    unique_headers,
)
from jobstats.load.dates import parse_dates
from jobstats.load.readers import RawBook, RawSheet
from jobstats.load.vocab import (
    EXCEL_ERRORS,
    GENERIC_CHANNEL,
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
    STAGE_RANK,
    STAGES,
    MissingColumnError,
)

_DATE_KIND = {"interview_on": "interview", "offer_on": "offer", "rejected_on": "rejection",
              "thank_you_on": "thank_you"}


@dataclass
class Collector:
    """Accumulates issues and report lines while one file is processed."""

    file: str
    issues: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)

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
            if not is_missing(r[j]) and not (isinstance(r[j], str) and not r[j].strip()):
                width = max(width, j + 1)
                break
    header_cells = (list(raw[header_idx]) + [None] * width)[:width]
    headers, dup_notes = unique_headers(header_cells)
    for n in dup_notes:
        col.add(sheet.name, header_idx + 1, None, "warning", n)
    records, rownums = [], []
    for k, r in enumerate(body):
        r = (list(r) + [None] * width)[:width]
        if _blank(r):
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


def _text(v: object) -> object:
    if is_missing(v):
        return pd.NA
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _str_series(values: list[object]) -> pd.Series:
    return pd.Series([_text(v) for v in values], dtype="str")


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
        raise MissingColumnError(
            f"{where}: no column with the applied date was recognised (headers: "
            + ", ".join(repr(h) for h in g.headers)
            + "). Tell jobstats which header holds it: load(path, columns={\"applied_on\": "
            "\"YOUR HEADER\"}) in Python, or --column applied_on=HEADER on the command line."
        )
    if fmt == "linkedin":
        col.notes.append(
            "LinkedIn export: it has no status or reply columns, so every row is counted as "
            "'applied' with no reply information (response rates cannot be computed from it alone)"
        )
    n = len(g.rows)
    keep = np.ones(n, dtype=bool)
    H = g.headers

    # --- status ---------------------------------------------------------
    status = ["applied"] * n
    hint: list[str | None] = [None] * n
    status_raw: list[object] = [pd.NA] * n
    if "status" in cm.fields:
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

    # --- dates ----------------------------------------------------------
    def dates(j: int) -> pd.Series:
        p = parse_dates(g.cols[j], header=H[j], epoch=book.epoch, dayfirst=dayfirst)
        if p.decision:
            col.decisions.append(p.decision)
        for i, raw in p.bad:
            if keep[i] and j != cm.fields.get("applied_on"):
                col.add(g.sheet, g.rows[i], H[j], "warning",
                        f"date {raw!r} not understood; treated as missing")
        for i, raw in p.doubtful:
            if keep[i]:
                col.add(g.sheet, g.rows[i], H[j], "warning",
                        f"date {raw!r} contradicts the day/month order chosen for this column; "
                        "read in the only order that fits — check it")
        return p.values

    ja = cm.fields["applied_on"]
    applied = dates(ja)
    bad_applied = dict(parse_dates(g.cols[ja], header="", epoch=book.epoch,
                                   dayfirst=dayfirst).bad) if applied.isna().any() else {}
    for i in np.flatnonzero(applied.isna().to_numpy() & keep):
        raw = g.cols[ja][i]
        err = g.errors.get((i, ja))
        reason = (f"applied date is the Excel error {err}; row excluded" if err else
                  "no applied date; row excluded" if is_missing(raw) else
                  f"applied date {str(bad_applied.get(i, raw))!r} not understood; row excluded")
        col.add(g.sheet, g.rows[i], H[ja], "dropped", reason)
        keep[i] = False

    dcols: dict[str, pd.Series] = {}
    dsrc: dict[str, str] = {}  # field -> header its dates came from
    for fld in ("first_reply_on", "interview_on", "offer_on", "rejected_on", "thank_you_on"):
        if fld in cm.fields:
            dcols[fld] = dates(cm.fields[fld])
            dsrc[fld] = H[cm.fields[fld]]
    _simplify_status_date(fmt, g, status, dcols, dsrc, book, dayfirst, col)
    for fld in [f for f in dcols if f not in dsrc]:
        del dcols[fld]  # created empty by the Simplify rule and left unused

    # --- ids, text fields ---------------------------------------------
    auto_ids = [f"{g.sheet}:{r}" for r in g.rows]
    if "application_id" in cm.fields:
        jid = cm.fields["application_id"]
        ids = [_text(v) for v in g.cols[jid]]
        kept_ids = [x for x, k in zip(ids, keep) if k and x is not pd.NA]
        dup = {x for x in kept_ids if kept_ids.count(x) > 1} if len(set(kept_ids)) < len(
            kept_ids) else set()
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
    srcs = [(s, dsrc.get(k, "")) for s, k in
            ((reply_col, "first_reply_on"), (intv, "interview_on"), (offer, "offer_on"),
             (rej, "rejected_on"))]
    first_src = []
    for i, fr in enumerate(first_reply):
        first_src.append("" if pd.isna(fr) else
                         next(name for s, name in srcs if pd.notna(s.iat[i]) and s.iat[i] == fr))

    file_kind = ([parse_reply_kind(v) for v in g.cols[cm.fields["reply_kind"]]]
                 if "reply_kind" in cm.fields else [None] * n)
    stage: list[str] = []
    reply_kind: list[object] = []
    first_reply_list = list(first_reply)
    for i in range(n):
        base = hint[i] or ("accepted" if status[i] == "accepted" else "applied")
        rank = STAGE_RANK[base]
        fr = first_reply_list[i]
        if pd.notna(fr) or pd.notna(rej.iat[i]) or status[i] == "rejected":
            rank = max(rank, STAGE_RANK["replied"])
        if pd.notna(intv.iat[i]):
            rank = max(rank, STAGE_RANK["interview"])
        if pd.notna(offer.iat[i]):
            rank = max(rank, STAGE_RANK["offer"])
        if file_kind[i] is not None:
            rank = max(rank, STAGE_RANK["replied"])
        st = STAGES[rank]
        stage.append(st)
        if keep[i] and status[i] == "no_response" and pd.notna(fr):
            col.add(g.sheet, g.rows[i], H[cm.fields["status"]], "warning",
                    f"status {status_raw[i]!r} says no response, but a reply is dated "
                    f"{fr.date()}: the date is kept and the application counts as replied")
        if keep[i] and pd.notna(fr) and fr.normalize() < applied.iat[i].normalize():
            col.add(g.sheet, g.rows[i], first_src[i] or None, "warning",
                    f"reply dated {fr.date()} is before the application "
                    f"({applied.iat[i].date()}); reply date ignored (stage kept)")
            first_reply_list[i] = pd.NaT
            first_src[i] = ""
        reply_kind.append(_reply_kind(st, status[i], file_kind[i], first_reply_list[i],
                                      intv.iat[i], offer.iat[i], rej.iat[i]))
    first_reply = pd.Series(first_reply_list, dtype="datetime64[ns]")

    # --- follow-ups ----------------------------------------------------
    events_rows: list[tuple] = []
    followed = np.zeros(n, dtype=bool)
    planned = 0
    for j in cm.follow_up:
        d = dates(j)
        ch = cm.channel_of.get(j)
        for i in np.flatnonzero(d.notna().to_numpy() & keep):
            if d.iat[i].normalize() > as_of:
                planned += 1
                continue
            channel = parse_channel(g.cols[ch][i]) if ch is not None else None
            events_rows.append((app_id[i], d.iat[i], "follow_up", channel, H[j]))
            followed[i] = True
    undated = 0
    for j in cm.follow_up_flags:
        ch = cm.channel_of.get(j)
        for i, v in enumerate(g.cols[j]):
            if keep[i] and yes_no(v) and not followed[i]:
                channel = parse_channel(g.cols[ch][i]) if ch is not None else None
                events_rows.append((app_id[i], pd.NaT, "follow_up", channel, H[j]))
                followed[i] = True
                undated += 1
    if undated:
        col.notes.append(
            f"{undated} follow-up(s) known only from yes/no column(s) "
            f"{', '.join(repr(H[j]) for j in cm.follow_up_flags)}: counted (followed_up), but "
            "undated, so they cannot be used for timing analyses"
        )
    for j in cm.follow_up_plans:
        d = dates(j)
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
    })
    used = cm.used()
    extras, ignored = [], []
    for j, h in enumerate(H):
        if j in used:
            continue
        if all(is_missing(v) for v in g.cols[j]):
            ignored.append(h)
            continue
        name = h if h not in APPLICATION_COLUMNS else f"{h} (original)"
        extras.append(name)
        apps[name] = pd.Series([None if is_missing(v) else v for v in g.cols[j]], dtype=object)

    # --- events (applied, reply, dated milestones) ------------------------
    for i in range(n):
        events_rows.append((app_id[i], applied.iat[i], "applied", None, H[ja]))
        if pd.notna(first_reply.iat[i]):
            events_rows.append((app_id[i], first_reply.iat[i], "reply", None, first_src[i]))
    for fld, kind in _DATE_KIND.items():
        if fld in dcols:
            s = dcols[fld]
            for i in np.flatnonzero(s.notna().to_numpy()):
                events_rows.append((app_id[i], s.iat[i], kind, None, dsrc[fld]))
    events = pd.DataFrame(events_rows, columns=list(EVENT_COLUMNS))
    kept_ids = set(a for a, k in zip(app_id, keep) if k)
    events = events[events["application_id"].isin(kept_ids)]

    # --- a separate follow-ups sheet ------------------------------------
    apps_kept = apps[keep].reset_index(drop=True)
    fu = find_follow_up_sheet(book, sheet)
    if fu is not None:
        extra_events = _follow_up_sheet(book, fu[0], fu[1], apps_kept, as_of, dayfirst, col)
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
    mapping_df = pd.DataFrame(
        {"field": [m[0] for m in mapping], "header": [m[1] for m in mapping],
         "sheet": g.sheet, "file": book.path.name}, dtype="str")
    parts = {"format": fmt, "mapping": mapping_df, "extras": extras, "ignored": ignored,
             "sheets": [g.sheet] + ([fu[0].name] if fu is not None else [])}
    return apps_kept, events, parts


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
                          dsrc: dict[str, str], book: RawBook, dayfirst: bool | None, col: Collector) -> None:
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
    for fld in set(target.values()):
        dcols.setdefault(fld, pd.Series(pd.NaT, index=range(len(status)),
                                        dtype="datetime64[ns]"))
    for i, st in enumerate(status):
        fld = target.get(st)
        if fld and pd.notna(d.iat[i]) and pd.isna(dcols[fld].iat[i]):
            dcols[fld].iat[i] = d.iat[i]
            dsrc.setdefault(fld, g.headers[j])
            used += 1
    if used:
        col.notes.append(f"Simplify: {used} 'Status Date' values used as the date of the "
                         "rejection / interview / offer named by the status")


def _tidy_events(events: pd.DataFrame, app_order: list[str]) -> pd.DataFrame:
    """Canonical dtypes; sorted by application (file order), date, then kind."""
    events = events.astype({"application_id": "str", "kind": "str", "source_column": "str"})
    events["date"] = pd.to_datetime(events["date"]).astype("datetime64[ns]")
    events["channel"] = events["channel"].astype("str").where(events["channel"].notna())
    events["channel"] = events["channel"].astype("str")
    order = {k: i for i, k in enumerate(("applied", "follow_up", "reply", "interview",
                                        "thank_you", "offer", "rejection", "withdrawn"))}
    pos = {a: i for i, a in enumerate(app_order)}
    events = events.assign(_a=events["application_id"].map(pos), _o=events["kind"].map(order))
    events = events.sort_values(["_a", "date", "_o"], kind="stable", na_position="last")
    return events.drop(columns=["_a", "_o"]).reset_index(drop=True)


def _follow_up_sheet(book: RawBook, sheet: RawSheet, header_idx: int, apps: pd.DataFrame,
                     as_of: pd.Timestamp, dayfirst: bool | None,
                     col: Collector) -> pd.DataFrame:
    """Follow-up events from a separate sheet, joined to applications by id or
    company + title (unmatched rows reported)."""
    g = make_grid(sheet, header_idx, col)
    kinds = [classify(h)[0] for h in g.headers]
    jid = kinds.index("application_id") if "application_id" in kinds else None
    jco = kinds.index("company") if "company" in kinds else None
    jti = kinds.index("title") if "title" in kinds else None
    jd = next((j for j, k in enumerate(kinds) if k == "follow_up_on"),
              next((j for j, k in enumerate(kinds) if k == "applied_on"), None))
    jch = next((j for j, h in enumerate(g.headers)
                if kinds[j] == "follow_up_channel" or norm(h) in GENERIC_CHANNEL), None)
    if jd is None:
        return pd.DataFrame(columns=list(EVENT_COLUMNS))
    col.notes.append(f"sheet {sheet.name!r} read as a follow-ups sheet (date: "
                     f"{g.headers[jd]!r}, matched by "
                     f"{'id' if jid is not None else 'company + job title'})")
    d = parse_dates(g.cols[jd], header=f"{sheet.name}: {g.headers[jd]}", epoch=book.epoch,
                    dayfirst=dayfirst)
    if d.decision:
        col.decisions.append(d.decision)
    by_id = dict(zip(apps["application_id"], apps["application_id"]))
    by_key: dict[tuple[str, str], list[int]] = {}
    for k, (c, t) in enumerate(zip(apps["company"], apps["title"])):
        by_key.setdefault((norm(c) if pd.notna(c) else "", norm(t) if pd.notna(t) else ""),
                          []).append(k)
    rows, planned = [], 0
    for i, r in enumerate(g.rows):
        date = d.values.iat[i]
        if pd.isna(date):
            raw = g.cols[jd][i]
            col.add(sheet.name, r, g.headers[jd], "dropped",
                    "follow-up without a date; not counted" if is_missing(raw) else
                    f"follow-up date {str(raw)!r} not understood; not counted")
            continue
        target = None
        if jid is not None and not is_missing(g.cols[jid][i]):
            target = by_id.get(str(_text(g.cols[jid][i])))
        elif jco is not None:
            key = (norm(g.cols[jco][i] or ""), norm(g.cols[jti][i] or "") if jti is not None
                   else "")
            cands = by_key.get(key, [])
            if jti is None:
                cands = [k for kk, v in by_key.items() if kk[0] == key[0] for k in v]
            before = [k for k in cands if apps["applied_on"].iat[k] <= date]
            if before:  # the latest application before the follow-up
                target = apps["application_id"].iat[max(before,
                                                        key=lambda k: apps["applied_on"].iat[k])]
        if target is None:
            col.add(sheet.name, r, None, "dropped",
                    "follow-up matches no application (by "
                    f"{'id' if jid is not None else 'company and job title, applied before it'})"
                    "; not counted")
            continue
        if date.normalize() > as_of:
            planned += 1
            continue
        channel = parse_channel(g.cols[jch][i]) if jch is not None else None
        rows.append((target, date, "follow_up", channel, f"{sheet.name}: {g.headers[jd]}"))
    if planned:
        col.notes.append(f"sheet {sheet.name!r}: {planned} follow-up(s) dated after the as-of "
                         "date are plans: not counted")
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
