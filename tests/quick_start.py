"""A pytest plugin that ``make test`` loads first (``-p tests.quick_start``).

nbval imports nbformat, which imports jsonschema, whose format checkers import
``rfc3987_syntax`` when it is installed (jupyterlab's dependencies bring it):
building that package's Earley grammar takes about 2 s of CPU, 10x the rest of
nbformat's import, in every pytest process (the main one and each xdist worker).
Notebook validation never checks an "iri" format, so the test processes go without
that one checker: jsonschema skips it when the import fails. Notebook kernels and
jobstats itself never import it. Loaded by ``-p`` so that it runs before the
plugins pytest finds through entry points; plain ``pytest`` works without it.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # import fails
