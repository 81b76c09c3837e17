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
from scheduler.config import ConfigError
from scheduler.errors import InputError

EXIT_INPUT_ERROR = 2

COMMAND_MODULES: tuple[str, ...] = (
    "validate",
    "generate",
    "gap",
    "plan",
    "replan",
    "plan_many",
    "check",
    "report",
    "export_ics",
    "send_invites",
    "recommend",
    "replies",
    "remind",
    "store",
    "demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scheduler",
        description="Plan the Integrated Review at age two to two-and-a-half for a term.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log solver progress")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"scheduler.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"scheduler.commands.{name}":
                continue  # command not part of this build
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
    except ConfigError as exc:
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
