"""The public API of the package: names, laziness, no shadowing, stable on second use."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import jobstats
from jobstats.datasets import sample_tracker_path

AS_OF = "2025-06-30"


def _all_submodules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(jobstats.__path__, "jobstats.")]


def test_no_public_name_equals_a_submodule() -> None:
    """A submodule ``jobstats.X`` replaces the attribute ``X`` once imported."""
    top = {m.name for m in pkgutil.iter_modules(jobstats.__path__)}
    assert not top & set(jobstats.__all__), top & set(jobstats.__all__)


def _calls(data: jobstats.LoadResult, clients: jobstats.LoadResult,
           tmp_path: Path) -> dict[str, object]:
    """One sensible call per public name (on the bundled sample search)."""
    apps, events = data.applications, data.events
    out = tmp_path / "template.xlsx"
    return {
        "load": lambda: jobstats.load(sample_tracker_path(), as_of=AS_OF).applications,
        "load_many": lambda: jobstats.load_many([sample_tracker_path()] * 2,
                                                as_of=AS_OF).applications,
        "LoadResult": lambda: jobstats.LoadResult(apps, events, data.report, data.as_of,
                                                  data.path).applications,
        "LoadReport": lambda: str(jobstats.LoadReport(file=None)),
        "rates": lambda: jobstats.rates(data, by="source"),
        "reply_curve": lambda: jobstats.reply_curve(data),
        "reply_within": lambda: jobstats.reply_within(apps, as_of=AS_OF),
        "median_days_among_replied": lambda: jobstats.median_days_among_replied(data),
        "competing_outcomes": lambda: jobstats.competing_outcomes(data),
        "time_to_reply": lambda: jobstats.time_to_reply(data).within,
        "funnel": lambda: jobstats.funnel(data),
        "funnel_links": lambda: jobstats.funnel_links(data),
        "followup_effect": lambda: jobstats.followup_effect(apps, events, as_of=AS_OF).summary,
        "followup_policy": lambda: jobstats.followup_policy(data, n_boot=20),
        "thank_you_timing": lambda: jobstats.thank_you_timing(data),
        "naive_followup_rates": lambda: jobstats.naive_followup_rates(apps, as_of=AS_OF),
        "daily_risk_sets": lambda: jobstats.daily_risk_sets(apps, as_of=AS_OF),
        "simulate_search": lambda: jobstats.simulate_search(50, seed=1)[0],
        "summarize": lambda: jobstats.summarize(data).to_dict(),
        "compare": lambda: jobstats.compare(data, by="source"),
        "stage_conversion": lambda: jobstats.stage_conversion(data),
        "compare_to_reference": lambda: jobstats.compare_to_reference(data),
        "reference_table": lambda: jobstats.reference_table(),
        "followups_due": lambda: jobstats.followups_due(data, after=7),
        "write_report": lambda: sorted(
            p.name for p in jobstats.write_report(data, tmp_path / "report").values()),
        "client_table": lambda: jobstats.client_table(clients),
        "cohort_summary": lambda: jobstats.cohort_summary(clients),
        "clients_needing_attention": lambda: jobstats.clients_needing_attention(clients),
        "cohort_followup_policy": lambda: jobstats.cohort_followup_policy(clients, n_boot=10),
        "split_clients": lambda: sorted(jobstats.split_clients(clients)),
        "pseudonymise": lambda: jobstats.pseudonymise(
            clients, key=tmp_path / "clients.key.csv").applications,
        "drop_personal_data": lambda: jobstats.drop_personal_data(clients.applications)[0],
        "weekly_activity": lambda: jobstats.weekly_activity(data),
        "from_parquet": lambda: jobstats.summarize(
            jobstats.from_parquet(apps, events, as_of=AS_OF)).to_dict()["reply_within"],
        "write_template": lambda: jobstats.load(
            jobstats.write_template(out, overwrite=True)).applications,
    }


def _same(a: object, b: object) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:
        assert a == b


@pytest.fixture(scope="module")
def loaded() -> tuple[jobstats.LoadResult, jobstats.LoadResult]:
    """Every submodule imported first (the bug below), then the sample search and the
    sample clients loaded once for all the calls (the calls only read them)."""
    for name in _all_submodules():
        importlib.import_module(name)
    data = jobstats.load(sample_tracker_path(), as_of=AS_OF)
    clients = jobstats.load(Path(__file__).parents[1] / "data" / "sample" / "clients",
                            as_of=AS_OF)
    return data, clients


# Names called twice in another module, which already pays for what they need
# (a Spark session costs a JVM start: one per test run is enough).
ELSEWHERE = {"from_spark": ("test_engine_spark.py", "test_from_spark_works_twice_on_the_sample")}


def test_every_public_name_has_a_call(loaded, tmp_path) -> None:
    public = [n for n in jobstats.__all__ if n != "__version__"]
    assert sorted([*_calls(*loaded, tmp_path), *ELSEWHERE]) == sorted(public), (
        "give each public name a call")
    for module, test in ELSEWHERE.values():
        assert f"def {test}(" in (Path(__file__).parent / module).read_text(), (module, test)


# one test per name: a failure names the function and each call is timed on its own
@pytest.mark.parametrize("name", [n for n in jobstats.__all__
                                  if n != "__version__" and n not in ELSEWHERE])
def test_every_public_function_works_twice_after_every_submodule_is_imported(
    name: str, loaded, tmp_path, request: pytest.FixtureRequest
) -> None:
    """The bug: after ``import jobstats.rates`` (or any function of that module
    loaded), ``jobstats.rates`` was the module and a second call raised
    TypeError. Import every submodule first (the ``loaded`` fixture), then call
    each public name twice."""
    if name == "write_report":
        # the same pages and files, each figure drawn but not rasterised (conftest:
        # quick_figures; 80% of the call's CPU): only the file names are compared here,
        # the figure files are checked in test_report*.py
        request.getfixturevalue("quick_figures")
    call = _calls(*loaded, tmp_path)[name]
    assert callable(getattr(jobstats, name)), name
    first = call()
    second = call()
    _same(first, second)


def test_analyses_take_the_load_result_and_carry_its_as_of() -> None:
    data = jobstats.load(sample_tracker_path(), as_of=AS_OF)
    from_result = jobstats.rates(data, by="source")
    from_tables = jobstats.rates(data.applications, by="source", as_of=data.as_of)
    pd.testing.assert_frame_equal(from_result, from_tables)
    assert from_result.attrs["as_of"] == pd.Timestamp(AS_OF)
    assert from_result.attrs["n_applications"] == len(data.applications)
    # an explicit as_of wins over the loaded one
    assert jobstats.rates(data, as_of="2025-03-01").attrs["as_of"] == pd.Timestamp("2025-03-01")


CONTRACT = ["n", "events", "estimate", "ci_low", "ci_high", "method", "note"]


def test_result_contract_columns_and_html() -> None:
    data = jobstats.load(sample_tracker_path(), as_of=AS_OF)
    results = {
        "rates": jobstats.rates(data, by="source"),
        "reply_within": jobstats.reply_within(data),
        "reply_curve": jobstats.reply_curve(data),
        "competing_outcomes": jobstats.competing_outcomes(data),
        "funnel": jobstats.funnel(data),
        "thank_you_timing": jobstats.thank_you_timing(data),
    }
    for name, res in results.items():
        assert set(CONTRACT) <= set(res.columns), name
        assert res.columns[0] in {"source", "days", "day", "stage", "thank_you"}, name
        assert res.attrs["as_of"] == pd.Timestamp(AS_OF), name
        assert res.attrs["n_applications"] > 0, name
        assert res["note"].map(type).eq(str).all(), name
        assert (res.loc[res["estimate"].isna(), "note"] != "").all(), name
        html = res._repr_html_()
        assert "jobstats-result" in html and "as of 2025-06-30" in html, name
    summary_html = jobstats.summarize(data)._repr_html_()
    assert "jobstats-result" in summary_html


def test_import_is_light() -> None:
    code = "import sys, jobstats; print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


COUNTING_CALLS = [
    "jobstats.rates(d, by='source')",
    "jobstats.funnel(d); jobstats.funnel_links(d)",
    "jobstats.reply_within(d); jobstats.reply_curve(d); jobstats.competing_outcomes(d)",
    "jobstats.thank_you_timing(d)",
    # not counting, but the CLI's summary: importing statsmodels' GLM or scipy costs
    # more at start-up than the rest of a small summary (the fits are jobstats.absorbed)
    "jobstats.summarize(d).to_dict()",
]


@pytest.fixture(scope="module")
def modules_after_each_call() -> dict[str, str]:
    """One fresh interpreter loads the sample and makes the calls in order, printing after
    each which of statsmodels / scipy are imported.

    Imported modules only accumulate, so "none after call k" means none of calls 1..k
    imported one; when a call does, its case is the first to fail. One interpreter and one
    load instead of one per call (1-3 s of imports each).
    """
    lines = [
        "import sys, jobstats",
        f"d = jobstats.load({str(sample_tracker_path())!r}, as_of={AS_OF!r})",
    ]
    for call in COUNTING_CALLS:
        lines += [call,
                  "print(sorted(m for m in ('statsmodels', 'scipy') if m in sys.modules))"]
    out = subprocess.run([sys.executable, "-c", "\n".join(lines)], capture_output=True,
                         text=True, check=True)
    printed = out.stdout.strip().splitlines()
    assert len(printed) == len(COUNTING_CALLS), out.stdout
    return dict(zip(COUNTING_CALLS, printed))


@pytest.mark.parametrize("call", COUNTING_CALLS)
def test_counting_does_not_import_statsmodels_or_scipy(
        call: str, modules_after_each_call: dict[str, str]) -> None:
    assert modules_after_each_call[call] == "[]"


def test_plotting_is_a_subpackage_reached_as_an_attribute() -> None:
    """``jobstats.plotting`` works without its own import, and is not listed among the
    callable public names (it is a module)."""
    import types

    assert "plotting" not in jobstats.__all__ and "plotting" in dir(jobstats)
    assert isinstance(jobstats.plotting, types.ModuleType)
    assert callable(jobstats.plotting.followup_policy_chart)
