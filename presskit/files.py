"""Small helpers about files that every stage uses: paths as the user would type them, writes
that never leave half a file, the user's cache folder, and the confinement of every read and
write to the project.

A project is shared (in git, by colleagues, by contributors): a symlink in it may lead anywhere
on the machine of whoever runs presskit. Every file presskit reads or writes in a project goes
through `inside`, which resolves it and refuses one that leads out, naming the link and never
quoting what is behind it."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import FileTooLarge, OutsideProject


def display_path(path: os.PathLike | str) -> str:
    """The path as a user would type it: relative to the current folder when inside it. Its
    last part is not followed: a link is named as the link (media/env.csv), not its target."""
    path = Path(path)
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def relative_to_cwd(path: Path) -> str:
    """`path` as the user would type it from here: '..' rather than /home/.../project."""
    try:
        return os.path.relpath(path)
    except ValueError:   # another drive, on Windows
        return str(path)


class Resolved(tuple):
    """Folders already resolved, for `inside` to check many paths against without resolving
    them again each time (a build checks every file it reads)."""

    def __new__(cls, roots: Iterable[os.PathLike | str]):
        return super().__new__(cls, (Path(r).resolve() for r in roots))


def inside(roots: Iterable[os.PathLike | str] | os.PathLike | str, path: os.PathLike | str, *,
           writing: bool = False) -> Path:
    """`path` resolved (every symlink followed, as the OS would), if it lies inside one of
    `roots`; otherwise OutsideProject, one line naming `path` as the user wrote it.

    A path that does not exist yet is resolved as far as it exists, so a link on the way
    (dist/releases pointing elsewhere) is caught before anything is written through it."""
    if isinstance(roots, (str, os.PathLike)):
        roots = (roots,)
    path = Path(path)
    resolved_roots = roots if isinstance(roots, Resolved) else Resolved(roots)
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):   # a loop of links
        resolved = None
    if resolved is not None and any(resolved == r or resolved.is_relative_to(r)
                                    for r in resolved_roots):
        return resolved
    kind = "folder" if resolved is not None and resolved.is_dir() else "file"
    what = "writes" if writing else "reads"
    raise OutsideProject(path, f"a link to a {kind} outside the project; presskit {what} "
                               f"nothing outside it")


def read_bytes_inside(roots, path: os.PathLike | str, limit: int | None = None) -> bytes:
    """A file's bytes, once `inside` allows it; with `limit`, a file larger than that many
    bytes is refused before it is read (FileTooLarge)."""
    resolved = inside(roots, path)
    if limit is not None:
        size = resolved.stat().st_size
        if size > limit:
            raise FileTooLarge(path, f"{_megabytes(size)}, more than presskit reads in a file "
                                     f"of this kind ({_megabytes(limit)}); is it the right "
                                     f"file?")
    return resolved.read_bytes()


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} KB"


def write_atomic(path: Path, data: bytes, root: os.PathLike | str | None = None) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written file.

    With `root`, the folder written into must resolve inside it: a dist/ or .presskit/ that is
    a link elsewhere is refused, not written through. (`path` itself being a link is harmless:
    the rename replaces the link, not what it points to.)"""
    if root is not None:
        inside(root, path.parent, writing=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    if root is not None:   # mkdir followed a link that appeared on the way
        inside(root, path.parent, writing=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        if exc.filename is None or exc.filename == tmp:   # a full disk: name the file meant
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def mkdir_inside(root: os.PathLike | str, folder: Path) -> Path:
    """Make `folder` (and its parents) inside `root`; one that is a link leading out is
    refused, before and after (a link could appear among the parents)."""
    inside(root, folder, writing=True)
    folder.mkdir(parents=True, exist_ok=True)
    return inside(root, folder, writing=True)


def confine_outputs(root: os.PathLike | str, *folders: str) -> None:
    """Refuse to go on when a folder presskit writes into (dist/releases, .presskit, ...) is a
    link leading out of the project: a build would delete and write files there."""
    for folder in folders:
        inside(root, Path(root, folder), writing=True)


def cache_folder() -> Path:
    """The user's cache folder, $XDG_CACHE_HOME/presskit or ~/.cache/presskit, where presskit
    keeps what is the same for every project on a machine (compiled templates, parsed C
    declarations). Each file there is named or checked by what it was made from, so a stale
    one is never used, only replaced."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "presskit"
