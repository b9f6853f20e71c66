"""jobstats.plotting: each chart tested on what it drew (artists, texts, values).

Results are built by hand in the shared result contract (columns ``n, events,
estimate, ci_low, ci_high, method, note``; ``attrs`` as_of and n_applications),
so the expected numbers on the chart are the hand-written ones, never values
computed by the code under test. No pixel comparison.
"""

from __future__ import annotations

import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import FillBetweenPolyCollection, PolyCollection
from matplotlib.patches import PathPatch, Rectangle

import jobstats
from jobstats import plotting as jp
from jobstats.plotting._common import texts

matplotlib.use("Agg")

AS_OF = pd.Timestamp("2025-06-30")
AS_OF_TEXT = "as of 30 Jun 2025"


# --- hand-made results in the contract shape -------------------------------


def _attrs(df: pd.DataFrame, n: int = 250, **extra: object) -> pd.DataFrame:
    df.attrs.update(as_of=AS_OF, n_applications=n, **extra)
    return df


def policy_table(*, identifiable: bool = True) -> pd.DataFrame:
    """Follow-up policy table (contract 2): day 21 has no estimate."""
    rows = [
        # policy, day, estimate, ci_low, ci_high, difference, diff_lo, diff_hi, n, note
        ("never", math.nan, 0.30, 0.25, 0.35, math.nan, math.nan, math.nan, 250, ""),
        ("day 3", 3.0, 0.33, 0.27, 0.39, 0.03, -0.01, 0.07, 250, ""),
        ("day 5", 5.0, 0.35, 0.29, 0.41, 0.05, 0.01, 0.09, 250, ""),
        ("day 7", 7.0, 0.37, 0.30, 0.44, 0.07, 0.02, 0.12, 250, ""),
        ("day 10", 10.0, 0.38, 0.31, 0.46, 0.08, 0.02, 0.14, 250, ""),
        ("day 14", 14.0, 0.39, 0.31, 0.48, 0.09, 0.01, 0.17, 250, ""),
        ("day 21", 21.0, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, 250,
         "too few applications still waiting on day 21 (4)"),
    ]
    cols = ["policy", "day", "estimate", "ci_low", "ci_high", "difference", "diff_ci_low",
            "diff_ci_high", "n", "note"]
    df = pd.DataFrame(rows, columns=cols)
    df.insert(2, "horizon_days", 30)
    df["method"] = "g-formula"
    if not identifiable:
        for c in ("estimate", "ci_low", "ci_high", "difference", "diff_ci_low", "diff_ci_high"):
            df[c] = math.nan
        df["note"] = "every follow-up was sent on day 7"
    return _attrs(
        df,
        identifiable=identifiable,
        reason=None if identifiable else
        "You always followed up on day 7, so the data cannot separate day 7 from never.",
        assumption="no hidden reason links choosing to follow up and getting a reply",
        adjusted_for=["source"],
    )


def effect_table(*, aware_missing: bool = False) -> pd.DataFrame:
    """Naive rates (followed up vs not) and the time-aware hazard ratio."""
    df = pd.DataFrame(
        {
            "comparison": ["naive", "naive", "time-aware"],
            "group": ["followed up", "not followed up", "after a follow-up vs without"],
            "n": [84, 166, 84],
            "events": [11, 56, 10],
            "estimate": [0.131, 0.337, math.nan if aware_missing else 2.74],
            "ci_low": [0.075, 0.270, math.nan if aware_missing else 1.16],
            "ci_high": [0.219, 0.412, math.nan if aware_missing else 6.46],
            "method": ["Wilson", "Wilson", "cloglog hazard"],
            "note": ["", "", "too few replies after a follow-up (2; need 5)" if aware_missing
                     else ""],
        }
    )
    return _attrs(df)


def curve_table(groups: bool = False) -> pd.DataFrame:
    """Reply curve steps: day 0..40 (one curve), or two sources."""
    def one(scale: float, n: int) -> pd.DataFrame:
        day = np.arange(0, 41)
        est = scale * (1 - np.exp(-day / 6.0))
        return pd.DataFrame({"day": day, "n": n, "estimate": est,
                             "ci_low": est * 0.8, "ci_high": np.minimum(est * 1.2 + 0.01, 1)})
    if not groups:
        return _attrs(one(0.3, 250))
    a, b = one(0.3, 150), one(0.15, 100)
    a.insert(0, "source", "referral")
    b.insert(0, "source", "linkedin easy apply")
    return _attrs(pd.concat([a, b], ignore_index=True))


def rates_table() -> pd.DataFrame:
    """Response rate by source; 'recruiter' too small to tell."""
    df = pd.DataFrame(
        {
            "source": ["company site", "linkedin easy apply", "recruiter"],
            "measure": ["response"] * 3,
            "n": [74, 87, 3],
            "events": [20, 12, 1],
            "estimate": [0.270, 0.138, math.nan],
            "ci_low": [0.182, 0.081, math.nan],
            "ci_high": [0.381, 0.226, math.nan],
            "method": ["Wilson"] * 3,
            "note": ["", "", "too few applications (n=3)"],
        }
    )
    return _attrs(df, n=164)


def links_table() -> pd.DataFrame:
    """Funnel links as funnel_links gives them (source, target, count)."""
    rows = [
        ("applied", "replied", 67), ("applied", "no reply (yet)", 183),
        ("replied", "interview", 23), ("replied", "rejected after reply", 32),
        ("replied", "no interview (yet)", 12), ("interview", "offer", 5),
        ("interview", "rejected after interview", 15), ("interview", "no offer (yet)", 3),
        ("offer", "accepted", 3), ("offer", "declined", 2), ("offer", "offer pending", 0),
    ]
    return _attrs(pd.DataFrame(rows, columns=["source", "target", "count"]))


def weekly_table() -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "week": pd.date_range("2025-06-02", periods=5, freq="7D"),
            "applications": [5, 12, 18, 9, 0],
            "replies": [2, 1, 6, 2, 0],
            "follow_ups": [1, 2, 2, 5, 1],
        }
    )
    return _attrs(df, n=44, note="")
