"""The fast paths of the loader and of the shared per-application steps give the
same answers as the plain ones (speed is measured in python -m benchmarks,
never asserted here)."""

from __future__ import annotations

import random
import string

import numpy as np
import pandas as pd
import pytest

import jobstats
from jobstats import risksets
from jobstats.io import readers
from jobstats.io.vocab import fold_many


def _pandas_fold(values: list[str]) -> list[str]:
    """The reference: pandas' string methods, one value at a time."""
    return (pd.Series(values, dtype=object).str.casefold().str.normalize("NFKD")
            .str.replace(r"[\u0300-\u036f]|[\W_]+", "", regex=True)).tolist()


@pytest.mark.parametrize("alphabet", [string.printable,
                                      string.printable + "éÉßçñ東京データ\u0301ﬁ²İ_–·\u00a0"])
def test_fold_many_equals_pandas_string_methods(alphabet: str) -> None:
    rng = random.Random(7)
    for _ in range(200):
        values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
                  for _ in range(rng.randint(1, 40))]
        assert fold_many(values) == _pandas_fold(values)


def test_fold_many_hand_cases() -> None:
    assert fold_many(["Café-Bar", "ACME, Inc.", "Gespräch", "", "a\x00b"]) == [
        "cafebar", "acmeinc", "gesprach", "", "ab"]


def test_title_row_csv_read_column_wise_equals_row_by_row(tmp_path, monkeypatch) -> None:
    """A title line above the header no longer forces the row-by-row reader."""
    path = tmp_path / "tracker.csv"
    path.write_text("My job search 2025\n\nCompany,Date applied,Status\n"
                    "Acme,2025-01-02,Rejected\n\"Beta, Inc\",2025-01-03,Applied\n"
                    "Gamma,2025-01-05,\n", encoding="utf-8")
    slow = jobstats.load(path, as_of="2025-03-01")
    monkeypatch.setattr(readers, "FAST_TEXT_BYTES", 0)  # force pandas' C reader
    fast = jobstats.load(path, as_of="2025-03-01")
    pd.testing.assert_frame_equal(fast.applications, slow.applications)
    pd.testing.assert_frame_equal(fast.events, slow.events)
    assert fast.applications["company"].tolist() == ["Acme", "Beta, Inc", "Gamma"]
    assert fast.applications["row"].tolist() == [4, 5, 6]


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    apps = pd.DataFrame({
        "application_id": pd.Series(["a", "b", "c", "d", "e"], dtype="str"),
        "applied_on": pd.to_datetime(["2025-01-01", "2025-01-05", "2025-07-01", "2025-01-03",
                                      None]),
        "first_reply_on": pd.to_datetime([None, "2025-01-20", None, "2024-12-01", None]),
        "stage": pd.Series(["applied", "replied", "applied", "replied", "applied"],
                           dtype="str"),
        "row": [2, 3, 4, 5, 6],
    })
    events = pd.DataFrame({
        "application_id": pd.Series(["a", "a", "b", "c", "e", "a"], dtype="str"),
        "date": pd.to_datetime(["2025-01-04", "2024-12-30", "2025-01-10", "2025-06-01",
                                "2025-01-02", None]),
        "kind": pd.Series(["follow_up"] * 6, dtype="str"),
        "channel": pd.Series(["email", None, "phone", "email", "email", None], dtype="str"),
    })
    return apps, events


def test_shared_steps_compute_once_and_hand_out_copies(monkeypatch) -> None:
    apps, events = _tables()
    calls = []
    real = risksets._reply_durations
    monkeypatch.setattr(risksets, "_reply_durations",
                        lambda *a: calls.append(1) or real(*a))
    plain, plain_w = risksets.reply_durations(apps, as_of="2025-06-30")
    with risksets.shared_steps():
        first, w1 = risksets.reply_durations(apps, as_of="2025-06-30")
        first["time"] = -99  # a caller changing its copy
        second, w2 = risksets.reply_durations(apps, as_of="2025-06-30")
        other, _ = risksets.reply_durations(apps.copy(), as_of="2025-06-30")
    assert len(calls) == 1 + 1 + 1  # plain, once in the block, and the other table
    pd.testing.assert_frame_equal(second, plain)
    assert w1 == w2 == plain_w
    pd.testing.assert_frame_equal(other, plain)
    # hand-checked: a replies on no day (censored at 180), b on day 15
    assert plain["time"].tolist()[:2] == [180, 15]
    assert plain["reason"].tolist()[2:] == ["applied after the as-of date",
                                            "reply dated before the application",
                                            "no applied date"]


