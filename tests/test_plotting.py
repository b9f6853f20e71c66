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
from matplotlib.patches import PathPatch

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


# --- fixtures --------------------------------------------------------------


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(autouse=True)
def _no_show(monkeypatch):
    """A chart function that calls plt.show() fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("plotting code called plt.show()")

    monkeypatch.setattr(plt, "show", refuse)


def _new_ax():
    return plt.subplots()[1]


def _all_text(ax) -> str:
    return "\n".join(texts(ax))


def _flat(ax) -> str:
    """All text with wrapping undone (footers wrap to the chart width)."""
    return " ".join(_all_text(ax).split())


def _by_gid(ax, gid: str) -> list:
    return [a for a in ax.get_children() if a.get_gid() == gid]


def _rc_snapshot() -> dict:
    return {k: str(v) for k, v in matplotlib.rcParams.items()}


CHARTS = {
    "followup_policy_chart": (jp.followup_policy_chart, policy_table),
    "followup_effect_chart": (jp.followup_effect_chart, effect_table),
    "reply_curve_chart": (jp.reply_curve_chart, curve_table),
    "rates_chart": (jp.rates_chart, rates_table),
    "flow_chart": (jp.flow_chart, links_table),
    "weekly_activity_chart": (jp.weekly_activity_chart, weekly_table),
}


# --- what every chart does ---------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
@pytest.mark.parametrize("style", [None, "notebook", "workshop"])
def test_every_chart_states_n_and_as_of_and_returns_its_axes(name, style):
    fn, make = CHARTS[name]
    result = make()
    before = _rc_snapshot()
    if style is None:
        ax = _new_ax()
        out = fn(result, ax=ax)
    else:
        with jp.style(style):
            ax = _new_ax()
            out = fn(result, ax=ax)
            ax.figure.canvas.draw()  # layout and callable coordinates run without error
    assert out is ax
    text = _all_text(ax)
    n = result.attrs["n_applications"]
    assert f"n = {n} applications" in text
    assert AS_OF_TEXT in text
    assert _rc_snapshot() == before, "a chart or style left a matplotlib setting changed"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_draws_on_the_current_axes_when_none_given(name):
    fn, make = CHARTS[name]
    fig, ax = plt.subplots()
    assert fn(make()) is ax


@pytest.mark.parametrize("name", CHARTS)
def test_a_result_without_attrs_says_so_rather_than_inventing_them(name):
    fn, make = CHARTS[name]
    result = make()
    result.attrs = {}
    ax = fn(result, ax=_new_ax())
    text = _all_text(ax)
    assert "n not given" in text and "as-of date not given" in text


@pytest.mark.parametrize("name", CHARTS)
def test_a_wrong_table_gets_a_clear_error_naming_the_missing_column(name):
    fn, _ = CHARTS[name]
    with pytest.raises(ValueError, match="has no column"):
        fn(pd.DataFrame({"x": [1]}), ax=_new_ax())
    with pytest.raises(TypeError, match="DataFrame"):
        fn({"estimate": [0.1]}, ax=_new_ax())


# --- follow-up policy ------------------------------------------------------


def test_policy_points_and_intervals_are_the_tables_numbers():
    ax = jp.followup_policy_chart(policy_table(), ax=_new_ax())
    (container,) = ax.containers
    points = container.lines[0]
    assert list(points.get_xdata()) == [3, 5, 7, 10, 14]
    assert list(points.get_ydata()) == pytest.approx([0.33, 0.35, 0.37, 0.38, 0.39])
    segments = container.lines[2][0].get_segments()
    np.testing.assert_allclose(
        [s[:, 1] for s in segments],
        [(0.27, 0.39), (0.29, 0.41), (0.30, 0.44), (0.31, 0.46), (0.31, 0.48)],
    )
    text = _all_text(ax)
    for label in ("33%", "35%", "37%", "38%", "39%", "day 3", "day 21"):
        assert label in text


def test_policy_never_is_a_band_with_its_interval_and_a_direct_label():
    ax = jp.followup_policy_chart(policy_table(), ax=_new_ax())
    (band,) = _by_gid(ax, "never-band")
    assert (band.get_y(), band.get_y() + band.get_height()) == pytest.approx((0.25, 0.35))
    (line,) = _by_gid(ax, "never-line")
    assert list(line.get_ydata()) == pytest.approx([0.30, 0.30])
    assert "never\nfollow up\n30%\n(25–35%)" in _all_text(ax)


def test_policy_without_an_estimate_is_shown_as_cannot_tell_not_dropped():
    ax = jp.followup_policy_chart(policy_table(), ax=_new_ax())
    (marker,) = _by_gid(ax, "cannot-tell-marker")
    assert list(marker.get_xdata()) == [21]
    assert 21 not in list(ax.containers[0].lines[0].get_xdata())
    text = _all_text(ax)
    assert "data\ncannot tell" in text
    assert "too few applications still waiting on day 21 (4)" in _flat(ax)  # its note


def test_policy_marks_the_two_week_advice_and_states_the_assumption():
    ax = jp.followup_policy_chart(policy_table(), ax=_new_ax())
    (band,) = _by_gid(ax, "advice-band")
    assert band.get_x() < 14 < band.get_x() + band.get_width()
    text = _all_text(ax)
    assert "about two weeks" in text
    assert "Assumes no hidden reason links choosing to follow up and getting a reply." in _flat(ax)
    assert "within 30 days" in ax.get_title(loc="left")


def test_policy_difference_view_draws_the_differences_against_zero():
    ax = jp.followup_policy_chart(policy_table(), show="difference", ax=_new_ax())
    points = ax.containers[0].lines[0]
    assert list(points.get_ydata()) == pytest.approx([0.03, 0.05, 0.07, 0.08, 0.09])
    assert _by_gid(ax, "zero-line")
    assert "+9 pts" in _all_text(ax)
    with pytest.raises(ValueError, match="show="):
        jp.followup_policy_chart(policy_table(), show="ratio", ax=_new_ax())


def test_policy_with_no_estimate_at_all_shows_no_axis_only_the_notes():
    table = policy_table()
    for c in ("estimate", "ci_low", "ci_high", "difference", "diff_ci_low", "diff_ci_high"):
        table[c] = math.nan
    table["note"] = "too few replies after a follow-up (2; need 5)"
    ax = jp.followup_policy_chart(table, ax=_new_ax())
    assert not ax.containers and ax.get_yticks().size == 0
    assert "Too few replies after a follow-up (2; need 5)" in _flat(ax)
    assert "95% intervals" not in _all_text(ax)


def test_policy_not_identifiable_is_an_honest_empty_chart_with_the_reason():
    ax = jp.followup_policy_chart(policy_table(identifiable=False), ax=_new_ax())
    assert not ax.containers and not ax.lines and not ax.patches
    assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0
    text = _all_text(ax)
    assert "The data cannot tell" in text
    assert "always followed up on day 7" in text.replace("\n", " ")
    assert "95% intervals" not in text  # no interval is drawn, none is claimed


# --- follow-up effect ------------------------------------------------------


def test_effect_puts_naive_rates_and_time_aware_ratio_side_by_side():
    ax = jp.followup_effect_chart(effect_table(), ax=_new_ax())
    naive, aware = ax.child_axes
    naive_points = [ln for ln in naive.lines if ln.get_gid() == "estimate"]
    assert [ln.get_xdata()[0] for ln in naive_points] == pytest.approx([0.131, 0.337])
    intervals = [ln.get_xdata() for ln in naive.lines if ln.get_gid() == "interval"]
    np.testing.assert_allclose(intervals, [(0.075, 0.219), (0.270, 0.412)])
    (hr,) = [ln for ln in aware.lines if ln.get_gid() == "estimate"]
    assert hr.get_xdata()[0] == pytest.approx(2.74)
    (hr_ci,) = [ln for ln in aware.lines if ln.get_gid() == "interval"]
    assert tuple(hr_ci.get_xdata()) == pytest.approx((1.16, 6.46))
    assert aware.get_xscale() == "log"
    (one,) = [ln for ln in aware.lines if ln.get_gid() == "no-effect-line"]
    assert list(one.get_xdata()) == [1, 1]
    text = _all_text(ax)
    assert "followed up\n(n = 84)" in text and "not followed up\n(n = 166)" in text
    assert "13%\n(8–22%)" in text and "2.7×\n(1.2–6.5)" in text
    assert "Why they differ" in text


def test_effect_without_a_time_aware_estimate_says_why():
    ax = jp.followup_effect_chart(effect_table(aware_missing=True), ax=_new_ax())
    aware = ax.child_axes[1]
    assert not [ln for ln in aware.lines if ln.get_gid() == "estimate"]
    text = _all_text(ax)
    assert "data cannot tell" in text
    assert "too few replies after a follow-up (2; need 5)" in _flat(ax)


def test_effect_needs_both_comparisons():
    table = effect_table()
    with pytest.raises(ValueError, match="time-aware"):
        jp.followup_effect_chart(table[table["comparison"] == "naive"], ax=_new_ax())


# --- reply curve -----------------------------------------------------------


def test_curve_line_and_band_are_the_tables_numbers():
    curve = curve_table()
    ax = jp.reply_curve_chart(curve, ax=_new_ax())
    (line,) = _by_gid(ax, "curve")
    assert list(line.get_xdata()) == list(curve["day"])
    assert list(line.get_ydata()) == pytest.approx(list(curve["estimate"]))
    (band,) = _by_gid(ax, "band")
    ys = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
    assert ys.min() == pytest.approx(curve["ci_low"].min())
    assert ys.max() == pytest.approx(curve["ci_high"].max())
    for day in (7, 14, 30):
        (mark,) = _by_gid(ax, f"mark:{day}")
        assert list(mark.get_xdata()) == [day, day]
        value = curve.loc[curve["day"] == day, "estimate"].item()
        (dot,) = _by_gid(ax, f"mark-value:{day}")
        assert (dot.get_xdata()[0], dot.get_ydata()[0]) == pytest.approx((day, value))
        assert f"{round(100 * value)}%" in _all_text(ax)
    assert {7, 14, 30} <= set(ax.get_xticks())


def test_curve_long_tail_is_cut_at_max_day_and_the_footer_says_so():
    day = np.arange(0, 101)
    est = np.minimum(day / 200, 0.3)
    curve = _attrs(pd.DataFrame({"day": day, "estimate": est, "ci_low": est * 0.8,
                                 "ci_high": est * 1.2}))
    ax = jp.reply_curve_chart(curve, ax=_new_ax())
    (line,) = _by_gid(ax, "curve")
    assert line.get_xdata()[-1] == 60 and line.get_ydata()[-1] == pytest.approx(0.3)
    assert "Shown to day 60; the data go to day 100." in _flat(ax)
    ax = jp.reply_curve_chart(curve, max_day=None, ax=_new_ax())
    (line,) = _by_gid(ax, "curve")
    assert line.get_xdata()[-1] == 100


def test_curve_by_group_names_each_curve_at_its_end_with_n():
    curve = curve_table(groups=True)
    ax = jp.reply_curve_chart(curve, ax=_new_ax())
    for source, n in (("referral", 150), ("linkedin easy apply", 100)):
        (line,) = _by_gid(ax, f"curve:{source}")
        part = curve[curve["source"] == source]
        assert list(line.get_ydata()) == pytest.approx(list(part["estimate"]))
        assert f"{source}\nn = {n}" in _all_text(ax)
    assert not ax.get_legend()


def test_curve_group_without_an_estimate_is_named_not_dropped():
    curve = curve_table(groups=True)
    referral = curve["source"] == "referral"
    curve.loc[referral, ["estimate", "ci_low", "ci_high"]] = math.nan
    curve["note"] = ""
    curve.loc[referral, "note"] = "too few applications (n=3)"
    ax = jp.reply_curve_chart(curve, ax=_new_ax())
    assert not _by_gid(ax, "curve:referral")
    assert "Data cannot tell for referral (n = 150): too few applications (n=3)." in _flat(ax)


def test_curve_mark_past_the_follow_up_says_so_instead_of_a_number():
    curve = curve_table()
    short = curve[curve["day"] <= 20].copy()
    short.attrs = curve.attrs
    ax = jp.reply_curve_chart(short, ax=_new_ax())
    assert "day 30:\nnot followed\nthat long" in _all_text(ax)
    assert not _by_gid(ax, "mark-value:30")


# --- rates -----------------------------------------------------------------


def test_rates_rows_are_the_tables_numbers_with_n():
    ax = jp.rates_chart(rates_table(), ax=_new_ax())
    points = [ln for ln in ax.lines if ln.get_gid() == "estimate"]
    assert [ln.get_xdata()[0] for ln in points] == pytest.approx([0.270, 0.138])
    intervals = [ln.get_xdata() for ln in ax.lines if ln.get_gid() == "interval"]
    np.testing.assert_allclose(intervals, [(0.182, 0.381), (0.081, 0.226)])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["company site  (n = 74)", "linkedin easy apply  (n = 87)",
                      "recruiter  (n = 3)"]
    assert "27%  (18–38%)" in _all_text(ax)
    assert "by source" in ax.get_title(loc="left")


def test_rates_small_group_is_shown_as_such_not_dropped_nor_zero():
    ax = jp.rates_chart(rates_table(), ax=_new_ax())
    (note,) = _by_gid(ax, "cannot-tell")
    assert note.get_text() == "data cannot tell: too few applications (n=3)"
    assert "0%  (" not in _all_text(ax)


def test_rates_without_groups_has_one_row_per_measure():
    table = pd.DataFrame(
        {
            "measure": ["response", "interview"],
            "n": [250, 250], "events": [67, 23],
            "estimate": [0.268, 0.092], "ci_low": [0.217, 0.062], "ci_high": [0.326, 0.134],
            "method": ["Wilson"] * 2, "note": ["", ""],
        }
    )
    _attrs(table)
    ax = jp.rates_chart(table, ax=_new_ax())
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "got a reply  (n = 250)", "got an interview  (n = 250)"]
    points = [ln.get_xdata()[0] for ln in ax.lines if ln.get_gid() == "estimate"]
    assert points == pytest.approx([0.268, 0.092])
    with pytest.raises(ValueError, match="no rows with measure"):
        jp.rates_chart(rates_table(), measure="salary", ax=_new_ax())


# --- flow ------------------------------------------------------------------


def _heights(ax) -> dict[str, float]:
    out = {}
    for p in ax.patches:
        gid = p.get_gid() or ""
        if gid.startswith("node:"):
            out[gid.split(":")[1]] = p.get_height()
    return out


def test_flow_stages_and_bands_have_the_links_counts():
    ax = jp.flow_chart(links_table(), ax=_new_ax())
    assert _heights(ax) == {
        "applied": 250, "replied": 67, "no reply (yet)": 183, "interview": 23,
        "rejected after reply": 32, "no interview (yet)": 12, "offer": 5,
        "rejected after interview": 15, "no offer (yet)": 3, "accepted": 3, "declined": 2,
    }
    bands = [p for p in ax.patches if isinstance(p, PathPatch)]
    assert len(bands) == 10  # the flow of 0 (offer pending) is not drawn
    for band in bands:  # each band's thickness at both ends is its count
        count = float(band.get_gid().rsplit(":", 1)[1])
        v = band.get_path().vertices
        assert v[0, 1] - v[7, 1] == pytest.approx(count)
        assert v[3, 1] - v[4, 1] == pytest.approx(count)
    text = _all_text(ax)
    assert "applied 250" in text and "no reply (yet)\n183" in text
    assert "None so far: offer pending." in _flat(ax)  # said, not drawn as a stage
    assert "offer pending\n0" not in text


def test_flow_accepts_a_value_column():
    links = links_table().rename(columns={"count": "value"})
    ax = jp.flow_chart(links, ax=_new_ax())
    assert _heights(ax)["applied"] == 250


# --- weekly activity -------------------------------------------------------


def test_weekly_lines_are_the_counts_and_the_running_week_is_marked():
    weekly = weekly_table()
    ax = jp.weekly_activity_chart(weekly, ax=_new_ax())
    bars = _by_gid(ax, "series:applications")
    assert [b.get_height() for b in bars] == list(weekly["applications"])
    assert bars[-1].get_hatch() == "//"  # the running week
    for col in ("replies", "follow_ups"):
        (done,) = _by_gid(ax, f"series:{col}")
        assert list(done.get_ydata()) == list(weekly[col][:4])
        (running,) = _by_gid(ax, f"in-progress:{col}")
        assert list(running.get_ydata()) == list(weekly[col][3:])
    assert _by_gid(ax, "week-in-progress")
    text = _all_text(ax)
    for label in ("applications sent", "first replies", "follow-ups sent", "week in\nprogress"):
        assert label in text
    assert not ax.get_legend()


def test_weekly_without_a_running_week_draws_every_week_solid():
    weekly = weekly_table()
    weekly.attrs["as_of"] = pd.Timestamp("2025-07-20")
    ax = jp.weekly_activity_chart(weekly, ax=_new_ax())
    (line,) = _by_gid(ax, "series:replies")
    assert list(line.get_ydata()) == [2, 1, 6, 2, 0]
    assert not _by_gid(ax, "in-progress:replies")
    assert not _by_gid(ax, "week-in-progress")


# --- styles and saving -----------------------------------------------------


def test_workshop_style_is_16_9_wide_colour_blind_safe_and_restored():
    before = _rc_snapshot()
    with jp.style("workshop"):
        w, h = matplotlib.rcParams["figure.figsize"]
        assert w / h == pytest.approx(16 / 9, rel=0.01)
        assert w * matplotlib.rcParams["figure.dpi"] >= 1600
        assert matplotlib.rcParams["font.size"] >= 18
        colours = [c["color"].upper() for c in matplotlib.rcParams["axes.prop_cycle"]]
        assert colours[:3] == ["#0072B2", "#D55E00", "#009E73"]  # Okabe-Ito
        fig, _ = plt.subplots()
        assert fig.get_size_inches()[0] * fig.dpi >= 1600
    assert _rc_snapshot() == before


def test_style_restores_settings_even_when_the_block_fails():
    before = _rc_snapshot()
    with pytest.raises(RuntimeError), jp.style("workshop"):
        raise RuntimeError("boom")
    assert _rc_snapshot() == before
    with pytest.raises(ValueError, match="workshop"):
        with jp.style("poster"):
            pass


def test_save_figure_writes_png_at_200_dpi_svg_and_pdf(tmp_path):
    with jp.style("workshop"):
        ax = jp.flow_chart(links_table(), ax=_new_ax())
        files = jp.save_figure(ax.figure, tmp_path / "slides" / "flow.png")
    assert [f.name for f in files] == ["flow.png", "flow.svg", "flow.pdf"]
    png = plt.imread(files[0])
    assert png.shape[1] >= 13.34 * 200 * 0.9  # tight bbox trims a little white
    assert files[1].read_text().lstrip().startswith("<?xml")
    assert "<svg" in files[1].read_text()
    assert files[2].read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError, match="too low"):
        jp.save_figure(ax.figure, tmp_path / "x", dpi=72)


def test_save_figure_svg_is_reproducible(tmp_path):
    ax = jp.rates_chart(rates_table(), ax=_new_ax())
    (a,) = jp.save_figure(ax.figure, tmp_path / "a", formats=["svg"])
    (b,) = jp.save_figure(ax, tmp_path / "b", formats=["svg"])
    assert a.read_bytes() == b.read_bytes()


def test_plotting_is_reachable_from_the_package_and_shadows_nothing():
    import jobstats.plotting as sub

    assert jobstats.plotting is sub
    submodules = {"policy", "effect", "curves", "groups", "flow", "weekly", "styles"}
    assert not submodules & set(jobstats._API)
    assert callable(jobstats.weekly_activity)
