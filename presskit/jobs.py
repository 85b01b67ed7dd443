"""Render PDFs in the main process or on warm worker processes, one release a job.

Importing WeasyPrint and loading fonts costs more than laying out a two-page release, so it is
paid once per build, not once per worker: on Linux a fork server (multiprocessing's
"forkserver", with presskit.preload as its preload module; a fork of the build itself where
presskit knows that server, see _fork_server) is started before the project is read, imports
WeasyPrint and lays out a page while the main process parses YAML and renders the
HTML on the other core, and then forks every worker already warm. Each worker renders release
after release with the same font configuration and parsed theme stylesheet (pdf.font_config,
pdf.STYLESHEETS). A document's bytes depend only on its HTML, never on what the process
rendered before, so the output is the same whatever the number of workers.
"""
from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import BuildError, PresskitError

# Exercises what a release uses (bold, italic, a heading, a list, margin boxes, page counters),
# so the one-time costs of fonts and of WeasyPrint's C bindings are paid before the first job.
WARM_UP_BODY = """<header class="letterhead"><p class="org-name">Warm-up</p></header>
<p class="release-line"><span class="label">For immediate release</span></p>
<h1 class="headline">Warm-up — “quoted”</h1><p class="subheadline">Sub</p>
<div class="body"><p><span class="dateline">Place</span> — Lorem <b>ipsum</b> <i>dolor</i>
<a href="mailto:a@example.org">sit</a> amet, hyphenation everywhere.</p><ul><li>one</li></ul>
<blockquote><p>Quoted text.</p></blockquote></div>"""


def warm_up_html(root: Path | None = None) -> str:
    """A small page in the release style of project `root` (else the built-in one), so that
    warming up loads the very fonts and hyphenation dictionary a release uses, and parses the
    very stylesheet its releases carry, which every worker then reuses (pdf.StyleSheets)."""
    from .theme import Sheet, builtin_root, style_sheets

    try:
        sheets = style_sheets(root, "release.css") if root else [Sheet("", (
            builtin_root() / "styles" / "release.css").read_text(encoding="utf-8"))]
    except (OSError, PresskitError):
        sheets = []
    styles = "".join(f"<style>{sheet.inline}</style>" for sheet in sheets)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{styles}<style>'
            f'@page {{ @bottom-right {{ content: "Page " counter(page) " of " counter(pages) }} }}'
            f'</style></head><body>{WARM_UP_BODY}</body></html>')


@dataclass(frozen=True)
class Job:
    """One PDF to render: its HTML, and where relative URLs resolve and may read from."""

    slug: str
    html: str
    base: Path
    roots: tuple[Path, ...]


@dataclass
class Outcome:
    """A rendered job: the PDF bytes and WeasyPrint's warnings, or the error that stopped it."""

    job: Job
    data: bytes = b""
    warnings: list[str] | None = None
    error: PresskitError | None = None
    background: bool = False      # rendered by the project's background renderer (renderer.py)


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def render_job(job: Job) -> Outcome:
    """Render one PDF (in whichever process calls it)."""
    from .pdf import render_pdf

    warnings: list[str] = []
    try:
        data = render_pdf(job.html, job.base, job.roots, warnings=warnings)
    except PresskitError as exc:
        return Outcome(Job(job.slug, "", job.base, job.roots), error=exc, warnings=warnings)
    # The HTML goes back empty: the main process has it, and pickling it back is wasted time.
    return Outcome(Job(job.slug, "", job.base, job.roots), data, warnings)


_warm = False
# The project whose builds a fork server warms up for (set in the fork, see _fork_server).
_warm_root: Path | None = None


def warm_worker() -> None:
    """A worker's initializer: import WeasyPrint, load fonts, lay out one small page (once a
    process: a worker forked from a warm fork server starts warm)."""
    global _warm
    # Ctrl-C reaches the whole process group; the main process alone decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _warm:
        return
    from .pdf import import_engine, render_pdf
    from .theme import readable_roots

    import_engine()
    warmed = False
    if _warm_root is not None:
        try:
            warmed = bool(render_pdf(warm_up_html(_warm_root), _warm_root,
                                     readable_roots(_warm_root)))
        except PresskitError:   # a project's own sheet failing: its releases will say so
            pass
    if not warmed:
        render_pdf(warm_up_html(), Path.cwd(), (Path.cwd(),))
    # What is loaded now lives as long as the worker: keep the collector from scanning it again
    # and again (a few per cent of a layout), and collect less often.
    gc.freeze()
    gc.set_threshold(20000, 50, 100)
    _warm = True


def _ready() -> int:
    return os.getpid()


class InlineRenderer:
    """Renders in this process, one job after another: for one job, or --jobs 1."""

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        for job in jobs:
            outcome = render_job(job)
            outcome.job = job
            yield outcome

    def close(self, abort: bool = False) -> None:
        pass


def _context(root: Path | None = None):
    """Where workers come from: forked from this process when it has WeasyPrint warm already
    (the background renderer), else from a fork server that warms up once (for project
    `root`), on Linux; spawned elsewhere."""
    import multiprocessing

    if not sys.platform.startswith("linux"):
        return multiprocessing.get_context()
    if _warm:
        return multiprocessing.get_context("fork")
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    try:
        # Starts the server without waiting for it: it warms up while this process goes on.
        # Started already, it is reused: warm, since a previous build.
        if not _fork_server(root):
            forkserver.ensure_running()   # a new interpreter
    except OSError:   # no Unix socket to be had: each worker warms up by itself
        return multiprocessing.get_context("fork")
    return context


