"""Charts of jobstats results: each takes a result, draws it on an Axes, returns the Axes.

Plot functions compute no statistics, never call ``plt.show()`` and change no
lasting matplotlib setting. Each is named after the analysis whose result it
draws (``jobstats.plotting.compare(jobstats.compare(...))``).
"""

from __future__ import annotations

from jobstats.plotting.comparisons import compare, compare_to_reference, stage_conversion

__all__ = ["compare", "compare_to_reference", "stage_conversion"]
