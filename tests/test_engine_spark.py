"""The risk-set query on Spark (local mode) gives exactly what pandas gives.

One Spark session for the module and one small data set (see
``test_engine.edge_data``): starting the JVM and planning a query take
seconds each, so the cases are few and each covers several things. Java
comes from Debian (``make test`` installs it when missing, see the Makefile).
"""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest
from test_engine import AS_OFS, assert_same_summary, edge_data, pandas_summary

from jobstats.engine import from_spark, risk_sets
from jobstats.followup import _fit_cloglog
from jobstats.summary import summarize
from jobstats.timing import km_from_counts

# pyspark 4.3 warns that its pandas 3 support is incomplete, and calls astype(copy=...);
# the conversions these tests use are checked by the comparisons themselves
pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[dev]')")
if shutil.which("java") is None:  # pragma: no cover - the Makefile installs it
    pytest.skip("no Java runtime: apt-get install -y default-jre-headless", allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("jobstats-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.adaptive.enabled", "false")
        # small data: compiling generated code costs more than it saves
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.extraJavaOptions", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def tables(spark):
    apps, events = edge_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # see pytestmark
        sa = spark.createDataFrame(apps).cache()
        se = spark.createDataFrame(events).cache()
    return apps, events, sa, se


def test_spark_counts_and_estimates_equal_pandas(tables) -> None:
    apps, events, sa, se = tables
    src = from_spark(sa, se, as_of=AS_OFS[1])
    for kw in ({"by": "source", "followup": True}, {}):
        expected = risk_sets(apps, events, as_of=AS_OFS[1], **kw)
        got = risk_sets(src, **kw)
        pd.testing.assert_frame_equal(got, expected)
        assert sorted(got.attrs["warnings"]) == sorted(expected.attrs["warnings"])
        if kw:
            fits = [_fit_cloglog(f, "followed_up", 0, ["source"]).table for f in (got, expected)]
            pd.testing.assert_frame_equal(fits[0], fits[1])
        else:
            pd.testing.assert_frame_equal(km_from_counts(got), km_from_counts(expected))


@pytest.mark.parametrize("case", ["full", "no follow-ups", "late"])
def test_summary_from_spark_equals_pandas(spark, tables, case: str) -> None:
    """The whole summary (effect and policy included) from Spark, as pandas computes it;
    also with no follow-ups at all and with replies / follow-ups after as-of."""
    apps, events, sa, se = tables
    as_of = "2025-02-10" if case == "late" else AS_OFS[0]
    if case == "no follow-ups":
        events = events[events["kind"] != "follow_up"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # see pytestmark
            se = spark.createDataFrame(events)
    got = summarize(from_spark(sa, se, as_of=as_of)).to_dict()
    expected = pandas_summary(apps, events, as_of)
    if case == "full":
        assert got["followup"]["hazard_ratio"] is not None and got["followup_policy"] is not None
    assert_same_summary(got, expected, "spark")


def test_from_spark_works_twice_on_the_sample(spark) -> None:
    """The public ``jobstats.from_spark`` (tests/test_api.py calls every other public
    name twice) on the bundled sample: the same summary twice, and the same as pandas."""
    import jobstats
    from jobstats.datasets import sample_tracker_path

    data = jobstats.load(sample_tracker_path(), as_of="2025-06-30")
    keep = ["application_id", "applied_on", "first_reply_on", "stage", "source", "row"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # see pytestmark
        apps = spark.createDataFrame(data.applications[keep])
        events = spark.createDataFrame(
            data.events[["application_id", "date", "kind", "channel"]])
    first, second = (summarize(jobstats.from_spark(apps, events, as_of="2025-06-30")).to_dict()
                     for _ in range(2))
    assert first == second
    assert first["reply_within"] == summarize(data).to_dict()["reply_within"]
