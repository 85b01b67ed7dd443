"""The job runners: render PDFs in this process, or on warm worker processes, one release a job.

Importing WeasyPrint and loading fonts costs more than laying out a two-page release, so on
Linux it is paid once a build: the workers are forked from multiprocessing's fork server,
which imports the engine and lays out a page (engine/preload.py) while this process reads the
YAML and renders the HTML. A document's bytes depend only on its HTML, never on what the
process rendered before, so the output is the same whatever the number of workers.

No worker outlives the build: each has a pipe to this process and ends when it closes, and on
Linux is killed with its parent (the fork server, which itself ends when this process does),
so a build killed with SIGKILL or SIGTERM leaves nothing running.
"""
from __future__ import annotations

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
<a href="mailto:a@example.org">sit</a> amet, words everywhere.</p><ul><li>one</li></ul>
<blockquote><p>Quoted text.</p></blockquote></div>"""
PRELOAD = "presskit.engine.preload"


def warm_up_html() -> str:
    """A small page in the built-in release style, so that warming up loads the very fonts a
    release uses."""
    from .theme import builtin_root

    try:
        css = (builtin_root() / "styles" / "release.css").read_text(encoding="utf-8")
    except OSError:
        css = ""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{css}</style>'
            f'<style>@page {{ @bottom-right {{ content: "Page " counter(page) " of " '
            f'counter(pages) }} }}</style></head><body>{WARM_UP_BODY}</body></html>')


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
    html: str = ""     # the HTML as laid out, when placing its photos changed it
    placements: dict | None = None   # placement.Placement.to_json() by article id


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def render_job(job: Job) -> Outcome:
    """Render one PDF (in whichever process calls it)."""
    from .pdf import render_pdf
    from .placement import Placing

    warnings: list[str] = []
    placing = Placing()
    bare = Job(job.slug, "", job.base, job.roots)   # the caller has the HTML already
    try:
        data = render_pdf(job.html, job.base, job.roots, warnings=warnings, placing=placing)
    except PresskitError as exc:
        return Outcome(bare, error=exc, warnings=warnings)
    # The HTML as its photos were placed, when that moved anything (--html writes it), and
    # the decisions, for a kit to take.
    return Outcome(bare, data, warnings, html=placing.html if placing.html != job.html else "",
                   placements={name: placement.to_json()
                               for name, placement in placing.decided.items()})


_warm = False


def warm_up(html: str | None = None, base: Path | None = None,
            roots: tuple[Path, ...] | None = None) -> None:
    """Import WeasyPrint, load fonts, lay out one page: once a process (a worker forked from a
    warm fork server starts warm). The page is a small one in the built-in style, or `html`:
    a project's own release warms its templates, stylesheets and fonts too."""
    global _warm
    if _warm:
        return
    from .pdf import import_engine, render_pdf

    import_engine()
    if html is None:
        html, base, roots = warm_up_html(), Path.cwd(), (Path.cwd(),)
    render_pdf(html, base, roots)
    # What is loaded now lives as long as the process: keep the collector from scanning it
    # again and again, and collect less often.
    gc.freeze()
    gc.set_threshold(20000, 50, 100)
    _warm = True


class InlineRunner:
    """Renders in this process, one job after another: for one job, --jobs 1, the preview."""

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        for job in jobs:
            outcome = render_job(job)
            outcome.job = job
            yield outcome

    def close(self, abort: bool = False) -> None:
        pass


def _context():
    """Workers forked from a warm fork server on Linux; spawned (each warming up) elsewhere."""
    import multiprocessing

    if not sys.platform.startswith("linux"):
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    return context


def _worker(connection) -> None:
    """A worker's life: render each job it is handed until its pipe closes."""
    from .engine import die_with_parent

    die_with_parent()
    # Ctrl-C reaches the whole process group; the build alone decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up()
    try:
        while True:
            job = connection.recv()
            connection.send(render_job(job))
    except (EOFError, OSError):   # the build is over, or gone
        pass


class PoolRunner:
    """Renders on `processes` warm worker processes; outcomes come back as they finish.

    The workers are started by a thread of this process, which waits for the fork server to
    be warm while this process goes on reading the project."""

    def __init__(self, processes: int):
        import threading

        self.workers: list = []
        self._aborted = threading.Event()
        self._starter = threading.Thread(target=self._start, args=(processes,), daemon=True,
                                         name="presskit-workers")
        self._starter.start()

    def _start(self, processes: int) -> None:
        context = _context()
        for _ in range(processes):
            mine, theirs = context.Pipe()
            try:
                process = context.Process(target=_worker, args=(theirs,), daemon=True,
                                          name="presskit-worker")
                process.start()
            except OSError:       # no process to be had: run() renders with those there are
                mine.close()
                break
            finally:
                theirs.close()
            self.workers.append((process, mine))
            if self._aborted.is_set():
                break
        if self._aborted.is_set():
            self._stop(kill=True)

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        from multiprocessing.connection import wait

        waiting = list(jobs)
        busy: dict[object, Job] = {}            # connection -> the job it renders
        self._starter.join()
        if not self.workers:
            yield from InlineRunner().run(waiting)
            return

        def hand_out() -> None:
            for _, connection in self.workers:
                if waiting and connection not in busy:
                    busy[connection] = waiting.pop(0)
                    connection.send(busy[connection])

        hand_out()
        while busy:
            sentinels = {process.sentinel: connection for process, connection in self.workers}
            for ready in wait(list(busy) + list(sentinels)):
                connection = sentinels.get(ready, ready)
                if connection not in busy:
                    continue
                job = busy.pop(connection)
                try:
                    outcome = connection.recv()
                except (EOFError, OSError):
                    raise BuildError(f"{job.base}: a worker process died while rendering "
                                     f"{job.slug} (out of memory?); try --jobs 1") from None
                outcome.job = job
                hand_out()
                yield outcome

    def close(self, abort: bool = False) -> None:
        """Stop the workers: after their jobs, or at once when the build failed (`abort`),
        so that a typo in a release is reported without waiting for WeasyPrint to load (the
        workers still starting are stopped as they come)."""
        if abort:
            self._aborted.set()
            if self._starter.is_alive():
                return
        else:
            self._starter.join()
        self._stop(kill=abort)

    def _stop(self, kill: bool) -> None:
        for process, connection in self.workers:
            connection.close()
            if kill:
                process.kill()
        for process, _ in self.workers:
            process.join()


def in_worker(function, *args, nice: int = 0):
    """function(*args) in a worker process started warm (as PoolRunner's are), at `nice`
    priority; its result, or the PresskitError it raised. The worker ends with the call."""
    context = _context()
    mine, theirs = context.Pipe()
    process = context.Process(target=_call, args=(theirs, function, args, nice), daemon=True,
                              name="presskit-worker")
    process.start()
    theirs.close()
    try:
        failed, value = mine.recv()
    except (EOFError, OSError):
        raise BuildError(f"{function.__name__}: a worker process died (out of memory?)") from None
    finally:
        mine.close()
        process.join()
    if failed:
        raise PresskitError("\n".join(value))
    return value


def _call(connection, function, args, nice: int) -> None:
    from .engine import die_with_parent

    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(nice)
    warm_up()
    try:
        result = (False, function(*args))
    except PresskitError as exc:
        result = (True, exc.lines())   # the lines: an error's own arguments may not pickle
    connection.send(result)


def runner_for(count: int, jobs: int | None) -> InlineRunner | PoolRunner:
    """A pool of min(jobs, count) warm workers, or this process when that is one."""
    processes = min(count, jobs or default_jobs())
    return PoolRunner(processes) if processes > 1 else InlineRunner()
