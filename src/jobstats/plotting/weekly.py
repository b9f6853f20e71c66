"""Weekly activity: applications sent, first replies and follow-ups per week."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
import matplotlib.dates as mdates
from matplotlib.dates import DateFormatter
from matplotlib.ticker import MaxNLocator

from jobstats.plotting._common import (
    GREY,
    OKABE_ITO,
    _points,
    footer,
    get_ax,
    header,
    is_missing_date,
    ms,
    require_columns,
)

__all__ = ["weekly_activity_chart", "SERIES"]

#: Column -> (label, colour) of the series drawn, in drawing order.
SERIES: dict[str, tuple[str, str]] = {
    "applications": ("applications sent (bars)", OKABE_ITO["blue"]),
    "follow_ups": ("follow-ups sent", OKABE_ITO["orange"]),
    "replies": ("first replies", OKABE_ITO["vermillion"]),
}


def weekly_activity_chart(weekly: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Applications, first replies and follow-ups per week, labelled at the line ends.

    Parameters
    ----------
    weekly : pandas.DataFrame
        Result of :func:`jobstats.weekly_activity`: ``[week, applications,
        replies, follow_ups]``, one row per week (``week`` = its Monday).
        ``attrs``: ``as_of``, ``n_applications``; optional ``note``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    These are counts, not estimates, so there is no interval; the week that
    holds the as-of date is shaded "week in progress" (it is not over). A
    series that is all NaN (replies from a file that records none) is not
    drawn; the chart says it is not in the data.
    """
    require_columns(weekly, ["week", *SERIES], "weekly_activity_chart")
    ax = get_ax(ax)
    header(ax, "Your search, week by week", weekly, extra="counts, not estimates")
    week = pd.to_datetime(weekly["week"]).reset_index(drop=True)
    as_of = (weekly.attrs or {}).get("as_of")
    # the week holding the as-of date is not over: shaded, drawn dashed and hollow
    partial = bool(len(week)) and not is_missing_date(as_of) and (
        pd.Timestamp(as_of) < week.max() + pd.Timedelta(days=6)
    )
    if partial:
        last = week.max()
        ax.axvspan(last - pd.Timedelta(days=3.5), last + pd.Timedelta(days=3.5),
                   color=GREY, alpha=0.15, lw=0, gid="week-in-progress")
        ax.annotate("week in\nprogress", xy=(last, 1), xycoords=("data", "axes fraction"),
                    ha="center", va="top", fontsize="small", color="#555555")
    k = len(week) - 1 if partial else len(week)
    ends = []
    unknown: list[str] = []
    for col, (label, colour) in SERIES.items():
        y = weekly[col].to_numpy(float)
        if len(y) and np.isnan(y).all():
            unknown.append(label)  # the file does not record it: no line, never a line at 0
            continue
        if col == "applications":
            # bars: the effort; lines on top: what came back and the nudges sent
            bars = ax.bar(week, y, width=5, color=colour, alpha=0.35, lw=0,
                          gid=f"series:{col}")
            if partial and len(y):
                bars[-1].set_hatch("//")
                bars[-1].set_edgecolor(colour)
        else:
            ax.plot(week[:k], y[:k], marker="o", ms=ms(0.6), color=colour,
                    gid=f"series:{col}")
            if partial:
                ax.plot(week[max(k - 1, 0):], y[max(k - 1, 0):], ls=(0, (2, 2)),
                        color=colour, gid=f"in-progress:{col}")
                ax.plot(week[k:], y[k:], "o", mfc="white", mec=colour, ms=ms(0.6))
        if k:  # labels at the last complete week's level (the running one is partial)
            ends.append([week.iloc[-1], y[k - 1], label, colour])
    if unknown:
        ax.annotate(f"{' and '.join(unknown)}: not in your data", xy=(0.01, 0.98),
                    xycoords="axes fraction", ha="left", va="top", fontsize="small",
                    color=GREY, fontstyle="italic", gid="unknown-series")
    ymax = np.nanmax(np.r_[weekly[list(SERIES)].to_numpy(float).ravel(), 1.0])
    ax.set_ylim(0, ymax * 1.15)
    if len(week):
        span = (week.max() - week.min()) or pd.Timedelta(days=7)
        ax.set_xlim(week.min() - pd.Timedelta(days=4),
                    week.max() + pd.Timedelta(days=4) + max(span * 0.22, pd.Timedelta(days=10)))
        # as many week ticks as fit side by side in this style's type (always the last week)
        long_span = (week.max() - week.min()) > pd.Timedelta(days=300)
        chars = 8 if long_span else 6
        ax_w_pt = ax.bbox.width * 72 / ax.figure.dpi
        fit = max(2, int(ax_w_pt * 0.8 / (_points("medium") * (0.62 * chars + 1.5))))
        step = int(np.ceil(len(week) / fit))
        ax.set_xticks(week[::-1][::step][::-1])
    # direct labels at the right end, nudged apart so they never overlap
    ends.sort(key=lambda r: r[1])
    ax_pt = max(ax.bbox.height * 72 / ax.figure.dpi, 1.0)
    gap = 1.3 * _points("medium") * (ymax * 1.15) / ax_pt
    ys = [r[1] for r in ends]
    if ys:
        ys[0] = max(ys[0], 0.6 * gap)  # clear of the x axis line
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + gap)
    x0, x1 = ax.get_xlim()
    for (x, y, label, colour), ly in zip(ends, ys, strict=True):
        ax.annotate(label, xy=(mdates.date2num(x) + 4, ly), xytext=(6, 0),
                    textcoords="offset points", ha="left", va="center", color=colour,
                    fontweight="bold", fontsize="medium", annotation_clip=False,
                    gid=f"label:{label}")
    long_span = len(week) and (week.max() - week.min()) > pd.Timedelta(days=300)
    ax.xaxis.set_major_formatter(DateFormatter("%b %Y" if long_span else "%-d %b"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("per week")
    ax.set_xlabel("week starting (Monday)")
    ax.grid(axis="y", color="#DDDDDD", lw=0.8)
    ax.set_axisbelow(True)
    footer(ax, str((weekly.attrs or {}).get("note", "")))
    return ax
