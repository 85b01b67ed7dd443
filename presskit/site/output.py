"""The site's files, gathered in memory, then written: only those whose bytes changed.

A static host or a sync tool (rsync, aws s3 sync) uploads what changed on disk; a file written
again with the same bytes would look changed to one that compares times. A file left in
dist/site/ from an earlier build that this build did not make (a release deleted, or held back
again under a new embargo) is removed: nothing stays published that the project does not
publish now.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomic


@dataclass
class SiteFiles:
    """Relative path -> bytes, or a source file to copy (read only when it must be compared)."""

    data: dict[str, bytes] = field(default_factory=dict)
    copies: dict[str, Path] = field(default_factory=dict)

    def add(self, path: str, content: bytes | str) -> None:
        self.data[path] = content.encode("utf-8") if isinstance(content, str) else content

    def copy(self, path: str, source: Path) -> None:
        self.copies[path] = source

    def paths(self) -> list[str]:
        return sorted({*self.data, *self.copies})


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def write_site(files: SiteFiles, target: Path) -> WriteReport:
    """Make `target` hold exactly `files`: write what differs, remove what is not there."""
    report = WriteReport()
    for path in files.paths():
        destination = target / path
        if path in files.data:
            content = files.data[path]
            if _same_bytes(destination, content):
                report.unchanged += 1
                continue
        else:
            source = files.copies[path]
            if _same_file(source, destination):
                report.unchanged += 1
                continue
            content = source.read_bytes()
        write_atomic(destination, content)
        report.written.append(path)
    wanted = set(files.paths())
    if target.is_dir():
        for existing in sorted(target.rglob("*"), reverse=True):
            relative = existing.relative_to(target).as_posix()
            if existing.is_dir():
                if not any(existing.iterdir()):
                    existing.rmdir()
            elif relative not in wanted:
                existing.unlink()
                report.removed.append(relative)
    return report


def _same_bytes(path: Path, content: bytes) -> bool:
    try:
        if path.stat().st_size != len(content):
            return False
        return path.read_bytes() == content
    except OSError:
        return False


def _same_file(source: Path, destination: Path) -> bool:
    try:
        if source.stat().st_size != destination.stat().st_size:
            return False
    except OSError:
        return False
    with source.open("rb") as a, destination.open("rb") as b:
        while True:
            chunk = a.read(1 << 20)
            if chunk != b.read(1 << 20):
                return False
            if not chunk:
                return True