PRELOAD = "presskit.engine.preload"
# forkserver.main's parameters where the server takes no authentication key (3.11 to 3.13).
_SERVER_MAIN = ["listener_fd", "alive_r", "preload", "main_path", "sys_path"]


def _fork_server(root: Path | None = None) -> bool:
    """Start multiprocessing's fork server as a fork of this process, not a new interpreter,
    warming up for the builds of project `root`.

    ensure_running() starts a new Python that imports multiprocessing before it begins on
    WeasyPrint: about 90 ms here, all of it on the critical path of a cold build. A fork of
    this process is there at once, and it runs the server multiprocessing would run
    (forkserver.main, on a socket and pipe made as ensure_running makes them), so workers come
    from it exactly as before. Done only where that server's parameters are the ones known here,
    and only from a process with no other thread (a fork copies no thread, and one might hold a
    lock); otherwise False, and the caller starts the server the usual way.
    """
    global _warm_root
    import inspect
    import socket
    import threading
    from multiprocessing import connection, forkserver, resource_tracker, util

    server = forkserver._forkserver
    try:
        known = list(inspect.signature(forkserver.main).parameters) == _SERVER_MAIN
    except (TypeError, ValueError):
        known = False
    if (not known or threading.active_count() > 1 or not hasattr(os, "fork")
            or not all(hasattr(server, name) for name in
                       ("_forkserver_pid", "_forkserver_address", "_forkserver_alive_fd"))):
        return False
    with server._lock:
        if server._forkserver_pid is not None:
            pid, _ = os.waitpid(server._forkserver_pid, os.WNOHANG)
            if not pid:
                return True   # running, and warm since the build that started it
            _forget_fork_server(server)   # it died: a new one below
        # As ensure_running does first: the workers' semaphores are registered with it.
        resource_tracker.ensure_running()
        with socket.socket(socket.AF_UNIX) as listener:
            address = connection.arbitrary_address("AF_UNIX")
            listener.bind(address)
            if not util.is_abstract_socket_namespace(address):
                os.chmod(address, 0o600)
            listener.listen()
            alive_r, alive_w = os.pipe()
            # What this process has buffered would otherwise be written again by every worker
            # (multiprocessing flushes them so before each fork of its own).
            util._flush_std_streams()
            pid = os.fork()
            if pid == 0:
                _warm_root = root
                try:
                    os.close(alive_w)   # the server ends when every client has closed it
                    forkserver.main(listener.fileno(), alive_r, [PRELOAD])
                finally:
                    os._exit(0)   # never back into the command that forked it
            os.close(alive_r)
        server._forkserver_address = address
        server._forkserver_alive_fd = alive_w
        server._forkserver_pid = pid
    return True


class PoolRenderer:
    """Renders on `processes` warm worker processes; outcomes come back as they finish."""

    def __init__(self, processes: int, initializer=None, root: Path | None = None):
        # Imported here: a build the background renderer serves needs no pool of its own.
        from concurrent.futures import ProcessPoolExecutor

        context = _context(root)
        self.executor = ProcessPoolExecutor(processes, mp_context=context,
                                            initializer=initializer or warm_worker)
        method = context.get_start_method()
        self.forked_by_server = method == "forkserver"
        if method == "fork":
            # The first submission starts every worker now, not when the first real job comes.
            # (Workers from a fork server start with the first jobs, once it is warm.)
            self.executor.submit(_ready)

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pending = {self.executor.submit(render_job, job): job for job in jobs}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        raise BuildError(f"{job.base}: a worker process died while rendering "
                                         f"{job.slug} (out of memory?); try --jobs 1") from None
                    outcome.job = job
                    yield outcome
        finally:
            for future in pending:
                future.cancel()

    def close(self, abort: bool = False) -> None:
        """Stop the workers: after their jobs, or at once when the build failed (`abort`),
        so that a typo in a release is reported without waiting for WeasyPrint to load."""
        if abort:
            for process in list(getattr(self.executor, "_processes", {}).values()):
                process.terminate()
        self.executor.shutdown(wait=True, cancel_futures=True)
        if abort and self.forked_by_server:
            _stop_fork_server()


def _stop_fork_server() -> None:
    """Stop the fork server at once (it may still be loading WeasyPrint for nothing) and forget
    it, so that the next pool starts a new one. multiprocessing has no public way to do this
    (3.12's private _stop() waits for the server to finish loading)."""
    from multiprocessing import forkserver

    server = forkserver._forkserver
    with getattr(server, "_lock", contextlib.nullcontext()):
        pid = getattr(server, "_forkserver_pid", None)
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except OSError:
            pass
        _forget_fork_server(server)


def _forget_fork_server(server) -> None:
    """Let go of a fork server that is gone (its pid reaped): its pipe, its socket file, and
    multiprocessing's note of it. The caller holds the server's lock."""
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
    address = getattr(server, "_forkserver_address", None)
    if isinstance(address, str) and address and not address.startswith("\0"):
        Path(address).unlink(missing_ok=True)   # a socket file, not an abstract address
    server._forkserver_pid = None
    server._forkserver_alive_fd = None
    server._forkserver_address = None


def renderer_for(count: int, jobs: int | None,
                 root: Path | None = None) -> InlineRenderer | PoolRenderer:
    """A pool of min(jobs, count) warm workers (for project `root`), or the main process when
    that is one."""
    processes = min(count, jobs or default_jobs())
    return PoolRenderer(processes, root=root) if processes > 1 else InlineRenderer()
