"""Naive vs time-aware follow-up comparison, side by side, with why they differ."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, NullLocator, PercentFormatter

from jobstats.plotting._common import (
    CANNOT_TELL,
    GREY,
    OKABE_ITO,
    footer,
    get_ax,
    header,
    interval_text,
    is_missing,
    lw,
    ms,
    pct,
    require_columns,
)

__all__ = ["followup_effect_chart", "EXPLANATION"]

#: The one-line reason the two answers differ (plain words).
EXPLANATION = (
    "Why they differ: you follow up on applications already silent for days, which were "
    "less likely to reply anyway; the time-aware view compares the same days of waiting "
    "with and without a follow-up."
)


def followup_effect_chart(effect: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """The naive comparison and the time-aware estimate side by side.

    Parameters
    ----------
    effect : pandas.DataFrame
        One row per bar, contract columns plus two labels:
        ``comparison`` (``"naive"`` or ``"time-aware"``), ``group`` (row
        label, e.g. ``"followed up"`` / ``"not followed up"`` for the naive
        rows, ``"after a follow-up vs without"`` for the time-aware row),
        ``n``, ``estimate``, ``ci_low``, ``ci_high``, ``note``. Naive rows are
        reply rates (0–1); the time-aware row is a ratio (hazard ratio: how
        many times as fast replies come after a follow-up). ``attrs``:
        ``as_of``, ``n_applications``; optional ``explanation`` (replaces
        :data:`EXPLANATION`).
    ax : matplotlib Axes, optional
        Split into two panels (inset Axes) which share its title and notes.

    Returns
    -------
    matplotlib Axes
        ``ax``; the panels are ``ax.child_axes`` (naive first).
    """
    require_columns(
        effect, ["comparison", "group", "n", "estimate", "ci_low", "ci_high"],
        "followup_effect_chart",
    )
    kinds = set(effect["comparison"].astype(str))
    if not {"naive", "time-aware"} <= kinds:
        raise ValueError(
            "followup_effect_chart needs rows with comparison 'naive' and 'time-aware'; "
            f"got {sorted(kinds)}."
        )
    ax = get_ax(ax)
    header(ax, "Does following up help? Two ways to look at it", effect, extra="95% intervals")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    ax.patch.set_alpha(0)
    naive = effect[effect["comparison"].astype(str) == "naive"]
    aware = effect[effect["comparison"].astype(str) == "time-aware"]
    left = ax.inset_axes((0.17, 0.14, 0.33, 0.66))
    right = ax.inset_axes((0.6, 0.14, 0.38, 0.66))
    _naive_panel(left, naive)
    _aware_panel(right, aware)
    text = (effect.attrs or {}).get("explanation") or EXPLANATION
    notes = [r for r in _notes(effect)]
    footer(ax, "\n".join([text, *notes]), width=120)
    return ax


def _rows(ax: Axes, rows: pd.DataFrame, colours: list[str], *, ratio: bool) -> None:
    """Dot-and-interval rows: the value right of the interval, the group and n.

    Group and n are y tick labels for the naive panel; for the single
    time-aware row they go under the interval, so they cannot run into the
    naive panel on the left.
    """
    y = np.arange(len(rows))[::-1].astype(float)
    # white behind text that may cross the "no effect" line
    box = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9}
    for yi, (_, r), c in zip(y, rows.iterrows(), colours, strict=True):
        if ratio:
            ax.annotate(f"{r['group']} (n = {int(r['n'])})", xy=(0.5, yi),
                        xycoords=("axes fraction", "data"), xytext=(0, -2.0 * ms(1)),
                        textcoords="offset points", ha="center", va="top", color="#333333", bbox=box)
        if is_missing(r["estimate"]):
            ax.annotate(
                CANNOT_TELL, xy=(0.5, yi), xycoords=("axes fraction", "data"), va="center",
                ha="center", color=GREY, fontweight="bold", fontsize="large", bbox=box,
                gid="cannot-tell",
            )
            continue
        ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=c, lw=lw(2),
                solid_capstyle="butt", gid="interval")
        ax.plot([r["estimate"]], [yi], "o", color=c, ms=ms(1.5), gid="estimate")
        value = (f"{r['estimate']:.1f}×" if ratio else pct(r["estimate"]))
        ival = interval_text(r["ci_low"], r["ci_high"], percent=not ratio)
        ax.annotate(
            f"{value}" + (f"\n({ival})" if ival else ""), xy=(r["ci_high"], yi),
            xytext=(8, 0), textcoords="offset points", ha="left", va="center",
            color=c, fontweight="bold", fontsize="medium", annotation_clip=False,
        )
    if ratio:
        ax.set_yticks([])
    else:
        ax.set_yticks(y, [f"{r['group']}\n(n = {int(r['n'])})" for _, r in rows.iterrows()])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)


def _naive_panel(ax: Axes, rows: pd.DataFrame) -> None:
    colours = [OKABE_ITO["blue"], GREY, OKABE_ITO["sky"]][: len(rows)]
    _rows(ax, rows, colours, ratio=False)
    hi = np.nanmax(np.r_[rows["ci_high"].to_numpy(float), 0.1])
    ax.set_xlim(0, min(1.0, hi * 1.5))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("replied by the as-of date")
    ax.set_title("Naive: reply rates\n(ignores when you followed up)", loc="left",
                 fontsize="medium", fontweight="bold", color="#333333")


def _aware_panel(ax: Axes, rows: pd.DataFrame) -> None:
    colour = OKABE_ITO["vermillion"]
    _rows(ax, rows, [colour] * len(rows), ratio=True)
    ax.set_xscale("log")
    vals = np.r_[rows[["ci_low", "ci_high", "estimate"]].to_numpy(float).ravel(), 0.5, 2.0]
    vals = vals[np.isfinite(vals) & (vals > 0)]
    lo, hi = vals.min() / 1.4, vals.max() * 2.5  # room for the value label
    ax.set_xlim(lo, hi)
    ticks = [t for t in (0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32) if lo <= t <= hi]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:g}×")
    ax.axvline(1, color=GREY, lw=lw(0.8), zorder=0, gid="no-effect-line")
    ax.annotate("no effect", xy=(1, 1), xycoords=("data", "axes fraction"), xytext=(4, -2),
                textcoords="offset points", ha="left", va="top", color="#555555",
                fontsize="small")
    ax.set_xlabel("how many times as fast replies come")
    ax.set_title("Time-aware: after a follow-up\nvs the same wait without one", loc="left",
                 fontsize="medium", fontweight="bold", color="#333333")


def _notes(effect: pd.DataFrame) -> list[str]:
    """The notes of rows without an estimate (why the data cannot tell)."""
    out = []
    if "note" not in effect.columns:
        return out
    for _, r in effect.iterrows():
        if is_missing(r["estimate"]) and not is_missing(r["note"]) and str(r["note"]):
            out.append(f"{str(r['comparison']).capitalize()} ({r['group']}): {CANNOT_TELL}, "
                       f"{r['note']}.")
    return out
