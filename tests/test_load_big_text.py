"""Big text files take pandas' C reader (column-wise); the result must be exactly
what the row-by-row csv path gives on the same file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jobstats import load
from jobstats.io import readers


def _big_csv(path: Path, n: int = 3000) -> Path:
    rng = np.random.default_rng(7)
    statuses = ["Applied", "Rejected", "Ghosted", "Interview", "Absage", "Zzyzx", "wishlist",
                "n/a", ""]
    lines = ["Company,Job title,Source,Date applied,Status,Date of first reply,Notes"]
    for i in range(n):
        day = 1 + i % 28
        st = statuses[rng.integers(len(statuses))]
        reply = f"2025-03-{day:02d}" if st in ("Rejected", "Interview", "Absage") else ""
        applied = "#REF!" if i % 997 == 0 else ("" if i % 1499 == 0 else f"2025-02-{day:02d}")
        note = '"a, quoted\nnote"' if i % 50 == 0 else "-"
        lines.append(f"Firm {i % 3000},Analyst,{['Indeed', 'Dice', 'Referral'][i % 3]},"
                     f"{applied},{st},{reply},{note}")
        if i % 400 == 0:
            lines.append("")  # a blank line: layout, but it keeps Excel's row numbers
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_fast_and_row_paths_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _big_csv(tmp_path / "big.csv")
    monkeypatch.setattr(readers, "FAST_TEXT_BYTES", 1000)  # this file counts as big
    fast = load(path, as_of="2025-06-30")
    assert readers.read_book(path).sheets[0].cols is not None  # pandas' reader was used
    monkeypatch.setattr(readers, "FAST_TEXT_BYTES", 10**12)
    slow = load(path, as_of="2025-06-30")
    pd.testing.assert_frame_equal(fast.applications, slow.applications)
    pd.testing.assert_frame_equal(fast.events, slow.events)
    pd.testing.assert_frame_equal(fast.report.issues, slow.report.issues)
    pd.testing.assert_frame_equal(fast.report.matches, slow.report.matches)
    assert fast.report.lines == slow.report.lines
    # And what the file holds is all there: every data row is kept or reported.
    assert len(fast.applications) + fast.report.dropped == 3000
    assert fast.report.dropped > 0 and (fast.report.unrecognised["word"] == "Zzyzx").all()
