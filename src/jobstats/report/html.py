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


def _pp(x: float) -> str:
    """A difference of chances in percentage points, signed (one decimal below 1 point,
    so a small negative bound does not read as "-0")."""
    v = x * 100
    return f"{v:+.0f} points" if abs(v) >= 1 else f"{v:+.1f} points"


def _num(x: Any) -> float | None:
    """``x`` as a float, None when missing (NaN, None, NA)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def policy_findings(policy: pd.DataFrame | None, why_missing: str = "") -> list[str]:
    """What the follow-up policy table says, in plain words: best day vs never, how sure."""
    if policy is None or not len(policy):
        return ["What the data says: it cannot tell whether following up helps you. The "
                f"reason: {why_missing or 'the follow-up policy table could not be computed'}."]
    attrs = policy.attrs
    if not attrs.get("identifiable", False):
        return [f"What the data says: it cannot tell whether following up helps you, or on "
                f"which day. The reason: {attrs.get('reason') or 'too little data'}."]
    horizon = int(policy["horizon_days"].iloc[0])
    never = policy[policy["policy"] == "never"].iloc[0]
    days = policy[policy["day"].notna() & policy["estimate"].notna()]
    out = []
    if not len(days) or _num(never["estimate"]) is None:
        return [f"What the data says: it cannot tell the chance of a reply within {horizon} "
                "days under any follow-up day (every day has too little data)."]
    best = days.loc[days["estimate"].idxmax()]
    d = f"day {best['day']:g}"
    says = (f"What the data says: of the days compared, following up on {d} of silence "
            f"gives the best chance of a reply within {horizon} days, "
            f"{_pct(best['estimate'])} (95% interval {_pct(best['ci_low'])} to "
            f"{_pct(best['ci_high'])}), against {_pct(never['estimate'])} "
            f"({_pct(never['ci_low'])} to {_pct(never['ci_high'])}) if you never follow up: "
            f"a difference of {_pp(best['difference'])}")
    lo, hi = _num(best["diff_ci_low"]), _num(best["diff_ci_high"])
    if lo is None or hi is None:
        out.append(says + " (no interval for the difference).")
    else:
        out.append(says + f" (95% interval {_pp(lo)} to {_pp(hi)}).")
        if lo > 0:
            sure = (f"How sure: the whole interval of the difference is above zero, so in your "
                    f"data following up on {d} went with more replies than never following "
                    "up. Neighbouring days have overlapping intervals: the exact day is less "
                    "certain than the gain.")
        elif hi < 0:
            sure = (f"How sure: the whole interval of the difference is below zero: in your "
                    f"data, following up on {d} went with fewer replies.")
        else:
            sure = (f"How sure: not sure. The interval of the difference includes zero, so your "
                    f"data cannot tell whether following up on {d} helps at all; {d} is only "
                    "the best guess among the days compared.")
        out.append(sure)
    missing = policy[policy["day"].notna() & policy["estimate"].isna()]
    if len(missing):
        out.append("No estimate for " + "; ".join(
            f"{r.policy} ({r.note})" if r.note else str(r.policy)
            for r in missing.itertuples()) + ".")
    return out


def followup_findings(policy: pd.DataFrame | None, effect: Any, wait_reason: str,
                      why_missing: str = "") -> str:
    """What the data says about following up, how sure, and what it cannot tell.

    Parameters
    ----------
    policy : DataFrame or None
        The follow-up policy table (:func:`jobstats.followup_policy`).
    effect : FollowupEffect or None
        :func:`jobstats.followup_effect` (hazard ratio, E-value, naive rates).
    wait_reason : str
        Which wait the due list used, and why.
    why_missing : str
        Why there is no policy table, when ``policy`` is None.
    """
    parts = policy_findings(policy, why_missing)
    if effect is not None and effect.followed_up > 0:
        hr = _num(effect.hazard_ratio)
        if hr is not None:
            lo, hi = effect.ci_low, effect.ci_high
            verdict = ("above 1: replies did come faster after a follow-up" if lo > 1 else
                       "below 1: replies came slower after a follow-up" if hi < 1 else
                       "includes 1 (no change), so this cannot tell either")
            parts.append(
                f"The speed of replies, a related measure: after a follow-up, replies came "
                f"{hr:.1f} times as fast as during the same wait without one (95% interval "
                f"{lo:.1f} to {hi:.1f}; {effect.followed_up} applications followed up). "
                f"That interval is {verdict}. It looks only at the days after each follow-up; "
                "the chance within the horizon adds them up over the whole wait, so the two "
                "can differ in how sure they are.")
        naive = effect.naive
        if naive["rate_followed_up"] is not None and not math.isnan(naive["rate_followed_up"]):
            parts.append(
                "The naive comparison, for contrast (biased: follow-ups go to applications "
                f"that were already silent): {_pct(naive['rate_followed_up'])} of followed-up "
                f"applications replied vs {_pct(naive['rate_not_followed_up'])} of the others.")
    attrs = {} if policy is None else policy.attrs
    has_hr = effect is not None and _num(effect.hazard_ratio) is not None
    if attrs.get("identifiable", False) or has_hr:
        assumption = attrs.get("assumption") or getattr(effect, "assumption", "")
        adjusted = attrs.get("adjusted_for") or getattr(effect, "adjusted_for", [])
        parts.append(
            f"What it cannot tell: {assumption} "
            + (f"It takes into account: {', '.join(adjusted)}; nothing else."
               if adjusted else "It takes nothing else into account."))
        ev = None if effect is None else _num(effect.e_value)
        if ev is not None:
            ev_ci = _num(effect.e_value_ci)
            text = (f"E-value {ev:.1f}: to explain the time-aware estimate away, a hidden reason "
                    f"would have to make you about {ev:.1f} times as likely to follow up and a "
                    f"reply about {ev:.1f} times as likely, both at once")
            if ev_ci is not None and ev_ci > 1:
                text += (f"; to make its interval reach 'no effect', {ev_ci:.1f} times. "
                         "The larger the E-value, the harder the result is to explain away.")
            else:
                text += ("; its interval already includes 'no effect' (E-value of the interval: "
                         "1), so no hidden reason is needed to explain it.")
            parts.append(text)
        elif effect is not None:
            parts.append(f"No E-value: {effect.e_value_note or 'no time-aware estimate'}.")
        method = (str(policy["method"].iloc[0]) if attrs.get("identifiable", False)
                  else getattr(effect, "method", ""))
        if method:
            parts.append(f"Method: {method}.")
    elif effect is not None and effect.followed_up == 0:
        parts.append("Record the date of each follow-up in your tracker to find out.")
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


def figure_html(name: str, title: str, png: bytes | None, reason: str = "",
                formats: tuple[str, ...] = ("png", "svg")) -> str:
    if png is None:
        return (f'<p class="missing">Chart “{esc(title)}” not drawn: {esc(reason)}</p>')
    data = base64.b64encode(png).decode("ascii")
    files = f"figures/{esc(name)}." + " and .".join(formats)
    return (f'<figure id="fig-{esc(name)}"><img src="data:image/png;base64,{data}" '
            f'alt="{esc(title, quote=True)}"><figcaption>{esc(title)} '
            f'(also {files})</figcaption></figure>')


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


def _n(v: Any) -> str:
    return "not in the data" if v is None else str(v)


def _share(c: dict[str, Any], key: str) -> str:
    if c.get(key) is None:
        return "not in the data" if not c.get("reply_info", True) else "n/a"
    lo, hi = c.get(key + "_ci_low"), c.get(key + "_ci_high")
    band = f" ({lo:.0%}&ndash;{hi:.0%})" if lo is not None and hi is not None else ""
    return f"{c[key]:.0%}{band}"


def cohort_section(cohort: dict[str, Any], links: dict[str, str] | None = None) -> str:
    """The coach's view: one row per client (linked to their own page), pooled
    estimates and the clients needing attention, from :func:`jobstats.cohort.cohort_report`."""
    links = links or {}
    rows = []
    for c in cohort["clients"]:
        name = esc(str(c["client"]))
        cell = (f'<a href="{esc(links[c["client"]], quote=True)}">{name}</a>'
                if c["client"] in links else name)
        share = c["followed_up_share"]
        fu = "not in the data" if share is None else f"{share:.0%}"
        rows.append(
            f"<tr><td class='nowrap'>{cell}</td><td class='num'>{c['n']}</td>"
            f"<td class='nowrap'>{_share(c, 'reply_rate')}</td>"
            f"<td class='nowrap'>{_share(c, 'reply_14d')}</td>"
            f"<td>{fu}</td><td class='num'>{esc(_n(c['interviews']))}</td>"
            f"<td class='num'>{esc(_n(c['offers']))}</td>"
            f"<td class='why'>{esc(c['cannot_tell'] or '')}</td></tr>")
    head = ["client", "applications", "replies (95% interval)", "reply within 14 days",
            "followed up", "interviews", "offers", "the file cannot tell"]
    parts = [
        "<p>One line per client (each file is one client). "
        + ("Each name links to that client's own page, which holds only their data and can "
           "be sent to them. " if links else "")
        + "Chances count applications still waiting as waiting, not as “no reply”.</p>",
        "<table class='clients'><thead><tr>" + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>",
        "<h3>Pooled over the clients whose files hold the information</h3><ul>",
    ]
    for p in cohort["pooled"]:
        est = ("n/a" if p["estimate"] is None else f"{p['estimate']:.0%}" + (
            "" if p["ci_low"] is None else f" (95% interval {p['ci_low']:.0%} to "
                                            f"{p['ci_high']:.0%})"))
        note = f" {esc(p['note'])}." if p["note"] else ""
        parts.append(f"<li>{esc(p['measure'])}: <b>{esc(est)}</b>, {p['clients']} clients, "
                     f"{p['n']} applications.{note}</li>")
    parts.append("</ul><h3>Clients needing attention</h3>")
    if cohort["attention"]:
        parts.append("<ul>" + "".join(
            f"<li><b>{esc(str(f['client']))}</b>: {esc(f['flag'])}: {esc(f['reason'])}</li>"
            for f in cohort["attention"]) + "</ul>")
    else:
        parts.append("<p>None by the rules below.</p>")
    parts.append("<p class='small'>Rules: " + esc("; ".join(cohort["attention_rules"]))
                 + ".</p>")
    return "\n".join(parts)


def render_page(*, summary: dict[str, Any], due: pd.DataFrame, figures: list[tuple],
                rates: pd.DataFrame | None, report: Any, skipped: dict[str, str],
                policy: pd.DataFrame | None = None, effect: Any = None,
                client_links: dict[str, str] | None = None, heading: str | None = None,
                intro: str = "", formats: tuple[str, ...] = ("png", "svg")) -> str:
    """The whole page.

    ``figures``: ``(name, title, png_bytes_or_None, reason)`` tuples; ``policy``
    and ``effect``: the follow-up policy table and :func:`jobstats.followup_effect`
    (None when not computed) for the follow-up findings. With several clients
    (``summary["cohort"]``) a "Clients" section lists them, each linked to
    ``client_links[client]`` when given. ``heading`` replaces "Your job
    search"; ``intro`` is a first paragraph (plain text); ``formats``: the figure
    files written beside the page (named in each caption).
    """
    as_of = summary["as_of"]
    files = ", ".join(str(f).rsplit("/", 1)[-1] for f in summary["files"])
    title = heading or ("Your clients' job searches" if summary.get("cohort") else
                        "Your job search")
    sections = [
        f"<header><h1>{esc(title)}</h1>"
        f'<p class="meta">As of {esc(as_of)} &middot; {summary["applications"]} applications '
        f"from {esc(files)} &middot; jobstats {esc(__version__)}</p>"
        + (f"<p>{esc(intro)}</p>" if intro else "")
        + "<p>Applications still waiting for a reply are counted as <i>still waiting</i>, not as "
        "“no reply”: every chance below is for the time each application has had so "
        "far.</p></header>",
        "<section id='headline'><h2>Headline numbers</h2>" + headline_cards(summary) + "</section>",
    ]
    if summary.get("cohort"):
        sections.append("<section id='clients'><h2>Clients</h2>"
                        + cohort_section(summary["cohort"], client_links) + "</section>")
    sections += [
        "<section id='followup'><h2>Does following up help?</h2>"
        + followup_findings(policy, effect, due.attrs["after_reason"],
                            skipped.get("Follow-up policy", "")) + "</section>",
        "<section id='charts'><h2>Charts</h2>"
        + "".join(figure_html(*f, formats=formats) for f in figures) + "</section>",
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
    kinds = " and ".join(f.upper() for f in formats)
    sections.append(f"<footer>The figures are also in <code>figures/</code> ({kinds}) and "
                    "every table in <code>summary.xlsx</code>, beside this page.</footer>")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{esc(title)}: report as of {esc(as_of)}</title><style>{CSS}</style></head>"
        "<body><main>\n" + "\n".join(sections) + "\n</main></body></html>\n"
    )
