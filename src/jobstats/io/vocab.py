"""Vocabularies of the loader: header synonyms, export signatures, status/source/channel words.

All matching is done on :func:`norm`, a case-folded, letters-and-digits-only form
of the text (``"Date Applied (UTC)"`` -> ``"dateapplied"``).
"""

from __future__ import annotations

import difflib
import functools
import json
import re

from jobstats.schema import REPLY_KINDS, STAGE_RANK

_UTC = re.compile(r"\((utc|gmt|local)\)|\butc\b", re.I)


def norm(text: object) -> str:
    """Normalise a header or value for matching: case-folded, no punctuation/spaces/"(UTC)"."""
    s = _UTC.sub("", str(text)).casefold()
    # Keep letters of every script: "東京データ" must not normalise to "" (= missing).
    return re.sub(r"[\W_]+", "", s.replace("1st", "first"))


def _n(*names: str) -> set[str]:
    return {norm(x) for x in names}


#: Strong header synonyms per field (normalised).
SYNONYMS: dict[str, set[str]] = {
    "application_id": _n("id", "application id", "job id", "ID #"),
    "client": _n("client", "client name", "candidate", "jobseeker"),
    "company": _n("company", "company name", "companyName", "company_name", "employer",
                  "organisation", "organization", "business"),
    "title": _n("position", "role", "job title", "title", "job", "job role", "position title",
                "job name", "roles", "position applied for", "role applied for",
                "job applied for"),
    "source": _n("source", "application site", "channel", "where", "platform", "job source",
                 "applied via", "applied through", "job board", "site", "source of job"),
    "applied_on": _n("date applied", "applied on", "applied date", "date sent", "application date",
                     "applied_at", "applied", "date of application", "applied at",
                     "submitted", "date submitted", "submission date", "sent on"),
    "first_reply_on": _n("date of 1st response", "date of first response", "response date",
                         "reply date", "first response", "date of first reply", "first reply",
                         "first reply date", "date replied", "response received",
                         "first response date", "date of response", "replied on",
                         "replied", "responded", "got response", "got a response", "got reply",
                         "any response"),
    "reply_kind": _n("reply kind", "reply type", "response type", "kind of reply"),
    "status": _n("status", "response?", "listName", "stage", "outcome", "response",
                 "application status", "current status", "result"),
    "interview_on": _n("date interview", "interview date", "date interviewed", "interview on",
                       "interview", "first interview", "interviewed on", "date of interview",
                       "interviewed"),
    "offer_on": _n("offer date", "date offered", "offer on", "date of offer", "offer received"),
    "rejected_on": _n("date rejected", "rejection date", "rejected on", "date of rejection",
                      "rejected date", "rejected"),
    "thank_you_on": _n("thank you sent", "thank-you note", "thank you", "thank-you sent",
                       "thank you note", "thank you date", "thank-you date", "date thank you sent",
                       "thank-you note sent", "thank you email sent"),
    "notes": _n("notes", "note", "comments", "comment", "remarks"),
}

#: Weak synonyms: used only when no strong header claims the field.
WEAK: dict[str, set[str]] = {
    "applied_on": _n("date", "createdAt", "date added", "added_at", "created", "added on",
                     "sent", "when applied"),
    "title": _n("name"),
    "source": _n("referral?", "referral", "referred?", "referred"),
}

#: Date headers matched by pattern after the exact synonyms ("Date of reply",
#: "First interview date", "Date heard back"...).
DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(date(of)?)?(first)?(reply|response|heardback|answer|callback)"
                r"(date|on|received|at)?$|^(replied|responded|heardback)(on|at|date)$"),
     "first_reply_on"),
    (re.compile(r"^(date(of)?)?(first|1|phone)?(interview|screen)(ed)?(\d*)(date|on|at)$|"
                r"^date(of)?(first)?(interview|screen)(ed)?\d*$"), "interview_on"),
    (re.compile(r"^(date(of)?)?(job)?offer(ed|received)?(date|on|at)$|^dateoffer(ed)?$"),
     "offer_on"),
    (re.compile(r"^(date(of)?)?(reject(ed|ion)?|declined)(date|on|at)$|"
                r"^date(of)?reject(ed|ion)?$"), "rejected_on"),
]

