"""Command-line interface: argument parsing, terminal output and exit codes only.

Every command calls the library functions; nothing here computes a statistic.

Exit codes
----------
0
    Success.
1
    Internal error: a bug in jobstats. A short message asks for a bug report;
    ``--debug`` (or ``JOBSTATS_DEBUG=1``) shows the traceback.
2
    Bad input or bad arguments: a one-paragraph message on stderr says what is
    wrong (file, sheet, row, column where known) and what to do.
130
    Interrupted (Ctrl-C).

Adding an option to every command that loads trackers is one line in
:func:`_load_options`; to one command, one line in its block of
:func:`build_parser`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from jobstats import __version__
from jobstats.schema import FIELDS, InputError, JobstatsError

if TYPE_CHECKING:  # imported where used: --help, --version and usage errors need no pandas
    import pandas as pd

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

#: Several files at least this many: a progress bar on stderr (on a terminal only).
PROGRESS_MIN_FILES = 2

EXIT_CODES_HELP = """\
exit codes:
  0    success
  1    internal error (a bug in jobstats; --debug shows the details)
  2    bad input or bad arguments (the message says what to do)
"""


# --- terminal -------------------------------------------------------------


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, never when NO_COLOR is set (https://no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, code: str, stream: TextIO) -> str:
    """``text`` in ANSI colour ``code`` ("1" bold, "31" red) when ``stream`` wants colour."""
    return f"\033[{code}m{text}\033[0m" if use_colour(stream) else text


def _fail(message: str, *, stream: TextIO | None = None) -> None:
    # One paragraph on one line: the terminal wraps it, and options quoted in
    # the message (e.g. --column applied_on=HEADER) stay whole for copying.
    stream = stream or sys.stderr
    paragraph = " ".join(str(message).split())
    print(f"{paint('jobstats:', '1;31', stream)} {paragraph}", file=stream)


@contextmanager
def _progress(total: int, desc: str, unit: str = "file"
              ) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr for ``total`` steps; yields ``step(name=None)``.

    Drawn only when stderr is a terminal and there are at least
    :data:`PROGRESS_MIN_FILES` steps, so pipes and logs stay clean. ``step``
    with a name shows it as the step now running (the bar counts steps begun).
    """
    if total < PROGRESS_MIN_FILES or not sys.stderr.isatty():
        yield lambda name=None: None
        return
    from tqdm import tqdm  # imported here: only a terminal run needs it

    # no monitor thread: the report forks page workers while the bar is open
    # (forking a process that has threads is deprecated since Python 3.12)
    tqdm.monitor_interval = 0

    # few, slow steps: draw every one (no time throttling), so the bar never lags behind
    with tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False,
              mininterval=0, miniters=1) as bar:
        def step(name: str | None = None) -> None:
            if name:
                bar.set_postfix_str(name, refresh=False)
            bar.update(1)

        yield step


# --- argument types -------------------------------------------------------


def _parse_as_of(text: str) -> pd.Timestamp:
    # YYYY-MM-DD only: "01.06.2025" is June 1st in Germany and January 6th in the US.
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise argparse.ArgumentTypeError(
            f"--as-of {text!r}: write the date as YYYY-MM-DD (e.g. 2025-06-30); other forms "
            "are ambiguous between day and month")
    import pandas as pd

    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError):
        ts = pd.NaT
    if ts is pd.NaT:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD")
    return ts.normalize()


def _positive_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days (0 or more)")
    return days


def _parse_statuses(pairs: Sequence[str]) -> dict[str, str]:
    """Turn repeated ``WORD=STATUS`` options into the ``statuses=`` mapping of ``load``."""
    from jobstats.io.fields import STATUS_MEANINGS

    statuses: dict[str, str] = {}
    for pair in pairs:
        word, sep, meaning = pair.rpartition("=")
        word, meaning = word.strip(), meaning.strip().lower()
        if not sep or not word or not meaning:
            raise InputError(
                f"--status {pair!r} is not of the form WORD=STATUS, e.g. --status "
                f"'Absage=rejected'. STATUS is one of: {', '.join(STATUS_MEANINGS)}."
            )
        statuses[word] = meaning
    return statuses


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
    parser = parser.add_argument_group("privacy (a coach's clients)")
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
    from jobstats.privacy import ClientKey, check_key_outside, pseudonymise

    if getattr(args, "output", None) and args.command == "report":
        check_key_outside(args.key, args.output)  # the key never goes where outputs are shared
    key = ClientKey.open(args.key)
    safe = pseudonymise(loaded, key=key)
    if key.added:
        print(f"jobstats: pseudonyms of {len(key.added)} new client(s) saved in {key.path} "
              "(keep this file private)", file=sys.stderr)
    return safe


