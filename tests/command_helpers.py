"""Checks every sub-command module must pass: it registers its command, ``--help`` works, and a
bad argument is a usage error (exit status 2) — through the module alone and through the
``scheduler`` command as a user runs it."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from types import ModuleType

import pytest

from scheduler.cli import main


def parser_of(module: ModuleType) -> argparse.ArgumentParser:
    """A ``scheduler`` parser holding only ``module``'s command."""
    parser = argparse.ArgumentParser(prog="scheduler")
    module.register(parser.add_subparsers(dest="command", required=True))
    return parser


def help_text(module: ModuleType, command: str, capsys: pytest.CaptureFixture[str]) -> str:
    """``scheduler COMMAND --help`` exits 0 with the command's usage, both ways; its text."""
    with pytest.raises(SystemExit) as alone:
        parser_of(module).parse_args([command, "--help"])
    assert alone.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: scheduler {command}")
    with pytest.raises(SystemExit) as whole:
        main([command, "--help"])
    assert whole.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: scheduler {command}")
    return text


def usage_error(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> str:
    """``scheduler ARGV`` is refused as a usage error: exit 2, a message, no traceback."""
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err
    return err
