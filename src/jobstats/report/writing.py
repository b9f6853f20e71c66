"""Writing outputs so nothing is lost: atomic files and a manifest of what jobstats wrote.

* Every file is written to a temporary name in the same folder, flushed to
  disk, then renamed over the target (``os.replace`` is atomic on one file
  system): a reader, or a run killed half-way, sees the old file or the new
  one, never half of one.
* An existing file is overwritten only when jobstats wrote it and nobody has
  changed it since: the folder's ``.jobstats-manifest.json`` records the
  SHA-256 of each file jobstats wrote. Anything else needs ``force=True``
  (``--force``). The check is done for every target before the first write,
  so a refused run writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from jobstats import __version__
from jobstats.schema import InputError

MANIFEST = ".jobstats-manifest.json"
_TMP_MARK = ".jobstats-tmp-"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike[str], writer: Callable[[Path], object]) -> Path:
    """Write ``path`` atomically: ``writer(tmp)`` fills a temporary file beside it.

    Parameters
    ----------
    path : path-like
        The target; its folder must exist.
    writer : callable
        Called with the temporary path; writes the whole content there (e.g.
        ``fig.savefig``, ``workbook.save``). If it raises (or the run is
        interrupted), the temporary file is removed and the target is untouched.

    Returns
    -------
    Path
        The target.
    """
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}{_TMP_MARK}")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        with open(tmp, "rb+") as fh:  # make sure the bytes are on disk before the rename
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _bytes_writer(data: bytes) -> Callable[[Path], object]:
    return lambda tmp: tmp.write_bytes(data)


class OutputGuard:
    """Writes into one folder, refusing to overwrite files jobstats did not write.

    Parameters
    ----------
    folder : path-like
        Output folder (created on the first write).
    force : bool
        Overwrite files even when jobstats did not write them (or they changed).

    Examples
    --------
    >>> guard = OutputGuard("my_report")  # doctest: +SKIP
    >>> guard.check(["report.html", "figures/reply_curve.png"])  # doctest: +SKIP
    >>> guard.write_bytes("report.html", page.encode())  # doctest: +SKIP
    """

    def __init__(self, folder: str | os.PathLike[str], *, force: bool = False) -> None:
        self.folder = Path(folder)
        self.force = force
        if self.folder.exists() and not self.folder.is_dir():
            raise InputError(f"{self.folder}: is a file, not a folder; choose another output.")
        self.manifest = self._read_manifest()

    # -- manifest --------------------------------------------------------------
    def _read_manifest(self) -> dict[str, list[str]]:
        path = self.folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = data["files"]
            return {str(k): [str(h) for h in v] for k, v in files.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # missing or unreadable: nothing is known to be ours, so nothing is overwritten
            return {}

    def _save_manifest(self) -> None:
        body = {
            "written_by": f"jobstats {__version__}",
            "note": "Files jobstats wrote here, with their SHA-256; jobstats overwrites only "
            "these, and only while unchanged.",
            "files": dict(sorted(self.manifest.items())),
        }
        data = (json.dumps(body, indent=2) + "\n").encode()
        atomic_write(self.folder / MANIFEST, _bytes_writer(data))

    # -- checks ----------------------------------------------------------------
    def is_ours(self, name: str) -> bool:
        """True when ``name`` does not exist, or jobstats wrote it and it is unchanged."""
        target = self.folder / name
        if not target.exists() and not target.is_symlink():
            return True
        if not target.is_file():
            return False
        return sha256_file(target) in self.manifest.get(name, [])

    def check(self, names: Iterable[str]) -> None:
        """Raise :class:`InputError` naming every target jobstats may not overwrite."""
        if self.force:
            return
        refused = [n for n in names if not self.is_ours(n)]
        if refused:
            shown = ", ".join(str(self.folder / n) for n in refused[:5])
            more = f" and {len(refused) - 5} more" if len(refused) > 5 else ""
            raise InputError(
                f"{shown}{more} already exist(s) and jobstats did not write it (or it was "
                "changed since): nothing was written. Move it away, choose another output, "
                "or pass --force to overwrite it."
            )

    # -- writing ---------------------------------------------------------------
    def write(self, name: str, writer: Callable[[Path], object]) -> Path:
        """Atomically write ``folder/name`` with ``writer(tmp_path)`` and record it."""
        self.check([name])
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        old = sha256_file(target) if target.is_file() else None

        def write_and_record(tmp: Path) -> None:
            writer(tmp)
            # Accept both the old and the new content until the rename is done, so
            # a run killed between the two steps never locks the user out.
            self.manifest[name] = [h for h in (old, sha256_file(tmp)) if h]
            self._save_manifest()

        atomic_write(target, write_and_record)
        self.manifest[name] = [sha256_file(target)]
        self._save_manifest()
        return target

    def write_bytes(self, name: str, data: bytes) -> Path:
        """Atomically write ``data`` to ``folder/name`` and record it."""
        return self.write(name, _bytes_writer(data))

    def write_many(self, files: Mapping[str, bytes]) -> dict[str, Path]:
        """Atomically write each ``name -> bytes`` of ``files`` (in order) and record them.

        The same guarantees as :meth:`write_bytes` file by file, with the
        manifest saved twice for the whole batch instead of twice per file (a
        coach's report writes thousands of files; saving a growing manifest per
        file made that quadratic). Before the first rename the manifest accepts
        each file's old and new content, after the last one only the new.
        """
        self.check(files)
        new = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        for name in files:
            target = self.folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            old = sha256_file(target) if target.is_file() else None
            self.manifest[name] = [h for h in (old, new[name]) if h]
        self._save_manifest()
        written = {name: atomic_write(self.folder / name, _bytes_writer(data))
                   for name, data in files.items()}
        self.manifest.update({name: [digest] for name, digest in new.items()})
        self._save_manifest()
        return written
