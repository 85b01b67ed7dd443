"""`presskit serve`: a live preview of every release and kit while a press officer types.

A watcher thread polls the project's files (stdlib only: a few dozen small files, read twice a
second) and rebuilds what changed through the same build functions as `presskit build` and
`presskit kit`. Pages poll /version.json and reload themselves when anything was rebuilt. A data
error never stops the server: it is shown on / and on the page it concerns, and the last good
PDF stays in view until the file is fixed.
"""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import re
import shutil
import subprocess
import sys
import threading
import traceback
from dataclasses import dataclass, field, replace
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from . import render
from .errors import PresskitError, Problem, ProjectError, display_path
from .load import Project, load_project

POLL_SECONDS = 0.4
HASH_LIMIT = 256 * 1024          # files this small are hashed, so same-second edits show too
WATCHED_FOLDERS = ("releases", "assets", "templates", "styles")
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
PAGE_DPI = 90
PAGE_IMAGE_RE = re.compile(r"^/((?:releases|kits)/[^/]+)/page-(\d+)\.png$")


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

    @property
    def url(self) -> str:
        return "/" + self.key

    @property
    def pdf_url(self) -> str:
        return f"/{self.key.rsplit('/', 1)[0]}/{self.pdf.name}" if self.pdf else ""


class Preview:
    """The preview's state: the project as last loaded, its items, and a version number."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.version = 0
        self.project: Project | None = None
        self.problems: list[Problem] = []       # the project's load errors, if any
        self.items: dict[str, Item] = {}
        self._files_digest = ""
        self._state_lock = threading.Lock()     # items, version, project: held briefly
        self._scan_lock = threading.Lock()      # one scan and load at a time
        self._build_lock = threading.Lock()     # one build at a time (they share the cores)
        self._image_lock = threading.Lock()     # one page rendering at a time
        self._stop = threading.Event()

    # -- watching ------------------------------------------------------------------------
    def watched_files(self) -> list[Path]:
        files = [self.root / "presskit.yaml", self.root / "organization.yaml"]
        for folder in WATCHED_FOLDERS:
            base = self.root / folder
            if base.is_dir():
                files += sorted(p for p in base.rglob("*")
                                if p.is_file() and not p.name.startswith("."))
        project = self.project
        if project is not None:             # logos and photos kept outside assets/
            for release in project.releases.values():
                files += render.release_sources(project, release)
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
            with self._state_lock:
                self.problems = problems
                if project is not None:
                    self.project = project
                    self._update_items(project)
                else:
                    self._mark_errors(problems)
                self.version += 1
            return True

    def _update_items(self, project: Project) -> None:
        items: dict[str, Item] = {}
        for key, item, inputs in _project_items(project):
            old = self.items.get(key)
            if old is not None:
                item.state, item.messages = old.state, old.messages
                item.built_inputs, item.failed_inputs = old.built_inputs, old.failed_inputs
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
                self.items[key] = Item(key, path.stem, pdf=self.root / "dist" / "releases" /
                                       f"{path.stem}.pdf")
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
        with self._build_lock:
            with self._state_lock:
                item, project = self.items.get(key), self.project
                if item is None or project is None or item.state != "stale" or self.problems:
                    return
                inputs = item.inputs
                item.state = "building"
                self.version += 1
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
                    changed_meanwhile = item.inputs != inputs
                    item.state = "stale" if changed_meanwhile else state
                    item.messages = messages
                    if state == "built":
                        item.built_inputs = inputs
                    else:
                        item.failed_inputs = inputs
                self.version += 1

    def ensure_current(self, key: str) -> Item | None:
        """Bring one item up to date now (a PDF request must never get yesterday's file)."""
        self.refresh()
        self.build(key)
        with self._state_lock:
            return self.items.get(key)

    def next_stale(self) -> str | None:
        with self._state_lock:
            if self.problems:
                return None
            for key, item in self.items.items():  # releases first, kits last
                if item.state == "stale":
                    return key
        return None

    def watch(self) -> None:
        """The watcher thread: notice changes, rebuild what they made stale."""
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
    from .build import release_pdf_path

    years: dict[int, list] = {}
    for release in project.releases.values():
        files = [release.path] + render.release_sources(project, release)
        lang = project.release_lang(release)
        yield (f"releases/{release.slug}",
               Item(f"releases/{release.slug}", release.title,
                    f"{release.date.isoformat()} · {lang}",
                    pdf=release_pdf_path(project, release.slug)),
               fingerprint(files))
        years.setdefault(release.date.year, []).extend(files)
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
        from . import kit
    except ImportError:
        return None
    return kit if hasattr(kit, "build_kit") and hasattr(kit, "Selection") else None


def build_item(project: Project, key: str) -> list[str]:
    """Build one release or kit; return its warnings."""
    kind, name = key.split("/", 1)
    if kind == "kits":
        kit = _kit_module()
        result = kit.build_kit(project, kit.Selection(year=int(name)))
        return list(result.warnings)
    from .build import build_releases

    return [w for result in build_releases(project, [name]) for w in result.warnings]


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


# -- HTTP ------------------------------------------------------------------------------------
class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, preview: Preview, check_host: bool):
        self.preview = preview
        self.check_host = check_host
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "presskit-preview"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass  # one line a request would drown the build warnings

    def do_GET(self):  # noqa: N802 - the stdlib's name
        if self.server.check_host and not self._host_ok():
            return self._send(HTTPStatus.FORBIDDEN, "text/plain",
                              b"presskit serve answers only requests for this machine\n")
        path = urlsplit(self.path).path.rstrip("/") or "/"
        preview = self.server.preview
        if path == "/":
            preview.refresh()
            return self._html(index_page(*preview.snapshot()))
        if path == "/version.json":
            version, problems, items = preview.snapshot()
            body = {"version": version, "errors": [str(p) for p in problems],
                    "items": {i.key: i.state for i in items}}
            return self._send(HTTPStatus.OK, "application/json", json.dumps(body).encode())
        if path.endswith(".pdf"):
            return self._pdf(path)
        if PAGE_IMAGE_RE.match(path):
            return self._page_image(*PAGE_IMAGE_RE.match(path).groups())
        version, problems, items = preview.snapshot()
        item = next((i for i in items if i.url == path), None)
        if item is None:
            return self._not_found()
        pages = len(preview.page_images(item))
        return self._html(item_page(version, problems, item, pages))

    def _page_image(self, key: str, number: str):
        item = next((i for i in self.server.preview.snapshot()[2] if i.key == key), None)
        images = self.server.preview.page_images(item) if item else []
        if not 1 <= int(number) <= len(images):
            return self._not_found()
        self._send(HTTPStatus.OK, "image/png", images[int(number) - 1].read_bytes())

    def _pdf(self, path: str):
        preview = self.server.preview
        preview.refresh()
        item = next((i for i in preview.snapshot()[2] if i.pdf_url == path), None)
        if item is None:
            return self._not_found()
        item = preview.ensure_current(item.key) or item
        try:
            data = item.pdf.read_bytes()
        except OSError:
            text = "\n".join(item.messages) or "not built yet"
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                              (text + "\n").encode("utf-8"))
        self._send(HTTPStatus.OK, "application/pdf", data,
                   {"X-Presskit-State": item.state,
                    "Content-Disposition": f'inline; filename="{item.pdf.name}"'})

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOOPBACK_NAMES or name == self.server.server_address[0]

    def _not_found(self):
        self._html(page("Not found", '<p>No such page. <a href="/">All releases and kits</a></p>',
                        self.server.preview.version), HTTPStatus.NOT_FOUND)

    def _html(self, text: str, status=HTTPStatus.OK):
        self._send(status, "text/html; charset=utf-8", text.encode("utf-8"))

    def _send(self, status, content_type: str, body: bytes, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser moved on (a reload while a PDF was on its way)

    do_HEAD = do_GET


# -- pages -----------------------------------------------------------------------------------
STYLE = """
body { font: 15px/1.45 "Noto Sans", system-ui, sans-serif; margin: 0; color: #1a1a1a;
       background: #f4f4f1; }
header { background: #1d2a35; color: #fff; padding: 12px 24px; display: flex; gap: 16px;
         align-items: baseline; }
header a { color: #fff; text-decoration: none; font-weight: bold; }
header .where { color: #b8c4ce; font-size: 13px; }
main { padding: 16px 24px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid #e3e3de; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #666; }
td.sub { color: #666; font-size: 13px; white-space: nowrap; }
.state { display: inline-block; padding: 1px 8px; border-radius: 9px; font-size: 12px;
         font-weight: bold; text-transform: uppercase; letter-spacing: .05em; }
.state.built { background: #dff0d8; color: #2b5d1e; }
.state.stale, .state.building { background: #fcf0cf; color: #7a5a00; }
.state.error { background: #f8d7d5; color: #8a1c1c; }
.errors { background: #fff3f2; border-left: 4px solid #b3261e; padding: 8px 14px;
          margin: 0 0 16px; }
.errors pre, .warnings pre { margin: 4px 0; white-space: pre-wrap;
                             font: 13px/1.4 "DejaVu Sans Mono", monospace; }
.warnings { background: #fffaf0; border-left: 4px solid #c99400; padding: 8px 14px;
            margin: 0 0 16px; }
.bar { display: flex; gap: 16px; align-items: center; margin-bottom: 12px; }
.bar h1 { font-size: 20px; margin: 0; }
iframe { width: 100%; height: calc(100vh - 160px); min-height: 480px; border: 1px solid #ccc;
         background: #fff; }
.pages { display: flex; flex-wrap: wrap; gap: 24px; margin-bottom: 24px; }
.pages img { width: 560px; max-width: 100%; background: #fff;
             box-shadow: 0 1px 4px rgba(0,0,0,.25), 0 6px 18px rgba(0,0,0,.08); }
details summary { cursor: pointer; color: #1d5c8c; margin-bottom: 8px; }
.empty { color: #666; }
"""

RELOAD = """
<script>
(function () {
  var seen = %d;
  function poll() {
    fetch('/version.json', {cache: 'no-store'}).then(function (r) { return r.json(); })
      .then(function (data) { if (data.version !== seen) { location.reload(); } })
      .catch(function () {})
      .finally(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 1000);
})();
</script>
"""


def page(title: str, content: str, version: int) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} · presskit preview</title><style>{STYLE}</style></head>"
            f'<body><header><a href="/">presskit preview</a>'
            f'<span class="where">{escape(title)}</span></header>'
            f"<main>{content}</main>{RELOAD % version}</body></html>\n")


