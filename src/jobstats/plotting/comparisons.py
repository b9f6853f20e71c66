"""Charts of group comparisons, stage conversion and the comparison with references.

Each function draws the result of the analysis of the same name and states n
and the as-of date on the chart (from ``result.attrs``). Intervals are drawn
as lines; a number the data cannot give is written out ("n/a: too recent to
tell"), never drawn as 0.
"""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

__all__ = ["compare_chart", "reference_chart", "stage_conversion_chart"]

_STYLE = {"axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
          "axes.grid.axis": "x", "grid.alpha": 0.3}
_PLAIN = "0.35"  # colour of groups that do not differ credibly
_HIGH, _LOW = "tab:blue", "tab:red"


def _as_of_text(result: pd.DataFrame) -> str:
    as_of = result.attrs.get("as_of")
    date = pd.Timestamp(as_of).date().isoformat() if as_of is not None else "unknown date"
    return f"{result.attrs.get('n_applications', '?')} applications, as of {date}"


def _na_label(ax: Axes, y: float, note: str, x: float = 0.01) -> None:
    first = (note or "no estimate").split(";")[0]
    ax.text(x, y, "n/a: " + first, va="center", ha="left", fontsize=8, color="0.4",
            style="italic", transform=ax.get_yaxis_transform())


def _percent_axis(ax: Axes, lo: float = -0.02, hi: float = 1.02) -> None:
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))


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
    if ax is None:
        ax = plt.gca()
    h = result.attrs.get("horizon_days", 14)
    with mpl.rc_context(_STYLE):
        ax.grid(True, axis="x", alpha=0.3)
        y = np.arange(len(result))[::-1]
        for yi, (_, r) in zip(y, result.iterrows()):
            colour = _PLAIN
            if r["credible"]:
                colour = _HIGH if r["direction"] == "higher" else _LOW
            if pd.isna(r["estimate"]):
                _na_label(ax, yi, r["note"])
            else:
                ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=colour, lw=2.5,
                        solid_capstyle="butt")
                ax.plot(r["estimate"], yi, "o", color=colour, ms=7)
            # no share where the chance is unknown: for a too-recent group the
            # share is exactly the misleading number
            if show_share and pd.notna(r["share"]) and pd.notna(r["estimate"]):
                ax.plot(r["share"], yi, "D", mfc="none", mec="0.5", ms=6)
        labels = [
            f"{r['group']}  (n={r['n']})" + (f"  ★ {r['direction']}" if r["credible"] else "")
            for _, r in result.iterrows()
        ]
        ax.set_yticks(y, labels)
        for tick, (_, r) in zip(ax.get_yticklabels(), result.iterrows()):
            if r["credible"]:
                tick.set_color(_HIGH if r["direction"] == "higher" else _LOW)
                tick.set_fontweight("bold")
        _percent_axis(ax)
        ax.set_ylim(-0.7, len(result) - 0.3)
        col = result.attrs.get("column", "group")
        ax.set_title(f"Chance of a reply within {h} days of applying, by {col}", loc="left",
                     fontsize=11)
        test = result.attrs.get("test", {})
        if test.get("method"):
            verdict = (f"credibly different (Holm): {', '.join(map(str, result.attrs['credible']))}"
                       if result.attrs.get("credible") else "no group differs credibly (Holm)")
            test_line = f"log-rank p = {test['p_value']:.2g}; {verdict}"
        else:
            test_line = test.get("note", "no test")
        key = "dot and line: censoring-aware estimate, 95% CI"
        if show_share:
            key += "; ◇ share replied so far"
        ax.set_xlabel(f"{_as_of_text(result)}\n{test_line}\n{key}", fontsize=8)
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
    if ax is None:
        ax = plt.gca()
    with mpl.rc_context(_STYLE):
        ax.grid(True, axis="x", alpha=0.3)
        y = np.arange(len(result))[::-1]
        for yi, (_, r) in zip(y, result.iterrows()):
            colour = _LOW if r["loses_most"] else _PLAIN
            if pd.isna(r["estimate"]):
                _na_label(ax, yi, r["note"])
                continue
            ax.barh(yi, r["estimate"], color=colour, alpha=0.25, height=0.6)
            ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=colour, lw=2.5)
            ax.plot(r["estimate"], yi, "o", color=colour, ms=7)
            extra = " (time-aware)" if str(r["method"]).startswith("Kaplan") else ""
            if r["still_open"] and not extra:
                extra = f" (+{r['still_open']} still open)"
            text = f"{r['estimate']:.0%}{extra}" + ("  ← weakest step" if r["loses_most"] else "")
            ax.text(min(r["ci_high"] + 0.02, 0.75), yi + 0.3, text, fontsize=8, color=colour,
                    va="center")
        ax.set_yticks(y, [f"{r['step']}\n{r['events']} of {r['n']}" for _, r in result.iterrows()])
        _percent_axis(ax)
        ax.set_ylim(-0.7, len(result) - 0.3)
        ax.set_title("How many go on to the next stage", loc="left", fontsize=11)
        verdict = textwrap.fill(result.attrs.get("verdict", ""), 110)
        ax.set_xlabel(f"{_as_of_text(result)}; bars: estimate, lines: 95% CI\n{verdict}",
                      fontsize=8)
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
    if ax is None:
        ax = plt.gca()
    with mpl.rc_context(_STYLE):
        ax.grid(True, axis="x", alpha=0.3)
        y = np.arange(len(result))[::-1]
        ax.axvline(0, color="0.2", lw=1)
        finite = result[["ci_low", "ci_high"]].abs().max().max()
        lim = 0.1 if pd.isna(finite) else max(0.1, float(finite) * 1.1)
        for yi, (_, r) in zip(y, result.iterrows()):
            if pd.isna(r["estimate"]):
                ax.text(-lim * 0.98, yi, "n/a: " + str(r["note"]).split(";")[0][:70],
                        va="center", fontsize=8, color="0.4", style="italic")
                continue
            known = pd.notna(r["reference_ci_low"])
            colour = "tab:blue" if known else "tab:purple"
            ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=colour, lw=2.5)
            ax.plot(r["estimate"], yi, "o" if known else "s", color=colour, ms=7)
            ax.text(r["ci_high"] + lim * 0.02, yi,
                    f"{r['user_estimate']:.0%} vs {r['reference_estimate']:.0%}",
                    va="center", fontsize=8, color="0.3")
        labels = [f"{r['measure']}\nvs {textwrap.shorten(r['reference'], 60)}"
                  for _, r in result.iterrows()]
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_xlim(-lim, lim)
        ax.xaxis.set_major_formatter(
            mpl.ticker.FuncFormatter(lambda v, _: f"{v * 100:+.0f} pts" if v else "0")
        )
        ax.set_ylim(-0.7, len(result) - 0.3)
        ax.set_title("This search minus the reference (left: lower, right: higher)",
                     loc="left", fontsize=11)
        ax.set_xlabel(
            f"{_as_of_text(result)}; lines: 95% CI of the difference\n"
            "● both sides' uncertainty; ■ this search's only (the reference gives no sample "
            "size)\nSearches differ in field, seniority, country and channel: a difference is "
            "context, not a grade.", fontsize=8)
    return ax
