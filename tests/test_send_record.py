"""The send record on disk: torn, damaged, emptied, read only, on a full disk, and migrated
from the SQLite ledger of earlier versions. A record that cannot be trusted is refused in one
line, never read as "nobody was sent anything"."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter

import pytest

from presskit.mail.ledger import decode

from conftest import run
from test_send import ADDRESSES, SLUG, configure, ledger_rows, send, write_old_ledger

RESTORE = ("restore it from git (git checkout -- .presskit/sent.jsonl, or from an earlier "
           "commit) or a backup; nothing was sent")


def record(project):
    return project.root / ".presskit" / "sent.jsonl"


def sent_twice(server) -> list[str]:
    return [a for a, n in Counter(r.rcpt_tos[0] for r in server.handler.received).items()
            if n > 1]


def test_each_line_checks_itself_and_says_which_release_and_language(project, smtp_server):
    configure(project, smtp_server.port)
    assert send(project).exit_code == 0
    lines = record(project).read_bytes().splitlines(keepends=True)
    assert decode(lines[0]) == {"presskit": "send record", "format": 1}
    records = [decode(line) for line in lines[1:]]
    assert None not in records
    assert [r["event"] for r in records] == ["pending", "sending", "sent"] * 3
    first = records[0]
    assert (first["slug"], first["release"], first["lang"]) == (SLUG, SLUG, "en")
    assert first["address"] == ADDRESSES[0] and len({r["id"] for r in records}) == 3
    # One character changed, and the line no longer passes its check.
    assert decode(lines[1].replace(b"ana.reyes", b"ana.reyez")) is None


def test_a_torn_last_line_is_ignored_and_cut_off(project, smtp_server):
    # A crash while the line was written: the step it records was never taken.
    configure(project, smtp_server.port)
    project.write("media/journalists.csv", "email\nana.reyes@example.org\n")
    assert send(project).exit_code == 0
    whole = record(project).read_bytes()
    with open(record(project), "ab") as f:
        f.write(b'{"event": "pending", "id": "0f3a', )
    shown = run("sent", SLUG, project_dir=project.root)
    assert shown.exit_code == 0 and shown.stdout.splitlines()[1].startswith("sent ")
    project.write("media/journalists.csv", "email\nana.reyes@example.org\nben.okoro@example.org\n")
    again = send(project)
    assert again.exit_code == 0, again.stderr
    assert [r.rcpt_tos[0] for r in smtp_server.handler.received] == ADDRESSES[:2]
    data = record(project).read_bytes()
    assert data.startswith(whole) and b"0f3a" not in data
    assert all(decode(line) for line in data.splitlines())


@pytest.mark.parametrize("damage", ["emptied", "zeroed", "line changed", "header gone",
                                    "line cut"])
def test_a_damaged_or_emptied_record_is_refused(project, smtp_server, damage):
    configure(project, smtp_server.port)
    assert send(project).exit_code == 0
    path = record(project)
    lines = path.read_bytes().splitlines(keepends=True)
    if damage == "emptied":
        path.write_bytes(b"")
        expected = (f"{path}: the send record is empty, yet presskit never leaves it so: taken "
                    f"as it is, it would have everyone it listed mailed again; {RESTORE}")
    elif damage == "zeroed":    # a power cut may leave a file its length in NUL bytes
        path.write_bytes(bytes(len(b"".join(lines))))
        expected = (f"{path}: the send record holds nothing, yet presskit never leaves it so: "
                    f"taken as it is, it would have everyone it listed mailed again; {RESTORE}")
    elif damage == "line changed":
        lines[3] = lines[3].replace(b'"sent"', b'"sant"')
        path.write_bytes(b"".join(lines))
        expected = f"{path}:4:1: this line fails its check: the record is damaged; {RESTORE}"
    elif damage == "header gone":
        path.write_bytes(b"".join(lines[1:]))
        expected = (f"{path}:1:1: this line is not the header a send record begins with: the "
                    f"record is damaged or emptied; {RESTORE}")
    else:   # a line cut short in the middle, as a bad merge or an editor might leave it
        lines[2] = lines[2][:30] + b"\n"
        path.write_bytes(b"".join(lines))
        expected = f"{path}:3:1: this line fails its check: the record is damaged; {RESTORE}"
    for command in (["send", SLUG, "--to", "journalists"],
                    ["send", SLUG, "--to", "journalists", "--dry-run"], ["sent", SLUG]):
        refused = run(*command, project_dir=project.root)
        assert refused.exit_code == 1, command
        assert refused.stderr.splitlines() == [expected], command
    assert len(smtp_server.handler.received) == 3


def test_a_record_kept_only_by_an_earlier_presskit_is_migrated_once(project, smtp_server):
    configure(project, smtp_server.port)
    assert send(project).exit_code == 0
    rows = write_old_ledger(project, content=True)
    old = project.root / ".presskit" / "sent.sqlite3"
    before = old.read_bytes()
    assert run("sent", SLUG, project_dir=project.root).stdout.count("current") == 3
    assert not record(project).exists()                  # read only: nothing written
    with open(project.root / "media" / "journalists.csv", "a") as f:
        f.write("dana.li@example.org,Dana Li,Harbor FM\n")
    for _ in range(2):
        again = send(project)
        assert again.exit_code == 0, again.stderr
    assert [r.rcpt_tos[0] for r in smtp_server.handler.received[3:]] == ["dana.li@example.org"]
    assert old.read_bytes() == before                      # never lost
    events = [decode(line) for line in record(project).read_bytes().splitlines()[1:]]
    assert [e["event"] for e in events].count("migrated") == 1
    assert {a: r[0] for a, r in ledger_rows(project).items()} == \
        {**{row[1]: row[4] for row in rows}, "dana.li@example.org": "sent"}


def test_a_sqlite_ledger_committed_mid_send_is_refused_not_taken_as_empty(project,
                                                                         smtp_server):
    # The WAL was not checkpointed: git got a file with no table, and the rows were lost.
    configure(project, smtp_server.port)
    state = project.root / ".presskit"
    state.mkdir()
    sqlite3.connect(state / "sent.sqlite3").execute("PRAGMA user_version = 1").connection.close()
    refused = send(project)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"{state / 'sent.sqlite3'}: this send ledger of an earlier presskit holds no record "
        f"(committed to git while a send was running?): restore it from git (an earlier "
        f"commit) or a backup; remove it only if nothing was ever sent from this project; "
        f"nothing was sent"]
    assert smtp_server.handler.received == [] and not record(project).exists()


def test_an_old_gitignore_that_keeps_the_record_out_of_git_is_warned_of(project, smtp_server):
    configure(project, smtp_server.port)
    project.write(".gitignore", "/dist/\n/.presskit/*\n!/.presskit/sent.sqlite3\n")
    result = send(project)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0] == (f"{project.root / '.gitignore'}: warning: keeps the send record "
                        f".presskit/sent.jsonl out of git, and a clone of the project would mail "
                        f"everyone again: add the line  !/.presskit/sent.jsonl")
    assert lines[1] == (f"{project.root / '.gitattributes'}: warning: git would merge two "
                        f"colleagues' send records with conflict markers: add the line  "
                        f"/.presskit/sent.jsonl merge=union")
    project.write(".gitignore", "/dist/\n/.presskit/*\n!/.presskit/sent.jsonl\n")
    project.write(".gitattributes", "/.presskit/sent.jsonl merge=union\n")
    assert "warning" not in send(project).stderr


def presskit_command(project, *args) -> list[str]:
    return [sys.executable, "-m", "presskit", "--project", str(project.root), *args]


def test_a_read_only_record_is_one_line_and_nothing_is_sent(project, smtp_server):
    configure(project, smtp_server.port)
    project.write("media/journalists.csv", "email\nana.reyes@example.org\n")
    assert send(project).exit_code == 0
    project.write("media/journalists.csv", "email\n" + "\n".join(ADDRESSES) + "\n")
    record(project).chmod(0o444)
    command = presskit_command(project, "send", SLUG, "--to", "journalists")
    if os.geteuid() == 0:
        # root writes whatever the mode says: take that power away, as for any other user.
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv is not installed")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{record(project)}: cannot write the send record (Permission denied); nothing was "
        f"sent"]
    assert len(smtp_server.handler.received) == 1


FULL_DISK = """
import os, shutil, subprocess, sys
log, disk, out, command = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
os.mkdir(disk)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk], check=True)
small = os.path.join(disk, "sent.jsonl")
shutil.copy(log, small)
subprocess.run(["mount", "--bind", small, log], check=True)
fd = os.open(os.path.join(disk, "filler"), os.O_WRONLY | os.O_CREAT)
try:
    while True:
        os.write(fd, bytes(4096))
