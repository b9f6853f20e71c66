"""The search as a flow: applied -> no reply / rejected / interview -> offer.

Drawn by hand as an alluvial diagram (rectangles for stages, filled Bézier
bands for flows) rather than with :mod:`matplotlib.sankey`: that module draws
one arrow-shaped flow per ``add`` call and needs every branch's angle and
joint placed by hand (``prior``/``connect``); a five-column stage diagram does
not fit its model and its labels cannot be placed at the nodes. Plotly or
pySankey would add a dependency and (plotly) not return a matplotlib Axes.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from jobstats.plotting._common import (
    GREY,
    OKABE_ITO,
    _points,
    footer,
    get_ax,
    header,
    require_columns,
)

__all__ = ["flow_chart"]


def _colour(node: str) -> str:
    """Colour by what a stage means: the hopeful path, a rejection, still open."""
    s = node.lower()
    if "reject" in s:
        return OKABE_ITO["vermillion"]
    if "declin" in s:
        return OKABE_ITO["purple"]
    if "(yet)" in s or "pending" in s or s.startswith("no "):
        return GREY
    if "offer" in s or "accept" in s:
        return OKABE_ITO["green"]
    if "interview" in s or "screen" in s:
        return OKABE_ITO["blue"]
    if "repl" in s:
        return OKABE_ITO["sky"]
    return "#333333"


def _wrap(name: str, width: int = 14) -> str:
    return textwrap.fill(name, width, break_long_words=False)


def _darker(colour: str) -> str:
    """The same hue, darker, for text on white (sky blue is too light for type)."""
    r, g, b = to_rgb(colour)
    return to_hex((0.7 * r, 0.7 * g, 0.7 * b))


def flow_chart(
    links: pd.DataFrame, *, value: str | None = None, ax: Axes | None = None
) -> Axes:
    """The search as a flow between stages (alluvial / Sankey diagram).

    Parameters
    ----------
    links : pandas.DataFrame
        Result of :func:`jobstats.funnel_links`: ``[source, target, count]``
        (or ``value``): one row per flow, applications moving from one stage
        to the next; a stage's outflows add up to its inflow. ``attrs``:
        ``as_of``, ``n_applications``.
    value : str, optional
        The count column; default ``count``, else ``value``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Every stage is labelled with its count; flows of 0 are not drawn (they
    would be invisible) and stages reached by none are left out.
    """
    if value is None:
        value = "count" if "count" in getattr(links, "columns", []) else "value"
    require_columns(links, ["source", "target", value], "flow_chart")
    ax = get_ax(ax)
    header(ax, "The search as a flow", links)
    src = links["source"].astype(str).tolist()
    tgt = links["target"].astype(str).tolist()
    cnt = links[value].to_numpy(float)
    order = list(dict.fromkeys(x for pair in zip(src, tgt, strict=True) for x in pair))
    depth = {n: 0 for n in order if n not in tgt}
    for _ in range(len(order)):  # longest path from a root; links are few
        for s, t in zip(src, tgt, strict=True):
            if s in depth:
                depth[t] = max(depth.get(t, 0), depth[s] + 1)
    inflow = {n: cnt[[t == n for t in tgt]].sum() for n in order}
    outflow = {n: cnt[[s == n for s in src]].sum() for n in order}
    size = {n: max(inflow[n], outflow[n]) for n in order}
    total = max((size[n] for n in order if depth.get(n) == 0), default=1.0) or 1.0
    terminal = {n: outflow[n] == 0 for n in order}
    text = {n: (_wrap(n) + f"\n{size[n]:,.0f}") if terminal[n] else f"{n} {size[n]:,.0f}"
            for n in order}
    # Bands keep their true widths; only the spacing between stages of a column
    # grows so each terminal stage's label fits beside it (small late stages
    # such as 5 offers out of 250 would otherwise pile their labels up).
    line_pt = 1.25 * _points("medium")
    ax_pt = max(ax.bbox.height * 72 / ax.figure.dpi, 1.0)
    y_range = 1.25 * total
    for _ in range(2):
        per_pt = y_range / ax_pt
        gap = 0.03 * total
        top = {}
        slots = {}
        lowest = 0.0
        for col in range(max(depth.values(), default=0) + 1):
            y = total
            for n in order:
                if depth.get(n) == col and size[n] > 0:
                    top[n] = y
                    slot = size[n]
                    if terminal[n]:
                        slot = max(slot, (text[n].count("\n") + 1) * line_pt * per_pt)
                    slots[n] = slot
                    lowest = min(lowest, y - slot)
                    y -= slot + gap
        y_range = total - lowest + 2 * line_pt * per_pt  # headroom: labels above stages
    bar = 0.09
    out_used = dict.fromkeys(order, 0.0)
    in_used = dict.fromkeys(order, 0.0)
    for s, t, c in zip(src, tgt, cnt, strict=True):
        if c <= 0 or s not in top or t not in top:
            continue
        x0, x1 = depth[s] + bar / 2, depth[t] - bar / 2
        y0 = top[s] - out_used[s]
        y1 = top[t] - in_used[t]
        out_used[s] += c
        in_used[t] += c
        xm = (x0 + x1) / 2
        verts = [(x0, y0), (xm, y0), (xm, y1), (x1, y1),
                 (x1, y1 - c), (xm, y1 - c), (xm, y0 - c), (x0, y0 - c), (x0, y0)]
        codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4,
                 Path.LINETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.CLOSEPOLY]
        ax.add_patch(PathPatch(Path(verts, codes), fc=_colour(t), ec="none", alpha=0.35,
                               gid=f"link:{s}->{t}:{c:g}"))
    for n, y in top.items():
        x = depth[n]
        ax.add_patch(Rectangle((x - bar / 2, y - size[n]), bar, size[n], fc=_colour(n),
                               ec="none", gid=f"node:{n}:{size[n]:g}"))
        if terminal[n]:  # beside the stage, centred in its slot (clear of passing flows)
            ax.annotate(text[n], xy=(x + bar / 2, y - slots[n] / 2), xytext=(6, 0),
                        textcoords="offset points", ha="left", va="center", fontsize="medium", fontweight="bold",
                        color="#222222", gid=f"label:{n}")
        else:  # above the stage: the flows leaving it take the space beside it
            ax.annotate(text[n], xy=(x - bar / 2, y), xytext=(0, 4), textcoords="offset points",
                        ha="left", va="bottom", fontsize="medium", fontweight="bold",
                        color=_darker(_colour(n)), gid=f"label:{n}")
    ncol = max(depth.values(), default=0)
    ax.set_xlim(-bar, ncol + 0.95)
    ax.set_ylim(lowest, total + 2 * line_pt * y_range / ax_pt)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    empty = [n for n in order if size[n] == 0]
    note = ("Band widths are numbers of applications; each stage counts the furthest "
            "stage an application reached.")
    if empty:
        note += f" None so far: {', '.join(empty)}."
    footer(ax, note)
    return ax
