"""A workbook's rows become the grid through one factorize over every cell
(``grid._codes_of_rows``); it must give exactly what the plain per-column
``codes_of`` gives, or step aside (speed: ``python -m benchmarks --only xlsx``)."""

from __future__ import annotations

import datetime as dt
import gc
import random

import numpy as np
import pytest

from jobstats.io import readers
from jobstats.io.grid import Collector, _codes_of_rows, codes_of, make_grid
from jobstats.io.readers import RawSheet


def _plain(rows: list[list[object]], start: int) -> list[tuple[np.ndarray, list[object]]]:
    """The reference: each column on its own, as a column-wise sheet is coded."""
    width = len(rows[0])
    cols = [np.array([r[j] for r in rows[start:]] + [None], dtype=object)[:-1]
            for j in range(width)]
    return [codes_of(c) for c in cols]


def _same(a: list[tuple[np.ndarray, list[object]]],
          b: list[tuple[np.ndarray, list[object]]]) -> bool:
    def same_value(u: object, v: object) -> bool:
        return type(u) is type(v) and (u == v or (u != u and v != v))

    return len(a) == len(b) and all(
        x[0].dtype == y[0].dtype and np.array_equal(x[0], y[0]) and len(x[1]) == len(y[1])
        and all(map(same_value, x[1], y[1])) for x, y in zip(a, b))


_POOL = ["Acme", "acme", " ", "", "N/A", "-", "none", "Applied", "x" * 40, 2.5, 1e9 + 0.5,
         float("nan"), None, dt.date(2025, 1, 2), dt.datetime(2025, 1, 2, 9, 30),
         dt.time(9, 30), dt.timedelta(hours=2)]


@pytest.mark.parametrize("seed", range(30))
def test_one_factorize_equals_per_column(seed: int) -> None:
    rng = random.Random(seed)
    width, n = rng.randint(1, 6), rng.randint(0, 60)
    # each column draws from its own few values, so columns share some and repeat them
    pools = [rng.sample(_POOL, rng.randint(1, 6)) for _ in range(width)]
    rows = [[rng.choice(pools[j]) for j in range(width)] for _ in range(n + 1)]
    start = rng.randint(0, len(rows))
    got = _codes_of_rows(RawSheet("s", rows), start)
    assert got is not None
    assert _same(got, _plain(rows, start))
    as_array = readers._as_array_rows([list(r) for r in rows])  # a workbook's rows
    assert isinstance(as_array, readers.ArrayRows)
    assert _same(_codes_of_rows(RawSheet("s", as_array), start), _plain(rows, start))


@pytest.mark.parametrize("rows", [
    [["Remote?", "Salary"], [True, 1.0], [False, 0.0]],  # True == 1.0: merged across columns
    [["a", "b"], [1.0, 1], ["x", 2.0]],                   # an int behind the whole float 1.0
    [["a", "b"], [0.0, "x"], ["y", -0.0]],                # -0.0 == 0.0
    [["a", "b"], ["x"]],                                  # ragged rows
    [[]],                                                 # no cell
    [["a", "b"], [1.0, 1 + 0j]],                          # another type
])
def test_steps_aside_where_one_table_could_merge_or_cannot_hold_the_rows(
        rows: list[list[object]]) -> None:
    assert _codes_of_rows(RawSheet("s", rows), 1) is None


def test_whole_floats_alone_take_the_fast_path() -> None:
    rows = [["n", "m"], [1.0, 2.0], [2.0, 1.0], [3.5, ""]]
    got = _codes_of_rows(RawSheet("s", rows), 1)
    assert got is not None and _same(got, _plain(rows, 1))
    assert got[0][1] == [1.0, 2.0, 3.5] and got[1][0].tolist() == [0, 1, -1]


def test_make_grid_same_through_rows_and_columns() -> None:
    rows = [["Tracker", "", ""], ["Company", "Applied", "Status"],
            ["Acme", dt.date(2025, 1, 2), "#REF!"], ["", "", ""],
            ["Beta", dt.date(2025, 1, 3), "Applied"], ["Acme", "n/a", "Applied"]]
    fast = make_grid(RawSheet("s", [list(r) for r in rows]), 1, Collector("f"))
    plain_sheet = RawSheet("s", [list(r) for r in rows])
    plain_sheet.columns()  # a column-wise sheet: the per-column path
    plain = make_grid(plain_sheet, 1, Collector("f"))
    assert fast.headers == plain.headers == ["Company", "Applied", "Status"]
    assert fast.rows.tolist() == plain.rows.tolist() == [3, 5, 6]
    assert fast.errors == plain.errors == {(0, 2): "#REF!"}
    for a, b in zip(fast.cols, plain.cols):
        assert list(a) == list(b)
    for j in range(3):
        assert _same([fast.codes(j)], [plain.codes(j)])


