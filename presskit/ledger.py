"""The send ledger, .presskit/sent.sqlite3: one row per release and recipient.

The row is the memory that makes `send` safe to run again. It is committed before every SMTP
transaction ('pending'), again just before the message's final dot is sent ('sending': from
here on the server may accept it), and once the server answers ('sent', 'deferred' or
'failed'). A run killed at any moment therefore leaves each recipient either clearly reached,
clearly not reached, or 'sending', which the next run reports as unknown instead of guessing.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import PresskitError

PENDING, SENDING, SENT, DEFERRED, FAILED = "pending", "sending", "sent", "deferred", "failed"
# A row found in 'sending' when a run starts: the last run stopped while the server held the
# message, so nobody knows whether it was delivered.
UNKNOWN = "unknown"

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    slug        TEXT NOT NULL,
    address     TEXT NOT NULL,      -- lower-cased: addresses compare case-insensitively
    name        TEXT NOT NULL DEFAULT '',
    list        TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    updated     TEXT NOT NULL,      -- ISO 8601, UTC
    sent_at     TEXT,               -- when the server accepted the message
    message_id  TEXT NOT NULL DEFAULT '',
    pdf_sha256  TEXT NOT NULL DEFAULT '',
    correction  INTEGER NOT NULL DEFAULT 0,  -- 1 when the last message was a correction
    response    TEXT NOT NULL DEFAULT '',    -- the server's last answer
    PRIMARY KEY (slug, address)
);
"""


@dataclass(frozen=True)
class Entry:
    slug: str
    address: str
    name: str
    list: str
    state: str
    attempts: int
    updated: str
    sent_at: str | None
    message_id: str
    pdf_sha256: str
    correction: bool
    response: str


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Ledger:
    """The SQLite ledger of one project. Use as a context manager, or call close()."""

    def __init__(self, path: Path, *, create: bool = True):
        self.path = path
        if not create and not path.exists():
            raise PresskitError(f"{path}: nothing has been sent from this project yet")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(path), isolation_level=None, timeout=10)
            # WAL with synchronous=NORMAL: every commit survives the process being killed
            # (the crash this ledger guards against) without an fsync per message.
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise PresskitError(f"{path}: cannot open the send ledger: {exc}") from None
        self.db.row_factory = sqlite3.Row

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def entries(self, slug: str) -> dict[str, Entry]:
        """Every row of a release, by lower-cased address, in the order they were first made."""
        rows = self.db.execute("SELECT * FROM deliveries WHERE slug = ? ORDER BY rowid",
                               (slug,)).fetchall()
        return {row["address"]: _entry(row) for row in rows}

    def begin(self, slug: str, address: str, *, name: str, list_name: str, message_id: str,
              pdf_sha256: str, correction: bool) -> None:
        """Record, before the SMTP transaction, that this message is about to be tried."""
        self.db.execute(
            """INSERT INTO deliveries (slug, address, name, list, state, attempts, updated,
                                       message_id, pdf_sha256, correction)
               VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
               ON CONFLICT (slug, address) DO UPDATE SET
                   name = excluded.name, list = excluded.list, state = excluded.state,
                   attempts = attempts + 1, updated = excluded.updated,
                   message_id = excluded.message_id, pdf_sha256 = excluded.pdf_sha256,
                   correction = excluded.correction""",
            (slug, address.lower(), name, list_name, PENDING, now_iso(), message_id,
             pdf_sha256, int(correction)))

    def mark(self, slug: str, address: str, state: str, response: str = "") -> None:
        """Move a row to a new state; committed at once (autocommit)."""
        stamp = now_iso()
        self.db.execute(
            """UPDATE deliveries SET state = ?, updated = ?, response = ?,
                   sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END
               WHERE slug = ? AND address = ?""",
            (state, stamp, response[:500], state, stamp, slug, address.lower()))


def _entry(row: sqlite3.Row) -> Entry:
    state = UNKNOWN if row["state"] == SENDING else row["state"]
    return Entry(slug=row["slug"], address=row["address"], name=row["name"], list=row["list"],
                 state=state, attempts=row["attempts"], updated=row["updated"],
                 sent_at=row["sent_at"], message_id=row["message_id"],
                 pdf_sha256=row["pdf_sha256"], correction=bool(row["correction"]),
                 response=row["response"])


def ledger_path(project_state: Path) -> Path:
    return project_state / "sent.sqlite3"
