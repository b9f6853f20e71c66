"""Small shared pieces of the analysis modules: result objects, as-of, groups.

Kept here so every estimator resolves ``as_of``, names groups and renders
results the same way.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from jobstats.schema import STAGE_RANK, AnalysisError, InputError

__all__ = [
    "MISSING",
    "Result",
    "APPLIED_WEEK",
    "as_list",
    "group_frame",
    "group_keys",
    "replied_by",
    "require_rows",
    "resolve_as_of",
    "stage_rank",
    "to_jsonable",
    "wilson",
    "week_applied",
]

#: Label of the group of applications whose ``by`` value is missing.
MISSING = "(missing)"
#: Derived grouping column: Monday of the week the application was sent.
APPLIED_WEEK = "applied_week"


def resolve_as_of(as_of: Any = None) -> pd.Timestamp:
    """The snapshot date as a midnight Timestamp; ``None`` means today (now)."""
    if as_of is None:
        return pd.Timestamp.today().normalize()
    try:
        ts = pd.Timestamp(as_of)
    except (TypeError, ValueError) as exc:
        raise InputError(f"as_of={as_of!r} is not a date; pass e.g. '2025-06-30'.") from exc
    if ts is pd.NaT:
        raise InputError("as_of is missing (NaT); pass a date such as '2025-06-30'.")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """``by`` as a list of column names (empty for no breakdown)."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def week_applied(applied_on: pd.Series) -> pd.Series:
    """Monday of the week each application was sent (a date, for grouping)."""
    d = pd.to_datetime(applied_on).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def group_frame(applications: pd.DataFrame, by: str | Sequence[str] | None) -> pd.DataFrame:
    """The ``by`` columns of ``applications``, missing values labelled ``(missing)``.

    ``"applied_week"`` is derived from ``applied_on`` when not a column.
    Raises :class:`~jobstats.schema.InputError` naming an unknown column.
    """
    cols = as_list(by)
    out = pd.DataFrame(index=applications.index)
    for col in cols:
        if col == APPLIED_WEEK and col not in applications.columns:
            out[col] = week_applied(applications["applied_on"])
            continue
        if col not in applications.columns:
            known = ", ".join(map(str, applications.columns))
            raise InputError(
                f"Cannot break down by {col!r}: no such column in the applications table "
                f"(columns: {known}; or use 'applied_week')."
            )
        s = applications[col]
        if s.dtype.kind in "OSUTb" or isinstance(s.dtype, pd.StringDtype) or s.dtype == "str":
            s = s.astype("object").where(s.notna(), MISSING).astype("str")
        elif s.isna().any():
            s = s.astype("object").where(s.notna(), MISSING)
        out[col] = s
    return out


def group_keys(groups: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """The distinct combinations of ``cols`` in ``groups``, sorted as groupby sorts them.

    Through ``groupby`` because it sorts mixed keys (numbers and ``"(missing)"``),
    which ``sort_values`` cannot.
    """
    return groups.groupby(cols, sort=True, dropna=False, observed=True).size().reset_index()[cols]


def stage_rank(stage: pd.Series) -> pd.Series:
    """Rank of each ``stage`` in :data:`~jobstats.schema.STAGES` (float, NaN if unknown).

    Through ``object`` so a categorical ``stage`` column (ordered or not) maps
    to plain numbers rather than to a categorical that cannot be compared.
    """
    return stage.astype(object).map(STAGE_RANK).astype(float)


def replied_by(applications: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    """Whether a reply is on record by ``as_of`` (bool array).

    Stage at least ``replied``; a reply dated after ``as_of`` is not on record,
    an undated one (known from the stage only) is.
    """
    rank = stage_rank(applications["stage"]).fillna(0).to_numpy()
    reply_on = pd.to_datetime(applications["first_reply_on"]).dt.normalize()
    return (rank >= STAGE_RANK["replied"]) & ~(reply_on > as_of).to_numpy()


def wilson(events: Any, n: Any, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (statsmodels), NaN where ``n == 0``."""
    events = np.asarray(events, dtype=float)
    n = np.asarray(n, dtype=float)
    safe = np.where(n > 0, n, 1.0)
    lo, hi = proportion_confint(events, safe, alpha=alpha, method="wilson")
    # clip float noise (statsmodels returns ~1e-18 for 0 events)
    lo = np.where(n > 0, np.clip(lo, 0.0, 1.0), np.nan)
    hi = np.where(n > 0, np.clip(hi, 0.0, 1.0), np.nan)
    return lo, hi


def to_jsonable(value: Any) -> Any:
    """Plain Python value for JSON: NaN/NA -> None, numpy scalars -> Python."""
    if isinstance(value, pd.DataFrame):
        return [to_jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return None if value is pd.NaT else value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass
class Result:
    """Base of the result objects: ``.summary`` table, ``.warnings``, HTML view.

    Subclasses are dataclasses whose fields are the headline numbers; the
    ``summary`` property gives them as a tidy one-row-per-item table.
    """

    warnings: list[str] = field(default_factory=list, kw_only=True)

    @property
    def summary(self) -> pd.DataFrame:  # pragma: no cover - overridden
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain values (NaN -> None; DataFrames -> lists of records)."""
        return {f.name: to_jsonable(getattr(self, f.name)) for f in fields(self)}

    def _title(self) -> str:
        return type(self).__name__

    def _repr_html_(self) -> str:
        parts = [
            f"<h4>{html.escape(self._title())}</h4>",
            self.summary.to_html(index=False, na_rep="—"),
        ]
        if self.warnings:
            items = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
            parts.append(f"<p><b>Warnings</b></p><ul>{items}</ul>")
        return "\n".join(parts)

    def __repr__(self) -> str:
        text = f"{self._title()}\n{self.summary.to_string(index=False)}"
        if self.warnings:
            text += "\nWarnings:\n" + "\n".join(f"- {w}" for w in self.warnings)
        return text


def require_rows(applications: pd.DataFrame, what: str) -> None:
    """Raise :class:`AnalysisError` when there is nothing to analyse."""
    if len(applications) == 0:
        raise AnalysisError(f"No applications to compute {what} from: the table is empty.")
    if "applied_on" not in applications.columns:
        raise InputError(
            "The applications table has no 'applied_on' column; load the file with "
            "jobstats.load() so it has the canonical columns."
        )
