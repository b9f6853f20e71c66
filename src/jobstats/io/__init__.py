"""Reading trackers: the only part of jobstats that knows about file formats.

``load(path)`` returns the canonical applications and events tables
(:mod:`jobstats.schema`) with a :class:`LoadReport` of every decision and every
row dropped or doubted.

Names are imported lazily so that :mod:`jobstats.schema` can read the field
table (:mod:`jobstats.io.fields`) without importing the whole loader.
"""

from __future__ import annotations

import importlib

_API = {"load": "jobstats.io.api", "load_many": "jobstats.io.api",
        "LoadReport": "jobstats.io.report", "LoadResult": "jobstats.io.report",
        "write_template": "jobstats.io.template"}

__all__ = sorted(_API)


def __getattr__(name: str) -> object:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'jobstats.io' has no attribute {name!r}")
