"""Chart styles (notebook, workshop) as context managers, and ``save_figure``.

A style is a temporary :func:`matplotlib.pyplot.rc_context`: inside ``with
style("workshop"):`` figures are 16:9, 1600 px wide on screen, with large type
and the Okabe-Ito colour-blind-safe palette; on leaving, every matplotlib
setting is back as it was (library code never changes settings for good).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from jobstats.plotting._common import SERIES_COLOURS

__all__ = ["STYLES", "style", "save_figure"]

_BASE: dict[str, Any] = {
    "axes.prop_cycle": cycler(color=list(SERIES_COLOURS)),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.titlelocation": "left",
    "legend.frameon": False,
    "figure.constrained_layout.use": True,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.15,
    "svg.fonttype": "none",  # text stays text in SVG (editable on slides)
    "pdf.fonttype": 42,  # TrueType in PDF, not Type 3
}

#: Settings of each style (applied on top of the current ones, then restored).
STYLES: dict[str, dict[str, Any]] = {
    # 16:9, a notebook column wide
    "notebook": {
        **_BASE,
        "figure.figsize": (9.6, 5.4),
        "figure.dpi": 100,
        "font.size": 11,
        "lines.linewidth": 2.0,
        "lines.markersize": 7,
    },
    # 16:9 slide (13.34 x 7.5 in, PowerPoint's size) at 120 dpi = 1600 x 900 px on
    # screen; 2668 x 1500 px saved at 200 dpi. 18 pt body type reads from the back.
    "workshop": {
        **_BASE,
        "figure.figsize": (13.34, 7.5),
        "figure.dpi": 120,
        "font.size": 18,
        "axes.linewidth": 1.5,
        "xtick.major.width": 1.5,
        "ytick.major.width": 1.5,
        "xtick.major.size": 7,
        "ytick.major.size": 7,
        "lines.linewidth": 3.5,
        "lines.markersize": 12,
        "errorbar.capsize": 0,
    },
}


@contextmanager
def style(name: str = "notebook") -> Iterator[dict[str, Any]]:
    """Use a jobstats chart style inside a ``with`` block.

    Parameters
    ----------
    name : {"notebook", "workshop"}
        ``"notebook"``: 16:9 at notebook width, normal type. ``"workshop"``:
        16:9 slides (1600 px wide on screen, 2668 px saved at 200 dpi), large type,
        thick lines. Both use the Okabe-Ito colour-blind-safe palette.

    Yields
    ------
    dict
        The settings in force (read-only use).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> before = plt.rcParams["font.size"]
    >>> with style("workshop"):
    ...     plt.rcParams["font.size"]
    18.0
    >>> plt.rcParams["font.size"] == before
    True
    """
    if name not in STYLES:
        raise ValueError(f"Unknown style {name!r}; choose one of: {', '.join(STYLES)}.")
    # Resolve the backend before the context saves rcParams: otherwise a first
    # figure drawn inside the block (Jupyter's inline backend chosen lazily) is
    # undone on exit and later cells show no chart.
    plt.get_backend()
    with plt.rc_context(STYLES[name]):
        yield dict(STYLES[name])


def save_figure(
    fig: Figure | Axes,
    path: str | Path,
    *,
    formats: Sequence[str] = ("png", "svg", "pdf"),
    dpi: int = 200,
) -> list[Path]:
    """Write ``fig`` as PNG (at ``dpi``, at least 200), SVG and PDF.

    Parameters
    ----------
    fig : Figure or Axes
        The figure (an Axes stands for its figure).
    path : str or Path
        File path; its suffix, if any, is replaced by each format's. Missing
        folders are created.
    formats : sequence of str
        Which of ``"png"``, ``"svg"``, ``"pdf"`` to write.
    dpi : int
        Resolution of the PNG; below 200 is refused (slides look blurred).

    Returns
    -------
    list of Path
        The files written.

    Notes
    -----
    Creation dates are left out of the SVG and PDF metadata so re-running a
    notebook does not change files whose drawing did not change.
    """
    if isinstance(fig, Axes):
        fig = fig.figure
    if dpi < 200:
        raise ValueError(f"dpi={dpi} is too low for slides; use 200 or more.")
    unknown = [f for f in formats if f not in ("png", "svg", "pdf")]
    if unknown:
        raise ValueError(f"Unknown format(s) {unknown}; choose from png, svg, pdf.")
    base = Path(path)
    if base.suffix.lower() in (".png", ".svg", ".pdf"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}
    written = []
    with plt.rc_context({"svg.hashsalt": "jobstats"}):
        for fmt in formats:
            out = base.with_name(base.name + "." + fmt)
            fig.savefig(out, format=fmt, dpi=dpi, bbox_inches="tight", metadata=metadata[fmt])
            written.append(out)
    return written
