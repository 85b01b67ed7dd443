"""Small helpers about files that every stage uses: paths as the user would type them, writes
that never leave half a file, and the user's cache folder."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def display_path(path: os.PathLike | str) -> str:
    """The path as a user would type it: relative to the current folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def relative_to_cwd(path: Path) -> str:
    """`path` as the user would type it from here: '..' rather than /home/.../project."""
    try:
        return os.path.relpath(path)
    except ValueError:   # another drive, on Windows
        return str(path)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_folder() -> Path:
    """The user's cache folder, $XDG_CACHE_HOME/presskit or ~/.cache/presskit, where presskit
    keeps what is the same for every project on a machine (compiled templates, parsed C
    declarations). Each file there is named or checked by what it was made from, so a stale
    one is never used, only replaced."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "presskit"
