"""Nothing lost when writing: atomic files, interrupted runs, files jobstats did not write."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest

from jobstats.report.writing import MANIFEST, OutputGuard, atomic_write
from jobstats.schema import InputError


def leftovers(folder: Path) -> list[str]:
    """Temporary files left in ``folder`` (there must be none)."""
    return sorted(p.name for p in folder.rglob("*") if ".jobstats-tmp-" in p.name)


class Interrupted(Exception):
    pass


def half_then_fail(exc: BaseException):
    def writer(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(b"<html>half a rep")
            fh.flush()
            raise exc
    return writer


@pytest.mark.parametrize("exc", [Interrupted("disk full"), KeyboardInterrupt()])
def test_failure_mid_write_leaves_the_old_file_and_no_temporary(tmp_path: Path,
                                                                exc: BaseException) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(b"old complete report")
    with pytest.raises(type(exc)):
        atomic_write(target, half_then_fail(exc))
    assert target.read_bytes() == b"old complete report"
    assert leftovers(tmp_path) == []
    new = tmp_path / "new.html"
    with pytest.raises(type(exc)):
        atomic_write(new, half_then_fail(exc))
    assert not new.exists() and leftovers(tmp_path) == []


def test_atomic_write_gives_the_usual_file_mode(tmp_path: Path) -> None:
    target = atomic_write(tmp_path / "a.txt", lambda tmp: tmp.write_text("hi"))
    mask = os.umask(0)
    os.umask(mask)
    assert target.read_text() == "hi"
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_guard_refuses_a_file_it_did_not_write_before_writing_anything(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("the user's own page")
    guard = OutputGuard(tmp_path)
    with pytest.raises(InputError, match="did not write it.*--force"):
        guard.check(["figures/a.png", "report.html"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    with pytest.raises(InputError):
        guard.write_bytes("report.html", b"new")
    assert (tmp_path / "report.html").read_text() == "the user's own page"
    OutputGuard(tmp_path, force=True).write_bytes("report.html", b"new")
    assert (tmp_path / "report.html").read_bytes() == b"new"


def test_guard_overwrites_its_own_file_but_not_one_changed_since(tmp_path: Path) -> None:
    guard = OutputGuard(tmp_path)
    guard.write_bytes("figures/a.png", b"v1")
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert list(manifest["files"]) == ["figures/a.png"]
    OutputGuard(tmp_path).write_bytes("figures/a.png", b"v2")  # ours, unchanged: fine
    assert (tmp_path / "figures" / "a.png").read_bytes() == b"v2"
    (tmp_path / "figures" / "a.png").write_bytes(b"edited by the user")
    with pytest.raises(InputError, match="changed since"):
        OutputGuard(tmp_path).write_bytes("figures/a.png", b"v3")
    assert (tmp_path / "figures" / "a.png").read_bytes() == b"edited by the user"


def test_unreadable_manifest_protects_everything(tmp_path: Path) -> None:
    OutputGuard(tmp_path).write_bytes("report.html", b"v1")
    (tmp_path / MANIFEST).write_text("{not json")
    with pytest.raises(InputError):
        OutputGuard(tmp_path).check(["report.html"])
    OutputGuard(tmp_path).check(["other.html"])  # a new file is always fine


def test_crash_between_write_and_rename_does_not_lock_the_user_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    OutputGuard(tmp_path).write_bytes("report.html", b"v1")

    real_replace = os.replace
    pending: list[list[str]] = []

    def crash(src: object, dst: object) -> None:
        if Path(dst).name != "report.html":
            return real_replace(src, dst)  # the manifest is saved as usual
        pending.append(json.loads((tmp_path / MANIFEST).read_text())["files"]["report.html"])
        raise Interrupted("killed before the rename")

    with monkeypatch.context() as m:
        m.setattr(os, "replace", crash)
        with pytest.raises(Interrupted):
            OutputGuard(tmp_path).write_bytes("report.html", b"v2")
    assert (tmp_path / "report.html").read_bytes() == b"v1"
    assert len(pending) == 1 and len(pending[0]) == 2  # old and new content both accepted
    assert leftovers(tmp_path) == []
    OutputGuard(tmp_path).write_bytes("report.html", b"v3")  # no --force needed
    assert (tmp_path / "report.html").read_bytes() == b"v3"


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        OutputGuard(tmp_path / "out")


@pytest.mark.usefixtures("quick_figures")
def test_client_pages_steps_and_refusal_before_any_write(tmp_path: Path) -> None:
    """Several clients: one progress step per client page, then the main page's steps; a
    client page jobstats did not write stops the whole run before anything is written."""
    import jobstats
    from jobstats.report import REPORT_STEPS, report_steps, write_report

    d = tmp_path / "clients"
    d.mkdir()
    for name in ("ann", "bob"):
        (d / f"{name}.csv").write_text("Company,Date applied,Status\n" + "".join(
            f"{name.title()}{i},2025-03-{i + 1:02d},{'Rejected' if i % 3 == 0 else 'Applied'}\n"
            for i in range(12)))
    data = jobstats.load(d, as_of="2025-03-31")  # recent enough to be on the due list
    assert report_steps(data) == ["client ann", "client bob", *REPORT_STEPS]
    out = tmp_path / "out"
    (out / "clients" / "bob").mkdir(parents=True)
    (out / "clients" / "bob" / "report.html").write_text("mine")
    with pytest.raises(InputError, match="clients/bob/report.html"):
        write_report(data, out)
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["report.html"]
    steps: list[str] = []
    written = write_report(data, out, force=True, progress=steps.append)
    assert steps == report_steps(data)
    assert {"clients/ann/report.html", "clients/bob/report.html", "report.html"} <= set(written)
    ann = (out / "clients" / "ann" / "report.html").read_text()
    assert "Ann1" in ann and "from ann.csv " in ann  # the due list names her companies
    import re

    text = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "", ann)  # images are bytes
    assert "bob" not in text.lower()
    assert 'href="clients/ann/report.html"' in (out / "report.html").read_text()


def test_write_many_records_every_file_and_refuses_before_writing(tmp_path: Path) -> None:
    import hashlib

    guard = OutputGuard(tmp_path)
    files = {"a/report.html": b"page", "a/figures/x.png": b"\x89PNG", "b.xlsx": b"PK"}
    written = guard.write_many(files)
    assert set(written) == set(files)
    manifest = json.loads((tmp_path / MANIFEST).read_text())["files"]
    assert manifest == {n: [hashlib.sha256(b).hexdigest()] for n, b in files.items()}
    assert {n: (tmp_path / n).read_bytes() for n in files} == files
    assert OutputGuard(tmp_path).write_many({"a/report.html": b"page 2"})  # ours: no force
    (tmp_path / "b.xlsx").write_bytes(b"edited by the user")
    with pytest.raises(InputError, match="b.xlsx"):
        OutputGuard(tmp_path).write_many({"new.html": b"n", "b.xlsx": b"PK2"})
    assert not (tmp_path / "new.html").exists()  # refused before the first write
    assert (tmp_path / "b.xlsx").read_bytes() == b"edited by the user"
    assert leftovers(tmp_path) == []


def test_write_many_interrupted_half_way_leaves_whole_files_and_no_lock_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jobstats.report.writing as writing

    OutputGuard(tmp_path).write_many({"one.html": b"old 1", "two.html": b"old 2"})
    real, calls = writing.atomic_write, []

    def dies_on_the_second(path: Path, writer):  # type: ignore[no-untyped-def]
        calls.append(Path(path).name)
        if Path(path).name == "two.html":
            raise KeyboardInterrupt
        return real(path, writer)

    monkeypatch.setattr(writing, "atomic_write", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        OutputGuard(tmp_path).write_many({"one.html": b"new 1", "two.html": b"new 2"})
    monkeypatch.setattr(writing, "atomic_write", real)
    assert "two.html" in calls
    assert (tmp_path / "one.html").read_bytes() == b"new 1"
    assert (tmp_path / "two.html").read_bytes() == b"old 2"
    # both contents count as jobstats' own: the next run needs no --force
    OutputGuard(tmp_path).write_many({"one.html": b"3", "two.html": b"3"})
    assert (tmp_path / "two.html").read_bytes() == b"3" and leftovers(tmp_path) == []


def _coach_folder(tmp_path: Path, clients: int) -> Path:
    d = tmp_path / "clients"
    d.mkdir()
    for k in range(clients):
        name = f"client{k:02d}"
        rows = "".join(
            f"{name.title()}Co{i},2025-0{1 + i % 5}-{1 + (7 * i + k) % 27:02d},"
            f"{('Rejected', 'Applied', 'Interview', 'Applied')[(i + k) % 4]},"
            f"{'2025-06-0' + str(1 + i % 9) if (i + k) % 3 == 0 else ''}\n" for i in range(40))
        (d / f"{name}.csv").write_text("Company,Date applied,Status,Date of first reply\n" + rows)
    return d


def test_client_pages_in_worker_processes_equal_the_serial_ones(tmp_path: Path) -> None:
    """The parallel path (worker processes compose, this process writes) gives the same files,
    byte for byte for the client pages, the same manifest entries and every progress step."""
    import hashlib

    import jobstats
    from jobstats.report import report_steps, write_report

    data = jobstats.load(_coach_folder(tmp_path, 3), as_of="2025-06-30")
    outs, steps = {}, {}
    for workers in (1, 2):
        steps[workers] = []
        out = outs[workers] = tmp_path / f"out{workers}"
        written = write_report(data, out, workers=workers, progress=steps[workers].append)
        manifest = json.loads((out / MANIFEST).read_text())["files"]
        on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {MANIFEST}
        assert set(written) == set(manifest) == on_disk
        for name, path in written.items():
            assert manifest[name] == [hashlib.sha256(path.read_bytes()).hexdigest()]
        assert leftovers(out) == []
    assert steps[1] == report_steps(data)
    assert sorted(steps[2]) == sorted(report_steps(data))
    clients = [s for s in steps[2] if s.startswith("client ")]
    assert clients == [s for s in report_steps(data) if s.startswith("client ")]  # in order
    serial = sorted(p.relative_to(outs[1]) for p in outs[1].rglob("*") if p.is_file())
    assert serial == sorted(p.relative_to(outs[2]) for p in outs[2].rglob("*") if p.is_file())
    pages = [p for p in serial if p.parts[0] == "clients" and p.suffix in (".html", ".png")]
    assert len([p for p in pages if p.name == "report.html"]) == 3
    for rel in pages:
        assert (outs[1] / rel).read_bytes() == (outs[2] / rel).read_bytes(), rel
    assert (outs[1] / "report.html").read_bytes() == (outs[2] / "report.html").read_bytes()
    assert gc.get_freeze_count() == 0  # frozen for the fork only: collected again afterwards


class PageFailed(Exception):
    pass


def _failing_client_page(job: tuple) -> dict:
    raise PageFailed(f"no page for {job[1]}")


@pytest.mark.usefixtures("quick_figures")
def test_a_failing_client_page_in_a_worker_stops_the_run_before_the_main_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jobstats
    import jobstats.report as report

    data = jobstats.load(_coach_folder(tmp_path, 2), as_of="2025-06-30")
    monkeypatch.setattr(report, "_client_files", _failing_client_page)
    with pytest.raises(PageFailed, match="no page for client00"):
        report.write_report(data, tmp_path / "out", workers=2)
    assert not (tmp_path / "out" / "report.html").exists()
    assert not (tmp_path / "out").exists() or leftovers(tmp_path / "out") == []
    assert gc.get_freeze_count() == 0
