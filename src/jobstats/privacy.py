"""Private by default: clients under stable pseudonyms, personal details dropped.

A coach's client files are named after the clients and hold contact emails,
phone numbers, links, recruiters' names and free-text notes. Before anything
is shown or written, :func:`pseudonymise` replaces every client (and every
file name, which in practice is the client's name) by a pseudonym ("Client
A", "Client B", ...) and :func:`drop_personal_data` removes personal columns.

The pseudonyms are kept in a key file the coach controls (a small CSV,
default ``jobstats-clients.key.csv`` in the current folder): the same client
gets the same pseudonym on every run, new clients get the next free letters
in random order (so a pseudonym does not reveal the alphabetical order of
names). The key is the only place the real names are written; it must never
be inside a folder of outputs that is shared.
"""

from __future__ import annotations

import csv
import os
import random
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jobstats.io.columns import column_letter  # pseudonyms count like columns: A..Z, AA
from jobstats.schema import APPLICATION_COLUMNS, InputError

__all__ = ["KEY_NAME", "ClientKey", "pseudonymise", "drop_personal_data", "scrub_text", "key_path",
           "check_key_outside"]

#: Default file name of the key (real name -> pseudonym).
KEY_NAME = "jobstats-clients.key.csv"
_KEY_HEADER = ["client", "pseudonym"]

# Headers of extra columns that hold personal data or free text. Matched on the
# header made lower-case with spaces/underscores/dashes removed.
_PERSONAL_HEADER = re.compile(
    r"mail|phone|mobile|tel(?:ephone)?$|url|link|website|contact|recruiter|manager|"
    r"name|createdby|creator|user|owner|person|note|comment|question|answer|description|"
    r"resume|cv|coverletter|tags?$|board|address|salary"
)
# Values that are personal whatever their column: e-mails, URLs, phone numbers.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w/.:-])(?:\+\d[\d ().-]{7,}\d|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4})"
                   r"(?![\w/:-])")
#: Canonical text columns that may hold free text or names: emptied, not dropped.
_FREE_TEXT = ("notes",)


