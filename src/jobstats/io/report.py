"""What the loader did, for the user: :class:`LoadReport` and :class:`LoadResult`."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ISSUE_COLUMNS = ("file", "sheet", "row", "column", "severity", "reason")
#: Column dtypes of :attr:`LoadReport.issues`.
ISSUE_DTYPES = {c: "int64" if c == "row" else "str" for c in ISSUE_COLUMNS}
MAPPING_COLUMNS = ("field", "header", "sheet", "file")


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
    #: Files left out because they could not be read: (path, reason).
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def dropped(self) -> int:
        """Number of rows of the file(s) left out of the applications table."""
        return int((self.issues["severity"] == "dropped").sum())

    @property
    def warnings(self) -> list[str]:
        """One human line per decision, note and issue (plain strings, JSON-ready)."""
        lines = [f"file skipped: {p.name}: {why}" for p, why in self.skipped]
        lines += [f"dates: {d}" for d in self.date_decisions]
        lines += list(self.notes)
        for r in self.issues.itertuples(index=False):
            lines.append(_issue_line(r))
        return lines

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
            skipped=[x for r in reports for x in r.skipped],
        )

    def __str__(self) -> str:
        files = ", ".join(p.name for p in self.files) or "?"
        out = [f"Load report: {files}",
               f"  format: {self.format}; sheet(s): {', '.join(self.sheets)}",
               f"  applications: {self.n_applications}; rows dropped: {self.dropped}; "
               f"warnings: {int((self.issues['severity'] == 'warning').sum())}",
               "  columns:"]
        if self.skipped:
            out[2:2] = [f"  FILE SKIPPED: {p.name}: {why}" for p, why in self.skipped]
        for r in self.mapping.itertuples(index=False):
            out.append(f"    {r.field:<17} <- {r.header!r}")
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
            out += [f"    {_issue_line(r)}" for r in self.issues.itertuples(index=False)]
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


def _issue_line(r) -> str:
    where = f"{Path(str(r.file)).name}"
    if r.sheet and r.sheet != where:
        where += f", sheet {r.sheet!r}"
    where += f", row {r.row}"
    if isinstance(r.column, str) and r.column:
        where += f", column {r.column!r}"
    return f"{where}: {r.severity}: {r.reason}"


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