# --- parser ---------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse with one-paragraph errors that point to ``--help`` (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        _fail(f"{self.prog}: {message}. See '{self.prog} --help' for usage and examples.")
        sys.exit(EXIT_BAD_INPUT)


def _common_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS,
        help="show the full traceback of an internal error (for a bug report)",
    )
    return parent


def _status_meanings() -> tuple[str, ...]:
    from jobstats.io.fields import STATUS_MEANINGS

    return tuple(STATUS_MEANINGS)


def _load_options() -> argparse.ArgumentParser:
    """Options of every command that loads trackers: one line each."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("loading options")
    group.add_argument(
        "--as-of", type=_parse_as_of, default=None, metavar="DATE",
        help="date the data describes (YYYY-MM-DD); applications without a reply are "
        "still waiting at this date. Default: the file's export-date column if any, else today.",
    )
    group.add_argument("--sheet", help="sheet to read (default: the one holding applications)")
    group.add_argument(
        "--column", action="append", default=[], metavar="FIELD=HEADER",
        help="say which header holds a field, e.g. --column applied_on='Beworben am'; "
        "repeat for several (follow_up_on may be given more than once). "
        f"Fields: {', '.join(FIELDS)}",
    )
    group.add_argument(
        "--status", action="append", default=[], metavar="WORD=STATUS",
        help="say what a status word of yours means, e.g. --status 'Absage=rejected'; "
        f"repeat for several. STATUS: {', '.join(_status_meanings())}",
    )
    order = group.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
        help="read numeric dates as D/M/Y (default: decided per column from the values)",
    )
    order.add_argument(
        "--monthfirst", dest="dayfirst", action="store_const", const=False,
        help="read numeric dates as M/D/Y",
    )
    _add_privacy_options(parent)
    return parent


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines) + "\n\n" + EXIT_CODES_HELP


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and one parser per command (parsed separately, see :func:`parse`)."""
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="jobstats",
        description="Honest statistics for your job search, from the tracker you already have.",
        epilog=_examples(
            "jobstats summary my_tracker.xlsx --as-of 2025-06-30",
            "jobstats due my_tracker.xlsx",
            "jobstats report my_tracker.xlsx -o my_report",
            "jobstats template -o tracker.xlsx",
            "jobstats COMMAND --help        (options and examples of a command)",
        ),
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="version", version=f"jobstats {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common, loading = _common_options(), _load_options()
    commands: dict[str, argparse.ArgumentParser] = {}

    summary = sub.add_parser(
        "summary", parents=[common, loading], formatter_class=fmt,
        help="print response rates, time to reply and the follow-up effect",
        description=(
            "Load tracker files (xlsx, xlsm, ods, csv, tsv, txt) and print what was loaded "
            "and the key numbers. Several files are pooled, each file a client."
        ),
        epilog=_examples(
            "jobstats summary my_tracker.xlsx --as-of 2025-06-30",
            "jobstats summary export.csv --column applied_on='Beworben am' --json",
            "jobstats summary clients/*.csv          (a coach: each file is a client)",
            "jobstats summary my_tracker.xlsx --json | jq .response_rate",
            "jobstats summary my_tracker.xlsx --by weekday   (compare groups, time-aware)",
        ),
    )
    summary.add_argument("paths", nargs="+", metavar="PATH", help="tracker file(s)")
    summary.add_argument("--json", action="store_true",
                         help="print one JSON object instead of text")
    summary.add_argument(
        "--by", metavar="COLUMN",
        help="also compare groups: a column of your tracker (e.g. 'Resume version', source) "
        "or weekday, week, month of applying",
    )
    summary.add_argument(
        "--events", action="append", default=[], metavar="PATH",
        help="with .parquet tables (canonical columns, summarised by DuckDB without loading "
        "them): the events table; repeat or use a quoted glob for several files",
    )
    commands["summary"] = summary

    due = sub.add_parser(
        "due", parents=[common, loading], formatter_class=fmt,
        help="list the follow-ups, thank-you notes and call-backs to send today",
        description=(
            "List what to send today, most urgent first: thank-you notes after recent "
            "interviews, promised call-backs that never came, and applications with no reply "
            "and no follow-up for DAYS days. Without --after, DAYS is the best day in your own "
            "follow-up policy table when your data can tell, else 7; the output says which."
        ),
        epilog=_examples(
            "jobstats due my_tracker.xlsx",
            "jobstats due my_tracker.xlsx --after 10 --as-of 2025-06-30",
            "jobstats due my_tracker.xlsx --ics followups.ics    (calendar reminders)",
            "jobstats due my_tracker.xlsx --json",
        ),
    )
    due.add_argument("paths", nargs="+", metavar="PATH", help="tracker file(s)")
    due.add_argument("--after", type=_positive_days, metavar="DAYS",
                     help="days of silence before a follow-up is due (default: see above)")
    due.add_argument("--max-age", type=_positive_days, default=None, metavar="DAYS",
                     help="leave out applications sent more than DAYS ago "
                     "(default 60; 0: no limit)")
    due.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    due.add_argument("--ics", metavar="FILE", help="also write the list as calendar reminders")
    due.add_argument("--force", action="store_true",
                     help="overwrite FILE even if jobstats did not write it")
    commands["due"] = due

    report = sub.add_parser(
        "report", parents=[common, loading], formatter_class=fmt,
        help="write an HTML report, the figures and a spreadsheet of the results",
        description=(
            "Write DIR/report.html (one self-contained page: opens offline, prints to PDF), "
            "DIR/figures/ (PNG and SVG of every chart) and DIR/summary.xlsx (the result "
            "tables and the load report). A folder or several files (a coach's clients, one "
            "file each) also gives one page per client in DIR/clients/<client>/ (page, PNG "
            "charts, workbook), with only that client's data, to send to them; "
            "DIR/report.html links to them. The "
            "pseudonym key may not be inside DIR. Files jobstats did not write are never "
            "overwritten without --force."
        ),
        epilog=_examples(
            "jobstats report my_tracker.xlsx -o my_report",
            "jobstats report clients/ -o review --key ~/private/coach.key.csv",
            "jobstats report clients/*.csv -o workshop --style workshop",
        ),
    )
    report.add_argument("paths", nargs="+", metavar="PATH", help="tracker file(s)")
    report.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write")
    report.add_argument("--style", choices=["default", "workshop"], default="default",
                        help="chart style: 'workshop' has large type for projectors")
    report.add_argument("--force", action="store_true",
                        help="overwrite files in DIR even if jobstats did not write them")
    commands["report"] = report

    template = sub.add_parser(
        "template", parents=[common], formatter_class=fmt,
        help="write a blank tracker workbook to fill in",
        description="Write a blank tracker workbook with the columns jobstats reads best.",
        epilog=_examples("jobstats template", "jobstats template -o ~/search/tracker.xlsx"),
    )
    template.add_argument("-o", "--output", default="tracker.xlsx", help="file to write")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    commands["template"] = template
    return parser, commands


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``argv``, allowing paths and options in any order after the command.

    argparse's ``parse_intermixed_args`` refuses sub-commands, so the command
    is found first and its own parser (which has none) reads the rest.
    """
    parser, commands = build_parser()
    argv = list(argv)
    at = next((i for i, a in enumerate(argv) if a in commands), None)
    if at is None or any(a in ("-h", "--help", "--version") for a in argv[:at]):
        args = parser.parse_args(argv)  # help, version, or an error naming the commands
        if args.command is None:
            parser.error("give a command: summary, due, report or template")
        return args  # pragma: no cover - parse_args exits for every other case
    before = parser.parse_args([*argv[:at], "template"])  # global options only
    args = commands[argv[at]].parse_intermixed_args(argv[at + 1 :])
    args.command = argv[at]
    args.debug = bool(getattr(args, "debug", False) or before.debug)
    return args


# --- loading --------------------------------------------------------------


def _load_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "sheet": args.sheet,
        "columns": _parse_columns(args.column) or None,
        # None: the file's export date when it has one, else today (said in the report)
        "as_of": args.as_of,
        "dayfirst": args.dayfirst,
        "statuses": _parse_statuses(args.status) or None,
    }


def _load(args: argparse.Namespace):  # -> LoadResult
    from jobstats.io import load, load_many

    if _is_table(args.paths):
        raise InputError(
            f"jobstats {args.command} reads tracker files; canonical .parquet tables are "
            "summarised by 'jobstats summary' only."
        )
    kwargs = _load_kwargs(args)
    several = len(args.paths) > 1 or os.path.isdir(args.paths[0])
    if several:  # a folder or several files: each file is a client (bar only on a terminal)
        loaded = load_many(args.paths, progress=None, **kwargs)
    else:
        loaded = load(args.paths[0], **kwargs)
    return _private(loaded, args, several)


# --- commands -------------------------------------------------------------


#: Suffixes of canonical tables read through an engine (not tracker files).
TABLE_SUFFIXES = (".parquet", ".pq")


def _is_table(paths: Sequence[str]) -> bool:
    return all(str(p).lower().endswith(TABLE_SUFFIXES) for p in paths)


def _summary(args: argparse.Namespace) -> int:
    from jobstats.summary import summarize

    if _is_table(args.paths):
        # canonical tables in Parquet: summarised by DuckDB without loading them
        from jobstats.engine import from_parquet

        data = from_parquet(args.paths, args.events or None, as_of=args.as_of)
    elif args.events:
        raise InputError("--events goes with .parquet tables; a tracker file holds its own "
                         "follow-ups.")
    else:
        data = _load(args)
    result = summarize(data, by=args.by)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(result.to_text())
    return EXIT_OK


def _due(args: argparse.Namespace) -> int:
    from jobstats.due import MAX_AGE_DAYS, due_to_dict, due_to_text, followups_due

    if args.ics:
        from jobstats.report.writing import OutputGuard

        guard = OutputGuard(os.path.dirname(os.path.abspath(args.ics)), force=args.force)
        guard.check([os.path.basename(args.ics)])  # refuse before any work
    loaded = _load(args)
    max_age = MAX_AGE_DAYS if args.max_age is None else args.max_age
    table = followups_due(loaded, after=args.after, max_age=max_age or None)
    if args.json:
        print(json.dumps(due_to_dict(table), indent=2, ensure_ascii=False))
    else:
        print(due_to_text(table, style=lambda text, code: paint(text, code, sys.stdout)))
    if args.ics:
        from jobstats.report.calendar import due_to_ics

        guard.write_bytes(os.path.basename(args.ics), due_to_ics(table))
        print(f"Wrote {len(table)} reminder(s) to {args.ics}", file=sys.stderr)
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from jobstats.report import report_steps, write_report

    several = len(args.paths) > 1 or os.path.isdir(args.paths[0])
    if several and not args.show_names:  # fail before loading: the key must stay private
        from jobstats.privacy import check_key_outside

        check_key_outside(args.key, args.output)
    loaded = _load(args)
    steps = report_steps(loaded)  # one per client page (several clients), then the main page
    with _progress(len(steps), "report", unit="step") as step:
        written = write_report(loaded, args.output, style=args.style, force=args.force,
                               progress=lambda name: step(name))
    pages = sum(name.endswith("report.html") for name in written) - 1
    extra = f", {pages} client pages in {os.path.join(args.output, 'clients')}" if pages else ""
    print(f"Wrote {written['report.html']} (and {len(written) - 1} more files in "
          f"{args.output}{extra})")
    return EXIT_OK


def _template(args: argparse.Namespace) -> int:
    from jobstats.template import write_template

    path = write_template(args.output, overwrite=args.force)
    print(f"Wrote a blank tracker to {path}. Fill it in, then run: jobstats summary {path}")
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "summary": _summary,
    "due": _due,
    "report": _report,
    "template": _template,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``jobstats`` command; returns the exit code."""
    args = parse(sys.argv[1:] if argv is None else argv)
    debug = args.debug or bool(os.environ.get("JOBSTATS_DEBUG"))
    try:
        return HANDLERS[args.command](args)
    except JobstatsError as exc:
        if debug:
            traceback.print_exc()
        _fail(str(exc))
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (e.g. `jobstats summary x --json | head`): stop
        # quietly, as the Python docs recommend, so no error shows at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        _fail("interrupted; nothing half-written was left behind.")
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a raw traceback
        if debug:
            traceback.print_exc()
        _fail(
            f"internal error ({type(exc).__name__}: {exc}). This is a bug in jobstats, not in "
            "your file: please report it with the command you ran. Run again with --debug "
            "to see the details."
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
