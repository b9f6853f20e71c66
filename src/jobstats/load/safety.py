"""Checks run on a file before any parser touches it (owned by the hostile-input work).

``check_file(path)`` raises :class:`jobstats.schema.UnreadableFileError` or
:class:`jobstats.schema.UnsupportedFormatError` for files that must be refused
early, and returns the detected container kind otherwise.
"""
