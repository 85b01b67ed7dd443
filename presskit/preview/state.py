"""The live preview's state: the project as last loaded, each release and kit, their PDFs.

A watcher polls the project's files (a few dozen small files, read twice a second: no
dependency, and no missed edit on file systems where inotify does not reach) and rebuilds
what changed through the same functions as `presskit build` and `presskit kit`. A data error
never stops the preview: it is recorded against the items it concerns, and the last good PDF
stays on disk until the file is fixed.
"""
from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import threading
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from .. import render
from ..build import orphaned_outputs, release_pdf_path, remove_deleted
from ..errors import PresskitError, Problem, ProjectError
from ..load import Project, load_project
from ..progress import Progress

POLL_SECONDS = 0.4
HASH_LIMIT = 256 * 1024          # files this small are hashed, so same-second edits show too
WATCHED_FOLDERS = ("releases", "assets", "templates", "styles")
PAGE_DPI = 90


@dataclass
class Item:
    """One release or kit of the preview and where its PDF stands."""

    key: str                     # "releases/<slug>" or "kits/<year>"
    title: str
    subtitle: str = ""           # date and language, or the number of releases of a kit
    pdf: Path | None = None
    state: str = "stale"         # stale | building | built | error
    messages: list[str] = field(default_factory=list)   # errors, or the build's warnings
    inputs: str = ""             # fingerprint of the input files now
    built_inputs: str = ""       # fingerprint of the input files of the PDF on disk
    failed_inputs: str = ""      # fingerprint of the inputs whose build failed
    version: int = 0             # the preview's version when this item last changed

    @property
    def url(self) -> str:
        return "/" + self.key

    @property
    def pdf_url(self) -> str:
        return f"/{self.key.rsplit('/', 1)[0]}/{self.pdf.name}" if self.pdf else ""


