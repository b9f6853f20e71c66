"""Write the bundled SYNTHETIC sample data (data/sample/) from jobstats.simulate.

Every file is one simulated job search (``jobstats.simulate.simulate_search``,
fixed seeds) written out in the shape a real tool or person produces: a personal
workbook, a LinkedIn data-archive export, and ten coach clients' files in
Huntr, Teal, Simplify, Careerflow and home-made formats. The simulated canonical
tables (the truth) are written next to them under ``truth/``.

Running it twice gives byte-identical files (CSV and xlsx: workbook and zip
timestamps are fixed).

Usage::

    python scripts/make_sample_data.py [--out data/sample] [--package-dir src/jobstats/datasets]
"""

from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from jobstats.simulate import DEFAULT_SOURCES, simulate_search
from jobstats.io.template import DATE_HEADERS as TEMPLATE_DATE_HEADERS
from jobstats.io.template import HEADERS as TEMPLATE_HEADERS
from jobstats.io.template import save_workbook_reproducibly, write_template

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2025-06-30"
#: Workbook "created/modified" stamp and zip entry time of every sample xlsx.
XLSX_TIMESTAMP = datetime(2025, 7, 1)
# True effects built into every sample (passed to simulate_search; README states them).
FOLLOWUP_HR = 1.6
THANK_YOU_OR = 2.0

PERSONAL = {"n": 250, "seed": 2025, "start": "2025-01-06", "weeks": 24}
LINKEDIN = {"n": 180, "seed": 7, "start": "2025-01-13", "weeks": 22}
LINKEDIN_SOURCES = {"linkedin easy apply": (0.8, 0.12), "linkedin": (0.2, 0.25)}


@dataclass(frozen=True)
class Client:
    """One coach client's file: which writer, size, seed and period."""

    name: str  # file stem
    fmt: str  # writer key
    n: int
    seed: int
    start: str
    weeks: int
    ext: str


CLIENTS: tuple[Client, ...] = (
    Client("client_01_huntr", "huntr", 120, 101, "2025-01-06", 20, "csv"),
    Client("client_02_teal", "teal", 80, 102, "2025-02-03", 18, "csv"),
    Client("client_03_simplify", "simplify", 150, 103, "2025-01-13", 22, "csv"),
    Client("client_04_careerflow", "careerflow", 60, 104, "2025-03-03", 14, "xlsx"),
    Client("client_05_personal_followups", "personal_followups", 100, 105, "2025-01-20", 20,
           "xlsx"),
    Client("client_06_europe", "europe", 70, 106, "2025-02-10", 16, "csv"),
    Client("client_07_personal_dmy", "personal_dmy", 45, 107, "2025-03-17", 12, "csv"),
    Client("client_08_linkedin", "linkedin", 200, 108, "2025-01-06", 24, "csv"),
    Client("client_09_template", "template", 90, 109, "2025-02-17", 16, "xlsx"),
    Client("client_10_google_sheet", "google_sheet", 130, 110, "2025-01-06", 22, "csv"),
)

# Rows that are not applications, written on purpose (wish lists, saved jobs):
# a loader must leave them out and report them.
NOT_APPLICATIONS = {"huntr": 2, "teal": 2, "simplify": 2, "careerflow": 1}

# --- names (all invented) ----------------------------------------------------

_US_A = (
    "Acorn", "Apex", "Arbor", "Atlas", "Beacon", "Birch", "Bluebird", "Canyon", "Cascade",
    "Clearwater", "Cobalt", "Copper", "Crescent", "Delta", "Evergreen", "Falcon", "Granite",
    "Hawthorne", "Horizon", "Juniper", "Keystone", "Lakeside", "Lantern", "Meridian", "Mosaic",
    "Northwind", "Oakridge", "Orbit", "Pinnacle", "Prairie", "Redwood", "Riverbend", "Sequoia",
    "Sierra", "Summit", "Tidewater", "Trillium", "Vantage", "Willow", "Zephyr",
)
_US_B = (
    "Analytics", "Bank", "Biotech", "Capital", "Cloud", "Consulting", "Data", "Digital",
    "Energy", "Foods", "Games", "Health", "Insurance", "Labs", "Logistics", "Media", "Mobility",
    "Partners", "Retail", "Robotics", "Software", "Systems", "Telecom", "Travel",
)
# Only characters cp1252 can encode (the European client's file is cp1252).
_EU_A = (
    "Crédit", "Société", "Bäckerei", "Müller", "Zürich", "Lumière", "Øresund", "Café", "Forêt",
    "Château", "Größe", "Señal", "Açores", "Élan", "Fjällby", "Brücke", "Göteborg", "Nöel",
    "Ångström", "Kärnten",
)
_EU_B = (
    "Analytique", "Datenwerk", "Conseil", "Systèmes", "Logistik", "Énergie", "Santé", "Bank",
    "Médias", "Handel", "Versicherung", "Données", "Technik", "Studio",
)
_FIRST = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Robin", "Avery")
_LAST = (
    "Rivera", "Chen", "Okafor", "Novak", "Larsen", "Dubois", "Patel", "Schmidt", "Kim", "Moreau",
)
_CITIES = (
    "Remote", "New York, NY", "Austin, TX", "Chicago, IL", "Seattle, WA", "Denver, CO",
    "Boston, MA",
)


def _companies(rng: np.random.Generator, n: int, european: bool = False) -> np.ndarray:
    """``n`` distinct invented company names (company + role is a key in some files)."""
    a, b = (_EU_A, _EU_B) if european else (_US_A, _US_B)
    pick = rng.choice(len(a) * len(b), size=n, replace=False)
    return np.array([f"{a[i // len(b)]} {b[i % len(b)]}" for i in pick], dtype=object)


