"""Small shared pieces of the analysis modules: inputs, intervals, result shape, HTML view.

Kept here so every estimator takes its input, resolves ``as_of``, names
groups, computes proportion intervals and renders results the same way.

The result contract (shared by every analysis that returns a table)
-------------------------------------------------------------------
Tidy DataFrames with group columns first, then where they apply ``n``
(applications at start / in the group), ``events``, ``estimate``, ``ci_low``,
``ci_high``, ``method`` (short text) and ``note`` (plain-language reason or
assumption; ``""`` when none). A NaN estimate always has a note. ``attrs``
hold at least ``as_of`` (Timestamp) and ``n_applications`` (int), plus
``warnings`` (list of str) and ``assumption`` (str) where one applies. The
tables are :class:`ResultTable` (a DataFrame that also shows its notes in a
notebook); anything derived from them is a plain DataFrame.

This module imports neither statsmodels nor scipy: counting must stay light.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from jobstats.schema import STAGE_RANK, AnalysisError, InputError, resolve_as_of

__all__ = [
    "MISSING",
    "NOT_IN_DATA",
    "Result",
    "ResultTable",
    "finish",
    "html_view",
    "resolve_data",
    "zero_upper",
    "z_value",
    "APPLIED_WEEK",
    "as_list",
    "dated_after",
    "group_codes",
    "number_combinations",
    "group_frame",
    "group_keys",
    "has_str_dtype",
    "replied_by",
    "require_rows",
    "resolve_as_of",
    "stage_rank",
    "value_typed",
    "to_jsonable",
    "wilson",
    "week_applied",
]

#: Label of the group of applications whose ``by`` value is missing.
MISSING = "(missing)"
#: Derived grouping column: Monday of the week the application was sent.
APPLIED_WEEK = "applied_week"
#: Note of a measure whose information the file does not hold.
NOT_IN_DATA = "not in the data"


def z_value(alpha: float = 0.05) -> float:
    """Two-sided normal quantile ``z_{1 - alpha/2}`` (1.96 for 95%).

    ``statistics.NormalDist`` rather than scipy, so counting stays light.
    """
    return NormalDist().inv_cdf(1 - alpha / 2)


def sent_by(applications: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    """Which applications were sent by ``as_of`` (an analysis counts only those).

    Raises
    ------
    AnalysisError
        When none was: every application is dated after the as-of date.
    """
    applied_on = applications["applied_on"]
    sent = applied_on.notna().to_numpy() & ~dated_after(applied_on, as_of)
    if not sent.any():
        raise AnalysisError(
            f"All {len(sent)} applications are dated after the as-of date {as_of.date()}; "
            "pass a later as_of."
        )
    return sent


def resolve_data(
    data: Any, events: pd.DataFrame | None = None, as_of: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.Timestamp]:
    """The applications table, events table and as-of date of an analysis input.

    ``data`` is what :func:`jobstats.load` returned (a ``LoadResult``: its
    events and as-of date are used unless given here) or an applications
    DataFrame. ``as_of`` is resolved once, by
    :func:`jobstats.schema.resolve_as_of` (None: today, at call time).
    """
    if isinstance(data, pd.DataFrame):
        return data, events, resolve_as_of(as_of)
    apps = getattr(data, "applications", None)
    if not isinstance(apps, pd.DataFrame):
        raise InputError(
            f"Expected the result of jobstats.load() or an applications DataFrame, got "
            f"{type(data).__name__}."
        )
    if events is None:
        events = getattr(data, "events", None)
    if as_of is None:
        as_of = getattr(data, "as_of", None)
    return apps, events, resolve_as_of(as_of)


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
        if has_str_dtype(s):
            # already the "str" dtype the other text branch ends in: fill the missing
            # values in place of a round trip through a million Python strings
            s = s.fillna(MISSING)
        elif s.dtype.kind in "OSUTb" or isinstance(s.dtype, pd.StringDtype) or s.dtype == "str":
            s = s.astype("object").where(s.notna(), MISSING).astype("str")
        elif s.isna().any():
            s = s.astype("object").where(s.notna(), MISSING)
        out[col] = s
    return out


def has_str_dtype(s: pd.Series) -> bool:
    """Whether ``s`` has pandas' default ``str`` dtype (missing values NaN)."""
    return isinstance(s.dtype, pd.StringDtype) and s.dtype == pd.StringDtype(na_value=np.nan)


