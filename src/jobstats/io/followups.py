"""A separate follow-ups sheet: recognised, parsed and joined to the applications."""

from __future__ import annotations

import pandas as pd

from jobstats.io.columns import classify, find_header
from jobstats.io.dates import parse_dates
from jobstats.io.grid import Collector, make_grid, text_value
from jobstats.io.readers import RawBook, RawSheet
from jobstats.io.vocab import GENERIC_CHANNEL, is_missing, norm, parse_channel
from jobstats.schema import EVENT_COLUMNS


def find_follow_up_sheet(book: RawBook, apps: RawSheet) -> tuple[RawSheet, int] | None:
    """A separate sheet of follow-ups: keyed by id or company + title, with a date."""
    for s in book.sheets:
        if s is apps:
            continue
        idx, _ = find_header(s)
        if idx < 0:
            continue
        fields = [classify(c)[0] for c in s.rows[idx]]
        named = "follow" in norm(s.name)
        has_date = "follow_up_on" in fields or (named and "applied_on" in fields)
        # Company alone is key enough beside a follow-up date column ("Company |
        # Follow-up date | Method"): the follow-up goes to the latest application to it.
        has_key = ("application_id" in fields or {"company", "title"} <= set(fields)
                   or ("company" in fields and "follow_up_on" in fields))
        strong_applied = any(
            f == "applied_on" and classify(c)[1] == 1.0 for f, c in zip(fields, s.rows[idx])
        )
        if has_key and has_date and (named or not strong_applied):
            return s, idx
    return None


def follow_up_sheet_events(book: RawBook, sheet: RawSheet, header_idx: int, apps: pd.DataFrame,
                     as_of: pd.Timestamp, dayfirst: bool | None,
                     col: Collector) -> pd.DataFrame:
    """Follow-up events from a separate sheet, joined to applications by id or
    company + title (unmatched rows reported as dropped).

    A row keyed by company + title goes to the latest application to that job
    made on or before the follow-up date (people re-apply to the same job).
    """
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
    key_name = ("id" if jid is not None else
                "company + job title" if jti is not None else "company")
    col.notes.append(f"sheet {sheet.name!r} read as a follow-ups sheet (date: "
                     f"{g.headers[jd]!r}, matched by "
                     f"{key_name})")
    d = parse_dates(g.cols[jd], header=f"{sheet.name}: {g.headers[jd]}", epoch=book.epoch,
                    dayfirst=dayfirst)
    if d.decision:
        col.decisions.append(d.decision)
    ids = set(apps["application_id"])
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
            key_id = str(text_value(g.cols[jid][i]))
            target = key_id if key_id in ids else None
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
                    f"{key_name if jid is not None else key_name + ', applied before it'})"
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