class Preview:
    """The preview's state: the project as last loaded, its items, and a version number."""

    def __init__(self, root: Path, say: Callable[[str], None] | None = None):
        self.root = root.resolve()
        self.say = say       # the terminal: told when the project's problems change
        self.version = 0
        self.project: Project | None = None
        self.problems: list[Problem] = []       # the project's load errors, if any
        self.items: dict[str, Item] = {}
        self._files_digest = ""
        self._state_lock = threading.Lock()     # items, version, project: held briefly
        self._scan_lock = threading.Lock()      # one scan and load at a time
        # One release build at a time: WeasyPrint's font configuration in this process is not
        # for two threads at once. A kit is built in a worker process of its own (build_item),
        # under its own lock, so that a release asked for never waits for a kit.
        self._build_locks = {"releases": threading.Lock(), "kits": threading.Lock()}
        self._image_lock = threading.Lock()     # one page rendering at a time
        self._stop = threading.Event()

    # -- watching ------------------------------------------------------------------------
    def watched_files(self) -> list[Path]:
        """Every file whose change may change a PDF (or fix or break the project)."""
        files = [self.root / "presskit.yaml", self.root / "organization.yaml"]
        for folder in WATCHED_FOLDERS:
            base = self.root / folder
            if base.is_dir():
                files += sorted(p for p in base.rglob("*")
                                if p.is_file() and not p.name.startswith("."))
        project = self.project
        if project is not None:             # logos and photos kept outside assets/
            files += _pictures(project)
        return sorted(set(files))

    def refresh(self) -> bool:
        """Reload the project if any watched file changed; True when something did."""
        with self._scan_lock:
            digest = fingerprint(self.watched_files())
            if digest == self._files_digest:
                return False
            self._files_digest = digest
            try:
                project, problems = load_project(self.root), []
            except ProjectError as exc:
                project, problems = None, exc.problems
            except PresskitError as exc:
                project, problems = None, [Problem(str(self.root), None, None, str(exc))]
            if self.say and [str(p) for p in problems] != [str(p) for p in self.problems]:
                # A PDF served while its release is broken is the last good one: say so here.
                for problem in problems:
                    self.say(str(problem))
                if not problems:
                    self.say("no problems: the previews are current again")
            if project is not None:
                # A deleted release takes its PDF with it, as in a build; not during a build.
                removed = io.StringIO()
                if orphaned_outputs(self.root, project.releases):   # else no need to wait
                    with self._build_locks["releases"]:
                        remove_deleted(self.root, Progress(stream=removed, live=False))
                for line in removed.getvalue().splitlines():
                    if self.say:
                        self.say(line)
            with self._state_lock:
                before = {key: _look(item) for key, item in self.items.items()}
                self.problems = problems
                if project is not None:
                    self.project = project
                    self._update_items(project)
                else:
                    self._mark_errors(problems)
                self.version += 1
                for key, item in self.items.items():
                    if before.get(key) != _look(item):
                        item.version = self.version
            return True

    def _update_items(self, project: Project) -> None:
        items: dict[str, Item] = {}
        for key, item, inputs in _project_items(project):
            old = self.items.get(key)
            if old is not None:
                item.state, item.messages = old.state, old.messages
                item.built_inputs, item.failed_inputs = old.built_inputs, old.failed_inputs
                item.version = old.version
            item.inputs = inputs
            if item.state != "building":
                _settle(item)
            items[key] = item
        self.items = items

    def _mark_errors(self, problems: list[Problem]) -> None:
        """Flag the items whose files are at fault; a shared file puts every item at fault."""
        release_dir = (self.root / "releases").resolve()
        shared: list[str] = []
        by_release: dict[str, list[str]] = {}
        for problem in problems:
            path = Path(problem.path).resolve()
            if path.parent == release_dir:
                by_release.setdefault(f"releases/{path.stem}", []).append(str(problem))
            else:
                shared.append(str(problem))
        for path in sorted(release_dir.glob("*.y*ml")) if release_dir.is_dir() else []:
            key = f"releases/{path.stem}"
            if key not in self.items:
                self.items[key] = Item(key, path.stem,
                                       pdf=release_pdf_path(self.root, path.stem))
        for key, item in self.items.items():
            if item.state == "error":       # an earlier error may be fixed by now
                item.messages = []
                _settle(item)
            lines = shared + by_release.get(key, [])
            if key.startswith("kits/") and not lines:
                lines = [str(p) for p in problems]   # a kit holds every release of its year
            if lines:
                item.state, item.messages = "error", lines

    # -- building ------------------------------------------------------------------------
    def build(self, key: str) -> None:
        """Rebuild one stale item; its state says how it went."""
        with self._state_lock:
            item = self.items.get(key)
            if item is None or item.state in ("built", "error"):
                return      # as current as it can be: served at once, not after another build
        # Stale, or being built by the watcher: wait for the lock, and the build, to finish.
        with self._build_locks[key.split("/", 1)[0]]:
            with self._state_lock:
                item, project = self.items.get(key), self.project
                if item is None or project is None or item.state != "stale" or self.problems:
                    return
                inputs = item.inputs
                item.state = "building"
                self.version += 1
                item.version = self.version
            try:
                state, messages = "built", build_item(project, key)
            except PresskitError as exc:
                state, messages = "error", exc.lines()
            except Exception as exc:  # a bug must not stop the preview: show it and go on
                traceback.print_exc()
                state, messages = "error", [f"{key}: internal error: {exc!r}"]
            with self._state_lock:
                item = self.items.get(key)
                if item is not None:
                    if item.state == "error":      # the files broke while it was building
                        pass
                    elif item.inputs != inputs:    # edited while it was building
                        item.state, item.messages = "stale", []
                    else:
                        item.state, item.messages = state, messages
                    if state == "built":
                        item.built_inputs = inputs
                    else:
                        item.failed_inputs = inputs
                    item.version = self.version + 1
                self.version += 1

    def site_file(self, name: str) -> Path | None:
        """A file of the newsroom's preview (.presskit/preview-site/), the site made anew
        first when a page is asked for; None when there is no such file."""
        from ..files import inside
        from ..site.build import PREVIEW_FOLDER

        folder = self.root / PREVIEW_FOLDER
        if name.endswith(".html") or not folder.is_dir():
            with self._build_locks["kits"]:     # the site is built as a kit is, in a worker
                from ..jobs import in_worker

                in_worker(build_site_preview, self.root, nice=10)
        try:
            file = inside(folder, folder / name)
        except PresskitError:
            return None
        return file if file.is_file() else None

    def ensure_current(self, key: str) -> Item | None:
        """Bring one item up to date now (a PDF request must never get yesterday's file)."""
        self.refresh()
        self.build(key)
        with self._state_lock:
            return self.items.get(key)

    def next_stale(self) -> str | None:
        """The next release to rebuild ahead of any request. Kits are rebuilt when someone
        asks for one: each edit makes its year's kit stale again, and rebuilding it after
        every save would only take the machine from the release being edited."""
        with self._state_lock:
            if self.problems:
                return None
            for key, item in self.items.items():
                if item.state == "stale" and key.startswith("releases/"):
                    return key
        return None

    def watch(self) -> None:
        """The watcher thread: warm the engine up (the first edit must not wait for WeasyPrint
        to load), then notice changes and rebuild what they made stale."""
        with self._build_locks["releases"]:
            try:
                self._warm_up()
            except Exception:  # a build says what is wrong with the engine, in its place
                traceback.print_exc()
        while not self._stop.is_set():
            try:
                self.refresh()
                key = self.next_stale()
                if key is not None:
                    self.build(key)
                    continue
            except Exception:  # keep watching whatever happens; the cause goes to stderr
                traceback.print_exc()
            self._stop.wait(POLL_SECONDS)

    def _warm_up(self) -> None:
        """Warm the engine up with the project's first release, writing nothing: the first
        edit then finds the templates compiled, the project's stylesheets parsed and its fonts
        and logo loaded, and reaches its PDF as fast as the next ones (the slowest of three
        edits was the first, by half a second). Without a release to lay out, the built-in
        page."""
        from ..jobs import warm_up
        from ..theme import readable_roots

        try:
            project = load_project(self.root)
            slug = min(project.releases, default=None)
            if slug is not None:
                warm_up(render.release_html(project, project.release(slug)), project.root,
                        readable_roots(project.root))
        except PresskitError:
            pass    # the build says what is wrong, in its place
        warm_up()   # nothing more once warm

    def page_images(self, item: Item) -> list[Path]:
        """PNG images of the item's PDF pages, rendered once per PDF (empty without poppler).

        Browsers without a PDF viewer (headless ones, some phones) still see the pages.
        """
        if item.pdf is None or not item.pdf.is_file() or not shutil.which("pdftoppm"):
            return []
        stat = item.pdf.stat()
        stamp = f"{stat.st_mtime_ns}:{stat.st_size}"
        folder = self.root / ".presskit" / "preview" / item.key.replace("/", "-")
        with self._image_lock:
            stamp_file = folder / "stamp"
            if not (stamp_file.is_file() and stamp_file.read_text() == stamp):
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                done = subprocess.run(["pdftoppm", "-r", str(PAGE_DPI), "-png", str(item.pdf),
                                       str(folder / "page")], capture_output=True)
                if done.returncode != 0:
                    return []
                stamp_file.write_text(stamp)
            return sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))

    def stop(self) -> None:
        self._stop.set()

    def snapshot(self) -> tuple[int, list[Problem], list[Item]]:
        with self._state_lock:
            return (self.version, list(self.problems),
                    [replace(i, messages=list(i.messages)) for i in self.items.values()])


