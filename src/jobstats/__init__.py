"""jobstats: honest statistics for job searches."""

__version__ = "0.1.0"
