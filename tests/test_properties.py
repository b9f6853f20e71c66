"""Property tests (hypothesis) of the loader and the analytics.

Loader: small random trackers written as CSV or xlsx; every row is either an
application or reported, dates come back exactly as written (when the column
says which order day and month are in), text comes back as typed, and the
result does not depend on the order of the rows.

Analytics: random canonical application tables built directly; rates are
proportions with intervals around them, reply curves are cumulative
probabilities, counts add up across a breakdown, and nothing depends on row
order.
"""

from __future__ import annotations

import csv
import random
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from jobstats.io.vocab import MISSING, norm
from jobstats.schema import (
    APPLICATION_COLUMNS,
    REPLY_KINDS,
    SOURCES,
    STAGES,
    STATUSES,
    AnalysisError,
)

AS_OF = pd.Timestamp("2025-06-30")
# No "explain" phase: it re-runs failing cases many times and a failure is
# already shrunk to a minimal example.
SETTINGS = settings(max_examples=60, deadline=None,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- random trackers (files) ------------------------------------------------

#: strftime formats a tracker column may use; one per column.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y",
                "%b %d, %Y", "%B %d, %Y"]
#: Formats where day and month are both numbers of at most 12 sometimes.
_NUMERIC_DM = {"%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y"}
STATUS_WORDS = ["Applied", "Rejected", "Interview", "Ghosted", "Offer", "No response",
                "Phone screen", "Withdrawn", ""]
#: Values a loader may rightly read as "missing" (placeholders), kept out of names.
PLACEHOLDERS = {"", "-", "--", "n/a", "na", "none", "null", "nan", "nat", "?", "tbd", "unknown"}

# A letter of any script first (so no placeholder like "-" or "?", no formula
# prefix "=+-@"), then letters, digits, spaces and common punctuation; no control
# characters (nobody types them in a tracker).
_letter = st.characters(categories=["Lu", "Ll", "Lo"], max_codepoint=0x9FFF)
_name_chars = st.characters(categories=["Lu", "Ll", "Lo", "Nd"], max_codepoint=0x9FFF) | \
    st.sampled_from(list(" &.-'()"))
names = st.builds(lambda a, b: (a + b).strip(), _letter, st.text(_name_chars, max_size=15)).filter(
    # nor a word that folds to a placeholder of the vocabularies ("SO" ~ "s.o.", "ŃA" ~ "NA"):
    # which of those are still names is pinned by tests/test_load_fast_paths.py
    lambda s: s.casefold() not in PLACEHOLDERS and norm(s) not in MISSING)


@st.composite
def trackers(draw: st.DrawFn) -> dict:
    n = draw(st.integers(1, 12))
    fmt = draw(st.sampled_from(DATE_FORMATS))
    base = date(2024, 1, 1)
    applied = [base + timedelta(days=draw(st.integers(0, 500))) for _ in range(n)]
    if fmt in _NUMERIC_DM:
        # One unambiguous date (day > 12) tells which order the column uses.
        k = draw(st.integers(0, n - 1))
        applied[k] = applied[k].replace(day=draw(st.integers(13, 28)))
    rows = []
    for i in range(n):
        gap = draw(st.one_of(st.none(), st.integers(0, 60)))
        reply = applied[i] + timedelta(days=gap) if gap is not None else None
        rows.append({
            "company": draw(names),
            "title": draw(names),
            "applied": applied[i],
            "reply": reply,
            "status": draw(st.sampled_from(STATUS_WORDS)),
        })
    blanks = draw(st.lists(st.integers(0, n), max_size=3))  # blank rows before row k
    kind = draw(st.sampled_from(["csv", "xlsx", "xlsx-dates"]))  # last: real date cells
    return {"rows": rows, "fmt": fmt, "blanks": blanks, "kind": kind}


HEADER = ["Company", "Position", "Date Applied", "Status", "Response Date"]


