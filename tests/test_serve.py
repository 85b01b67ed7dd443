"""`presskit serve`: a real server in a subprocess, fetched over HTTP with urllib."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import interrupt, pdftotext, stop

SLUG = "2024-03-05-clinics-open"


class Server:
    """`presskit serve --port 0` in a subprocess; its stderr is collected as it comes."""

    def __init__(self, root: Path, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "presskit", "--project", str(root), "serve", "--port", "0",
             *args], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.lines: list[str] = []
        self.started = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()
        assert self.started.wait(60), self.lines
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", self.lines[0])
        assert match, self.lines
        self.port = int(match.group(1))
        self.base = f"http://127.0.0.1:{self.port}"

    def _drain(self):
        for line in self.process.stderr:
            self.lines.append(line)
            self.started.set()
        self.started.set()

    def get(self, path: str, **headers) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, (status, body[:300])
        return body.decode("utf-8")

    def pdf_text(self, path: str, tmp: Path) -> str:
        status, headers, body = self.get(path)
        assert status == 200 and headers["Content-Type"] == "application/pdf", (status, body[:300])
        target = tmp / "fetched.pdf"
        target.write_bytes(body)
        return " ".join(pdftotext(target).split())   # a headline may wrap anywhere

    def version(self) -> dict:
        return json.loads(self.text("/version.json"))

    def wait_for(self, predicate, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.version()
            if predicate(state):
                return state
            time.sleep(0.2)
        raise AssertionError(f"timed out; last state {state}; server said {self.lines}")

    def stop(self):
        stop(self.process)


@pytest.fixture
def server(project):
    running = Server(project.root)
    yield running
    running.stop()


def test_index_lists_releases_and_the_pdf_is_served(server, tmp_path):
    index = server.text("/")
    assert f'href="/releases/{SLUG}"' in index
    assert "Mobile clinics open at the northern crossing" in index
    assert f'href="/releases/{SLUG}.pdf"' in index
    state = server.wait_for(lambda v: v["items"].get(f"releases/{SLUG}") == "built")
    assert state["errors"] == []
    assert "built" in server.text("/")
    text = server.pdf_text(f"/releases/{SLUG}.pdf", tmp_path)
    assert "Mobile clinics open at the northern crossing" in text
    page = server.text(f"/releases/{SLUG}")
    assert f'src="/releases/{SLUG}.pdf?v=' in page          # the browser's own PDF viewer
    assert f'src="/releases/{SLUG}/page-1.png?v=' in page   # and the pages as images
    status, headers, png = server.get(f"/releases/{SLUG}/page-1.png")
    assert status == 200 and png.startswith(b"\x89PNG")
    assert "fetch('/version.json'" in page                   # it reloads by itself
    assert f'var key = "releases/{SLUG}"' in page            # when this release changes
    assert f"releases/{SLUG}" in server.version()["versions"]


def test_an_edit_shows_in_the_next_pdf_and_bumps_the_version(server, project, tmp_path):
    server.wait_for(lambda v: v["items"].get(f"releases/{SLUG}") == "built")
    before = server.version()["version"]
    project.release(title="Clinics reach the eastern valley")
    # The very next request gets the new PDF: no waiting for the watcher.
    text = server.pdf_text(f"/releases/{SLUG}.pdf", tmp_path)
    assert "Clinics reach the eastern valley" in text
    assert "northern crossing" not in text
    assert server.version()["version"] > before
    assert "Clinics reach the eastern valley" in server.text("/")


def test_the_watcher_rebuilds_without_a_request(server, project):
    server.wait_for(lambda v: v["items"].get(f"releases/{SLUG}") == "built")
    project.release("2024-04-01-second", title="A second release")
    server.wait_for(lambda v: v["items"].get("releases/2024-04-01-second") == "built")
    assert (project.root / "dist" / "releases" / "2024-04-01-second.pdf").is_file()


def test_a_deleted_release_takes_its_pdf_with_it(server, project):
    project.release("2024-04-01-second", title="A second release")
    server.wait_for(lambda v: v["items"].get("releases/2024-04-01-second") == "built")
    pdf = project.root / "dist" / "releases" / "2024-04-01-second.pdf"
    assert pdf.is_file()
    (project.root / "releases" / "2024-04-01-second.yaml").unlink()
    server.wait_for(lambda v: "releases/2024-04-01-second" not in v["items"])
    deadline = time.monotonic() + 10
    while pdf.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pdf.exists()
    assert (project.root / "dist" / "releases" / f"{SLUG}.pdf").is_file()
    assert "removed dist/releases/2024-04-01-second.pdf\n" in server.lines


def test_a_data_error_shows_in_place_and_the_server_keeps_running(server, project, tmp_path):
    server.wait_for(lambda v: v["items"].get(f"releases/{SLUG}") == "built")
    path = project.write(f"releases/{SLUG}.yaml", "title: Broken\ndate: 2024-13-45\n"
                                                  "dateline: Portland, ME\nbody: x\n")
    state = server.wait_for(lambda v: v["errors"])
    assert state["items"][f"releases/{SLUG}"] == "error"
    message = f"{path}:2:7: 'date' is not a real date: '2024-13-45'"
    assert state["errors"] == [message]
    assert message in server.text("/")
    page = server.text(f"/releases/{SLUG}")
    assert message in page
    assert "the last version that built" in page
    # The last good PDF stays in view, marked as such.
    status, headers, _ = server.get(f"/releases/{SLUG}.pdf")
    assert status == 200 and headers["X-Presskit-State"] == "error"

    project.release(title="Fixed and rebuilt")
    server.wait_for(lambda v: not v["errors"])
    assert "Fixed and rebuilt" in server.pdf_text(f"/releases/{SLUG}.pdf", tmp_path)
    assert server.process.poll() is None
    # The terminal was told of the problem when it came, and when it went.
    told = [line.rstrip("\n") for line in server.lines]
    assert told.index(message) < told.index("no problems: the previews are current again")


def test_a_yaml_syntax_error_in_the_organization_marks_every_release(server, project):
    project.write("organization.yaml", "name: [unclosed\n")
    state = server.wait_for(lambda v: v["errors"])
    assert all(s == "error" for s in state["items"].values())
    assert state["errors"][0].startswith(f"{project.root / 'organization.yaml'}:")
    assert "YAML syntax error" in server.text(f"/releases/{SLUG}")


def test_unknown_pages_foreign_host_names_and_other_machines_are_refused(server):
    assert server.get("/releases/nope.pdf")[0] == 404
    assert server.get("/releases/../../etc/passwd")[0] == 404
    assert server.get("/", Host="attacker.example.com")[0] == 403
    assert server.get("/", Host=f"localhost:{server.port}")[0] == 200
    # It listens on loopback only: this machine's other address, where it has one, is closed.
    address = _outside_address()
    if address is not None:
        with pytest.raises(OSError):
            socket.create_connection((address, server.port), timeout=2).close()


def test_a_busy_port_gives_one_clear_line(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "presskit", "--project", str(project.root),
                               "serve", "--port", str(port)], capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 1
    assert done.stderr == (f"127.0.0.1:{port}: the port is in use; stop what uses it or "
                           f"choose another with --port\n")


def test_serve_outside_a_project_refuses(tmp_path):
    done = subprocess.run([sys.executable, "-m", "presskit", "--project", str(tmp_path),
                           "serve", "--port", "0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith(f"{tmp_path / 'organization.yaml'}: missing")


def _outside_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent over UDP connect
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_ctrl_c_stops_the_server_cleanly(project):
    running = Server(project.root)
    assert interrupt(running.process, within=30) == 0
    time.sleep(0.2)
    assert running.lines[-1].strip() == "stopped"
    assert not any("Traceback" in line for line in running.lines)


def test_titles_are_shown_as_text_not_markup(server, project):
    project.release(title='<img src=x onerror=alert(1)> & "more"')
    server.wait_for(lambda v: v["versions"].get(f"releases/{SLUG}", 0) > 0)
    index = server.text("/")
    page = server.text(f"/releases/{SLUG}")
    for html in (index, page):
        assert "<img src=x" not in html
    assert '&lt;img src=x onerror=alert(1)&gt; &amp; "more"' in page


def test_a_current_release_is_served_at_once_while_a_kit_builds(project):
    # A kit takes seconds to build; a release already current must not wait behind it.
    from presskit.preview.state import Preview

    preview = Preview(project.root)
    key = f"releases/{SLUG}"
    assert preview.ensure_current(key).state == "built"
    with preview._build_locks["kits"]:      # as while a kit is being built
        done = threading.Event()
        threading.Thread(target=lambda: (preview.ensure_current(key), done.set()),
                         daemon=True).start()
        assert done.wait(30), "a current release waited for the kit's build"


def test_an_edited_release_is_rebuilt_while_its_year_s_kit_builds(project):
    """An edit makes the year's kit stale too; the edited release is built in this process
    while the kit builds in a worker of its own: the release's new PDF comes first."""
    from presskit.preview.state import Preview

    body = "\n\n".join(f"Paragraph {i}: the clinics saw more patients this week than in any "
                        f"week since they opened, staff said." for i in range(40))
    for day in range(10, 12):
        project.release(f"2024-03-{day}-report", title=f"Report {day}", date=f"2024-03-{day}",
                        body=body)
    preview = Preview(project.root)
    preview.refresh()
    key = f"releases/{SLUG}"
    assert preview.ensure_current(key).state == "built"
    finished: list[str] = []
    kit = threading.Thread(target=lambda: (preview.ensure_current("kits/2024"),
                                           finished.append("kit")))
    kit.start()
    while preview.snapshot()[2][-1].state != "building":   # the kit is on its way
        time.sleep(0.02)
    project.release(title="Clinics reach the eastern valley")
    item = preview.ensure_current(key)
    finished.append("release")
    kit.join(120)
    assert item.state == "built" and finished == ["release", "kit"]
    assert "eastern valley" in pdftotext(item.pdf)
    assert (project.root / "dist" / "kits" / "press-kit-2024.pdf").is_file()


