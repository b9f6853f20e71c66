"""The search funnel: how far applications got, and where they left.

Counts use the furthest stage reached (``stage``), not the current status: an
application interviewed and then rejected counts as replied AND interviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from jobstats.results import (
    NOT_IN_DATA,
    as_list,
    finish,
    group_codes,
    group_frame,
    require_rows,
    resolve_data,
    stage_rank,
    value_typed,
    wilson,
)
from jobstats.schema import NO_REPLY_INFO, STAGE_RANK, STAGES, AnalysisError, InputError, has_info

__all__ = ["funnel", "funnel_links", "EXITS"]

#: How an application that stopped at a stage left it (from ``status``).
EXITS: tuple[str, ...] = ("active", "no_response", "rejected", "withdrawn", "closed", "accepted")
_EXIT_OF_STATUS = {
    "applied": "active",
    "screen": "active",
    "interview": "active",
    "offer": "active",
    "no_response": "no_response",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "closed": "closed",
    "accepted": "accepted",
}


def funnel(
    data: Any, *, by: str | Sequence[str] | None = None, as_of: Any = None
) -> pd.DataFrame:
    """Applications reaching each stage, conversions, and exits per stage.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` returned, or a canonical applications table.
    by : str or list of str, optional
        Breakdown columns; missing values form the group ``"(missing)"``.
    as_of : date-like, optional
        Only recorded in ``.attrs`` (the stages are as the file says them).

    Returns
    -------
    ResultTable
        One row per group and stage of :data:`~jobstats.schema.STAGES`:
        ``[*by, stage, n, events, estimate, ci_low, ci_high, from_applied,
        stopped_here, active, no_response, rejected, withdrawn, closed,
        accepted, method, note]``. ``events`` = applications whose furthest
        stage is at least this one; ``n`` = those that reached the previous
        stage; ``estimate`` = ``events / n``, the conversion from the
        previous stage, with a Wilson 95% interval (NaN when ``n`` is 0; 0
        conversions give an upper bound, never a 0-0 interval);
        ``from_applied`` = events / applications; ``stopped_here`` = furthest
        stage is this one, split by current status into the exit columns
        (``active`` = still in process, e.g. waiting for a reply). The exit
        columns of a group sum to its applications.

        Applications from files with no reply information (a LinkedIn
        export) cannot show any stage past "applied": they are left out
        (counted in ``.attrs["warnings"]``); if no file has it, the stages past
        "applied" are NaN, "not in the data". The same for the stages from
        interview on and files without interview information.

    Examples
    --------
    >>> apps = pd.DataFrame({"stage": ["applied", "replied", "interview"],
    ...                      "status": ["applied", "rejected", "offer"],
    ...                      "applied_on": pd.to_datetime(["2025-01-01"] * 3)})
    >>> funnel(apps, as_of="2025-02-01")[["stage", "events"]].head(4).to_dict("list")
    {'stage': ['applied', 'replied', 'screen', 'interview'], 'events': [3, 2, 1, 1]}
    """
    everything, _, as_of_ts = resolve_data(data, None, as_of)
    require_rows(everything, "a funnel")
    reply_info = has_info(everything, "reply").to_numpy()
    warnings = []
    no_reply_info = not reply_info.any()
    if reply_info.any() and not reply_info.all():
        warnings.append(
            f"{int((~reply_info).sum())} application(s) from files with no reply information "
            "left out of the funnel: their stages past 'applied' are not recorded."
        )
    applications = everything if no_reply_info else everything[reply_info]
    no_interview_info = not has_info(applications, "interview").any()
    cols = as_list(by)
    g = group_frame(applications, cols)
    rank = stage_rank(applications["stage"])
    if rank.isna().any():
        bad = applications.loc[rank.isna(), "stage"].astype(object).unique()[:5]
        raise InputError(
            f"Unknown stage value(s) {list(bad)} in the applications table; stages must be one of "
            f"{', '.join(STAGES)}."
        )
    # Counts per (group, stage, exit) from one bincount of combined codes, then
    # arrays per group and stage: on the few dozen rows of one search, pandas'
    # crosstab / reindex / grouped cumsum cost tens of milliseconds of overhead
    keys, code = group_codes(g, cols)
    n_groups, n_stages, n_exits = len(keys), len(STAGES), len(EXITS)
    exit_ = applications["status"].astype(object).map(_EXIT_OF_STATUS).fillna("active")
    exit_code = pd.Index(EXITS).get_indexer(exit_.to_numpy())
    cell = (code * n_stages + rank.to_numpy().astype(np.int64)) * n_exits + exit_code
    stopped = np.bincount(cell, minlength=n_groups * n_stages * n_exits
                          ).astype(np.int64).reshape(n_groups, n_stages, n_exits)
    at_stage = stopped.sum(axis=2)
    # reached = stopped at this stage or later: reverse cumulative sum per group
    reached = np.cumsum(at_stage[:, ::-1], axis=1)[:, ::-1]
    events = reached.reshape(-1)
    prev = np.concatenate([reached[:, :1], reached[:, :-1]], axis=1).reshape(-1)
    first = np.repeat(reached[:, 0], n_stages)
    f: dict[str, Any] = {}
    if cols:
        key_cols = _as_reindexed(keys, cols)
        rows = np.repeat(np.arange(n_groups), n_stages)
        for c in cols:
            f[c] = key_cols[c].take(rows).reset_index(drop=True)
    stage_pos = np.tile(np.arange(n_stages), n_groups)
    f["stage"] = np.asarray(STAGES, dtype=object)[stage_pos]
    f["n"] = prev
    f["events"] = events
    with np.errstate(invalid="ignore", divide="ignore"):
        f["estimate"] = np.where(prev > 0, events / np.where(prev > 0, prev, 1), np.nan)
        f["from_applied"] = np.where(first > 0, events / np.where(first > 0, first, 1), np.nan)
    ci_low, ci_high = wilson(events, prev)
    is_applied = stage_pos == 0
    ci_low[is_applied] = np.nan
    ci_high[is_applied] = np.nan
    f["ci_low"], f["ci_high"] = ci_low, ci_high
    f["stopped_here"] = at_stage.reshape(-1)
    by_exit = stopped.reshape(-1, n_exits)
    for i, e in enumerate(EXITS):
        f[e] = by_exit[:, i]
    f["method"] = np.where(is_applied, "count", "conversion from the previous stage, Wilson 95% CI")
    note = np.select(
        [is_applied, prev == 0, events == 0],
        ["every application starts here", "nobody reached the previous stage",
         "none so far: the interval gives an upper bound"], "").astype(object)
    rank_of = stage_pos
    absent = np.zeros(len(events), bool)
    if no_reply_info:
        absent = rank_of >= STAGE_RANK["replied"]
        why = "the file has no reply information"
    elif no_interview_info:
        absent = rank_of >= STAGE_RANK["screen"]
        why = "the file has no interview information"
    if absent.any():
        for c in ("estimate", "ci_low", "ci_high", "from_applied"):
            f[c] = np.where(absent, np.nan, f[c])
        note[absent] = f"{NOT_IN_DATA}: {why}"
    f["note"] = note
    order = [*cols, "stage", "n", "events", "estimate", "ci_low", "ci_high", "from_applied",
             "stopped_here", *EXITS, "method", "note"]
    out = pd.DataFrame({c: f[c] for c in order})
    return finish(out, title="Funnel: how far applications got", as_of=as_of_ts,
                  n_applications=len(applications), warnings=warnings)


def _as_reindexed(keys: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """The group keys with the dtypes the funnel's key columns have always had.

    The funnel's rows came from a MultiIndex built from Python tuples, which
    infers each column's dtype from its values: text stays text, dates and
    64-bit numbers keep theirs, other dtypes (categories, 32-bit integers,
    mixed values) are inferred afresh; kept so the tables do not change.
    """
    if all(value_typed(keys[c]) for c in cols):
        return keys
    index = pd.MultiIndex.from_tuples(list(keys.itertuples(index=False, name=None)),
                                      names=cols)
    return pd.DataFrame({c: index.get_level_values(c) for c in cols})


def funnel_links(data: Any) -> pd.DataFrame:
    """Flows between stages for a Sankey diagram.

    Returns
    -------
    pandas.DataFrame
        ``[source, target, count]``: applied -> replied / no reply (yet);
        replied -> interview / rejected after reply / no interview (yet);
        interview -> offer / rejected after interview / no offer (yet);
        offer -> accepted / declined / offer pending. Outflows of each node sum
        to its inflow. Links with count 0 are kept, so the shape is stable.
        Applications from files with no reply information are left out
        (counted in ``.attrs["warnings"]``).

    Raises
    ------
    AnalysisError
        When no file records replies: where applications went is unknown,
        not "no reply".
    """
    applications, _, as_of = resolve_data(data)
    require_rows(applications, "a funnel")
    info = has_info(applications, "reply").to_numpy()
    if not info.any():
        raise AnalysisError(
            f"No flow of applications to draw: {NO_REPLY_INFO}, so where they went after "
            "applying is unknown (not 'no reply'). Load a tracker that records replies."
        )
    warnings = []
    if info.any() and not info.all():
        warnings.append(f"{int((~info).sum())} application(s) from files with no reply "
                        "information left out.")
        applications = applications[info]
    rank = stage_rank(applications["stage"]).fillna(0).to_numpy()
    status = applications["status"].astype(object).to_numpy()
    rej = status == "rejected"
    replied = rank >= STAGE_RANK["replied"]
    interview = rank >= STAGE_RANK["interview"]
    offer = rank >= STAGE_RANK["offer"]
    accepted = rank >= STAGE_RANK["accepted"]
    gone = np.isin(status, ["withdrawn", "rejected", "closed", "no_response"])
    declined = offer & ~accepted & gone
    links = [
        ("applied", "replied", replied),
        ("applied", "no reply (yet)", ~replied),
        ("replied", "interview", interview),
        ("replied", "rejected after reply", replied & ~interview & rej),
        ("replied", "no interview (yet)", replied & ~interview & ~rej),
        ("interview", "offer", offer),
        ("interview", "rejected after interview", interview & ~offer & rej),
        ("interview", "no offer (yet)", interview & ~offer & ~rej),
        ("offer", "accepted", accepted),
        ("offer", "declined", declined),
        ("offer", "offer pending", offer & ~accepted & ~declined),
    ]
    out = pd.DataFrame(
        {
            "source": [s for s, _, _ in links],
            "target": [t for _, t, _ in links],
            "count": [int(m.sum()) for _, _, m in links],
        }
    )
    # the chart states n and the as-of date (result contract attrs)
    out.attrs.update(as_of=as_of, n_applications=int(len(applications)), warnings=warnings)
    return out