def _grid(t: dict, order: list[int]) -> list[list[object]]:
    def cell(d: date | None) -> object:
        if d is None:
            return ""
        if t["kind"] == "xlsx-dates":
            return datetime(d.year, d.month, d.day)
        return d.strftime(t["fmt"])

    grid: list[list[object]] = [HEADER]
    for pos, i in enumerate(order):
        grid += [["", "", "", "", ""] for k in t["blanks"] if k == pos]
        r = t["rows"][i]
        grid.append([r["company"], r["title"], cell(r["applied"]), r["status"], cell(r["reply"])])
    return grid


def _write(t: dict, folder: Path, order: list[int], stem: str) -> Path:
    grid = _grid(t, order)
    if t["kind"] == "csv":
        path = folder / f"{stem}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(grid)
    else:
        import openpyxl

        path = folder / f"{stem}.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        for r in grid:
            # openpyxl stores a str starting with "=" as a formula; names never do.
            ws.append([v if v != "" else None for v in r])
        wb.save(path)
    return path


def _load(path: Path):
    from jobstats.io import load

    return load(path, as_of=AS_OF)


def _content(apps: pd.DataFrame) -> list[tuple]:
    """The applications as a sorted list of what the user wrote (ids and rows aside)."""
    cols = ["company", "title", "applied_on", "first_reply_on", "stage", "status"]
    return sorted(tuple(str(v) for v in r) for r in apps[cols].itertuples(index=False))


@SETTINGS
@given(trackers())
def test_loader_every_row_kept_or_reported(t: dict) -> None:
    with tempfile.TemporaryDirectory() as d:
        res = _load(_write(t, Path(d), list(range(len(t["rows"]))), "tracker"))
    apps, report = res.applications, res.report
    n = len(t["rows"])
    assert len(apps) + report.dropped == n, report.warnings
    # Every generated row has a valid applied date before as-of: none may go.
    assert report.dropped == 0, report.warnings
    assert list(apps.columns[: len(APPLICATION_COLUMNS)]) == list(APPLICATION_COLUMNS)
    got = sorted(apps["applied_on"].dt.date)
    assert got == sorted(r["applied"] for r in t["rows"]), (t["fmt"], report.warnings)
    want_replies = sorted(r["reply"] for r in t["rows"] if r["reply"] is not None)
    assert sorted(apps["first_reply_on"].dropna().dt.date) == want_replies


@SETTINGS
@given(trackers())
def test_loader_keeps_text_as_typed(t: dict) -> None:
    """Company names in any script come back exactly (stripped), never as missing."""
    with tempfile.TemporaryDirectory() as d:
        res = _load(_write(t, Path(d), list(range(len(t["rows"]))), "tracker"))
    assert sorted(res.applications["company"].astype(object).map(str)) == sorted(
        r["company"] for r in t["rows"])


@SETTINGS
@given(trackers(), st.randoms(use_true_random=False))
def test_loader_independent_of_row_order(t: dict, rnd: random.Random) -> None:
    n = len(t["rows"])
    order = list(range(n))
    shuffled = order[:]
    rnd.shuffle(shuffled)
    # Keep the blank rows in place relative to positions, the data moves.
    with tempfile.TemporaryDirectory() as d:
        a = _load(_write(t, Path(d), order, "a"))
        b = _load(_write(t, Path(d), shuffled, "b"))
    assert _content(a.applications) == _content(b.applications)
    assert a.report.dropped == b.report.dropped


# --- random canonical tables (analytics) -------------------------------------