def test_risk_sets_follow_ups_cut_from_whole_table_equal_direct() -> None:
    """The follow-up days of the usable applications, cut from the whole table's,
    equal those computed on the usable applications alone (warnings included)."""
    apps, events = _tables()
    keep = np.array([True, True, False, False, False])
    direct, direct_w = risksets.followup_days(apps[keep], events, as_of="2025-06-30")
    cut, cut_w = risksets._followup_days_kept(apps, events, pd.Timestamp("2025-06-30"), keep)
    pd.testing.assert_frame_equal(cut, direct)
    assert cut_w == direct_w
    # hand-checked: a's follow-ups on days 3 (and one before applying: ignored), b's on day 5
    assert direct["first"].tolist() == [3.0, 5.0]
    assert any("1 follow-up(s) dated before their application" in w for w in direct_w)
    with risksets.shared_steps():
        shared = risksets.daily_risk_sets(apps, events, as_of="2025-06-30", followup=True)
    alone = risksets.daily_risk_sets(apps, events, as_of="2025-06-30", followup=True)
    pd.testing.assert_frame_equal(shared, alone)
    assert shared.attrs["warnings"] == alone.attrs["warnings"]


def test_a_name_that_folds_to_a_placeholder_is_kept(tmp_path) -> None:
    """"ŃA" folds to "na" but is a name, not N/A (found by hypothesis); accented
    placeholders written as such ("entfällt", "non communiqué") stay missing."""
    from jobstats.io.vocab import is_missing, missing_mask

    values = ["ŃA", "N/A", "na", "entfällt", "non communiqué", "Nä", " - ", "SO", "S.O.", "#N/A",
              "NB", "", "NC"]
    # "SO"/"NB" are names: only "s.o."/"n.b." (with their dots) are placeholders; "NC" is
    # listed without punctuation (French "non communiqué"), so it stays one
    expected = [False, True, True, True, True, False, True, False, True, True, False, True, True]
    assert [is_missing(v) for v in values] == expected
    assert missing_mask(values * 100).tolist() == expected * 100  # the vectorised path
    csv = tmp_path / "t.csv"
    csv.write_text("Company,Title,Applied\nŃA,A,2024-01-01\nN/A,B,2024-01-02\n", encoding="utf-8")
    apps = jobstats.load(csv, as_of="2024-02-01").applications
    assert apps["company"].iloc[0] == "ŃA" and pd.isna(apps["company"].iloc[1])


@pytest.mark.parametrize("integer_positions", [False, True])
def test_event_order_is_lexsort(integer_positions: bool) -> None:
    """The packed one-key sort of events orders them as np.lexsort of the three
    keys does (position, date, kind rank; ties in their order), with and without
    times of day (which fall back to lexsort), missing positions and dates.
    Integer positions (the main sheet's events) take the packed sort without the
    float checks."""
    from jobstats.io.tables import _DAY_NS, _event_order

    rng = np.random.default_rng(int(integer_positions))
    big = np.iinfo(np.int64).max
    for trial in range(200 if integer_positions else 300):
        m = int(rng.integers(0, 60))
        pos = rng.integers(0, 10, m)
        if not integer_positions:
            pos = pos.astype(float)
            pos[rng.random(m) < 0.2] = np.inf
        date = (rng.integers(-3, 5, m) + 19_000) * _DAY_NS
        if trial % 3 == 0:
            date[rng.random(m) < 0.3] += 3600 * 10**9
        date[rng.random(m) < 0.2] = big
        rank = rng.integers(-1, 6, m)
        assert (_event_order(pos, date, rank) == np.lexsort((rank, date, pos))).all()


def test_sorted_events_equal_the_tidied_frame() -> None:
    """Events sorted on their codes (strings made after sorting) equal the plain
    path: the unsorted frame put in order by _tidy_events."""
    from jobstats.io.tables import _EventRows, _events_frame, _sorted_events, _tidy_events

    rng = np.random.default_rng(2)
    for _ in range(100):
        n = int(rng.integers(1, 40))
        keep = rng.random(n) < 0.8
        app_id = pd.array([f"s:{i + 2}" for i in range(n)], dtype="str")
        parts = []
        for kind in rng.choice(["applied", "reply", "follow_up", "interview", "other"],
                               int(rng.integers(1, 5))):
            pos = np.flatnonzero(keep & (rng.random(n) < 0.7))
            k = len(pos)
            date = (np.datetime64("2025-01-01", "ns")
                    + rng.integers(0, 9, k) * np.timedelta64(1, "D"))
            date[rng.random(k) < 0.1] = np.datetime64("NaT")
            parts.append(_EventRows(pos, date, str(kind),
                                    (rng.integers(-1, 2, k), ["email", None]),
                                    (rng.integers(-1, 3, k), ["A", "", "B"])))
        parts = [p for p in parts if len(p.pos)] or parts[:1]
        new_pos = np.cumsum(keep) - 1
        plain = _events_frame(parts, app_id)
        plain["_pos"] = new_pos[plain["_pos"].to_numpy()]
        kept_ids = pd.Series(app_id[keep])
        pd.testing.assert_frame_equal(_sorted_events(parts, app_id, new_pos),
                                      _tidy_events(plain, kept_ids))


