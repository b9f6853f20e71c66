"""Report assembly: HTML page, figure files and workbook from results and figures.

``write_report(data, folder)`` writes

* ``folder/figures/<name>.png`` and ``.svg`` for every figure of
  :data:`jobstats.report.figures.FIGURES`,
* ``folder/summary.xlsx``: one formatted sheet per table of
  :data:`jobstats.report.tables.TABLES`, the due list and the load report,
* ``folder/report.html`` last: one self-contained page.

With several clients (a coach's folder) it first writes one page per client,
``folder/clients/<client>/`` (page, PNG figures and workbook), holding only
that client's data; the main page lists the clients and links to them.

Every file is written atomically and recorded in the folder's manifest
(:mod:`jobstats.report.writing`): an interrupted run leaves each file either
as it was or complete, and files jobstats did not write are never
overwritten unless ``force=True``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from jobstats.report import analyses
from jobstats.report.analyses import shared_results
from jobstats.report.figures import FIGURES, draw_figures, register_figure
from jobstats.report.tables import TABLES, compute_tables, register_table
from jobstats.report.writing import OutputGuard, atomic_write
from jobstats.schema import JobstatsError

__all__ = ["write_report", "REPORT_STEPS", "report_steps", "client_folders", "CLIENTS_DIR",
           "register_figure", "register_table", "FIGURES", "TABLES",
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


#: The steps :func:`write_report` announces to its ``progress`` callback, in order
#: (with several clients, one ``"client <name>"`` step per client page comes first).
REPORT_STEPS = ("headline numbers", "result tables", "due list", "figures", "workbook", "page")

#: Sub-folder of the output holding one folder per client (several clients only).
CLIENTS_DIR = "clients"

#: First paragraph of a client's own page.
CLIENT_INTRO = ("Prepared by your coach from your own tracker. This page shows only your "
                "applications: nothing about anyone else.")


#: Figure files of the main page (PNG for the page, SVG for slides) and of a client page
#: (PNG only: a page to send to one client; its SVGs would double the rendering time).
FORMATS, CLIENT_FORMATS = ("png", "svg"), ("png",)


def _own_targets(prefix: str = "", formats: tuple[str, ...] = FORMATS) -> list[str]:
    figure_files = [f"figures/{n}.{ext}" for n in FIGURES for ext in formats]
    return [prefix + n for n in (*figure_files, "summary.xlsx", "report.html")]


def client_folders(data: Any) -> dict[str, str]:
    """Client -> folder of its own page, relative to the report (``clients/<slug>``).

    Empty unless ``data`` holds several clients. The slug keeps letters and
    digits of the client's label (``Client A`` -> ``client-a``), unique per client.
    """
    apps = data.applications
    if "client" not in apps:
        return {}
    labels = sorted(apps["client"].dropna().astype("str").unique())
    if len(labels) < 2:
        return {}
    out: dict[str, str] = {}
    used: set[str] = set()
    for label in labels:
        base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "client"
        slug, k = base, 2
        while slug in used:
            slug, k = f"{base}-{k}", k + 1
        used.add(slug)
        out[label] = f"{CLIENTS_DIR}/{slug}"
    return out


def report_steps(data: Any, *, client_pages: bool = True) -> list[str]:
    """The step names :func:`write_report` will announce for ``data`` (for a progress bar)."""
    clients = list(client_folders(data)) if client_pages else []
    return [f"client {c}" for c in clients] + list(REPORT_STEPS)


def write_report(data: Any, folder: str | os.PathLike[str], *, style: str = "default",
                 force: bool = False, progress: Callable[[str], object] | None = None,
                 client_pages: bool = True) -> dict[str, Path]:
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
        Called with the name of each step of :func:`report_steps` as it starts
        (the CLI draws a progress bar on a terminal with it).
    client_pages : bool
        With several clients (a coach's folder), also write one page per client
        under ``clients/<client>/`` (report.html, figures, summary.xlsx) holding
        only that client's data, for the coach to send to them; the main page
        lists the clients and links to their pages. Pass a pseudonymised
        result (:func:`jobstats.pseudonymise`) unless names may be shown.

    Returns
    -------
    dict
        Relative name (``"report.html"``, ``"figures/reply_curve.png"``,
        ``"clients/client-a/report.html"``, ...) -> path written.

    Examples
    --------
    >>> data = jobstats.load("my_tracker.xlsx", as_of="2025-06-30")  # doctest: +SKIP
    >>> write_report(data, "my_report")["report.html"]  # doctest: +SKIP
    PosixPath('my_report/report.html')
    """
    from jobstats.cohort import split_clients

    guard = OutputGuard(folder, force=force)
    folders = client_folders(data) if client_pages else {}
    targets = _own_targets()
    for rel in folders.values():
        targets += _own_targets(rel + "/", CLIENT_FORMATS)
    guard.check(targets)  # refuse before any work

    step = progress or (lambda name: None)
    written: dict[str, Path] = {}
    if folders:
        # the clients' pages first: the main page links to them, so no link is ever dangling
        parts = split_clients(data)
        for client, rel in folders.items():
            step(f"client {client}")
            written.update(_write_one(parts[client], guard, style=style, prefix=rel + "/",
                                      intro=CLIENT_INTRO, formats=CLIENT_FORMATS))
    links = {c: quote(rel) + "/report.html" for c, rel in folders.items()}
    written.update(_write_one(data, guard, style=style, step=step, client_links=links))
    return written


def _write_one(data: Any, guard: OutputGuard, *, style: str, prefix: str = "",
               step: Callable[[str], object] | None = None,
               client_links: dict[str, str] | None = None, intro: str = "",
               formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    """One report (page, figures, workbook) of ``data`` under ``prefix`` in the guarded folder."""
    from jobstats.due import followups_due
    from jobstats.report.html import render_page
    from jobstats.report.spreadsheet import write_workbook
    from jobstats.summary import summarize

    step = step or (lambda name: None)
    with shared_results():  # figures, tables and findings share each analysis
        step("headline numbers")
        try:  # the follow-up model once, for the headline, the tables and the findings
            effect = analyses.followup_effect(data) if len(data.applications) else None
        except JobstatsError:
            effect = None
        summary = summarize(data, followup=effect)  # AnalysisError when nothing to analyse
        step("result tables")
        tables, skipped = compute_tables(data)
        policy = tables.get("Follow-up policy")
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
                files = {ext: _render(drawn.figure, ext) for ext in formats}
                png = files["png"]
                for ext, content in files.items():
                    name = f"{prefix}figures/{drawn.name}.{ext}"
                    written[name] = guard.write_bytes(name, content)
            else:
                skipped[f"Chart: {drawn.title}"] = drawn.reason
            shown.append((drawn.name, drawn.title, png, drawn.reason))
    if skipped:
        tables["Not computed"] = pd.DataFrame({"table": list(skipped),
                                               "reason": list(skipped.values())})

    step("workbook")
    written[prefix + "summary.xlsx"] = guard.write(
        prefix + "summary.xlsx", lambda tmp: write_workbook(tmp, tables, notes))
    step("page")
    page = render_page(summary=summary.to_dict(), due=due, figures=shown,
                       rates=tables.get("Response rates"), report=data.report,
                       skipped={k: v for k, v in skipped.items() if not k.startswith("Chart: ")},
                       policy=policy, effect=effect, client_links=client_links, intro=intro,
                       formats=formats)
    written[prefix + "report.html"] = guard.write_bytes(prefix + "report.html",
                                                         page.encode("utf-8"))
    return written