def _problems_box(lines: list[str]) -> str:
    if not lines:
        return ""
    shown = "\n".join(escape(line) for line in lines)
    return (f'<div class="errors" role="alert"><strong>Fix {"this" if len(lines) == 1 else "these"}'
            f' and the preview updates by itself:</strong><pre>{shown}</pre></div>')


def _state(item: Item) -> str:
    return f'<span class="state {item.state}">{item.state}</span>'


def index_page(version: int, problems: list[Problem], items: list[Item]) -> str:
    rows = []
    for item in items:
        pdf = f'<a href="{escape(item.pdf_url)}">PDF</a>' if item.pdf_url else ""
        rows.append(f'<tr><td><a href="{escape(item.url)}">{escape(item.title)}</a></td>'
                    f'<td class="sub">{escape(item.subtitle)}</td><td>{_state(item)}</td>'
                    f"<td>{pdf}</td></tr>")
    table = ("<table><thead><tr><th>Release or kit</th><th></th><th>State</th><th></th></tr>"
             f"</thead><tbody>{''.join(rows)}</tbody></table>" if rows
             else '<p class="empty">No release yet: add a file to releases/.</p>')
    errors = [str(p) for p in problems]
    item_errors = [line for i in items if i.state == "error" for line in i.messages
                   if line not in errors]
    when = dt.datetime.now().strftime("%H:%M:%S")
    return page("All releases and kits",
                _problems_box(errors + item_errors) + table +
                f'<p class="empty">Updated {when}. This page reloads by itself.</p>', version)


