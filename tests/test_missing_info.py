"""Missing information is never a confident number.

Undated replies (imputed, with bounds), zero events (an upper bound, never
0-0), measures the file cannot hold ("not in the data", never 0), and files
without reply information left out of pooled rates.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

import jobstats
from jobstats.engine import from_parquet
from jobstats.simulate import simulate_search
from jobstats.schema import AnalysisError

AS_OF = "2025-06-30"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
CLIENTS = sorted((SAMPLE / "clients").glob("client_*"))
Z = 1.959963984540054


def _km_within(apps: pd.DataFrame, k: int, as_of: str = AS_OF) -> float:
    """P(reply within k days) by lifelines, undated replies dropped (the old, biased way)."""
    start = apps["applied_on"].dt.normalize()
    c = (pd.Timestamp(as_of) - start).dt.days.to_numpy()
    r = (apps["first_reply_on"].dt.normalize() - start).dt.days.to_numpy()
    ev = ~np.isnan(r) & (np.nan_to_num(r, nan=1e9) <= c)
    kmf = KaplanMeierFitter().fit(np.where(ev, r, c), ev)
    return float(1 - kmf.survival_function_at_times([k]).iloc[0])


def _hide_dates(apps: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = apps.copy()
    hide = out["first_reply_on"].notna().to_numpy() & (rng.random(len(out)) < share)
    out.loc[hide, "first_reply_on"] = pd.NaT  # stage still says "replied"
    return out


@pytest.fixture(scope="module")
def truth_30() -> float:
    """P(reply within 30 days) of the simulated searcher, from a huge uncensored run."""
    big, _ = simulate_search(200_000, seed=99, as_of="2027-01-01", followup_prob=0.0)
    d = (big["first_reply_on"] - big["applied_on"]).dt.days
    return float((d <= 30).mean())


def test_undated_replies_recover_the_truth_with_bounds(truth_30) -> None:
    apps, _ = simulate_search(3000, seed=5, followup_prob=0.0)
    full = _km_within(apps, 30)  # what the complete file would say
    holed = _hide_dates(apps, 0.30, seed=6)
    dropped = _km_within(holed[holed["first_reply_on"].notna() | (holed["stage"] == "applied")],
                         30)
    row = jobstats.reply_within(holed, (30,), as_of=AS_OF).iloc[0]
    # dropping the undated replies is biased down (the 0.215 vs 0.282)
    assert dropped < full - 0.04
    assert abs(row["estimate"] - full) < 0.015
    assert row["ci_low"] < truth_30 < row["ci_high"]
    assert row["bounds_low"] <= full <= row["bounds_high"]
    assert row["bounds_low"] <= truth_30 <= row["bounds_high"]
    assert "same schedule" in row["note"] and "bounds" in row["note"]


def test_undated_interval_covers_the_truth(truth_30) -> None:
    covered, reps = 0, 20
    for seed in range(reps):
        apps, _ = simulate_search(600, seed=300 + seed, followup_prob=0.0)
        row = jobstats.reply_within(_hide_dates(apps, 0.3, seed), (30,), as_of=AS_OF).iloc[0]
        covered += bool(row["ci_low"] <= truth_30 <= row["ci_high"])
    assert covered >= 16  # nominal 19 of 20; P(< 16) is about 1.6% if calibrated


def test_no_bounds_without_undated_replies() -> None:
    apps, _ = simulate_search(300, seed=7)
    tab = jobstats.reply_within(apps, as_of=AS_OF)
    assert tab["bounds_low"].isna().all() and tab["bounds_high"].isna().all()


def test_zero_events_give_an_upper_bound_never_zero_zero() -> None:
    n = 40
    apps = pd.DataFrame({
        "application_id": [f"a{i}" for i in range(n)],
        "applied_on": pd.to_datetime("2025-01-01") + pd.to_timedelta(np.arange(n), unit="D"),
        "first_reply_on": pd.NaT, "stage": "applied", "status": "applied",
        "reply_kind": pd.NA,
    })
    rates = jobstats.rates(apps, as_of=AS_OF).set_index("measure")
    for m in ("response", "interview", "offer"):
        assert rates.loc[m, "estimate"] == 0 and rates.loc[m, "ci_low"] == 0
        assert rates.loc[m, "ci_high"] == pytest.approx(Z**2 / (n + Z**2))  # Wilson upper
        assert rates.loc[m, "note"]
    assert rates.loc["ghosting", "estimate"] == 1 and rates.loc["ghosting", "ci_low"] < 1
    within = jobstats.reply_within(apps, (7, 30), as_of=AS_OF)
    assert (within["estimate"] == 0).all() and (within["ci_high"] > 0).all()
    # exact one-sided 97.5% bound from the applications followed that long
    assert within["ci_high"].tolist() == pytest.approx(
        [1 - 0.025 ** (1 / n), 1 - 0.025 ** (1 / n)])
    curve = jobstats.reply_curve(apps, as_of=AS_OF)
    assert (curve["ci_high"] > 0).all()
    f = jobstats.funnel(apps)
    assert (f.loc[f["stage"] == "replied", "ci_high"] > 0).all()
    # competing outcomes: a kind not seen yet gets an upper bound too
    apps.loc[0, ["first_reply_on", "stage", "reply_kind"]] = [pd.Timestamp("2025-01-05"),
                                                              "replied", "rejection"]
    co = jobstats.competing_outcomes(apps, as_of=AS_OF)
    interview = co[co["outcome"] == "interview"]
    assert (interview["estimate"] == 0).all() and (interview["ci_high"] > 0).all()


def test_linkedin_export_has_no_reply_information() -> None:
    data = jobstats.load(SAMPLE / "linkedin" / "Job Applications.csv", as_of=AS_OF)
    assert not data.applications["reply_info"].any()
    rates = jobstats.rates(data).set_index("measure")
    for m in ("response", "interview", "offer", "ghosting"):
        assert np.isnan(rates.loc[m, "estimate"]) and np.isnan(rates.loc[m, "ci_high"])
        assert rates.loc[m, "note"].startswith("not in the data"), m
    within = jobstats.reply_within(data)
    assert within["estimate"].isna().all()
    assert within["note"].str.startswith("not in the data").all()
    assert jobstats.reply_curve(data)["estimate"].isna().all()
    f = jobstats.funnel(data).set_index("stage")
    assert np.isnan(f.loc["replied", "estimate"]) and f.loc["applied", "events"] == 180
    d = jobstats.summarize(data).to_dict()
    json.dumps(d)
    assert d["response_rate"]["estimate"] is None and d["responses"] is None
    assert d["response_rate"]["note"].startswith("not in the data")
    assert all(v["estimate"] is None for v in d["reply_within"].values())


def test_pooled_coach_folder_leaves_out_files_without_reply_information() -> None:
    pooled = jobstats.load_many(CLIENTS, as_of=AS_OF)
    rate = jobstats.rates(pooled).set_index("measure")
    with_info = jobstats.load_many([p for p in CLIENTS if "linkedin" not in p.name], as_of=AS_OF)
    apps = with_info.applications
    # replies counted by hand on the nine files that record replies
    replied = (apps["stage"] != "applied") & ~(apps["first_reply_on"] > pd.Timestamp(AS_OF))
    assert rate.loc["response", "n"] == len(apps)
    assert rate.loc["response", "estimate"] == pytest.approx(replied.mean())
    assert rate.loc["response", "estimate"] == pytest.approx(0.265, abs=0.005)
    assert "200 application(s) from files with no reply information left out" in \
        rate.loc["response", "note"]
    assert any("client_08_linkedin" in w for w in rate.attrs["warnings"])
    curve = jobstats.reply_within(pooled)
    assert (curve["n"] == len(apps)).all()


def test_status_without_reply_dates_gives_no_ghosting_of_100_percent() -> None:
    data = jobstats.load(SAMPLE / "clients" / "client_01_huntr.csv", as_of=AS_OF)
    assert data.applications["first_reply_on"].isna().all()
    ghost = jobstats.rates(data).set_index("measure").loc["ghosting"]
    assert np.isnan(ghost["estimate"]) and "not in the data" in ghost["note"]
    within = jobstats.reply_within(data)
    assert within["estimate"].isna().all()
    assert (within["bounds_low"] < within["bounds_high"]).all()  # the data still bound it


def test_a_file_without_interview_information(tmp_path) -> None:
    path = tmp_path / "replies_only.csv"
    rows = ["Company,Date applied,Response?"]
    rows += [f"C{i},2025-0{1 + i % 5}-1{i % 10},{'yes' if i % 3 == 0 else 'no'}"
             for i in range(30)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = jobstats.load(path, as_of=AS_OF)
    assert data.applications["reply_info"].all()
    assert not data.applications["interview_info"].any()
    rates = jobstats.rates(data).set_index("measure")
    assert rates.loc["response", "estimate"] == pytest.approx(10 / 30)
    assert np.isnan(rates.loc["interview", "estimate"])
    note = rates.loc["interview", "note"]
    assert note == "not in the data: the file has no interview information"


def test_summary_json_bounds_only_with_undated_replies(tmp_path) -> None:
    apps, _ = simulate_search(200, seed=8)
    path = tmp_path / "t.csv"
    holed = _hide_dates(apps, 0.3, seed=1)
    out = pd.DataFrame({
        "Company": holed["company"], "Date applied": holed["applied_on"].dt.date,
        "Status": np.where(holed["stage"] == "applied", "Applied", "Rejected"),
        "Response date": holed["first_reply_on"].dt.date,
    })
    out.to_csv(path, index=False)
    d = jobstats.summarize(jobstats.load(path, as_of=AS_OF)).to_dict()
    for v in d["reply_within"].values():
        lo, hi = v["bounds"]
        assert lo <= v["estimate"] <= hi
    dated = out.assign(**{"Response date": apps["first_reply_on"].dt.date,
                          "Status": np.where(apps["stage"] == "applied", "Applied", "Rejected")})
    dated.to_csv(path, index=False)
    d = jobstats.summarize(jobstats.load(path, as_of=AS_OF)).to_dict()
    assert all("bounds" not in v for v in d["reply_within"].values())


def test_bounds_are_the_extremes_over_every_dating_of_the_undated_replies() -> None:
    """Independent check with lifelines: any dating of the undated replies inside
    [applied, as-of] gives a curve within the bounds, and the bounds are reached."""
    rng = np.random.default_rng(11)
    n, as_of = 60, pd.Timestamp("2025-03-01")
    applied = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 55, n), unit="D")
    c = (as_of - applied).days.to_numpy()
    reply_day = rng.integers(0, 40, n)
    replied = (rng.random(n) < 0.5) & (reply_day <= c)
    undated = replied & (rng.random(n) < 0.4)
    apps = pd.DataFrame({
        "application_id": [f"a{i}" for i in range(n)], "applied_on": applied,
        "first_reply_on": applied + pd.to_timedelta(np.where(replied & ~undated, reply_day, 0),
                                                    unit="D"),
        "stage": np.where(replied, "replied", "applied"),
    })
    apps.loc[~replied | undated, "first_reply_on"] = pd.NaT
    days = (3, 10, 20)
    tab = jobstats.reply_within(apps, days, as_of=as_of)

    def km(placed: np.ndarray) -> np.ndarray:
        t = np.where(replied, np.where(undated, placed, reply_day), c)
        kmf = KaplanMeierFitter().fit(t, replied)
        return 1 - kmf.survival_function_at_times(list(days)).to_numpy()

    curves = np.array([km(rng.integers(0, c + 1)) for _ in range(300)])  # random datings
    assert (curves.min(axis=0) >= tab["bounds_low"].to_numpy() - 1e-9).all()
    assert (curves.max(axis=0) <= tab["bounds_high"].to_numpy() + 1e-9).all()
    for j, k in enumerate(days):  # the extreme datings reach the bounds
        low = km(np.where(c <= k, 0, c))
        high = km(np.minimum(c, k))
        assert low[j] == pytest.approx(tab["bounds_low"].iloc[j])
        assert high[j] == pytest.approx(tab["bounds_high"].iloc[j])


def test_weekly_activity_and_flow_do_not_count_unknown_replies_as_zero() -> None:
    linkedin = jobstats.load(SAMPLE / "linkedin" / "Job Applications.csv", as_of=AS_OF)
    weekly = jobstats.weekly_activity(linkedin)
    assert weekly["applications"].sum() == 180 and weekly["replies"].isna().all()
    assert weekly["follow_ups"].isna().all()  # the export records no follow-ups either
    assert weekly.attrs["note"].startswith("Replies unknown: your file holds no reply information "
                                           "(e.g. a LinkedIn export); follow-ups unknown")
    with pytest.raises(AnalysisError, match="no reply information"):
        jobstats.funnel_links(linkedin)
    # pooled: replies per week from the nine files that record them, counted by hand
    pooled = jobstats.load_many(CLIENTS, as_of=AS_OF)
    with_info = jobstats.load_many([p for p in CLIENTS if "linkedin" not in p.name], as_of=AS_OF)
    dates = pd.to_datetime(with_info.applications["first_reply_on"]).dropna()
    dates = dates[dates <= pd.Timestamp(AS_OF)]
    weekly = jobstats.weekly_activity(pooled)
    assert weekly["replies"].sum() == len(dates)
    assert weekly["applications"].sum() == len(pooled.applications)
    assert "200 application(s) from files with no reply information" in weekly.attrs["note"]
    links = jobstats.funnel_links(pooled).set_index(["source", "target"])["count"]
    assert links.loc[("applied", "replied")] + links.loc[("applied", "no reply (yet)")] == \
        len(with_info.applications)


def _turnbull_plain(n_dated: np.ndarray, d_dated: np.ndarray, cnt: np.ndarray,
                    p0: np.ndarray) -> np.ndarray:
    """The self-consistency iterations of ``jobstats.timing._turnbull`` written plainly."""
    p = p0
    r1 = np.cumsum(cnt[::-1])[::-1]
    for _ in range(2000):
        cdf = np.cumsum(p)
        ratio = np.where(cnt > 0, cnt / np.where(cdf > 0, cdf, 1.0), 0.0)
        r2 = np.cumsum(ratio[::-1])[::-1]
        cdf_before = np.concatenate([[0.0], cdf[:-1]])
        events = d_dated + p * r2
        at_risk = n_dated + r1 - cdf_before * r2
        with np.errstate(divide="ignore", invalid="ignore"):
            h = np.where(at_risk > 1e-12, events / at_risk, 0.0)
        new = -np.diff(np.concatenate([[1.0], np.cumprod(1 - np.clip(h, 0.0, 1.0))]))
        if np.max(np.abs(new - p)) < 1e-9:
            return new
        p = new
    return p


def test_turnbull_iterations_give_the_plain_forms_numbers_bit_for_bit() -> None:
    """The EM loop is written for speed (it runs thousands of times per curve with
    undated replies); it must give exactly the numbers of the plain form, on dated-only,
    undated-only and mixed data, from both of its starts."""
    from jobstats.timing import _turnbull

    rng = np.random.default_rng(5)
    for case in range(30):
        size = int(rng.integers(1, 120))
        # mixed; dated replies only; undated replies only (no dated application at all)
        t = rng.integers(0, size, 0 if case % 3 == 2 else int(rng.integers(1, 60)))
        ev = rng.random(len(t)) < rng.random()
        c = rng.integers(0, size, 0 if case % 3 == 1 else int(rng.integers(1, 12)))
        per_day = np.bincount(t, minlength=size).astype(float)
        n_dated = np.cumsum(per_day[::-1])[::-1]
        d_dated = np.bincount(t[ev], minlength=size).astype(float)
        cnt = np.bincount(c, minlength=size).astype(float)
        got = _turnbull(n_dated, d_dated, cnt)
        assert got.shape == (size,)
        starts = [got, np.full(size, 1.0 / size)]
        for p0 in starts:
            fast, plain = _turnbull(n_dated, d_dated, cnt, p0=p0), _turnbull_plain(
                n_dated, d_dated, cnt, p0)
            assert np.array_equal(fast, plain), case
            assert np.array_equal(np.signbit(fast), np.signbit(plain)), case


def test_turnbull_side_by_side_gives_each_imputations_numbers_bit_for_bit() -> None:
    """The imputations' refits run side by side (rows leave as they converge); each row
    must be exactly what the one-at-a-time loop gives from the same start."""
    from jobstats.timing import _turnbull, _turnbull_many

    rng = np.random.default_rng(11)
    for case in range(12):
        size = int(rng.integers(1, 150))
        rows = int(rng.integers(1, 31))
        per_day = rng.integers(0, 4, (rows, size)).astype(float)
        n_dated = np.cumsum(per_day[:, ::-1], axis=1)[:, ::-1]
        d_dated = np.minimum(rng.integers(0, 2, (rows, size)), per_day).astype(float)
        cnt = (rng.random((rows, size)) < 0.05).astype(float)
        cnt[:, -1] += 1  # every row has an undated reply
        p0 = _turnbull(n_dated[0], d_dated[0], cnt[0])
        together = _turnbull_many(n_dated, d_dated, cnt, p0)
        for r in range(rows):
            alone = _turnbull(n_dated[r], d_dated[r], cnt[r], p0=p0)
            assert np.array_equal(together[r], alone), (case, r)
            assert np.array_equal(np.signbit(together[r]), np.signbit(alone)), (case, r)


def _early_days_without_replies() -> pd.DataFrame:
    """Six applications (a hand-written tracker): dated replies on days 9, 13 and 21,
    one reply on record without a date, two still waiting; no reply before day 9."""
    applied = pd.to_datetime(["2025-03-01", "2025-03-03", "2025-03-05", "2025-03-07",
                              "2025-03-09", "2025-03-11"])
    return pd.DataFrame({
        "application_id": [f"a{i}" for i in range(6)],
        "applied_on": applied,
        "first_reply_on": pd.to_datetime(["2025-03-10", None, None, "2025-03-20", None,
                                          "2025-04-01"]),
        "stage": ["replied", "interview", "applied", "replied", "applied", "replied"],
        "status": ["rejected", "interview", "applied", "rejected", "applied", "rejected"],
        "reply_kind": ["rejection", "interview", pd.NA, "rejection", pd.NA, "rejection"],
    })


def test_days_before_any_reply_with_undated_replies_get_an_upper_bound_never_zero_zero() -> None:
    """With a reply without a date, the days before the first dated reply were 0%
    with a 0%-0% interval (what the iterations leave, ~1e-13, and 30 imputations that
    all say 0): now 0 with the exact upper bound, as without undated replies."""
    apps = _early_days_without_replies()
    within = jobstats.reply_within(apps, (7, 14), as_of="2025-06-30").set_index("days")
    assert within.loc[7, "estimate"] == 0 and within.loc[7, "ci_low"] == 0
    # 5 dated applications followed past day 7 (the undated reply is not among them)
    assert within.loc[7, "at_risk"] == 5
    assert within.loc[7, "ci_high"] == pytest.approx(1 - 0.025 ** (1 / 5))
    assert "none yet" in within.loc[7, "note"]
    assert within.loc[7, "bounds_high"] == pytest.approx(1 / 6)  # if it came on day 0
    # after the first dated reply the imputation gives a real interval around the estimate
    assert within.loc[14, "ci_low"] < within.loc[14, "estimate"] < within.loc[14, "ci_high"]
    curve = jobstats.reply_curve(apps, as_of="2025-06-30")
    early = curve[curve["day"] < 9]
    assert (early["estimate"] == 0).all() and (early["ci_high"] > 0).all()
    assert (curve.loc[curve["day"] >= 9, "estimate"] > 0.1).all()


def test_undated_reply_note_says_which_estimates_leave_it_out(tmp_path) -> None:
    """The summary keeps an undated reply in the reply chances (imputed) and leaves it
    out where the day is needed: the two notes say which, instead of "left out of
    time-to-reply estimates" beside "kept in the time to reply"; DuckDB says the same."""
    apps = _early_days_without_replies()
    path = tmp_path / "tracker.csv"
    pd.DataFrame({
        "Company": list("ABCDEF"), "Date applied": apps["applied_on"].dt.date,
        "Status": ["Rejected", "Interview", "Applied", "Rejected", "Applied", "Rejected"],
        "Reply date": apps["first_reply_on"].dt.date,
        "Follow-up date": pd.to_datetime(["2025-03-08", "2025-03-10", "2025-03-15", None,
                                          "2025-03-20", None]).date,
    }).to_csv(path, index=False)
    loaded = jobstats.load(path, as_of="2025-04-30")
    on_duckdb = from_parquet(loaded.applications, loaded.events, as_of="2025-04-30")
    notes = []
    for data in (loaded, on_duckdb):
        warnings = jobstats.summarize(data).to_dict()["warnings"]
        kept = [w for w in warnings if "reply(ies) on record without a date" in w]
        assert len(kept) == 1 and kept[0].startswith(
            "1 reply(ies) on record without a date: kept in the chances of a reply by each day")
        text = [w for w in warnings if "without a reply date" in w]
        assert len(text) == 1, warnings
        notes.append(text[0])
    assert notes[0] == notes[1] == (
        "1 application(s) left out of the estimates that need the day of the reply (such as "
        "the median days to reply and the follow-up estimates): reply (per stage) without a "
        "reply date (rows 3).")
