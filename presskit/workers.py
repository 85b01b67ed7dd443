"""Render PDFs in the main process or on warm worker processes, one release a job.

Importing WeasyPrint and loading fonts costs more than laying out a two-page release, so each
worker pays it once, in its initializer, and then renders release after release with the same
font configuration and image cache (pdf.font_config is cached per process). Workers are forked
at the start of a build, before the project is read, so they warm up while the main process
parses YAML and renders the HTML. A document's bytes depend only on its HTML, never on what the
process rendered before, so the output is the same whatever the number of workers.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
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


def warm_up_html() -> str:
    """A small page in the built-in release style, so that warming up loads the very fonts and
    hyphenation dictionary a release uses, not the generic serif and sans."""
    from .theme import builtin_root

    try:
        style = (builtin_root() / "styles" / "release.css").read_text(encoding="utf-8")
    except OSError:
        style = ""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{style}'
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


def import_engine() -> None:
    """Import WeasyPrint, skipping its library search by subprocesses where it can.

    WeasyPrint tries names like 'libpango-1.0-0' before 'libpango-1.0.so.0', and cffi asks
    ctypes.util.find_library about each one it cannot open, which runs ldconfig, gcc and ld:
    about 20 processes and a third of a second on every start. On Linux the '.so.N' names it
    also tries open directly, so the search is switched off for the import; should the
    libraries then not load, WeasyPrint is imported again the ordinary way.
    """
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint  # noqa: F401
        return
    import contextlib
    import ctypes.util
    import io

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        # WeasyPrint prints a help text before raising when a library is missing: not now.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: F401
        return
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    import weasyprint  # noqa: F401,F811


def warm_worker() -> None:
    """A worker's initializer: import WeasyPrint, load fonts, lay out one small page."""
    # Ctrl-C reaches the whole process group; the main process alone decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import_engine()
    from .pdf import render_pdf

    render_pdf(warm_up_html(), Path.cwd(), (Path.cwd(),))
    # What is loaded now lives as long as the worker: keep the collector from scanning it again
    # and again (a few per cent of a layout), and collect less often.
    gc.freeze()
    gc.set_threshold(20000, 50, 100)


def _ready() -> int:
    return os.getpid()


class InlineRenderer:
    """Renders in this process, one job after another: for one job, or --jobs 1."""

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        for job in jobs:
            import_engine()  # only when there is something to render: cheap after the first
            outcome = render_job(job)
            outcome.job = job
            yield outcome

    def close(self, abort: bool = False) -> None:
        pass


class PoolRenderer:
    """Renders on `processes` warm worker processes; outcomes come back as they finish."""

    def __init__(self, processes: int):
        method = "fork" if sys.platform.startswith("linux") else None
        self.executor = ProcessPoolExecutor(
            processes, mp_context=multiprocessing.get_context(method), initializer=warm_worker)
        # The first submission starts every worker now, not when the first real job comes.
        self.executor.submit(_ready)

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
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


def renderer_for(count: int, jobs: int | None) -> InlineRenderer | PoolRenderer:
    """A pool of min(jobs, count) warm workers, or the main process when that is one."""
    processes = min(count, jobs or default_jobs())
    return PoolRenderer(processes) if processes > 1 else InlineRenderer()
