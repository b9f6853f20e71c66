"""Vocabularies of the loader: header synonyms, export signatures, status/source/channel words.

The words are data: one CSV table per language in this folder (``en.csv``,
``de.csv``, ...; format in ``README.md``), read once at import through
:mod:`importlib.resources` and merged, so a tracker may mix languages. The
logic that is not a word list stays here as code: negations ("no offer"),
free-text cues ("Inter + Rejec"), numbered follow-up headers, export signatures.

All matching is done on :func:`norm`, a case-folded, accent-free,
letters-and-digits-only form of the text (``"Date Applied (UTC)"`` -> ``"dateapplied"``).
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from jobstats.io.fields import FIELD_NAMES, STATUS_MEANINGS
from jobstats.schema import CHANNELS, REPLY_KINDS, SOURCES, STAGE_RANK

_UTC = re.compile(r"\((utc|gmt|local)\)|\butc\b", re.I)
_NOT_WORD = re.compile(r"[\W_]+")


def norm(text: object) -> str:
    """Normalise a header or value for matching: case-folded, accents removed, no
    punctuation/spaces/"(UTC)" (``"Gespräch"`` -> ``"gesprach"``)."""
    s = _UTC.sub("", str(text)).casefold()
    if not s.isascii():
        # Accents off ("Réponse" == "Reponse"); letters of every script stay:
        # "東京データ" must not normalise to "" (= missing).
        s = "".join(c for c in unicodedata.normalize("NFKD", s)
                    if not unicodedata.combining(c))
    return _NOT_WORD.sub("", s.replace("1st", "first"))


def _n(*names: str) -> set[str]:
    return {norm(x) for x in names}


# --- the tables --------------------------------------------------------------

#: Kinds of table lines (README.md).
KINDS = ("header", "weak_header", "status", "source", "channel", "yes", "no", "missing",
         "month", "date_order", "decimal")

_ALLOWED: dict[str, set[str] | None] = {
    "header": set(FIELD_NAMES), "weak_header": set(FIELD_NAMES),
    "status": set(STATUS_MEANINGS), "source": set(SOURCES), "channel": set(CHANNELS),
    "yes": {""}, "no": {""}, "missing": {""}, "month": {str(m) for m in range(1, 13)},
    "date_order": {"dayfirst", "monthfirst"}, "decimal": {",", "."},
}


@dataclass(frozen=True)
class Entry:
    """One line of a vocabulary table."""

    kind: str
    word: str
    meaning: str
    lang: str  # file stem: "en", "de", "en_extra"
    line: int
    #: :func:`norm` of ``word``, computed once (the indexes below all need it)
    key: str = ""


def read_table(text: str, lang: str) -> tuple[list[Entry], list[str]]:
    """Parse one table; returns its entries and problems (bad kind/meaning), as lines."""
    entries: list[Entry] = []
    problems: list[str] = []
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(rows, None)
    if header is None or [h.strip() for h in header[:4]] != ["kind", "word", "meaning", "note"]:
        return [], [f"{lang}.csv: first line must be 'kind,word,meaning,note'"]
    for k, row in enumerate(rows, start=2):
        if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
            continue
        kind, word, meaning = (list(row) + ["", "", ""])[:3]
        kind, word, meaning = kind.strip(), word.strip(), meaning.strip()
        allowed = _ALLOWED.get(kind)
        if allowed is None:
            problems.append(f"{lang}.csv line {k}: unknown kind {kind!r}")
        elif meaning not in allowed:
            problems.append(f"{lang}.csv line {k}: {kind} {word!r}: meaning {meaning!r} not "
                            f"one of {sorted(allowed)}")
        elif not (key := norm(word)) and kind not in ("date_order", "decimal"):
            problems.append(f"{lang}.csv line {k}: {kind} {word!r} is empty once normalised")
        else:
            entries.append(Entry(kind, word, meaning, lang, k, key))
    return entries, problems


def _load_tables() -> tuple[list[Entry], list[str]]:
    """Every ``*.csv`` table of this package, English first (wins a conflict)."""
    files = [f for f in resources.files(__name__).iterdir() if f.name.endswith(".csv")]
    files.sort(key=lambda f: (not f.name.startswith("en"), f.name))
    entries, problems = [], []
    for f in files:
        e, p = read_table(f.read_text(encoding="utf-8"), f.name[:-4])
        entries += e
        problems += p
    return entries, problems


ENTRIES, PROBLEMS = _load_tables()
#: Words given two different meanings within one kind (the first table wins);
#: a test keeps this empty.
CONFLICTS: list[str] = []


def _index(kind: str) -> dict[str, str]:
    """Normalised word -> meaning for one kind (first table wins)."""
    out: dict[str, str] = {}
    origin: dict[str, Entry] = {}
    for e in ENTRIES:
        if e.kind != kind:
            continue
        w = e.key
        if w in out and out[w] != e.meaning:
            o = origin[w]
            CONFLICTS.append(f"{kind} {e.word!r}: {o.meaning!r} ({o.lang}.csv line {o.line}) vs "
                             f"{e.meaning!r} ({e.lang}.csv line {e.line})")
            continue
        out.setdefault(w, e.meaning)
        origin.setdefault(w, e)
    return out


def _by_meaning(index: dict[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for w, m in index.items():
        out.setdefault(m, set()).add(w)
    return out


HEADER_WORDS = _index("header")
WEAK_WORDS = _index("weak_header")
#: Strong header synonyms per field (normalised).
SYNONYMS: dict[str, set[str]] = _by_meaning(HEADER_WORDS)
#: Weak synonyms: used only when no strong header claims the field.
WEAK: dict[str, set[str]] = _by_meaning(WEAK_WORDS)
#: Normalised status word -> status meaning (:data:`STATUS_MEANINGS` key).
STATUS_MEANING_OF: dict[str, str] = _index("status")
#: Status words (normalised) -> (status, stage hint or None). Checked exactly first.
STATUS_WORDS: dict[str, tuple[str, str | None]] = {
    w: STATUS_MEANINGS[m] for w, m in STATUS_MEANING_OF.items() if m != "not_applied"}
#: Not applications: rows with these statuses are excluded (and reported).
NOT_APPLIED: set[str] = {w for w, m in STATUS_MEANING_OF.items() if m == "not_applied"}
SOURCE_TABLE: dict[str, str] = _index("source")
CHANNEL_TABLE: dict[str, str] = _index("channel")
MISSING: set[str] = set(_index("missing")) | {""}


def _exact(text: str) -> str:
    """Case-folded, without punctuation or spaces, accents KEPT ("N/A" -> "na", "ŃA" -> "ńa")."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFC", text).casefold())


