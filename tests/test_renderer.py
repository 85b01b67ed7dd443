"""The warm background renderer (presskit/renderer.py): used by the next build, byte-identical,
never in the way when it dies, gone when idle or when its project's .presskit/ is deleted.

Every renderer a test starts is stopped by the `warm` fixture's teardown; waits below are
bounds on how long to wait for something, never assertions about speed.
"""
from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from presskit import renderer
from presskit.build import build_project
from presskit.cache import Fingerprints
from presskit.jobs import Job

from conftest import run

SLUG = "2024-03-05-clinics-open"
OTHER = "2024-04-02-second-clinic"
WAIT = 60.0   # generous: the machine is shared, and a renderer's warm-up is a second or two


class Warm:
    """Turns the renderer on for one test and remembers what to stop afterwards."""

    def __init__(self, monkeypatch):
        monkeypatch.setenv("PRESSKIT_RENDERER", "on")
        self.roots: list[Path] = []
        self.pids: set[int] = set()

    def ready(self, root: Path) -> int:
        root = root.resolve()
        self.roots.append(root)
        pid = renderer.wait_ready(root, Fingerprints(root), timeout=WAIT)
        assert pid is not None, "no renderer came up"
        self.pids.add(pid)
        return pid

    def stop_all(self) -> None:
        for root in self.roots:
            renderer.stop(root)
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _exited(pid, 5.0)


@pytest.fixture
def warm(monkeypatch):
    helper = Warm(monkeypatch)
    yield helper
    helper.stop_all()