# --- simulated tables, widened to one row per application ------------------


def simulate(
    n: int,
    seed: int,
    start: str,
    weeks: int,
    *,
    sources: dict[str, tuple[float, float]] | None = None,
    client: str | None = None,
    european: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One simulated search, with unique invented company names."""
    apps, events = simulate_search(
        n, seed=seed, start=start, weeks=weeks, as_of=AS_OF, sources=sources, client=client,
        followup_hr=FOLLOWUP_HR, thank_you_or=THANK_YOU_OR,
    )
    rng = np.random.default_rng(seed + 10_000)
    apps["company"] = _companies(rng, n, european)
    return apps, events


def wide(apps: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Applications with one column per event the writers need (NaT when none)."""
    out = apps.set_index("application_id").copy()
    fu = events[events["kind"] == "follow_up"]
    fu = fu.sort_values(["application_id", "date"], kind="stable")
    fu = fu.assign(k=fu.groupby("application_id").cumcount() + 1)
    for k in (1, 2):
        sel = fu[fu["k"] == k].set_index("application_id")
        out[f"fu{k}"] = sel["date"].reindex(out.index)
        out[f"fu{k}_channel"] = sel["channel"].reindex(out.index)
    for kind in ("reply", "interview", "thank_you", "offer", "rejection", "withdrawn"):
        first = events[events["kind"] == kind].groupby("application_id")["date"].min()
        out[kind] = first.reindex(out.index)
    # A promised call-back date is a promise, not something that happened.
    done = events[events["kind"] != "callback_due"]
    out["last_event"] = done.groupby("application_id")["date"].max().reindex(out.index)
    # When the status last changed (a follow-up does not change it).
    moves = events[events["kind"].isin(["reply", "interview", "offer", "rejection", "withdrawn"])]
    out["status_date"] = moves.groupby("application_id")["date"].max().reindex(out.index)
    return out.reset_index()


def _d(ts) -> date | None:
    return None if pd.isna(ts) else pd.Timestamp(ts).date()


def _fmt(ts, fmt: str, missing: str = "") -> str:
    return missing if pd.isna(ts) else pd.Timestamp(ts).strftime(fmt)


def _dmy(ts, sep: str = "/", missing: str = "") -> str:
    """D/M/YYYY without zero padding (strftime's %-d is not portable)."""
    if pd.isna(ts):
        return missing
    t = pd.Timestamp(ts)
    return f"{t.day}{sep}{t.month}{sep}{t.year}"


def _mdy(ts, missing: str = "") -> str:
    if pd.isna(ts):
        return missing
    t = pd.Timestamp(ts)
    return f"{t.month}/{t.day}/{t.year}"


def _with_time(ts: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Add a plausible time of day (07:00-22:59) to dates."""
    minutes = rng.integers(7 * 60, 23 * 60, size=len(ts))
    return pd.to_datetime(ts) + pd.to_timedelta(minutes, unit="min")


def _hex(rng: np.random.Generator, n: int, width: int) -> list[str]:
    digits = rng.integers(0, 16, size=(n, width))
    return ["".join("0123456789abcdef"[d] for d in row) for row in digits]


def _write_csv(df: pd.DataFrame, path: Path, *, sep: str = ",", encoding: str = "utf-8") -> None:
    df.to_csv(path, index=False, sep=sep, encoding=encoding, lineterminator="\n")


# --- the personal tracker ----------------------------------------------------

_OWNER_SOURCE = {
    "referral": "Referral",
    "company site": "Company site",
    "linkedin easy apply": "LinkedIn Easy Apply",
    "job board": "Job board",
    "recruiter": "Recruiter",
    "linkedin": "LinkedIn",
}
_OWNER_CHANNEL = {"email": "Email", "phone": "Phone", "linkedin": "LinkedIn"}


def _channel(value) -> str | None:
    return None if pd.isna(value) else _OWNER_CHANNEL[value]

MY_TRACKER_HEADER = (
    "Company", "Role", "Source", "Date Applied", "Status", "Response date", "Follow-up 1",
    "Follow-up 1 via", "Follow-up 2", "Interview date", "Thank-you sent", "Notes", "Referral?",
)
MY_TRACKER_TITLE = "Job search 2025 — synthetic sample"
N_PLANNED_FOLLOWUPS = 5


def _owner_note(r) -> str | None:
    if r["status"] == "withdrawn":
        return "Declined the offer (salary)"
    if r["stage"] in ("offer", "accepted"):
        return "Offer!"
    if r["reply_kind"] == "other":
        return "Recruiter asked for availability"
    if r["source"] == "referral":
        return "Referred by a former colleague"
    return None


def my_tracker_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical (simulated) tables behind ``my_tracker.xlsx``."""
    p = PERSONAL
    return simulate(p["n"], p["seed"], p["start"], p["weeks"])


def write_my_tracker(path: Path, apps: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One person's workbook (from :func:`my_tracker_tables`): title row, blank rows,
    owner's words, a Contacts sheet.

    Returns the rows written (with planned follow-ups), for the README.
    """
    w = wide(apps, events).sort_values(["applied_on", "application_id"], kind="stable")
    rng = np.random.default_rng(PERSONAL["seed"] + 1)
    # Follow-ups the owner has written down but not yet sent (dated after as-of).
    as_of = pd.Timestamp(AS_OF)
    waiting = w[(w["status"] == "applied") & w["fu1"].isna() & w["reply"].isna()
                & (w["applied_on"] > as_of - pd.Timedelta(days=12))]
    planned = waiting.index[: N_PLANNED_FOLLOWUPS]
    w.loc[planned, "fu1"] = as_of + pd.to_timedelta(rng.integers(1, 8, size=len(planned)), unit="D")
    w.loc[planned, "fu1_channel"] = "email"
    w["planned_followup"] = w.index.isin(planned)

    wb = Workbook()
    ws = wb.active
    ws.title = "Applications"
    ws.append([MY_TRACKER_TITLE])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(list(MY_TRACKER_HEADER))
    for cell in ws[3]:
        cell.font = Font(bold=True)
    # A blank row where the owner paused (after January and after March).
    # (w is in date order; its index labels are not.)
    breaks = {w[w["applied_on"] < pd.Timestamp(m)].index[-1] for m in ("2025-02-01", "2025-04-01")}
    date_cols = {4, 6, 7, 9, 10, 11}
    for i, r in w.iterrows():
        note = "follow up next week" if r["planned_followup"] else _owner_note(r)
        ws.append([
            r["company"], r["title"], _OWNER_SOURCE[r["source"]], _d(r["applied_on"]),
            r["status_raw"], _d(r["reply"]), _d(r["fu1"]),
            _channel(r["fu1_channel"]),
            _d(r["fu2"]), _d(r["interview"]), _d(r["thank_you"]), note,
            "Yes" if r["source"] == "referral" else None,
        ])
        for c in date_cols:
            ws.cell(row=ws.max_row, column=c).number_format = "d mmm yyyy"
        if i in breaks:
            ws.append([])
    widths = (22, 26, 20, 13, 14, 13, 13, 12, 13, 13, 13, 32, 10)
    for col, width in zip("ABCDEFGHIJKLM", widths):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"

    contacts = wb.create_sheet("Contacts")
    contacts.append(["Name", "Company", "Role", "Email", "Last contact", "Notes"])
    crng = np.random.default_rng(PERSONAL["seed"] + 2)
    for k, j in enumerate(crng.choice(len(w), size=8, replace=False)):
        r = w.iloc[j]
        name = f"{_FIRST[k]} {_LAST[(3 * k + 1) % len(_LAST)]}"
        contacts.append([
            name, r["company"], ("Recruiter", "Hiring manager", "Engineer")[k % 3],
            f"{name.lower().replace(' ', '.')}@example.com", _d(r["applied_on"]),
            "Met at a meetup" if k % 2 else None,
        ])
        contacts.cell(row=contacts.max_row, column=5).number_format = "d mmm yyyy"
    wb.properties.creator = "jobstats sample (synthetic)"
    wb.properties.title = MY_TRACKER_TITLE
    save_workbook_reproducibly(wb, path, timestamp=XLSX_TIMESTAMP)
    return w


# --- LinkedIn data-archive export ---------------------------------------------

LINKEDIN_HEADER = (
    "Application Date", "Contact Email", "Contact Phone Number", "Company Name", "Job Title",
    "Job Url", "Resume Name", "Question And Answers",
)
_QA = (
    "How many years of work experience do you have with SQL?:4 | "
    "Are you legally authorized to work in the United States?:Yes",
    "Will you now or in the future require sponsorship?:No",
    "How many years of work experience do you have with Python?:3",
)


def _linkedin_stamp(ts: pd.Timestamp) -> str:
    """``6/18/22, 5:28 AM``: M/D/YY, 12-hour clock, no zero padding."""
    hour = ts.hour % 12 or 12
    half = "AM" if ts.hour < 12 else "PM"
    return f"{ts.month}/{ts.day}/{ts.year % 100:02d}, {hour}:{ts.minute:02d} {half}"


def linkedin_frame(apps: pd.DataFrame, seed: int, person: tuple[str, str]) -> pd.DataFrame:
    """Applications as LinkedIn's ``Jobs/Job Applications.csv`` lists them."""
    rng = np.random.default_rng(seed + 20_000)
    stamps = _with_time(apps["applied_on"], rng)
    # Newest first, like the archive, with some rows out of order.
    order = np.argsort(-stamps.to_numpy().astype("int64"), kind="stable")
    swap = rng.choice(len(order), size=len(order) // 6, replace=False)
    order[np.sort(swap)] = order[swap]
    easy = (apps["source"] == "linkedin easy apply").to_numpy()
    answered = easy & (rng.random(len(apps)) < 0.6)
    qa = np.where(answered, np.array(_QA, dtype=object)[rng.integers(0, 3, len(apps))], "")
    other_resume = np.where(rng.random(len(apps)) < 0.5, "Resume_2025_v2.pdf", "")
    resume = np.where(easy, "Resume_2025.pdf", other_resume)
    job_ids = rng.integers(4_000_000_000, 4_200_000_000, size=len(apps))
    frame = pd.DataFrame({
        "Application Date": [_linkedin_stamp(t) for t in stamps],
        "Contact Email": person[0],
        "Contact Phone Number": person[1],
        "Company Name": apps["company"].to_numpy(),
        "Job Title": apps["title"].to_numpy(),
        "Job Url": [f"https://www.linkedin.com/jobs/view/{j}" for j in job_ids],
        "Resume Name": resume,
        "Question And Answers": qa,
    })
    return frame.iloc[order].reset_index(drop=True)


def linkedin_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    p = LINKEDIN
    return simulate(p["n"], p["seed"], p["start"], p["weeks"], sources=LINKEDIN_SOURCES)


# --- coach clients -------------------------------------------------------------

_HUNTR_LIST = {
    "applied": "applied", "no_response": "applied", "screen": "interview",
    "interview": "interview", "offer": "offer", "accepted": "offer", "withdrawn": "offer",
    "rejected": "rejected",
}


def _client_person(k: int) -> tuple[str, str, str]:
    first, last = _FIRST[k % len(_FIRST)], _LAST[(k * 7) % len(_LAST)]
    return first, last, f"{first.lower()}.{last.lower()}@example.com"


def huntr_frame(w: pd.DataFrame, rng: np.random.Generator, k: int) -> pd.DataFrame:
    first, last, email = _client_person(k)
    n = len(w) + NOT_APPLICATIONS["huntr"]
    created = _with_time(w["applied_on"], rng)
    moved = pd.to_datetime(w["status_date"]).where(w["status_date"] > w["applied_on"], pd.NaT)
    moved = _with_time(moved, rng).where(moved.notna(), created)
    wish_days = pd.Series([pd.Timestamp(AS_OF) - pd.Timedelta(days=d) for d in (3, 9)])
    wish_created = _with_time(wish_days, rng)
    stamp = "%Y-%m-%d %H:%M:%S"
    domains = [c.lower().replace(" ", "") + ".example" for c in w["company"]]
    ids = _hex(rng, n, 24)
    df = pd.DataFrame({
        "id": ids,
        "createdAt": [t.strftime(stamp) for t in [*created, *wish_created]],
        "title": list(w["title"]) + ["Data Scientist", "Analytics Engineer"],
        "salary": list(np.where(rng.random(len(w)) < 0.3, "$95,000", "-")) + ["-", "-"],
        "location": [*np.array(_CITIES)[rng.integers(0, len(_CITIES), len(w))], "Remote", "-"],
        "url": [f"https://{d}/careers/{j}"
                for d, j in zip(domains, rng.integers(1000, 9999, len(w)))] + ["-", "-"],
        "rootDomain": domains + ["-", "-"],
        "htmlDescription": "-",
        "deadline": "-",
        "color": "#4c6ef5",
        "lastMovedAt": [t.strftime(stamp) for t in [*moved, *wish_created]],
        "boardId": ids[0][:12] + "b0a4d",
        "boardName": "Job Search 2025",
        "listId": "-",
        "listName": [_HUNTR_LIST[s] for s in w["status"]] + ["wishlist", "wishlist"],
        "companyId": _hex(rng, n, 24),
        "companyName": list(w["company"]) + ["Nimbus Works", "Quartz Data"],
        "companyDomain": domains + ["nimbusworks.example", "quartzdata.example"],
        "creatorUserId": ids[1][:20] + "u001",
        "creatorUserFirstName": first,
        "creatorUserLastName": last,
        "creatorUserEmail": email,
    })
    return df


_TEAL_STATUS = {
    "applied": "Applied", "no_response": "No Response", "screen": "Interviewing",
    "interview": "Interviewing", "offer": "Negotiating", "accepted": "Accepted",
    "withdrawn": "I Withdrew", "rejected": "Not Selected",
}


def _iso_z(ts) -> str:
    return "" if pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def teal_frame(w: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    applied = _with_time(w["applied_on"], rng)
    added = applied - pd.to_timedelta(rng.integers(0, 4 * 24 * 60, len(w)), unit="min")
    updated = _with_time(w["last_event"], rng)
    closed = w["status"].isin(["rejected", "no_response", "withdrawn"])
    archived = updated.where(closed, pd.NaT)
    nb = NOT_APPLICATIONS["teal"]
    bookmark_days = pd.Series([pd.Timestamp(AS_OF) - pd.Timedelta(days=d) for d in (2, 6)])
    bookmark_added = _with_time(bookmark_days, rng)
    names = [_TEAL_STATUS[s] for s in w["status"]] + ["Bookmarked"] * nb
    status = [json.dumps({"name": name}) for name in names]
    low = rng.integers(70, 120, len(w)) * 1000
    return pd.DataFrame({
        "id": [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
               for h in _hex(rng, len(w) + nb, 32)],
        "company_name": list(w["company"]) + ["Nimbus Works", "Quartz Data"],
        "role": list(w["title"]) + ["Data Analyst", "Product Analyst"],
        "location": [*np.array(_CITIES)[rng.integers(0, len(_CITIES), len(w))], "Remote", "Remote"],
        "url": [f"https://jobs.example/{j}" for j in rng.integers(10000, 99999, len(w) + nb)],
        "excitement": list(rng.integers(1, 6, len(w))) + [4, 5],
        "source": [_OWNER_SOURCE[s] for s in w["source"]] + ["", ""],
        "min_salary": list(low) + ["", ""],
        "max_salary": list(low + 20000) + ["", ""],
        "salary_currency": ["USD"] * len(w) + ["", ""],
        "salary_pay_period": ["year"] * len(w) + ["", ""],
        "added_at": [_iso_z(t) for t in added] + [_iso_z(t) for t in bookmark_added],
        "applied_at": [_iso_z(t) for t in applied] + ["", ""],
        "follow_up_at": [_iso_z(t) for t in _with_time(w["fu1"], rng)] + ["", ""],
        "updated_at": [_iso_z(t) for t in updated] + [_iso_z(t) for t in bookmark_added],
        "archived_at": [_iso_z(t) for t in archived] + ["", ""],
        "status": status,
    })


_SIMPLIFY_STATUS = {
    "applied": "APPLIED", "no_response": "APPLIED", "screen": "INTERVIEWING",
    "interview": "INTERVIEWING", "offer": "OFFER", "accepted": "OFFER", "withdrawn": "WITHDRAWN",
    "rejected": "REJECTED",
}


def simplify_frame(w: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    na = "N/A"
    archived = w["status"].isin(["rejected", "withdrawn"])
    iso = "%Y-%m-%d"
    ns = NOT_APPLICATIONS["simplify"]
    return pd.DataFrame({
        "Job Title": list(w["title"]) + ["Data Scientist", "BI Analyst"],
        "Company Name": list(w["company"]) + ["Nimbus Works", "Quartz Data"],
        "Job URL": [f"https://simplify.jobs/p/{h}" for h in _hex(rng, len(w) + ns, 12)],
        "Applied Date": [_fmt(t, iso, na) for t in w["applied_on"]] + [na, na],
        "Status": [_SIMPLIFY_STATUS[s] for s in w["status"]] + ["SAVED", "SAVED"],
        "Status Date": [_fmt(t, iso, na) for t in w["status_date"].fillna(w["applied_on"])]
        + ["2025-06-20", "2025-06-27"],
        "Archived": list(np.where(archived, "TRUE", "FALSE")) + ["FALSE", "FALSE"],
        "Date Archived": [_fmt(t, iso, na) if a else na for t, a in zip(w["last_event"], archived)]
        + [na, na],
        "Notes": [na] * (len(w) + ns),
    })


CAREERFLOW_HEADER = (
    "Id", "Company Name", "Job Title", "Status", "Date Added (UTC)", "Date Applied (UTC)",
    "Date Interviewed (UTC)", "Date Offered (UTC)", "Date Rejected (UTC)", "Created By",
    "Location", "Salary", "Job Link", "Source", "Tags",
)
_CAREERFLOW_STATUS = {
    "applied": "Applied", "no_response": "Applied", "screen": "Interviewing",
    "interview": "Interviewing", "offer": "Offer", "accepted": "Offer", "withdrawn": "Offer",
    "rejected": "Rejected",
}
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _serial(ts) -> float | None:
    """Excel serial day number (1900 system), rounded to the minute."""
    if pd.isna(ts):
        return None
    return round((pd.Timestamp(ts) - _EXCEL_EPOCH) / pd.Timedelta(days=1), 6)


def write_careerflow(w: pd.DataFrame, rng: np.random.Generator, k: int, path: Path) -> None:
    _, _, email = _client_person(k)
    applied = _with_time(w["applied_on"], rng)
    added = applied - pd.to_timedelta(rng.integers(0, 2 * 24 * 60, len(w)), unit="min")
    wb = Workbook()
    ws = wb.active
    ws.title = "Jobs"
    ws.append(list(CAREERFLOW_HEADER))
    ids = _hex(rng, len(w) + 1, 20)
    for j, (i, r) in enumerate(w.iterrows()):
        ws.append([
            ids[j], r["company"], r["title"], _CAREERFLOW_STATUS[r["status"]],
            _serial(added.loc[i]),
            _serial(applied.loc[i]), _serial(r["interview"]), _serial(r["offer"]),
            _serial(r["rejection"]), email, "Remote", None, f"https://jobs.example/{ids[j][:8]}",
            _OWNER_SOURCE[r["source"]], None,
        ])
    # One saved job never applied to (not an application).
    ws.append([ids[-1], "Nimbus Works", "Data Analyst", "Wishlist",
               _serial(pd.Timestamp("2025-06-25 10:30")), None, None, None, None, email,
               "Remote", None, None, None, "maybe"])
    # Serial numbers stay in General-format cells, as Careerflow writes them.
    wb.properties.creator = "jobstats sample (synthetic)"
    save_workbook_reproducibly(wb, path, timestamp=XLSX_TIMESTAMP)


_PERSONAL_STATUS = {
    "applied": "Applied", "no_response": "No response", "screen": "Phone screen",
    "interview": "Interview", "offer": "Offer", "accepted": "Accepted", "withdrawn": "Withdrew",
    "rejected": "Rejected",
}


def write_personal_followups(w: pd.DataFrame, path: Path) -> None:
    """Applications sheet plus a "Follow-ups" sheet keyed by company + role."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Applications"
    ws.append(["Company", "Role", "Source", "Date Applied", "Status", "Response date",
               "Interview date", "Notes"])
    for _, r in w.iterrows():
        ws.append([r["company"], r["title"], _OWNER_SOURCE[r["source"]], _d(r["applied_on"]),
                   _PERSONAL_STATUS[r["status"]], _d(r["reply"]), _d(r["interview"]), None])
        for c in (4, 6, 7):
            ws.cell(row=ws.max_row, column=c).number_format = "mm/dd/yyyy"
    fs = wb.create_sheet("Follow-ups")
    fs.append(["Company", "Role", "Follow-up date", "Channel"])
    rows = []
    for k in (1, 2):
        sel = w[w[f"fu{k}"].notna()]
        rows += list(zip(sel[f"fu{k}"], sel["company"], sel["title"], sel[f"fu{k}_channel"]))
    for t, c, ti, ch in sorted(rows, key=lambda x: (x[0], x[1])):
        fs.append([c, ti, _d(t), _OWNER_CHANNEL[ch]])
        fs.cell(row=fs.max_row, column=3).number_format = "mm/dd/yyyy"
    wb.properties.creator = "jobstats sample (synthetic)"
    save_workbook_reproducibly(wb, path, timestamp=XLSX_TIMESTAMP)


def europe_frame(w: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Semicolon separated, D.M.YYYY dates, decimal commas (written as cp1252)."""
    salary = rng.integers(450, 900, len(w)) / 10
    return pd.DataFrame({
        "Company": w["company"],
        "Position": w["title"],
        "Source": [_OWNER_SOURCE[s] for s in w["source"]],
        "Applied": [_fmt(t, "%d.%m.%Y") for t in w["applied_on"]],
        "Status": [_PERSONAL_STATUS[s] for s in w["status"]],
        "First reply": [_fmt(t, "%d.%m.%Y") for t in w["reply"]],
        "Follow-up": [_fmt(t, "%d.%m.%Y") for t in w["fu1"]],
        "Salary (k€)": [f"{s:.1f}".replace(".", ",") for s in salary],
        "Notes": np.where(w["source"] == "referral", "Empfehlung über Kollegin", ""),
    })


def personal_dmy_frame(w: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Company": w["company"],
        "Position": w["title"],
        "Source": [_OWNER_SOURCE[s] for s in w["source"]],
        "Date applied": [_dmy(t) for t in w["applied_on"]],
        "Status": [_PERSONAL_STATUS[s] for s in w["status"]],
        "Date of reply": [_dmy(t) for t in w["reply"]],
        "Followed up?": np.where(w["fu1"].notna(), "Yes", "No"),
        "Notes": "",
    })


_TEMPLATE_REPLY = {
    "rejection": "Rejection", "interview": "Interview", "offer": "Offer", "other": "Other",
}


def write_template_client(w: pd.DataFrame, path: Path) -> None:
    """A client who uses ``jobstats template``: every column filled as intended."""
    write_template(path, overwrite=True)
    wb = load_workbook(path)
    ws = wb["Applications"]
    status = dict(_PERSONAL_STATUS, withdrawn="Withdrawn", no_response="No response")
    date_cols = [TEMPLATE_HEADERS.index(h) + 1 for h in TEMPLATE_DATE_HEADERS]
    for _, r in w.iterrows():
        cells = {
            "Company": r["company"], "Job title": r["title"],
            "Source": _OWNER_SOURCE[r["source"]], "Date applied": _d(r["applied_on"]),
            "Status": status[r["status"]], "Date of first reply": _d(r["reply"]),
            "Reply kind": (_TEMPLATE_REPLY.get(r["reply_kind"])
                           if pd.notna(r["reply_kind"]) else None),
            "Follow-up 1 date": _d(r["fu1"]), "Follow-up 1 channel": _channel(r["fu1_channel"]),
            "Follow-up 2 date": _d(r["fu2"]), "Follow-up 2 channel": _channel(r["fu2_channel"]),
            "Call-back promised by": _d(r["callback_due_on"]),
            "Interview date": _d(r["interview"]), "Thank-you sent": _d(r["thank_you"]),
            "Offer date": _d(r["offer"]), "Rejection date": _d(r["rejection"]),
        }
        ws.append([cells.get(h) for h in TEMPLATE_HEADERS])  # column order: the template's
        for c in date_cols:
            ws.cell(row=ws.max_row, column=c).number_format = "yyyy-mm-dd"
    save_workbook_reproducibly(wb, path, timestamp=XLSX_TIMESTAMP)


_SHEET_STATUS = dict(_PERSONAL_STATUS, no_response="Ghosted")


def google_sheet_frame(w: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A Google Sheets export: M/D/YYYY text dates, Referral? Yes/No."""
    return pd.DataFrame({
        "Company": w["company"],
        "Role": w["title"],
        "Job URL": [f"https://jobs.example/{j}" for j in rng.integers(10000, 99999, len(w))],
        "Date Applied": [_mdy(t) for t in w["applied_on"]],
        "Source": [_OWNER_SOURCE[s] for s in w["source"]],
        "Status": [_SHEET_STATUS[s] for s in w["status"]],
        "Contact": np.where(w["source"] == "referral", "via a friend", ""),
        "Resume version": np.where(rng.random(len(w)) < 0.5, "v3", "v4"),
        "Follow-up date": [_mdy(t) for t in w["fu1"]],
        "Notes": "",
        "Referral?": np.where(w["source"] == "referral", "Yes", "No"),
    })


def write_client(c: Client, k: int, path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate client ``c`` and write its file; returns the canonical tables."""
    sources = LINKEDIN_SOURCES if c.fmt == "linkedin" else None
    apps, events = simulate(c.n, c.seed, c.start, c.weeks, sources=sources, client=c.name,
                            european=c.fmt == "europe")
    w = wide(apps, events).sort_values(["applied_on", "application_id"], kind="stable")
    w = w.reset_index(drop=True)
    rng = np.random.default_rng(c.seed + 30_000)
    if c.fmt == "huntr":
        _write_csv(huntr_frame(w, rng, k), path)
    elif c.fmt == "teal":
        _write_csv(teal_frame(w, rng), path)
    elif c.fmt == "simplify":
        _write_csv(simplify_frame(w, rng), path)
    elif c.fmt == "careerflow":
        write_careerflow(w, rng, k, path)
    elif c.fmt == "personal_followups":
        write_personal_followups(w, path)
    elif c.fmt == "europe":
        _write_csv(europe_frame(w, rng), path, sep=";", encoding="cp1252")
    elif c.fmt == "personal_dmy":
        _write_csv(personal_dmy_frame(w), path)
    elif c.fmt == "linkedin":
        _, _, email = _client_person(k)
        _write_csv(linkedin_frame(apps, c.seed, (email, "")), path)
    elif c.fmt == "template":
        write_template_client(w, path)
    elif c.fmt == "google_sheet":
        _write_csv(google_sheet_frame(w, rng), path)
    else:  # pragma: no cover - CLIENTS is fixed above
        raise ValueError(c.fmt)
    return apps, events


# --- everything ----------------------------------------------------------------


def _write_truth(apps: pd.DataFrame, events: pd.DataFrame, folder: Path, stem: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _write_csv(apps, folder / f"{stem}_applications.csv")
    _write_csv(events, folder / f"{stem}_events.csv")


def _reply_table(apps: pd.DataFrame) -> pd.DataFrame:
    g = apps.assign(replied=apps["first_reply_on"].notna()).groupby("source")["replied"]
    return pd.DataFrame({"applications": g.size(), "replied": g.sum(), "share": g.mean().round(3)})


def generate(out_dir: Path) -> dict[str, Path]:
    """Write every sample file under ``out_dir``; returns name -> path."""
    out_dir = Path(out_dir)
    (out_dir / "linkedin").mkdir(parents=True, exist_ok=True)
    (out_dir / "clients").mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    manifest = []

    apps, events = my_tracker_tables()
    path = out_dir / "my_tracker.xlsx"
    rows = write_my_tracker(path, apps, events)
    _write_truth(apps, events, out_dir / "truth", "my_tracker")
    written["my_tracker"] = path
    manifest.append(("my_tracker.xlsx", "personal xlsx", PERSONAL["n"], 0, PERSONAL["seed"],
                     PERSONAL["start"], PERSONAL["weeks"]))
    personal = (apps, events, int(rows["planned_followup"].sum()))

    apps_l, events_l = linkedin_tables()
    path = out_dir / "linkedin" / "Job Applications.csv"
    person = ("alex.rivera@example.com", "+1 555 0142")
    _write_csv(linkedin_frame(apps_l, LINKEDIN["seed"], person), path)
    _write_truth(apps_l, events_l, out_dir / "truth", "linkedin")
    written["linkedin"] = path
    manifest.append(("linkedin/Job Applications.csv", "LinkedIn archive csv", LINKEDIN["n"], 0,
                     LINKEDIN["seed"], LINKEDIN["start"], LINKEDIN["weeks"]))

    for k, c in enumerate(CLIENTS, start=1):
        path = out_dir / "clients" / f"{c.name}.{c.ext}"
        apps_c, events_c = write_client(c, k, path)
        _write_truth(apps_c, events_c, out_dir / "truth", c.name)
        written[c.name] = path
        manifest.append((f"clients/{c.name}.{c.ext}", c.fmt, c.n, NOT_APPLICATIONS.get(c.fmt, 0),
                         c.seed, c.start, c.weeks))

    man = pd.DataFrame(manifest, columns=["file", "format", "applications",
                                          "rows_not_applications", "seed", "start", "weeks"])
    man["as_of"] = AS_OF
    _write_csv(man, out_dir / "manifest.csv")
    written["manifest"] = out_dir / "manifest.csv"
    (out_dir / "README.md").write_text(readme(man, personal), encoding="utf-8")
    written["readme"] = out_dir / "README.md"
    return written


def readme(man: pd.DataFrame, personal: tuple[pd.DataFrame, pd.DataFrame, int]) -> str:
    apps, events, n_planned = personal
    replied = apps["first_reply_on"].notna()
    delay = (apps["first_reply_on"] - apps["applied_on"]).dt.days[replied]
    fu = events[events["kind"] == "follow_up"]
    files = "\n".join(
        f"| `{r.file}` | {r.format} | {r.applications} | {r.rows_not_applications} | {r.seed} | "
        f"{r.start} | {r.weeks} |"
        for r in man.itertuples()
    )
    table = _reply_table(apps)
    p_reply = ", ".join(f"{s} {p:.2f}" for s, (_, p) in DEFAULT_SOURCES.items())
    p_reply_linkedin = ", ".join(f"{s} {p:.2f}" for s, (_, p) in LINKEDIN_SOURCES.items())
    header = " \\| ".join(MY_TRACKER_HEADER)  # escaped pipes inside a markdown paragraph
    by_source = "| source | applications | replied | share |\n|---|---|---|---|\n" + "\n".join(
        f"| {s} | {int(r.applications)} | {int(r.replied)} | {r.share:.3f} |"
        for s, r in table.iterrows()
    )
    return f"""# Sample data — SYNTHETIC

**Every file in this folder is synthetic.** Nothing here is a real person's job
search: the companies, people, e-mail addresses (`@example.com`) and URLs are
invented. The files are written by `scripts/make_sample_data.py` (run `make
sample`) from `jobstats.simulate.simulate_search` with fixed seeds; running the
script again gives byte-identical files. All searches are observed **as of
{AS_OF}**: events after that date are not on record.

## Files

| file | format | applications | other rows (not applications) | seed | first application day | weeks |
|---|---|---|---|---|---|---|
{files}

`manifest.csv` lists the same. `truth/` holds, for each file, the simulated
canonical tables (`*_applications.csv`, `*_events.csv`, see
`jobstats/schema.py`) that the file was written from: what a perfect loader
would recover, up to what the format cannot hold (e.g. LinkedIn exports have
no status or reply, Huntr no reply dates).

### `my_tracker.xlsx` (one person's own tracker)

Sheet "Applications": a title row ("{MY_TRACKER_TITLE}"), an empty row, then
the header in row 3: {header}. Rows in date order with
two blank rows (end of January, end of March); dates are real Excel date cells
(format `d mmm yyyy`); statuses in the owner's words (Applied, Ghosted,
Rejected, Phone screen, Interviewing, Offer, Accepted, Declined offer).
"Response date" is the first reply of any kind (rejections included);
"Interview date" the first interview; "Follow-up 2" has no channel column.
{n_planned} applications have a **planned** follow-up dated after {AS_OF}
(note "follow up next week"): plans, not sent follow-ups; they are not in
`truth/my_tracker_events.csv`. Sheet "Contacts" (8 people) is not a table of
applications. A copy ships in the package: `jobstats.datasets.sample_tracker_path()`.

In the simulated tables: {len(apps)} applications, {int(replied.sum())} with a reply
by {AS_OF} ({replied.mean():.1%}), median {delay.median():.0f} days to the first
reply among those who replied (90th percentile {delay.quantile(0.9):.0f} days),
{int(apps['followed_up'].sum())} applications followed up ({len(fu)} follow-ups sent),
{int((events['kind'] == 'interview').sum())} interviews,
{int((events['kind'] == 'thank_you').sum())} thank-you notes,
{int((events['kind'] == 'offer').sum())} offers. Reply share by source:

{by_source}

### `linkedin/Job Applications.csv`

A LinkedIn data-archive export (`Jobs/Job Applications.csv`) of another search
({LINKEDIN['n']} applications, 80% Easy Apply): header
`{",".join(LINKEDIN_HEADER)}`; dates like `3/7/25, 9:05 PM` (M/D/YY, 12-hour
clock, no zero padding); newest first with about one row in six out of order.
No status, reply or follow-up columns (the format has none).

### `clients/` (a career coach's ten clients, one file each)

* `client_01_huntr.csv`: Huntr board export; `createdAt`/`lastMovedAt` as
  `YYYY-MM-DD HH:MM:SS`, `-` for missing, stage in `listName`; 2 `wishlist`
  rows are saved jobs, not applications. No reply dates.
* `client_02_teal.csv`: Teal roles export; ISO timestamps with `Z`, `status`
  is JSON (`{{"name": "Applied"}}`); `follow_up_at` holds the date of the first
  follow-up sent (in Teal it is a reminder, so a loader may rightly not count it); 2 `Bookmarked` rows without `applied_at` are not applications.
* `client_03_simplify.csv`: Simplify; ISO dates, `N/A` for missing, statuses
  APPLIED / INTERVIEWING / OFFER / REJECTED / WITHDRAWN; 2 `SAVED` rows are not
  applications. "Status Date" is the date of the latest status change (the
  applied date when there was none).
* `client_04_careerflow.xlsx`: Careerflow `jobs_export`; dates are Excel
  serial numbers (with time of day) in General-format cells; 1 `Wishlist` row
  without an applied date.
* `client_05_personal_followups.xlsx`: a personal workbook; follow-ups are on a
  separate sheet "Follow-ups" (Company, Role, Follow-up date, Channel), keyed
  by company + role (unique in this file).
* `client_06_europe.csv`: semicolon-separated, **cp1252**, dates `DD.MM.YYYY`,
  accented company names, a salary column with decimal commas (`Salary (k€)`).
* `client_07_personal_dmy.csv`: a personal CSV with `D/M/YYYY` dates (not
  zero-padded) and an undated yes/no column "Followed up?".
* `client_08_linkedin.csv`: a LinkedIn archive export, as above.
* `client_09_template.xlsx`: filled in from `jobstats template` (every column,
  including "Call-back promised by": the date the employer promised to get back).
* `client_10_google_sheet.csv`: a Google Sheets export, `M/D/YYYY` text dates,
  "Ghosted" status, "Referral?" Yes/No, a "Follow-up date" column.

## Built-in truth (what an analysis should find)

Generated by `simulate_search` (see its docstring for the full process):

* P(ever reply) without follow-up, by source: {p_reply} (LinkedIn exports:
  {p_reply_linkedin}). Referrals reply far more than Easy Apply. Replies come fast (about half within 3 days of those that come) with a
  tail to 89 days.
* Follow-ups: planned 2–25 days after applying, sent with probability 0.45 if
  still silent then (a second one 5–14 days later with probability 0.3);
  channel email 64%, phone 21%, LinkedIn 15%. **True hazard ratio of a reply
  after a follow-up: {FOLLOWUP_HR}** (from the day after it is sent; a reply on
  the day of the follow-up is not caused by it); the second follow-up adds
  nothing. A naive "replied with vs without follow-up" comparison is biased.
* Interviews: up to three rounds; a thank-you note (sent after 60% of
  interviews, 0–5 days later) multiplies the odds of advancing by
  **{THANK_YOU_OR}**.
* Promised call-backs: at the first interview the employer promises to get
  back within 7 days: `callback_due_on` = first interview + 7 days in the
  `truth/` applications, and a `callback_due` event on that date (set without a
  random draw, so the other simulated values do not depend on it). Only
  `client_09_template.xlsx` has a column for it; {int(apps['callback_due_on'].notna().sum())}
  of the {len(apps)} applications of `my_tracker` carry one in the truth tables.
* The simulator's statuses and stages are in the `truth/` tables; an offer
  declined by the applicant has status `withdrawn` (raw "Declined offer").
  `source_raw` equals `source` in the truth tables (the files write the
  owner's words for it).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--package-dir", type=Path, default=ROOT / "src" / "jobstats" / "datasets",
                        help="where to copy the sample tracker shipped in the package")
    args = parser.parse_args(argv)
    written = generate(args.out)
    args.package_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(written["my_tracker"], args.package_dir / "my_tracker.xlsx")
    for name, path in written.items():
        print(f"{name:32s} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