except OSError:
    pass
os.close(fd)
done = subprocess.run(command, capture_output=True, text=True)
shutil.copy(log, out)
print(done.returncode)
sys.stderr.write(done.stderr)
"""


def can_mount() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    return subprocess.run(["unshare", "-m", "--propagation", "private", "mount", "-t", "tmpfs",
                           "tmpfs", "/mnt"], capture_output=True).returncode == 0


@pytest.mark.skipif(not can_mount(), reason="no private mount namespace to fill a disk in")
def test_a_disk_that_fills_during_a_send_stops_it_in_one_line(project, smtp_server, tmp_path):
    """A real full disk: the record on a small tmpfs, in a mount namespace of the run's own."""
    configure(project, smtp_server.port)
    many = [f"j{n:02d}@example.org" for n in range(1, 31)]
    project.write("media/journalists.csv", "email\nj01@example.org\n")
    assert send(project).exit_code == 0                    # the record and the PDF exist
    project.write("media/journalists.csv", "email\n" + "\n".join(many) + "\n")
    state = project.root / ".presskit"
    out = tmp_path / "after.jsonl"
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", sys.executable, "-c", FULL_DISK,
         str(state / "sent.jsonl"), str(tmp_path / "disk"), str(out),
         *presskit_command(project, "send", SLUG, "--to", "journalists")],
        capture_output=True, text=True)
    assert done.stdout.strip() == "1", done.stderr
    (line,) = [line for line in done.stderr.splitlines() if not line.startswith("sent ")]
    reached = [r.rcpt_tos[0] for r in smtp_server.handler.received]
    assert 1 < len(reached) < 30
    assert line.startswith(f"{state / 'sent.jsonl'}: cannot write the send record (No space "
                           f"left on device)")
    assert "the send stopped after " in line and line.endswith(
        "the record says nothing false; free some space, then run send again")
    # What the record says is true: it names as sent only those the server took.
    data = out.read_bytes()
    assert all(decode(line) for line in data.splitlines())
    events = [decode(line) for line in data.splitlines()[1:]]
    assert {e["address"] for e in events if e["event"] == "sent"} <= set(reached)
    # Space again: the rest are sent, nobody twice, at most one in doubt.
    shutil.copy(out, state / "sent.jsonl")
    again = send(project)
    assert again.exit_code in (0, 3), again.stderr
    unknown = [line for line in again.stderr.splitlines() if ": unknown: " in line]
    assert len(unknown) <= 1
    left = 30 - len(reached) - len(unknown)
    assert again.stderr.splitlines()[-1].startswith(f"{SLUG} to journalists: sent {left}, ")
    assert sent_twice(smtp_server) == []
    got = {r.rcpt_tos[0] for r in smtp_server.handler.received}
    assert got | {line.split(":")[0] for line in unknown} == set(many)


