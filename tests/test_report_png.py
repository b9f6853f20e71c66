"""Client-page PNGs: fixed layout drawn once, cropped to the drawing (jobstats.report.png)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from jobstats.report import _render
from jobstats.report.figures import figure_style, fixed_layout, new_figure
from jobstats.report.png import cropped_png

DPI, PAD = 100, 0.15


def _image(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _tight(fig: Figure) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", pad_inches=PAD)
    return _image(buf.getvalue())


def _chart() -> Figure:
    with figure_style("default"), fixed_layout():
        fig = new_figure()
        ax = fig.axes[0]
        ax.plot([0, 10], [0, 0.4])
        ax.set_title("A title", loc="left")
        ax.set_xlabel("days since applying")
        ax.set_ylabel("replied by then")
        ax.annotate("a note under the chart", xy=(0, -0.25), xycoords="axes fraction")
    return fig


def test_fixed_layout_has_no_layout_engine_and_a_fixed_axes_box() -> None:
    with figure_style("default"):
        constrained = new_figure()
        with fixed_layout():
            fixed = new_figure()
        after = new_figure()
    assert constrained.get_layout_engine() is not None
    assert after.get_layout_engine() is not None  # the block ends
    assert fixed.get_layout_engine() is None and len(fixed.axes) == 1
    # the Axes is about the box constrained layout gives (style 9.6 x 5.4 in, 11 pt)
    box = fixed.axes[0].get_position().transformed(fixed.transFigure).bounds
    width, height = box[2] / fixed.dpi, box[3] / fixed.dpi
    assert 7.5 < width < 8.8 and 3.5 < height < 4.5


def test_crop_matches_savefig_tight_box() -> None:
    """Same picture as savefig's tight box, give or take a few pixels: the tight box
    holds each text's whole line box (room for descenders), the crop its ink (antialiased
    edges included)."""
    fig = _chart()
    png = cropped_png(fig, DPI, PAD)
    assert png is not None
    mine, tight = _image(png), _tight(_chart())
    assert abs(tight.shape[0] - mine.shape[0]) <= 6 and abs(tight.shape[1] - mine.shape[1]) <= 6
    # the padding is background on every side, the drawing is inside it
    pad = int(round(PAD * DPI))
    assert (mine[:pad] == 255).all() and (mine[-pad:] == 255).all()
    assert (mine[:, :pad] == 255).all() and (mine[:, -pad:] == 255).all()
    assert (mine[pad:-pad, pad:-pad] != 255).any(axis=2).sum() > 1000
    # about as much ink as the tight version (same drawing, not a part of it)
    ink_mine = (mine != 255).any(axis=2).sum()
    ink_tight = (tight != 255).any(axis=2).sum()
    assert abs(ink_mine - ink_tight) < 0.05 * ink_tight


def test_drawing_past_the_canvas_edge_falls_back_to_savefig() -> None:
    fig = _chart()
    ax = fig.axes[0]
    # a label starting inside and running far past the right edge of the canvas
    ax.annotate("a very long label " * 20, xy=(0.9, 0.5), xycoords="axes fraction",
                annotation_clip=False)
    assert cropped_png(fig, DPI, PAD) is None
    width_px = fig.get_figwidth() * DPI
    out = _image(_render(fig, "png", DPI, cropped=True))
    assert out.shape[1] > width_px  # savefig's tight box grew past the canvas to fit it


def test_layout_engine_or_transparent_background_is_left_to_savefig() -> None:
    with figure_style("default"):
        constrained = new_figure()
    constrained.axes[0].plot([0, 1])
    assert cropped_png(constrained, DPI, PAD) is None
    fig = _chart()
    fig.set_facecolor((1, 1, 1, 0))
    assert cropped_png(fig, DPI, PAD) is None


def test_axes_box_is_kept_when_little_is_drawn() -> None:
    """An honest empty chart (spines hidden, one line of text) keeps the Axes' size."""
    with figure_style("default"), fixed_layout():
        fig = new_figure()
    ax = fig.axes[0]
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.text(0.5, 0.5, "The data cannot tell", transform=ax.transAxes, ha="center")
    out = _image(cropped_png(fig, DPI, PAD))
    fig.set_dpi(DPI)
    box = ax.get_window_extent()
    assert out.shape[1] >= box.width and out.shape[0] >= box.height


