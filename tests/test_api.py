"""The public API of the package: names, laziness, and no shadowing by submodules."""

from __future__ import annotations

import subprocess
import sys

import jobstats


def test_every_public_name_resolves() -> None:
    for name in jobstats.__all__:
        assert getattr(jobstats, name) is not None, name


def test_load_stays_the_function_after_the_loader_modules_are_imported() -> None:
    import jobstats.io.dates  # noqa: F401  (a submodule import must not shadow jobstats.load)

    assert callable(jobstats.load)
    assert jobstats.load.__module__ == "jobstats.io.api"


def test_import_is_light() -> None:
    code = "import sys, jobstats; print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
