"""The risk-set step on DuckDB gives exactly what pandas gives, on awkward data.

The pandas path (:func:`jobstats.risksets.daily_risk_sets`, validated on
hand-computed and simulated cases in ``test_risksets.py``) is the independent
implementation the SQL query is checked against: same tables, same counts,
same warnings, same estimates. Spark is checked the same way in
``test_engine_spark.py``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import six_applications

import jobstats
from jobstats.engine import from_parquet, risk_sets
from jobstats.engine.summary import PER_APPLICATION_NOTE
from jobstats.timing import percentile_from_counts
from jobstats.followup import _fit_cloglog
from jobstats.io.report import LoadReport, LoadResult
from jobstats.schema import AnalysisError, InputError
from jobstats.summary import summarize
from jobstats.timing import km_from_counts

pytest.importorskip("duckdb")

#: Snapshot dates: the simulation's own (everything on record) and one in the
#: middle of the search (applications, follow-ups and replies after it).
AS_OFS = ("2025-06-25", "2025-04-01")
CONFIGS = [
    {},
    {"followup": True},
    {"by": "source", "followup": True},
    {"by": ["source", "applied_week"]},
    {"by": ["client", "source"], "followup": True},
]


def edge_data(n: int = 400, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A simulated search (two clients) with every awkward case the loader lets through."""
    a1, e1 = jobstats.simulate_search(n // 2, seed=seed, client="ana")
    a2, e2 = jobstats.simulate_search(n - n // 2, seed=seed + 1, client="ben", followup_hr=1.0)
    a2 = a2.assign(application_id="b-" + a2["application_id"], row=a2["row"] + 10_000)
    e2 = e2.assign(application_id="b-" + e2["application_id"])
    apps = pd.concat([a1, a2], ignore_index=True)
    events = pd.concat([e1, e2], ignore_index=True)
    day = pd.Timedelta(days=1)
    # replied early in the search: on record at both snapshot dates
    replied = apps.index[apps["first_reply_on"] < pd.Timestamp("2025-03-15")]
    early = apps.index[apps["applied_on"] < pd.Timestamp("2025-03-01")]
    # missing applied dates
    apps.loc[apps.index[:3], "applied_on"] = pd.NaT
    # a reply dated before the application; a reply known from the stage only
    apps.loc[replied[5], "first_reply_on"] = apps.loc[replied[5], "applied_on"] - 2 * day
    apps.loc[replied[6], "first_reply_on"] = pd.NaT
    # missing group values
    apps.loc[apps.index[20:30], "source"] = pd.NA
    new = []
    # follow-up on the reply day itself (counted in the earlier state)
    for i in replied[10:25]:
        new.append((apps.loc[i, "application_id"], apps.loc[i, "first_reply_on"], "email"))
    # two follow-ups on the same day (same channel), and one before the application
    for i in early[40:43]:
        d = apps.loc[i, "applied_on"] + 3 * day
        new += [(apps.loc[i, "application_id"], d, "phone")] * 2
    new.append((apps.loc[early[45], "application_id"], apps.loc[early[45], "applied_on"] - day,
                "email"))
    # undated follow-ups: alone for some applications, beside dated ones for others
    for i in early[50:56]:
        new.append((apps.loc[i, "application_id"], pd.NaT, None))
    # several follow-ups: a tie on the first day with different channels (the
    # alphabetically first also first in table order, where pandas and SQL agree)
    # then a third; both after the mid-search as-of; one after it beside an undated one
    d = apps.loc[early[60], "applied_on"]
    new += [(apps.loc[early[60], "application_id"], d + 5 * day, c) for c in ("email", "phone")]
    new.append((apps.loc[early[60], "application_id"], d + 9 * day, "letter"))
    for date in ("2025-05-01", "2025-05-03"):
        new.append((apps.loc[early[61], "application_id"], pd.Timestamp(date), "email"))
    new += [(apps.loc[early[62], "application_id"], pd.Timestamp("2025-05-01"), "email"),
            (apps.loc[early[62], "application_id"], pd.NaT, None)]
    # follow-ups of an application that is not in the applications table
    new += [("not-an-application", d + 2 * day, "email"), ("not-an-application", pd.NaT, None)]
    fu = events.index[events["kind"] == "follow_up"]
    events.loc[fu[:4], "date"] = pd.NaT
    # a follow-up with no channel
    events.loc[fu[10], "channel"] = pd.NA
    extra = pd.DataFrame(new, columns=["application_id", "date", "channel"]).assign(
        kind="follow_up", source_column="Follow-up"
    )
    events = pd.concat([events, extra[events.columns]], ignore_index=True)
    events["date"] = pd.to_datetime(events["date"])
    return apps, events


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    return edge_data()


def test_edge_data_has_the_edge_cases(data) -> None:
    """The cases the comparison is meant to cover are really in the data."""
    apps, events = data
    warnings = " ".join(
        risk_sets(apps, events, as_of=AS_OFS[1], followup=True).attrs["warnings"]
    )
    for fragment in ("no applied date", "reply dated before", "without a reply date",
                     "applied after the as-of date", "have no date", "dated before their"):
        assert fragment in warnings
    fu = events[events["kind"] == "follow_up"].merge(apps, on="application_id")
    assert (fu["date"].dt.normalize() == fu["first_reply_on"].dt.normalize()).sum() >= 10
    assert (fu["date"] > pd.Timestamp(AS_OFS[1])).any()


@pytest.mark.parametrize("as_of", AS_OFS)
@pytest.mark.parametrize("kw", CONFIGS, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()))
def test_duckdb_counts_equal_pandas(data, kw: dict, as_of: str) -> None:
    apps, events = data
    expected = risk_sets(apps, events, as_of=as_of, **kw)
    got = risk_sets(apps, events, engine="duckdb", as_of=as_of, **kw)
    pd.testing.assert_frame_equal(got, expected)
    assert sorted(got.attrs["warnings"]) == sorted(expected.attrs["warnings"])


def test_duckdb_estimates_equal_pandas(data) -> None:
    """Reply curve and follow-up hazard ratio from either table are the same numbers."""
    apps, events = data
    frames = [risk_sets(apps, events, engine=e, as_of=AS_OFS[0], by="source", followup=True)
              for e in ("pandas", "duckdb")]
    fits = [_fit_cloglog(f, "followed_up", 0, ["source"]).table for f in frames]
    pd.testing.assert_frame_equal(fits[0], fits[1])
    assert np.isfinite(fits[0]["hazard_ratio"].iloc[0])
    curves = [km_from_counts(risk_sets(apps, engine=e, as_of=AS_OFS[0])) for e in ("pandas",
                                                                                   "duckdb")]
    pd.testing.assert_frame_equal(curves[0], curves[1])


def test_hand_computed_risk_sets_on_duckdb() -> None:
    """Six applications (see conftest): at risk 6 until day 2, 5 to day 10, 3 to day 20, 2 to 60."""
    risk = risk_sets(six_applications(), engine="duckdb", as_of="2025-03-02")
    at_risk = dict(zip(risk["day"], risk["at_risk"]))
    assert list(risk["day"]) == list(range(61))
    assert [at_risk[d] for d in (0, 2, 3, 10, 11, 20, 21, 60)] == [6, 6, 5, 5, 3, 3, 2, 2]
    assert risk.loc[risk["replied"] > 0, "day"].tolist() == [2, 20]
    assert risk.set_index("day").loc[[10, 60], "censored"].tolist() == [2, 2]
    assert risk["replied"].sum() + risk["censored"].sum() == 6


def _loaded(apps: pd.DataFrame, events: pd.DataFrame, as_of: str) -> LoadResult:
    return LoadResult(apps, events, LoadReport(None), pd.Timestamp(as_of), Path("sim.xlsx"))


_PANDAS_SUMMARIES: dict[tuple, dict] = {}


def pandas_summary(apps: pd.DataFrame, events: pd.DataFrame, as_of: str) -> dict:
    """``summarize(...).to_dict()`` of the pandas path (what the engines are compared to).

    Computed once per test process for the same tables (hashed by content, dtypes and
    columns) and as-of: the DuckDB summary, its slices, the CLI and Spark are compared
    to the same few summaries. Each caller gets its own copy.
    """
    def key(df: pd.DataFrame) -> tuple:
        return (tuple(df.columns), tuple(map(str, df.dtypes)),
                tuple(pd.util.hash_pandas_object(df, index=True)))

    k = (key(apps), key(events), as_of)
    if k not in _PANDAS_SUMMARIES:
        _PANDAS_SUMMARIES[k] = summarize(_loaded(apps, events, as_of)).to_dict()
    return copy.deepcopy(_PANDAS_SUMMARIES[k])


#: Keys that need one row per application: null (load report, coach view) or
#: the engine's own (which files) in a summary computed by an engine.
PER_APPLICATION_KEYS = ("files", "load_report", "cohort")


def assert_same_summary(got: dict, expected: dict, engine: str) -> None:
    """Same JSON keys and numbers; only per-application parts differ, and say so."""
    assert set(got) == set(expected)
    assert got["load_report"] is None and got["cohort"] is None
    note = PER_APPLICATION_NOTE.format(engine=engine)
    assert note in got["warnings"]
    assert sorted(w for w in got["warnings"] if w != note) == sorted(expected["warnings"])
    strip = {"warnings", *PER_APPLICATION_KEYS}
    assert {k: v for k, v in got.items() if k not in strip} == {
        k: v for k, v in expected.items() if k not in strip}


@pytest.mark.parametrize("as_of", AS_OFS)
def test_summary_from_duckdb_equals_pandas(data, as_of: str) -> None:
    apps, events = data
    expected = pandas_summary(apps, events, as_of)
    got = summarize(from_parquet(apps, events, as_of=as_of)).to_dict()
    # the cases the comparison is about are there: an effect, a policy, undated replies
    assert got["followup"]["hazard_ratio"] is not None
    assert got["followup_policy"] is not None and got["followup_policy"]["at_day"]
    assert any("without a date" in w for w in got["warnings"])
    assert_same_summary(got, expected, "duckdb")


@pytest.mark.parametrize("case", ["no follow-ups", "undated follow-ups only", "late"])
def test_summary_edge_cases_equal_pandas(data, case: str) -> None:
    """No follow-up at all, only undated ones, and follow-ups / replies after as-of."""
    apps, events = data
    as_of = AS_OFS[0]
    if case == "no follow-ups":
        events = events[events["kind"] != "follow_up"]
    elif case == "undated follow-ups only":
        events = events.assign(date=events["date"].where(events["kind"] != "follow_up"))
    else:
        as_of = "2025-02-10"  # early: most replies and follow-ups come after it
    expected = pandas_summary(apps, events, as_of)
    summary = summarize(from_parquet(apps, events, as_of=as_of))
    got = summary.to_dict()
    assert_same_summary(got, expected, "duckdb")
    if case != "late":
        assert got["followup"] is None and got["followup_policy"] is None
    text = summary.to_text()  # the same summary's text (computing it again only repeated it)
    assert "DuckDB" in text and "Chance of a reply within" in text


def test_engine_summary_refuses_by(data) -> None:
    apps, events = data
    with pytest.raises(InputError, match="one row per application"):
        summarize(from_parquet(apps, events, as_of=AS_OFS[0]), by="source")


def test_from_parquet_reads_a_glob_of_parts_and_csv(data, tmp_path: Path) -> None:
    apps, events = data
    keep = [c for c in apps.columns if c not in ("notes",)]
    for i, part in enumerate(np.array_split(np.arange(len(apps)), 3)):
        apps.iloc[part][keep].to_parquet(tmp_path / f"apps-{i}.parquet")
    events.to_parquet(tmp_path / "events.parquet")
    apps[keep].to_csv(tmp_path / "apps.csv", index=False)
    expected = risk_sets(apps, events, as_of=AS_OFS[1], by="source", followup=True)
    src = from_parquet(str(tmp_path / "apps-*.parquet"), tmp_path / "events.parquet",
                       as_of=AS_OFS[1])
    got = risk_sets(src, by="source", followup=True)
    pd.testing.assert_frame_equal(got, expected)
    csv = risk_sets(from_parquet(tmp_path / "apps.csv", as_of=AS_OFS[1]), by="source")
    pd.testing.assert_frame_equal(csv, risk_sets(apps, as_of=AS_OFS[1], by="source"))


def test_cli_summary_of_parquet(data, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from jobstats.cli import main

    apps, events = data
    apps.to_parquet(tmp_path / "apps.parquet")
    events.to_parquet(tmp_path / "events.parquet")
    code = main(["summary", str(tmp_path / "apps.parquet"), "--events",
                 str(tmp_path / "events.parquet"), "--as-of", AS_OFS[0], "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    expected = pandas_summary(apps, events, AS_OFS[0])
    for key in ("response_rate", "reply_within", "median_days_to_reply_among_replied",
                "applications", "responses"):
        assert out[key] == expected[key]
    assert out["followup"]["hazard_ratio"] == expected["followup"]["hazard_ratio"]
    assert out["files"] == [str(tmp_path / "apps.parquet"), str(tmp_path / "events.parquet")]
    # a quoted glob of parts reads them as one table
    for i, part in enumerate(np.array_split(np.arange(len(apps)), 2)):
        apps.iloc[part].to_parquet(tmp_path / f"part-{i}.parquet")
    assert main(["summary", str(tmp_path / "part-*.parquet"), "--events",
                 str(tmp_path / "events.parquet"), "--as-of", AS_OFS[0], "--json"]) == 0
    parts = json.loads(capsys.readouterr().out)
    assert parts["reply_within"] == expected["reply_within"]
    assert parts["followup_policy"] == expected["followup_policy"]
    # the text form says where the numbers come from
    assert main(["summary", str(tmp_path / "apps.parquet"), "--as-of", AS_OFS[0]]) == 0
    text = capsys.readouterr().out
    assert "DuckDB" in text and "no dated follow-ups" in text


def test_cli_bad_parquet_inputs(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from jobstats.cli import main

    pd.DataFrame({"application_id": ["a"], "applied": [pd.Timestamp("2025-01-01")]}).to_parquet(
        tmp_path / "wrong.parquet")
    assert main(["summary", str(tmp_path / "wrong.parquet")]) == 2
    err = capsys.readouterr().err
    assert "'applied_on'" in err and "canonical column names" in err and "Traceback" not in err
    pd.DataFrame({"application_id": ["a"], "applied_on": [pd.Timestamp("2025-01-01")],
                  "first_reply_on": [pd.NaT], "stage": ["applied"]}).to_parquet(
        tmp_path / "apps.parquet")
    pd.DataFrame({"application_id": ["a"], "when": [pd.Timestamp("2025-01-05")]}).to_parquet(
        tmp_path / "events.parquet")
    assert main(["summary", str(tmp_path / "apps.parquet"), "--events",
                 str(tmp_path / "events.parquet")]) == 2
    err = capsys.readouterr().err
    assert "events table has no column 'date', 'kind', 'channel'" in err
    assert "Traceback" not in err
    assert main(["report", str(tmp_path / "apps.parquet"), "-o", str(tmp_path / "r")]) == 2
    assert "summarised by 'jobstats summary' only" in capsys.readouterr().err
    assert main(["summary", str(tmp_path / "none-*.parquet")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["summary", str(tmp_path / "x.csv"), "--events", "e.parquet"]) == 2
    assert "--events goes with .parquet" in capsys.readouterr().err


def test_nothing_usable_is_an_analysis_error() -> None:
    apps = six_applications()
    with pytest.raises(AnalysisError, match="applied after the as-of date"):
        risk_sets(apps, engine="duckdb", as_of="2024-01-01")
    with pytest.raises(InputError, match="no such column"):
        risk_sets(apps, engine="duckdb", as_of="2025-03-02", by="nope")


def test_percentile_from_counts_matches_numpy() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        values = rng.choice(50, size=rng.integers(1, 8), replace=False)
        counts = rng.integers(1, 5, size=len(values))
        for q in (25, 50, 75):
            assert percentile_from_counts(values, counts, q) == pytest.approx(
                np.percentile(np.repeat(values, counts), q))


@pytest.mark.parametrize("as_of", AS_OFS)
def test_summary_in_slices_equals_pandas(data, as_of: str) -> None:
    """Patterns added up over slices of application_id (how 100M applications fit in
    DuckDB's memory) give the summary of the whole table."""
    apps, events = data
    src = from_parquet(apps, events, as_of=as_of)
    src.rows_per_slice = 40
    slices = src.id_slices()
    assert len(slices) >= 4 and slices[0][0] is None and slices[-1][1] is None
    got = summarize(src).to_dict()
    expected = pandas_summary(apps, events, as_of)
    assert_same_summary(got, expected, "duckdb")


def test_id_slices_hold_each_application_once() -> None:
    """Hand-set bounds, one with a quote; a missing id goes to the first slice."""
    import dataclasses

    apps, events = jobstats.simulate_search(60, seed=3)
    ids = apps["application_id"].astype(object)
    ids.iloc[:3] = ["o'neil", "b", None]
    apps = apps.assign(application_id=ids)
    src = from_parquet(apps, events, as_of=AS_OFS[0])
    q = src.query()
    bounds = [None, "'b'", "'o''neil'", "'sim-3'", None]
    whole = src.sql(q.patterns(extra=True))
    parts = [src.sql(dataclasses.replace(q, ids=ids).patterns(extra=True))
             for ids in zip(bounds[:-1], bounds[1:])]
    assert [int(p["n"].sum()) for p in parts[:2]] == [1, 1]  # None; 'b'
    keys = [c for c in whole.columns if c not in ("n", "early")]
    summed = pd.concat(parts).groupby(keys, dropna=False)[["n", "early"]].sum().reset_index()
    pd.testing.assert_frame_equal(
        summed.sort_values(keys, ignore_index=True),
        whole.sort_values(keys, ignore_index=True)[summed.columns], check_dtype=False)
    assert int(whole["n"].sum()) == 60
