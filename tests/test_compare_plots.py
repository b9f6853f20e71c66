"""Charts of compare / stage_conversion / compare_to_reference, tested by what they drew."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import jobstats
import jobstats.plotting as jp
from jobstats.simulate import simulate_search

AS_OF = "2025-06-10"


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def search():
    apps, events = simulate_search(
        240, seed=21, weeks=20, start="2025-01-06", as_of=AS_OF,
        sources={"good": (0.3, 0.7), "poor": (0.4, 0.12), "mid": (0.3, 0.3)},
    )
    return apps, events


def _texts(ax) -> str:
    return " ".join(
        [t.get_text() for t in ax.texts] + [ax.get_title(loc="left"), ax.get_xlabel()]
        + [t.get_text() for t in ax.get_yticklabels()]
    )


def test_compare_chart_marks_credible_groups_and_states_n_and_as_of(search):
    apps, _ = search
    res = jobstats.compare(apps, "source", as_of=AS_OF)
    assert res.attrs["credible"]  # the chart has something to mark
    before = dict(mpl.rcParams)
    _fig, ax = plt.subplots()
    assert jp.compare_chart(res, ax=ax) is ax
    assert dict(mpl.rcParams) == before
    labels = {t.get_text().split("  ")[0]: t for t in ax.get_yticklabels()}
    for _, r in res.iterrows():
        tick = labels[str(r["group"])]
        assert (tick.get_fontweight() == "bold") == bool(r["credible"])
        assert f"(n={r['n']})" in tick.get_text()
    text = _texts(ax)
    assert f"n = {res.attrs['n_applications']:,} applications · as of 10 Jun 2025" in text
    # an interval line per group with an estimate, at the result's numbers
    spans = sorted(tuple(np.round(line.get_xdata(), 6)) for line in ax.lines
                   if len(line.get_xdata()) == 2)
    expected = sorted((round(a, 6), round(b, 6)) for a, b in
                      zip(res["ci_low"].dropna(), res["ci_high"].dropna()))
    assert spans == expected


def test_compare_chart_writes_na_instead_of_drawing_zero(search):
    apps, _ = search
    res = jobstats.compare(apps, "week", as_of="2025-05-28")
    assert res["note"].str.startswith("too recent to tell").any()  # the last weeks
    ax = jp.compare_chart(res)
    assert "n/a: too recent to tell" in _texts(ax)
    drawn = sum(len(line.get_xdata()) == 2 for line in ax.lines)
    assert drawn == res["estimate"].notna().sum()


def test_stage_conversion_chart_marks_weakest_step(search):
    apps, events = search
    res = jobstats.stage_conversion(apps, events, as_of=AS_OF)
    _fig, ax = plt.subplots()
    assert jp.stage_conversion_chart(res, ax=ax) is ax
    text = _texts(ax)
    assert "← weakest step" in text and "The weakest step is" in text
    assert "as of 10 Jun 2025" in text
    assert len(ax.patches) == res["estimate"].notna().sum()


def test_reference_chart_draws_differences_with_intervals(search):
    apps, _ = search
    res = jobstats.compare_to_reference(apps, as_of=AS_OF)
    _fig, ax = plt.subplots()
    assert jp.reference_chart(res, ax=ax) is ax
    spans = [line.get_xdata() for line in ax.lines if len(line.get_xdata()) == 2
             and line.get_xdata()[0] != line.get_xdata()[1]]
    assert len(spans) == res["estimate"].notna().sum()
    text = _texts(ax)
    assert "not a grade" in text and "as of 10 Jun 2025" in text
    assert pd.Series([t.get_text() for t in ax.get_yticklabels()]).str.contains("vs ").all()