def _exited(pid: int, timeout: float = WAIT) -> bool:
    """Wait for a renderer this process started (the builds run in-process) to exit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return True
        if done == pid:
            return True
        time.sleep(0.05)
    return False


def _children() -> set[int]:
    pids: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        pids.update(int(p) for p in (task / "children").read_text().split())
    return pids


def _pdfs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "dist" / "releases").glob("*.pdf"))}


def test_an_edit_is_rendered_by_the_warm_renderer_with_the_same_bytes(project, warm):
    project.release(OTHER, title="A second clinic opens")
    first = build_project(project.root)
    assert [r.background for r in first] == [False, False]
    warm.ready(project.root)

    project.release(title="Mobile clinics open at the northern and eastern crossings")
    edited = build_project(project.root)
    assert [(r.slug, r.built, r.background) for r in edited] == [
        (SLUG, True, True), (OTHER, False, False)]

    project.release(title="Mobile clinics open at three crossings")
    project.release(OTHER, title="A second clinic opens in the east")
    both = build_project(project.root, jobs=2)   # on the renderer's own warm workers
    assert [(r.built, r.background) for r in both] == [(True, True), (True, True)]
    warm_pdfs = _pdfs(project.root)

    cold = build_project(project.root, force=True, warm_renderer=False)
    assert [r.background for r in cold] == [False, False]
    assert _pdfs(project.root) == warm_pdfs


def test_the_renderer_reads_the_project_itself_and_reports_bad_input_as_a_build_here_would(
        project, warm):
    """A build hands the renderer the whole job (read, validate, HTML, PDF): its errors must be
    the same lines and exit status, with nothing written, and --html the same file."""
    from presskit.errors import PresskitError

    project.release(OTHER, title="A second clinic opens")
    build_project(project.root)
    warm.ready(project.root)
    before = _pdfs(project.root)

    project.write(f"releases/{OTHER}.yaml", "title: No date\nheadline: twice named\n")
    with pytest.raises(PresskitError) as remote:
        build_project(project.root)
    with pytest.raises(PresskitError) as local:
        build_project(project.root, warm_renderer=False)
    assert remote.value.lines() == local.value.lines()
    assert f"releases/{OTHER}.yaml:1:1:" in "\n".join(remote.value.lines())
    assert _pdfs(project.root) == before
    # A release named is built while the other is broken, by the renderer too.
    project.release(title="Mobile clinics open at the eastern crossing")
    named = build_project(project.root, [SLUG])
    assert [(r.slug, r.built, r.background) for r in named] == [(SLUG, True, True)]
    before = _pdfs(project.root)
    result = run("build", project_dir=project.root)
    assert result.exit_code == 1 and "Traceback" not in result.stderr

    project.release(OTHER, title="A second clinic opens at last")
    results = build_project(project.root, write_html=True)
    assert [(r.built, r.background) for r in results] == [(False, False), (True, True)]
    html = (project.root / "dist" / "releases" / f"{OTHER}.html").read_text(encoding="utf-8")
    pdf = _pdfs(project.root)[f"{OTHER}.pdf"]
    build_project(project.root, [OTHER], force=True, write_html=True, warm_renderer=False)
    assert (project.root / "dist" / "releases" / f"{OTHER}.html").read_text(
        encoding="utf-8") == html
    assert _pdfs(project.root)[f"{OTHER}.pdf"] == pdf


def test_a_renderer_killed_mid_build_leaves_a_normal_build(project, warm, monkeypatch):
    project.release(OTHER, title="A second clinic opens")
    build_project(project.root)
    pid = warm.ready(project.root)
    project.release(title="Edited once")
    project.release(OTHER, title="Edited too")

    original = renderer.RemoteRenderer.build

    def killed_after_the_first(self, slugs, write_html, only=None):
        for number, item in enumerate(original(self, slugs, write_html, only)):
            if number == 1:          # after the inputs, the first PDF
                os.kill(self.pid, signal.SIGKILL)
                assert _exited(self.pid)
            yield item

    monkeypatch.setattr(renderer.RemoteRenderer, "build", killed_after_the_first)
    results = build_project(project.root, jobs=1)
    assert [r.built for r in results] == [True, True]
    assert results[0].background   # the second may have been on its way when the kill came
    monkeypatch.undo()
    monkeypatch.setenv("PRESSKIT_RENDERER", "on")
    built = _pdfs(project.root)
    build_project(project.root, force=True, warm_renderer=False)
    assert _pdfs(project.root) == built

    # The build that fell back started a new renderer; killed, it leaves a socket file that
    # the next client removes, and that build renders by itself.
    new = warm.ready(project.root)
    assert new != pid
    os.kill(new, signal.SIGKILL)
    assert _exited(new)
    assert renderer.socket_path(project.root).exists()
    project.release(title="Edited twice")
    results = build_project(project.root, warm_renderer=True)
    assert [(r.built, r.background) for r in results] == [(True, False), (False, False)]
    warm.ready(project.root)


def test_an_idle_renderer_exits_by_itself(project, warm, monkeypatch):
    monkeypatch.setenv("PRESSKIT_RENDERER_IDLE", "1")
    build_project(project.root)
    pid = warm.ready(project.root)
    assert _exited(pid)
    assert not renderer.socket_path(project.root).exists()


def test_deleting_presskit_folder_stops_the_renderer(project, warm):
    build_project(project.root)
    pid = warm.ready(project.root)
    shutil.rmtree(project.root / ".presskit")
    assert _exited(pid)


def test_a_different_presskit_makes_the_renderer_exit(project, warm):
    build_project(project.root)
    pid = warm.ready(project.root)

    class Newer(Fingerprints):
        def engine(self) -> str:
            return "a presskit with other rendering code"

    assert renderer.connect(project.root, Newer(project.root.resolve())) is None
    assert _exited(pid)


def test_never_two_renderers_for_one_project(project, warm):
    build_project(project.root, warm_renderer=False)
    root = project.root.resolve()
    first, second = renderer.start(root), renderer.start(root)   # the lock is not taken yet
    warm.pids.update({first.pid, second.pid})
    deadline = time.monotonic() + WAIT
    while first.poll() is None and second.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [first.poll(), second.poll()].count(None) == 1   # the other found the lock taken
    live = first if first.poll() is None else second
    assert warm.ready(root) == live.pid
    assert renderer.start(root) is None   # a live renderer: nothing is started


def test_the_socket_widens_no_confinement(project, warm):
    build_project(project.root)
    warm.ready(project.root)
    root = project.root.resolve()
    assert os.stat(renderer.socket_path(root)).st_mode & 0o777 == 0o600
    remote = renderer.connect(root, Fingerprints(root))
    assert remote is not None
    job = Job(SLUG, "<p>x</p>", root, (Path("/"),))
    try:
        outcomes = list(remote.run([job]))
    finally:
        remote.close()
    # Refused by the renderer, rendered here instead, with the confinement the build asked for.
    assert [(o.job.slug, o.background, o.error) for o in outcomes] == [(SLUG, False, None)]
    assert outcomes[0].data.startswith(b"%PDF")


def test_no_renderer_when_off_or_asked_not_to(project, warm, monkeypatch):
    before = _children()
    result = run("build", "--no-renderer", project_dir=project.root)
    assert result.exit_code == 0
    monkeypatch.setenv("PRESSKIT_RENDERER", "off")
    project.release(title="Edited")
    assert [r.built for r in build_project(project.root)] == [True]
    assert _children() == before
    assert not renderer.socket_path(project.root).exists()
    assert renderer.connect(project.root, Fingerprints(project.root.resolve())) is None


def test_quiet_after_the_command_name(project):
    result = run("build", "-q", project_dir=project.root)
    assert result.exit_code == 0
    assert result.output == ""
    assert (project.root / "dist" / "releases" / f"{SLUG}.pdf").exists()
    for command in ("kit", "send"):
        assert "-q, --quiet" in run(command, "--help").output
