"""Charts of group comparisons, stage conversion and the comparison with references.

Each function draws the result of the analysis of the same name and states n
and the as-of date on the chart (from ``result.attrs``). Intervals are drawn
as lines; a number the data cannot give is written out ("n/a: too recent to
tell"), never drawn as 0.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from jobstats.plotting._common import GREY, OKABE_ITO, footer, get_ax, header, lw, ms

__all__ = ["compare_chart", "reference_chart", "stage_conversion_chart"]

_PLAIN = "#595959"  # groups that do not differ credibly
_HIGH, _LOW = OKABE_ITO["blue"], OKABE_ITO["vermillion"]


def _na_label(ax: Axes, y: float, note: str, x: float = 0.01) -> None:
    first = (note or "no estimate").split(";")[0]
    ax.text(x, y, "n/a: " + first, va="center", ha="left", fontsize="small", color=GREY,
            style="italic", transform=ax.get_yaxis_transform())


def _percent_axis(ax: Axes, lo: float = -0.02, hi: float = 1.02) -> None:
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(True, axis="x", color="#DDDDDD", lw=0.8)
    ax.set_axisbelow(True)


def compare_chart(result: pd.DataFrame, *, show_share: bool = True, ax: Axes | None = None) -> Axes:
    """Chance of a reply within the horizon by group, credible groups marked.

    Parameters
    ----------
    result : pandas.DataFrame
        What :func:`jobstats.compare` returned.
    show_share : bool
        Also mark each group's plain response share (hollow diamond; not
        censoring-aware).
    ax : matplotlib Axes, optional
        Where to draw (default: the current Axes).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = get_ax(ax)
    h = result.attrs.get("horizon_days", 14)
    y = np.arange(len(result))[::-1]
    for yi, (_, r) in zip(y, result.iterrows()):
        colour = _PLAIN
        if r["credible"]:
            colour = _HIGH if r["direction"] == "higher" else _LOW
        if pd.isna(r["estimate"]):
            _na_label(ax, yi, r["note"])
        else:
            ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=colour, lw=lw(1.6),
                    solid_capstyle="butt")
            ax.plot(r["estimate"], yi, "o", color=colour, ms=ms(1.1))
        # no share where the chance is unknown: for a too-recent group the
        # share is exactly the misleading number
        if show_share and pd.notna(r["share"]) and pd.notna(r["estimate"]):
            ax.plot(r["share"], yi, "D", mfc="none", mec=GREY, ms=ms(0.9))
    labels = [
        f"{r['group']}  (n={r['n']})" + (f"  ★ {r['direction']}" if r["credible"] else "")
        for _, r in result.iterrows()
    ]
    ax.set_yticks(y, labels)
    ax.tick_params(axis="y", length=0)
    for tick, (_, r) in zip(ax.get_yticklabels(), result.iterrows()):
        if r["credible"]:
            tick.set_color(_HIGH if r["direction"] == "higher" else _LOW)
            tick.set_fontweight("bold")
    _percent_axis(ax)
    ax.set_ylim(-0.7, len(result) - 0.3)
    col = str(result.attrs.get("column", "group")).replace("_", " ")
    header(ax, f"Chance of a reply within {h} days of applying, by {col}", result,
           extra="95% intervals")
    test = result.attrs.get("test", {})
    if test.get("method"):
        verdict = (f"credibly different (Holm): {', '.join(map(str, result.attrs['credible']))}"
                   if result.attrs.get("credible") else "no group differs credibly (Holm)")
        p = test["p_value"]
        test_line = f"log-rank p {'< 0.001' if p < 0.001 else f'= {p:.2g}'}; {verdict}"
    else:
        test_line = test.get("note", "no test")
    key = "dot and line: censoring-aware estimate, 95% CI"
    if show_share:
        key += "; ◇ share replied so far"
    footer(ax, f"{test_line}\n{key}")
    return ax


def stage_conversion_chart(result: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Conversion at each funnel step with its interval; the weakest step marked.

    Parameters
    ----------
    result : pandas.DataFrame
        What :func:`jobstats.stage_conversion` returned.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = get_ax(ax)
    y = np.arange(len(result))[::-1]
    for yi, (_, r) in zip(y, result.iterrows()):
        colour = _LOW if r["loses_most"] else _PLAIN
        if pd.isna(r["estimate"]):
            _na_label(ax, yi, r["note"])
            continue
        ax.barh(yi, r["estimate"], color=colour, alpha=0.25, height=0.6)
        ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=colour, lw=lw(1.6))
        ax.plot(r["estimate"], yi, "o", color=colour, ms=ms(1.1))
        extra = " (time-aware)" if str(r["method"]).startswith("Kaplan") else ""
        if r["still_open"] and not extra:
            extra = f" (+{r['still_open']} still open)"
        text = f"{r['estimate']:.0%}{extra}" + ("  ← weakest step" if r["loses_most"] else "")
        ax.text(min(r["ci_high"] + 0.02, 0.75), yi + 0.3, text, fontsize="small",
                color=colour, va="center")
    ax.set_yticks(y, [f"{r['step']}\n{r['events']} of {r['n']}" for _, r in result.iterrows()])
    ax.tick_params(axis="y", length=0)
    _percent_axis(ax)
    ax.set_ylim(-0.7, len(result) - 0.3)
    header(ax, "How many go on to the next stage", result,
           extra="bars: estimate, lines: 95% intervals")
    footer(ax, result.attrs.get("verdict", ""))
    return ax


def reference_chart(result: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """This search minus each reference (percentage points), with 95% intervals.

    Parameters
    ----------
    result : pandas.DataFrame
        What :func:`jobstats.compare_to_reference` returned.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = get_ax(ax)
    y = np.arange(len(result))[::-1]
    ax.axvline(0, color="#333333", lw=lw(0.6))
    finite = result[["ci_low", "ci_high"]].abs().max().max()
    lim = 0.1 if pd.isna(finite) else max(0.1, float(finite) * 1.1)
    for yi, (_, r) in zip(y, result.iterrows()):
        if pd.isna(r["estimate"]):
            ax.text(-lim * 0.98, yi, "n/a: " + str(r["note"]).split(";")[0][:70],
                    va="center", fontsize="small", color=GREY, style="italic")
            continue
        known = pd.notna(r["reference_ci_low"])
        colour = _HIGH if known else OKABE_ITO["purple"]
        ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=colour, lw=lw(1.6))
        ax.plot(r["estimate"], yi, "o" if known else "s", color=colour, ms=ms(1.1))
        ax.text(r["ci_high"] + lim * 0.02, yi,
                f"{r['user_estimate']:.0%} vs {r['reference_estimate']:.0%}",
                va="center", fontsize="small", color="#444444")
    labels = [f"{r['measure']}\nvs {textwrap.shorten(r['reference'], 60)}"
              for _, r in result.iterrows()]
    ax.set_yticks(y, labels, fontsize="small")
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(-lim, lim)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:+.0f} pts" if v else "0"))
    ax.grid(True, axis="x", color="#DDDDDD", lw=0.8)
    ax.set_axisbelow(True)
    ax.set_ylim(-0.7, len(result) - 0.3)
    header(ax, "This search minus the reference (left: lower, right: higher)", result,
           extra="lines: 95% intervals of the difference")
    footer(ax, "● both sides' uncertainty; ■ this search's only (the reference gives no sample "
               "size)\nSearches differ in field, seniority, country and channel: a difference "
               "is context, not a grade.")
    return ax
