"""Reading trackers: the only part of jobstats that knows about file formats.

``load(path)`` returns the canonical applications and events tables
(:mod:`jobstats.schema`) with a :class:`LoadReport` of every decision and every
row dropped or doubted.
"""

from jobstats.io.api import load, load_many
from jobstats.io.report import LoadReport, LoadResult

__all__ = ["LoadReport", "LoadResult", "load", "load_many"]
