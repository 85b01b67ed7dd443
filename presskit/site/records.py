"""What the site keeps of each release between builds (.presskit/site/<slug>.json), so that a
rebuild reads and renders only the releases that changed.

A record holds what the front page, feed, search index and sitemap need of a release (its
headline, date, embargo, language ...) and its rendered page and feed entry. It is used only
when its key still matches: a SHA-256 over the release file, what every page shares
(organization.yaml, presskit.yaml, the site's templates, presskit's own code, the base URL) and
the size and time of each of its pictures. `presskit build`, run first, has validated every
file, so a release whose record matches needs no YAML parsing at all.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import __version__, theme
from ..cache import code_digest
from ..files import write_atomic

FORMAT = 1


def shared_key(root: Path, base: str) -> str:
    """The part of every release's key that all pages share."""
    digest = hashlib.sha256(f"{FORMAT} {__version__} {base}".encode())
    for path in (root / "organization.yaml", root / "presskit.yaml"):
        digest.update(path.read_bytes() if path.is_file() else b"absent")
    digest.update(code_digest(Path(__file__).resolve().parent.parent, skip=()).encode())
    files = []
    for folder in theme.search_path(root, "templates"):
        if folder.is_dir():
            files += sorted(folder.rglob("*"))
    for path in files:
        if path.is_file():
            digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def release_key(shared: str, release_file: Path, pictures: list[Path],
                versions: str = "") -> str:
    """The key of a release's record: what is shared, its file, its pictures, and the slugs of
    its language versions (its page links each of them)."""
    digest = hashlib.sha256(shared.encode())
    digest.update(release_file.read_bytes())
    digest.update(b"\0versions " + versions.encode())
    for picture in pictures:
        stat = picture.stat()
        digest.update(f"{picture} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()


class Records:
    """The records of a project's releases, read lazily and written as they change."""

    def __init__(self, state: Path):
        self.folder = state / "site"

    def get(self, root: Path, slug: str, shared: str, versions: str = "") -> dict | None:
        """The release's record, if it is still what its files would make."""
        try:
            record = json.loads((self.folder / f"{slug}.json").read_text(encoding="utf-8"))
            key = release_key(shared, root / record["path"],
                              [root / image["src"] for image in record["images"]], versions)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return record if record.get("key") == key else None

    def put(self, slug: str, record: dict) -> None:
        try:
            write_atomic(self.folder / f"{slug}.json",
                         json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except OSError:
            pass   # a read-only project still builds, only without the records

    def forget_all_but(self, slugs: set[str]) -> None:
        if self.folder.is_dir():
            for path in self.folder.glob("*.json"):
                if path.stem not in slugs:
                    path.unlink(missing_ok=True)