#: The missing-value words as written (accents kept): a name such as "ŃA" folds to
#: "na" but is not the placeholder N/A, so a folded match is confirmed against these.
MISSING_EXACT: set[str] = {_exact(e.word) for e in ENTRIES if e.kind == "missing"} | {""}
#: Placeholders written without punctuation ("na", "NC", "onbekend"), folded: a value
#: without punctuation is a placeholder only if it is one of these ("SO" is a name, not
#: "s.o."; "N/A", "#N/A", "S.O." fold to listed placeholders as before).
MISSING_BARE: set[str] = {e.key for e in ENTRIES
                          if e.kind == "missing" and re.fullmatch(r"[\w\s]+", e.word)} | {""}
_PUNCT = re.compile(r"[^\w\s]")
#: Longer texts are no placeholder (a fast path skips them); room for padding spaces.
_MISSING_MAX_LEN = max(len(e.word) for e in ENTRIES if e.kind == "missing") + 4
YES: set[str] = set(_index("yes"))
NO: set[str] = set(_index("no"))
#: Normalised month name or abbreviation -> month number (every language).
MONTHS: dict[str, int] = {w: int(m) for w, m in _index("month").items()}
#: Language code -> True when numeric dates are usually day first.
DATE_ORDER: dict[str, bool] = {e.word: e.meaning == "dayfirst" for e in ENTRIES
                               if e.kind == "date_order"}
#: Language code -> decimal separator.
DECIMAL: dict[str, str] = {e.word: e.meaning for e in ENTRIES if e.kind == "decimal"}
#: Normalised header or status word -> languages whose table lists it.
LANGS_OF: dict[str, set[str]] = {}
for _e in ENTRIES:
    if _e.kind in ("header", "weak_header", "status"):
        LANGS_OF.setdefault(_e.key, set()).add(_e.lang.split("_")[0])