def _norm(header: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", str(header)).lower()


def _looks_personal(values: pd.Series) -> bool:
    text = values.dropna().astype("str")
    text = text[text.str.len() > 0].head(500)
    if text.empty:
        return False
    return bool(text.str.contains(EMAIL).any() or text.str.contains(URL).any()
                or text.str.fullmatch(r"\s*" + PHONE.pattern + r"\s*").any())


def drop_personal_data(applications: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The applications table without personal data, and the columns removed.

    Extra columns (kept from the user's file) are dropped when their header
    names contact details, people, links, notes or other free text, or when
    their values hold e-mail addresses, links or phone numbers. The canonical
    ``notes`` column is emptied. Canonical analysis columns (company, title,
    source, dates, stage, status) are kept.
    """
    apps = applications.copy()
    removed: list[str] = []
    core = set(APPLICATION_COLUMNS) | {"reply_info", "interview_info", "followup_info"}
    for col in list(apps.columns):
        if col in core:
            continue
        if _PERSONAL_HEADER.search(_norm(col)) or (
                apps[col].dtype == object or pd.api.types.is_string_dtype(apps[col])) and \
                _looks_personal(apps[col]):
            removed.append(str(col))
    apps = apps.drop(columns=removed)
    for col in _FREE_TEXT:
        if col in apps.columns and apps[col].notna().any():
            apps[col] = pd.Series(pd.NA, index=apps.index, dtype="str")
            removed.append(col)
    return apps, removed


def key_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Where the key file is: ``path`` (a folder means :data:`KEY_NAME` in it), else
    ``$JOBSTATS_KEY``, else :data:`KEY_NAME` in the current folder."""
    if path is None:
        path = os.environ.get("JOBSTATS_KEY") or None
    p = Path(path) if path is not None else Path.cwd() / KEY_NAME
    return p / KEY_NAME if p.is_dir() else p


def check_key_outside(key: str | os.PathLike[str] | None, folder: str | os.PathLike[str]
                      ) -> None:
    """Raise :class:`InputError` when the key file would be inside the output ``folder``.

    The key holds the clients' real names; an output folder is meant to be
    shared (or its client pages sent), so the key must never be in it.
    """
    k = key_path(key).resolve()
    out = Path(folder).resolve()
    if k == out or out in k.parents:
        raise InputError(
            f"the pseudonym key {k} would be inside the output folder {out}, which you may "
            "share: the key holds your clients' real names. Keep it elsewhere (--key FILE, "
            "or the JOBSTATS_KEY environment variable), or write the report to another "
            "folder (-o DIR).")


@dataclass
class ClientKey:
    """The coach's key file: real client identifier -> pseudonym.

    Parameters
    ----------
    path : Path
        The CSV file (columns ``client, pseudonym``). Read if it exists.
    """

    path: Path
    mapping: dict[str, str] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> ClientKey:
        """Read the key at ``path`` (default: ``$JOBSTATS_KEY`` if set, else
        :data:`KEY_NAME` in the current folder)."""
        p = key_path(path)
        mapping: dict[str, str] = {}
        if p.exists():
            try:
                with p.open(newline="", encoding="utf-8") as fh:
                    rows = list(csv.DictReader(fh))
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                raise InputError(f"{p}: the pseudonym key cannot be read ({exc}).") from exc
            if rows and set(_KEY_HEADER) - set(rows[0]):
                raise InputError(f"{p}: not a jobstats key file (columns client, pseudonym); "
                                 "give another path with --key.")
            mapping = {r["client"]: r["pseudonym"] for r in rows if r.get("client")}
        return cls(p, mapping)

    def assign(self, clients: Iterable[str]) -> dict[str, str]:
        """Pseudonyms of ``clients``; new ones get free letters in random order."""
        new = sorted({c for c in clients if c not in self.mapping})
        random.SystemRandom().shuffle(new)
        used = set(self.mapping.values())
        i = 0
        for c in new:
            while f"Client {column_letter(i)}" in used:
                i += 1
            self.mapping[c] = f"Client {column_letter(i)}"
            used.add(self.mapping[c])
            self.added.append(c)
        return {c: self.mapping[c] for c in clients}

    def save(self) -> Path:
        """Write the key atomically, readable by its owner only."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".key-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(_KEY_HEADER)
                for c, p in sorted(self.mapping.items(), key=lambda kv: (len(kv[1]), kv[1])):
                    w.writerow([c, p])
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return self.path


def scrub_text(text: str, replacements: list[tuple[str, str]] | re.Pattern[str],
               lookup: dict[str, str] | None = None) -> str:
    """``text`` with every identifier replaced, and e-mails, links, phone numbers removed.

    ``replacements`` are (raw, pseudonym) pairs; longer ones win, and only
    whole words are replaced, so "ann" does not touch "annual". (A compiled
    pattern and its lookup, from :func:`_compile`, may be passed instead.)
    """
    # contacts first, so a name inside an address does not break the address up
    text = EMAIL.sub("[e-mail removed]", text)
    text = URL.sub("[link removed]", text)
    text = PHONE.sub("[phone removed]", text)
    if isinstance(replacements, re.Pattern):
        pattern, table = replacements, lookup or {}
    else:
        pattern, table = _compile(replacements)
    if pattern is None:
        return text
    return pattern.sub(lambda m: table[m.group(0)], text)


def _compile(pairs: list[tuple[str, str]]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One whole-word alternation of every raw identifier (longest first) and its lookup."""
    table = {raw: pseudo for raw, pseudo in sorted(pairs, key=lambda rp: len(rp[0])) if raw}
    if not table:
        return None, {}
    alts = "|".join(re.escape(r) for r in sorted(table, key=len, reverse=True))
    return re.compile(r"(?<![\w])(?:" + alts + r")(?![\w])"), table


def _replacements(loaded: Any, names: dict[str, str]) -> list[tuple[str, str]]:
    """(raw text, pseudonym) for every client id, file path, file name and stem."""
    pairs = list(names.items())
    files = list(loaded.report.files) + [p for p, _ in loaded.report.skipped]
    for i, f in enumerate(files, start=1):
        f = Path(f)
        pseudo = names.get(f.stem, f"file {i}")
        for raw in (str(f), str(f.resolve()), f.name, f.stem):
            pairs.append((raw, pseudo))
    return pairs


def pseudonymise(loaded: Any, *, key: ClientKey | str | os.PathLike[str] | None = None,
                 save: bool = True) -> Any:
    """A copy of a ``LoadResult`` with clients under pseudonyms and personal data dropped.

    Parameters
    ----------
    loaded : LoadResult
        What :func:`jobstats.load` / :func:`jobstats.load_many` returned.
    key : ClientKey or path, optional
        The coach's key file (default :data:`KEY_NAME` in the current folder);
        created or extended with any new client.
    save : bool
        Write the key when clients were added.

    Returns
    -------
    LoadResult
        ``client`` holds pseudonyms ("Client A" ...); application ids, sheet
        names, file names and every line of the load report use them too;
        personal columns are dropped (:func:`drop_personal_data`). The files
        on disk are not touched. ``report.notes`` says what was removed.

    Examples
    --------
    >>> safe = pseudonymise(jobstats.load("clients/"), key="my.key.csv")  # doctest: +SKIP
    """
    ck = key if isinstance(key, ClientKey) else ClientKey.open(key)
    apps = loaded.applications
    clients = [str(c) for c in apps["client"].dropna().unique()]
    clients += [Path(p).stem for p, _ in loaded.report.skipped]
    names = ck.assign(dict.fromkeys(clients))
    if save and ck.added:
        ck.save()
    pattern, table = _compile(_replacements(loaded, names))

    def scrub(x: Any) -> Any:
        return scrub_text(x, pattern, table) if isinstance(x, str) else x

    safe, removed = drop_personal_data(apps)
    client = safe["client"].astype("str")
    safe["client"] = client.map(names).astype("str").where(client.notna(), pd.NA)
    # ids are "<client>/<id in the file>" (load_many): swap the client part; ids
    # of the file itself (e.g. "<file name>:<row>") go through the scrubber once each
    ids = safe["application_id"].astype("str")
    # column by column: ``.T`` of a 3-column frame makes one column per row (100k
    # rows: 20 s of pandas string conversions in a coach's 200-client folder)
    split = ids.str.partition("/")
    head, tail = split[0].to_numpy(dtype=object), split[2].to_numpy(dtype=object)
    pseudo_head = pd.Series(head).map(names)
    # "<file name>:<row>": scrub each distinct part before the last ":" once
    split = pd.Series(tail).str.rpartition(":")
    pre, colon, post = (split[k].to_numpy(dtype=object) for k in range(3))
    pre = pd.Series(pre)
    pre = pre.map({t: scrub(t) for t in pre.unique()})
    rest = pre + pd.Series(colon) + pd.Series(post).map({t: scrub(t) for t in set(post)})
    uniq = {t: t for t in rest.unique()}
    new_ids = pseudo_head.where(pseudo_head.notna(), pd.Series(head).map(scrub)) + \
        np.where(ids.str.contains("/", regex=False).to_numpy(), "/", "") + rest.map(uniq)
    id_map = dict(zip(ids, new_ids))
    safe["application_id"] = pd.Series(new_ids.to_numpy(), index=safe.index, dtype="str")
    sheets = {v: scrub(v) for v in safe["sheet"].dropna().unique()}
    safe["sheet"] = safe["sheet"].map(sheets).astype("str")
    events = loaded.events.copy()
    events["application_id"] = events["application_id"].map(id_map).astype("str")
    rep = loaded.report
    mapping = rep.mapping.copy()
    for col in ("file", "sheet"):
        if col in mapping:
            mapping[col] = mapping[col].map(scrub)
    issues = rep.issues.copy()
    for col in ("file", "sheet", "reason"):
        issues[col] = issues[col].map(scrub).astype("str")
    notes = [scrub(n) for n in rep.notes]
    # words read from cells (statuses, sources) may quote a person or an address
    matches = rep.matches.copy()
    for col in ("column", "word"):
        if col in matches:
            matches[col] = matches[col].map(scrub).astype("str")
    if removed:
        notes.append("private by default: client names replaced by pseudonyms; personal "
                     f"columns left out ({', '.join(removed)}); use --show-names to keep them")
    report = replace(
        rep,
        file=Path(scrub(str(rep.file))) if rep.file is not None else None,
        files=[Path(scrub(str(f))) for f in rep.files],
        sheets=[scrub(s) for s in rep.sheets],
        mapping=mapping,
        extras=[x for x in rep.extras if x not in removed],
        date_decisions=[scrub(d) for d in rep.date_decisions],
        notes=notes,
        issues=issues,
        matches=matches,
        file_warnings=[scrub(w) for w in rep.file_warnings],
        skipped=[(Path(scrub(str(p))), scrub(w)) for p, w in rep.skipped],
    )
    return replace(loaded, applications=safe, events=events, report=report,
                   path=Path(scrub(str(loaded.path))))
