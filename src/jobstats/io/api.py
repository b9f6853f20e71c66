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
from jobstats.schema import APPLICATION_COLUMNS, InputError, JobstatsError, resolve_as_of

ColumnsArg = Mapping[str, "str | Sequence[str]"] | None


def load(
    path: str | Path,
    *,
    sheet: str | None = None,
    columns: ColumnsArg = None,
    as_of: object = None,
    dayfirst: bool | None = None,
    statuses: Mapping[str, str] | None = None,
    engine: str | None = None,
    events: object = None,
) -> LoadResult:
    """Load a job-search tracker into the canonical tables.

    Parameters
    ----------
    path : str or Path
        .xlsx/.xlsm/.ods workbook or .csv/.tsv/.txt text export. The file is
        only read, never modified. A folder is read with :func:`load_many`
        (each file inside is one client).
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
    engine : {"pandas", "duckdb"}, optional
        ``"duckdb"``: ``path`` (a file, glob or folder of .parquet / .csv files)
        holds canonical tables (:mod:`jobstats.schema` column names; nothing
        is guessed), left where they are and summarised by DuckDB: returns
        :func:`jobstats.from_parquet` of ``path`` and ``events``, which
        :func:`jobstats.summarize` accepts. Default: read a tracker in pandas.
    events : path, glob or folder, optional
        With ``engine="duckdb"``: the canonical events table (follow-ups).

    Returns
    -------
    LoadResult
        ``applications``, ``events``, ``report``, ``as_of``, ``path``
        (with ``engine="duckdb"``: a :class:`jobstats.engine.DuckDBSource`).

    Raises
    ------
    UnsupportedFormatError, UnreadableFileError, HeaderNotFoundError,
    MissingColumnError, InputError

    Examples
    --------
    >>> res = load("tracker.xlsx", as_of="2025-06-30")  # doctest: +SKIP
    >>> print(res.report)  # doctest: +SKIP
    """
    if engine == "duckdb":
        from jobstats.engine import from_parquet

        return from_parquet(path, events, as_of=as_of)  # type: ignore[return-value]
    if engine not in (None, "pandas"):
        raise InputError(
            f"engine={engine!r}: load reads with 'pandas' (a tracker) or 'duckdb' (canonical "
            "Parquet/CSV tables); for Spark DataFrames use jobstats.from_spark(df)."
        )
    if events is not None:
        raise InputError("events= goes with engine='duckdb'; a tracker holds its own follow-ups.")
    path = Path(path)
    when = None if as_of is None else resolve_as_of(as_of)
    user_statuses = check_user_statuses(dict(statuses) if statuses else None)
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the path.")
    if path.is_dir():
        # a coach's folder: each file inside is one client
        return load_many([path], sheet=sheet, columns=columns, as_of=when, dayfirst=dayfirst)
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
    issues = collector.issues_frame()[list(ISSUE_COLUMNS)].astype(ISSUE_DTYPES)
    issues = issues.sort_values(["sheet", "row"], kind="stable")
    report = LoadReport(
        file=path, files=[path], sheets=parts["sheets"], format=parts["format"],
        mapping=parts["mapping"], extras=parts["extras"], ignored=parts["ignored"],
        date_decisions=collector.decisions, notes=collector.notes,
        issues=issues.reset_index(drop=True), n_applications=len(apps),
        matches=parts["matches"], file_warnings=collector.file_warnings,
        language=parts["language"], as_of=when, as_of_source=parts["as_of_source"],
    )
    return LoadResult(_mark_info(apps, events, report), events, report, when, path)


def _mark_info(apps: pd.DataFrame, events: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    """Add ``reply_info`` / ``interview_info`` / ``followup_info``: can the file record them?

    (Bridge until the loader marks them itself; a column already set is kept.)
    """
    fields = set(report.mapping["field"])
    if "reply_info" not in apps.columns:
        apps["reply_info"] = any(f in fields for f in _REPLY_FIELDS)
    if "interview_info" not in apps.columns:
        apps["interview_info"] = any(f in fields for f in _INTERVIEW_FIELDS)
    if "followup_info" not in apps.columns:  # a column or a sheet records sent follow-ups
        apps["followup_info"] = "follow_up_on" in fields or bool(
            (events["kind"] == "follow_up").any())
    return apps


#: File endings ``load_many`` reads from a folder (``.xls`` is included so it is
#: reported with the advice to re-save it, not silently passed over).
TRACKER_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".ods", ".csv", ".tsv", ".txt", ".xls")
#: Fields whose presence means a file can record replies / interviews at all.
#: (Bridge until the loader marks ``reply_info`` per application itself.)
_REPLY_FIELDS = ("status", "first_reply_on", "reply_kind", "interview_on", "offer_on",
                 "rejected_on")
