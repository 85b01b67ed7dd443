"""`presskit serve`: the live preview over HTTP, on this machine only unless told otherwise.

Routes: / lists releases and kits; /releases/<slug> and /kits/<year> show one, with its pages
as images and the PDF in the browser's viewer; /releases/<slug>.pdf and
/kits/press-kit-<year>.pdf are always current (a request rebuilds what is stale first);
/site/ is the newsroom as `presskit site` would write it, embargoed releases included and
marked so (state.Preview.site_file); /version.json tells the pages when to reload; POST
/import takes a dropped document (presskit import). The state and the building live in
state.py.
"""
from __future__ import annotations

import errno
import ipaddress
import json
import re
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from ..errors import PresskitError
from ..files import display_path
from .pages import index_page, item_page, page
from .state import Preview


def reachable_names(host: str, bound: str) -> frozenset[str]:
    """The names a browser may rightly ask this server by (its Host header): loopback, the
    address it listens on and the name it was given, and for a wildcard (0.0.0.0, ::) this
    machine's own name and addresses. Any other name is a page elsewhere that re-pointed its
    own name at this machine (DNS rebinding), whatever the server listens on."""
    names = {"localhost", "127.0.0.1", "::1", host, bound}
    if _is_wildcard(bound):
        machine = socket.gethostname()
        names |= {machine, socket.getfqdn()}
        try:
            names |= {info[4][0] for info in socket.getaddrinfo(machine, None)}
        except OSError:
            pass   # a machine whose own name does not resolve: loopback and its name
    return frozenset(_host_name(n) for n in names if n)


def _is_wildcard(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_unspecified
    except ValueError:
        return False


def is_loopback(address: str) -> bool:
    """Whether a bound address is this machine alone (all of 127.0.0.0/8 is, and ::1)."""
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _host_name(value: str) -> str:
    """A Host header's name, or an address, as compared: lower case, no port, no brackets
    around an IPv6 address, no final dot."""
    value = value.strip().lower()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")
PAGE_IMAGE_RE = re.compile(r"^/((?:releases|kits)/[^/]+)/page-(\d+)\.png$")
_IMPORTS = threading.Lock()


# -- HTTP ------------------------------------------------------------------------------------
class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, preview: Preview):
        self.preview = preview
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.allowed_hosts = reachable_names(address[0], self.server_address[0])


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "presskit-preview"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass  # one line a request would drown the build warnings

    def do_GET(self):  # noqa: N802 - the stdlib's name
        if not self._host_ok():
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
                    "items": {i.key: i.state for i in items},
                    "versions": {i.key: i.version for i in items}}
            return self._send(HTTPStatus.OK, "application/json", json.dumps(body).encode())
        if path == "/site" or path.startswith("/site/"):
            return self._site(path[len("/site/"):])
        if path.endswith(".pdf"):
            return self._pdf(path)
        if PAGE_IMAGE_RE.match(path):
            return self._page_image(*PAGE_IMAGE_RE.match(path).groups())
        preview.refresh()
        item = next((i for i in preview.snapshot()[2] if i.url == path), None)
        if item is None:
            return self._not_found()
        return self._html(item_page(item, len(preview.page_images(item))))

    def do_POST(self):  # noqa: N802 - the stdlib's name
        """/import: a document dropped on the front page, made a release (never replacing
        one). Only with the X-Presskit-Import header, which no other site's page can send
        here without the browser asking first (a CORS preflight this server never grants)."""
        from ..importer import UPLOAD_LIMIT, import_upload

        name = unquote(self.headers.get("X-Presskit-Import") or "")
        if not self._host_ok() or not name or urlsplit(self.path).path != "/import":
            return self._send(HTTPStatus.FORBIDDEN, "text/plain", b"not here\n")
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= UPLOAD_LIMIT:
            return self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                              {"errors": [f"{name}: empty, or larger than "
                                          f"{UPLOAD_LIMIT // 2**20} MB"]})
        data = self.rfile.read(length)
        try:
            with _IMPORTS:   # one at a time: two drops of one document make one release
                result = import_upload(self.server.preview.root, name, data)
        except PresskitError as exc:
            return self._json(HTTPStatus.CONFLICT, {"errors": exc.lines()})
        except OSError as exc:
            return self._json(HTTPStatus.INTERNAL_SERVER_ERROR,
                              {"errors": [f"{name}: {exc.strerror or exc}"]})
        slug = result.path.stem
        self.server.preview.refresh()
        return self._json(HTTPStatus.OK, {"url": f"/releases/{slug}", "notes": result.notes,
                                          "wrote": display_path(result.path)})

    def _json(self, status, body: dict):
        self._send(status, "application/json", json.dumps(body).encode("utf-8"))

    def _site(self, name: str):
        import mimetypes

        try:
            file = self.server.preview.site_file(name or "index.html")
        except PresskitError as exc:
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                              ("\n".join(exc.lines()) + "\n").encode("utf-8"))
        if file is None:
            return self._not_found()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/xml"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, kind, file.read_bytes())

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
        return _host_name(self.headers.get("Host") or "") in self.server.allowed_hosts

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


# -- the command -----------------------------------------------------------------------------
def serve_project(root: Path | str, *, host: str = "127.0.0.1", port: int = 8000,
                  say: Callable[[str], None] = print) -> None:
    """Serve the preview until Ctrl-C."""
    root = Path(root)
    if not (root / "organization.yaml").is_file():
        raise PresskitError(f"{display_path(root / 'organization.yaml')}: missing; run "
                            f"presskit serve in a project folder (presskit init DIR starts one)")
    preview = Preview(root, say)
    preview.refresh()
    try:
        # Only pages asking for this machine by a name it has are served, whatever the
        # address: a web site re-pointing its own name here (DNS rebinding) gets nothing.
        server = PreviewServer((host, port), preview)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PresskitError(f"{host}:{port}: the port is in use; stop what uses it or "
                                f"choose another with --port") from None
        raise PresskitError(f"{host}:{port}: cannot listen here: {exc.strerror}") from None
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    try:
        say(f"previewing {preview.root} at http://{shown}:{bound_port}/ (Ctrl-C to stop)")
        if not is_loopback(bound_host):
            say(f"warning: listening on {host}: anyone who can reach this machine can read "
                f"the drafts")
        threading.Thread(target=preview.watch, name="presskit-watch", daemon=True).start()
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        preview.stop()
        server.server_close()
