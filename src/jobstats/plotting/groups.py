"""Rates by group (source, source as typed, client) with intervals and n."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from jobstats.plotting._common import (
    CANNOT_TELL,
    GREY,
    OKABE_ITO,
    footer,
    get_ax,
    group_columns,
    group_label,
    header,
    interval_text,
    is_missing,
    lw,
    pct,
    require_columns,
)

__all__ = ["rates_chart", "MEASURE_TITLES", "MEASURE_LABELS"]

#: How each measure of :func:`jobstats.rates` reads in a title ({days}: ghosting window).
MEASURE_TITLES: dict[str, str] = {
    "response": "Got a reply (any reply, rejections included)",
    "interview": "Got to an interview",
    "offer": "Got an offer",
    "ghosting": "Ghosted: no reply within {days}",
}
#: The same as row labels (one row per measure).
MEASURE_LABELS: dict[str, str] = {
    "response": "got a reply",
    "interview": "got an interview",
    "offer": "got an offer",
    "ghosting": "ghosted ({days})",
}


def _measure_text(table: pd.DataFrame, measure: str, words: dict[str, str]) -> str:
    """A measure in words; the ghosting window read from its ``method`` text."""
    days = "the ghosting window"
    if "method" in table.columns:
        rows = table[table["measure"].astype(str) == "ghosting"] if "measure" in table else table
        for m in rows["method"].dropna().astype(str):
            found = re.search(r"within (\d+) days", m)
            if found:
                days = f"{found.group(1)} days"
                break
    return words.get(measure, measure).format(days=days)


def rates_chart(
    rates: pd.DataFrame,
    *,
    measure: str | None = "response",
    by: str | Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Rates with 95% intervals and n, one row per group (or per measure).

    Parameters
    ----------
    rates : pandas.DataFrame
        Result of :func:`jobstats.rates`: ``[*groups, measure, n, events,
        estimate, ci_low, ci_high, method, note]`` (``measure`` optional).
        ``attrs``: ``as_of``, ``n_applications``.
    measure : str or None
        The measure drawn when there are group columns (one row per group).
        Without group columns every measure gets a row; ``None`` does the same.
    by : str or list of str, optional
        Group columns; default: the columns before ``measure`` (or ``n``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Rows are kept in the result's order. A group too small for an estimate
    (NaN) keeps its row, with its n and "data cannot tell" and its note: it is
    not dropped, and it is not drawn as 0%.
    """
    require_columns(rates, ["n", "estimate", "ci_low", "ci_high"], "rates_chart")
    first = "measure" if "measure" in rates.columns else "n"
    groups = [by] if isinstance(by, str) else list(by) if by is not None else group_columns(rates, first)
    table = rates
    what = "Rates"
    if "measure" in rates.columns and groups and measure is not None:
        table = rates[rates["measure"].astype(str) == measure]
        if table.empty:
            raise ValueError(
                f"rates_chart: no rows with measure {measure!r} "
                f"(measures: {', '.join(map(str, rates['measure'].unique()))})."
            )
        what = _measure_text(table, measure, MEASURE_TITLES)
    elif "measure" in rates.columns and len(rates["measure"].unique()) == 1:
        what = _measure_text(rates, str(rates["measure"].iloc[0]), MEASURE_TITLES)
    elif "measure" in rates.columns:
        what = "Where your applications got to"
    if groups:
        names = [group_label(tuple(r)) if len(groups) > 1 else str(r[0])
                 for r in table[groups].itertuples(index=False)]
        if "measure" in table.columns and (measure is None):
            names = [f"{g} · {m}" for g, m in zip(names, table["measure"].astype(str), strict=True)]
        by_text = " and ".join(groups).replace("_", " ")
        title = f"{what}, by {by_text}"
    else:
        names = ([_measure_text(table, m, MEASURE_LABELS) for m in table["measure"].astype(str)]
                 if "measure" in table.columns else [str(i) for i in table.index])
        title = what
    ax = get_ax(ax)
    header(ax, title, table, extra="95% intervals")
    colour = OKABE_ITO["blue"]
    y = np.arange(len(table))[::-1].astype(float)
    notes = []
    xmax = np.nanmax(np.r_[table["ci_high"].to_numpy(float), 0.05])
    for yi, name, (_, r) in zip(y, names, table.iterrows(), strict=True):
        if is_missing(r["estimate"]):
            ax.annotate(
                f"{CANNOT_TELL}" + (f": {r['note']}" if _has_note(r) else ""),
                xy=(0, yi), xycoords=("axes fraction", "data"), xytext=(6, 0),
                textcoords="offset points", va="center", color=GREY, fontstyle="italic",
                gid="cannot-tell",
            )
            continue
        ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=colour, lw=lw(1.6), alpha=0.45,
                solid_capstyle="butt", gid="interval")
        ax.plot([r["estimate"]], [yi], "o", color=colour, gid="estimate")
        ax.annotate(
            f"{pct(r['estimate'])}  ({interval_text(r['ci_low'], r['ci_high'])})",
            xy=(r["ci_high"], yi), xytext=(8, 0), textcoords="offset points", va="center",
            color=colour, fontweight="bold", fontsize="medium",
        )
        if _has_note(r):
            notes.append(f"{name}: {r['note']}")
    ax.set_yticks(y, [f"{name}  (n = {int(r['n'])})" for name, (_, r) in
                      zip(names, table.iterrows(), strict=True)])
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.set_xlim(0, min(1.0, xmax * 1.45) if xmax < 0.7 else 1.18)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="x", color="#DDDDDD", lw=0.8)
    ax.set_axisbelow(True)
    footer(ax, "; ".join(notes))
    return ax


def _has_note(row: pd.Series) -> bool:
    return "note" in row.index and not is_missing(row["note"]) and bool(str(row["note"]).strip())
