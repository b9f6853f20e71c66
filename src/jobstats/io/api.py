"""``load`` and ``load_many``: the public entry points of the loader."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from jobstats.io.columns import pick_sheet
from jobstats.io.grid import Collector
from jobstats.io.readers import read_book
from jobstats.io.report import ISSUE_COLUMNS, ISSUE_DTYPES, LoadReport, LoadResult
from jobstats.io.tables import build_tables
from jobstats.io.vocab import check_user_statuses
from jobstats.schema import APPLICATION_COLUMNS, InputError, resolve_as_of

ColumnsArg = Mapping[str, "str | Sequence[str]"] | None


def load(
    path: str | Path,
    *,
    sheet: str | None = None,
    columns: ColumnsArg = None,
    as_of: object = None,
    dayfirst: bool | None = None,
    statuses: Mapping[str, str] | None = None,
) -> LoadResult:
    """Load a job-search tracker into the canonical tables.

    Parameters
    ----------
    path : str or Path
        .xlsx/.xlsm/.ods workbook or .csv/.tsv/.txt text export. The file is
        only read, never modified.
    sheet : str, optional
        Sheet holding the applications; by default the sheet whose header has
        an applied-date column, the most recognised fields and the most rows.
    columns : dict, optional
        Field -> header overrides, e.g. ``{"applied_on": "Sent"}``; fields are
        :data:`jobstats.schema.FIELDS`; ``follow_up_on`` may be a list.
    as_of : date-like, optional
        Date the tracker is complete up to (follow-ups after it are plans); text
        must be ``YYYY-MM-DD``. Default: the file's export-date column when it
        has one, else today (resolved at call time); the report says which.
    dayfirst : bool, optional
        Force D/M/Y (True) or M/D/Y (False) for numeric dates; by default the
        order is decided per column from the values (and reported).
    statuses : dict, optional
        What your status words mean, e.g. ``{"Absage": "rejected"}``; meanings
        are those of :data:`jobstats.io.vocab.STATUS_MEANINGS` ("applied",
        "replied", "rejected", "interview", "offer", ...). Wins over the
        built-in vocabulary. Words not recognised are listed in the report.

    Returns
    -------
    LoadResult
        ``applications``, ``events``, ``report``, ``as_of``, ``path``.

    Raises
    ------
    UnsupportedFormatError, UnreadableFileError, HeaderNotFoundError,
    MissingColumnError, InputError

    Examples
    --------
    >>> res = load("tracker.xlsx", as_of="2025-06-30")  # doctest: +SKIP
    >>> print(res.report)  # doctest: +SKIP
    """
    path = Path(path)
    when = None if as_of is None else resolve_as_of(as_of)
    user_statuses = check_user_statuses(dict(statuses) if statuses else None)
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the path.")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the tracker file inside it.")
    cols = dict(columns) if columns else None
    book = read_book(path)
    collector = Collector(file=path.name)
    collector.notes += book.notes
    chosen, header_idx, notes = pick_sheet(book, sheet, cols)
    collector.notes += notes
    apps, events, parts = build_tables(book, chosen, header_idx, columns=cols, as_of=when,
                                       dayfirst=dayfirst, col=collector,
                                       statuses=user_statuses)
    when = parts["as_of"]
    issues = pd.DataFrame(collector.issues, columns=list(ISSUE_COLUMNS)).astype(ISSUE_DTYPES)
    issues = issues.sort_values(["sheet", "row"], kind="stable")
    report = LoadReport(
        file=path, files=[path], sheets=parts["sheets"], format=parts["format"],
        mapping=parts["mapping"], extras=parts["extras"], ignored=parts["ignored"],
        date_decisions=collector.decisions, notes=collector.notes,
        issues=issues.reset_index(drop=True), n_applications=len(apps),
        matches=parts["matches"], file_warnings=collector.file_warnings,
        language=parts["language"], as_of=when, as_of_source=parts["as_of_source"],
    )
    return LoadResult(apps, events, report, when, path)


def load_many(paths: Iterable[str | Path], **kw: object) -> LoadResult:
    """Load several trackers (e.g. a coach's clients) into one pair of tables.

    ``client`` is set to the file stem where a file has no client column, and
    ``application_id`` is prefixed with the client (``"<client>/<id>"``) so ids
    stay unique. Keyword arguments are passed to :func:`load` for every file.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("load_many: no files given.")
    results = [load(p, **kw) for p in paths]
    apps_parts, event_parts = [], []
    for res in results:
        a = res.applications.copy()
        a["client"] = a["client"].fillna(res.path.stem).astype("str")
        new_id = a["client"] + "/" + a["application_id"]
        id_map = dict(zip(a["application_id"], new_id))
        a["application_id"] = new_id
        e = res.events.copy()
        e["application_id"] = e["application_id"].map(id_map).astype("str")
        apps_parts.append(a)
        event_parts.append(e)
    apps = pd.concat(apps_parts, ignore_index=True)
    extras = [c for c in apps.columns if c not in APPLICATION_COLUMNS]
    apps = apps[list(APPLICATION_COLUMNS) + extras]
    events = pd.concat(event_parts, ignore_index=True)
    report = LoadReport.merge([r.report for r in results])
    as_of = max(r.as_of for r in results)
    if len({r.as_of for r in results}) > 1:
        report.file_warnings.append(
            "the files have different as-of dates ("
            + ", ".join(f"{r.path.name}: {r.as_of.date()}" for r in results)
            + f"); the pooled analyses use the latest, {as_of.date()}. Pass one as_of= "
            "(--as-of YYYY-MM-DD) to treat them alike")
        report.as_of, report.as_of_source = as_of, "latest of the files"
    return LoadResult(apps, events, report, as_of, results[0].path)
