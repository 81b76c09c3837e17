"""The ``scheduler`` command: one sub-command per module in :mod:`scheduler.commands`.

Bad input ends with every problem printed as ``file:line: column: problem (value)`` on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from scheduler import __version__
from scheduler.errors import InputError

EXIT_INPUT_ERROR = 2

COMMANDS: tuple[tuple[str, str], ...] = (
    ("validate", "check a data folder and summarise it"),
    ("generate", "write a fictional authority (seeded, graded by size) as a data folder"),
    ("gap", "solve a generalized assignment instance (OR-Library format)"),
    ("plan", "plan the term: link practitioners and every review slot"),
    ("replan", "re-plan after changes, keeping links and appointments where possible"),
    ("plan-many", "plan every authority in a folder (and what-ifs) on Ray"),
    ("check", "check a plan folder against the data and every rule of the contract"),
    ("report", "the service report: the national metric and what happened in a period"),
    ("export-ics", "write the plan's calendar files (feeds, invitations, cancellations, letters)"),
    (
        "send-invites",
        "email the plan's invitations (and, after a re-plan, updates and cancellations)",
    ),
    ("recommend", "find the best free slots for a child (or a list of children), and book one"),
    ("replies", "read parents' replies (accepted, declined, tentative, new time proposed)"),
    ("remind", "remind families of their review by text message and e-mail"),
    ("store", "plan store: versions, publishing, identities, feed tokens, audit, retention"),
    ("demo", "plan the bundled sample authority, then start the dashboard"),
)
"""Every sub-command with the line ``scheduler --help`` shows for it; the module that defines
it is :mod:`scheduler.commands` ``.<name with _ for ->``.

Only the command being run is imported (its module brings the solver, the data layer or the
plan store with it): listing the commands, or running one, does not load every other
command's libraries. Each module's own ``help=`` says the same (a test holds them together).
"""


def command_named(argv: Sequence[str]) -> str | None:
    """The sub-command on a command line: the first word that is not an option (no top-level
    option takes a value), if any."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser, with the full options of the command ``argv`` names (every command's when
    ``argv`` is ``None``) and the others listed by name and help line only."""
    parser = argparse.ArgumentParser(
        prog="scheduler",
        description="Plan the Integrated Review at age two to two-and-a-half for a term.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log solver progress")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = None if argv is None else command_named(argv)
    for name, summary in COMMANDS:
        if argv is not None and name != chosen:
            sub.add_parser(name, help=summary)  # listed; its options are read when it is run
            continue
        module_name = f"scheduler.commands.{name.replace('-', '_')}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # command not part of this build
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(words).parse_args(words)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        code: int = args.func(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except Exception as exc:
        # The configuration's models (pydantic) are loaded by every command that reads data,
        # never by the listing of commands: imported here, where such an error is handled.
        from scheduler.config import ConfigError

        if not isinstance(exc, ConfigError):
            raise
        for key, message, value in exc.problems:
            print(f"{exc.path}:0: {key}: {message} ({value})", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
