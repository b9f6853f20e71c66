"""The report's figures: a small registry of name -> function drawing a Figure.

A figure function takes the loaded data (a :class:`jobstats.io.LoadResult`)
and returns a :class:`matplotlib.figure.Figure`. It computes its result with
the analysis functions (through :mod:`jobstats.report.analyses`, so each runs
once per report) and draws it with :mod:`jobstats.plotting`. It raises
:class:`jobstats.schema.JobstatsError` when the data cannot support the chart;
the report then says why instead of showing it.

Register a figure with the decorator (order of registration = order in the report)::

    @register_figure("reply_curve", "Chance of a reply by days since applying")
    def _reply_curve(data):
        fig = new_figure()
        jobstats.plotting.reply_curve_chart(jobstats.reply_curve(data), ax=fig.axes[0])
        return fig

Figures are drawn on :class:`~matplotlib.figure.Figure` objects, not pyplot:
nothing global is touched and nothing is left open. Their look is the style
of :func:`jobstats.plotting.style` (``--style workshop``: the workshop style).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import re

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import jobstats.plotting as jp
from jobstats.report import analyses
from jobstats.schema import NO_REPLY_INFO, JobstatsError, has_info

FigureFn = Callable[[Any], Figure]


@dataclass(frozen=True)
class FigureSpec:
    """One registered figure: file name stem, title (also the alt text), drawing function."""

    name: str
    title: str
    draw: FigureFn


#: name -> spec, in report order.
FIGURES: dict[str, FigureSpec] = {}

#: ``--style`` of the report -> style of :mod:`jobstats.plotting` (the one definition
#: of how charts look; "default" is the notebook style).
REPORT_STYLES: dict[str, str] = {"default": "notebook", "notebook": "notebook",
                                 "workshop": "workshop"}


def register_figure(name: str, title: str) -> Callable[[FigureFn], FigureFn]:
    """Decorator: add ``fn(data) -> Figure`` to :data:`FIGURES` under ``name``."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"figure name {name!r}: use letters, digits and '_' (it is a file name)")

    def deco(fn: FigureFn) -> FigureFn:
        FIGURES[name] = FigureSpec(name, title, fn)
        return fn

    return deco


@contextmanager
def figure_style(style: str) -> Iterator[None]:
    """Apply a report style for the duration of the block (no lasting rcParams change)."""
    from jobstats.plotting import style as plot_style

    if style not in REPORT_STYLES:
        raise JobstatsError(f"unknown style {style!r}; use one of {', '.join(REPORT_STYLES)}.")
    with plot_style(REPORT_STYLES[style]):
        yield


#: Inside :func:`fixed_layout`: new figures get a fixed Axes box and no layout engine.
_FIXED_LAYOUT: ContextVar[bool] = ContextVar("jobstats_fixed_layout", default=False)

#: The fixed layout, in ems of the style's type (``font.size``): the Axes is the style's
#: figure size less ``AXES_LESS_EM`` (width, height), about the box constrained layout
#: gives the charts, and the canvas leaves ``MARGIN_EM`` (left, right, top, bottom)
#: around it for labels, title and notes: generous, as the PNG is cropped to what is
#: drawn (:func:`jobstats.report.png.cropped_png`, which refuses a drawing that reaches
#: the canvas' edge).
AXES_LESS_EM: tuple[float, float] = (9.5, 9.0)
MARGIN_EM: tuple[float, float, float, float] = (10.0, 16.0, 10.0, 22.0)


#: The chart's title at the top of its Axes, where matplotlib's automatic placement puts
#: it when nothing is drawn above the Axes (no chart puts ticks there); the automatic one
#: measures every tick label at each layout pass and draw to check. The main page's and
#: the client pages' PNG and SVG files are byte-identical either way (sample, coach
#: folder, real tracker, default and workshop styles).
_TITLE_AT_TOP = {"axes.titley": 1.0}