def _tracker(path, n: int, seed: int):
    """A simulated client's tracker as a CSV (as the cohort benchmark writes them)."""
    import jobstats
    import pandas as pd

    apps, events = jobstats.simulate_search(n, seed=seed, start="2025-01-06", weeks=20,
                                            as_of="2025-06-30")
    fu = events[events["kind"] == "follow_up"].groupby("application_id")["date"].min()
    pd.DataFrame({
        "Company": apps["company"], "Source": apps["source"],
        "Date applied": apps["applied_on"].dt.strftime("%Y-%m-%d"),
        "Status": apps["status_raw"],
        "Date of first reply": apps["first_reply_on"].dt.strftime("%Y-%m-%d"),
        "Follow-up date": apps["application_id"].map(fu).dt.strftime("%Y-%m-%d"),
    }).to_csv(path, index=False)
    return jobstats.load(path, as_of="2025-06-30")


@pytest.mark.parametrize("style", ["default", "workshop"])
@pytest.mark.parametrize("n", [500, 12])
def test_client_charts_fit_the_fixed_canvas(tmp_path, style: str, n: int) -> None:
    """A client page's charts (with numbers, or saying the data cannot tell) fit the
    canvas: cropped, not sent back to savefig."""
    from jobstats.report import CLIENT_DPI, CLIENT_FIGURES
    from jobstats.report.analyses import shared_results
    from jobstats.report.figures import FIGURES, draw_figures

    data = _tracker(tmp_path / "client.csv", n, seed=n)
    with shared_results(), figure_style(style), fixed_layout():
        drawn = draw_figures(data, style=style,
                             registry={k: FIGURES[k] for k in CLIENT_FIGURES})
    figs = [d.figure for d in drawn if d.figure is not None]
    assert figs
    for fig in figs:
        png = cropped_png(fig, CLIENT_DPI, PAD)
        assert png is not None
        height, width = _image(png).shape[:2]
        # about the style's figure size, as with constrained layout and a tight box
        fig_w, fig_h = (13.34, 7.5) if style == "workshop" else (9.6, 5.4)
        assert 0.85 * fig_w * CLIENT_DPI < width < 1.15 * fig_w * CLIENT_DPI
        assert 0.8 * fig_h * CLIENT_DPI < height < 1.5 * fig_h * CLIENT_DPI


def _main_page_chart(title: str) -> Figure:
    """A main-page chart (constrained layout, saved with savefig's tight box)."""
    with figure_style("default"):
        fig = new_figure()
        ax = fig.axes[0]
        ax.plot([0, 10], [0, 0.4])
        ax.set_title(title, loc="left")
        ax.set_xlabel("days since applying")
        ax.set_ylabel("replied by then")
    return fig


def test_main_page_png_is_the_plain_savefig_png_byte_for_byte() -> None:
    """The report's canvas remembers text sizes across renderers and charts; the PNG is
    still exactly what a plain Agg canvas writes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    _render(_main_page_chart("An earlier chart"), "png")  # sizes remembered from it
    ours = _render(_main_page_chart("A title"), "png")
    plain = _main_page_chart("A title")
    FigureCanvasAgg(plain)
    buf = io.BytesIO()
    plain.axes[0]._autotitlepos = True  # matplotlib's automatic title placement
    plain.savefig(buf, format="png", dpi=150, bbox_inches="tight", pad_inches=0.15)
    assert ours == buf.getvalue()


def test_remembered_text_sizes_follow_the_font_settings() -> None:
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    from jobstats.report.png import png_canvas

    canvas = png_canvas(Figure(figsize=(4, 3), dpi=100))
    prop = FontProperties(family="sans-serif", size=12)
    text = "Reply within 30 days"
    sizes = {}
    for fonts in (["DejaVu Sans"], ["DejaVu Sans Mono"], ["DejaVu Sans"]):
        with mpl.rc_context({"font.sans-serif": fonts}):
            got = canvas.get_renderer().get_text_width_height_descent(text, prop, False)
            fresh = RendererAgg(400, 300, 100).get_text_width_height_descent(text, prop, False)
            assert got == fresh, fonts
            sizes[fonts[0]] = got
    assert sizes["DejaVu Sans"] != sizes["DejaVu Sans Mono"]  # the check can fail
