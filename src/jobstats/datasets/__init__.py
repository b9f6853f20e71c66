"""Bundled SYNTHETIC sample data, available offline.

The files here are copies of ``data/sample/`` written by
``scripts/make_sample_data.py`` from :func:`jobstats.simulate.simulate_search`
with fixed seeds. They are not anyone's real job search. Nothing is downloaded.

One file is not synthetic: ``reference_rates.csv``, the cited reference numbers
of :func:`jobstats.reference_table` (aggregates of a public MIT-licensed
tracker and published figures; no row of anyone's tracker), written by
``scripts/make_reference_data.py``.
"""

from __future__ import annotations

import contextlib
import importlib.resources
from pathlib import Path
from typing import Any

__all__ = ["SAMPLE_AS_OF", "load_sample", "sample_tracker_path"]

#: Date the sample tracker is observed at: later events are not on record.
SAMPLE_AS_OF = "2025-06-30"
_TRACKER = "my_tracker.xlsx"

# Keeps a temporary extraction alive for the whole session when the package is
# imported from a zip (a no-op for a normal install, where files are on disk).
_files = contextlib.ExitStack()


def sample_tracker_path() -> Path:
    """Path of the bundled sample tracker workbook ``my_tracker.xlsx``.

    One person's synthetic search, January–June 2025, 250 applications, as it
    would look in a home-made Excel tracker: a title row and an empty row above
    the header (row 3), two blank rows inside the data, real Excel dates.

    Sheet "Applications", columns:

    - ``Company``, ``Role``: invented employer names and data-job titles.
    - ``Source``: Referral, Company site, LinkedIn Easy Apply, Job board, Recruiter.
    - ``Date Applied``: date of the application (2025-01-06 .. 2025-06-23).
    - ``Status``: Applied, Ghosted, Rejected, Phone screen, Interviewing, Offer,
      Accepted, Declined offer.
    - ``Response date``: first employer reply of any kind, empty when none.
    - ``Follow-up 1``, ``Follow-up 1 via`` (Email, Phone, LinkedIn),
      ``Follow-up 2``: dates follow-ups were sent; 5 rows hold a *planned*
      follow-up dated after 2025-06-30 (note "follow up next week").
    - ``Interview date``, ``Thank-you sent``: first interview, first thank-you note.
    - ``Notes``, ``Referral?`` (Yes or empty).

    Sheet "Contacts" (8 rows) lists people, not applications.

    Built-in truth (see ``data/sample/README.md``): about 27% of applications
    have a reply by 2025-06-30; referrals reply far more than Easy Apply; a
    follow-up multiplies the daily reply hazard by 1.6 from the next day on.

    Returns
    -------
    pathlib.Path
        A path to the workbook on disk. Open it read-only; do not modify it.

    Examples
    --------
    >>> from jobstats.datasets import sample_tracker_path
    >>> sample_tracker_path().name
    'my_tracker.xlsx'
    """
    resource = importlib.resources.files(__name__).joinpath(_TRACKER)
    return Path(_files.enter_context(importlib.resources.as_file(resource)))


def load_sample(as_of: str | None = SAMPLE_AS_OF, **kwargs: Any) -> Any:
    """Load the bundled sample tracker with :func:`jobstats.io.load`.

    Parameters
    ----------
    as_of : str or None, default "2025-06-30"
        Snapshot date of the sample; keep the default for reproducible numbers.
    **kwargs
        Passed on to :func:`jobstats.io.load`.

    Returns
    -------
    object
        What :func:`jobstats.io.load` returns for
        :func:`sample_tracker_path` (the canonical applications and events
        tables, see :mod:`jobstats.schema`, with the load report): 250
        applications; the two blank rows, the title row and the "Contacts"
        sheet are not applications.

    Examples
    --------
    >>> from jobstats.datasets import load_sample
    >>> result = load_sample()  # doctest: +SKIP
    """
    from jobstats.io import load  # the loader imports pandas & co: only on use

    if as_of is not None:
        kwargs["as_of"] = as_of
    return load(sample_tracker_path(), **kwargs)