@contextmanager
def fixed_layout() -> Iterator[None]:
    """Inside the block, :func:`new_figure` places its Axes at a fixed size, no layout engine.

    For the client pages of a coach's report: constrained layout and a tight
    bounding box lay every chart out several times over (each pass measures
    every text); a fixed box is drawn once, then cropped to what was drawn.
    """
    token = _FIXED_LAYOUT.set(True)
    try:
        yield
    finally:
        _FIXED_LAYOUT.reset(token)


def new_figure() -> Figure:
    """A Figure (not registered with pyplot) sized by the current style, with one Axes.

    Laid out by constrained layout; inside :func:`fixed_layout`, one Axes of a
    fixed size (see :data:`AXES_LESS_EM`) on a larger canvas, no layout engine.
    """
    if not _FIXED_LAYOUT.get():
        fig = Figure(figsize=mpl.rcParams["figure.figsize"], layout="constrained")
        with mpl.rc_context(_TITLE_AT_TOP):
            fig.add_subplot()
        return fig
    em = float(mpl.rcParams["font.size"]) / 72  # inches
    fig_w, fig_h = mpl.rcParams["figure.figsize"]
    ax_w, ax_h = fig_w - AXES_LESS_EM[0] * em, fig_h - AXES_LESS_EM[1] * em
    left, right, top, bottom = (m * em for m in MARGIN_EM)
    width, height = left + ax_w + right, bottom + ax_h + top
    fig = Figure(figsize=(width, height), layout="none")  # "none": whatever rcParams say
    with mpl.rc_context(_TITLE_AT_TOP):
        fig.add_axes((left / width, bottom / height, ax_w / width, ax_h / height))
    return fig


@dataclass
class DrawnFigure:
    """A figure drawn for the report, or the reason it could not be drawn."""

    name: str
    title: str
    figure: Figure | None
    reason: str = ""


def draw_figures(data: Any, *, style: str = "default",
                 registry: dict[str, FigureSpec] | None = None) -> list[DrawnFigure]:
    """Draw every registered figure (or those of ``registry``) for ``data``.

    A figure whose function raises :class:`JobstatsError` is returned with
    ``figure=None`` and the message as ``reason``; any other error propagates
    (a bug, not a property of the data).
    """
    drawn = []
    with figure_style(style):
        for spec in (FIGURES if registry is None else registry).values():
            try:
                fig = spec.draw(data)
            except JobstatsError as exc:
                drawn.append(DrawnFigure(spec.name, spec.title, None, str(exc)))
                continue
            drawn.append(DrawnFigure(spec.name, spec.title, fig))
    return drawn


# --- built-in figures ------------------------------------------------------------------
# Each computes its result with the analysis functions (once per report, see
# jobstats.report.analyses) and draws it with jobstats.plotting. A result the
# data cannot support raises JobstatsError with the reason in plain words: the
# report shows the reason where the chart would be.


def followup_effect_table(data: Any) -> pd.DataFrame:
    """The table :func:`jobstats.plotting.followup_effect_chart` draws, for ``data``.

    Two naive rows (reply rate of followed-up and other applications, from
    :func:`jobstats.naive_followup_rates`) and one time-aware row (hazard ratio
    of a reply after a follow-up vs the same wait without one, from
    :func:`jobstats.followup_effect`), in the result contract's columns plus
    ``comparison`` and ``group``.

    Raises
    ------
    JobstatsError
        When no follow-up has a date (nothing to compare).
    """
    effect = analyses.followup_effect(data)
    if effect.followed_up == 0:
        raise JobstatsError(effect.reason or "no dated follow-ups in the data")
    naive = analyses.naive_followup_rates(data).set_index("followed_up")
    rows = []
    for flag, group in ((True, "followed up"), (False, "not followed up")):
        r = naive.loc[flag]
        # the chart explains the naive bias itself; keep only why a rate is missing
        note = re.sub(r"(;\s*)?naive: .*$", "", str(r["note"] or ""))
        rows.append({"comparison": "naive", "group": group, "n": int(r["n"]),
                     "events": int(r["replied"]), "estimate": r["rate"], "ci_low": r["ci_low"],
                     "ci_high": r["ci_high"], "method": "proportion, Wilson 95% CI",
                     "note": note})
    rows.append({"comparison": "time-aware", "group": "after a follow-up vs without",
                 "n": effect.exposed, "events": effect.replies_after_followup,
                 "estimate": effect.hazard_ratio, "ci_low": effect.ci_low,
                 "ci_high": effect.ci_high, "method": effect.method,
                 "note": effect.reason or ""})
    table = pd.DataFrame(rows)
    table.attrs.update(as_of=data.as_of, n_applications=int(len(data.applications)))
    return table


