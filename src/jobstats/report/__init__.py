"""Report assembly: HTML page, figure files and workbook from results and figures.

``write_report(data, folder)`` writes

* ``folder/figures/<name>.png`` and ``.svg`` for every figure of
  :data:`jobstats.report.figures.FIGURES`,
* ``folder/summary.xlsx``: one formatted sheet per table of
  :data:`jobstats.report.tables.TABLES`, the due list and the load report,
* ``folder/report.html`` last: one self-contained page.

Every file is written atomically and recorded in the folder's manifest
(:mod:`jobstats.report.writing`): an interrupted run leaves each file either
as it was or complete, and files jobstats did not write are never
overwritten unless ``force=True``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from jobstats.report import analyses
from jobstats.report.analyses import shared_results
from jobstats.report.figures import FIGURES, draw_figures, register_figure
from jobstats.report.tables import TABLES, compute_tables, register_table
from jobstats.report.writing import OutputGuard, atomic_write
from jobstats.schema import JobstatsError

__all__ = ["write_report", "REPORT_STEPS", "register_figure", "register_table", "FIGURES", "TABLES",
           "OutputGuard", "atomic_write"]


def _render(fig: Any, fmt: str) -> bytes:
    buf = io.BytesIO()
    # no creation date in the files: the same data gives the same bytes
    metadata = {"Date": None} if fmt == "svg" else {}
    # tight: the charts put notes and labels outside their Axes
    fig.savefig(buf, format=fmt, dpi=150, metadata=metadata, bbox_inches="tight",
                pad_inches=0.15)
    return buf.getvalue()


def _load_report_table(report: Any) -> pd.DataFrame:
    issues = report.issues.copy()
    notes = [("dates: " + d) for d in report.date_decisions] + list(report.notes)
    if notes:
        decided = pd.DataFrame({"file": "", "sheet": "", "row": pd.NA, "column": "",
                                "severity": "note", "reason": notes})
        issues = pd.concat([decided, issues], ignore_index=True)
    return issues


#: The steps :func:`write_report` announces to its ``progress`` callback, in order.
REPORT_STEPS = ("headline numbers", "result tables", "due list", "figures", "workbook", "page")


def write_report(data: Any, folder: str | os.PathLike[str], *, style: str = "default",
                 force: bool = False, progress: Callable[[str], object] | None = None
                 ) -> dict[str, Path]:
    """Write the HTML report, the figures and the workbook of a loaded search.

    Parameters
    ----------
    data : LoadResult
        What :func:`jobstats.load` (or ``load_many``) returned.
    folder : path-like
        Output folder; created if missing.
    style : {"default", "workshop"}
        Chart style (workshop: large type for projectors).
    force : bool
        Overwrite files in ``folder`` that jobstats did not write (or that were
        changed since). Without it such files stop the run before anything is
        written (:class:`jobstats.schema.InputError`).
    progress : callable, optional
        Called with the name of each step of :data:`REPORT_STEPS` as it starts
        (the CLI draws a progress bar on a terminal with it).

    Returns
    -------
    dict
        Relative name (``"report.html"``, ``"figures/reply_curve.png"``, ...) -> path written.

    Examples
    --------
    >>> data = jobstats.load("my_tracker.xlsx", as_of="2025-06-30")  # doctest: +SKIP
    >>> write_report(data, "my_report")["report.html"]  # doctest: +SKIP
    PosixPath('my_report/report.html')
    """
    from jobstats.due import followups_due
    from jobstats.report.html import render_page
    from jobstats.report.spreadsheet import write_workbook
    from jobstats.summary import summarize

    guard = OutputGuard(folder, force=force)
    figure_files = [f"figures/{n}.{ext}" for n in FIGURES for ext in ("png", "svg")]
    guard.check([*figure_files, "summary.xlsx", "report.html"])  # refuse before any work

    step = progress or (lambda name: None)
    with shared_results():  # figures, tables and findings share each analysis
        step("headline numbers")
        summary = summarize(data)  # AnalysisError when there is nothing to analyse
        step("result tables")
        tables, skipped = compute_tables(data)
        policy = tables.get("Follow-up policy")
        try:
            effect = analyses.followup_effect(data)
        except JobstatsError:
            effect = None
        step("due list")
        due = followups_due(data, policy=policy)
        tables["Due today"] = due
        tables["Load report"] = _load_report_table(data.report)
        tables["Columns read"] = data.report.mapping
        notes = {"Due today": [due.attrs["after_reason"], *due.attrs["notes"]]}

        written: dict[str, Path] = {}
        shown = []
        step("figures")
        for drawn in draw_figures(data, style=style):
            png = None
            if drawn.figure is not None:
                png, svg = _render(drawn.figure, "png"), _render(drawn.figure, "svg")
                for ext, content in (("png", png), ("svg", svg)):
                    name = f"figures/{drawn.name}.{ext}"
                    written[name] = guard.write_bytes(name, content)
            else:
                skipped[f"Chart: {drawn.title}"] = drawn.reason
            shown.append((drawn.name, drawn.title, png, drawn.reason))
    if skipped:
        tables["Not computed"] = pd.DataFrame({"table": list(skipped),
                                               "reason": list(skipped.values())})

    step("workbook")
    written["summary.xlsx"] = guard.write(
        "summary.xlsx", lambda tmp: write_workbook(tmp, tables, notes))
    step("page")
    page = render_page(summary=summary.to_dict(), due=due, figures=shown,
                       rates=tables.get("Response rates"), report=data.report,
                       skipped={k: v for k, v in skipped.items() if not k.startswith("Chart: ")},
                       policy=policy, effect=effect)
    written["report.html"] = guard.write_bytes("report.html", page.encode("utf-8"))
    return written
