"""Shared test settings: where the real public trackers are, a quiet matplotlib."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

_ROOT = Path(__file__).resolve().parents[1]


def _real_data_dir() -> Path:
    """The folder of real public trackers (``shared/data/real`` beside the repo).

    CI and developers' machines lay ``shared/`` beside the clone; set
    ``JOBSTATS_REAL_DATA`` to point elsewhere.
    """
    env = os.environ.get("JOBSTATS_REAL_DATA")
    candidates = [Path(env)] if env else []
    candidates += [_ROOT.parent / "shared" / "data" / "real", Path("/work/shared/data/real")]
    for folder in candidates:
        if (folder / "timhanneman_merged.csv").exists():
            return folder
    return candidates[0]


REAL_DATA = _real_data_dir()
#: Tim Hanneman's published tracker (MIT): 177 applications, 2021-2023.
REAL_TRACKER = REAL_DATA / "timhanneman_merged.csv"
