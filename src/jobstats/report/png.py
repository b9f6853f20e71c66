"""PNG of a fixed-layout figure, drawn once and cropped to what was drawn.

``savefig(bbox_inches="tight")`` finds the crop by laying the figure out and
drawing it without output, then draws it again for the file; with
constrained layout, each pass measures every text again (most of a client
page's chart time, as matplotlib 3.11 lays text out glyph by glyph). A
figure without a layout engine (:func:`jobstats.report.figures.fixed_layout`)
is drawn once here on its canvas, and the crop is read off the pixels: every
pixel that is not the figure's background colour, and every Axes' box (so an
Axes whose spines are hidden keeps its size, as with a tight box), plus the
padding. Pillow writes the PNG (matplotlib does the same through
``imsave``), at a low zlib level: a few percent larger, half the time.

When something is drawn up to (near) the canvas' edge (it may go on beyond
it), the crop cannot tell: :func:`cropped_png` returns None and the caller uses
``savefig`` with a tight box, which extends the canvas to fit.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

__all__ = ["cropped_png", "png_canvas"]

#: zlib level of the client PNGs: 1 is about half the time of Pillow's default 6 for
#: about 10% more bytes on these charts (flat colours compress well at any level).
COMPRESS_LEVEL = 1


#: A drawing this close to the canvas' edge may go on beyond it: the pixel column at the
#: edge can fall in a gap between two words of a text that crosses it. Word gaps are a
#: few pixels; the fixed layout's margins keep the charts an inch or more away.
EDGE_INCHES = 0.2


_LOCAL = threading.local()


class _MeasuringRenderer(RendererAgg):
    """An Agg renderer that measures each plain text once per thread, resolution and font.

    matplotlib caches text sizes per renderer; ``savefig(bbox_inches="tight")`` lays a
    figure out on one renderer and draws it on another (the cropped size), and every
    chart gets new ones, so the same titles, ticks and notes were measured again and
    again (about a tenth of a report's drawing time). The size of a text depends only on
    the text, its font, the resolution and the font and hinting settings (the key
    here, taken from rcParams at each draw: a font family such as "sans-serif" is
    looked up in them), not on the renderer's canvas: the same numbers, so the same
    pixels.
    """

    #: rcParams that decide which font a text gets and how it is hinted (see
    #: :func:`_text_settings`); set by :meth:`_SharedRendererCanvas.get_renderer`.
    settings: tuple = ()

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any
                                      ) -> tuple[float, float, float]:
        if ismath is not False:  # mathtext and TeX: as matplotlib measures them
            return super().get_text_width_height_descent(s, prop, ismath)
        sizes = getattr(_LOCAL, "text_sizes", None)
        if sizes is None or len(sizes) > _MAX_TEXT_SIZES:
            sizes = _LOCAL.text_sizes = {}
        key = (s, prop.copy(), self.dpi, self.settings)
        size = sizes.get(key)
        if size is None:
            size = sizes[key] = super().get_text_width_height_descent(s, prop, ismath)
        return size


#: Texts measured per thread before the memory of text sizes starts afresh.
_MAX_TEXT_SIZES = 20_000


def _text_settings() -> tuple:
    """The rcParams a text's measured size depends on besides its FontProperties."""
    rc = mpl.rcParams
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in rc.items()
                 if k.startswith(("font.", "text.hinting", "text.kerning", "mathtext.")))


class _SharedRendererCanvas(FigureCanvasAgg):
    """An Agg canvas drawing on one renderer per thread and canvas size.

    matplotlib caches the size of each text per renderer; the charts of all the
    client pages a worker makes share most texts (titles, ticks, notes), so
    one renderer measures each once (and :class:`_MeasuringRenderer` keeps the
    sizes across renderers). The pixels are copied out before the next figure is
    drawn on it.
    """

    def get_renderer(self) -> RendererAgg:
        width, height = self.get_width_height(physical=True)
        key = (width, height, self.figure.dpi)
        cached = getattr(_LOCAL, "renderer", None)
        if cached is None or cached[0] != key:
            cached = _LOCAL.renderer = (key, _MeasuringRenderer(width, height,
                                                                self.figure.dpi))
        self.renderer = cached[1]
        self.renderer.settings = _text_settings()  # as they are for this drawing
        return self.renderer


def png_canvas(fig: Any) -> FigureCanvasAgg:
    """Give ``fig`` the Agg canvas of the report (shared renderers and text sizes).

    ``fig.savefig(..., format="png")`` then draws with it: the same pixels, fewer
    measurements of the same texts.
    """
    return _SharedRendererCanvas(fig)


def cropped_png(fig: Any, dpi: float, pad_inches: float) -> bytes | None:
    """``fig`` as PNG bytes at ``dpi``, cropped to its drawing plus ``pad_inches``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure without a layout engine, with an opaque background.
    dpi : float
        Resolution of the PNG.
    pad_inches : float
        Background left around the drawing (as ``savefig``'s ``pad_inches``).

    Returns
    -------
    bytes or None
        None when the figure has a layout engine or a see-through background,
        or when its drawing comes within :data:`EDGE_INCHES` of the edge of the
        canvas (it may not fit):
        use ``savefig(bbox_inches="tight")`` then.
    """
    from matplotlib.colors import to_rgba
    from PIL import Image

    if fig.get_layout_engine() is not None:
        return None
    face = np.round(np.array(to_rgba(fig.get_facecolor())) * 255).astype(np.uint8)
    if face[3] != 255:
        return None
    fig.set_dpi(dpi)
    canvas = _SharedRendererCanvas(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    height, width = rgba.shape[:2]
    # one 32-bit word per pixel: compare whole pixels with the background at once
    ink = rgba.view(np.uint32)[..., 0] != face.view(np.uint32)[0]
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    edge = max(1, int(round(EDGE_INCHES * dpi)))
    if not len(rows) or rows[0] < edge or cols[0] < edge or rows[-1] >= height - edge \
            or cols[-1] >= width - edge:
        return None
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        box = ax.bbox  # display pixels, origin at the bottom left
        left, right = min(left, int(np.floor(box.x0))), max(right, int(np.ceil(box.x1)))
        top = min(top, height - int(np.ceil(box.y1)))
        bottom = max(bottom, height - int(np.floor(box.y0)))
    top, left = max(top, 0), max(left, 0)
    bottom, right = min(bottom, height), min(right, width)
    pad = int(round(pad_inches * dpi))
    out = np.empty((bottom - top + 2 * pad, right - left + 2 * pad, 3), np.uint8)
    out[...] = face[:3]
    out[pad:pad + bottom - top, pad:pad + right - left] = rgba[top:bottom, left:right, :3]
    buf = io.BytesIO()
    Image.fromarray(out).save(buf, format="png", dpi=(dpi, dpi),
                              compress_level=COMPRESS_LEVEL)
    return buf.getvalue()
