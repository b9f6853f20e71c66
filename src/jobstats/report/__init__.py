"""Report assembly: HTML page, figure files and workbook from results and figures.

``write_report(data, folder)`` writes

* ``folder/figures/<name>.png`` and ``.svg`` for every figure of
  :data:`jobstats.report.figures.FIGURES`,
* ``folder/summary.xlsx``: one formatted sheet per table of
  :data:`jobstats.report.tables.TABLES`, the due list and the load report,
* ``folder/report.html`` last: one self-contained page.

With several clients (a coach's folder) it also writes one page per client,
``folder/clients/<client>/`` (page, PNG figures and workbook), holding only
that client's data; the main page lists the clients and links to them and is
written last. A client page is shorter than the main page (the charts of
:data:`CLIENT_FIGURES`, the sheets of :data:`CLIENT_TABLES`; its charts in a fixed
layout, drawn once and cropped: :mod:`jobstats.report.png`). From
:data:`PARALLEL_MIN_CLIENTS` clients the pages are composed in worker
processes, one per core, while this process composes the main page; workers
only return bytes, and this process writes every file.

Every file is written atomically and recorded in the folder's manifest
(:mod:`jobstats.report.writing`): an interrupted run leaves each file either
as it was or complete, and files jobstats did not write are never
overwritten unless ``force=True``.
"""

from __future__ import annotations

import gc
import io
import os
import re
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import quote

import matplotlib
import pandas as pd

from jobstats.report import analyses
from jobstats.report.analyses import shared_results
from jobstats.report.figures import FIGURES, draw_figures, fixed_layout, register_figure
from jobstats.report.png import cropped_png, png_canvas
from jobstats.report.tables import TABLES, compute_tables, register_table
from jobstats.report.writing import OutputGuard, atomic_write
from jobstats.risksets import shared_steps
from jobstats.schema import JobstatsError

__all__ = ["write_report", "REPORT_STEPS", "report_steps", "client_folders", "CLIENTS_DIR",
           "CLIENT_FIGURES", "CLIENT_TABLES", "PARALLEL_MIN_CLIENTS",
           "register_figure", "register_table", "FIGURES", "TABLES",
           "OutputGuard", "atomic_write"]


#: Resolution of the main page's PNG figures.
DPI = 150


def _render(fig: Any, fmt: str, dpi: int = DPI, *, cropped: bool = False) -> bytes:
    if cropped and fmt == "png":
        # drawn once and cropped (fixed-layout figures); None: let savefig fit it
        png = cropped_png(fig, dpi, pad_inches=0.15)
        if png is not None:
            return png
    if fmt == "png":
        png_canvas(fig)  # measures each text once across the layout and drawing passes
    buf = io.BytesIO()
    # no creation date, and SVG ids from a fixed salt instead of random ones (as
    # plotting.save_figure does): the same data gives the same bytes
    metadata = {"Date": None} if fmt == "svg" else {}
    with matplotlib.rc_context({"svg.hashsalt": "jobstats"}):
        # tight: the charts put notes and labels outside their Axes
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata, bbox_inches="tight",
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


#: The charts of a client's page, in page order: what one job seeker acts on. When to
#: follow up (the advice), how long replies take (when silence starts to mean no), and
#: their own week-by-week pace (what the coach's "gap in activity" flag is about).
#: Left out, all on the coach's page: the naive-vs-time-aware follow-up chart (method;
#: the page's findings give its result in words), the flow and stage conversion (the
#: headline cards give the counts), replies by source (a per-source analysis that
#: costs as much as the rest of the page) and the month-by-month comparison.
CLIENT_FIGURES = ("followup_policy", "reply_curve", "weekly_activity")

#: Sheets of a client's workbook: the tables behind what the page shows (the
#: breakdowns by source and by month, the slowest analyses, are on the coach's only).
CLIENT_TABLES = ("Response rates", "Reply within", "Reply curve", "Follow-up effect",
                 "Follow-up policy")