@st.composite
def application_tables(draw: st.DrawFn, min_size: int = 1) -> pd.DataFrame:
    n = draw(st.integers(min_size, 60))
    start = pd.Timestamp("2025-01-01")
    recs = []
    for i in range(n):
        applied = start + pd.Timedelta(days=draw(st.integers(0, 180)))
        replied = draw(st.booleans())
        if replied:
            stage = draw(st.sampled_from(STAGES[1:]))
            gap = draw(st.integers(0, 120))  # may fall after as-of: then not on record
            undated = draw(st.integers(0, 9)) == 0  # a reply known from the status only
            reply_on = pd.NaT if undated else applied + pd.Timedelta(days=gap)
            kind = {"replied": "other", "screen": "interview", "interview": "interview",
                    "offer": "offer", "accepted": "offer"}[stage]
            if stage == "replied" and draw(st.booleans()):
                kind = "rejection"
            status = {"replied": "rejected" if kind == "rejection" else "applied",
                      "screen": "screen", "interview": "interview", "offer": "offer",
                      "accepted": "accepted"}[stage]
        else:
            stage, reply_on, kind = "applied", pd.NaT, pd.NA
            status = draw(st.sampled_from(["applied", "no_response", "withdrawn", "closed"]))
        recs.append({
            "application_id": f"a{i}",
            "client": pd.NA,
            "company": draw(st.sampled_from(["Acme", "Globex", "Initech", "Zoë & Co"])),
            "title": draw(st.sampled_from(["Analyst", "Engineer"])),
            "source": draw(st.sampled_from([*SOURCES[:4], None])),
            "applied_on": applied,
            "first_reply_on": reply_on,
            "reply_kind": kind,
            "stage": stage,
            "status": status,
            "status_raw": status,
            "followed_up": draw(st.booleans()),
            "notes": pd.NA,
            "sheet": "Applications",
            "row": i + 2,
        })
    # the table a column at a time, each built in its dtype (text: pandas' "str",
    # missing NaN), one DataFrame: converting the columns of a frame of records one
    # after another cost more than the analyses it feeds on a few dozen rows
    def text(c: str) -> pd.arrays.ArrowStringArray:
        return pd.array([None if pd.isna(r[c]) else str(r[c]) for r in recs], dtype="str")

    columns = {c: text(c) for c in ("application_id", "company", "title", "source",
                                    "reply_kind", "stage", "status", "status_raw", "notes",
                                    "sheet")}
    columns["client"] = pd.Series([pd.NA] * n, dtype=object)
    columns["source_raw"] = columns["callback_due_on"] = np.full(n, np.nan)
    for c in ("applied_on", "first_reply_on"):
        columns[c] = pd.to_datetime(pd.Series([r[c] for r in recs], dtype=object))
    columns["followed_up"] = pd.array([r["followed_up"] for r in recs], dtype="boolean")
    columns["row"] = np.array([r["row"] for r in recs], dtype=np.int64)
    apps = pd.DataFrame(columns, columns=list(APPLICATION_COLUMNS))
    assert set(apps["stage"]) <= set(STAGES) and set(apps["status"]) <= set(STATUSES)
    assert set(apps["reply_kind"].dropna()) <= set(REPLY_KINDS)
    return apps


def _shuffle(apps: pd.DataFrame, seed: int) -> pd.DataFrame:
    return apps.sample(frac=1, random_state=seed).reset_index(drop=True)


def _check_intervals(table: pd.DataFrame) -> None:
    est = table.dropna(subset=["estimate"])
    assert ((est["estimate"] >= 0) & (est["estimate"] <= 1)).all()
    assert (est["ci_low"] <= est["estimate"] + 1e-12).all()
    assert (est["estimate"] <= est["ci_high"] + 1e-12).all()
    assert ((est["ci_low"] >= -1e-12) & (est["ci_high"] <= 1 + 1e-12)).all()


@SETTINGS
@given(application_tables(), st.integers(0, 10_000))
def test_rates_are_proportions_that_add_up(apps: pd.DataFrame, seed: int) -> None:
    from jobstats.outcome_rates import rates

    overall = rates(apps, as_of=AS_OF)
    _check_intervals(overall)
    assert (overall["events"] <= overall["n"]).all() and (overall["events"] >= 0).all()
    # Independent counts for the plain proportions.
    resp = overall.set_index("measure")
    assert resp.loc["response", "n"] == len(apps)
    rank = apps["stage"].map({s: i for i, s in enumerate(STAGES)})
    assert resp.loc["interview", "events"] == int((rank >= STAGES.index("interview")).sum())
    assert resp.loc["offer", "events"] == int((rank >= STAGES.index("offer")).sum())
    on_record = (rank >= 1) & ~(apps["first_reply_on"] > AS_OF)
    assert resp.loc["response", "events"] == int(on_record.sum())
    # Counts add up across a breakdown (missing source is its own group).
    by = rates(apps, by="source", as_of=AS_OF)
    _check_intervals(by)
    summed = by.groupby("measure")[["n", "events"]].sum()
    for m in summed.index:
        assert summed.loc[m, "n"] == resp.loc[m, "n"], m
        if m != "ghosting":  # KM "known ghosted" also adds up, but check the plain ones
            assert summed.loc[m, "events"] == resp.loc[m, "events"], m
    # Row order does not matter.
    again = rates(_shuffle(apps, seed), by="source", as_of=AS_OF)
    pd.testing.assert_frame_equal(by.reset_index(drop=True), again.reset_index(drop=True))


