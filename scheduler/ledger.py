"""The message ledger: which message reached which recipient, committed as each is accepted.

Anything the product sends (calendar invitations by e-mail today; reminders by SMS or e-mail
later) goes through a ledger so that a run that stops half-way (the server drops the
connection, answers "try again later", the machine dies) can be run again and sends only what
did not go: nothing twice, nothing lost.

- A message has a stable **message id** chosen by the sender (e.g. iTIP method + event UID +
  SEQUENCE + a digest of the content): the same message has the same id in every run, a changed
  one a new id.
- A **recipient** is an opaque key chosen by the sender (a digest of the address, never the
  address itself), so the ledger holds no contact details.
- Each outcome is one committed SQLite transaction (``synchronous=FULL``): *accepted* (the
  server took it for that recipient) or *refused* (a permanent refusal, e.g. SMTP 5xx). A
  temporary failure is not written: that recipient is still *pending* and the next attempt or
  run sends to them.
- :meth:`MessageLedger.exclusive` holds an exclusive lock on the ledger for a whole run, so two
  runs at once cannot both send the same message.

The file is created readable by its owner only (``0600``).
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

LEDGER_FILE = "messages.sqlite"
"""The ledger's default name, inside the plan folder whose messages it records."""

Outcome = Literal["accepted", "refused"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    message_id TEXT NOT NULL,
    recipient TEXT NOT NULL,
    channel TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused')),
    detail TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    PRIMARY KEY (message_id, recipient)
) WITHOUT ROWID;
"""


class LedgerBusy(Exception):
    """Another run holds the ledger: it is sending these messages right now."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One recipient's outcome for one message."""

    message_id: str
    recipient: str
    channel: str
    outcome: Outcome
    detail: str
    at: datetime


class MessageLedger:
    """A ledger file (see the module notes). Open with :meth:`open`; close when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path | None) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path | None) -> MessageLedger:
        """The ledger at ``path`` (created ``0600`` when missing); ``None``: in memory, for a
        one-off send that need not survive the process."""
        if path is None:
            connection = sqlite3.connect(":memory:", isolation_level=None)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            with suppress(FileExistsError):  # 0600: it says who was sent what
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            connection = sqlite3.connect(path, isolation_level=None, timeout=30)
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.executescript(_SCHEMA)
        return cls(connection, path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> MessageLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the ledger alone for a run (``LedgerBusy`` if another run has it)."""
        if self.path is None:
            yield
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise LedgerBusy(f"another run is sending from {self.path}") from None
                raise
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def outcomes(self, message_id: str) -> dict[str, Outcome]:
        """Recipient → outcome for everything recorded about ``message_id``."""
        rows = self._db.execute(
            "SELECT recipient, outcome FROM deliveries WHERE message_id = ?", (message_id,)
        )
        return {recipient: "accepted" if o == "accepted" else "refused" for recipient, o in rows}

    def pending(self, message_id: str, recipients: Iterable[str]) -> list[str]:
        """The recipients of ``message_id`` with no final outcome yet, in the order given."""
        done = self.outcomes(message_id)
        return [r for r in recipients if r not in done]

    def record(
        self,
        message_id: str,
        channel: str,
        *,
        accepted: Iterable[str] = (),
        refused: Mapping[str, str] | None = None,
    ) -> None:
        """Commit the outcomes of one attempt in one transaction (``refused``: recipient →
        detail, e.g. the SMTP code; no addresses). A recorded outcome is never overwritten."""
        now = datetime.now(UTC).isoformat()
        rows = [(message_id, r, channel, "accepted", "", now) for r in accepted]
        rows += [
            (message_id, r, channel, "refused", d[:200], now) for r, d in (refused or {}).items()
        ]
        if not rows:
            return
        with self._transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO deliveries "
                "(message_id, recipient, channel, outcome, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    def deliveries(self) -> list[Delivery]:
        """Everything recorded, oldest first."""
        rows = self._db.execute(
            "SELECT message_id, recipient, channel, outcome, detail, at FROM deliveries "
            "ORDER BY at, message_id, recipient"
        )
        return [
            Delivery(
                m, r, c, "accepted" if o == "accepted" else "refused", d, datetime.fromisoformat(a)
            )
            for m, r, c, o, d, a in rows
        ]

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
