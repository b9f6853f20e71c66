"""Charts of jobstats results: each draws a result table and computes nothing.

Every function has the shape ``fn(result, *, ..., ax=None) -> Axes``: it draws
on ``ax`` (default: the current Axes), states n and the as-of date from
``result.attrs``, shows the uncertainty, names series on the chart (no legend
hunt), never calls ``plt.show()`` and never changes matplotlib settings.
Use :func:`style` for the notebook or workshop (slide) look and
:func:`save_figure` to write PNG, SVG and PDF.

>>> import jobstats.plotting as jp                       # doctest: +SKIP
>>> with jp.style("workshop"):                           # doctest: +SKIP
...     ax = jp.followup_policy_chart(jobstats.followup_policy(data))
...     jp.save_figure(ax.figure, "slides/policy")
"""

from __future__ import annotations

from jobstats.plotting.comparisons import compare_chart, reference_chart, stage_conversion_chart
from jobstats.plotting.curves import reply_curve_chart
from jobstats.plotting.effect import followup_effect_chart
from jobstats.plotting.flow import flow_chart
from jobstats.plotting.groups import rates_chart
from jobstats.plotting.policy import followup_policy_chart
from jobstats.plotting.styles import STYLES, save_figure, style
from jobstats.plotting.weekly import weekly_activity_chart

__all__ = [
    "followup_policy_chart",
    "followup_effect_chart",
    "reply_curve_chart",
    "rates_chart",
    "flow_chart",
    "weekly_activity_chart",
    "compare_chart",
    "stage_conversion_chart",
    "reference_chart",
    "style",
    "STYLES",
    "save_figure",
]
