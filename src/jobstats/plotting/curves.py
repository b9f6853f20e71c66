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
    _points,
    footer,
    get_ax,
    group_columns,
    group_label,
    header,
    is_missing,
    lw,
    ms,
    pct,
    require_columns,
)

__all__ = ["reply_curve_chart"]


def reply_curve_chart(
    curve: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    marks: Sequence[int] = (7, 14, 30),
    max_day: float | None = 60,
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
        Days marked with a dotted line and an x tick; with one curve, the
        chance by that day is written on the curve.
    max_day : float or None
        Last day shown (the footer says how far the data go); None: all.
        Most replies come in the first weeks and a long flat tail would
        squeeze them.
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
    if curve["estimate"].isna().all():
        ax.set_xticks([])
        ax.set_yticks([])
        notes = [str(n) for n in curve.get("note", pd.Series(dtype=object)).dropna().unique()
                 if str(n).strip()]
        why = "; ".join(notes) or "no application can be followed over time"
        ax.text(0.5, 0.5, f"The data cannot tell\n{why}", transform=ax.transAxes, ha="center", va="center", color=GREY,
                fontsize="large", fontweight="bold", gid="cannot-tell")
        return ax
    last_day = float(curve["day"].max()) if len(curve) else 0.0
    x_end = last_day if max_day is None else min(last_day, float(max_day))
    x_end = max(x_end, float(max(marks, default=0)) if last_day >= max(marks, default=0) else x_end)
    parts = list(curve.groupby(groups, sort=False, dropna=False)) if groups else [(None, curve)]
    alpha = 0.2 if len(parts) <= 2 else 0.1  # many overlapping bands turn to mud
    labels = []
    missing: list[str] = []
    shown_hi = [0.05]
    for i, (key, part) in enumerate(parts):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        part = part.sort_values("day")
        part = _crop(part, x_end)
        day = part["day"].to_numpy(float)
        est, lo, hi = (part[c].to_numpy(float) for c in ("estimate", "ci_low", "ci_high"))
        shown_hi.append(np.nanmax(np.r_[hi if band else est, 0]))
        name = None if key is None else group_label(
            key[0] if isinstance(key, tuple) and len(key) == 1 else key)
        if name is not None and np.isnan(est).all():
            # kept in view: a group too small for a curve is named, not dropped
            note = _first_note(part)
            size = _group_size(part)
            missing.append(f"{name}" + (f" ({size})" if size else "") + (f": {note}" if note else ""))
            continue
        # a step holds its value until the next day with a row (post)
        ax.step(day, est, where="post", color=colour, gid="curve" if name is None else f"curve:{name}")
        if band:
            ax.fill_between(day, lo, hi, step="post", color=colour, alpha=alpha, lw=0,
                            gid="band" if name is None else f"band:{name}")
        if name is not None and len(est) and not is_missing(est[-1]):
            size = _group_size(part)
            labels.append([day[-1], est[-1], f"{name}\n{size}" if size else name, colour])

    top = float(np.nanmax(shown_hi))
    ax.set_ylim(0, min(1.0, top * 1.12))
    ax.set_xlim(0, x_end * (1.3 if groups else 1.03) if x_end > 0 else 1)
    for m in marks:
        ax.axvline(m, color=GREY, lw=lw(0.5), ls=":", zorder=0, gid=f"mark:{m}")
        if not groups:
            _mark_value(ax, curve, m)
    ticks = sorted({0, *marks, *range(60, int(x_end) + 1, 30)})
    ax.set_xticks([t for t in ticks if t <= x_end])
    _direct_labels(ax, labels)
    ax.set_xlabel("days since applying")
    ax.set_ylabel("replied by then")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    note = ("Applications still waiting count until the as-of date, not as 'no reply' "
            "(Kaplan-Meier).")
    if last_day > x_end:
        note += f" Shown to day {x_end:g}; the data go to day {last_day:g}."
    if missing:
        note += " Data cannot tell for " + "; ".join(missing) + "."
    footer(ax, note)
    return ax


def _crop(part: pd.DataFrame, x_end: float) -> pd.DataFrame:
    """Rows up to ``x_end``; the step in force carried to ``x_end`` when it goes on."""
    shown = part[part["day"] <= x_end]
    if len(shown) < len(part) and len(shown):
        carry = shown.iloc[[-1]].copy()
        carry["day"] = x_end
        shown = pd.concat([shown, carry], ignore_index=True)
    return shown


def _first_note(part: pd.DataFrame) -> str:
    if "note" not in part.columns:
        return ""
    notes = [str(n) for n in part["note"].dropna() if str(n).strip()]
    return notes[0] if notes else ""


def _group_size(part: pd.DataFrame) -> str:
    for col in ("n", "at_risk"):
        if col in part.columns and not is_missing(part[col].iloc[0]):
            return f"n = {int(part[col].iloc[0])}"
    return ""


def _mark_value(ax: Axes, curve: pd.DataFrame, mark: int) -> None:
    """A dot on the curve at the mark and its value, read off the step curve."""
    if curve["day"].max() < mark:
        ax.annotate(f"day {mark}:\nnot followed\nthat long", xy=(mark, 0.5),
                    xycoords=("data", "axes fraction"), xytext=(4, 0),
                    textcoords="offset points", ha="left", va="center", color="#555555",
                    fontsize="small")
        return
    row = curve[curve["day"] <= mark].iloc[-1]
    if is_missing(row["estimate"]):
        return
    ax.plot([mark], [row["estimate"]], "o", color="#222222", ms=ms(0.8), zorder=4,
            gid=f"mark-value:{mark}")
    ax.annotate(pct(row["estimate"]), xy=(mark, row["estimate"]), xytext=(0, 0.9 * ms(1)),
                textcoords="offset points", ha="center", va="bottom", color="#222222",
                fontweight="bold", fontsize="medium", zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})


def _direct_labels(ax: Axes, labels: list[list]) -> None:
    """Name each curve at its end, nudged apart so labels never overlap."""
    if not labels:
        return
    labels.sort(key=lambda r: r[1])
    y0, y1 = ax.get_ylim()
    ax_pt = max(ax.bbox.height * 72 / ax.figure.dpi, 1.0)
    # two lines of text, in data units
    gap = 2.3 * _points("medium") * (y1 - y0) / ax_pt
    ys = [r[1] for r in labels]
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + gap)
    x0, x1 = ax.get_xlim()
    for (x, y, text, colour), ly in zip(labels, ys, strict=True):
        ax.annotate(text, xy=(x, y), xytext=(x + 0.012 * (x1 - x0), ly),
                    textcoords="data", ha="left", va="center", color=colour,
                    fontweight="bold", fontsize="medium", annotation_clip=False)
