"""Funnel counts on a tiny hand-made table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jobstats.stages import funnel, funnel_links
from jobstats.schema import InputError
from jobstats.simulate import simulate_search

# stage, status, source
ROWS = [
    ("applied", "applied", "a"),
    ("applied", "no_response", "a"),
    ("applied", "no_response", None),
    ("replied", "rejected", "a"),
    ("replied", "applied", "b"),
    ("screen", "rejected", "b"),
    ("interview", "rejected", "a"),
    ("interview", "interview", "b"),
    ("offer", "withdrawn", "a"),
    ("accepted", "accepted", "b"),
]


@pytest.fixture
def apps() -> pd.DataFrame:
    st, status, src = zip(*ROWS)
    return pd.DataFrame(
        {"stage": st, "status": status, "source": src,
         "applied_on": pd.to_datetime(["2025-01-01"] * len(ROWS))}
    )


def test_funnel_hand_counts(apps) -> None:
    f = funnel(apps).set_index("stage")
    assert f["events"].tolist() == [10, 7, 5, 4, 2, 1]
    assert f.loc["replied", "estimate"] == pytest.approx(0.7)
    assert f.loc["interview", "estimate"] == pytest.approx(4 / 5)
    assert f.loc["offer", "from_applied"] == pytest.approx(0.2)
    assert f["stopped_here"].tolist() == [3, 2, 1, 2, 1, 1]
    assert f.loc["applied", ["active", "no_response"]].tolist() == [1, 2]
    assert f.loc["replied", ["rejected", "active"]].tolist() == [1, 1]
    assert f.loc["offer", "withdrawn"] == 1 and f.loc["accepted", "accepted"] == 1
    exits = ["active", "no_response", "rejected", "withdrawn", "closed", "accepted"]
    assert (f[exits].sum(axis=1) == f["stopped_here"]).all()


def test_funnel_by_group_adds_up(apps) -> None:
    f = funnel(apps, by="source")
    assert set(f["source"]) == {"a", "b", "(missing)"}
    a = f[f["source"] == "a"].set_index("stage")
    assert a["events"].tolist() == [5, 3, 2, 2, 1, 0]
    assert a.loc["accepted", "estimate"] == 0
    total = f.groupby("stage", sort=False)["events"].sum()
    assert total.tolist() == [10, 7, 5, 4, 2, 1]


def test_funnel_links_add_up(apps) -> None:
    links = funnel_links(apps).set_index(["source", "target"])["count"]
    assert links["applied", "replied"] == 7 and links["applied", "no reply (yet)"] == 3
    assert links["replied", "interview"] == 4
    assert links["replied", "rejected after reply"] == 2
    assert links["replied", "no interview (yet)"] == 1
    assert links["interview", "offer"] == 2 and links["interview", "rejected after interview"] == 1
    assert links["offer", "accepted"] == 1 and links["offer", "declined"] == 1
    # every node's outflow equals its inflow
    flows = funnel_links(apps)
    for node in ("replied", "interview", "offer"):
        assert flows.loc[flows["source"] == node, "count"].sum() == flows.loc[flows["target"] == node, "count"].sum()


def test_funnel_on_simulation_consistent() -> None:
    apps, _ = simulate_search(500, seed=2)
    f = funnel(apps)
    assert f["events"].iloc[0] == 500 and f["stopped_here"].sum() == 500
    assert (np.diff(f["events"]) <= 0).all()


def test_unknown_stage_raises(apps) -> None:
    apps.loc[0, "stage"] = "ghosted"
    with pytest.raises(InputError, match="ghosted"):
        funnel(apps)


def test_categorical_stage_and_numeric_group_with_missing(apps) -> None:
    want = funnel(apps)
    cat = apps.assign(stage=apps["stage"].astype("category"))
    pd.testing.assert_frame_equal(funnel(cat), want)
    pd.testing.assert_frame_equal(funnel_links(cat), funnel_links(apps))
    apps["size"] = [10, 10, 10, 50, 50, 50, 50, None, None, 10]
    out = funnel(apps, by="size")
    assert out["size"].drop_duplicates().tolist() == [10.0, 50.0, "(missing)"]
    applied = out[out["stage"] == "applied"].set_index("size")["events"]
    assert applied.tolist() == [4, 4, 2] and applied.sum() == len(apps)
