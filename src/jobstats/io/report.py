"""What the loader did, for the user: :class:`LoadReport` and :class:`LoadResult`."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jobstats.io.vocab import STATUS_MEANINGS

ISSUE_COLUMNS = ("file", "sheet", "row", "column", "severity", "reason")
#: Column dtypes of :attr:`LoadReport.issues`.
ISSUE_DTYPES = {c: "int64" if c == "row" else "str" for c in ISSUE_COLUMNS}
MAPPING_COLUMNS = ("field", "header", "sheet", "file")
#: Columns of :attr:`LoadReport.matches`.
MATCH_COLUMNS = ("what", "column", "word", "meaning", "how", "count", "rows")
MATCH_DTYPES = {c: "int64" if c == "count" else "str" for c in MATCH_COLUMNS}


def empty_matches() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in MATCH_DTYPES.items()})


def empty_issues() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ISSUE_DTYPES.items()})


@dataclass
class LoadReport:
    """Everything the loader decided or doubted about one file (or several).

    Attributes
    ----------
    file : Path or None
        The file read (None for a report merged from several files; see ``files``).
    files : list of Path
    sheets : list of str
        Sheet(s) used (the file name for text files).
    format : str
        Detected export format: "linkedin", "huntr", "teal", "simplify",
        "careerflow", "jobstats template" or "generic" (joined by ", " when merged).
    mapping : DataFrame
        Columns field, header, sheet, file: which header went to which field.
    extras : list of str
        Unmapped columns kept in the applications table under their header.
    ignored : list of str
        Columns ignored (entirely empty).
    date_decisions : list of str
        One line per date column about the day/month order or serial numbers.
    notes : list of str
        Other decisions (sheet chosen, header row, proxies, counts of planned follow-ups...).
    issues : DataFrame
        One row per dropped or doubted cell/row: file, sheet, row (as seen in
        Excel), column, severity ("dropped" or "warning"), reason.
    matches : DataFrame
        Every reading that was not an exact known word: columns what ("header",
        "status", "stage", "source"), column (the header), word (as written),
        meaning (what it was read as), how ("pattern", "weak", "holds dates",
        "user", "cue", "contains", "fuzzy", "unrecognised", "grouped"), count (cells)
        and rows (the first Excel rows). Unrecognised status words are read as
        "applied" and listed here with how="unrecognised".
    file_warnings : list of str
        Warnings about the file as a whole (e.g. an as-of date long after the last
        activity), beside the row-level ones in ``issues``.
    language : str or None
        Language of the headers when not English ("de", "fr"...).
    as_of_source : str
        Where the as-of date came from: "given", "export date column 'X'" or "today".
    """

    file: Path | None
    files: list[Path] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    format: str = "generic"
    mapping: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(MAPPING_COLUMNS), dtype="str"))
    extras: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    date_decisions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    issues: pd.DataFrame = field(default_factory=empty_issues)
    n_applications: int = 0
    matches: pd.DataFrame = field(default_factory=empty_matches)
    file_warnings: list[str] = field(default_factory=list)
    language: str | None = None
    as_of: pd.Timestamp | None = None
    as_of_source: str = "given"
    #: Files left out because they could not be read: (path, reason).
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    # (issues frame, its lines): a million-row load can doubt tens of thousands
    # of rows, and the text, the JSON and the summary each ask for the lines
    _issue_text: tuple[pd.DataFrame, list[str]] | None = field(
        default=None, init=False, repr=False, compare=False)

    @property
    def dropped(self) -> int:
        """Number of rows of the file(s) left out of the applications table."""
        return int((self.issues["severity"] == "dropped").sum())

    @property
    def warnings(self) -> list[str]:
        """One line per warning: the file-level ones, unrecognised status words, then
        each doubted row. Their number is the "warnings: N" of the text."""
        lines = [f"file skipped: {p.name}: {why}" for p, why in self.skipped]
        lines += list(self.file_warnings)
        # Decisions a user must check: an ambiguous day/month order, sheets not read.
        lines += [f"dates: {d}" for d in self.date_decisions if "ambiguous" in d]
        lines += [n for n in self.notes if n.startswith("NOT loaded")]
        lines += [_unrecognised_line(r) for r in self.unrecognised.itertuples(index=False)]
        issues = self._issue_lines()
        lines += [ln for ln, w in zip(issues, (self.issues["severity"] == "warning").tolist())
                  if w]
        return lines

    @property
    def lines(self) -> list[str]:
        """Every line of the report: date decisions, notes, warnings and each
        dropped or doubted row (plain strings, JSON-ready)."""
        lines = [f"dates: {d}" for d in self.date_decisions] + list(self.notes)
        lines += list(self.file_warnings)
        lines += [_unrecognised_line(r) for r in self.unrecognised.itertuples(index=False)]
        lines += self._issue_lines()
        return lines

    def _issue_lines(self) -> list[str]:
        """:func:`_issue_lines` of :attr:`issues`, made once per issues table."""
        if self._issue_text is None or self._issue_text[0] is not self.issues:
            self._issue_text = (self.issues, _issue_lines(self.issues))
        return self._issue_text[1]

    @property
    def unrecognised(self) -> pd.DataFrame:
        """Status words not recognised (read as "applied"): rows of :attr:`matches`."""
        m = self.matches
        return m[(m["how"] == "unrecognised") & (m["what"] == "status")]

    def status_flags(self) -> list[str]:
        """The CLI option to pass for each unrecognised status word."""
        return [_status_flag(w) for w in self.unrecognised["word"]]

    def to_dict(self) -> dict:
        """The report as JSON-ready data (``summary --json``: ``load_report``); the
        same content as the text."""
        def records(df: pd.DataFrame, cols: list[str]) -> list[dict]:
            # column-wise (a million-row load can doubt tens of thousands of rows)
            values = [[None if na else v.item() if hasattr(v, "item") else v
                       for v, na in zip(df[c].tolist(), df[c].isna().to_numpy())] for c in cols]
            return [dict(zip(cols, row)) for row in zip(*values)]

        issue_cols = ["file", "sheet", "row", "column", "reason"]
        return {
            "files": [str(p) for p in self.files],
            "sheets": list(self.sheets),
            "format": self.format,
            "language": self.language,
            "as_of": None if self.as_of is None else self.as_of.date().isoformat(),
            "as_of_source": self.as_of_source,
            "applications": int(self.n_applications),
            "rows_dropped": self.dropped,
            "mapping": records(self.mapping, list(MAPPING_COLUMNS)),
            "matches": records(self.matches, list(MATCH_COLUMNS)),
            "unrecognised_statuses": [
                {"word": r.word, "count": int(r.count), "rows": r.rows,
                 "option": _status_flag(r.word)}
                for r in self.unrecognised.itertuples(index=False)],
            "extras": list(self.extras),
            "ignored": list(self.ignored),
            "dropped": records(self.issues[self.issues["severity"] == "dropped"], issue_cols),
            "doubted": records(self.issues[self.issues["severity"] == "warning"], issue_cols),
            "date_decisions": list(self.date_decisions),
            "notes": list(self.notes),
            "warnings": self.warnings,
        }

    @classmethod
    def merge(cls, reports: list[LoadReport]) -> LoadReport:
        """Combine the reports of several files (``load_many``)."""
        prefix = len(reports) > 1

        def tag(r: LoadReport, items: list[str]) -> list[str]:
            return [f"{r.file.name}: {x}" if prefix and r.file else x for x in items]

        return cls(
            file=reports[0].file if len(reports) == 1 else None,
            files=[f for r in reports for f in r.files],
            sheets=[s for r in reports for s in r.sheets],
            format=", ".join(dict.fromkeys(r.format for r in reports)),
            mapping=pd.concat([r.mapping for r in reports], ignore_index=True),
            extras=list(dict.fromkeys(x for r in reports for x in r.extras)),
            ignored=list(dict.fromkeys(x for r in reports for x in r.ignored)),
            date_decisions=[x for r in reports for x in tag(r, r.date_decisions)],
            notes=[x for r in reports for x in tag(r, r.notes)],
            issues=pd.concat([r.issues for r in reports], ignore_index=True),
            n_applications=sum(r.n_applications for r in reports),
            matches=pd.concat([r.matches for r in reports], ignore_index=True),
            file_warnings=[x for r in reports for x in tag(r, r.file_warnings)],
            language=", ".join(dict.fromkeys(r.language for r in reports if r.language))
            or None,
            as_of=reports[0].as_of,
            as_of_source=reports[0].as_of_source,
            skipped=[x for r in reports for x in r.skipped],
        )

    def __str__(self) -> str:
        files = ", ".join(p.name for p in self.files) or "?"
        out = [f"Load report: {files}",
               f"  format: {self.format}; sheet(s): {', '.join(self.sheets)}",
               f"  applications: {self.n_applications}; rows dropped: {self.dropped}; "
               f"warnings: {len(self.warnings)}"]
        if self.as_of is not None:
            out.append(f"  as-of date: {self.as_of.date()} ({self.as_of_source})")
        if self.language:
            out.append(f"  language of the headers: {self.language}")
        out.append("  columns:")
        if self.skipped:
            out[2:2] = [f"  FILE SKIPPED: {p.name}: {why}" for p, why in self.skipped]
        for r in self.mapping.itertuples(index=False):
            out.append(f"    {r.field:<17} <- {r.header!r}")
        guesses = self.matches[self.matches["how"] != "unrecognised"]
        if len(guesses):
            out.append("  read by a rule, or grouped, not as an exact known word (check them):")
            for r in guesses.itertuples(index=False):
                where = "" if r.what == "header" else f" in {r.column!r}"
                rows = f"; rows {r.rows}" if r.rows else ""
                out.append(f"    {r.what}{where}: {r.word!r} -> {r.meaning} ({r.how}; "
                           f"{r.count} cells{rows})")
        if len(self.unrecognised):
            out.append("  status words not recognised (read as 'applied'; say what they mean):")
            for r in self.unrecognised.itertuples(index=False):
                out.append(f"    {r.word!r}: {r.count} rows ({r.rows}) -> pass "
                           f"{_status_flag(r.word)}")
            out.append("    STATUS is one of: " + ", ".join(STATUS_NAMES)
                       + " (Python: load(..., statuses={'WORD': 'STATUS'}))")
        if self.file_warnings:
            out.append("  warnings:")
            out += [f"    {w}" for w in self.file_warnings]
        if self.extras:
            out.append("  extra columns kept: " + ", ".join(self.extras))
        if self.ignored:
            out.append("  columns ignored (empty): " + ", ".join(self.ignored))
        if self.date_decisions:
            out.append("  dates:")
            out += [f"    {d}" for d in self.date_decisions]
        if self.notes:
            out.append("  notes:")
            out += [f"    {n}" for n in self.notes]
        if len(self.issues):
            out.append("  issues:")
            out += [f"    {line}" for line in _issue_lines(self.issues)]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        esc = html.escape
        files = ", ".join(p.name for p in self.files)
        parts = [
            f"<div><strong>Load report</strong>: {esc(files)} &mdash; format "
            f"<code>{esc(self.format)}</code>, sheet(s) {esc(', '.join(self.sheets))}; "
            f"{self.n_applications} applications, {self.dropped} rows dropped.</div>",
            self.mapping.drop(columns="file").to_html(index=False, border=0),
        ]
        bullets = [f"file skipped: {p.name}: {why}" for p, why in self.skipped]
        bullets += [f"dates: {d}" for d in self.date_decisions] + list(self.notes)
        if self.extras:
            bullets.append("extra columns kept: " + ", ".join(self.extras))
        if self.ignored:
            bullets.append("columns ignored (empty): " + ", ".join(self.ignored))
        if bullets:
            parts.append("<ul>" + "".join(f"<li>{esc(b)}</li>" for b in bullets) + "</ul>")
        if len(self.issues):
            parts.append(self.issues.to_html(index=False, border=0))
        return "\n".join(parts)


#: Status meanings a user may give a word (``--status WORD=STATUS``).
STATUS_NAMES = tuple(STATUS_MEANINGS)


def _status_flag(word: str) -> str:
    """The exact CLI option that maps ``word`` (quoted for a POSIX shell)."""
    import shlex

    return "--status " + shlex.quote(f"{word}=STATUS")


def _unrecognised_line(r) -> str:
    return (f"status {r.word!r} in {r.column!r} not recognised ({r.count} rows: {r.rows}); "
            f"read as 'applied': pass {_status_flag(r.word)}")


def _issue_lines(issues: pd.DataFrame) -> list[str]:
    """One line per row of ``issues`` ("file, sheet 'S', row R, column 'C':
    severity: reason"); column-wise, with one ``Path`` per distinct file (a
    million-row load can doubt tens of thousands of rows)."""
    # tolist: the values iteration gives, converted in C (iterating pyarrow-backed
    # strings costs a Python call per cell)
    cols = [issues[c].tolist() for c in ("file", "sheet", "row", "column", "severity", "reason")]
    names: dict = {}
    out = []
    for file, sheet, row, column, severity, reason in zip(*cols):
        where = names.get(file)
        if where is None:
            where = names[file] = Path(str(file)).name
        if sheet and sheet != where:
            where += f", sheet {sheet!r}"
        where += f", row {row}"
        if isinstance(column, str) and column:
            where += f", column {column!r}"
        out.append(f"{where}: {severity}: {reason}")
    return out


@dataclass
class LoadResult:
    """Canonical tables read from a file, with the report of how.

    Attributes
    ----------
    applications : DataFrame
        :data:`jobstats.schema.APPLICATION_COLUMNS` then the extra columns.
    events : DataFrame
        :data:`jobstats.schema.EVENT_COLUMNS`.
    report : LoadReport
    as_of : Timestamp
        Date the data is considered complete up to (midnight).
    path : Path
        The file read (the first one for ``load_many``).
    """

    applications: pd.DataFrame
    events: pd.DataFrame
    report: LoadReport
    as_of: pd.Timestamp
    path: Path

    def __repr__(self) -> str:
        return (f"LoadResult({self.path.name!r}: {len(self.applications)} applications, "
                f"{len(self.events)} events, as_of={self.as_of.date()}, "
                f"{self.report.dropped} rows dropped)")

    def _repr_html_(self) -> str:
        return self.report._repr_html_()