def language_of(words: list[str]) -> str | None:
    """The language most of ``words`` (headers, statuses) belong to, if not English
    and clear (English words are shared by many trackers, so English is the default)."""
    votes: dict[str, int] = {}
    for w in words:
        key = norm(w)
        if _english_pattern(key):
            continue  # (Portuguese trackers write "Follow-up" too: it says nothing)
        langs = LANGS_OF.get(key, set())
        if len(langs) == 1:
            lang = next(iter(langs))
            votes[lang] = votes.get(lang, 0) + 1
    votes.pop("en", None)
    if not votes:
        return None
    best = max(votes, key=votes.__getitem__)
    return best if list(votes.values()).count(votes[best]) == 1 else None


# --- header patterns (code, not words) ----------------------------------------

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
    (re.compile(r"^(date(of)?)?(export(ed)?|snapshot|extract(ed)?)(date|on|at)?$"),
     "exported_on"),
]

#: Follow-up headers are matched by pattern (numbered columns are common).
FOLLOW_UP_RE = re.compile(
    r"^(last|first|second|third|\d*(st|nd|rd|th)?)?(date(of)?)?follow(ed)?up(s)?"
    r"(\d+|one|two|three)?(date|on|sent|at|done)?(\d+)?\??$"
)
FOLLOW_UP_CHANNEL_RE = re.compile(r"^followup(\d*)(channel|via|method|how|medium)(\d*)$")
GENERIC_CHANNEL = _n("channel", "via", "follow-up channel", "contact method", "how", "method",
                     "medium")


def _english_pattern(key: str) -> bool:
    """Whether an English header pattern reads the normalised word ``key`` (a
    word English trackers use, whatever other table also lists it)."""
    return bool(FOLLOW_UP_RE.match(key) or FOLLOW_UP_CHANNEL_RE.match(key)
                or any(p.match(key) for p, _ in DATE_PATTERNS))


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

# --- values ------------------------------------------------------------------

EXCEL_ERRORS = {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
                "#SPILL!", "#CALC!", "#GETTING_DATA", "#N/A N/A"}


def is_missing(value: object) -> bool:
    """True for empty cells and the usual placeholders (``-``, ``N/A``, ``none``)."""
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    if isinstance(value, str):
        if len(value) > _MISSING_MAX_LEN:  # fast path: every placeholder is short
            return not value.strip()
        return _missing_text(value)
    return False


_SEP = "\x00"
#: ASCII characters :func:`fold_many` removes (after lower-casing): all but a-z, 0-9
#: and the separator.
_ASCII_DROP = bytes(c for c in range(128)
                    if chr(c) not in "abcdefghijklmnopqrstuvwxyz0123456789" + _SEP)
_FOLD_DROP = re.compile(r"[\u0300-\u036f]|[^\w\x00]|_")


def fold_many(values: list[str]) -> list[str]:
    r"""Case-folded, NFKD, letters-and-digits-only form of many texts at once.

    The same as ``Series.str.casefold().str.normalize("NFKD").str.replace(
    r"[\u0300-\u036f]|[\W_]+", "")`` (``"Café-Bar"`` -> ``"cafebar"``), but done
    on one joined string (NFKD never joins across the NUL separator), so a
    million values cost a few string operations, not a Python call each; pure
    ASCII text takes ``str.translate``. Values holding a NUL fall back to pandas.
    """
    if not values:
        return []
    joined = _SEP.join(values)
    if joined.count(_SEP) == len(values) - 1:
        if joined.isascii():
            # bytes.translate: a C loop, no per-character dict lookup
            parts = (joined.encode("ascii").lower().translate(None, _ASCII_DROP)
                     .decode("ascii").split(_SEP))
        else:
            folded = unicodedata.normalize("NFKD", joined.casefold())
            parts = _FOLD_DROP.sub("", folded).split(_SEP)
        if len(parts) == len(values):
            return parts
    sv = pd.Series(values, dtype=object)
    return (sv.str.casefold().str.normalize("NFKD")
            .str.replace(r"[\u0300-\u036f]|[\W_]+", "", regex=True)).tolist()


def missing_mask(values: list[object]) -> np.ndarray:
    """:func:`is_missing` of each value; long texts are only checked for blankness
    (every missing-value word is short), without a Python call per value."""
    try:
        lens = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    except TypeError:  # not all text (workbook numbers, dates)
        return np.array([is_missing(u) for u in values], dtype=bool)
    out = np.zeros(len(values), dtype=bool)
    short = np.flatnonzero(lens <= _MISSING_MAX_LEN)
    if len(short) <= 256:  # few values (a wide sheet's columns): a call each is cheaper
        out[short] = [is_missing(values[k]) for k in short]
    else:
        sv = values if len(short) == len(values) else [values[k] for k in short]
        folded = fold_many(sv)
        # only a folded value that is a missing word needs the digits check
        cand = np.flatnonzero(pd.Series(folded, dtype=object).isin(MISSING).to_numpy())
        out[short[cand]] = [_missing_text(sv[k]) for k in cand]
    long_ = np.flatnonzero(lens > _MISSING_MAX_LEN)
    if len(long_):
        out[long_] = [not values[k].strip() for k in long_]
    return out