def item_page(version: int, problems: list[Problem], item: Item, pages: int = 0) -> str:
    messages = item.messages if item.state == "error" else []
    warnings = item.messages if item.state == "built" else []
    notes = ""
    if warnings:
        notes = ('<div class="warnings"><strong>Warnings</strong><pre>'
                 + "\n".join(escape(w) for w in warnings) + "</pre></div>")
    has_pdf = item.pdf is not None and item.pdf.exists()
    viewer = (f'<iframe src="{escape(item.pdf_url)}?v={version}" title="{escape(item.title)}">'
              f"</iframe>" if has_pdf or item.state in ("stale", "building")
              else '<p class="empty">No PDF yet.</p>')
    if pages:
        # The pages as images first (every browser shows them), the PDF viewer one click away.
        images = "".join(f'<img src="{escape(item.url)}/page-{n}.png?v={version}" '
                         f'alt="Page {n} of {pages}">' for n in range(1, pages + 1))
        viewer = (f'<div class="pages">{images}</div>'
                  f"<details><summary>The PDF in the browser's viewer</summary>{viewer}"
                  f"</details>")
    bar = (f'<div class="bar"><h1>{escape(item.title)}</h1>{_state(item)}'
           f'<span class="sub">{escape(item.subtitle)}</span>'
           f'<a href="{escape(item.pdf_url)}">Open the PDF</a><a href="/">All</a></div>')
    return page(item.title, bar + _problems_box(messages) + notes + viewer, version)


# -- the command -----------------------------------------------------------------------------
def serve_project(root: Path | str, *, host: str = "127.0.0.1", port: int = 8000,
                  say: Callable[[str], None] = print) -> None:
    """Serve the preview until Ctrl-C."""
    root = Path(root)
    if not (root / "organization.yaml").is_file():
        raise PresskitError(f"{display_path(root / 'organization.yaml')}: missing; run "
                            f"presskit serve in a project folder (presskit init DIR starts one)")
    preview = Preview(root)
    preview.refresh()
    try:
        # Bound to loopback, only pages asking for this machine by name are served: a web
        # site re-pointing its own name at 127.0.0.1 (DNS rebinding) gets nothing.
        server = PreviewServer((host, port), preview, check_host=host in LOOPBACK_NAMES)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PresskitError(f"{host}:{port}: the port is in use; stop what uses it or "
                                f"choose another with --port") from None
        raise PresskitError(f"{host}:{port}: cannot listen here: {exc.strerror}") from None
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    say(f"previewing {preview.root} at http://{shown}:{bound_port}/ "
        f"(Ctrl-C to stop)")
    watcher = threading.Thread(target=preview.watch, name="presskit-watch", daemon=True)
    watcher.start()
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        preview.stop()
        server.server_close()
        sys.stderr.flush()
