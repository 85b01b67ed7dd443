"""A warm renderer kept between builds: an edited release rebuilds in a fraction of a second.

Every `presskit build` is a new process, and most of a one-release rebuild is WeasyPrint's
import and the loading of fonts, not the layout. So a build that rendered PDFs itself starts,
without waiting for it, one background process per project (`python -m presskit.renderer
ROOT`) that imports WeasyPrint, warms up as a worker does, and listens on the Unix socket
.presskit/renderer.sock (mode 0600, same user only). The next build hands it the releases to
build: the renderer reads the project, renders their HTML and PDFs with the very functions a
build uses (load.load_project, render.release_html, workers.render_job), so the bytes are those
of a build without it, and sends back each release's inputs (for the build cache), PDF and
warnings, or, for bad input, the lines a build would print, before any PDF. The client then
needs neither the YAML loader nor Jinja nor Markdown: an edited release is rebuilt in about
the time of its layout.

The client gives up at once (about 50 ms) when nothing answers, and on any failure (the
renderer died, a protocol error, a timeout) renders what is left itself, as a build always did.
The renderer exits by itself after PRESSKIT_RENDERER_IDLE seconds without a job (600), when
its socket file is deleted or replaced (`.presskit/` removed, the project deleted), and when a
client's presskit differs from its own (version or rendering code). A lock file makes sure
there are never two for one project. PRESSKIT_RENDERER=off, or `presskit build --no-renderer`,
neither uses nor starts one.

The protocol: frames of an 8-byte length and a payload; JSON messages, and after an outcome's
header the PDF bytes as a frame of their own. A client says "hello" (its fingerprint), then
"build" (slugs, the client's working folder, which the messages' paths are relative to) or
"render" (finished HTML jobs).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, Iterator

from . import __version__, theme
from .errors import BuildError, PresskitError
from .jobs import Job, Outcome, PoolRenderer, default_jobs, renderer_for

SOCKET = "renderer.sock"
LOCK = "renderer.lock"
HANDSHAKE_TIMEOUT = 0.05     # nothing listening must cost a build no more than this
FRAME_TIMEOUT = 300.0        # one release's layout, however long, arrives within this
POLL = 1.0                   # how often an idle renderer checks its socket file and idle time
DEFAULT_IDLE = 600.0
MAX_SOCKET_PATH = 100        # AF_UNIX paths are limited to 107 bytes; deeper projects go without
_HEADER = struct.Struct("!Q")
_CRED = struct.Struct("3i")  # struct ucred: pid, uid, gid


class ProtocolError(Exception):
    """The renderer answered something this client does not understand."""


def enabled() -> bool:
    """False when PRESSKIT_RENDERER=off (or 0, no, false) is in the environment."""
    return os.environ.get("PRESSKIT_RENDERER", "on").strip().lower() not in (
        "off", "0", "no", "false")


def socket_path(root: Path) -> Path:
    return Path(root) / ".presskit" / SOCKET


def _usable(root: Path) -> bool:
    return enabled() and len(os.fsencode(str(socket_path(root)))) <= MAX_SOCKET_PATH


def fingerprint(fingerprints) -> str:
    """presskit's version and rendering code (cache.Fingerprints.engine) and this protocol's."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(fingerprints.engine().encode())
    for module in ("renderer.py", "workers.py", "cache.py"):
        h.update(module.encode() + b"\0" + fingerprints.digest(str(package / module)).encode())
    return h.hexdigest()


# --- framing ---------------------------------------------------------------------------------