def test_take_str_one_value_equals_a_take() -> None:
    """A column of one repeated value (or all missing) is built by Arrow's repeat;
    it equals the plain take."""
    from jobstats.io.tables import _take_str

    for values, codes in [(["Sheet1"], np.zeros(5, dtype=np.intp)),
                          ([], np.full(4, -1, dtype=np.intp)),
                          (["a", None], np.ones(3, dtype=np.intp)),
                          (["a", "b"], np.array([1, 1, 1])),
                          ([3.0, "x"], np.array([0, 0]))]:
        plain = pd.Series(pd.array(np.asarray(values, dtype=object), dtype="str").take(
            codes, allow_fill=True))
        pd.testing.assert_series_equal(_take_str(values, codes), plain)


def test_coded_column_reads_as_its_cells() -> None:
    """A grid column kept as codes reads, cell by cell, slice by slice and as an
    array, as the object array of its cells."""
    from jobstats.io.grid import CodedColumn

    rng = np.random.default_rng(3)
    values = np.array(["a", 2.5, None, "  b "] + [None], dtype=object)  # last: code -1
    for _ in range(20):
        codes = rng.integers(-1, 4, int(rng.integers(0, 10_000)))
        col = CodedColumn(codes, values)
        cells = values[codes]
        assert len(col) == len(cells)
        assert list(col) == cells.tolist()
        assert (np.asarray(col) == cells).all() or not len(cells)
        if len(cells):
            i = int(rng.integers(0, len(cells)))
            assert col[i] == cells[i] and col[np.int64(i)] == cells[i]
            assert col[i:].tolist() == cells[i:].tolist()


def test_collector_issue_blocks_equal_one_dict_per_row() -> None:
    """Issues added in blocks make the same table as one dict per row, in order."""
    from jobstats.io.grid import Collector
    from jobstats.io.report import ISSUE_COLUMNS, ISSUE_DTYPES

    col = Collector(file="t.csv")
    col.add("S", 7, "Status", "dropped", "one")
    col.add_many("S", np.array([3, 9]), None, "warning", "same for both")
    col.add_many("S", np.array([], dtype=np.int64), "X", "warning", "none")
    col.add_many("T", np.array([4, 2, 5]), "Date", "warning", ["r4", "r2", "r5"])
    col.add_many("S", np.array([1]), "Date", "dropped", ["only"])
    rows = [("S", 7, "Status", "dropped", "one"), ("S", 3, None, "warning", "same for both"),
            ("S", 9, None, "warning", "same for both"), ("T", 4, "Date", "warning", "r4"),
            ("T", 2, "Date", "warning", "r2"), ("T", 5, "Date", "warning", "r5"),
            ("S", 1, "Date", "dropped", "only")]
    dicts = [{"file": "t.csv", "sheet": s, "row": r, "column": c, "severity": v, "reason": w}
             for s, r, c, v, w in rows]
    assert col.issues == dicts
    expected = pd.DataFrame(dicts, columns=list(ISSUE_COLUMNS)).astype(ISSUE_DTYPES)
    got = col.issues_frame()[list(ISSUE_COLUMNS)].astype(ISSUE_DTYPES)
    pd.testing.assert_frame_equal(got, expected)
    empty = Collector(file="t.csv").issues_frame()[list(ISSUE_COLUMNS)].astype(ISSUE_DTYPES)
    pd.testing.assert_frame_equal(
        empty, pd.DataFrame([], columns=list(ISSUE_COLUMNS)).astype(ISSUE_DTYPES))


def test_report_lines_made_once_follow_a_new_issues_table(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Company,Role,Date applied\nA,X,2025-01-10\nA,X,2025-01-10\n"
                    "B,Y,2031-01-01\n", encoding="utf-8")
    rep = jobstats.load(path, as_of="2025-02-01").report
    first = rep.lines
    assert rep.lines == first and rep.warnings == rep.warnings
    assert any("row 3: warning: possible duplicate of row 2" in w for w in rep.warnings)
    assert any("row 4, column 'Date applied': dropped: applied date 2031-01-01" in ln
               for ln in first)
    rep.issues = rep.issues[rep.issues["severity"] == "dropped"].reset_index(drop=True)
    assert not any("duplicate" in ln for ln in rep.lines + rep.warnings)
    assert any("row 4, column 'Date applied': dropped" in ln for ln in rep.lines)
