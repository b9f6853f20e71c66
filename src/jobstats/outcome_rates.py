"""Response, interview, offer and ghosting rates with honest intervals.

Proportions get Wilson 95% intervals (written out in
:func:`jobstats.results.wilson` so counting never imports statsmodels; the Wald
interval is wrong for small counts). Ghosting is censoring-aware: the Kaplan–Meier probability of
no reply within ``ghost_days`` days, so recent applications are not counted as
ghosted before their time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from jobstats.results import (
    NOT_IN_DATA,
    as_list,
    finish,
    group_codes,
    replied_by,
    require_rows,
    resolve_data,
    sent_by,
    stage_rank,
    wilson,
)
from jobstats.risksets import reply_durations, shared_groups, shared_steps
from jobstats.schema import STAGE_RANK, has_info
from jobstats.timing import MIN_N as _TIMING_MIN_N
from jobstats.timing import _curve_table, _within_rows

__all__ = ["rates", "proportion_rows", "MIN_N", "MEASURES"]

#: Fewer applications than this in a group: no estimate (NaN and a note).
MIN_N: int = _TIMING_MIN_N
#: Measures of :func:`rates`, in output order.
MEASURES: tuple[str, ...] = ("response", "interview", "offer", "ghosting")

_COLUMNS = ["measure", "n", "events", "estimate", "ci_low", "ci_high", "method", "note"]


def rates(
    data: Any,
    *,
    by: str | Sequence[str] | None = None,
    as_of: Any = None,
    ghost_days: int = 30,
) -> pd.DataFrame:
    """Response, interview, offer and ghosting rates, overall or by group.

    Parameters
    ----------
    data : LoadResult or pandas.DataFrame
        What :func:`jobstats.load` returned (its as-of date is used), or a
        canonical applications table.
    by : str or list of str, optional
        Columns to break down by (``source``, ``title``, ``company``,
        ``client``, any extra column, or the derived ``"applied_week"``).
        Missing values form the group ``"(missing)"``, so counts add up.
    as_of : date-like, optional
        Snapshot date (default: the loaded data's, else today, resolved at
        call time). Applications sent after it are left out (see
        ``.attrs["warnings"]``); a reply dated after it is not counted.
    ghost_days : int
        Ghosting = no reply within this many days of applying.

    Returns
    -------
    ResultTable
        One row per group and measure: ``[*by, measure, n, events, estimate,
        ci_low, ci_high, method, note]``.

        * ``response``: reply on record by ``as_of`` (any reply, rejection
          included), Wilson interval. Not censoring-aware: recent
          applications lower it; see ``ghosting`` and :mod:`jobstats.timing`.
        * ``interview`` / ``offer``: furthest stage at least interview / offer.
        * ``ghosting``: 1 - P(reply within ``ghost_days``) from
          :func:`~jobstats.timing.reply_within` (censoring-aware, undated
          replies imputed); ``events`` = applications followed for
          ``ghost_days`` days without a reply (known ghosted).

        With no event the estimate is 0 and the interval runs from 0 to the
        Wilson upper bound (never 0-0). A measure the file cannot record (no
        reply information at all, as in a LinkedIn export; no interview
        information) is NaN with the note "not in the data", never 0; when
        files are pooled, the applications from files without the
        information are left out of that measure and counted in its note.
        Groups with fewer than :data:`MIN_N` applications get NaN estimates
        and a note.

    Examples
    --------
    >>> from jobstats.simulate import simulate_search
    >>> apps, _ = simulate_search(120, seed=4)
    >>> table = rates(apps, by="source", as_of="2025-07-01")
    >>> sorted(table["measure"].unique())
    ['ghosting', 'interview', 'offer', 'response']
    """
    # one shared_steps block: the ghosting rate's reply curves group the table and
    # take its durations as the counts here do, once
    with shared_steps():
        return _rates(data, by, as_of, ghost_days)


def _rates(data: Any, by: str | Sequence[str] | None, as_of: Any, ghost_days: int
           ) -> pd.DataFrame:
    """:func:`rates` (inside a shared_steps block)."""
    applications, _, as_of_ts = resolve_data(data, None, as_of)
    require_rows(applications, "rates")
    cols = as_list(by)
    groups, all_keys, all_code = shared_groups(applications, cols)
    sent = sent_by(applications, as_of_ts)
    warnings: list[str] = []
    if (~sent).any():
        rows = applications.loc[~sent, "row"].tolist() if "row" in applications.columns else []
        warnings.append(
            f"{int((~sent).sum())} application(s) dated after the as-of date {as_of_ts.date()} are "
            f"left out of the rates (rows {', '.join(map(str, rows[:10]))}); pass a later as_of."
        )
    rank = stage_rank(applications["stage"]).fillna(0).to_numpy()[sent]
    info = {"reply": has_info(applications, "reply").to_numpy()[sent],
            "interview": has_info(applications, "interview").to_numpy()[sent]}
    flags = {"response": np.asarray(replied_by(applications, as_of_ts))[sent],
             "interview": rank >= STAGE_RANK["interview"],
             "offer": rank >= STAGE_RANK["offer"]}
    # one code per application for its group (keys in groupby's order); the counts
    # are then sums of integers per code, and the table is built once from numpy
    # columns, group after group and measure after measure: pandas' cost here was
    # per operation, and a coach runs this per client
    keys, code = (all_keys, all_code) if sent.all() else group_codes(groups[sent], cols)
    n_groups = len(keys)
    parts: dict[str, list[Any]] = {c: [] for c in ("n", "events", "estimate", "ci_low",
                                                    "ci_high", "method", "note")}
    for measure, kind in (("response", "reply"), ("interview", "interview"),
                          ("offer", "interview")):
        known = info[kind]
        # (counts of the selected codes: integers, no float weight per application)
        n, k, out_ = (np.bincount(code[w], minlength=n_groups).astype(np.int64)
                      for w in (known, flags[measure] & known, ~known))
        est, lo, hi, notes = _proportion(n, k, out_, kind)
        for col, values in (("n", n), ("events", k), ("estimate", est), ("ci_low", lo),
                            ("ci_high", hi), ("method", ["proportion, Wilson 95% CI"] * n_groups),
                            ("note", notes)):
            parts[col].append(values)
    # (the table itself when all were sent: shared_steps then reuses its grouping and
    # durations)
    ghost, ghost_warnings = _ghosting(applications if sent.all() else applications[sent],
                                      cols, keys, code, as_of_ts, ghost_days)
    for col in parts:
        parts[col].append(ghost[col])
    # rows: group after group, the measures in the order of MEASURES
    n_all = np.stack(parts["n"], axis=1).reshape(-1)
    columns: dict[str, Any] = {}
    if cols:
        rows = np.repeat(np.arange(n_groups), len(MEASURES))
        for c in cols:
            columns[c] = keys[c].take(rows).reset_index(drop=True)
    columns["measure"] = np.array(list(MEASURES) * n_groups, dtype=object)
    columns["n"] = n_all
    columns["events"] = np.stack(parts["events"], axis=1).reshape(-1).astype(np.int64)
    small = (n_all < MIN_N) & (n_all > 0)
    for c in ("estimate", "ci_low", "ci_high"):
        columns[c] = np.where(small, np.nan, np.stack(parts[c], axis=1).reshape(-1))
    columns["method"] = [v for group in zip(*parts["method"]) for v in group]
    notes = [v for group in zip(*parts["note"]) for v in group]
    columns["note"] = [f"too few applications (n={k})" if s_ else note
                       for k, s_, note in zip(n_all.tolist(), small.tolist(), notes)]
    out = pd.DataFrame(columns)
    if cols:  # (the labels' dtype the table has always had)
        out.columns = pd.Index(list(columns), dtype=object)
    return finish(out, title="Response, interview, offer and ghosting rates", as_of=as_of_ts,
                  n_applications=int(sent.sum()), warnings=warnings + ghost_warnings)


_NONE = "none so far: the interval gives an upper bound"


def proportion_rows(sub: pd.DataFrame, measure: str, kind: str) -> pd.DataFrame:
    """Estimate, Wilson interval and note of a rate from its counts.

    ``sub`` has ``n`` (applications whose file records ``kind``), ``events``
    and ``_out`` (applications from files that do not record ``kind``), one
    row per group; the seam that lets counts from :mod:`jobstats.engine` give
    the same rows as :func:`rates`.
    """
    est, lo, hi, notes = _proportion(sub["n"].to_numpy(), sub["events"].to_numpy(),
                                     sub["_out"].to_numpy(), kind)
    return sub.assign(measure=measure, estimate=est, ci_low=lo, ci_high=hi,
                      method="proportion, Wilson 95% CI", note=notes)


def _proportion(n: np.ndarray, k: np.ndarray, out_: np.ndarray, kind: str
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Estimate, Wilson interval and note of each group (numpy in, numpy out)."""
    lo, hi = wilson(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = k / np.where(n > 0, n, np.nan)
    what = "reply" if kind == "reply" else "interview"
    notes = []
    for n_, k_, o_ in zip(n.tolist(), k.tolist(), out_.tolist()):
        if n_ == 0 and o_ > 0:
            notes.append(f"{NOT_IN_DATA}: the file has no {what} information")
        elif o_ > 0:
            notes.append(f"{int(o_)} application(s) from files with no {what} information "
                         "left out")
        elif n_ > 0 and k_ == 0:
            notes.append(_NONE)
        else:
            notes.append("")
    small = (n < MIN_N) & (n > 0)
    if small.any():
        estimate, lo, hi = (np.where(small, np.nan, a) for a in (estimate, lo, hi))
        notes = [f"too few applications (n={n_})" if s_ else note
                 for n_, s_, note in zip(n.tolist(), small, notes)]
    return estimate, lo, hi, notes


def _ghosting(
    apps: pd.DataFrame, cols: list[str], keys: pd.DataFrame, code: np.ndarray,
    as_of: pd.Timestamp, ghost_days: int
) -> tuple[dict[str, Any], list[str]]:
    """Censoring-aware ghosting of each group of ``keys``: 1 - P(reply within ghost_days).

    ``code``: each application's group (its row in ``keys``). Columns ``n``,
    ``events``, ``estimate``, ``ci_low``, ``ci_high``, ``method``, ``note`` as
    arrays / lists in the order of ``keys``.
    """
    # the rows of reply_within(apps, (ghost_days,), by=cols) as dicts, from the same
    # (shared) curve table: a table and its result contract per call cost more than
    # the few numbers read from it on a search of a few dozen applications
    curve, _, _, curve_warnings, curve_groups = _curve_table(apps, cols or None, as_of)
    within = _within_rows(curve, (ghost_days,), cols, curve_groups)
    dur, _ = reply_durations(apps, as_of=as_of)
    # known ghosted: followed for ghost_days days with no reply
    time = dur["time"].to_numpy()
    replied_in_time = dur["event"].to_numpy() & (time <= ghost_days)
    ghosted = dur["use"].to_numpy() & (time >= ghost_days) & ~replied_in_time
    n_groups = len(keys)
    events = np.bincount(code[ghosted], minlength=n_groups).astype(np.int64)
    # reply_within's rows are the groups with reply information: their rows in keys
    if cols:
        where = {key: i for i, key in enumerate(keys.itertuples(index=False, name=None))}
        pos = [where[tuple(rec[c] for c in cols)] for rec in within]
    else:
        pos = [0] * len(within)
    n = np.zeros(n_groups, dtype=np.int64)
    got = {c: np.full(n_groups, np.nan)
           for c in ("estimate", "ci_low", "ci_high", "bounds_low", "bounds_high")}
    notes = [""] * n_groups
    for i, rec in zip(pos, within):
        n[i] = rec["n"]
        for c, values in got.items():
            values[i] = rec[c]
        notes[i] = rec["note"] if isinstance(rec["note"], str) else ""  # (finish's "")
    estimate = 1 - got["estimate"]
    # the notes, one group at a time (a few rows: a Python loop, not masked pandas writes)
    rows = zip(notes, got["bounds_low"].tolist(), got["bounds_high"].tolist(),
               np.isnan(estimate).tolist())
    for i, (note, lo, hi, no_estimate) in enumerate(rows):
        if not math.isnan(lo):
            note = (f"{note.split(';')[0]}; if they came as early / late as possible: "
                    f"{1 - hi:.3f} to {1 - lo:.3f}")
        if no_estimate and note == "":
            # a group whose applications all come from files without reply information
            # has no row in reply_within: say so instead of leaving a silent NaN
            note = f"{NOT_IN_DATA}: the file has no reply information"
        if "no reply yet by this day" in note:
            note = "no reply seen: the interval gives a lower bound"
        notes[i] = note
    method = f"1 - P(reply within {ghost_days} days) (Kaplan-Meier), 95% CI"
    return ({"n": n, "events": events, "estimate": estimate, "ci_low": 1 - got["ci_high"],
             "ci_high": 1 - got["ci_low"], "method": [method] * n_groups, "note": notes},
            list(dict.fromkeys(curve_warnings)))  # (as finish lists them)