#: Resolution of a client page's PNGs: a 9.6-inch chart is 960 px, about its width on
#: the page (the main page's 150 dpi is for zooming and print; 2.25 x the pixels).
CLIENT_DPI = 100


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
                 client_pages: bool = True, workers: int | None = None) -> dict[str, Path]:
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
        (the CLI draws a progress bar on a terminal with it). With client pages
        made in parallel, each ``"client <name>"`` step is announced as that
        page is written, interleaved with the main page's steps.
    client_pages : bool
        With several clients (a coach's folder), also write one page per client
        under ``clients/<client>/`` (report.html, figures, summary.xlsx) holding
        only that client's data, for the coach to send to them; the main page
        lists the clients and links to their pages. Pass a pseudonymised
        result (:func:`jobstats.pseudonymise`) unless names may be shown.
    workers : int, optional
        Processes making the client pages. Default: one per available core
        when there are at least :data:`PARALLEL_MIN_CLIENTS` clients, else 1
        (no extra process); 1 where processes cannot be forked (not Linux). Every
        file is still written by this process.

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
        targets += _client_targets(rel + "/")
    guard.check(targets)  # refuse before any work

    step = progress or (lambda name: None)
    written: dict[str, Path] = {}
    links = {c: quote(rel) + "/report.html" for c, rel in folders.items()}
    if not folders:
        written.update(guard.write_many(_compose(data, style=style, step=step)))
        return written
    parts = split_clients(data)
    jobs = [(parts[c], c, rel + "/", style) for c, rel in folders.items()]
    n = _workers(workers, len(jobs))
    if n <= 1:
        # the clients' pages first: the main page links to them, so no link is ever dangling
        for job in jobs:
            step(f"client {job[1]}")
            written.update(guard.write_many(_client_files(job)))
        written.update(guard.write_many(_compose(data, style=style, step=step,
                                                 client_links=links)))
        return written
    step = _one_at_a_time(step)  # called from this thread and from the writer thread
    written.update(_parallel(jobs, n, guard, step,
                             lambda: _compose(data, style=style, step=step, client_links=links)))
    return written


#: From this many clients, client pages are made in parallel (one process per core):
#: below it, starting the processes costs more than it saves.
PARALLEL_MIN_CLIENTS = 8


def _workers(requested: int | None, jobs: int) -> int:
    import multiprocessing

    # fork only (Linux): workers start as copies of this process, with jobstats already
    # imported and nothing re-run; with spawn, a caller's script without an
    # ``if __name__ == "__main__"`` guard would run again in every worker.
    if "fork" not in multiprocessing.get_all_start_methods() or sys.platform != "linux":
        return 1
    if requested is not None:
        return max(1, min(int(requested), jobs))
    cores = len(os.sched_getaffinity(0))
    return min(cores, jobs) if jobs >= PARALLEL_MIN_CLIENTS else 1


def _one_at_a_time(step: Callable[[str], object]) -> Callable[[str], None]:
    import threading

    lock = threading.Lock()

    def locked(name: str) -> None:
        with lock:
            step(name)

    return locked


def _parallel(jobs: list[tuple], n: int, guard: OutputGuard, step: Callable[[str], object],
              main_page: Callable[[], dict[str, bytes]]) -> dict[str, Path]:
    """Client pages composed in ``n`` worker processes, the main page here meanwhile.

    Workers return bytes only; this process writes every file through ``guard``
    (manifest, atomic writes), in a writer thread, client by client in order,
    and the main page last, after all its links' targets exist.
    """
    written: dict[str, Path] = {}
    # The workers are forked copies of this process, whole cohort included. Frozen, its
    # objects are left out of the workers' garbage collections, which otherwise walk
    # (and so copy, page by page) all of them again and again while drawing charts:
    # 0.96 -> 0.79 s of CPU a client page for 200 clients (python -m benchmarks.cohort).
    gc.freeze()
    try:
        page = _pool_pages(jobs, n, guard, step, main_page, written)
    finally:
        gc.unfreeze()
    written.update(guard.write_many(page))
    return written


def _pool_pages(jobs: list[tuple], n: int, guard: OutputGuard, step: Callable[[str], object],
                main_page: Callable[[], dict[str, bytes]],
                written: dict[str, Path]) -> dict[str, bytes]:
    """Run :func:`_parallel`'s pool: write the client pages, return the main page's files."""
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    failed: list[BaseException] = []
    stop = threading.Event()
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork")
                             ) as pool:
        futures = [pool.submit(_client_files, job) for job in jobs]

        def write_clients() -> None:
            try:
                for job, future in zip(jobs, futures):
                    files = future.result()
                    if stop.is_set():
                        return
                    step(f"client {job[1]}")
                    written.update(guard.write_many(files))
            except BaseException as exc:  # re-raised in the calling thread
                failed.append(exc)

        writer = threading.Thread(target=write_clients, name="jobstats-client-pages")
        writer.start()
        try:
            page = main_page()
        except BaseException:
            stop.set()
            for future in futures:
                future.cancel()
            raise
        finally:
            writer.join()
        if failed:
            raise failed[0]
    return page


