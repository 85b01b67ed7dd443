"""No process outlives the command that started it: a build that ends, fails, or is killed
with SIGKILL or SIGTERM leaves nothing running, and no damaged PDF."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")

PRESSKIT = Path(sys.executable).parent / "presskit"


def in_session(sid: int) -> list[str]:
    """The processes of session `sid`, as 'pid command'."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z" and int(fields[3]) == sid:
                found.append(f"{entry.name} {(entry / 'cmdline').read_bytes()[:120]!r}")
        except (OSError, ValueError, IndexError):
            continue
    return found


def gone_within(sid: int, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := in_session(sid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def many_releases(project, count=8):
    body = "\n\n".join(f"Paragraph {i}: the clinics saw more patients this week than in any "
                       f"week since they opened, staff said." for i in range(40))
    for day in range(1, count + 1):
        project.release(f"2024-03-{day:02d}-clinic-report", title=f"Clinic report {day}",
                        date=f"2024-03-{day:02d}", body=body)


def start_build(project) -> subprocess.Popen:
    return subprocess.Popen([str(PRESSKIT), "--project", str(project.root), "build",
                             "--jobs", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def test_a_build_leaves_nothing_running(project):
    many_releases(project, 4)
    build = start_build(project)
    assert build.wait(timeout=120) == 0, build.stderr.read()
    assert gone_within(build.pid, 2) == []


def test_a_failed_build_leaves_nothing_running(project):
    many_releases(project, 4)
    project.write("releases/2024-03-04-clinic-report.yaml", "title: no date, no body\n")
    build = start_build(project)
    assert build.wait(timeout=120) == 1
    assert gone_within(build.pid, 4) == []


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_build_takes_its_workers_with_it(project, how):
    from pypdf import PdfReader

    many_releases(project)
    build = start_build(project)
    deadline = time.monotonic() + 60
    while len(in_session(build.pid)) < 3 and time.monotonic() < deadline:   # workers at work
        time.sleep(0.05)
    assert len(in_session(build.pid)) >= 3, "the build never started its workers"
    os.kill(build.pid, how)
    build.wait(timeout=30)
    assert gone_within(build.pid, 4) == []
    for pdf in (project.root / "dist" / "releases").glob("*.pdf"):
        assert len(PdfReader(pdf).pages) >= 1, pdf     # whole, or not there at all