#: Follow-up headers are matched by pattern (numbered columns are common).
FOLLOW_UP_RE = re.compile(
    r"^(last|first|second|third|\d*(st|nd|rd|th)?)?(date(of)?)?follow(ed)?up(s)?"
    r"(\d+|one|two|three)?(date|on|sent|at|done)?(\d+)?\??$"
)
FOLLOW_UP_CHANNEL_RE = re.compile(r"^followup(\d*)(channel|via|method|how|medium)(\d*)$")
GENERIC_CHANNEL = _n("channel", "via", "follow-up channel", "contact method", "how", "method",
                     "medium")

#: Export formats recognised by their header sets: (name, signature headers, minimum hits).
SIGNATURES: list[tuple[str, set[str], int]] = [
    ("linkedin", _n("Application Date", "Contact Email", "Contact Phone Number", "Company Name",
                    "Job Title", "Job Url", "Resume Name", "Question And Answers"), 5),
    ("huntr", _n("createdAt", "listName", "boardName", "companyName", "listId", "boardId",
                 "lastMovedAt", "rootDomain", "creatorUserEmail"), 4),
    ("teal", _n("company_name", "role", "excitement", "added_at", "applied_at", "follow_up_at",
                "updated_at", "archived_at", "min_salary", "salary_pay_period"), 5),
    ("careerflow", _n("Date Added (UTC)", "Date Applied (UTC)", "Date Interviewed (UTC)",
                      "Date Offered (UTC)", "Date Rejected (UTC)", "Created By", "Job Link",
                      "Tags"), 5),
    ("simplify", _n("Job Title", "Company Name", "Job URL", "Applied Date", "Status",
                    "Status Date", "Archived", "Date Archived"), 6),
    ("jobstats template", _n("Company", "Job title", "Source", "Date applied", "Status",
                             "Date of first reply", "Reply kind", "Follow-up 1 date",
                             "Follow-up 1 channel", "Thank-you sent"), 7),
]

# --- values ----------------------------------------------------------------

MISSING = _n("", "-", "--", "n/a", "na", "none", "null", "nan", "nat", "?", "tbd", "unknown")
EXCEL_ERRORS = {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
                "#SPILL!", "#CALC!", "#GETTING_DATA", "#N/A N/A"}

YES = _n("yes", "y", "true", "1", "x", "done", "sent", "oui", "ja", "si")
NO = _n("no", "n", "false", "0", "non", "nein")