@SETTINGS
@given(application_tables(), st.integers(0, 10_000))
def test_reply_curve_is_a_cumulative_probability(apps: pd.DataFrame, seed: int) -> None:
    from jobstats.timing import reply_curve

    try:
        curve = reply_curve(apps, as_of=AS_OF)
    except AnalysisError:
        # Documented refusal: only when no application can be timed. Check that
        # independently: each row lacks a usable applied date or has a reply
        # dated before it (an undated reply still counts: it is imputed).
        applied = pd.to_datetime(apps["applied_on"])
        reply = pd.to_datetime(apps["first_reply_on"])
        unusable = (
            applied.isna()
            | (applied.dt.normalize() > AS_OF)
            | (reply.notna() & (reply.dt.normalize() < applied.dt.normalize()))
        )
        assert unusable.all()
        return
    assume(len(curve) > 0)
    _check_intervals(curve)
    known = curve.dropna(subset=["estimate"])
    est = known["estimate"].to_numpy(dtype=float)
    assert np.all(np.diff(est) >= -1e-12), "reply curve must not decrease"
    assert np.all(np.diff(curve["day"].to_numpy()) > 0)
    assert np.all(np.diff(curve["at_risk"].to_numpy()) <= 0), "at risk can only shrink"
    # Everyone at risk on day 0 is accounted for by replies and censoring.
    assert curve["events"].sum() + curve["censored"].sum() <= curve["at_risk"].iloc[0]
    # Undated replies: the estimate lies within the bounds.
    bounded = known.dropna(subset=["bounds_low"])
    assert (bounded["bounds_low"] <= bounded["estimate"] + 1e-9).all()
    assert (bounded["estimate"] <= bounded["bounds_high"] + 1e-9).all()
    # Independent check of the first step: P(reply on day 0) = replied / at risk.
    first = curve.iloc[0]
    if first["day"] == 0 and np.isnan(first["bounds_low"]) and first["at_risk"] > 0:
        assert first["estimate"] == pytest.approx(first["events"] / first["at_risk"])
    again = reply_curve(_shuffle(apps, seed), as_of=AS_OF)
    pd.testing.assert_frame_equal(curve.reset_index(drop=True), again.reset_index(drop=True))


@SETTINGS
@given(application_tables(), st.integers(0, 10_000))
def test_funnel_counts_add_up(apps: pd.DataFrame, seed: int) -> None:
    from jobstats.stages import EXITS, funnel

    f = funnel(apps)
    assert list(f["stage"]) == list(STAGES)
    reached = f["events"].to_numpy()
    assert reached[0] == len(apps)
    assert np.all(np.diff(reached) <= 0)
    assert f[list(EXITS)].to_numpy().sum() == len(apps)
    rank = apps["stage"].map({s: i for i, s in enumerate(STAGES)})
    for i, s in enumerate(STAGES):
        assert f.loc[f["stage"] == s, "events"].iloc[0] == int((rank >= i).sum())
    by = funnel(apps, by="source")
    assert by.groupby("stage")["events"].sum().reindex(list(STAGES)).tolist() == list(reached)
    again = funnel(_shuffle(apps, seed), by="source")
    pd.testing.assert_frame_equal(by.reset_index(drop=True), again.reset_index(drop=True))