def _client_targets(prefix: str) -> list[str]:
    figure_files = [f"figures/{n}.{ext}" for n in CLIENT_FIGURES for ext in CLIENT_FORMATS]
    return [prefix + n for n in (*figure_files, "summary.xlsx", "report.html")]


def _client_files(job: tuple) -> dict[str, bytes]:
    """One client's page, figures and workbook as bytes (run in a worker process)."""
    part, _client, prefix, style = job
    return _compose(part, style=style, prefix=prefix, intro=CLIENT_INTRO,
                    formats=CLIENT_FORMATS, figures=_registry(FIGURES, CLIENT_FIGURES),
                    tables=_registry(TABLES, CLIENT_TABLES), dpi=CLIENT_DPI, fixed=True)


def _registry(registry: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: registry[name] for name in names if name in registry}


def _workbook_bytes(tables: dict[str, pd.DataFrame], notes: dict[str, list[str]]) -> bytes:
    import tempfile

    from jobstats.report import spreadsheet

    # openpyxl writes to a path; a private temporary folder, never the output folder
    with tempfile.TemporaryDirectory(prefix="jobstats-") as tmp:
        path = Path(tmp) / "summary.xlsx"
        spreadsheet.write_workbook(path, tables, notes)
        return path.read_bytes()


def _compose(data: Any, *, style: str, prefix: str = "",
             step: Callable[[str], object] | None = None,
             client_links: dict[str, str] | None = None, intro: str = "",
             formats: tuple[str, ...] = FORMATS, figures: dict[str, Any] | None = None,
             tables: dict[str, Any] | None = None, dpi: int = DPI,
             fixed: bool = False) -> dict[str, bytes]:
    """One report (figures, workbook, page last) of ``data`` as ``{name under prefix: bytes}``.

    ``figures``/``tables``: the registries to draw and tabulate (default: all).
    ``fixed``: charts in a fixed layout, drawn once and cropped (client pages: the
    main page keeps constrained layout and ``savefig``'s tight box).
    Nothing is written: the caller writes the files (in this order) through its guard.
    """
    from jobstats.due import followups_due
    from jobstats.report.html import render_page
    from jobstats.summary import summarize

    step = step or (lambda name: None)
    files: dict[str, bytes] = {}
    # figures, tables and findings share each analysis, and the analyses share the
    # per-application steps (reply durations, follow-up days) they start from
    with shared_results(), shared_steps():
        step("headline numbers")
        try:  # the follow-up model once, for the headline, the tables and the findings
            effect = analyses.followup_effect(data) if len(data.applications) else None
        except JobstatsError:
            effect = None
        summary = summarize(data, followup=effect)  # AnalysisError when nothing to analyse
        analyses.remember(data, "rates", summary.rates)  # the "Response rates" sheet
        step("result tables")
        computed, skipped = compute_tables(data, tables)
        policy = computed.get("Follow-up policy")
        if policy is None and tables is not None:  # the due list and findings need it
            try:
                policy = analyses.followup_policy(data)
            except JobstatsError:
                policy = None
        step("due list")
        due = followups_due(data, policy=policy)
        computed["Due today"] = due
        computed["Load report"] = _load_report_table(data.report)
        computed["Columns read"] = data.report.mapping
        notes = {"Due today": [due.attrs["after_reason"], *due.attrs["notes"]]}

        shown = []
        step("figures")
        with fixed_layout() if fixed else nullcontext():
            drawn_figures = draw_figures(data, style=style, registry=figures)
        for drawn in drawn_figures:
            png = None
            if drawn.figure is not None:
                rendered = {ext: _render(drawn.figure, ext, dpi, cropped=fixed)
                            for ext in formats}
                png = rendered["png"]
                for ext, content in rendered.items():
                    files[f"{prefix}figures/{drawn.name}.{ext}"] = content
            else:
                skipped[f"Chart: {drawn.title}"] = drawn.reason
            shown.append((drawn.name, drawn.title, png, drawn.reason))
    if skipped:
        computed["Not computed"] = pd.DataFrame({"table": list(skipped),
                                                 "reason": list(skipped.values())})

    step("workbook")
    files[prefix + "summary.xlsx"] = _workbook_bytes(computed, notes)
    step("page")
    page = render_page(summary=summary.to_dict(), due=due, figures=shown,
                       rates=computed.get("Response rates"), report=data.report,
                       skipped={k: v for k, v in skipped.items() if not k.startswith("Chart: ")},
                       policy=policy, effect=effect, client_links=client_links, intro=intro,
                       formats=formats)
    files[prefix + "report.html"] = page.encode("utf-8")
    return files