def is_missing(value: object) -> bool:
    """True for empty cells and the usual placeholders (``-``, ``N/A``, ``none``)."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    if isinstance(value, str):
        if len(value) > 12:  # fast path: every placeholder is short
            return not value.strip()
        return _missing_text(value)
    return False


@functools.lru_cache(maxsize=8192)
def _missing_text(value: str) -> bool:
    return norm(value) in MISSING and not value.strip().isdigit()


def yes_no(value: object) -> bool | None:
    """Parse a yes/no flag; None when missing or not a yes/no word."""
    if value is True or value is False:
        return bool(value)
    if is_missing(value):
        return None
    n = norm(value)
    if n in YES or str(value).strip() in {"✓", "✔", "x", "X"}:
        return True
    if n in NO:
        return False
    return None


# --- statuses --------------------------------------------------------------

#: Status words (normalised) -> (status, stage hint or None). Checked exactly first.
STATUS_WORDS: dict[str, tuple[str, str | None]] = {}


def _s(status: str, stage: str | None, *words: str) -> None:
    for w in words:
        STATUS_WORDS[norm(w)] = (status, stage)


_s("applied", None, "applied", "submitted", "sent", "application sent", "pending", "waiting",
   "in progress", "in review", "under review", "active", "open", "awaiting response",
   "application submitted", "apply", "new")
_s("no_response", None, "ghosted", "no response", "no response to application", "no reply",
   "noresponse", "silence", "no answer", "never heard back", "ghost", "unanswered")
_s("screen", "screen", "phone screen", "screen", "screening", "phone screening", "recruiter call",
   "recruiter screen", "hr screen", "phone call", "phone interview", "assessment",
   "online assessment", "take home", "coding challenge", "oa")
_s("interview", "interview", "interview", "interviewing", "interviewed", "onsite", "on site",
   "final round", "technical interview", "second interview", "2nd interview",
   "interview scheduled", "first interview", "final interview")
_s("offer", "offer", "offer", "offered", "offer received", "job offer")
_s("accepted", "accepted", "accepted", "hired", "offer accepted", "signed", "accept")
_s("rejected", "replied", "rejected", "rejection", "declined by company", "not selected",
   "turned down", "denied", "reject", "no", "unsuccessful", "not moving forward")
# The applicant turned the offer down: withdrawn, after reaching the offer stage.
_s("withdrawn", "offer", "declined offer", "offer declined", "turned down offer",
   "rejected offer", "offer rejected", "refused offer", "offer refused", "declined the offer")
_s("withdrawn", None, "withdrawn", "withdrew", "withdraw", "declined",
   "not interested", "cancelled by me", "retracted")
# A reply with no outcome yet: the current status stays "applied" (no canonical
# "replied" status), the stage records the reply.
_s("applied", "replied", "heard back", "replied", "responded", "response received",
   "got reply", "got a reply", "got response", "got a response", "reply received",
   "in contact", "in touch", "callback", "got callback")
# The employer's wording on candidate portals (Workday, LinkedIn...).
_s("rejected", "replied", "no longer under consideration", "no longer being considered",
   "no longer considered", "no longer considering", "not a fit", "not hired", "no offer",
   "position filled by another candidate", "not progressing", "not proceeding")
_s("closed", None, "position removed", "closed", "position closed", "job closed", "filled",
   "position filled", "expired", "posting removed", "job removed", "cancelled", "canceled",
   "archived", "on hold")

#: Not applications: rows with these statuses are excluded (and reported).
NOT_APPLIED = _n("wishlist", "wish list", "saved", "didn't apply", "did not apply", "not applied",
                 "bookmarked", "to apply", "interested", "planned", "draft", "todo", "to do",
                 "researching", "want to apply", "not yet applied", "shortlisted")

# Substring cues for free text ("Rejection :(", "Inter + Rejec"): order matters.
_CUES: list[tuple[re.Pattern[str], str, str | None]] = [
    (re.compile(r"wish|bookmark|saved|toapply|didntapply|notapplied|didnotapply"), "not", None),
    # The applicant turned an offer down / the employer took it back: offer stage reached.
    (re.compile(r"offer(was)?(declined|refused|rejected|turneddown)|"
                r"(declined|refused|rejected|turneddown)(the|an|job)?offer"), "withdrawn", "offer"),
    (re.compile(r"rescind"), "rejected", "offer"),
    (re.compile(r"accept|hired"), "accepted", "accepted"),
    (re.compile(r"offer"), "offer", "offer"),
    (re.compile(r"withdr"), "withdrawn", None),
    (re.compile(r"ghost|noresp|noreply|noanswer|neverheard|noword"), "no_response", None),
    (re.compile(r"re+j+e*c*|declin|notselected|turneddown|unsuccess|nolonger"),
     "rejected", "replied"),
    (re.compile(r"inter(?!n|est)(view)?|onsite|round"), "interview", "interview"),
    (re.compile(r"screen|phone|assess|call|takehome|challenge"), "screen", "screen"),
    (re.compile(r"(?<!never)(?<!not)(heardback|replied|responded|gotreply|gotresponse|"
                r"responsereceived)"), "applied", "replied"),
    (re.compile(r"remov|closed|filled|expired|onhold|cancel"), "closed", None),
    (re.compile(r"appl|submit|sent"), "applied", None),
]

#: "No offer", "not hired", "Rejected (no interview)": a negated milestone is a
#: rejection, and must not count as reaching that milestone.
_NEGATED = re.compile(r"(?:no|not|never|didnt|didnot|without)(?:an?|the|get|got)*"
                      r"(?:offer|hired|selected|interview\w*|screen\w*|phonescreen|round\w*)")
#: "No callback", "never got a call", "no reply yet": no response (not a screen call).
_NO_REPLY = re.compile(r"(?:no|not|never|didnt|didnot|without)(?:an?|the|get|got|any)*"
                       r"(?:call\w*|response\w*|reply\w*|answer\w*|word)")


def parse_status(value: object) -> tuple[str | None, str | None, bool]:
    """Map a free-text status to ``(status, stage_hint, recognised)``.

    ``status`` is ``"not"`` for rows that are not applications (wishlist,
    saved...), ``None`` for a missing status. ``stage_hint`` is the furthest
    stage the text implies ("Inter + Rejec" -> rejected, stage interview).
    Teal exports status as JSON (``{"name": "Applied"}``): the name is used.
    """
    if is_missing(value):
        return None, None, True
    text = str(value).strip()
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("name"), str):
            text = obj["name"]
    n = norm(text)
    if n in NOT_APPLIED:
        return "not", None, True
    if n in STATUS_WORDS:
        status, stage = STATUS_WORDS[n]
        return status, stage, True
    n = _NEGATED.sub("reject", _NO_REPLY.sub("noresp", n))
    hits = [(pat, st, sg) for pat, st, sg in _CUES if pat.search(n)]
    if hits:
        status = hits[0][1]
        # The furthest stage any cue names: "Inter + Rejec" and "Ghosted after
        # interview" were both interviewed.
        stages = [sg for _, _, sg in hits if sg is not None]
        stage = max(stages, key=STAGE_RANK.__getitem__) if stages else None
        return status, stage, True
    close = difflib.get_close_matches(n, list(STATUS_WORDS) + list(NOT_APPLIED), n=1, cutoff=0.75)
    if close:
        if close[0] in NOT_APPLIED:
            return "not", None, True
        status, stage = STATUS_WORDS[close[0]]
        return status, stage, True
    return "applied", None, False


def parse_reply_kind(value: object) -> str | None:
    if is_missing(value):
        return None
    n = norm(value)
    for kind in REPLY_KINDS:
        if n.startswith(norm(kind)[:5]):
            return kind
    if "reject" in n:
        return "rejection"
    if "interview" in n or "screen" in n:
        return "interview"
    return "other"


# --- sources and channels --------------------------------------------------

SOURCE_WORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"referr|referal|friend|network"), "referral"),
    (re.compile(r"easyappl|linkedineasy|quickappl"), "linkedin easy apply"),
    (re.compile(r"linkedin"), "linkedin"),
    (re.compile(r"^(company|companysite|companywebsite|companypage|careerspage|careersite|"
                r"careers|website|direct|employersite|jobsitepage|corporatesite)$"),
     "company site"),
    (re.compile(r"indeed|ziprecruiter|dice|glassdoor|monster|usajobs|otterjobs|handshake|"
                r"wellfound|angellist|governmentjobs|ripplematch|simplyhired|careerbuilder|"
                r"stepstone|jobboard|builtin|hired|jobright"), "job board"),
    (re.compile(r"recruit|agency|headhunt|staffing"), "recruiter"),
    (re.compile(r"^other$"), "other"),
]


def parse_source(value: object) -> str | None:
    """Normalise a source to :data:`jobstats.schema.SOURCES`, else keep it as written."""
    if is_missing(value):
        return None
    n = norm(value)
    for pat, label in SOURCE_WORDS:
        if pat.search(n):
            return label
    return str(value).strip()


def parse_channel(value: object) -> str | None:
    """Normalise a follow-up channel to :data:`jobstats.schema.CHANNELS` (None if unknown)."""
    if is_missing(value):
        return None
    n = norm(value)
    if re.search(r"mail|gmail|outlook", n):
        return "email"
    if re.search(r"phone|call|tel|voicemail|sms|text", n):
        return "phone"
    if re.search(r"linkedin|inmail|dm", n):
        return "linkedin"
    if re.search(r"person|visit|walkin|inoffice|faceto|career ?fair|fair", n):
        return "in person"
    return None

