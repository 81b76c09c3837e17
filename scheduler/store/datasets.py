"""An authority's data in one canonical form: what the store keeps and hashes.

The tables are written as the contract's CSV files (:mod:`scheduler.io.write_data`), whatever
the upload was (CSV, workbook, zip): the same data always gives the same bytes and the same
hash, columns the contract does not know are not kept, and reading them back goes through
the same validating loader as any upload. The config is stored on its own (weights change
between plan versions; the data do not).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping

from scheduler.config import Config
from scheduler.domain import Authority
from scheduler.io.load import load_authority_from_upload
from scheduler.io.write_data import authority_frames


def authority_files(authority: Authority) -> dict[str, bytes]:
    """The tables as ``<table>.csv`` bytes (UTF-8), in the contract's column order."""
    return {
        f"{name}.csv": frame.write_csv().encode("utf-8")
        for name, frame in authority_frames(authority).items()
    }


def content_hash(files: Mapping[str, bytes]) -> str:
    """SHA-256 over the files' names and contents, in name order (hex)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        content = files[name]
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def authority_from_files(files: Mapping[str, bytes], config: Config) -> Authority:
    """The authority back from its canonical files, under ``config``."""
    return load_authority_from_upload(dict(files)).authority.with_config(config)


def config_document(config: Config) -> str:
    """The config as JSON text (every key written, so the hash says exactly what was used)."""
    return config.model_dump_json()


def config_from_document(document: str) -> Config:
    return Config.model_validate_json(document)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ids_in(content: bytes, column: str) -> set[str]:
    """The values of ``column`` in one canonical CSV file (e.g. every ``setting_id``)."""
    reader = csv.DictReader(io.StringIO(content.decode("utf-8")))
    return {row[column] for row in reader if row.get(column)}
