"""Integrated Review scheduler: link practitioners, termly joint review slots, calendars."""

__version__ = "0.1.0"
