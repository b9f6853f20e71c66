"""Benchmark inputs: tracker files (CSV, XLSX) and canonical Parquet tables of any size.

Vectorised with numpy; the Parquet writer works in chunks so 100 million
applications never sit in memory at once. Files are cached by name (size and
seed in it): a second run reuses them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: First application day and the length of the application period.
START = np.datetime64("2024-01-01")
DAYS = 700
#: Snapshot date of every generated data set.
AS_OF = "2026-01-01"

_SOURCES = np.array(["referral", "company site", "linkedin easy apply", "job board", "recruiter"])
_SHARE = np.array([0.10, 0.30, 0.35, 0.20, 0.05])
_P_REPLY = np.array([0.65, 0.35, 0.12, 0.20, 0.55])
_CHANNELS = np.array(["email", "phone", "linkedin"])
_HEADER = ["Company", "Role", "Source", "Date Applied", "Status", "Response date",
           "Follow-up 1", "Follow-up 1 via"]


def _draw(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per application: source, applied day, reply day (-1: none), follow-up day (-1: none)."""
    src = rng.choice(len(_SOURCES), size=n, p=_SHARE)
    applied = rng.integers(0, DAYS, size=n)
    replied = rng.random(n) < _P_REPLY[src]
    reply = np.where(replied, rng.geometric(0.12, size=n) - 1, -1)
    # a follow-up goes to applications still silent on its day
    fday = rng.integers(2, 26, size=n)
    followed = (rng.random(n) < 0.45) & ((reply < 0) | (reply > fday))
    fday = np.where(followed, fday, -1)
    # nothing after the snapshot is on record
    horizon = (np.datetime64(AS_OF) - START).astype(int) - applied
    reply = np.where(reply > horizon, -1, reply)
    fday = np.where(fday > horizon, -1, fday)
    return {"src": src, "applied": applied, "reply": reply, "fday": fday,
            "channel": rng.integers(0, len(_CHANNELS), size=n)}


def tracker_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """A tracker as a person keeps it (the header of the bundled sample), ``n`` rows."""
    rng = np.random.default_rng(seed)
    d = _draw(n, rng)
    day = np.timedelta64(1, "D")
    applied = START + d["applied"] * day
    reply = np.where(d["reply"] >= 0, applied + d["reply"] * day, np.datetime64("NaT"))
    fu = np.where(d["fday"] >= 0, applied + d["fday"] * day, np.datetime64("NaT"))
    status = np.where(d["reply"] < 0, "Applied",
                      np.where(rng.random(n) < 0.3, "Interview", "Rejected"))
    companies = np.char.add("Company ", (rng.integers(0, 5000, size=n)).astype(str))
    roles = np.array(["Data Analyst", "Data Engineer", "Analytics Engineer"])[
        rng.integers(0, 3, size=n)]

    def text(dates: np.ndarray) -> pd.Series:
        s = pd.Series(dates).dt.strftime("%Y-%m-%d")
        return s.where(s.notna(), "")

    return pd.DataFrame({
        "Company": companies, "Role": roles, "Source": _SOURCES[d["src"]],
        "Date Applied": text(applied), "Status": status, "Response date": text(reply),
        "Follow-up 1": text(fu),
        "Follow-up 1 via": np.where(d["fday"] >= 0, _CHANNELS[d["channel"]], ""),
    })[_HEADER]


def tracker_csv(n: int, folder: Path, seed: int = 0) -> Path:
    path = folder / f"tracker-{n}-{seed}.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tracker_frame(n, seed).to_csv(tmp, index=False)
        tmp.rename(path)
    return path


def tracker_xlsx(n: int, folder: Path, seed: int = 0) -> Path:
    """The same tracker as an .xlsx (dates as real Excel dates), via openpyxl's write-only mode."""
    import openpyxl

    path = folder / f"tracker-{n}-{seed}.xlsx"
    if path.exists():
        return path
    frame = tracker_frame(n, seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Applications")
    ws.append(_HEADER)
    dates = {"Date Applied", "Response date", "Follow-up 1"}
    cols = []
    for name in _HEADER:
        values = frame[name]
        if name in dates:
            parsed = pd.to_datetime(values.where(values != ""), format="%Y-%m-%d")
            cols.append([None if pd.isna(v) else v.to_pydatetime() for v in parsed])
        else:
            cols.append([v if v != "" else None for v in values.tolist()])
    for row in zip(*cols):
        ws.append(list(row))
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    tmp.rename(path)
    return path


def parquet_tables(n: int, folder: Path, *, seed: int = 0, chunk: int = 5_000_000) -> tuple[Path, Path]:
    """Canonical applications and events tables of ``n`` applications, as Parquet parts.

    Returns the two folders (``apps/part-*.parquet``, ``events/part-*.parquet``).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    root = folder / f"canonical-{n}-{seed}"
    apps_dir, ev_dir = root / "apps", root / "events"
    if (root / "DONE").exists():
        return apps_dir, ev_dir
    apps_dir.mkdir(parents=True, exist_ok=True)
    ev_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start = START.astype("datetime64[D]").astype(np.int32)
    stages = np.array(["applied", "replied", "interview"])
    for k, lo in enumerate(range(0, n, chunk)):
        m = min(chunk, n - lo)
        d = _draw(m, rng)
        ids = pc.binary_join_element_wise(
            "a", pc.cast(pa.array(np.arange(lo, lo + m)), pa.string()), "")
        applied = (start + d["applied"]).astype(np.int32)
        has_reply = d["reply"] >= 0
        reply = pa.array((applied + d["reply"]).astype(np.int32), mask=~has_reply).cast(
            pa.date32())
        stage_code = np.where(has_reply, np.where(rng.random(m) < 0.3, 2, 1), 0)
        followed = d["fday"] >= 0
        apps = pa.table({
            "application_id": ids,
            "applied_on": pa.array(applied).cast(pa.date32()),
            "first_reply_on": reply,
            "stage": pa.DictionaryArray.from_arrays(pa.array(stage_code.astype(np.int8)),
                                                    pa.array(stages)),
            "source": pa.DictionaryArray.from_arrays(pa.array(d["src"].astype(np.int8)),
                                                     pa.array(_SOURCES)),
            "followed_up": pa.array(followed),
        })
        pq.write_table(apps, apps_dir / f"part-{k:04d}.parquet", row_group_size=1_000_000)
        sel = np.flatnonzero(followed)
        events = pa.table({
            "application_id": ids.take(pa.array(sel)),
            "date": pa.array((applied[sel] + d["fday"][sel]).astype(np.int32)).cast(pa.date32()),
            "kind": pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(sel), np.int8)),
                                                   pa.array(["follow_up"])),
            "channel": pa.DictionaryArray.from_arrays(
                pa.array(d["channel"][sel].astype(np.int8)), pa.array(_CHANNELS)),
        })
        pq.write_table(events, ev_dir / f"part-{k:04d}.parquet", row_group_size=1_000_000)
    (root / "DONE").write_text(f"{n} applications, seed {seed}\n")
    return apps_dir, ev_dir