def _look(item: Item) -> tuple:
    """What a page shows of an item: when it changes, the page reloads."""
    return (item.title, item.subtitle, item.state, tuple(item.messages), item.built_inputs)


def _pictures(project: Project) -> list[Path]:
    """The logo, the portraits and every release's photos."""
    org = project.organization
    files = [org.logo] if org.logo else []
    files += [person.photo for person in org.people if person.photo]
    files += [image.src for release in project.releases.values() for image in release.images]
    return files


def _settle(item: Item) -> None:
    """The state an item's fingerprints give it: built, failed before, or to build."""
    if item.inputs == item.built_inputs:
        item.state, item.messages = "built", item.messages if item.state == "built" else []
    elif item.inputs == item.failed_inputs and item.messages:
        item.state = "error"
    else:
        item.state, item.messages = "stale", []


def _project_items(project: Project):
    """(key, Item, input fingerprint) for every release, then every year's kit."""
    years: dict[int, list] = {}
    portraits = [person.photo for person in project.organization.people if person.photo]
    for release in project.releases.values():
        files = render.release_sources(project, release)
        lang = project.release_lang(release)
        yield (f"releases/{release.slug}",
               Item(f"releases/{release.slug}", release.title,
                    f"{release.date.isoformat()} · {lang}",
                    pdf=release_pdf_path(project.root, release.slug)),
               fingerprint(files))
        years.setdefault(release.date.year, list(portraits)).extend(files)
    kit = _kit_module()
    if kit is None:
        return
    for year, files in sorted(years.items()):
        count = sum(1 for r in project.releases.values() if r.date.year == year)
        selection = kit.Selection(year=year)
        yield (f"kits/{year}",
               Item(f"kits/{year}", f"Press kit {year}",
                    f"{count} release{'s' if count != 1 else ''}",
                    pdf=kit.default_output(project, selection)),
               fingerprint(files))


def _kit_module():
    """presskit.kit, when this installation has it (the preview lists kits only then)."""
    try:
        from .. import kit
    except ImportError:
        return None
    return kit if hasattr(kit, "build_kit") and hasattr(kit, "Selection") else None


def build_item(project: Project, key: str) -> list[str]:
    """Build one release (in this process, warm after its first) or kit (in a worker process
    of low priority, so that a release being edited keeps a core); return its warnings."""
    kind, name = key.split("/", 1)
    if kind == "kits":
        from ..jobs import in_worker

        return in_worker(build_kit, project.root, int(name), nice=10)
    from ..build import build_releases

    return [w for result in build_releases(project, [name]) for w in result.warnings]


def build_site_preview(root: Path) -> None:
    """The newsroom with every release on it (in a worker process)."""
    from ..site.build import build_site

    build_site(root, preview=True)


def build_kit(root: Path, year: int) -> list[str]:
    """Build the kit of `year` (in a worker process); return its warnings."""
    kit = _kit_module()
    result = kit.build_kit(load_project(root), kit.Selection(year=year))
    return list(result.warnings)


def fingerprint(files: list[Path]) -> str:
    """One digest of the files' names and contents (size and time for big files)."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
        try:
            stat = path.stat()
            if stat.st_size <= HASH_LIMIT:
                digest.update(path.read_bytes())
            else:
                digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()
