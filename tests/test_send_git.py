"""The send record in git: killed mid-send and committed, cloned, sent from two clones, merged.

A real git (tmp repositories, `git clone`, commit, `git merge`), a real presskit killed with
SIGKILL in a subprocess, and a real aiosmtpd counting what each journalist gets.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from test_send_resume import kill_when_stalled

from presskit.scaffold import scaffold_files

from conftest import run
from test_send import SLUG, configure

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

THIRTY = [f"j{n:02d}@example.org" for n in range(1, 31)]
GIT_ENV = {"GIT_AUTHOR_NAME": "Press Desk", "GIT_AUTHOR_EMAIL": "desk@example.org",
           "GIT_COMMITTER_NAME": "Press Desk", "GIT_COMMITTER_EMAIL": "desk@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                            env=dict(os.environ, **GIT_ENV))
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def media_list(addresses: list[str]) -> str:
    return "email,name\n" + "".join(f"{a},{a.split('@')[0].title()}\n" for a in addresses)


def send(root: Path, list_name: str, *extra: str):
    return run("send", SLUG, "--to", list_name, *extra, project_dir=root)


def in_doubt(result) -> list[str]:
    return [line.split(":")[0] for line in result.stderr.splitlines() if ": unknown: " in line]


def test_killed_committed_cloned_twice_sent_from_both_merged_and_sent_again(
        project, smtp_server, tmp_path):
    """The outside check: 30 journalists, each reached exactly once, at most one in doubt."""
    configure(project, smtp_server.port)
    for name, data in scaffold_files(dt.date.today()).items():
        if name.startswith(".git"):
            project.write(name, data.decode())
    project.write("media/journalists.csv", media_list(THIRTY))
    project.write("media/desk-a.csv", media_list(THIRTY[:20]))             # j01-j20
    project.write("media/desk-b.csv", media_list(THIRTY[:11] + THIRTY[20:]))  # j01-j11, j21-j30
    origin = project.root
    git(origin, "init", "-q")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "the project")

    handler = smtp_server.handler
    handler.stall_after, handler.stall_in = 10, "DATA"
    kill_when_stalled(origin, smtp_server)
    smtp_server.handler.stall_after = None
    assert [r.rcpt_tos[0] for r in handler.received] == THIRTY[:10]   # j11 held, in doubt
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "sent to ten, then the machine went down")
    kept = git(origin, "ls-files", ".presskit").stdout.split()
    # The send record, and what each version sent said (for a correction's note); no more.
    assert kept[0] == ".presskit/sent.jsonl"
    assert all(name.startswith(".presskit/versions/") for name in kept[1:])

    first, second = tmp_path / "first", tmp_path / "second"
    for clone in (first, second):
        git(tmp_path, "clone", "-q", str(origin), str(clone))
    sent_a = send(first, "desk-a")
    assert sent_a.exit_code == 3 and in_doubt(sent_a) == [THIRTY[10]], sent_a.stderr
    assert "sent 9, 10 already reached, 1 not reached" in sent_a.stderr
    sent_b = send(second, "desk-b")
    assert sent_b.exit_code == 3 and in_doubt(sent_b) == [THIRTY[10]], sent_b.stderr
    assert "sent 10, 10 already reached, 1 not reached" in sent_b.stderr
    for clone in (first, second):
        git(clone, "add", "-A")
        git(clone, "commit", "-q", "-m", f"sent from {clone.name}")

    git(first, "pull", "-q", "--no-rebase", "--no-edit", str(second), "HEAD")
    assert "<<<<<<<" not in (first / ".presskit" / "sent.jsonl").read_text(encoding="utf-8")
    merged = send(first, "journalists")
    assert merged.exit_code == 3 and in_doubt(merged) == [THIRTY[10]], merged.stderr
    assert "sent 0, 29 already reached, 1 not reached" in merged.stderr
    counts = Counter(r.rcpt_tos[0] for r in handler.received)
    assert sorted(counts) == sorted(set(THIRTY) - {THIRTY[10]})
    assert set(counts.values()) == {1}

    # The one in doubt goes only when asked, once.
    forced = send(first, "journalists", "--resend-unknown")
    assert forced.exit_code == 0, forced.stderr
    assert send(first, "journalists").stderr.splitlines()[-1] == \
        f"{SLUG} to journalists: sent 0, 30 already reached"
    counts = Counter(r.rcpt_tos[0] for r in handler.received)
    assert sorted(counts) == THIRTY and set(counts.values()) == {1}


def test_two_clones_that_each_started_the_record_merge_without_a_conflict(
        project, smtp_server, tmp_path):
    """Neither clone had a record when they parted: both make one, with the same header."""
    configure(project, smtp_server.port)
    project.write(".gitattributes", scaffold_files(
        dt.date.today())[".gitattributes"].decode())
    project.write(".gitignore", "/dist/\n/.presskit/*\n!/.presskit/sent.jsonl\n")
    project.write("media/desk-a.csv", media_list(THIRTY[:3]))
    project.write("media/desk-b.csv", media_list(THIRTY[3:6]))
    project.write("media/journalists.csv", media_list(THIRTY[:6]))
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-q", "-m", "the project")
    first, second = tmp_path / "first", tmp_path / "second"
    for clone, list_name in ((first, "desk-a"), (second, "desk-b")):
        git(tmp_path, "clone", "-q", str(project.root), str(clone))
        assert send(clone, list_name).exit_code == 0
        git(clone, "add", "-A")
        git(clone, "commit", "-q", "-m", f"sent to {list_name}")
    git(first, "pull", "-q", "--no-rebase", "--no-edit", str(second), "HEAD")
    again = send(first, "journalists")
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines()[-1] == f"{SLUG} to journalists: sent 0, 6 already reached"
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == THIRTY[:6]
