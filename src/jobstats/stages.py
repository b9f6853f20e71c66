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
    group_frame,
    group_keys,
    require_rows,
    resolve_data,
    stage_rank,
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
    g["_rank"] = rank.astype(np.int64)
    exit_ = applications["status"].astype(object).map(_EXIT_OF_STATUS).fillna("active")
    g["_exit"] = exit_.to_numpy()
    gcols = cols or ["_all"]
    if not cols:
        g["_all"] = 0
    stopped = pd.crosstab([g[c] for c in gcols] + [g["_rank"]], g["_exit"])
    stopped = stopped.reindex(columns=list(EXITS), fill_value=0)
    full = pd.MultiIndex.from_tuples(
        [(*row, r) for row in group_keys(g, gcols).itertuples(index=False)
         for r in range(len(STAGES))],
        names=[*gcols, "_rank"],
    )
    stopped = stopped.reindex(full, fill_value=0).reset_index()
    f = stopped[gcols].copy()
    f["stage"] = np.asarray(STAGES, dtype=object)[stopped["_rank"].to_numpy()]
    at_stage = stopped[list(EXITS)].sum(axis=1)
    # reached = stopped at this stage or later: reverse cumulative sum per group
    rev = at_stage[::-1].groupby([stopped[c][::-1] for c in gcols], sort=False).cumsum()[::-1]
    events = rev.to_numpy()
    prev = pd.Series(events).groupby(f[gcols[0]].to_numpy() if len(gcols) == 1 else
                                     [f[c].to_numpy() for c in gcols], sort=False).shift(1)
    prev = prev.fillna(pd.Series(events)).astype(np.int64).to_numpy()
    first = pd.Series(events).groupby([f[c].to_numpy() for c in gcols], sort=False)
    first = first.transform("first").to_numpy()
    f["n"] = prev
    f["events"] = events
    with np.errstate(invalid="ignore", divide="ignore"):
        f["estimate"] = np.where(prev > 0, events / np.where(prev > 0, prev, 1), np.nan)
        f["from_applied"] = np.where(first > 0, events / np.where(first > 0, first, 1), np.nan)
    f["ci_low"], f["ci_high"] = wilson(events, prev)
    is_applied = (f["stage"] == STAGES[0]).to_numpy()
    f.loc[is_applied, ["ci_low", "ci_high"]] = np.nan
    f["stopped_here"] = at_stage.to_numpy()
    for e in EXITS:
        f[e] = stopped[e].to_numpy()
    f["method"] = np.where(is_applied, "count", "conversion from the previous stage, Wilson 95% CI")
    f["note"] = np.select(
        [is_applied, prev == 0, events == 0],
        ["every application starts here", "nobody reached the previous stage",
         "none so far: the interval gives an upper bound"], "")
    rank_of = f["stage"].map(STAGE_RANK).to_numpy()
    absent = np.zeros(len(f), bool)
    if no_reply_info:
        absent = rank_of >= STAGE_RANK["replied"]
        why = "the file has no reply information"
    elif no_interview_info:
        absent = rank_of >= STAGE_RANK["screen"]
        why = "the file has no interview information"
    if absent.any():
        cols_nan = ["estimate", "ci_low", "ci_high", "from_applied"]
        f.loc[absent, cols_nan] = np.nan
        f.loc[absent, "note"] = f"{NOT_IN_DATA}: {why}"
    if not cols:
        f = f.drop(columns="_all")
    f.columns.name = None
    order = [*cols, "stage", "n", "events", "estimate", "ci_low", "ci_high", "from_applied",
             "stopped_here", *EXITS, "method", "note"]
    return finish(f[order], title="Funnel: how far applications got", as_of=as_of_ts,
                  n_applications=len(applications), warnings=warnings)


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
