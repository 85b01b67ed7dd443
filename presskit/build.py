"""Build release PDFs into dist/releases/: only what changed, on every core.

build_project() is what `presskit build` runs, top to bottom:
1. list releases/ and read the build cache (cache.py); remove the PDF and HTML of releases
   whose file is gone;
2. decide from content digests which PDFs are stale, without parsing any YAML: a build with
   nothing to do stops here;
3. start the job runner (jobs.py: warm workers when two or more PDFs are to be rendered), then
   read and validate the project and render the HTML of every stale release, so that a data or
   template error stops the build before any PDF is written;
4. render the PDFs, longest first so the workers finish together, and write each one (and its
   cache entry) as it arrives.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import theme
from .cache import BuildCache, Entry, Fingerprints, file_stamp, release_inputs
from .errors import PresskitError
from .files import confine_outputs
from .model import release_paths
from .progress import Progress

# The shape of a release's slug (load.SLUG_RE, without importing the YAML loader): only files
# of that shape in dist/releases/ are ever removed (a translation's: <slug>.<lang>).
_SLUG_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9][a-z0-9-]*"
                         r"(\.[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$")


@dataclass
class BuildResult:
    slug: str
    pdf: Path
    built: bool = True            # False when the cache said it was up to date
    warnings: list[str] = field(default_factory=list)


def release_pdf_path(root: Path, slug: str) -> Path:
    return root / "dist" / "releases" / f"{slug}.pdf"


def build_project(root: Path | str, slugs: list[str] | None = None, *, jobs: int | None = None,
                  force: bool = False, write_html: bool = False,
                  progress: Progress | None = None) -> list[BuildResult]:
    """Build the PDFs of a project folder's releases (all, or `slugs`) that are not current.

    The YAML is read only when something is to be built, while the workers warm up.
    """
    root = Path(root).resolve()
    # Releases named (with their language versions): the others may be drafts, unchecked.
    only = with_versions(slugs, _release_files(root)) if slugs else None

    def load():
        from .load import load_project  # only now: a build with nothing to do needs no YAML

        return load_project(root, only=only)

    return _build(root, only, load, jobs=jobs, force=force, write_html=write_html,
                  progress=progress)


def build_releases(project, slugs: list[str] | None = None, *, write_html: bool = False,
                   jobs: int | None = None, force: bool = False,
                   progress: Progress | None = None) -> list[BuildResult]:
    """Build the releases of a loaded project (all, or `slugs`) whose PDF is not current."""
    for slug in slugs or []:
        project.release(slug)   # an unknown slug is an error before anything is written
    files = _release_files(project.root)
    selected = [slug for slug in with_versions(slugs, files) if slug in project.releases] \
        if slugs else list(project.releases)
    return _build(project.root, selected, lambda: project, jobs=jobs, force=force,
                  write_html=write_html, progress=progress)


def _build(root: Path, slugs: list[str] | None, get_project, *, jobs: int | None, force: bool,
           write_html: bool, progress: Progress | None) -> list[BuildResult]:
    """Plan, then (when anything is stale) start the runner, read the project and render."""
    from .jobs import runner_for

    confine_outputs(root, "dist/releases", ".presskit")
    progress = progress or Progress(quiet=True)
    # The files on disk, not the releases loaded: a project loaded for one release (send) has
    # the others too, and their PDFs are not to be removed as if they were deleted.
    files = _release_files(root)
    cache = BuildCache.load(root / ".presskit")
    fingerprints = Fingerprints(root)
    removed = _remove_deleted(root, files, cache, progress)
    selected = list(slugs) if slugs else list(files)
    fresh, html_only, stale = _plan(root, selected, files, cache, fingerprints,
                                    force=force, write_html=write_html)
    if files and not html_only and not stale and set(selected) <= set(files):
        # Every input is byte for byte what a validated build saw: nothing to read or render.
        if removed:
            cache.save()
        return [_report_fresh(root, slug, progress) for slug in fresh]

    failures: list[str] = []
    # The workers start first, so they load WeasyPrint while this process reads the YAML; a
    # failure stops them at once, so a typo is reported without waiting for them.
    runner = runner_for(len(stale), jobs)
    try:
        results = _render(get_project(), selected, fresh, html_only, stale, cache,
                          fingerprints, runner, progress, write_html, failures)
    except BaseException:
        runner.close(abort=True)
        raise
    runner.close()
    if failures:
        raise PresskitError("\n".join(failures))
    return results


def with_versions(slugs, files) -> list[str]:
    """The slugs named, each original followed by its language versions (<slug>.<lang>):
    one release in several languages is built as one, so none is left behind."""
    selected: list[str] = []
    for slug in slugs:
        for name in [slug, *(f for f in files if f.startswith(slug + "."))]:
            if name not in selected:
                selected.append(name)
    return selected


def _release_files(root: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(release_paths(root), key=lambda p: p.stem)}


def _outputs(root: Path, slug: str) -> tuple[Path, Path]:
    pdf = release_pdf_path(root, slug)
    return pdf, pdf.with_suffix(".html")


def remove_deleted(root: Path | str, progress: Progress) -> None:
    """Remove what was built of releases whose file is gone, as every build does first (for
    `serve`, which may see a release deleted and build nothing after it)."""
    root = Path(root).resolve()
    confine_outputs(root, "dist/releases", ".presskit")
    cache = BuildCache.load(root / ".presskit")
    if _remove_deleted(root, _release_files(root), cache, progress):
        cache.save()


def _remove_deleted(root: Path, files: dict[str, Path], cache: BuildCache,
                    progress: Progress) -> bool:
    """Remove dist/releases/<slug>.pdf and .html of releases whose file is gone.

    Returns whether anything (a file or a cache entry) was removed.
    """
    gone = [slug for slug in cache.entries if slug not in files]
    for slug in gone:
        del cache.entries[slug]
    removed = bool(gone)
    for path in orphaned_outputs(root, files):
        path.unlink()
        removed = True
        progress.note(f"removed {path.relative_to(root)}")
    return removed


def orphaned_outputs(root: Path, slugs) -> list[Path]:
    """The PDFs and HTML in dist/releases/ of releases not among `slugs` (their file gone)."""
    folder = root / "dist" / "releases"
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.iterdir())
            if path.suffix in (".pdf", ".html") and _SLUG_SHAPE.match(path.stem)
            and path.stem not in slugs and path.is_file()]


def _plan(root: Path, selected: list[str], files: dict[str, Path], cache: BuildCache,
          fingerprints: Fingerprints, *, force: bool, write_html: bool):
    """Split the selected slugs into (fresh, needing only their HTML written, stale)."""
    fresh, html_only, stale = [], [], []
    for slug in selected:
        pdf, html = _outputs(root, slug)
        if force or slug not in files or not cache.is_current(slug, pdf, fingerprints):
            stale.append(slug)
        elif write_html and not cache.html_is_current(slug, html):
            html_only.append(slug)
        else:
            fresh.append(slug)
    return fresh, html_only, stale


def _report_fresh(root: Path, slug: str, progress: Progress) -> BuildResult:
    pdf, _ = _outputs(root, slug)
    progress.note(f"up to date {pdf.relative_to(root)}")
    return BuildResult(slug, pdf, built=False)


def read_releases(project, slugs: list[str]) -> tuple[dict, dict[str, str]]:
    """The releases `slugs` and their HTML, every one before any PDF: a data or template
    error stops the build before anything is written."""
    from . import render

    releases = {slug: project.release(slug) for slug in slugs}
    return releases, {slug: render.release_html(project, releases[slug]) for slug in slugs}


def pdf_jobs(project, htmls: dict[str, str], slugs: list[str]) -> list:
    """The rendering jobs of `slugs`, longest first so that the workers finish together."""
    from .jobs import Job

    roots = theme.readable_roots(project.root)
    return sorted((Job(slug, htmls[slug], project.root, roots) for slug in slugs),
                  key=lambda job: (-len(job.html), job.slug))


def _render(project, selected, fresh, html_only, stale, cache: BuildCache,
            fingerprints: Fingerprints, runner, progress: Progress,
            write_html: bool, failures: list[str]) -> list[BuildResult]:
    """Read the project, render the HTML of `html_only` and `stale`, then the PDFs of `stale`
    with `runner`; per-release rendering errors go to `failures`."""
    from .files import write_atomic

    root = project.root
    results = {slug: _report_fresh(root, slug, progress) for slug in fresh}
    releases, htmls = read_releases(project, html_only + stale)

    for slug in html_only:
        _, html_path = _outputs(root, slug)
        write_atomic(html_path, htmls[slug].encode("utf-8"))
        cache.entries[slug].html = file_stamp(html_path)
        results[slug] = _report_fresh(root, slug, progress)

    jobs = pdf_jobs(project, htmls, stale)
    # Before the first job is handed over, while the workers still warm up: once they render,
    # every moment this process computes is taken from them.
    inputs = {slug: release_inputs(project, releases[slug], fingerprints) for slug in stale}
    for names in inputs.values():
        fingerprints.key(names)
    progress.set_total(len(jobs))
    try:
        for outcome in runner.run(jobs):
            slug = outcome.job.slug
            result = _store(root, outcome,
                            (outcome.html or outcome.job.html) if write_html else None,
                            inputs[slug], cache, fingerprints, progress, failures)
            if result is not None:
                results[slug] = result
    finally:
        cache.save()   # what was built stays built, even if the build was interrupted
    return [results[slug] for slug in selected if slug in results]


def _store(root: Path, outcome, html: str | None, inputs: list[str], cache: BuildCache,
           fingerprints: Fingerprints, progress: Progress,
           failures: list[str]) -> BuildResult | None:
    """Write a rendered release (its PDF, and its HTML when given) and its cache entry; or
    add its error to `failures`."""
    from .files import write_atomic
    from .pdf import warning_line

    slug = outcome.job.slug
    for warning in outcome.warnings or []:
        progress.note_once(warning_line(slug, warning))
    if outcome.error is not None:
        failures.extend(outcome.error.lines())
        progress.advance(slug)
        return None
    pdf, html_path = _outputs(root, slug)
    if html is not None:
        write_atomic(html_path, html.encode("utf-8"))
    else:
        html_path.unlink(missing_ok=True)   # it would no longer match the PDF
    write_atomic(pdf, outcome.data)
    cache.entries[slug] = Entry(fingerprints.key(inputs), inputs, file_stamp(pdf),
                                file_stamp(html_path) if html is not None else None,
                                outcome.placements)
    progress.advance(slug, f"built {pdf.relative_to(root)}")
    return BuildResult(slug, pdf, True, list(outcome.warnings or []))
