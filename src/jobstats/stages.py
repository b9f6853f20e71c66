"""The search funnel: how far applications got, and where they left.

Counts use the furthest stage reached (``stage``), not the current status: an
application interviewed and then rejected counts as replied AND interviewed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jobstats.results import as_list, group_frame, group_keys, require_rows, stage_rank
from jobstats.schema import STAGE_RANK, STAGES, InputError

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


def funnel(applications: pd.DataFrame, *, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Applications reaching each stage, conversions, and exits per stage.

    Parameters
    ----------
    applications : pandas.DataFrame
        Canonical applications table.
    by : str or list of str, optional
        Breakdown columns; missing values form the group ``"(missing)"``.

    Returns
    -------
    pandas.DataFrame
        One row per group and stage of :data:`~jobstats.schema.STAGES`:
        ``[*by, stage, reached, from_previous, from_applied, stopped_here,
        active, no_response, rejected, withdrawn, closed, accepted]``.
        ``reached`` = furthest stage at least this one; ``from_previous`` =
        reached / reached at the previous stage (NaN when that is 0);
        ``stopped_here`` = furthest stage is this one, split by current status
        into the exit columns (``active`` = still in process, e.g. waiting for
        a reply). The exit columns of a group sum to its applications.

    Examples
    --------
    >>> apps = pd.DataFrame({"stage": ["applied", "replied", "interview"],
    ...                      "status": ["applied", "rejected", "offer"],
    ...                      "applied_on": pd.to_datetime(["2025-01-01"] * 3)})
    >>> funnel(apps)[["stage", "reached"]].head(4).to_dict("list")
    {'stage': ['applied', 'replied', 'screen', 'interview'], 'reached': [3, 2, 1, 1]}
    """
    require_rows(applications, "a funnel")
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
    f["reached"] = rev.to_numpy()
    prev = f.groupby(gcols, sort=False)["reached"].shift(1).fillna(f["reached"])
    first = f.groupby(gcols, sort=False)["reached"].transform("first")
    f["from_previous"] = (f["reached"] / prev.where(prev > 0)).astype(float)
    f["from_applied"] = (f["reached"] / first.where(first > 0)).astype(float)
    f["stopped_here"] = at_stage.to_numpy()
    for e in EXITS:
        f[e] = stopped[e].to_numpy()
    if not cols:
        f = f.drop(columns="_all")
    f.columns.name = None
    return f.reset_index(drop=True)


def funnel_links(applications: pd.DataFrame) -> pd.DataFrame:
    """Flows between stages for a Sankey diagram.

    Returns
    -------
    pandas.DataFrame
        ``[source, target, count]``: applied -> replied / no reply (yet);
        replied -> interview / rejected after reply / no interview (yet);
        interview -> offer / rejected after interview / no offer (yet);
        offer -> accepted / declined / offer pending. Outflows of each node sum
        to its inflow. Links with count 0 are kept, so the shape is stable.
    """
    require_rows(applications, "a funnel")
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
    return pd.DataFrame(
        {
            "source": [s for s, _, _ in links],
            "target": [t for _, t, _ in links],
            "count": [int(m.sum()) for _, _, m in links],
        }
    )
