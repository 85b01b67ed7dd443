"""Where templates and styles come from: the project's own first, then the built-in theme."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import BuildError
from .files import Resolved, read_bytes_inside


@lru_cache(maxsize=1)
def builtin_root() -> Path:
    """The built-in theme: inside the installed package, or the source checkout's root."""
    packaged = Path(__file__).resolve().parent / "theme"
    if (packaged / "templates").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


def readable_roots(project_root: Path) -> tuple[Path, ...]:
    """The folders a render may read files from: the project, and the built-in theme's own
    templates and styles (in a source checkout its root is the whole repository, .git and
    all, which no template may reach). Resolved here, once, for the many files checked
    against them."""
    return Resolved((project_root, builtin_root() / "templates", builtin_root() / "styles"))


def search_path(project_root: Path, kind: str) -> list[Path]:
    """Folders searched for a template or stylesheet, the project's first.

    The project's folder is listed even before it exists, so that a long-running process
    (the preview server, a test) sees a template added later.
    """
    folders = [project_root / kind, builtin_root() / kind]
    unique: list[Path] = []
    for folder in folders:
        if folder.resolve() not in [u.resolve() for u in unique]:
            unique.append(folder)
    return unique


def find(project_root: Path, kind: str, name: str) -> Path:
    for folder in search_path(project_root, kind):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise BuildError(f"{project_root / kind / name}: no such {kind[:-1]} in the project "
                     f"or the built-in theme")


@dataclass(frozen=True)
class Sheet:
    """A stylesheet for a page template: its text, and where a project's own came from
    ('styles/release.css', relative to the project), so that WeasyPrint's warnings about it
    can name the file (pdf.StyleSheets); empty for the built-in theme's."""

    source: str
    text: str

    @property
    def inline(self):
        """The sheet as its <style> element holds it (base.html): the same text in every
        document and in the workers' warm-up page, whose parse they reuse (pdf.StyleSheets)."""
        return self.text + "\n" + (f"/*# sourceURL={self.source} */\n" if self.source else "")


def style_sheets(project_root: Path, *names: str) -> list[Sheet]:
    builtin = (builtin_root() / "styles").resolve()
    sheets = []
    for name in names:
        path = find(project_root, "styles", name)
        own = path.parent.resolve() != builtin   # the sample project's styles are the theme's
        text = read_bytes_inside(readable_roots(project_root), path).decode("utf-8")
        sheets.append(Sheet(f"styles/{name}" if own else "", text))
    return sheets
