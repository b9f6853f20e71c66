"""The HTML report in a real headless Chromium (Debian's ``chromium``, driven by playwright).

``make test`` installs chromium first (``make browser``: apt-get, as root, when
missing). Without it these tests skip and say why. Playwright only drives the
system browser (``executable_path``): it never downloads one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_report import EVIL

import jobstats
from jobstats.report import write_report

CHROMIUM = os.environ.get("JOBSTATS_CHROMIUM") or shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed, so the report cannot be checked in a real "
    "browser: run `make browser` as root (apt-get install chromium), or set JOBSTATS_CHROMIUM",
)


@pytest.fixture(scope="module")
def _browser() -> Iterator[object]:
    """The system chromium, started once for this module (playwright drives it)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS[1:])
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def _browser_page(browser: object) -> Iterator[object]:
    """A page in a fresh browser context of ``browser``: its own throwaway profile (no
    cookies, cache or storage shared with another test), like a new chromium each time."""
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def report(hostile_report: Path) -> Path:
    """The report of the hostile tracker (``conftest.hostile_report``, shared with
    test_report.py: only read, never changed)."""
    return hostile_report / "report.html"


def test_report_renders_images_load_no_console_errors_and_names_stay_text(
        report: Path, _browser: object) -> None:
    console, page_errors, dialogs, requests = [], [], [], []
    with _browser_page(_browser) as page:
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri(), wait_until="load")
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])")
        body = page.inner_text("body")
        injected = page.locator("img[src='x']").count()
        headings = page.locator("h2").all_inner_texts()
    assert "Headline numbers" in headings and "How your file was read" in headings
    assert images, "the report shows no chart"
    assert all(complete and width > 0 for complete, width, _ in images), images
    assert [m for m in console if m[0] in ("error", "warning")] == []
    assert page_errors == [] and dialogs == []
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert injected == 0
    assert EVIL in body  # the company name is shown as text


def test_report_prints_to_pdf_and_screenshots_from_the_command_line(report: Path,
                                                                     tmp_path: Path) -> None:
    pdf, png = tmp_path / "report.pdf", tmp_path / "report.png"
    # one chromium run writes both files (headless chromium does each switch it is given):
    # a second start of the browser for the screenshot was half of this test's time
    extra = [f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
             f"--screenshot={png}", "--window-size=1100,1600", "--hide-scrollbars"]
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra,
                               report.as_uri()], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def coach_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of two simulated clients (pseudonymised): cohort page + two client pages."""
    from jobstats.privacy import pseudonymise

    folder = tmp_path_factory.mktemp("coach_browser")
    clients = folder / "clients"
    clients.mkdir()
    for i, name in enumerate(("ann_smith", "bob_jones")):
        apps, _ = jobstats.simulate_search(60, seed=40 + i, start="2025-02-03", weeks=12,
                                           as_of="2025-06-30")
        apps.assign(Company=apps["company"] + f" {name.split('_')[1].title()}").rename(
            columns={"applied_on": "Date applied", "status_raw": "Status"})[
            ["Company", "Date applied", "Status"]].to_csv(clients / f"{name}.csv", index=False)
    safe = pseudonymise(jobstats.load(clients, as_of="2025-06-30"), key=folder / "k.key.csv")
    return write_report(safe, folder / "out")["report.html"]


def test_cohort_page_links_open_a_client_page_in_the_browser(coach_report: Path, tmp_path: Path,
                                                             _browser: object) -> None:
    console, requests = [], []
    shot = tmp_path / "client.png"
    with _browser_page(_browser) as page:
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(coach_report.as_uri(), wait_until="load")
        links = page.locator("#clients a").all_inner_texts()
        page.locator("#clients a", has_text=links[0]).click()
        page.wait_for_load_state("load")
        url, title = page.url, page.locator("h1").inner_text()
        body = page.inner_text("body")
        images = page.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
        page.screenshot(path=str(shot), full_page=True)
    assert sorted(links) == ["Client A", "Client B"]
    assert url.endswith(f"/clients/{links[0].lower().replace(' ', '-')}/report.html")
    assert title == "Your job search" and links[0] in body
    other = links[1]
    assert other not in body and not ("Smith" in body and "Jones" in body)
    assert images and all(w > 0 for w in images)
    assert [m for m in console if m[0] in ("error", "warning")] == []
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