def value_typed(s: pd.Series) -> bool:
    """Whether ``s``'s dtype is the one its values carry (text, dates, 64-bit numbers).

    Group keys of such a column come out the same whether taken from it or
    inferred from Python values (as per-group frames and MultiIndexes infer them).
    """
    return has_str_dtype(s) or s.dtype.kind == "M" or s.dtype in (np.int64, np.float64)


def group_keys(groups: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """The distinct combinations of ``cols`` in ``groups``, sorted as groupby sorts them.

    Through ``groupby`` because it sorts mixed keys (numbers and ``"(missing)"``),
    which ``sort_values`` cannot.
    """
    return groups.groupby(cols, sort=True, dropna=False, observed=True).size().reset_index()[cols]


def group_codes(groups: pd.DataFrame, cols: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`group_keys` and each row's position in it (``groupby(...).ngroup()``).

    Without ``cols``: one group, keys a one-row frame without columns. For text,
    date and number columns without missing values, through one sorted
    ``pandas.factorize`` per column (what ``groupby`` runs inside) and
    :func:`number_combinations` of those codes (groupby's sorted combinations):
    on a few dozen rows a ``groupby`` costs milliseconds of pandas overhead,
    and analyses call this per client. Other columns (mixed numbers and
    ``"(missing)"``, categories, missing dates) go through ``groupby`` itself.
    """
    if not cols:
        return pd.DataFrame(index=[0]), np.zeros(len(groups), dtype=np.int64)
    parts: list[np.ndarray] | None = []
    for col in cols:
        s = groups[col]
        if not (has_str_dtype(s) or s.dtype.kind in "iufM") or isinstance(
                s.dtype, pd.CategoricalDtype):
            parts = None
            break
        codes, _ = pd.factorize(s.array if has_str_dtype(s) else s.to_numpy(), sort=True)
        if len(codes) and codes.min() < 0:  # a missing value (NaT, NaN)
            parts = None
            break
        parts.append(codes)
    numbered = number_combinations(parts) if parts is not None else None
    if numbered is None:
        grouped = groups.groupby(cols, sort=True, dropna=False, observed=True)
        return grouped.size().reset_index()[cols], grouped.ngroup().to_numpy().astype(np.int64)
    code, _ = numbered
    # a row of each group, in group order: the keys keep the columns' own dtypes
    first = np.full(int(code.max(initial=-1)) + 1, len(code), dtype=np.int64)
    np.minimum.at(first, code, np.arange(len(code)))
    keys = groups[cols].iloc[first].reset_index(drop=True)
    keys.columns = pd.Index(cols, dtype=object)  # (the labels' dtype groupby gives)
    return keys, code


def number_combinations(parts: Sequence[np.ndarray]
                        ) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """Code of each row's combination of the integer arrays ``parts``, and the
    values of each combination; combinations numbered in sorted order (row-major),
    as a sorted group-by numbers them.

    Counted on a table of every combination of the arrays' ranges when it is small
    (no sort of a million rows: days, flags and group codes span small ranges),
    else sorted. None when the combinations are too many to number that way (the
    caller then groups another way).
    """
    lows = [int(p.min(initial=0)) for p in parts]
    dims = [max(int(p.max(initial=0)) - lo + 1, 1) for p, lo in zip(parts, lows)]
    total = math.prod(dims)
    if total >= 2**62:
        return None
    flat = np.ravel_multi_index([p - lo for p, lo in zip(parts, lows)], dims)
    if total <= 4 * len(flat) + 4096:  # a table of every combination: no sort
        present = np.flatnonzero(np.bincount(flat, minlength=total))
        number = np.full(total, -1, dtype=np.int64)
        number[present] = np.arange(len(present))
        codes = number[flat]
    else:
        present, codes = np.unique(flat, return_inverse=True)
    values = [(v + lo).astype(np.int64) for v, lo in zip(np.unravel_index(present, dims), lows)]
    return codes.astype(np.int64), values


def stage_rank(stage: pd.Series) -> pd.Series:
    """Rank of each ``stage`` in :data:`~jobstats.schema.STAGES` (float, NaN if unknown).

    Through ``object`` so a categorical ``stage`` column (ordered or not) maps
    to plain numbers rather than to a categorical that cannot be compared.
    """
    table = np.array([*STAGE_RANK.values(), np.nan], dtype=float)
    if isinstance(stage.array, pd.arrays.ArrowStringArray):
        # Arrow text (the loader's): look the values up in pyarrow, no Python
        # string per row (a million rows: milliseconds instead of tenths of seconds)
        import pyarrow as pa
        import pyarrow.compute as pc

        values = pa.array(stage.array)
        pos = pc.index_in(values, value_set=pa.array(list(STAGE_RANK), type=values.type))
        pos = pc.fill_null(pos, len(STAGE_RANK)).to_numpy(zero_copy_only=False)
        return pd.Series(table[pos], index=stage.index, name=stage.name)
    # through the distinct values: one factorize instead of a dict look-up per row
    codes, uniq = pd.factorize(stage.astype(object))
    ranks = np.array([STAGE_RANK.get(u, np.nan) for u in uniq] + [np.nan], dtype=float)
    return pd.Series(ranks[codes], index=stage.index, name=stage.name)


def replied_by(applications: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    """Whether a reply is on record by ``as_of`` (bool array).

    Stage at least ``replied``; a reply dated after ``as_of`` is not on record,
    an undated one (known from the stage only) is.
    """
    rank = stage_rank(applications["stage"]).fillna(0).to_numpy()
    return (rank >= STAGE_RANK["replied"]) & ~dated_after(applications["first_reply_on"], as_of)


def dated_after(dates: pd.Series, as_of: pd.Timestamp) -> np.ndarray:
    """Whether each date (its day) is after ``as_of`` (bool array; missing: False)."""
    d = pd.to_datetime(dates)
    if isinstance(d.dtype, np.dtype) and as_of.tz is None:
        # naive: numpy's day unit floors a time to its date, as normalize does
        # (a million rows: no Series of normalized Timestamps)
        return d.to_numpy().astype("datetime64[D]") > as_of.to_datetime64()
    return (d.dt.normalize() > as_of).to_numpy()


def wilson(events: Any, n: Any, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval, NaN where ``n == 0``.

    Written out (a few lines) instead of statsmodels' ``proportion_confint``
    so that counting functions do not import statsmodels; checked against it
    in the tests. With 0 events the lower end is exactly 0 and the upper end
    ``z**2 / (n + z**2)`` > 0 (the one-sided ``1 - alpha/2`` Wilson bound).
    """
    k = np.asarray(events, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_value(alpha)
    safe = np.where(n > 0, n, 1.0)
    p = np.clip(k / safe, 0.0, 1.0)
    denom = 1 + z**2 / safe
    centre = (p + z**2 / (2 * safe)) / denom
    half = z * np.sqrt(p * (1 - p) / safe + z**2 / (4 * safe**2)) / denom
    lo = np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where(k >= safe, 1.0, np.clip(centre + half, 0.0, 1.0))
    return np.where(n > 0, lo, np.nan), np.where(n > 0, hi, np.nan)


def zero_upper(n: Any, alpha: float = 0.05) -> np.ndarray:
    """Exact one-sided ``1 - alpha/2`` upper bound of a proportion with 0 events in ``n``.

    ``1 - (alpha/2) ** (1/n)`` (Clopper–Pearson; about ``3.7 / n`` for 95%):
    with no event seen the chance is not known to be 0, only to be small.
    NaN where ``n == 0``.
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(n > 0, 1 - (alpha / 2) ** (1 / np.where(n > 0, n, 1.0)), np.nan)


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

    def _notes(self) -> list[str]:
        """Assumptions and context shown under the table (plain words)."""
        return []

    def _repr_html_(self) -> str:
        return html_view(self._title(), self.summary, notes=self._notes(),
                         warnings=self.warnings)

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


def _cell_notes(table: pd.DataFrame) -> list[str]:
    """The distinct non-empty ``note`` values of a table."""
    if "note" not in table.columns:
        return []
    notes = table["note"].astype(object).where(table["note"].notna(), "")
    return [str(x) for x in dict.fromkeys(notes) if str(x)]


def html_view(
    title: str,
    table: pd.DataFrame,
    *,
    notes: Sequence[str] = (),
    warnings: Sequence[str] = (),
    caption: str = "",
    extra_tables: Sequence[tuple[str, pd.DataFrame]] = (),
) -> str:
    """The one HTML view of every result: title, caption, table, notes, warnings.

    Never shows a wall-clock time, so stored notebook outputs reproduce.
    """
    esc = html.escape
    parts = [f"<div class='jobstats-result'><h4>{esc(title)}</h4>"]
    if caption:
        parts.append(f"<p>{esc(caption)}</p>")
    parts.append(table.to_html(index=False, na_rep="—", border=0))
    for label, extra in extra_tables:
        parts.append(f"<p>{esc(label)}</p>")
        parts.append(extra.to_html(index=False, na_rep="—", border=0))
    if notes:
        items = "".join(f"<li>{esc(n)}</li>" for n in notes)
        parts.append(f"<p><b>Notes</b></p><ul>{items}</ul>")
    if warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
        parts.append(f"<p><b>Warnings</b></p><ul>{items}</ul>")
    parts.append("</div>")
    return "\n".join(parts)


class ResultTable(pd.DataFrame):
    """A result table: a DataFrame that shows its notes and assumptions in a notebook.

    Only the object an analysis returns is a ``ResultTable``; anything derived
    from it (a filter, ``round``, ``copy``) is a plain DataFrame.
    """

    @property
    def _constructor(self):  # derived frames are plain DataFrames
        return pd.DataFrame

    def _repr_html_(self) -> str:  # type: ignore[override]
        a = self.attrs
        caption = ""
        if "as_of" in a and "n_applications" in a:
            when = a["as_of"]
            when = when.date() if isinstance(when, pd.Timestamp) else when
            caption = f"{a['n_applications']} applications, as of {when}."
        notes = ([a["assumption"]] if a.get("assumption") else []) + _cell_notes(self)
        return html_view(a.get("title", "Result"), pd.DataFrame(self), notes=notes,
                         warnings=a.get("warnings", []), caption=caption)


def finish(
    table: pd.DataFrame,
    *,
    title: str,
    as_of: pd.Timestamp,
    n_applications: int,
    warnings: Sequence[str] = (),
    assumption: str = "",
) -> ResultTable:
    """Give an analysis table the result contract: notes as text, attrs, HTML view.

    ``note`` becomes text (``""`` for none) and every NaN ``estimate`` must
    have a note (a programming error otherwise).
    """
    out = ResultTable(table.reset_index(drop=True))
    if "note" in out.columns:
        note = out["note"]
        if not (has_str_dtype(note) and not note.isna().any()):  # (else already so)
            out["note"] = note.astype(object).where(note.notna(), "").astype(str)
        if "estimate" in out.columns:
            silent = out["estimate"].isna().to_numpy() & (out["note"].to_numpy() == "")
            if silent.any():  # pragma: no cover - a bug, not bad input
                raise AssertionError(f"{title}: NaN estimate without a note")
    out.attrs = {
        "title": title,
        "as_of": as_of,
        "n_applications": int(n_applications),
        "warnings": list(dict.fromkeys(warnings)),
    }
    if assumption:
        out.attrs["assumption"] = assumption
    return out
