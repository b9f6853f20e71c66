"""The one-page HTML report: self-contained, escaped, printable.

* Self-contained: styles inline, images as ``data:`` URIs, no script, no font
  or any other external request; a Content-Security-Policy allowing only
  inline styles and ``data:`` images makes that a promise the browser keeps.
* Every piece of text from the user's spreadsheet goes through
  :func:`html.escape` (tables through ``DataFrame.to_html(escape=True)``).
* Prints cleanly to PDF: print CSS (A4 margins, no breaks inside figures,
  cards or table rows, repeated table headers).
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from jobstats import __version__

esc = html.escape

#: At most this many load-report issues are shown on the page (all are in summary.xlsx).
MAX_ISSUES_SHOWN = 200

CSS = """
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d8dde3; --accent: #1f5fa8; --soft: #f3f6fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 1.8em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
p, li { max-width: 46em; }
.meta, .small, figcaption { color: var(--muted); font-size: 0.9em; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
.card { background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .value { font-size: 1.7em; font-weight: 650; color: var(--accent); }
.card .label { font-weight: 600; }
.card .detail { color: var(--muted); font-size: 0.85em; }
figure { margin: 16px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; font-size: 0.88em; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.finding { border-left: 4px solid var(--accent); padding: 4px 12px; margin: 10px 0; }
.missing { color: var(--muted); font-style: italic; }
td.nowrap { white-space: nowrap; }
td.why { min-width: 18em; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85em; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid-page; }
  .card, figure, tr, .finding { break-inside: avoid; }
  thead { display: table-header-group; }
  .cards { grid-template-columns: repeat(3, 1fr); }
  figure img { border: none; }
}
"""


def _pct(x: Any) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


def _interval(iv: dict[str, Any]) -> str:
    lo, hi = iv.get("ci_low"), iv.get("ci_high")
    if lo is None or hi is None:
        return ""
    return f"95% interval {lo:.0%} to {hi:.0%}"


def _card(label: str, value: str, detail: str) -> str:
    return (f'<div class="card"><div class="label">{esc(label)}</div>'
            f'<div class="value">{esc(value)}</div><div class="detail">{esc(detail)}</div></div>')


def _table(frame: pd.DataFrame, *, percent: Sequence[str] = ()) -> str:
    shown = frame.copy()
    for col in shown.columns:
        if col in percent:
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v:.1%}")
        elif pd.api.types.is_datetime64_any_dtype(shown[col]):
            shown[col] = shown[col].dt.strftime("%Y-%m-%d")
    return shown.to_html(index=False, border=0, escape=True, na_rep="", classes="data")


def headline_cards(summary: dict[str, Any]) -> str:
    """Cards for the headline numbers of :meth:`jobstats.summary.Summary.to_dict`."""
    cards = [
        _card("Applications", str(summary["applications"]),
              f"sent {summary['first_applied']} to {summary['last_applied']}"),
    ]
    rr = summary["response_rate"]
    cards.append(_card("Replies on record", f"{summary['responses']} ({_pct(rr['estimate'])})",
                       _interval(rr) or "too few applications for an interval"))
    for days, iv in summary["reply_within"].items():
        detail = _interval(iv) if iv["estimate"] is not None else "cannot tell yet"
        cards.append(_card(f"Reply within {days} days", _pct(iv["estimate"]),
                           detail + " (waiting applications counted fairly)"))
    med = summary["median_days_to_reply_among_replied"]
    cards.append(_card("Typical wait, when they reply", "n/a" if med is None else f"{med:g} days",
                       "median among applications that got a reply"))
    return '<div class="cards">' + "".join(cards) + "</div>"


def followup_findings(summary: dict[str, Any], wait_reason: str) -> str:
    """What the data says about following up, how sure, and what it cannot tell."""
    fu = summary["followup"]
    parts: list[str] = []
    if fu is None:
        parts.append("Your tracker has no dated follow-ups, so jobstats cannot tell whether "
                     "following up helps you. Record the date of each follow-up to find out.")
    else:
        counted = f"You followed up on {fu['followed_up']} applications (with a date)."
        hr = fu["hazard_ratio"]
        if hr is None:
            parts.append(f"{counted} No estimate of the effect: {fu['note'] or 'too little data'}.")
        else:
            lo, hi = fu["ci_low"], fu["ci_high"]
            what = (f"After a follow-up, the daily chance of a reply was {hr:.2f} times that of "
                    f"applications not (yet) followed up (95% interval {lo:.2f} to {hi:.2f}).")
            if lo > 1:
                sure = "The whole interval is above 1: in your data, following up helped."
            elif hi < 1:
                sure = ("The whole interval is below 1: in your data, follow-ups went with "
                        "fewer replies.")
            else:
                sure = ("The interval includes 1 (no effect): your data cannot tell whether "
                        "following up helps.")
            parts.append(f"{counted} {what} {sure}")
        cannot = (
            "What this cannot tell: it assumes nothing else links choosing to follow up and "
            "getting a reply (for example, following up only on the jobs you care most about). "
            f"Method: {fu['method']}.")
        naive = fu["naive"]
        if naive["rate_followed_up"] is not None and naive["rate_not_followed_up"] is not None:
            cannot += (
                " For contrast, the naive comparison (biased: follow-ups go to applications that "
                f"were already silent) says {_pct(naive['rate_followed_up'])} replied with a "
                f"follow-up vs {_pct(naive['rate_not_followed_up'])} without.")
        parts.append(cannot)
    parts.append(wait_reason)
    return "".join(f'<p class="finding">{esc(p)}</p>' for p in parts)


def due_section(due: pd.DataFrame) -> str:
    if due.empty:
        body = f"<p>Nothing to send on {esc(str(due.attrs['as_of'].date()))}.</p>"
    else:
        with_client = "client" in due and due["client"].notna().any()
        head = ["what", *(["client"] if with_client else []), "company", "title", "applied",
                "days waiting", "why"]
        rows = []
        for r in due.itertuples(index=False):
            cells = [f'<td class="nowrap">{esc(r.kind)}</td>']
            if with_client:
                cells.append(f"<td>{esc(_str(r.client))}</td>")
            cells += [f"<td>{esc(_str(r.company))}</td>", f"<td>{esc(_str(r.title))}</td>",
                      f'<td class="nowrap">{esc(r.applied_on.date().isoformat())}</td>',
                      f'<td class="num">{int(r.days_waiting)}</td>',
                      f'<td class="why">{esc(r.reason)}</td>']
            rows.append("<tr>" + "".join(cells) + "</tr>")
        body = ('<table class="due"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head)
                + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    notes = [due.attrs["after_reason"], *due.attrs["notes"]]
    return body + "".join(f'<p class="small">{esc(n)}</p>' for n in notes)


def _str(value: Any) -> str:
    missing = value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
    return "" if missing else str(value)


def figure_html(name: str, title: str, png: bytes | None, reason: str = "") -> str:
    if png is None:
        return (f'<p class="missing">Chart “{esc(title)}” not drawn: {esc(reason)}</p>')
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure id="fig-{esc(name)}"><img src="data:image/png;base64,{data}" '
            f'alt="{esc(title, quote=True)}"><figcaption>{esc(title)} '
            f'(also figures/{esc(name)}.png and .svg)</figcaption></figure>')


def load_report_html(report: Any) -> str:
    """The load report: files, columns read, decisions and every dropped or doubted row."""
    files = ", ".join(p.name for p in report.files)
    warnings = int((report.issues["severity"] == "warning").sum())
    parts = [
        f"<p>Read <b>{esc(files)}</b> (format: {esc(report.format)}; sheet(s): "
        f"{esc(', '.join(report.sheets))}): {report.n_applications} applications, "
        f"{report.dropped} rows left out, {warnings} warnings.</p>",
        "<h3>Columns read</h3>",
        _table(report.mapping.drop(columns=[c for c in ("file",) if c in report.mapping])),
    ]
    bullets = [f"dates: {d}" for d in report.date_decisions] + list(report.notes)
    if report.extras:
        bullets.append("extra columns kept: " + ", ".join(map(str, report.extras)))
    if report.ignored:
        bullets.append("columns ignored (empty): " + ", ".join(map(str, report.ignored)))
    if bullets:
        parts.append("<h3>Decisions</h3><ul>" + "".join(f"<li>{esc(b)}</li>" for b in bullets)
                     + "</ul>")
    issues = report.issues
    if len(issues):
        parts.append("<h3>Rows left out or doubted</h3>")
        parts.append(_table(issues.head(MAX_ISSUES_SHOWN)))
        if len(issues) > MAX_ISSUES_SHOWN:
            parts.append(f"<p class='small'>... and {len(issues) - MAX_ISSUES_SHOWN} more: "
                         "all are on the 'Load report' sheet of summary.xlsx.</p>")
    return "\n".join(parts)


def render_page(*, summary: dict[str, Any], due: pd.DataFrame, figures: list[tuple],
                rates: pd.DataFrame | None, report: Any, skipped: dict[str, str]) -> str:
    """The whole page. ``figures``: ``(name, title, png_bytes_or_None, reason)`` tuples."""
    as_of = summary["as_of"]
    files = ", ".join(str(f).rsplit("/", 1)[-1] for f in summary["files"])
    sections = [
        "<header><h1>Your job search</h1>"
        f'<p class="meta">As of {esc(as_of)} &middot; {summary["applications"]} applications '
        f"from {esc(files)} &middot; jobstats {esc(__version__)}</p>"
        "<p>Applications still waiting for a reply are counted as <i>still waiting</i>, not as "
        "“no reply”: every chance below is for the time each application has had so "
        "far.</p></header>",
        "<section id='headline'><h2>Headline numbers</h2>" + headline_cards(summary) + "</section>",
        "<section id='charts'><h2>Charts</h2>"
        + "".join(figure_html(*f) for f in figures) + "</section>",
        "<section id='followup'><h2>Does following up help?</h2>"
        + followup_findings(summary, due.attrs["after_reason"]) + "</section>",
        "<section id='due'><h2>What to send today</h2>" + due_section(due) + "</section>",
    ]
    if rates is not None:
        sections.append("<section id='rates'><h2>Rates</h2>"
                        + _table(rates, percent=("estimate", "ci_low", "ci_high")) + "</section>")
    if skipped:
        sections.append("<section id='skipped'><h2>Not computed</h2><ul>" + "".join(
            f"<li>{esc(k)}: {esc(v)}</li>" for k, v in skipped.items()) + "</ul></section>")
    sections.append("<section id='load'><h2>How your file was read</h2>"
                    + load_report_html(report) + "</section>")
    sections.append("<footer>The figures are also in <code>figures/</code> (PNG and SVG) and "
                    "every table in <code>summary.xlsx</code>, beside this page.</footer>")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>Job search report, as of {esc(as_of)}</title><style>{CSS}</style></head>"
        "<body><main>\n" + "\n".join(sections) + "\n</main></body></html>\n"
    )
