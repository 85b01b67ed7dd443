"""The build cache: which release PDFs are current, judged by the content of what they depend on.

Each built release is recorded in .presskit/build-cache.json with the names of its inputs (the
release file, organization.yaml, presskit.yaml, the logo and images, every template and style of
the project and of the built-in theme, and the listings of those folders, so a new override file
counts) and one key: a SHA-256 over those files' contents, presskit's version and rendering code,
and the WeasyPrint installed. A later build recomputes the key from the recorded names without
parsing any YAML, so a build with nothing to do costs a few file reads.

The key is over inputs rather than over the rendered HTML so that the no-op build needs neither
the YAML parser nor Jinja2; the price is that an edit which changes nothing visible (a YAML
comment) still rebuilds its release.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, theme
from .errors import OutsideProject
from .files import inside

FORMAT = 1
CACHE_FILE = "build-cache.json"
LISTING = "listing:"
# presskit's own code shapes a release PDF, all but these parts of it: editing any other
# module rebuilds every release, as a version change would (a release of presskit always
# changes __version__; a checkout may not). A module added or renamed counts by itself.
NOT_RENDERING = ("mail", "preview", "site", "importer", "cli.py", "__main__.py")
ABSENT = "absent"
OUTSIDE = "outside the project"


@dataclass
class Entry:
    """What the cache knows of one release's last build."""

    key: str
    inputs: list[str]
    pdf: list[int] | None = None      # [size, mtime_ns] of the PDF as written
    html: list[int] | None = None     # the same for the .html beside it, when written
    # Where its photos went and whether it was set tight (placement.Placement.to_json(), by
    # article id), so that a kit lays the release out as decided instead of by trial.
    placements: dict | None = None

    def to_json(self) -> dict:
        data = {"key": self.key, "inputs": self.inputs, "pdf": self.pdf, "html": self.html}
        if self.placements:
            data["placements"] = self.placements
        return data


def file_stamp(path: Path) -> list[int] | None:
    """[size, mtime_ns] of a file we wrote, to notice it was replaced or deleted since."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


class Fingerprints:
    """Content digests of input files, each file read once per build."""

    def __init__(self, root: Path):
        self.root = root
        self._digests: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._theme: list[str] | None = None
        self._engine: str | None = None
        self._roots: tuple[Path, ...] | None = None

    def name(self, path: Path) -> str:
        """How a file is recorded: relative to the project when inside it, else absolute."""
        key = str(path)
        if key not in self._names:
            resolved = Path(path).resolve()
            try:
                self._names[key] = resolved.relative_to(self.root).as_posix()
            except ValueError:
                self._names[key] = resolved.as_posix()
        return self._names[key]

    def theme_names(self) -> list[str]:
        """The listings of the template and style folders (the same for every release)."""
        if self._theme is None:
            folders = theme.search_path(self.root, "templates") + \
                theme.search_path(self.root, "styles")
            self._theme = sorted(LISTING + self.name(folder) for folder in folders)
        return self._theme

    def digest(self, name: str) -> str:
        if name not in self._digests:
            self._digests[name] = self._compute(name)
        return self._digests[name]

    def _compute(self, name: str) -> str:
        if name.startswith(LISTING):
            folder = self.root / name[len(LISTING):]
            if not folder.is_dir():
                return ABSENT
            names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                           if p.is_file())
            return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()
        try:
            # Only what a build may read: a template linked to /dev/zero or a file elsewhere
            # is never read here (the render refuses it, naming the link).
            path = inside(self._readable(), self.root / name)
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OutsideProject:
            return OUTSIDE
        except OSError:
            return ABSENT

    def _readable(self) -> tuple[Path, ...]:
        """The project and the built-in theme's folders (presskit's own code is read by
        code_digest)."""
        if self._roots is None:
            self._roots = theme.readable_roots(self.root)
        return self._roots

    def engine(self) -> str:
        """presskit's version and rendering code, and WeasyPrint's version, as one digest."""
        if self._engine is None:
            self._engine = code_digest(Path(__file__).resolve().parent)
        return self._engine

    def key(self, inputs: list[str]) -> str:
        """The key of a release: its inputs' contents and the engine."""
        h = hashlib.sha256(self.engine().encode())
        for name in sorted(inputs):
            h.update(f"\n{name}\0{self.digest(name)}".encode("utf-8"))
        return h.hexdigest()


@functools.cache
def code_digest(package: Path, skip: tuple[str, ...] = NOT_RENDERING) -> str:
    """The digest of presskit's version, its code (less the parts in `skip`: by default what
    never shapes a PDF) and WeasyPrint's version, once a process: the code a process runs does
    not change under it (a preview builds many times)."""
    h = hashlib.sha256(f"presskit {__version__}\n".encode())
    for module in rendering_modules(package, skip):
        try:
            digest = hashlib.sha256(module.read_bytes()).hexdigest()
        except OSError:
            digest = ABSENT
        h.update(module.relative_to(package).as_posix().encode() + b"\0" + digest.encode())
    h.update(b"weasyprint\0" + _weasyprint_stamp().encode())
    return h.hexdigest()


def rendering_modules(package: Path, skip: tuple[str, ...] = NOT_RENDERING) -> list[Path]:
    """The source files of `package` (presskit) whose code may shape a release PDF."""
    return sorted(path for path in package.rglob("*.py")
                  if path.relative_to(package).parts[0] not in skip)


def _weasyprint_stamp() -> str:
    """WeasyPrint's version without importing it (that takes half a second)."""
    from importlib.util import find_spec

    spec = find_spec("weasyprint")
    if spec is None or not spec.origin:
        return ABSENT
    try:
        return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()
    except OSError:
        return ABSENT


def release_inputs(project, release, fingerprints: Fingerprints) -> list[str]:
    """The names of everything a release's PDF is made from (render.release_sources), and the
    listings of the template and style folders, so that a new override file counts."""
    from .render import release_sources

    names = {fingerprints.name(p) for p in release_sources(project, release)}
    return sorted(names.union(fingerprints.theme_names()))


@dataclass
class BuildCache:
    """The cache file of one project: entries by slug, written atomically."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, state: Path) -> "BuildCache":
        """Read .presskit/build-cache.json; a missing or unreadable cache is an empty one."""
        path = state / CACHE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return cls(path)
            entries = {slug: Entry(e["key"], list(e["inputs"]), e.get("pdf"), e.get("html"),
                                   e.get("placements"))
                       for slug, e in data["releases"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(path)
        return cls(path, entries)

    def save(self) -> None:
        from .files import write_atomic

        data = {"format": FORMAT,
                "releases": {slug: self.entries[slug].to_json() for slug in sorted(self.entries)}}
        write_atomic(self.path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))

    def is_current(self, slug: str, pdf: Path, fingerprints: Fingerprints) -> bool:
        """True when the PDF on disk was built from inputs with the same content as now."""
        entry = self.entries.get(slug)
        return (entry is not None and entry.pdf is not None and file_stamp(pdf) == entry.pdf
                and fingerprints.key(entry.inputs) == entry.key)

    def html_is_current(self, slug: str, html: Path) -> bool:
        entry = self.entries.get(slug)
        return entry is not None and entry.html is not None and file_stamp(html) == entry.html
