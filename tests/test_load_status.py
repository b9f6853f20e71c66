"""Status, source and channel vocabularies."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jobstats.io import load
from jobstats.io.vocab import parse_channel, parse_source, parse_status, yes_no


@pytest.mark.parametrize(
    ("raw", "status", "stage"),
    [
        ("reeejected", "rejected", "replied"),
        ("Rejection :(", "rejected", "replied"),
        ("Inter + Rejec", "rejected", "interview"),
        ("Ghosted", "no_response", None),
        ("No response to application", "no_response", None),
        ("no response", "no_response", None),
        ("Phone screen", "screen", "screen"),
        ("INTERVIEWING", "interview", "interview"),
        ("interview", "interview", "interview"),
        ("Position Removed", "closed", None),
        ("Offer", "offer", "offer"),
        ("Accepted", "accepted", "accepted"),
        ("Hired", "accepted", "accepted"),
        ("Applied", "applied", None),
        ("APPLIED", "applied", None),
        ("Submitted", "applied", None),
        ("Withdrawn", "withdrawn", None),
        ("WITHDRAWN", "withdrawn", None),
        ("Declined offer", "withdrawn", "offer"),
        ('{"id": 3, "name": "Offer"}', "offer", "offer"),  # Teal JSON
    ],
)
def test_status_table(raw: str, status: str, stage: str | None) -> None:
    assert parse_status(raw) == (status, stage, True)


@pytest.mark.parametrize(
    "raw", ["wishlist", "saved", "SAVED", "Didn't apply", "Not applied", "Bookmarked", "To apply"])
def test_not_applications(raw: str) -> None:
    assert parse_status(raw)[0] == "not"


def test_unrecognised_status_is_applied_and_flagged() -> None:
    assert parse_status("purple elephant") == ("applied", None, False)
    assert parse_status("") == (None, None, True)


@pytest.mark.parametrize(
    ("raw", "label"),
    [("Referral", "referral"), ("LinkedIn Easy Apply", "linkedin easy apply"),
     ("Linkedin", "linkedin"), ("Company Site", "company site"), ("Company", "company site"),
     ("ZipRecruiter", "job board"), ("Indeed", "job board"), ("Recruiter", "recruiter"),
     ("My uncle's bar", "My uncle's bar"), ("N/A", None)],
)
def test_sources(raw: str, label: str | None) -> None:
    assert parse_source(raw) == label


@pytest.mark.parametrize(
    ("raw", "channel"),
    [("Email", "email"), ("e-mail", "email"), ("Phone call", "phone"),
     ("LinkedIn message", "linkedin"), ("In person", "in person"), ("carrier pigeon", None)],
)
def test_channels(raw: str, channel: str | None) -> None:
    assert parse_channel(raw) == channel


@pytest.mark.parametrize(("raw", "value"), [("Yes", True), ("y", True), ("x", True),
                                            ("No", False), ("n", False), ("", None),
                                            ("maybe", None)])
def test_yes_no(raw: str, value: bool | None) -> None:
    assert yes_no(raw) is value


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "t.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_stage_from_dates_and_reply_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Status,Reply date,Interview date,Offer date,"
                           "Rejection date\n"
                 "A,2025-01-01,Rejected,2025-01-05,,,2025-01-05\n"   # rejection only
                 "B,2025-01-01,Applied,,2025-01-10,,\n"               # interview date, no reply col
                 "C,2025-01-01,Offer,2025-01-03,2025-01-08,2025-01-20,\n"
                 "D,2025-01-01,Position Removed,2025-01-02,,,\n"
                 "E,2025-01-01,Applied,,,,\n"
                 "F,2025-01-01,Ghosted,,,,\n")
    a = load(path, as_of="2025-06-30").applications.set_index("company")
    assert a["stage"].to_dict() == {"A": "replied", "B": "interview", "C": "offer",
                                    "D": "replied", "E": "applied", "F": "applied"}
    assert a["reply_kind"].fillna("-").to_dict() == {
        "A": "rejection", "B": "interview", "C": "interview", "D": "other", "E": "-", "F": "-"}
    # first_reply_on falls back to the interview date when there is no reply date.
    assert str(a.loc["B", "first_reply_on"].date()) == "2025-01-10"


def test_reply_before_application_is_dropped_with_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Status,Reply date\n"
                           "A,2025-01-10,Rejected,2025-01-05\n")
    res = load(path, as_of="2025-06-30")
    a = res.applications
    assert a["first_reply_on"].isna().all() and a["stage"].iat[0] == "replied"
    assert res.report.issues["reason"].str.contains("before the application").any()


def test_unrecognised_status_warned(tmp_path: Path) -> None:
    # One line per unrecognised word (with its rows and the option to pass), not
    # one issue per row: a million rows of an unknown word must not bury the report.
    path = write(tmp_path, "Company,Date applied,Status\nA,2025-01-10,purple elephant\n"
                           "B,2025-01-11,purple elephant\n")
    res = load(path, as_of="2025-06-30")
    assert res.applications["status"].tolist() == ["applied", "applied"]
    un = res.report.unrecognised
    assert un[["word", "column", "count", "rows"]].values.tolist() == [
        ["purple elephant", "Status", 2, "2, 3"]]
    assert [w for w in res.report.warnings if "purple" in w] == [
        "status 'purple elephant' in 'Status' not recognised (2 rows: 2, 3); read as 'applied': "
        "pass --status 'purple elephant=STATUS'"]


def test_referral_flag_sets_source(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Referral?\nA,2025-01-10,Yes\nB,2025-01-11,No\n")
    a = load(path, as_of="2025-06-30").applications
    assert a["source"].fillna("-").tolist() == ["referral", "-"]


def test_referral_flag_overrides_source_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Source,Date applied,Referral?\n"
                           "A,LinkedIn,2025-01-10,Yes\nB,Indeed,2025-01-11,No\n")
    res = load(path, as_of="2025-06-30")
    assert res.applications["source"].tolist() == ["referral", "job board"]
    m = res.report.mapping
    assert m.loc[m["field"] == "source", "header"].tolist() == ["Source", "Referral?"]


def test_yes_no_response_column_is_a_reply_flag(tmp_path: Path) -> None:
    path = write(tmp_path, "Company,Date applied,Response?\n"
                           "A,2025-01-10,Yes\nB,2025-01-11,No\nC,2025-01-12,\n")
    res = load(path, as_of="2025-06-30")
    a = res.applications
    assert a["stage"].tolist() == ["replied", "applied", "applied"]
    assert a["status"].tolist() == ["applied"] * 3
    assert a["reply_kind"].fillna("-").tolist() == ["other", "-", "-"]
    assert len(res.report.issues) == 0


@pytest.mark.parametrize(
    ("raw", "status", "stage"),
    [
        # Offers turned down reach the offer stage (was: withdrawn with no stage, or "offer").
        ("Offer declined", "withdrawn", "offer"),
        ("Job offer declined", "withdrawn", "offer"),
        ("Offer rescinded", "rejected", "offer"),
        # Negated milestones are rejections, not the milestone (was: offer / accepted / interview).
        ("No offer", "rejected", "replied"),
        ("Not hired", "rejected", "replied"),
        ("Rejected (no interview)", "rejected", "replied"),
        ("Interview - no offer", "rejected", "interview"),
        # The furthest stage named anywhere in the text counts (was: stage None).
        ("Ghosted after interview", "no_response", "interview"),
        ("Final round - ghosted", "no_response", "interview"),
        ("Withdrew after interview", "withdrawn", "interview"),
        ("Reject after onsite", "rejected", "interview"),
        # A reply (was: no_response by fuzzy match to "never heard back" / "no reply").
        ("Heard back", "applied", "replied"),
        ("Got reply", "applied", "replied"),
        ("Never heard back", "no_response", None),
        # A call that never came is no response, not a screen call.
        ("No callback", "no_response", None),
        ("Never got a call", "no_response", None),
        ("Phone interview - no response", "no_response", "interview"),
        ("Did not get an interview", "rejected", "replied"),
        # Employer wording and common stages (were unrecognised).
        ("No longer considering", "rejected", "replied"),
        ("No longer under consideration", "rejected", "replied"),
        ("HR call", "screen", "screen"),
        ("Intro call", "screen", "screen"),
        ("2nd round", "interview", "interview"),
        ("Onsite scheduled", "interview", "interview"),
        ("Internship applied", "applied", None),  # "intern" is not "interview"
        ("Hired!", "accepted", "accepted"),
        ("Not selected", "rejected", "replied"),
        ("Position filled", "closed", None),
        ("On hold", "closed", None),
        ("Assessment", "screen", "screen"),
        ("Recruiter call", "screen", "screen"),
    ],
)
def test_status_free_text_review(raw: str, status: str, stage: str | None) -> None:
    assert parse_status(raw) == (status, stage, True)


def test_status_and_stage_columns_both_read(tmp_path: Path) -> None:
    # "Stage" before "Status": the status must still come from "Status" and the
    # furthest stage from the further of the two (was: "Stage" taken as the status,
    # every rejection / hire in "Status" lost).
    path = write(tmp_path, "Company,Date,Stage,Status\n"
                           "A,2025-03-03,Interview,Rejected\n"
                           "B,2025-03-04,Applied,Hired!\n"
                           "C,2025-03-05,Screen,\n"
                           "D,2025-03-06,Applied,Offer declined\n"
                           "E,2025-03-07,Wishlist,\n"
                           "F,2025-03-08,Wishlist,Applied\n")
    res = load(path, as_of="2025-06-30")
    a = res.applications.set_index("company")
    assert a["status"].to_dict() == {"A": "rejected", "B": "accepted", "C": "screen",
                                     "D": "withdrawn", "F": "applied"}
    assert a["stage"].to_dict() == {"A": "interview", "B": "accepted", "C": "screen",
                                    "D": "offer", "F": "applied"}
    # A "Wishlist" stage with an empty status is not an application, and is reported.
    iss = res.report.issues
    assert iss[["row", "column", "severity"]].values.tolist() == [[6, "Stage", "dropped"]]
    m = res.report.mapping
    assert m.loc[m["field"] == "status", "header"].tolist() == ["Status"]
    assert m.loc[m["field"] == "stage", "header"].tolist() == ["Stage"]
    assert "Stage" in res.report.extras  # the user's column is kept


def test_yes_no_date_columns_are_flags(tmp_path: Path) -> None:
    # "Applied?" = No is not an application (was: counted); "Heard back" /
    # "Interviewed?" = yes raise the stage (were: kept as extras, ignored).
    path = write(tmp_path, "Company,Applied?,Date,Heard back,Interviewed?\n"
                           "A,Yes,2025-03-03,yes,yes\n"
                           "B,No,2025-03-04,,\n"
                           "C,Yes,2025-03-05,yes,no\n"
                           "D,Yes,2025-03-06,no,no\n")
    res = load(path, as_of="2025-06-30")
    a = res.applications.set_index("company")
    assert a["stage"].to_dict() == {"A": "interview", "C": "replied", "D": "applied"}
    iss = res.report.issues
    assert iss[["row", "column", "severity"]].values.tolist() == [[3, "Applied?", "dropped"]]


def test_replied_and_rejected_yes_no_columns(tmp_path: Path) -> None:
    # "Replied?" / "Rejected?" were not recognised at all (kept as extras, no reply counted).
    path = write(tmp_path, "Position applied for,Sent,Replied?,Rejected?\n"
                           "Analyst,2025-03-03,Yes,Yes\nDev,2025-03-04,No,\n"
                           "PM,2025-03-05,Yes,No\n")
    a = load(path, as_of="2025-06-30").applications
    assert a["title"].tolist() == ["Analyst", "Dev", "PM"]
    assert a["stage"].tolist() == ["replied", "applied", "replied"]
    assert a["status"].tolist() == ["rejected", "applied", "applied"]
    assert a["reply_kind"].fillna("-").tolist() == ["rejection", "-", "other"]


def test_response_column_of_dates_is_the_reply_date(tmp_path: Path) -> None:
    # Was: read as a status, every date warned "not recognised" and no reply counted.
    path = write(tmp_path, "Company,Date applied,Response\n"
                           "A,2025-03-03,2025-03-10\nB,2025-03-04,\nC,2025-03-05,3/20/2025\n")
    res = load(path, as_of="2025-06-30")
    a = res.applications
    assert a["first_reply_on"].tolist() == [pd.Timestamp("2025-03-10"), pd.NaT,
                                            pd.Timestamp("2025-03-20")]
    assert a["stage"].tolist() == ["replied", "applied", "replied"]
    assert len(res.report.issues) == 0
