"""Build release PDFs: render HTML, write PDF, into dist/releases/."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import render, theme
from .load import Project
from .model import Release


@dataclass
class BuildResult:
    slug: str
    pdf: Path
    built: bool = True            # False when the cache said it was up to date
    warnings: list[str] = field(default_factory=list)


def release_pdf_path(project: Project, slug: str) -> Path:
    return project.dist / "releases" / f"{slug}.pdf"


def render_release_pdf(project: Project, release: Release, html: str | None = None,
                       warnings: list[str] | None = None) -> bytes:
    from .pdf import render_pdf

    html = html if html is not None else render.release_html(project, release)
    return render_pdf(html, project.root, (project.root, theme.builtin_root()),
                      warnings=warnings)


def build_release(project: Project, release: Release, *, write_html: bool = False) -> BuildResult:
    """Render one release and write its PDF (and HTML) atomically."""
    from .pdf import write_atomic

    html = render.release_html(project, release)
    warnings: list[str] = []
    data = render_release_pdf(project, release, html, warnings)
    target = release_pdf_path(project, release.slug)
    if write_html:
        write_atomic(target.with_suffix(".html"), html.encode("utf-8"))
    write_atomic(target, data)
    return BuildResult(release.slug, target, True, warnings)


def build_releases(project: Project, slugs: list[str] | None = None, *,
                   write_html: bool = False) -> list[BuildResult]:
    releases = [project.release(s) for s in slugs] if slugs else list(project.releases.values())
    return [build_release(project, r, write_html=write_html) for r in releases]
