"""The send ledger, .presskit/sent.sqlite3: one row per release and recipient.

The row is the memory that makes `send` safe to run again. It is committed before every SMTP
transaction ('pending'), again just before the message's final dot is sent ('sending': from
here on the server may accept it), and once the server answers ('sent', 'deferred' or
'failed'). A run killed at any moment therefore leaves each recipient either clearly reached,
clearly not reached, or 'sending', which the next run reports as unknown instead of guessing.

Which version of the release a recipient got is kept as the digest of its content
(`content_sha256`, send.release_version): a new presskit, WeasyPrint or template changes the
PDF's bytes, not what the journalist has. Rows written before that column was added have only
the digest of the PDF they got (`pdf_sha256`); the column is added when a ledger is opened to
send, and filled in for each such row once its PDF is found to be the current one.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..errors import PresskitError

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
    content_sha256 TEXT NOT NULL DEFAULT '',  -- '' in rows from before it was recorded
    correction  INTEGER NOT NULL DEFAULT 0,  -- 1 when the last message was a correction
    response    TEXT NOT NULL DEFAULT '',    -- the server's last answer
    lang        TEXT NOT NULL DEFAULT '',    -- the language version sent; '' the original
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
    content_sha256: str = ""
    lang: str = ""   # the language of the version sent (releases/<slug>.<lang>.yaml); ''

    def has_version(self, content_sha256: str, pdf_sha256: str) -> bool:
        """Whether this row's message carried that version of the release: by its content,
        or, in a row from before the content was recorded, by the PDF's bytes."""
        if self.content_sha256:
            return self.content_sha256 == content_sha256
        return self.pdf_sha256 == pdf_sha256


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
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(deliveries)")}
            if create and "content_sha256" not in columns:
                # A ledger from before content_sha256 gets the column, empty in its rows.
                self.db.execute("ALTER TABLE deliveries ADD COLUMN content_sha256 TEXT "
                                "NOT NULL DEFAULT ''")
                columns.add("content_sha256")
            if create and "lang" not in columns:
                # Rows from before versions by language were sent the original.
                self.db.execute("ALTER TABLE deliveries ADD COLUMN lang TEXT NOT NULL "
                                "DEFAULT ''")
        except sqlite3.DatabaseError as exc:
            raise PresskitError(f"{path}: cannot open the send ledger: {exc}") from None
        self.db.row_factory = sqlite3.Row
        # False for a ledger from before, opened read only (a dry run, `presskit sent`).
        self.has_content = "content_sha256" in columns

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
              pdf_sha256: str, content_sha256: str, correction: bool, lang: str = "") -> None:
        """Record, before the SMTP transaction, that this message is about to be tried (in
        the version of language `lang`: a release's versions are one release, by its slug)."""
        self.db.execute(
            """INSERT INTO deliveries (slug, address, name, list, state, attempts, updated,
                                       message_id, pdf_sha256, content_sha256, correction, lang)
               VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (slug, address) DO UPDATE SET
                   name = excluded.name, list = excluded.list, state = excluded.state,
                   attempts = attempts + 1, updated = excluded.updated,
                   message_id = excluded.message_id, pdf_sha256 = excluded.pdf_sha256,
                   content_sha256 = excluded.content_sha256,
                   correction = excluded.correction, lang = excluded.lang""",
            (slug, address.lower(), name, list_name, PENDING, now_iso(), message_id,
             pdf_sha256, content_sha256, int(correction), lang))

    def reached_as_another(self, slug: str, content_sha256: str) -> dict[str, str]:
        """Who got this very content as another release (a copy of the file, or the file
        renamed): the other release's slug, by lower-cased address."""
        if not self.has_content:
            return {}
        rows = self.db.execute(
            "SELECT address, slug FROM deliveries WHERE content_sha256 = ? AND slug != ? "
            "AND state = ? ORDER BY rowid", (content_sha256, slug, SENT)).fetchall()
        return {row["address"]: row["slug"] for row in rows}

    def record_content(self, slug: str, pdf_sha256: str, content_sha256: str) -> None:
        """Rows from before the content was recorded whose PDF is `pdf_sha256`, the one built
        from the content `content_sha256`: they carried that content."""
        self.db.execute(
            """UPDATE deliveries SET content_sha256 = ?
               WHERE slug = ? AND content_sha256 = '' AND pdf_sha256 = ?""",
            (content_sha256, slug, pdf_sha256))

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
                 response=row["response"],
                 # Read, not added, by the read-only paths (a dry run, `presskit sent`).
                 content_sha256=row["content_sha256"] if "content_sha256" in row.keys() else "",
                 lang=row["lang"] if "lang" in row.keys() else "")



def ledger_path(project_state: Path) -> Path:
    return project_state / "sent.sqlite3"