def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def _send_json(sock: socket.socket, message: dict) -> None:
    _send(sock, json.dumps(message).encode("utf-8"))


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise ProtocolError("the renderer closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket) -> bytes:
    (size,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    return _recv_exact(sock, size)


def _recv_json(sock: socket.socket) -> dict:
    message = json.loads(_recv(sock).decode("utf-8"))
    if not isinstance(message, dict):
        raise ProtocolError("a message is not a JSON object")
    return message


# --- the client ------------------------------------------------------------------------------

class RemoteRenderer:
    """Renders on the project's background renderer; what it cannot, it renders here."""

    def __init__(self, sock: socket.socket, pid: int, jobs: int | None):
        self.sock = sock
        self.pid = pid
        self.jobs = jobs
        self.fallback = None     # the local renderer, once the background one failed

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        jobs = list(jobs)
        pending = {job.slug: job for job in jobs}
        try:
            self.sock.settimeout(FRAME_TIMEOUT)
            _send_json(self.sock, {"op": "render", "processes": self.jobs or default_jobs(),
                                   "jobs": [{"slug": j.slug, "html": j.html, "base": str(j.base),
                                             "roots": [str(r) for r in j.roots]}
                                            for j in jobs]})
            while pending:
                header = _recv_json(self.sock)
                if header.get("failed"):
                    raise ProtocolError(str(header["failed"]))
                yield self._outcome(header, pending.pop(header["slug"]))
        except (OSError, ProtocolError, ValueError, KeyError, TypeError):
            pass   # the renderer died, timed out or spoke nonsense: the rest is rendered here
        self._close_socket()
        if pending:
            self.fallback = renderer_for(len(pending), self.jobs)
            yield from self.fallback.run([job for job in jobs if job.slug in pending])

    def build(self, slugs: list[str], write_html: bool, only: list[str] | None = None):
        """Have the renderer read the project and build `slugs` from its warm process, where
        the YAML loader, Jinja and Markdown are loaded already (this process then needs none
        of them). Yields ("inputs", {slug: names}) once every release has been read and its
        HTML rendered, then (Outcome, html or None) as PDFs arrive. Raises PresskitError with
        the renderer's lines for bad input; stops early (without raising) if the renderer
        fails, leaving the rest to the caller."""
        try:
            self.sock.settimeout(FRAME_TIMEOUT)
            _send_json(self.sock, {"op": "build", "slugs": slugs, "write_html": write_html,
                                   "only": only,
                                   "processes": self.jobs or default_jobs(),
                                   "cwd": os.getcwd()})
            header = _recv_json(self.sock)
            if "stopped" in header:
                error = PresskitError("\n".join(str(line) for line in header["stopped"]))
                error.exit_code = int(header.get("exit_code", 1))
                raise error
            yield "inputs", {str(k): [str(n) for n in v] for k, v in header["inputs"].items()}
            for _ in slugs:
                header = _recv_json(self.sock)
                if header.get("failed"):
                    return
                yield (self._outcome(header, Job(str(header["slug"]), "", Path(), ())),
                       header.get("html"))
        except (OSError, ProtocolError, ValueError, KeyError, TypeError, AttributeError):
            return   # the renderer died, timed out or spoke nonsense: the caller builds the rest

    def _outcome(self, header: dict, job: Job) -> Outcome:
        """An outcome from its header, and the PDF frame that follows unless it failed."""
        error = header.get("error")
        data = b"" if error else _recv(self.sock)
        return Outcome(job, data, list(header.get("warnings") or []),
                       BuildError("\n".join(error)) if error else None, background=True)

    def _close_socket(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def close(self, abort: bool = False) -> None:
        self._close_socket()
        if self.fallback is not None:
            self.fallback.close(abort)


def connect(root: Path, fingerprints, jobs: int | None = None) -> RemoteRenderer | None:
    """The project's background renderer, ready for jobs, or None (fast) when there is none."""
    root = Path(root)
    if not _usable(root):
        return None
    path = socket_path(root)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(HANDSHAKE_TIMEOUT)
    try:
        sock.connect(str(path))
    except (FileNotFoundError, NotADirectoryError):
        sock.close()
        return None
    except ConnectionRefusedError:
        sock.close()
        if not _lock_held(root):
            path.unlink(missing_ok=True)   # a renderer that died left its socket file
        return None
    except OSError:
        sock.close()
        return None
    try:
        _send_json(sock, {"op": "hello", "version": __version__,
                          "fingerprint": fingerprint(fingerprints)})
        reply = _recv_json(sock)
        if reply.get("ok") is True:
            return RemoteRenderer(sock, int(reply.get("pid", 0)), jobs)
    except (OSError, ProtocolError, ValueError, TypeError):
        pass
    sock.close()
    return None


def start(root: Path) -> subprocess.Popen | None:
    """Start the project's background renderer unless one is live; returns at once."""
    root = Path(root).resolve()
    if not _usable(root) or not (root / ".presskit").is_dir() or _lock_held(root):
        return None
    try:
        return subprocess.Popen([sys.executable, "-m", "presskit.renderer", str(root)],
                                cwd=root, start_new_session=True, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                close_fds=True)
    except OSError:
        return None   # no renderer this time; the build itself has succeeded


def running_pid(root: Path) -> int | None:
    """The pid of the project's renderer while one holds the lock, else None."""
    lock = Path(root) / ".presskit" / LOCK
    if not _lock_held(Path(root)):
        return None
    try:
        return int(lock.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


def stop(root: Path, timeout: float = 10.0) -> bool:
    """Stop the project's renderer (SIGTERM, then SIGKILL) and wait for it; True if one ran."""
    pid = running_pid(root)
    if pid is None:
        return False
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _lock_held(Path(root)) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.02)
    if _lock_held(Path(root)):
        _signal(pid, signal.SIGKILL)
    _reap(pid)
    return True


def wait_ready(root: Path, fingerprints, timeout: float = 60.0) -> int | None:
    """Wait until the project's renderer answers; its pid, or None if none came up in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        remote = connect(root, fingerprints)
        if remote is not None:
            remote.close()
            return remote.pid
        time.sleep(0.05)
    return None


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(pid: int) -> None:
    """Collect the exit of a renderer this process started (a build run in-process)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _lock_held(root: Path) -> bool:
    try:
        fd = os.open(Path(root) / ".presskit" / LOCK, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


# --- the server ------------------------------------------------------------------------------

class _Stop(Exception):
    pass


class Server:
    """The renderer of one project: one connection at a time, its jobs on warm processes."""

    def __init__(self, root: Path):
        from .cache import Fingerprints

        self.root = root
        self.allowed = {r.resolve() for r in theme.readable_roots(root)}
        self.fingerprint = fingerprint(Fingerprints(root))
        self.idle = float(os.environ.get("PRESSKIT_RENDERER_IDLE") or DEFAULT_IDLE)
        self.path = socket_path(root)
        self.listener: socket.socket | None = None
        self.inode: int | None = None
        self.pool = None
        self.pool_size = 0
        self.last_job = time.monotonic()

    def listen(self) -> None:
        """Bind a fresh socket beside the final name, then rename it into place: a client never
        finds a socket that is not yet listening."""
        temporary = self.path.with_name(f".{SOCKET}.{os.getpid()}")
        temporary.unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        previous = os.umask(0o177)
        try:
            listener.bind(str(temporary))
        finally:
            os.umask(previous)
        os.chmod(temporary, 0o600)
        listener.listen(8)
        listener.settimeout(POLL)
        os.replace(temporary, self.path)
        self.listener = listener
        self.inode = self.path.stat().st_ino
        global _LISTENER
        _LISTENER = listener

    def serve(self) -> None:
        self.last_job = time.monotonic()   # idle from now, not from before the warm-up
        while True:
            if not self._socket_is_ours() or time.monotonic() - self.last_job > self.idle:
                return
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            with conn:
                try:
                    self._handle(conn)
                except _Stop:
                    return
                except (OSError, ProtocolError, ValueError, KeyError, TypeError):
                    pass   # one client's trouble is not the renderer's

    def _socket_is_ours(self) -> bool:
        try:
            return self.path.stat().st_ino == self.inode
        except OSError:
            return False

    def _handle(self, conn: socket.socket) -> None:
        _pid, uid, _gid = _CRED.unpack(conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                       _CRED.size))
        if uid != os.getuid():
            return
        conn.settimeout(5.0)   # a client says hello at once; a silent one must not block others
        hello = _recv_json(conn)
        if hello.get("op") != "hello":
            return
        if hello.get("fingerprint") != self.fingerprint or hello.get("version") != __version__:
            _send_json(conn, {"ok": False, "reason": "another presskit"})
            raise _Stop   # another presskit builds here now: make room for its own renderer
        _send_json(conn, {"ok": True, "pid": os.getpid()})
        conn.settimeout(FRAME_TIMEOUT)   # the jobs come once the build has read the project
        try:
            request = _recv_json(conn)
        except ProtocolError:
            return        # a client that only asked whether the renderer is up
        if request.get("op") == "build":
            # Messages name files relative to the working folder: the client's, not this one's.
            try:
                os.chdir(str(request.get("cwd") or self.root))
            except OSError:
                _send_json(conn, {"failed": "cannot enter the client's folder"})
                return
            try:
                only = request.get("only")
                self._build(conn, [str(slug) for slug in request["slugs"]],
                            bool(request.get("write_html")), int(request.get("processes", 1)),
                            None if only is None else [str(slug) for slug in only])
            finally:
                os.chdir(self.root)
            return
        if request.get("op") != "render":
            return
        jobs = [self._job(item) for item in request["jobs"]]
        if any(job is None for job in jobs):
            _send_json(conn, {"failed": "a job reads outside the project"})
            return
        self._render(conn, jobs, int(request.get("processes", 1)))

    def _build(self, conn: socket.socket, slugs: list[str], write_html: bool,
               processes: int, only: list[str] | None = None) -> None:
        """The "build" request: read this project, render the HTML of `slugs` (bad input is
        answered with its lines, before any PDF), send each release's inputs, then the PDFs."""
        from .build import pdf_jobs, read_releases
        from .cache import Fingerprints, release_inputs
        from .load import load_project

        self.last_job = time.monotonic()
        try:
            project = load_project(self.root, only=only)
            releases, htmls = read_releases(project, slugs)
        except PresskitError as exc:
            _send_json(conn, {"stopped": exc.lines(), "exit_code": exc.exit_code})
            return
        fingerprints = Fingerprints(self.root)
        _send_json(conn, {"inputs": {slug: release_inputs(project, releases[slug], fingerprints)
                                     for slug in slugs}})
        self._render(conn, pdf_jobs(project, htmls, slugs), processes,
                     htmls if write_html else None)

    def _render(self, conn: socket.socket, jobs: list[Job], processes: int,
                htmls: dict[str, str] | None = None) -> None:
        """Render `jobs` and send each outcome as it comes: a header, then the PDF."""
        self.last_job = time.monotonic()
        try:
            for outcome in self._renderer(len(jobs), processes).run(jobs):
                slug = outcome.job.slug
                error = outcome.error.lines() if outcome.error is not None else None
                header = {"slug": slug, "warnings": outcome.warnings or [], "error": error}
                if htmls is not None:
                    header["html"] = htmls[slug]
                _send_json(conn, header)
                if error is None:
                    _send(conn, outcome.data)
        except PresskitError as exc:   # a worker died: drop the pool, the client renders
            self._close_pool(abort=True)
            _send_json(conn, {"failed": " ".join(exc.lines())})
        self.last_job = time.monotonic()

    def _job(self, item: dict) -> Job | None:
        roots = tuple(Path(r).resolve() for r in item["roots"])
        base = Path(item["base"]).resolve()
        if not roots or any(r not in self.allowed for r in roots) or base not in self.allowed:
            return None   # the socket must not widen pdf.confined_fetcher's confinement
        return Job(str(item["slug"]), str(item["html"]), base, roots)

    def _renderer(self, count: int, processes: int):
        """This process for one job; a pool of warm workers, kept for the next build, for more."""
        from .jobs import InlineRenderer

        size = min(count, processes, default_jobs())
        if size <= 1:
            return InlineRenderer()
        if self.pool is None or self.pool_size != size:
            self._close_pool()
            # Forked from this warm process (workers._context), dying with it.
            self.pool = PoolRenderer(size, initializer=_pool_worker)
            self.pool_size = size
        return self.pool

    def _close_pool(self, abort: bool = False) -> None:
        if self.pool is not None:
            self.pool.close(abort=abort)
            self.pool = None

    def close(self) -> None:
        self._close_pool(abort=True)
        if self.listener is not None:
            self.listener.close()
            if self._socket_is_ours():
                self.path.unlink(missing_ok=True)


_LISTENER: socket.socket | None = None
_LOCK_FD: int | None = None


def _pool_worker() -> None:
    """A pool worker's initializer: die with the renderer, let go of its socket and lock."""
    import ctypes

    from .jobs import warm_worker

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if _LISTENER is not None:
        _LISTENER.close()
    if _LOCK_FD is not None:
        os.close(_LOCK_FD)
    warm_worker()


def _take_lock(root: Path) -> int | None:
    """The project's lock file, held: only its holder is the renderer. None if taken."""
    global _LOCK_FD
    fd = os.open(root / ".presskit" / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    _LOCK_FD = fd
    return fd


def _warm_reader(root: Path) -> None:
    """Read the project and render one release, HTML and PDF, so that what that needs (the
    YAML loader, Jinja and the compiled templates, Markdown, the language's dates, the
    project's own stylesheet parsed, its fonts and hyphenation) is loaded before the first
    build comes, which is then as quick as the next."""
    from . import cache, render  # noqa: F401 - release_inputs needs it too
    from .load import load_project
    from .pdf import render_pdf

    try:
        project = load_project(root)
        for release in list(project.releases.values())[-1:]:
            render_pdf(render.release_html(project, release), project.root,
                       theme.readable_roots(project.root))
    except Exception:  # noqa: BLE001 - bad input, or anything else, is the build's to report
        pass


def main(argv: list[str] | None = None) -> int:
    """`python -m presskit.renderer ROOT`: the background renderer of the project at ROOT."""
    from .jobs import warm_worker

    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]).resolve()
    if not (root / ".presskit").is_dir() or _take_lock(root) is None:
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = Server(root)
    try:
        os.chdir(root)
        warm_worker()   # imports WeasyPrint, loads fonts, lays out a page; ignores Ctrl-C
        _warm_reader(root)
        server.listen()
        server.serve()
    except OSError:
        return 0        # the project went away while starting: nothing to serve
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
