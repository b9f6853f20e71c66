"""stage_conversion(): hand-computed steps, censoring, skipped stages, plain verdict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REAL_TRACKER, wilson_by_hand

import jobstats
from jobstats.schema import AnalysisError

AS_OF = "2025-03-31"


def _search() -> tuple[pd.DataFrame, pd.DataFrame]:
    """40 sent 2025-01-01: 20 replied on day 4, 10 of them interviewed 10 days later
    (2 of these got an offer, dated); 20 sent 2025-03-20 replied 2025-03-25, no
    interview yet (still open); 15 sent 2025-01-01 never replied (ghosted)."""
    rows, events = [], []
    for i in range(20):  # old replies
        interview = i < 10
        offer = i < 2
        rows.append({"application_id": f"o{i}", "applied_on": "2025-01-01",
                         "first_reply_on": "2025-01-05",
                         "stage": "offer" if offer else ("interview" if interview else "replied"),
                         "status": "offer" if offer else ("rejected")})
        if interview:
            events.append({"application_id": f"o{i}", "date": "2025-01-15", "kind": "interview"})
        if offer:
            events.append({"application_id": f"o{i}", "date": "2025-01-25", "kind": "offer"})
    for i in range(20):  # recent replies, waiting for the next step
        rows.append({"application_id": f"r{i}", "applied_on": "2025-03-20",
                         "first_reply_on": "2025-03-25", "stage": "replied", "status": "applied"})
    for i in range(15):  # silent
        rows.append({"application_id": f"s{i}", "applied_on": "2025-01-01", "first_reply_on": None,
                         "stage": "applied", "status": "no_response"})
    apps = pd.DataFrame(rows)
    apps["applied_on"] = pd.to_datetime(apps["applied_on"])
    apps["first_reply_on"] = pd.to_datetime(apps["first_reply_on"])
    ev = pd.DataFrame(events)
    ev["date"] = pd.to_datetime(ev["date"])
    return apps, ev


def test_counts_shares_and_censoring_aware_step_by_hand():
    apps, ev = _search()
    t = jobstats.stage_conversion(apps, ev, as_of=AS_OF).set_index("step")
    assert list(t.index) == ["applied → replied", "replied → interview", "interview → offer"]
    step = t.loc["replied → interview"]
    assert (step["n"], step["events"], step["still_open"]) == (40, 10, 20)
    assert step["share"] == pytest.approx(0.25)
    lo, hi = wilson_by_hand(10, 40)
    assert (step["share_ci_low"], step["share_ci_high"]) == pytest.approx((lo, hi))
    # the 20 recent replies are followed 6 days, the interviews came on day 10:
    # Kaplan-Meier at day 10 uses only the 20 old ones, 10 of which went on
    assert step["estimate"] == pytest.approx(0.5)
    assert step["method"].startswith("Kaplan-Meier")
    first = t.loc["applied → replied"]
    assert (first["n"], first["events"]) == (55, 40)
    offer = t.loc["interview → offer"]
    assert (offer["n"], offer["events"]) == (10, 2)
    assert offer["estimate"] == pytest.approx(0.2)  # all followed > 60 days
    assert t["loses_most"].sum() == 1 and t.loc["interview → offer", "loses_most"]


def test_screen_not_recorded_is_skipped_and_said():
    apps, ev = _search()
    t = jobstats.stage_conversion(apps, ev, as_of=AS_OF)
    assert "screen" not in set(t["from_stage"]) | set(t["to_stage"])
    assert "screen" in t.attrs["skipped"]


def test_undated_next_stage_falls_back_to_share_with_open_note():
    apps, ev = _search()
    ev = ev[ev["kind"] != "interview"]  # interviews known from the stage only
    t = jobstats.stage_conversion(apps, ev, as_of=AS_OF).set_index("step")
    step = t.loc["replied → interview"]
    assert step["estimate"] == pytest.approx(0.25)
    assert step["method"].startswith("share")
    assert "10 of the 10 that reached interview have no usable interview date" in step["note"]
    assert "20 still open" in step["note"] and "up to 75%" in step["note"]


def test_small_step_is_nan_with_note_and_no_zero_width_interval():
    apps, ev = _search()
    apps.loc[apps["stage"] == "offer", ["stage", "status"]] = ["interview", "rejected"]
    apps = apps.drop(index=range(4, 10))  # 4 interviews left, none with an offer
    t = jobstats.stage_conversion(apps, ev, as_of=AS_OF).set_index("step")
    step = t.loc["interview → offer"]
    assert step["n"] == 4 and np.isnan(step["estimate"])
    assert step["note"] == "too few applications reached interview (n=4)"


def test_verdict_names_the_weakest_step_in_words():
    apps, ev = _search()
    t = jobstats.stage_conversion(apps, ev, as_of=AS_OF)
    v = t.attrs["verdict"]
    assert v.startswith("The weakest step is interview → offer: 20% (95% CI")
    # stopped for good: applied -> replied 15, replied -> interview 10 (20 open), offer 8
    assert v.endswith("most applications are lost at applied → replied: 15 of 55 stopped there.")


def test_real_tracker_steps():
    data = jobstats.load(REAL_TRACKER, as_of="2023-03-13")
    t = jobstats.stage_conversion(data)
    assert t["step"].tolist() == ["applied → replied", "replied → interview", "interview → offer"]
    first = t.iloc[0]
    assert (first["n"], first["events"]) == (177, 64)  # 36% ever replied (RESEARCH.md)
    assert t.attrs["verdict"].startswith("The weakest step is")
    assert t["note"].str.len().gt(0).sum() >= 1


def test_rows_without_reply_information_are_left_out():
    apps, ev = _search()
    apps["reply_info"] = True
    first = jobstats.stage_conversion(apps, ev, as_of=AS_OF)
    apps.loc[apps["application_id"].str.startswith("s"), "reply_info"] = False
    t = jobstats.stage_conversion(apps, ev, as_of=AS_OF)
    assert t.at[0, "n"] == first.at[0, "n"] - 15
    apps["reply_info"] = False
    with pytest.raises(AnalysisError, match="unknown, not empty"):
        jobstats.stage_conversion(apps, ev, as_of=AS_OF)