@functools.lru_cache(maxsize=8192)
def _missing_text(value: str) -> bool:
    folded = norm(value)
    return (folded in MISSING and not value.strip().isdigit()
            # accents may be dropped, not added or changed ("ŃA" is not "NA")
            and (value.isascii() or _exact(value) in MISSING_EXACT)
            # punctuation may be dropped only where the placeholder has none
            and (folded in MISSING_BARE or _PUNCT.search(value) is not None))


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


# --- statuses ----------------------------------------------------------------

# Substring cues for English free text ("Rejection :(", "Inter + Rejec"): order matters.
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
#: Negations in the tables' languages, just before a contained status word
#: ("kein Vorstellungsgespräch", "pas d'entretien", "sin respuesta"): the word is
#: then not read (the cell is left unrecognised, for the user to map).
_NEG_END = re.compile(r"(kein|keine|keinen|nicht|ohne|no|not|never|sans|pasde|pasd|pas|"
                      r"aucun|aucune|sin|ningun|ninguna|geen|niet|zonder|sem|nao|nenhum|"
                      r"nenhuma|nessun|nessuna|nessuno|senza|non)$")
#: Status priority when a cell contains several status words (the most final one
#: gives the status; the furthest stage any of them names gives the stage).
_PRIORITY = ("not_applied", "offer_declined", "accepted", "offer", "withdrawn", "no_response",
             "rejected", "interview", "screen", "replied", "closed", "applied")


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    """One pattern finding any of ``words`` of 5+ letters inside a longer text, longest first."""
    return re.compile("|".join(sorted((re.escape(w) for w in words if len(w) >= 5),
                                      key=len, reverse=True)) or "(?!)")


# Compiled on first use, not at import: the status alternation alone costs ~20 ms,
# paid by every start-up, and a tracker whose cells are all table words never needs it.
@functools.cache
def _status_contained() -> re.Pattern[str]:
    """Status words long enough to be looked for inside longer text."""
    return _alternation(STATUS_MEANING_OF)


@functools.cache
def _source_contained() -> re.Pattern[str]:
    """Table source words looked for inside longer values ("StepStone.de")."""
    return _alternation(SOURCE_TABLE)


@dataclass(frozen=True)
class StatusMatch:
    """How a status cell was read.

    ``how`` is ``"missing"``, ``"user"`` (the user's mapping), ``"exact"`` (a
    table word), ``"contains"`` (a table word inside longer text), ``"cue"``
    (English free-text cue), ``"fuzzy"`` (close to a word that does not
    promote) or ``"unrecognised"`` (treated as applied; ``suggestion`` is the
    closest known meaning, never applied automatically).
    """

    status: str | None
    stage: str | None
    how: str
    meaning: str | None = None
    suggestion: str | None = None

    @property
    def recognised(self) -> bool:
        return self.how != "unrecognised"


def _meaning_of(status: str, stage: str | None) -> str:
    for m, pair in STATUS_MEANINGS.items():
        if pair == (status, stage):
            return m
    return f"{status} (stage {stage})" if stage else status


def check_user_statuses(statuses: dict[str, str] | None) -> dict[str, str]:
    """Validate a ``statuses=`` mapping (word -> meaning); returns it keyed by :func:`norm`."""
    from jobstats.schema import InputError

    out: dict[str, str] = {}
    for word, meaning in (statuses or {}).items():
        m = {norm(k): k for k in STATUS_MEANINGS}.get(norm(meaning))
        if m is None:
            raise InputError(
                f"statuses: {word!r} -> {meaning!r}: unknown status. Use one of: "
                + ", ".join(STATUS_MEANINGS) + " (CLI: --status 'WORD=STATUS')."
            )
        if not norm(word):
            raise InputError(f"statuses: the word {word!r} is empty.")
        out[norm(word)] = m
    return out


