"""The report's figures: a small registry of name -> function drawing a Figure.

A figure function takes the loaded data (a :class:`jobstats.io.LoadResult`)
and returns a :class:`matplotlib.figure.Figure`. It computes its result with
the analysis functions and draws it (with :mod:`jobstats.plotting` once that
exists). It raises :class:`jobstats.schema.JobstatsError` when the data cannot
support the chart; the report then says why instead of showing it.

Register a figure with the decorator (order of registration = order in the report)::

    @register_figure("reply_curve", "Chance of a reply by days since applying")
    def _reply_curve(data):
        fig = new_figure()
        jobstats.plotting.reply_curve(jobstats.reply_curve(data.applications,
                                                           as_of=data.as_of), ax=fig.gca())
        return fig

Figures are drawn on :class:`~matplotlib.figure.Figure` objects, not pyplot:
nothing global is touched and nothing is left open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure

from jobstats.schema import JobstatsError

FigureFn = Callable[[Any], Figure]


@dataclass(frozen=True)
class FigureSpec:
    """One registered figure: file name stem, title (also the alt text), drawing function."""

    name: str
    title: str
    draw: FigureFn


#: name -> spec, in report order.
FIGURES: dict[str, FigureSpec] = {}

#: Temporary rcParams per ``--style``. TO BE REPLACED at merge by the styles of
#: :mod:`jobstats.plotting` (the plot helper's workshop style).
STYLES: dict[str, dict[str, Any]] = {
    "default": {"figure.figsize": (7.0, 4.2), "font.size": 10},
    "workshop": {"figure.figsize": (10.0, 6.0), "font.size": 17, "lines.linewidth": 3.0,
                 "axes.titlesize": 20, "axes.labelsize": 17},
}


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
    if style not in STYLES:
        raise JobstatsError(f"unknown style {style!r}; use one of {', '.join(STYLES)}.")
    with mpl.rc_context(STYLES[style]):
        yield


def new_figure() -> Figure:
    """A Figure (not registered with pyplot) sized by the current style, with one Axes."""
    fig = Figure(figsize=mpl.rcParams["figure.figsize"], layout="constrained")
    fig.add_subplot()
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
# TO BE REPLACED at merge by jobstats.plotting: this plain-matplotlib reply curve
# only stands in until the plot helper's chart functions land.


@register_figure("reply_curve", "Chance of a reply by days since applying")
def _reply_curve(data: Any) -> Figure:
    from jobstats.timing import reply_curve

    curve = reply_curve(data.applications, as_of=data.as_of)
    if curve.empty:
        raise JobstatsError("no application can be followed over time yet")
    fig = new_figure()
    ax = fig.axes[0]
    day = curve["day"].to_numpy()
    ax.step(day, curve["estimate"].to_numpy() * 100, where="post", color="#1f5fa8",
            label="estimate")
    ax.fill_between(day, curve["ci_low"].to_numpy() * 100, curve["ci_high"].to_numpy() * 100,
                    step="post", color="#1f5fa8", alpha=0.2, linewidth=0, label="95% interval")
    ax.set_xlabel("days since applying")
    ax.set_ylabel("replied by then (%)")
    ax.set_ylim(0, 100)
    ax.set_xlim(0, max(float(day.max()), 1.0))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", frameon=False)
    n = int(curve.loc[curve["day"] == curve["day"].min(), "at_risk"].sum())
    # two lines: the workshop style's large type must not clip the title
    ax.set_title(f"Chance of a reply by days since applying\n{n} applications, as of "
                 f"{data.as_of.date()}", loc="left")
    ax.text(1.0, -0.16, "Applications still waiting count until the as-of date (Kaplan-Meier).",
            transform=ax.transAxes, ha="right", va="top", fontsize="small", color="0.35")
    return fig