def test_the_record_is_complete_on_disk_after_each_message(project, smtp_server):
    """Each line is fsynced before the next step: read back as lines between messages."""
    configure(project, smtp_server.port)
    seen = []
    original = smtp_server.handler.handle_DATA

    async def handle_DATA(server, session, envelope):
        # The server holds the message: the record already says 'sending', on disk.
        last = decode(record(project).read_bytes().splitlines()[-1])
        seen.append((last["address"], last["event"]))
        return await original(server, session, envelope)

    smtp_server.handler.handle_DATA = handle_DATA
    assert send(project).exit_code == 0
    assert seen == [(a, "sending") for a in ADDRESSES]


def test_a_record_that_a_link_puts_outside_the_project_is_neither_read_nor_written(
        project, smtp_server, tmp_path):
    configure(project, smtp_server.port)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("someone else's file\n")
    record(project).parent.mkdir()
    record(project).symlink_to(outside)
    for command in (["send", SLUG, "--to", "journalists"], ["sent", SLUG]):
        refused = run(*command, project_dir=project.root)
        assert refused.exit_code == 1
        assert refused.stderr.splitlines() == [
            f"{record(project)}: a symbolic link that leads out of the project; presskit keeps "
            f"its send record inside it: put the file itself there; nothing was sent"]
    assert outside.read_text() == "someone else's file\n"
    assert smtp_server.handler.received == []


