"""A pytest plugin that ``make test`` loads first (``-p tests.quick_start``).

Two fixed costs of every pytest process (the main one and each xdist worker):

- nbval imports nbformat, which imports jsonschema, whose format checkers import
  ``rfc3987_syntax`` when it is installed (jupyterlab's dependencies bring it):
  building that package's Earley grammar takes about 2 s of CPU, 10x the rest of
  nbformat's import. Notebook validation never checks an "iri" format, so the test
  processes go without that one checker: jsonschema skips it when the import fails.
  Notebook kernels and jobstats itself never import it.
- pytest rewrites the asserts of the test modules, of every module of its plugins'
  distributions (hypothesis, anyio, xdist, nbval, ...) and of any imported module
  named like a test (scipy's ``_bws_test.py``), and keeps the result in
  ``__pycache__`` as ``*-pytest-*.pyc``, unless ``PYTHONDONTWRITEBYTECODE`` is set:
  then every process rewrites and compiles them again, about 3.5 s of CPU each. Here
  the pytest processes keep bytecode as Python does by default (the variable stays
  set for the notebook kernels and other children). Stale files are never used:
  pytest and Python check each cached file against its source.

Loaded by ``-p`` so that it runs before the plugins pytest finds through entry points
(their modules are rewritten when they load); plain ``pytest`` works without it.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # import fails
sys.dont_write_bytecode = False
