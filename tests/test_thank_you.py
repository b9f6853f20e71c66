"""Thank-you timing on a landmark design: no manufactured gradient, a known effect found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jobstats.simulate import simulate_search
from jobstats.thank_you import thank_you_timing

AS_OF = "2025-06-30"


def _no_effect_search(n: int, seed: int, advance: float = 0.4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Interviews where 40% advance whatever the thank-you note (written here, not by jobstats).

    Next rounds come 1-20 days after the interview (some before the landmark),
    thank-you notes on day 0-9 or never, independently of everything else: the
    exact situation in which the old "note before the next round" rule showed
    41% / 33% / 18% / 57%.
    """
    rng = np.random.default_rng(seed)
    ids = [f"a{i}" for i in range(n)]
    start = pd.Timestamp("2025-01-01")
    iv = start + pd.to_timedelta(rng.integers(0, 90, n), unit="D")
    adv = rng.random(n) < advance
    nxt = iv + pd.to_timedelta(rng.integers(1, 21, n), unit="D")
    sent = rng.random(n) < 0.7
    ty = iv + pd.to_timedelta(rng.choice([0, 1, 2, 3, 5, 9], n), unit="D")
    events = pd.concat([
        pd.DataFrame({"application_id": ids, "date": iv, "kind": "interview"}),
        pd.DataFrame({"application_id": np.array(ids)[adv], "date": nxt[adv],
                      "kind": "interview"}),
        pd.DataFrame({"application_id": np.array(ids)[sent], "date": ty[sent],
                      "kind": "thank_you"}),
    ], ignore_index=True)
    apps = pd.DataFrame({"application_id": ids, "applied_on": iv - pd.Timedelta(days=10),
                         "stage": "interview"})
    return apps, events


def test_no_effect_gives_no_gradient() -> None:
    apps, events = _no_effect_search(30_000, seed=1)
    tab = thank_you_timing(apps, events, as_of=AS_OF, landmark_days=3).set_index("thank_you")
    assert list(tab.index) == ["same or next day", "day 2 to 3", "not sent by day 3"]
    # among interviews still waiting on day 3, the chance of advancing is
    # P(next round after day 3 | still waiting) = 0.4*17/20 / (1 - 0.4*3/20) = 0.3617
    truth = 0.4 * 17 / 20 / (1 - 0.4 * 3 / 20)
    se = np.sqrt(truth * (1 - truth) / tab["n"])
    assert (abs(tab["estimate"] - truth) < 3.5 * se).all()  # a false alarm < 0.2% per group
    assert tab["estimate"].max() - tab["estimate"].min() < 0.04
    assert tab["n"].min() > 3000


def test_a_known_effect_is_found() -> None:
    apps, events = simulate_search(30_000, seed=6, thank_you_or=3.0)
    tab = thank_you_timing(apps, events, as_of=AS_OF).set_index("thank_you")
    assert tab.loc["same or next day", "ci_low"] > tab.loc["not sent by day 3", "ci_high"]
    assert "not causal" in tab.attrs["assumption"]
    assert "same or next day" in tab.attrs["assumption"]


def test_hand_case_landmark_rules() -> None:
    """Landmark day 3: a next round by day 3 leaves the comparison; a note on
    day 5 is 'not sent by day 3'."""
    iv = pd.Timestamp("2025-01-10 10:00")
    d = pd.Timedelta
    rows = [  # id, days after the interview, kind
        ("a", d(hours=20), "thank_you"), ("a", d(days=10), "interview"),  # next day, advanced
        ("b", d(0), "thank_you"),  # same day, did not advance
        ("c", d(days=2), "thank_you"), ("c", d(days=8), "offer"),  # day 2, advanced (offer)
        ("d", d(days=5), "thank_you"), ("d", d(days=6), "interview"),  # late note, advanced
        ("e", d(days=2), "interview"), ("e", d(days=2, hours=2), "thank_you"),  # out: next by L
        ("f", d(days=30), "interview"),  # no note, advanced late
        ("g", d(days=60), "thank_you"),  # note long after: not sent by day 3
    ]
    ids = list("abcdefg")
    events = pd.DataFrame(
        [(i, iv, "interview") for i in ids] + [(i, iv + dt, k) for i, dt, k in rows],
        columns=["application_id", "date", "kind"],
    )
    apps = pd.DataFrame({"application_id": ids, "stage": "interview",
                         "applied_on": pd.to_datetime(["2025-01-01"] * len(ids))})
    tab = thank_you_timing(apps, events, as_of="2025-06-01").set_index("thank_you")
    assert tab["n"].tolist() == [2, 1, 3]
    assert tab["events"].tolist() == [1, 1, 2]
    assert tab["estimate"].isna().all()  # every group below 5
    assert tab["note"].str.startswith("too few").all()
    assert "1 interview(s) with a next round" in tab.attrs["warnings"][0]


def test_called_twice_and_with_a_load_result(tmp_path) -> None:
    import jobstats
    from jobstats.datasets import sample_tracker_path

    data = jobstats.load(sample_tracker_path(), as_of=AS_OF)
    one = jobstats.thank_you_timing(data)
    two = jobstats.thank_you_timing(data.applications, data.events, as_of=data.as_of)
    pd.testing.assert_frame_equal(one, two)
    assert one.attrs["as_of"] == pd.Timestamp(AS_OF)
    assert "same or next day" in one._repr_html_()


def test_landmark_must_leave_room_for_a_later_note() -> None:
    apps, events = _no_effect_search(50, seed=2)
    with pytest.raises(Exception, match="landmark_days"):
        thank_you_timing(apps, events, as_of=AS_OF, landmark_days=1)


def test_no_thank_you_column_is_not_in_the_data() -> None:
    apps, events = _no_effect_search(500, seed=3)
    tab = thank_you_timing(apps, events[events["kind"] != "thank_you"], as_of=AS_OF)
    assert tab["estimate"].isna().all()
    assert tab["note"].str.startswith("not in the data").all()
    assert tab["n"].sum() > 0  # the interviews are there, the notes are not