def _reply_known(data: Any) -> np.ndarray:
    """Per application: does its file record replies at all (loader's ``reply_info``)?"""
    return has_info(data.applications, "reply").to_numpy()


def _drawn(chart: Callable[..., Any], result: Any, data: Any, **kwargs: Any) -> Figure:
    if not {"as_of", "n_applications"} <= set(result.attrs):
        # some results (funnel_links) carry no provenance; the chart must still say it
        result = result.copy()
        result.attrs.setdefault("as_of", data.as_of)
        result.attrs.setdefault("n_applications", int(len(data.applications)))
    fig = new_figure()
    chart(result, ax=fig.axes[0], **kwargs)
    return fig


@register_figure("followup_policy", "When to follow up: chance of a reply within 30 days")
def _followup_policy(data: Any) -> Figure:
    policy = analyses.followup_policy(data)
    if not policy.attrs.get("identifiable", False):
        raise JobstatsError(f"the data cannot tell: {policy.attrs.get('reason') or 'no estimate'}")
    return _drawn(jp.followup_policy_chart, policy, data)


@register_figure("followup_effect", "Does following up help? Naive and time-aware answers")
def _followup_effect(data: Any) -> Figure:
    return _drawn(jp.followup_effect_chart, followup_effect_table(data), data)


@register_figure("reply_curve", "Chance of a reply by days since applying")
def _reply_curve(data: Any) -> Figure:
    if not _reply_known(data).any():
        raise JobstatsError(NO_REPLY_INFO + ", so the time to a reply is unknown")
    curve = analyses.analysis(data, "reply_curve")
    if curve.empty or curve["estimate"].isna().all():
        raise JobstatsError("no application can be followed over time yet")
    return _drawn(jp.reply_curve_chart, curve, data)


@register_figure("rates_by_source", "Replies by source, with 95% intervals")
def _rates_by_source(data: Any) -> Figure:
    apps = data.applications
    if "source" not in apps or apps["source"].isna().all():
        raise JobstatsError("your tracker has no source (where you found the job) to group by")
    return _drawn(jp.rates_chart, analyses.analysis(data, "rates", by="source"), data)


@register_figure("flow", "Your search as a flow: applied, replied, interview, offer")
def _flow(data: Any) -> Figure:
    links = analyses.analysis(data, "funnel_links")  # leaves out files without replies
    if links.empty or not (links["count"] > 0).any():
        raise JobstatsError("no application has moved past 'applied' yet")
    return _drawn(jp.flow_chart, links, data)


@register_figure("weekly_activity", "Applications, replies and follow-ups per week")
def _weekly_activity(data: Any) -> Figure:
    weekly = analyses.analysis(data, "weekly_activity")
    if weekly.empty:
        raise JobstatsError("no dated application to count by week")
    return _drawn(jp.weekly_activity_chart, weekly, data)


@register_figure("stage_conversion", "How many move on at each step of the search")
def _stage_conversion(data: Any) -> Figure:
    steps = analyses.analysis(data, "stage_conversion")
    if steps.empty:
        raise JobstatsError("no step of the search can be measured yet")
    return _drawn(jp.stage_conversion_chart, steps, data)


@register_figure("compare_by_month", "Month by month, allowing for time to reply")
def _compare_by_month(data: Any) -> Figure:
    if not _reply_known(data).any():
        raise JobstatsError(NO_REPLY_INFO + ", so months cannot be compared on replies")
    months = analyses.analysis(data, "compare", by="month")
    if len(months) < 2:
        raise JobstatsError("all applications were sent in one month: nothing to compare")
    return _drawn(jp.compare_chart, months, data)