def match_status(value: object, user: dict[str, str] | None = None) -> StatusMatch:
    """Read a free-text status cell.

    Parameters
    ----------
    value : object
        The cell.
    user : dict, optional
        The user's mapping from :func:`check_user_statuses` (normalised word ->
        meaning); it wins over the tables.

    Teal exports status as JSON (``{"name": "Applied"}``): the name is used.
    Only exact words (the tables' or the user's) and English cues naming the
    milestone raise the stage; a close spelling is never used to promote.
    """
    if is_missing(value):
        return StatusMatch(None, None, "missing")
    text = str(value).strip()
    if text.startswith("{"):
        try:
            obj = json.loads(text)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and isinstance(obj.get("name"), str):
            text = obj["name"]
    n = norm(text)
    if user and n in user:
        return StatusMatch(*STATUS_MEANINGS[user[n]], "user", user[n])
    if n in STATUS_MEANING_OF:
        m = STATUS_MEANING_OF[n]
        return StatusMatch(*STATUS_MEANINGS[m], "exact", m)
    return _match_text(n)


@functools.lru_cache(maxsize=4096)
def _match_text(n: str) -> StatusMatch:
    """Non-exact reading of a normalised status text (cached: cells repeat)."""
    neg = _NEGATED.sub("reject", _NO_REPLY.sub("noresp", n))
    hits = [(st, sg) for pat, st, sg in _CUES if pat.search(neg)]
    if hits:
        status = hits[0][0]
        # The furthest stage any cue names: "Inter + Rejec" and "Ghosted after
        # interview" were both interviewed.
        stages = [sg for _, sg in hits if sg is not None]
        stage = max(stages, key=STAGE_RANK.__getitem__) if stages else None
        return StatusMatch(status, stage, "cue", _meaning_of(status, stage))
    found = [STATUS_MEANING_OF[m.group()] for m in _status_contained().finditer(n)
             if not _NEG_END.search(n[:m.start()])]
    if found:
        best = min(found, key=_PRIORITY.index)
        stages = [STATUS_MEANINGS[m][1] for m in found if STATUS_MEANINGS[m][1]]
        stage = max(stages, key=STAGE_RANK.__getitem__) if stages else None
        status = STATUS_MEANINGS[best][0]
        return StatusMatch(status, stage, "contains", _meaning_of(status, stage))
    close = difflib.get_close_matches(n, list(STATUS_MEANING_OF), n=1, cutoff=0.75)
    if close:
        m = STATUS_MEANING_OF[close[0]]
        status, stage = STATUS_MEANINGS[m]
        # A guess never promotes an application, nor drops it: a close spelling
        # is used only when it keeps the stage at "applied" and the row in.
        if stage is None and status != "not":
            return StatusMatch(status, None, "fuzzy", m)
        return StatusMatch("applied", None, "unrecognised", suggestion=m)
    return StatusMatch("applied", None, "unrecognised")


def parse_status(value: object) -> tuple[str | None, str | None, bool]:
    """Map a free-text status to ``(status, stage_hint, recognised)``.

    ``status`` is ``"not"`` for rows that are not applications (wishlist,
    saved...), ``None`` for a missing status. See :func:`match_status`, which
    also says how the cell was read.
    """
    m = match_status(value)
    if m.how == "missing":
        return None, None, True
    return m.status, m.stage, m.recognised


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


# --- sources and channels ----------------------------------------------------

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


@functools.lru_cache(maxsize=4096)
def _source_of(n: str, raw: str) -> str:
    if n in SOURCE_TABLE:
        return SOURCE_TABLE[n]
    for pat, label in SOURCE_WORDS:
        if pat.search(n):
            return label
    m = _source_contained().search(n)
    if m:
        return SOURCE_TABLE[m.group()]
    return raw


def parse_source(value: object) -> str | None:
    """Normalise a source to :data:`jobstats.schema.SOURCES`, else keep it as written."""
    if is_missing(value):
        return None
    raw = str(value).strip()
    return _source_of(norm(raw), raw)


def parse_channel(value: object) -> str | None:
    """Normalise a follow-up channel to :data:`jobstats.schema.CHANNELS` (None if unknown)."""
    if is_missing(value):
        return None
    n = norm(value)
    if n in CHANNEL_TABLE:
        return CHANNEL_TABLE[n]
    if re.search(r"mail|gmail|outlook", n):
        return "email"
    if re.search(r"phone|call|tel|voicemail|sms|text", n):
        return "phone"
    if re.search(r"linkedin|inmail|dm", n):
        return "linkedin"
    if re.search(r"person|visit|walkin|inoffice|faceto|career ?fair|fair", n):
        return "in person"
    return None
