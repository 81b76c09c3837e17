"""Argument types the sub-commands share, so a date is read the same way everywhere."""

from __future__ import annotations

import argparse
from datetime import date


def iso_date(text: str) -> date:
    """``YYYY-MM-DD``; anything else is a usage error (exit status 2)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD ({text})") from None
