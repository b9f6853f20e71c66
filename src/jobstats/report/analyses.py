"""The analyses the report draws and tabulates, each computed once per report.

Figures, tables and the follow-up findings use the same results (the policy
table alone bootstraps 200 model fits). Inside :func:`shared_results` each
analysis runs once for a given ``LoadResult`` and is reused, failure included;
outside it every call computes afresh, so nothing stale survives a report.

Every analysis gets the ``LoadResult`` itself where the function accepts it,
so files without reply information (no reply column) are handled by the
analysis rather than read as "no reply".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from jobstats.schema import JobstatsError

# (data, {name: result or JobstatsError}) while a report is being written, else None.
# The strong reference to ``data`` keeps its id from being reused during the report.
_SHARED: list[tuple[Any, dict[str, Any]]] = []


@contextmanager
def shared_results() -> Iterator[None]:
    """Compute each analysis once per data inside the block (used by ``write_report``)."""
    _SHARED.append((None, {}))
    try:
        yield
    finally:
        _SHARED.pop()


def _once(data: Any, name: str, compute: Callable[[], Any]) -> Any:
    if not _SHARED:
        return compute()
    owner, store = _SHARED[-1]
    if owner is not data:
        store = {}
        _SHARED[-1] = (data, store)
    if name not in store:
        try:
            store[name] = compute()
        except JobstatsError as exc:  # "the data cannot tell" is a result too
            store[name] = exc
    result = store[name]
    if isinstance(result, JobstatsError):
        raise result
    return result


def remember(data: Any, name: str, result: Any, **kwargs: Any) -> None:
    """Keep ``result`` as :func:`analysis` ``(data, name, **kwargs)`` inside the block.

    For a result computed elsewhere with the same call (the summary's rate table).
    """
    if result is None or not _SHARED:
        return
    _once(data, _key(name, kwargs), lambda: result)


def _key(name: str, kwargs: dict[str, Any]) -> str:
    return name + repr(sorted(kwargs.items()))


def has_dated_followups(data: Any) -> bool:
    """True when at least one follow-up on or before the as-of date has a date."""
    ev = data.events
    dated = (ev["kind"] == "follow_up") & ev["date"].notna()
    return bool((pd.to_datetime(ev.loc[dated, "date"]) <= data.as_of).any())


def followup_effect(data: Any) -> Any:
    """:func:`jobstats.followup_effect` of ``data`` (its ``.policy`` is the policy table)."""
    import jobstats

    return _once(data, "followup_effect", lambda: jobstats.followup_effect(
        data.applications, data.events, as_of=data.as_of))


def followup_policy(data: Any) -> pd.DataFrame:
    """The follow-up policy table, :func:`jobstats.followup_policy` ``(data)``.

    Taken from :func:`followup_effect`, which computes exactly
    ``jobstats.followup_policy(data)`` (same defaults) on the way: one
    bootstrap instead of two.
    """
    return followup_effect(data).policy


def naive_followup_rates(data: Any) -> pd.DataFrame:
    """:func:`jobstats.naive_followup_rates` of ``data``."""
    import jobstats

    return _once(data, "naive", lambda: jobstats.naive_followup_rates(
        data.applications, data.events, as_of=data.as_of))


def analysis(data: Any, name: str, **kwargs: Any) -> Any:
    """``jobstats.<name>(data, **kwargs)``, once per report."""
    import jobstats

    return _once(data, _key(name, kwargs), lambda: getattr(jobstats, name)(data, **kwargs))