def test_array_rows_read_like_the_lists_they_replace() -> None:
    lists = [["Company", "Applied", ""], ["Acme", dt.date(2025, 1, 2), 3.0],
             ["", "", ""], ["Beta", "n/a", "x"]]
    rows = readers._as_array_rows([list(r) for r in lists])
    assert isinstance(rows, readers.ArrayRows)
    assert len(rows) == 4 and list(rows) == lists
    assert rows[1] == lists[1] and rows[-1] == lists[-1] and rows[1:3] == lists[1:3]
    assert all(type(r) is list for r in rows)
    with pytest.raises(IndexError):
        rows[4]
    sheet = RawSheet("s", rows)
    assert [c.tolist() for c in sheet.columns()] == [list(c) for c in zip(*lists)]


@pytest.mark.parametrize("rows", [[], [["a", "b"], ["c"]], [[], []]])
def test_ragged_or_empty_rows_stay_lists(rows: list[list[object]]) -> None:
    got = readers._as_array_rows([list(r) for r in rows])
    assert got == rows and all(type(r) is list for r in got)


def test_tuples_from_a_reader_become_lists() -> None:
    assert readers._as_array_rows([("a", 1.0), ("b",)]) == [["a", 1.0], ["b"]]


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_pause_restores_the_collector_state(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with pytest.raises(RuntimeError):
            with readers._gc_paused():
                assert not gc.isenabled()
                raise RuntimeError("calamine failed")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_workbook_is_read_into_array_rows(tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in [["Company", "Date applied", "Status"], ["Acme", dt.datetime(2025, 1, 2), "Applied"],
              ["Beta", dt.datetime(2025, 1, 3), None]]:
        ws.append(r)
    wb.save(tmp_path / "t.xlsx")
    book = readers.read_book(tmp_path / "t.xlsx")
    rows = book.sheets[0].rows
    assert isinstance(rows, readers.ArrayRows)
    assert list(rows) == [["Company", "Date applied", "Status"],
                          ["Acme", dt.date(2025, 1, 2), "Applied"],
                          ["Beta", dt.date(2025, 1, 3), ""]]


@pytest.mark.parametrize("seed", range(10))
def test_filled_rows_of_a_workbook_sheet_counted_as_row_by_row(seed: int) -> None:
    from jobstats.io.columns import count_filled_rows, is_blank_row

    rng = random.Random(seed)
    width = rng.randint(1, 5)
    rows = [[rng.choice(["", " ", "N/A", None, float("nan"), "Acme", 2.0, dt.date(2025, 1, 2)])
             for _ in range(width)] for _ in range(rng.randint(1, 40))]
    sheet = RawSheet("s", readers._as_array_rows([list(r) for r in rows]))
    for start in (0, 1, len(rows)):
        expected = sum(not is_blank_row(r) for r in rows[start:])
        assert count_filled_rows(sheet, start) == expected
    assert sheet.cols is None  # (the grid still codes the rows in one pass)


@pytest.mark.parametrize("offset", [(0, 0), (2, 1)])
def test_a_sheet_streamed_from_a1_equals_its_whole_read(tmp_path, offset) -> None:
    """Rows streamed with ``iter_rows`` (used area from A1) or read whole (an
    area starting further in, which ``iter_rows`` would not pad): the same rows
    as ``to_python(skip_empty_area=False)``, the reference."""
    openpyxl = pytest.importorskip("openpyxl")
    from python_calamine import CalamineWorkbook

    wb = openpyxl.Workbook()
    ws = wb.active
    r0, c0 = offset
    for i, r in enumerate([["Company", "Date applied", "Status", "Score"],
                           ["Acme", dt.datetime(2025, 1, 2), "Applied", 3],
                           ["Beta", None, None, 2.5], [None, None, None, True]]):
        for j, v in enumerate(r):
            if v is not None:
                ws.cell(row=r0 + i + 1, column=c0 + j + 1, value=v)
    wb.save(tmp_path / "t.xlsx")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_index(0)
    expected = sheet.to_python(skip_empty_area=False)
    assert sheet.start == offset  # (the case this test is about)
    got = readers._sheet_rows(sheet)
    assert isinstance(got, readers.ArrayRows)
    assert list(got) == expected
    assert [[type(v) for v in r] for r in got] == [[type(v) for v in r] for r in expected]