def test_two_sides_of_a_merge_read_the_same_in_either_order(tmp_path):
    """A union merge puts one side's new lines before the other's, whichever was first."""
    from presskit.mail.ledger import DEFERRED, SENDING, SENT, Ledger

    def attempt(book, address, content, *states):
        book.begin(SLUG, address, name="", list_name="journalists", message_id=f"<{address}>",
                   pdf_sha256="pdf-" + content, content_sha256=content, correction=False,
                   lang="en", release=SLUG)
        for state in states:
            book.mark(SLUG, address, state)

    base = tmp_path / "base.jsonl"
    with Ledger(base) as book:
        attempt(book, "ana@example.org", "v1", SENDING)            # in doubt when they parted
        attempt(book, "ben@example.org", "v1", SENDING, SENT)
    sides = {}
    for side in ("a", "b"):
        path = tmp_path / f"{side}.jsonl"
        path.write_bytes(base.read_bytes())
        with Ledger(path) as book:
            if side == "a":       # resent in doubt, greylisted; ben corrected
                attempt(book, "ana@example.org", "v1", SENDING, DEFERRED)
                attempt(book, "ben@example.org", "v2", SENDING, SENT)
            else:                 # resent in doubt, delivered; ben's correction refused
                attempt(book, "ana@example.org", "v1", SENDING, SENT)
                attempt(book, "ben@example.org", "v2", SENDING, DEFERRED)
        sides[side] = path.read_bytes()[len(base.read_bytes()):]
    seen = []
    for first, second in (("a", "b"), ("b", "a")):
        merged = tmp_path / f"{first}{second}.jsonl"
        merged.write_bytes(base.read_bytes() + sides[first] + sides[second])
        with Ledger(merged, create=False) as book:
            entries = book.entries(SLUG)
        seen.append({a: (e.state, e.has_version("v1", ""), e.has_version("v2", ""))
                     for a, e in entries.items()})
    assert seen[0] == seen[1] == {"ana@example.org": (SENT, True, False),
                                  "ben@example.org": (SENT, True, True)}


def test_every_language_version_of_a_release_is_found_by_the_release(tmp_path):
    """For 'one release a journalist, whichever language version they got' (issue 21)."""
    from presskit.mail.ledger import SENDING, SENT, Ledger

    with Ledger(tmp_path / "sent.jsonl") as book:
        for slug, lang, address in ((SLUG, "en", "ana@example.org"),
                                    (f"{SLUG}.fr", "fr", "chloe@example.org"),
                                    ("2024-04-10-other", "en", "ben@example.org")):
            book.begin(slug, address, name="", list_name="journalists", message_id="<m>",
                       pdf_sha256="p", content_sha256=slug, correction=False, lang=lang,
                       release=slug.partition(".")[0])
            book.mark(slug, address, SENDING)
            book.mark(slug, address, SENT)
    with Ledger(tmp_path / "sent.jsonl", create=False) as book:
        found = book.entries_of_release(SLUG)
    assert {a: [(e.slug, e.lang, e.release, e.state) for e in entries]
            for a, entries in found.items()} == {
        "ana@example.org": [(SLUG, "en", SLUG, SENT)],
        "chloe@example.org": [(f"{SLUG}.fr", "fr", SLUG, SENT)]}