_INTERVIEW_FIELDS = ("status", "reply_kind", "interview_on", "offer_on")


def _is_skippable(path: Path) -> bool:
    """Files a folder listing passes over silently: hidden, Office lock files, key files."""
    name = path.name
    return name.startswith((".", "~$")) or name.endswith(".key.csv")


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to load from files and folders, and the ones passed over with the reason.

    A folder stands for the files directly inside it (sorted by name); hidden
    files, Excel lock files (``~$...``) and pseudonym key files (``*.key.csv``)
    are passed over silently, other files that are not spreadsheets are listed
    as skipped. A path that does not exist is an error (a typo, not a bad file).
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"{p}: no such file or folder. Check the path.")
        if not p.is_dir():
            files.append(p)
            continue
        for child in sorted(p.iterdir(), key=lambda c: c.name):
            if child.is_dir() or _is_skippable(child):
                continue
            if child.suffix.lower() in TRACKER_SUFFIXES:
                files.append(child)
            else:
                skipped.append((child, f"not a tracker file ({child.suffix or 'no ending'}); "
                                       "jobstats reads .xlsx, .xlsm, .ods, .csv, .tsv, .txt"))
    return list(dict.fromkeys(files)), skipped


def _progress(items: list[Path], show: bool | None):
    """Iterate ``items`` with a tqdm bar on stderr (``show=None``: only on a terminal)."""
    import sys

    if show is None:
        show = sys.stderr.isatty()
    if not show or len(items) < 2:
        return items
    from tqdm import tqdm

    # leave=True: the closing line shows how many files were read (n/n)
    return tqdm(items, desc="loading", unit="file", file=sys.stderr, leave=True)


def load_many(
    paths: Iterable[str | Path], *, progress: bool | None = False, **kw: object
) -> LoadResult:
    """Load several trackers (e.g. a coach's clients) into one pair of tables.

    Parameters
    ----------
    paths : iterable of str or Path
        Files and/or folders; a folder stands for the tracker files inside it
        (see :func:`expand_paths`). Formats may be mixed.
    progress : bool or None
        Show a progress bar on stderr (None: only when stderr is a terminal).
    **kw
        Passed to :func:`load` for every file.

    Returns
    -------
    LoadResult
        Each file is one client: ``client`` comes from the file's client column,
        else the file name without its ending (``"<stem> (2)"`` when two files
        share a name). ``application_id`` is prefixed with the client
        (``"<client>/<id>"``) so ids stay unique. A file that cannot be read
        does not stop the others: it is left out and listed, with the reason,
        in ``report.skipped`` (and the report's warnings). Each application
        gets ``reply_info`` / ``interview_info``: whether its file can record
        replies / interviews at all (a LinkedIn export cannot), and
        ``followup_info``: whether it records sent follow-ups.

    Raises
    ------
    InputError
        No paths, a path that does not exist, or no file could be read.
    """
    paths = list(paths)
    if not paths:
        raise InputError("load_many: no files given.")
    files, skipped = expand_paths(paths)
    if not files:
        where = ", ".join(str(p) for p in paths)
        reasons = "; ".join(f"{p.name}: {why}" for p, why in skipped[:5])
        raise InputError(
            f"load_many: no tracker files found{(' in ' + where) if where else ''}"
            f"{(' (' + reasons + ')') if reasons else ''}. Give .xlsx/.csv files or a folder "
            "holding them."
        )
    results: list[LoadResult] = []
    for p in _progress(files, progress):
        try:
            results.append(load(p, **kw))
        except JobstatsError as exc:
            skipped.append((p, str(exc)))
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop a cohort
            skipped.append((p, f"internal error while reading it ({type(exc).__name__}: {exc}); "
                               "this is a bug in jobstats: please report it"))
    if not results:
        reasons = "; ".join(f"{why}" for _, why in skipped[:5])
        raise InputError(f"None of the {len(files)} file(s) could be read: {reasons}")
    apps_parts, event_parts, used = [], [], set()
    for res in results:
        a = res.applications.copy()
        stem = res.path.stem
        k = 2
        while stem in used:  # two files with one name in different folders
            stem, k = f"{res.path.stem} ({k})", k + 1
        used.add(stem)
        a["client"] = a["client"].fillna(stem).astype("str")
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
    report.skipped = [(p, why) for p, why in skipped]
    as_of = max(r.as_of for r in results)
    if len({r.as_of for r in results}) > 1:
        report.file_warnings.append(
            "the files have different as-of dates ("
            + ", ".join(f"{r.path.name}: {r.as_of.date()}" for r in results)
            + f"); the pooled analyses use the latest, {as_of.date()}. Pass one as_of= "
            "(--as-of YYYY-MM-DD) to treat them alike")
        report.as_of, report.as_of_source = as_of, "latest of the files"
    return LoadResult(apps, events, report, as_of, results[0].path)
