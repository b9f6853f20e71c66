"""Reply curve: chance of a first reply by day since applying, with its band."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from jobstats.plotting._common import (
    GREY,
    SERIES_COLOURS,
    footer,
    get_ax,
    group_columns,
    group_label,
    header,
    is_missing,
    lw,
    pct,
    require_columns,
)

__all__ = ["reply_curve_chart"]


def reply_curve_chart(
    curve: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    marks: Sequence[int] = (7, 14, 30),
    band: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Cumulative chance of a reply by day since applying, with the 95% band.

    Parameters
    ----------
    curve : pandas.DataFrame
        Result of :func:`jobstats.reply_curve`: ``[*groups, day, estimate,
        ci_low, ci_high]`` (optional ``n`` or ``at_risk``: the first row of a
        group gives its size), one row per group and day, steps in between.
        ``attrs``: ``as_of``, ``n_applications``.
    by : str or list of str, optional
        Group columns; default: the columns before ``day``.
    marks : sequence of int
        Days marked with a dotted line; with one curve, the chance by that
        day is written at the mark ("not followed that long" past its end).
    band : bool
        Draw the 95% interval band.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    require_columns(curve, ["day", "estimate", "ci_low", "ci_high"], "reply_curve_chart")
    groups = [by] if isinstance(by, str) else list(by) if by is not None else group_columns(curve, "day")
    ax = get_ax(ax)
    header(ax, "Chance of a first reply, by days since applying", curve,
           extra="95% band" if band else None)
    parts = list(curve.groupby(groups, sort=False, dropna=False)) if groups else [(None, curve)]
    x_end = float(np.nanmax(np.r_[curve["day"].to_numpy(float), max(marks, default=0)]))
    labels = []
    for i, (key, part) in enumerate(parts):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)] if groups else SERIES_COLOURS[0]
        part = part.sort_values("day")
        day = part["day"].to_numpy(float)
        est, lo, hi = (part[c].to_numpy(float) for c in ("estimate", "ci_low", "ci_high"))
        gid = "curve" if key is None else f"curve:{group_label(key)}"
        # a step holds its value until the next day with a row (post)
        ax.step(day, est, where="post", color=colour, gid=gid)
        if band:
            ax.fill_between(day, lo, hi, step="post", color=colour, alpha=0.2, lw=0,
                            gid=f"band:{group_label(key)}" if key is not None else "band")
        if key is not None and len(est) and not is_missing(est[-1]):
            size = _group_size(part)
            name = group_label(key[0] if isinstance(key, tuple) and len(key) == 1 else key)
            labels.append([day[-1], est[-1], f"{name}\n{size}" if size else name, colour])
    top = np.nanmax(np.r_[curve["ci_high"].to_numpy(float) if band else curve["estimate"].to_numpy(float), 0.05])
    ax.set_ylim(0, min(1.0, top * 1.25))  # headroom for the day marks' labels
    for m in marks:
        ax.axvline(m, color=GREY, lw=lw(0.5), ls=":", zorder=0, gid=f"mark:{m}")
        if not groups:
            ax.annotate(_mark_text(curve, m), xy=(m, 1), xycoords=("data", "axes fraction"),
                        xytext=(4, -2), textcoords="offset points", ha="left", va="top",
                        fontsize="medium", color="#333333")
        else:
            ax.annotate(f"day {m}", xy=(m, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -2), textcoords="offset points", ha="left", va="top",
                        fontsize="small", color="#555555")
    ax.set_xlim(0, x_end * (1.32 if groups else 1.04))
    _direct_labels(ax, labels)  # after the limits: labels are placed in data units
    ax.set_xlabel("days since applying")
    ax.set_ylabel("replied by then")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    footer(ax, "Applications still waiting count until the as-of date, not as 'no reply' "
               "(Kaplan-Meier).")
    return ax


def _group_size(part: pd.DataFrame) -> str:
    for col in ("n", "at_risk"):
        if col in part.columns and not is_missing(part[col].iloc[0]):
            return f"n = {int(part[col].iloc[0])}"
    return ""


def _mark_text(curve: pd.DataFrame, mark: int) -> str:
    """``"by day 14: 22%"`` read off the step curve (its last row on or before the day)."""
    if curve["day"].max() < mark:
        return f"day {mark}:\nnot followed\nthat long"
    row = curve[curve["day"] <= mark].iloc[-1]
    return f"by day {mark}:\n{pct(row['estimate'])}"


def _direct_labels(ax: Axes, labels: list[list]) -> None:
    """Name each curve at its end, nudged apart so labels never overlap."""
    if not labels:
        return
    labels.sort(key=lambda r: r[1])
    # minimum gap in data units: about 1.3 lines of text on a chart ~ 16 lines tall
    gap = 0.11 * max(max(r[1] for r in labels), 0.2)  # two-line labels
    ys = [r[1] for r in labels]
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + gap)
    for (x, y, text, colour), ly in zip(labels, ys, strict=True):
        ax.annotate(text, xy=(x, y), xytext=(x + 0.012 * ax.get_xlim()[1], ly),
                    textcoords="data", ha="left",
                    va="center", color=colour, fontweight="bold", fontsize="medium",
                    annotation_clip=False)
