"""``python -m jobstats``: the same as the ``jobstats`` command."""

import sys

from jobstats.cli import main

if __name__ == "__main__":
    sys.exit(main())
