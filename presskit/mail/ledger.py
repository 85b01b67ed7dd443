"""The send record, .presskit/sent.jsonl: who was sent which release, kept in git.

The record is what makes `send` safe to run again, from this folder or from any clone of the
project, so it is a file git can carry faithfully: an append-only text log, one JSON object a
line, never rewritten. Each message is an *attempt* (an id of its own) written three times,
each line on disk (fsync) before the next step: 'pending' before the SMTP transaction,
'sending' just before the message's final dot (from here on the server may accept it), and
its outcome, 'sent', 'deferred' or 'failed'. A run killed at any moment leaves each recipient
clearly reached, clearly not, or 'sending', which the next run reports as unknown instead of
guessing.

Git: the project's .gitattributes gives the log `merge=union`, so two colleagues who sent from
two clones merge without a conflict, each side's lines kept. Reading does not depend on which
side's lines come first: a recipient who got a version of the release by any attempt has it
(see `_entry`).

Damage: the first line is a header, so a record emptied is told from none; every line ends
with a checksum of its own bytes, so a line torn by a crash (the last one, unfinished) is
recognised, ignored and cut off before the next write, while a bad line anywhere else, or a
missing header, is refused: taking a damaged record for "nobody was sent anything" would mail
everyone again.

Which version of a release a recipient got is the digest of its content (`content_sha256`,
send.release_version). Records from before it was kept (migrated from the SQLite ledger of
earlier versions, .presskit/sent.sqlite3, which is read once and left in place) have only the
digest of the PDF they got; a send that finds that PDF current records its content
(`record_content`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PresskitError, Problem, ProjectError
from ..files import display_path

PENDING, SENDING, SENT, DEFERRED, FAILED = "pending", "sending", "sent", "deferred", "failed"
# An attempt found in 'sending' when a run starts: the last run stopped while the server held
# the message, so nobody knows whether it was delivered.
UNKNOWN = "unknown"
OUTCOMES = (PENDING, SENDING, SENT, DEFERRED, FAILED)

LOG_NAME = "sent.jsonl"
LEGACY_NAME = "sent.sqlite3"
# The first line of every record; the same bytes in every clone, so that two records started
# apart merge into one header.
HEADER = {"presskit": "send record", "format": 1}
CHECK = ', "check": "'


@dataclass(frozen=True)
class Entry:
    """What the record says of one release (slug) and one recipient."""

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
    lang: str = ""
    release: str = ""            # the release whichever language version this slug is
    # Every version (content, pdf) any attempt delivered: after a merge, both sides' sends.
    sent_versions: frozenset = field(default=frozenset(), repr=False)

    def has_version(self, content_sha256: str, pdf_sha256: str) -> bool:
        """Whether this recipient has that version of the release: by its content, or, in a
        record from before the content was kept, by the PDF's bytes. For a message of unknown
        fate: whether that message carried it."""
        if self.state != UNKNOWN and any(_same(v, content_sha256, pdf_sha256)
                                         for v in self.sent_versions):
            return True
        return _same((self.content_sha256, self.pdf_sha256), content_sha256, pdf_sha256)


def _same(version: tuple[str, str], content_sha256: str, pdf_sha256: str) -> bool:
    content, pdf = version
    return content == content_sha256 if content else bool(pdf) and pdf == pdf_sha256


@dataclass
class _Attempt:
    id: str
    slug: str
    address: str
    name: str = ""
    list: str = ""
    lang: str = ""
    release: str = ""
    message_id: str = ""
    pdf_sha256: str = ""
    content_sha256: str = ""
    correction: bool = False
    state: str = PENDING
    updated: str = ""
    sent_at: str | None = None
    response: str = ""

    @property
    def version(self) -> tuple[str, str]:
        return self.content_sha256, self.pdf_sha256


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ledger_path(project_state: Path) -> Path:
    return project_state / LOG_NAME


def has_record(project_state: Path) -> bool:
    """Whether the project has a send record at all (the log, or an old SQLite ledger)."""
    return (project_state / LOG_NAME).exists() or (project_state / LEGACY_NAME).exists()


def encode(record: dict) -> bytes:
    """One line of the log: the record as JSON, ending with the CRC-32 of what precedes."""
    body = json.dumps(record, ensure_ascii=False).encode("utf-8")
    return body[:-1] + f'{CHECK}{zlib.crc32(body):08x}"}}\n'.encode("ascii")


def decode(line: bytes) -> dict | None:
    """The record of a line, or None when the line fails its check (torn or damaged)."""
    line = line.rstrip(b"\r\n")
    at = line.rfind(CHECK.encode("ascii"))
    tail = line[at + len(CHECK):]
    if at < 0 or len(tail) != 10 or not tail.endswith(b'"}'):
        return None
    body = line[:at] + b"}"
    if f"{zlib.crc32(body):08x}".encode("ascii") != tail[:8]:
        return None
    try:
        record = json.loads(body)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


class RecordError(PresskitError):
    """The send record cannot be written: the run stops (exit status 1)."""


class Ledger:
    """The send record of one project. Use as a context manager, or call close().

    `path` is the log (ledger_path). With `create` (a send) it is opened to append, made
    when missing, and an old SQLite ledger beside it is migrated into it; without (a dry run,
    `presskit sent`) nothing is written.
    """

    def __init__(self, path: Path, *, create: bool = True):
        self.path = path
        self.legacy = path.with_name(LEGACY_NAME)
        if not create and not path.exists() and not self.legacy.exists():
            raise PresskitError(f"{display_path(path)}: nothing has been sent from this "
                                f"project yet")
        for own in (path, self.legacy):
            _refuse_a_way_out(own)
        self.has_content = True      # every record keeps content now (migrated ones learn it)
        self._attempts: dict[str, _Attempt] = {}          # by id, in the order first written
        self._by_key: dict[tuple[str, str], list[_Attempt]] = {}
        self._mine: dict[tuple[str, str], _Attempt] = {}  # begun by this run
        self._learned: dict[tuple[str, str], str] = {}    # (slug, pdf) -> content
        self._migrated: set[str] = set()                   # digests of SQLite files read
        self._fd: int | None = None
        self._unsynced = False
        self._broken: str | None = None
        data = self._read_file()
        good_end = self._load(data)
        legacy = self._legacy_records()
        if not create:
            for record in legacy:
                self._apply(record)
            return
        self._open_to_append(data, good_end)
        for record in legacy:
            self._append(record)

    # -- reading ---------------------------------------------------------------------------

    def _read_file(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""
        except OSError as exc:
            raise PresskitError(f"{display_path(self.path)}: cannot read the send record: "
                                f"{exc.strerror or exc}") from None

    def _load(self, data: bytes) -> int:
        """Apply every line; the offset where the good lines end (a torn last line after)."""
        if not data:
            if self.path.exists():
                raise self._refused(None, "is empty, yet presskit never leaves it so: "
                                          "taken as it is, it would have everyone it "
                                          "listed mailed again")
            return 0
        lines = data.split(b"\n")
        # Lines past the last one with anything in it (a crash may leave NUL bytes).
        last = max((n for n, line in enumerate(lines, start=1) if line.strip(b"\0 \r")),
                   default=0)
        offset = good_end = 0
        header_seen = False
        for number, line in enumerate(lines[:last], start=1):
            offset += len(line) + 1
            if not line.strip():
                continue
            record = decode(line)
            if record is None:
                if number == last and header_seen:
                    break          # torn by a crash before it was complete: never acted on
                raise self._refused(number, "fails its check: the record is damaged"
                                    if header_seen else "is not the header a send record "
                                    "begins with: the record is damaged or emptied")
            if not header_seen and record != HEADER:
                raise self._refused(number, "is not the header a send record begins with: "
                                            "the record is damaged or emptied")
            header_seen = True
            self._apply(record)
            good_end = min(offset, len(data))
        if not header_seen:        # blanks or NUL bytes only: what it held is gone
            raise self._refused(None, "holds nothing, yet presskit never leaves it so: taken "
                                      "as it is, it would have everyone it listed mailed "
                                      "again")
        return good_end

    def _refused(self, line: int | None, what: str) -> PresskitError:
        relative = f"{self.path.parent.name}/{self.path.name}"
        fix = (f"restore it from git (git checkout -- {relative}, or from an earlier commit) "
               f"or a backup; nothing was sent")
        if line is None:
            return PresskitError(f"{display_path(self.path)}: the send record {what}; {fix}")
        return ProjectError([Problem(str(self.path), line, 1, f"this line {what}; {fix}")])

    def _apply(self, record: dict) -> None:
        """One line into the attempts it tells of."""
        event = record.get("event")
        if event == "content":
            self._learned[(record.get("slug", ""), record.get("pdf_sha256", ""))] = \
                record.get("content_sha256", "")
            return
        if event == "migrated":
            self._migrated.add(record.get("sha256", ""))
            return
        if event not in OUTCOMES or "id" not in record:
            return                 # the header, or a kind of line from a later presskit
        attempt = self._attempts.get(record["id"])
        if attempt is None:
            attempt = _Attempt(record["id"], record.get("slug", ""),
                               record.get("address", "").lower())
            self._attempts[attempt.id] = attempt
            self._by_key.setdefault((attempt.slug, attempt.address), []).append(attempt)
        if event == PENDING and "message_id" in record:     # the attempt's first line
            for key in ("name", "list", "lang", "release", "message_id", "pdf_sha256",
                        "content_sha256"):
                setattr(attempt, key, record.get(key, ""))
            attempt.correction = bool(record.get("correction"))
        # An attempt moves on only: a later line of it never takes it back (a union merge may
        # put its lines in another order than they were written).
        if _rank(event) >= _rank(attempt.state) or attempt.state == PENDING:
            attempt.state = event
            attempt.updated = record.get("at", attempt.updated)
            attempt.response = record.get("response", attempt.response)
            if event == SENT:
                attempt.sent_at = record.get("at")

    def _legacy_records(self) -> list[dict]:
        """The rows of an old .presskit/sent.sqlite3 not yet migrated, as lines of the log."""
        if not self.legacy.exists():
            return []
        digest = hashlib.sha256()
        for part in (self.legacy, self.legacy.with_name(LEGACY_NAME + "-wal")):
            if part.exists():
                digest.update(part.read_bytes())
        if digest.hexdigest() in self._migrated:
            return []
        where = display_path(self.legacy)
        try:
            db = sqlite3.connect(f"file:{self.legacy}?mode=ro", uri=True)
            try:
                tables = {row[0] for row in
                          db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if "deliveries" not in tables:
                    raise PresskitError(
                        f"{where}: this send ledger of an earlier presskit holds no record "
                        f"(committed to git while a send was running?): restore it from git "
                        f"(an earlier commit) or a backup; remove it only if nothing was ever "
                        f"sent from this project; nothing was sent")
                db.row_factory = sqlite3.Row
                rows = db.execute("SELECT * FROM deliveries ORDER BY rowid").fetchall()
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            raise PresskitError(f"{where}: cannot read the send ledger of an earlier presskit "
                                f"({exc}): restore it from git or a backup; nothing was "
                                f"sent") from None
        records = []
        for row in rows:
            records += [r for r in _migrate_row(dict(row)) if r["id"] not in self._attempts
                        or r["event"] != self._attempts[r["id"]].state]
        records.append({"event": "migrated", "from": LEGACY_NAME, "rows": len(rows),
                        "sha256": digest.hexdigest(), "at": now_iso()})
        return records

    # -- writing ---------------------------------------------------------------------------

    def _open_to_append(self, data: bytes, good_end: int) -> None:
        try:
            if not data:
                self._create()
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CLOEXEC)
            if good_end < len(data):
                os.ftruncate(self._fd, good_end)   # the torn last line goes; nothing else
            self._size = os.lseek(self._fd, 0, os.SEEK_END)
            if data and not data[:good_end].endswith(b"\n"):
                self._write(b"\n")
        except OSError as exc:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            raise PresskitError(f"{display_path(self.path)}: cannot write the send record "
                                f"({exc.strerror or exc}); nothing was sent") from None

    def _create(self) -> None:
        """A new record: its header on disk before its name is, so that an empty file is
        always a record emptied, never one a crash left unfinished."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".new")
        partial.unlink(missing_ok=True)     # left by a crash; made anew, never followed
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), "wb") as f:
            f.write(encode(HEADER))
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, self.path)
        _sync_folder(self.path.parent)
        self._apply(HEADER)

    def _write(self, data: bytes, sync: bool = True) -> None:
        assert self._fd is not None
        written = 0
        while written < len(data):
            written += os.write(self._fd, data[written:])
        self._size += len(data)
        self._unsynced = not sync
        if sync:
            os.fsync(self._fd)

    def _append(self, record: dict, sync: bool = True) -> None:
        """Write one line (in one write: a process killed leaves it whole or absent) and,
        with `sync`, wait until it is on disk. A failure (a full disk) cuts off what was half
        written and stops every later write: the record says nothing false."""
        if self._broken:
            raise RecordError(self._broken)
        before = self._size
        try:
            self._write(encode(record), sync)
        except OSError as exc:
            try:
                os.ftruncate(self._fd, before)   # a line not surely on disk is not there
                self._size = before
            except OSError:
                pass
            self._broken = (f"{display_path(self.path)}: cannot write the send record "
                            f"({exc.strerror or exc})")
            raise RecordError(self._broken) from None
        self._apply(record)

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._fd is not None:
            try:
                if self._unsynced and not self._broken:
                    os.fsync(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None

    # -- the API send uses -----------------------------------------------------------------

    def entries(self, slug: str) -> dict[str, Entry]:
        """What the record says of a release, by lower-cased address, in the order each
        recipient was first tried."""
        return {address: self._entry(attempts)
                for (s, address), attempts in self._by_key.items() if s == slug}

    def entries_of_release(self, release: str) -> dict[str, list[Entry]]:
        """Every language version (slug) of a release each recipient is recorded for, by
        lower-cased address: 'one release a journalist, whichever version they got'."""
        found: dict[str, list[Entry]] = {}
        for (_, address), attempts in self._by_key.items():
            if any((a.release or a.slug) == release for a in attempts):
                found.setdefault(address, []).append(self._entry(attempts))
        return found

    def begin(self, slug: str, address: str, *, name: str, list_name: str, message_id: str,
              pdf_sha256: str, content_sha256: str, correction: bool, lang: str = "",
              release: str = "") -> None:
        """Record, before the SMTP transaction, that this message is about to be tried."""
        record = {"event": PENDING, "id": secrets.token_hex(6), "at": now_iso(), "slug": slug,
                  "address": address.lower(), "release": release or slug, "lang": lang,
                  "name": name, "list": list_name, "message_id": message_id,
                  "content_sha256": content_sha256, "pdf_sha256": pdf_sha256,
                  "correction": bool(correction)}
        # Not waited for: 'sending' is, before the message can be delivered, and brings
        # this line to disk with it; a 'pending' lost to a power cut changes nothing.
        self._append(record, sync=False)
        self._mine[(slug, address.lower())] = self._attempts[record["id"]]

    def mark(self, slug: str, address: str, state: str, response: str = "") -> None:
        """Move this run's attempt for the recipient to a new state, on disk at once."""
        key = (slug, address.lower())
        attempt = self._mine.get(key) or self._by_key[key][-1]
        record = {"event": state, "id": attempt.id, "at": now_iso(), "slug": slug,
                  "address": key[1]}
        if response:
            record["response"] = response[:500]
        # 'sending' is on disk before the message can be delivered: a power cut after it
        # leaves the message in doubt, never sent twice. The outcome goes to disk with the
        # next message's 'sending' (or when the record is closed): lost to a power cut, it
        # leaves this one message in doubt, as the first fsync's wait would have for the next.
        self._append(record, sync=state == SENDING)

    def reached_as_another(self, slug: str, contents: list[str]) -> dict[str, str]:
        """Who got one of these very contents (a release's versions) as another release (a
        copy of the file, or the file renamed): the other release's slug, by lower-cased
        address; for an address that got several, the one of the content listed first."""
        rank = {content: n for n, content in reversed(list(enumerate(contents)))}
        found: dict[str, tuple[int, str]] = {}
        for attempt in self._attempts.values():
            if attempt.slug == slug or attempt.state != SENT:
                continue
            n = rank.get(self._content(attempt))
            if n is not None and n < found.get(attempt.address, (len(rank), ""))[0]:
                found[attempt.address] = (n, attempt.slug)
        return {address: other for address, (_, other) in found.items()}

    def record_content(self, slug: str, pdf_sha256: str, content_sha256: str) -> None:
        """Attempts from before the content was recorded whose PDF is `pdf_sha256`, the one
        built from the content `content_sha256`: they carried that content."""
        if (slug, pdf_sha256) in self._learned:
            return
        if any(a.slug == slug and not a.content_sha256 and a.pdf_sha256 == pdf_sha256
               for a in self._attempts.values()):
            self._append({"event": "content", "slug": slug, "pdf_sha256": pdf_sha256,
                          "content_sha256": content_sha256, "at": now_iso()})

    # -- from attempts to what a recipient has ---------------------------------------------

    def _content(self, attempt: _Attempt) -> str:
        return attempt.content_sha256 or self._learned.get((attempt.slug, attempt.pdf_sha256),
                                                           "")

    def _entry(self, attempts: list[_Attempt]) -> Entry:
        """The last attempt speaks for the recipient, unless another one delivered the very
        version it carried: then they have it, whatever order a merge gave the lines."""
        versions = [(self._content(a), a.pdf_sha256) for a in attempts]
        sent = [(a, v) for a, v in zip(attempts, versions) if a.state == SENT]
        rep, version = attempts[-1], versions[-1]
        if rep.state != SENT:
            same = [(a, v) for a, v in sent if v == version]
            if same:
                rep, version = same[-1]
        sent_at = rep.sent_at or (sent[-1][0].sent_at if sent else None)
        return Entry(slug=rep.slug, address=rep.address, name=rep.name, list=rep.list,
                     state=UNKNOWN if rep.state == SENDING else rep.state,
                     attempts=len(attempts), updated=rep.updated, sent_at=sent_at,
                     message_id=rep.message_id, pdf_sha256=rep.pdf_sha256,
                     correction=rep.correction, response=rep.response,
                     content_sha256=version[0], lang=rep.lang, release=rep.release or rep.slug,
                     sent_versions=frozenset(v for _, v in sent))


def _rank(state: str) -> int:
    """How far an attempt has gone: pending, then sending, then its outcome."""
    return {PENDING: 0, SENDING: 1}.get(state, 2)


def _migrate_row(row: dict) -> list[dict]:
    """Lines of the log for one row of the SQLite ledger. The ids come from the row, so a
    row read twice (a colleague still on an earlier presskit) is not counted twice."""
    key = "|".join(str(row.get(k)) for k in ("slug", "address", "attempts", "updated"))
    base = "sqlite-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    slug, address = row["slug"], row["address"].lower()
    state = row["state"]
    records = []
    if row.get("sent_at") and state != SENT:
        # Reached once, then tried again (a correction): the message that reached them is
        # known only by that; its version matches nothing.
        records += [{"event": PENDING, "id": base + "-0", "at": row["sent_at"], "slug": slug,
                     "address": address, "release": slug, "lang": "",
                     "name": row.get("name", ""), "list": row.get("list", ""),
                     "message_id": row.get("message_id", ""), "content_sha256": "",
                     "pdf_sha256": "", "correction": False},
                    {"event": SENT, "id": base + "-0", "at": row["sent_at"], "slug": slug,
                     "address": address}]
    records.append({"event": PENDING, "id": base, "at": row.get("updated", ""), "slug": slug,
                    "address": address, "release": slug, "lang": "",
                    "name": row.get("name", ""), "list": row.get("list", ""),
                    "message_id": row.get("message_id", ""),
                    "content_sha256": row.get("content_sha256") or "",
                    "pdf_sha256": row.get("pdf_sha256", ""),
                    "correction": bool(row.get("correction"))})
    if state != PENDING:
        mark = {"event": state, "id": base,
                "at": (row.get("sent_at") if state == SENT else None) or row.get("updated", ""),
                "slug": slug, "address": address}
        if row.get("response"):
            mark["response"] = row["response"]
        records.append(mark)
    return records


def _refuse_a_way_out(path: Path) -> None:
    """The record is the project's own: one that a symbolic link puts elsewhere (the state
    folder's parent is the project) is neither read nor written."""
    if path.is_symlink() or path.parent.is_symlink():
        root = path.parent.parent.resolve()
        if not path.resolve().is_relative_to(root):
            raise PresskitError(f"{display_path(path)}: a symbolic link that leads out of the "
                                f"project; presskit keeps its send record inside it: put the "
                                f"file itself there; nothing was sent")


def _sync_folder(folder: Path) -> None:
    """fsync a folder, so that a file just made in it is there after a power cut too."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def git_warnings(root: Path) -> list[str]:
    """What a project's own .gitignore and .gitattributes get wrong for the record: one kept
    out of git (a project started by an earlier presskit kept only sent.sqlite3), or one git
    would merge as text with conflict markers instead of keeping both sides' lines."""
    ignore, attributes = root / ".gitignore", root / ".gitattributes"
    if not ignore.is_file() and not (root / ".git").exists():
        return []          # not kept in git, as far as can be told
    warnings = []
    rules = _lines(ignore)
    if any(r.strip("/") in (".presskit", ".presskit/*") for r in rules) \
            and not any(r.startswith("!") and LOG_NAME in r for r in rules):
        warnings.append(f"{display_path(ignore)}: warning: keeps the send record "
                        f".presskit/{LOG_NAME} out of git, and a clone of the project would "
                        f"mail everyone again: add the line  !/.presskit/{LOG_NAME}")
    if not any(LOG_NAME in r and "merge=union" in r for r in _lines(attributes)):
        warnings.append(f"{display_path(attributes)}: warning: git would merge two "
                        f"colleagues' send records with conflict markers: add the line  "
                        f"/.presskit/{LOG_NAME} merge=union")
    return warnings


def _lines(path: Path) -> list[str]:
    try:
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError):
        return []
