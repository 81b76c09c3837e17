"""An authority's data in canonical form (scheduler/store/datasets.py): the same data always
the same bytes and hash, whatever the upload was; read back through the validating loader."""

from __future__ import annotations

from builders import make_authority, make_child, make_config

from scheduler.store.datasets import (
    authority_files,
    authority_from_files,
    config_document,
    config_from_document,
    content_hash,
    ids_in,
    text_hash,
)


def test_the_files_round_trip_to_the_same_authority() -> None:
    """The contract's CSV files, loaded back under the config, give the same records."""
    authority = make_authority(children=[make_child(), make_child("C002", funded=False)])
    files = authority_files(authority)
    assert {"practitioners.csv", "settings.csv", "key_persons.csv", "children.csv"} <= set(files)
    back = authority_from_files(files, authority.config)
    assert back.children == authority.children and back.settings == authority.settings


def test_the_hash_follows_content_and_names_not_order() -> None:
    """Same files in any order: same hash; a changed byte or a renamed file: another."""
    files = {"a.csv": b"x\n1\n", "b.csv": b"y\n2\n"}
    assert content_hash(files) == content_hash(dict(reversed(list(files.items()))))
    assert content_hash(files) != content_hash({**files, "a.csv": b"x\n9\n"})
    assert content_hash(files) != content_hash({"a2.csv": files["a.csv"], "b.csv": files["b.csv"]})
    # Boundaries are part of the hash: moving a byte between files changes it.
    assert content_hash({"a": b"12", "b": b"3"}) != content_hash({"a": b"1", "b": b"23"})
    assert text_hash("abc") == text_hash("abc") != text_hash("abd")


def test_the_config_document_says_every_key_and_reads_back() -> None:
    """JSON with every section, so the hash says exactly which weights were used."""
    config = make_config(priorities={"funded_two": 7.0})
    document = config_document(config)
    assert '"funded_two":7.0' in document and '"meeting_minutes":45' in document
    assert config_from_document(document) == config


def test_ids_in_one_column_of_a_canonical_file() -> None:
    """Every non-empty value of a column."""
    assert ids_in(b"setting_id,name\nS001,A\nS002,B\n,C\n", "setting_id") == {"S001", "S002"}