def test_the_newsroom_is_previewed_with_embargoed_releases_marked(project, tmp_path):
    """/site/ is the site `presskit site` makes, but with every release: one still under
    embargo is there, its release line saying so; dist/site/ is not touched."""
    project.release("2099-01-05-future", title="A release for later", date="2099-01-05",
                    embargo="2099-01-05T09:00:00-05:00")
    running = Server(project.root)
    try:
        assert 'href="/site/"' in running.text("/")
        front = running.text("/site/")
        assert "A release for later" in front and "Mobile clinics open" in front
        later = running.text("/site/releases/2099-01-05-future.html")
        assert "Embargoed until" in later
        status, headers, pdf = running.get("/site/releases/2099-01-05-future.pdf")
        assert status == 200 and pdf.startswith(b"%PDF-")
        assert headers["Content-Type"] == "application/pdf"
        assert running.get("/site/../organization.yaml")[0] == 404
    finally:
        running.stop()
    assert not (project.root / "dist" / "site").exists()


def test_a_dropped_word_document_becomes_a_release(server, project, tmp_path):
    """The front page takes a .docx (presskit import): the release is written and shown."""
    import docx

    document = docx.Document()
    document.add_paragraph("Clinics reach the ridge", style="Title")
    document.add_paragraph("Portland, ME, March 28, 2024 — The Alliance opened a clinic.")
    source = tmp_path / "ridge.docx"
    document.save(str(source))
    assert 'id="drop"' in server.text("/")

    def post(headers):
        request = urllib.request.Request(server.base + "/import", data=source.read_bytes(),
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    # Without the header no other site's page can send, nothing is written.
    assert post({"Content-Type": "text/plain"})[0] == 403
    status, body = post({"X-Presskit-Import": "ridge%20draft.docx"})
    assert status == 200, body
    slug = "2024-03-28-clinics-reach-ridge"
    assert body["url"] == f"/releases/{slug}"
    assert (project.root / "releases" / f"{slug}.yaml").is_file()
    assert not list((project.root / ".presskit" / "imports").iterdir())
    assert "Clinics reach the ridge" in server.pdf_text(f"/releases/{slug}.pdf", tmp_path)
    status, again = post({"X-Presskit-Import": "ridge.docx"})
    assert status == 409
    assert json.loads(again)["errors"][0].endswith(
        "already exists (imported before?); nothing written. Give --force to replace it, or "
        "--slug to name another release")
