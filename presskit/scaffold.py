"""`presskit init`: a new project that checks, builds and sends (--dry-run) as it is.

The files come from presskit/scaffold/ (package data): an invented organization at
example.org, one release dated today, a media list and a commented presskit.yaml (its sender
at example.org too, so that `send --dry-run` works at once). Nothing in an existing project is
ever overwritten.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .errors import PresskitError
from .files import relative_to_cwd
from .model import enclosing_project

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
RELEASE_WORDS = "mobile-library-opens"
# The invented organization of scaffold/organization.yaml (lint tells of it left in the sender).
SCAFFOLD_ORGANIZATION = "Harbourlight Literacy Network"
# Any of these means the folder already holds a project: refuse rather than mix two.
PROJECT_MARKERS = ("organization.yaml", "presskit.yaml", "releases")


def scaffold_files(today: dt.date) -> dict[str, bytes]:
    """Relative path -> content of every file a new project gets."""
    files: dict[str, bytes] = {}
    for source in sorted(SCAFFOLD.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        relative = source.relative_to(SCAFFOLD).as_posix()
        data = source.read_bytes()
        if relative == "releases/release.yaml":
            relative = f"releases/{today.isoformat()}-{RELEASE_WORDS}.yaml"
            data = data.replace(b"__DATE__", today.isoformat().encode("ascii"))
        elif relative in ("gitignore", "gitattributes"):
            # Stored without the dot so packaging tools and this repository's git do not read
            # them as their own.
            relative = "." + relative
        files[relative] = data
    return files


def init_project(target: Path | str, today: dt.date | None = None) -> list[Path]:
    """Write a new project into `target` (created if needed); return the files written.

    Raises PresskitError when the folder already holds a project or is not a folder.
    """
    target = Path(target)
    for folder in (target, *target.parents):
        if folder.exists() and not folder.is_dir():
            raise PresskitError(f"{folder}: exists and is not a folder")
    inside = enclosing_project(target)
    if inside:
        raise PresskitError(f"{target}: this is the {inside[1]}/ folder of the project in "
                            f"{relative_to_cwd(inside[0])}; a new project goes in a folder of "
                            f"its own")
    found = [name for name in PROJECT_MARKERS if (target / name).exists()]
    if found:
        raise PresskitError(f"{target / found[0]}: this folder already holds a presskit "
                            f"project; choose a new or empty folder")
    files = scaffold_files(today or dt.date.today())
    clashes = [name for name in files if (target / name).exists()]
    if clashes:
        raise PresskitError(f"{target / clashes[0]}: already exists; presskit init "
                            f"overwrites nothing")
    written = []
    for relative, data in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written
