"""Pieces every chart shares: palette, header with n and as-of, footers, labels.

Charts read numbers from a result and draw them; nothing here computes a
statistic. Font sizes are relative ("small", "large") so a style (see
:mod:`jobstats.plotting.styles`) scales every chart at once.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties

__all__ = [
    "OKABE_ITO",
    "GREY",
    "CANNOT_TELL",
    "get_ax",
    "lw",
    "ms",
    "header",
    "footer",
    "pct",
    "interval_text",
    "is_missing",
    "require_columns",
    "group_columns",
    "group_label",
]

#: Okabe & Ito (2008) colour-blind-safe palette, by name.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: Neutral grey for "never", "no reply (yet)" and "data cannot tell".
GREY = "#8C8C8C"
#: What a chart says where an estimate is missing (NaN): never a 0.
CANNOT_TELL = "data cannot tell"

# the Okabe-Ito colours in the order groups get them (yellow last: weak on white)
SERIES_COLOURS: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["green"],
    OKABE_ITO["purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky"],
    OKABE_ITO["black"],
    OKABE_ITO["yellow"],
)


def lw(k: float = 1.0) -> float:
    """A line width ``k`` times the style's (so workshop lines grow with the type)."""
    return k * float(plt.rcParams["lines.linewidth"])


def ms(k: float = 1.0) -> float:
    """A marker size ``k`` times the style's."""
    return k * float(plt.rcParams["lines.markersize"])


def get_ax(ax: Axes | None) -> Axes:
    """``ax`` or the current Axes (a new figure's when there is none)."""
    return plt.gca() if ax is None else ax


def require_columns(result: Any, columns: Sequence[str], chart: str) -> pd.DataFrame:
    """``result`` as a DataFrame having ``columns``, else a clear error."""
    if not isinstance(result, pd.DataFrame):
        raise TypeError(
            f"{chart} draws a result table (pandas DataFrame); got {type(result).__name__}."
        )
    missing = [c for c in columns if c not in result.columns]
    if missing:
        raise ValueError(
            f"{chart}: the result has no column(s) {', '.join(map(repr, missing))} "
            f"(it has {', '.join(map(str, result.columns))}). Pass the table returned by the "
            "matching jobstats analysis function."
        )
    return result


def group_columns(result: pd.DataFrame, first_value_column: str) -> list[str]:
    """Group columns: the ones before ``first_value_column`` (contract: groups first)."""
    cols = list(result.columns)
    return cols[: cols.index(first_value_column)] if first_value_column in cols else []


def group_label(values: Any) -> str:
    """One label for a group key (a value or a tuple of values)."""
    if isinstance(values, tuple):
        return " · ".join(str(v) for v in values)
    return str(values)


def is_missing(x: Any) -> bool:
    """True for None, NA and NaN."""
    if x is None or x is pd.NA:
        return True
    try:
        return bool(math.isnan(float(x)))
    except (TypeError, ValueError):
        return False


def pct(x: Any, digits: int = 0) -> str:
    """A proportion as a percentage (``"24%"``); the cannot-tell text for NaN."""
    return CANNOT_TELL if is_missing(x) else f"{100 * float(x):.{digits}f}%"


def interval_text(lo: Any, hi: Any, *, percent: bool = True) -> str:
    """``"18–31%"`` (or ``"1.2–6.5"``); empty when the interval is missing."""
    if is_missing(lo) or is_missing(hi):
        return ""
    if percent:
        return f"{100 * float(lo):.0f}–{100 * float(hi):.0f}%"
    return f"{float(lo):.2g}–{float(hi):.2g}"


def provenance(result: Any, *, extra: str | None = None) -> str:
    """``"250 applications · as of 30 Jun 2025"`` from ``result.attrs``.

    A result without them says so on the chart rather than inventing them.
    """
    attrs = getattr(result, "attrs", {}) or {}
    n = attrs.get("n_applications")
    as_of = attrs.get("as_of")
    parts = [
        f"n = {int(n):,} applications" if not is_missing(n) else "n not given",
        f"as of {pd.Timestamp(as_of):%d %b %Y}" if not is_missing_date(as_of) else
        "as-of date not given",
    ]
    if extra:
        parts.append(extra)
    return " · ".join(parts)


def is_missing_date(value: Any) -> bool:
    """True when ``value`` is not a usable date."""
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    try:
        return pd.Timestamp(value) is pd.NaT
    except (TypeError, ValueError):
        return True


def _points(size: str | float) -> float:
    """A font size (relative name or points) in points, under the current rcParams."""
    return FontProperties(size=size).get_size_in_points()


def header(ax: Axes, title: str, result: Any, *, extra: str | None = None) -> None:
    """Bold title, and under it a grey line with n, as-of and ``extra``.

    The subtitle is an annotation anchored to the top-left of the Axes; the
    title's ``pad`` leaves room for it, so the two never overlap.
    """
    sub = provenance(result, extra=extra)
    sub_size = _points("small")
    ax.annotate(
        sub,
        xy=(0, 1),
        xycoords="axes fraction",
        xytext=(0, 0.5 * sub_size),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize="small",
        color="#444444",
        gid="jobstats-provenance",
    )
    ax.set_title(title, loc="left", fontweight="bold", fontsize="large", pad=2.0 * sub_size)


def footer(ax: Axes, text: str, *, width: int = 110) -> None:
    """Grey note under the x axis (its tick labels and label), wrapped.

    Anchored to the x axis' drawn extent (a callable coordinate), so it sits
    below whatever the tick labels and axis label take, in any style.
    """
    if not text:
        return
    wrapped = "\n".join(textwrap.fill(p, width) for p in text.split("\n"))

    def below_xaxis(renderer: Any) -> Any:
        return ax.xaxis.get_tightbbox(renderer) or ax.get_window_extent(renderer)

    ax.annotate(
        wrapped,
        xy=(0, 0),
        xycoords=("axes fraction", below_xaxis),
        xytext=(0, -0.6 * _points("small")),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize="small",
        color="#444444",
        gid="jobstats-footer",
    )


def texts(ax: Axes) -> list[str]:
    """Every text drawn on ``ax`` (title, annotations, labels): for tests and checks."""
    out = [t.get_text() for t in ax.texts]
    out += [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
    out += [ax.get_xlabel(), ax.get_ylabel()]
    out += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
    for child in ax.child_axes:
        out += texts(child)
    return [t for t in out if t]
