"""Command-line interface: argument parsing and exit codes only.

Exit codes: 0 success; 2 bad input or bad arguments (a one-paragraph message on
stderr, never a traceback); 1 an internal error (a short message asking for a
bug report; set ``JOBSTATS_DEBUG=1`` to see the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

import pandas as pd

from jobstats import __version__
from jobstats.schema import FIELDS, InputError, JobstatsError


def _parse_as_of(text: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(text).normalize()
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"--as-of {text!r} is not a date: use YYYY-MM-DD") from None


def _parse_columns(pairs: Sequence[str]) -> dict[str, str | list[str]]:
    """Turn repeated ``FIELD=HEADER`` options into the ``columns=`` mapping of ``load``."""
    columns: dict[str, str | list[str]] = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        field, header = field.strip(), header.strip()
        if not sep or not field or not header:
            raise InputError(
                f"--column {pair!r} is not of the form FIELD=HEADER, "
                f'e.g. --column applied_on="Date sent". Fields: {", ".join(FIELDS)}.'
            )
        if field == "follow_up_on":
            previous = columns.setdefault(field, [])
            assert isinstance(previous, list)
            previous.append(header)
        elif field in columns:
            raise InputError(f"--column {field}=... is given twice; give each field once.")
        else:
            columns[field] = header
    return columns


def _add_privacy_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--show-names", action="store_true",
        help="show clients' names, file names and personal columns (default: clients appear "
        "as Client A, B, ... and contact details, links and notes are left out)",
    )
    parser.add_argument(
        "--key", metavar="FILE", default=None,
        help="the pseudonym key file (real name -> Client A ...), kept by you and never "
        "shared; default jobstats-clients.key.csv in the current folder",
    )


def _private(loaded, args: argparse.Namespace, several: bool):  # -> LoadResult
    """Pseudonymise a coach's clients unless --show-names (one own tracker is left as is)."""
    if args.show_names or not (several or loaded.applications["client"].notna().any()):
        return loaded
    from jobstats.privacy import ClientKey, pseudonymise

    key = ClientKey.open(args.key)
    safe = pseudonymise(loaded, key=key)
    if key.added:
        print(f"jobstats: pseudonyms of {len(key.added)} new client(s) saved in {key.path} "
              "(keep this file private)", file=sys.stderr)
    return safe


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jobstats",
        description="Honest statistics for your job search, from the tracker you already have.",
    )
    parser.add_argument("--version", action="version", version=f"jobstats {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    summary = sub.add_parser(
        "summary",
        help="load one or more trackers and print response rates, time to reply and follow-up effect",
        description=(
            "Load tracker files (xlsx, xlsm, ods, csv, tsv, txt) and print what was loaded "
            "and the key numbers. Several files are pooled, each file a client."
        ),
    )
    summary.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="tracker file(s), or a folder of them (each file is one client)",
    )
    summary.add_argument(
        "--as-of",
        type=_parse_as_of,
        default=None,
        help="date the data describes (YYYY-MM-DD); applications without a reply are "
        "still waiting at this date. Default: today.",
    )
    summary.add_argument("--sheet", help="sheet to read (default: the one holding applications)")
    summary.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="say which header holds a field, e.g. --column applied_on='Beworben am'; "
        "repeat for several (follow_up_on may be given more than once). "
        f"Fields: {', '.join(FIELDS)}",
    )
    order = summary.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
        help="read numeric dates as D/M/Y (default: decided per column from the values)",
    )
    order.add_argument(
        "--monthfirst", dest="dayfirst", action="store_const", const=False,
        help="read numeric dates as M/D/Y",
    )
    summary.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    _add_privacy_options(summary)

    template = sub.add_parser("template", help="write a blank tracker workbook to fill in")
    template.add_argument("-o", "--output", default="tracker.xlsx", help="file to write")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def _summary(args: argparse.Namespace) -> int:
    from jobstats.io import load, load_many
    from jobstats.summary import summarize

    as_of = args.as_of if args.as_of is not None else pd.Timestamp.today().normalize()
    kwargs = {
        "sheet": args.sheet,
        "columns": _parse_columns(args.column) or None,
        "as_of": as_of,
        "dayfirst": args.dayfirst,
    }
    if len(args.paths) == 1 and not os.path.isdir(args.paths[0]):
        loaded = load(args.paths[0], **kwargs)
    else:  # a folder or several files: each file is a client
        loaded = load_many(args.paths, progress=None, **kwargs)
    several = len(args.paths) > 1 or os.path.isdir(args.paths[0])
    result = summarize(_private(loaded, args, several))
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(result.to_text())
    return 0


def _template(args: argparse.Namespace) -> int:
    from jobstats.template import write_template

    path = write_template(args.output, overwrite=args.force)
    print(f"Wrote a blank tracker to {path}. Fill it in, then run: jobstats summary {path}")
    return 0


def _fail(message: str) -> None:
    # One paragraph on one line: the terminal wraps it, and options quoted in
    # the message (e.g. --column applied_on=HEADER) stay whole for copying.
    paragraph = " ".join(message.split())
    print(f"jobstats: {paragraph}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``jobstats`` command; returns the exit code."""
    args = _build_parser().parse_args(argv)
    handlers = {"summary": _summary, "template": _template}
    try:
        return handlers[args.command](args)
    except JobstatsError as exc:
        _fail(str(exc))
        return 2
    except BrokenPipeError:
        # The reader went away (e.g. `jobstats summary x --json | head`): stop
        # quietly, as the Python docs recommend, so no error shows at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        _fail("interrupted.")
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a raw traceback
        if os.environ.get("JOBSTATS_DEBUG"):
            raise
        _fail(
            f"internal error ({type(exc).__name__}: {exc}). This is a bug in jobstats, not in "
            "your file: please report it with the command you ran. Run again with "
            "JOBSTATS_DEBUG=1 to see the details."
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
