"""Fictional names (scheduler/generate/names.py): addresses unique and at reserved domains
only, and names that follow a family's heritage."""

from __future__ import annotations

import random

from scheduler.generate.names import (
    PRACTITIONER_DOMAIN,
    SETTING_DOMAIN,
    EmailBook,
    adult_name,
    child_first_name,
    pick_heritage_for_language,
    slug,
)

RESERVED = ("example.org", "example.com", "example.net")


def test_slug_keeps_lower_case_ascii_words_joined_by_dots() -> None:
    """For the local part of an address: ``Jo O'Neil-Smith`` → ``jo.o.neil.smith``."""
    assert slug("Jo O'Neil-Smith") == "jo.o.neil.smith"
    assert slug("  ") == ""


def test_the_email_book_never_hands_out_an_address_twice() -> None:
    """The same name gets ``2``, ``3`` …; a name with no letters gets ``contact``."""
    book = EmailBook()
    got = [book.address("Jo Bloggs", "example.org") for _ in range(3)]
    assert got == ["jo.bloggs@example.org", "jo.bloggs2@example.org", "jo.bloggs3@example.org"]
    assert book.address("!!!", "example.net") == "contact@example.net"


def test_every_domain_is_reserved_for_examples() -> None:
    """No generated invitation can reach a real person."""
    assert PRACTITIONER_DOMAIN in RESERVED and SETTING_DOMAIN in RESERVED


def test_names_are_drawn_from_the_familys_heritage() -> None:
    """A Polish-speaking family mostly has a Polish-heritage name; draws are reproducible."""
    rng = random.Random(3)
    heritages = [pick_heritage_for_language(rng, "polish") for _ in range(50)]
    assert heritages.count(max(set(heritages), key=heritages.count)) >= 25
    a, b = random.Random(7), random.Random(7)
    assert child_first_name(a, heritages[0]) == child_first_name(b, heritages[0])
    assert " " in adult_name(random.Random(1))
