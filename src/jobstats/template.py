"""Moved to :mod:`jobstats.io.template` (next to the other file-format code).

``jobstats.template`` stays importable as the very same module, so
``from jobstats.template import write_template`` keeps working.
"""

import sys

from jobstats.io import template as _template

sys.modules[__name__] = _template
