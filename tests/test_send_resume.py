"""A send killed mid-run and run again: nobody is mailed twice, nobody is forgotten.

presskit runs in a subprocess (`python -m presskit send`) against a server that stalls after
two messages; the test kills it there with SIGKILL, as a crash or a power cut would.
"""
from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter

import pytest

from presskit.mail.message import message_id

from conftest import interrupt, run
from test_send import SLUG, configure

FIVE = ["ana.reyes@example.org", "ben.okoro@example.org", "chloe.martin@example.org",
        "dana.li@example.org", "emil.berg@example.org"]


def kill_when_stalled(root, server, how=signal.SIGKILL, list_name="journalists") -> int:
    """`presskit send` in a subprocess, stopped by `how` while the server holds a message;
    its exit code."""
    # The PDF built here, in this warm process: the command then has only to send it.
    assert run("build", SLUG, project_dir=root).exit_code == 0
    command = [sys.executable, "-m", "presskit", "--project", str(root), "send", SLUG,
               "--to", list_name]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.handler.stalled.wait(60), process.stderr.read1().decode()
    finally:
        code = interrupt(process, how)   # Ctrl-C too must not wait on the stalled server
    return code


@pytest.mark.parametrize("stall_in, how", [("DATA", signal.SIGKILL), ("RCPT", signal.SIGKILL),
                                           ("DATA", signal.SIGINT)])
def test_killed_mid_run_and_resumed(project, smtp_server, stall_in, how):
    configure(project, smtp_server.port)
    project.write("media/journalists.csv",
                  "email,name\n" + "".join(f"{a},{a.split('.')[0].title()}\n" for a in FIVE))
    handler = smtp_server.handler
    handler.stall_after, handler.stall_in = 2, stall_in
    assert kill_when_stalled(project.root, smtp_server, how) == (130 if how == signal.SIGINT
                                                            else -signal.SIGKILL)
    assert [r.rcpt_tos[0] for r in handler.received] == FIVE[:2]
    handler.stall_after = None

    resumed = run("send", SLUG, "--to", "journalists", project_dir=project.root)
    counts = Counter(r.rcpt_tos[0] for r in handler.received)
    assert max(counts.values()) == 1
    if stall_in == "RCPT":
        # Killed before the message was handed over: it is simply sent now.
        assert resumed.exit_code == 0, resumed.stderr
        assert sorted(counts) == sorted(FIVE)
        assert "sent 3, 2 already reached" in resumed.stderr
        return
    # Killed while the server held the third message: its fate is unknown, so it is
    # reported and not resent; the two never tried are sent.
    assert resumed.exit_code == 3
    assert sorted(counts) == sorted(FIVE[:2] + FIVE[3:])
    assert [line.split(":")[0:2] for line in resumed.stderr.splitlines()
            if "unknown" in line] == [[FIVE[2], " unknown"]]
    again = run("send", SLUG, "--to", "journalists", project_dir=project.root)
    assert again.exit_code == 3 and len(handler.received) == 4
    forced = run("send", SLUG, "--to", "journalists", "--resend-unknown",
                 project_dir=project.root)
    assert forced.exit_code == 0, forced.stderr
    counts = Counter(r.rcpt_tos[0] for r in handler.received)
    assert sorted(counts) == sorted(FIVE) and max(counts.values()) == 1
    # Resent under the Message-ID the ledger had, so mail software can tell it is the same.
    assert handler.to(FIVE[2])[0].message["Message-ID"] == \
        message_id(SLUG, FIVE[2], "example.org")
    sent = run("sent", SLUG, project_dir=project.root)
    assert [line.split()[0] for line in sent.stdout.splitlines()[1:-1]] == ["sent"] * 5


def test_an_unknown_message_of_an_edited_release_is_resent_only_as_a_correction(
        project, smtp_server):
    # The server may hold the old version under the old Message-ID: the new version is
    # another message, sent with --correction, marked CORRECTED, under a new Message-ID.
    configure(project, smtp_server.port)
    project.write("media/journalists.csv",
                  "email,name\n" + "".join(f"{a},{a.split('.')[0].title()}\n" for a in FIVE))
    handler = smtp_server.handler
    handler.stall_after, handler.stall_in = 2, "DATA"
    kill_when_stalled(project.root, smtp_server, signal.SIGKILL)
    handler.stall_after = None
    project.release(title="Mobile clinics open at the northern crossing, and a third soon")
    held = run("send", SLUG, "--to", "journalists", "--resend-unknown", project_dir=project.root)
    # Its fate is unknown, not "an older version": still named, and the run exits 3.
    assert held.exit_code == 3
    assert f"{FIVE[2]}: unknown: the last try lost touch with the server while it held this " \
           f"message (" in held.stderr
    assert "and the release has changed since; not resent (rerun with --resend-unknown " \
           "--correction to send the new version, marked CORRECTED)" in held.stderr
    assert f"{FIVE[2]}: got an older version" not in held.stderr
    assert handler.to(FIVE[2]) == []
    fixed = run("send", SLUG, "--to", "journalists", "--resend-unknown", "--correction",
                project_dir=project.root)
    assert fixed.exit_code == 0, fixed.stderr
    (message,) = [r.message for r in handler.to(FIVE[2])]
    assert str(message["Subject"]).strip().startswith("CORRECTED")
    assert message["Message-ID"] != message_id(SLUG, FIVE[2], "example.org")
    assert message["In-Reply-To"] == message_id(SLUG, FIVE[2], "example.org")
