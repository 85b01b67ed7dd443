"""A shared project cannot reach outside itself (issue 19): a symlink in it that leads out is
refused with one line naming it, never followed, never quoted; nothing is written or deleted
through one; a project's templates run in Jinja2's sandbox."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO, ProjectMaker, run, stop

SLUG = "2024-03-05-clinics-open"
# What lies outside the project: a file whose every line would show if it were echoed.
SECRET = "PRESSKIT_SMTP_PASSWORD=hunter2-outside\n"


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the project, with a secret file in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET)
    return folder


def link(project: ProjectMaker, relative: str, target: Path) -> Path:
    path = project.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


def refused(result, relative: str, what: str = "reads") -> None:
    """One line on stderr naming the link, exit 1, no traceback, no secret."""
    assert result.exit_code == 1, result.output
    kind = "folder" if what == "writes" and not relative.endswith(".lock") else "file"
    line = f"{relative}: a link to a {kind} outside the project; presskit {what} nothing " \
           f"outside it"
    assert any(said == line or said.endswith("/" + line)
               for said in result.stderr.splitlines()), result.stderr
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output


# -- reading ----------------------------------------------------------------------------------

def test_a_media_list_linked_out_is_refused_not_printed(project, outside):
    link(project, "media/env.csv", outside / "secret.txt")
    result = run("check", project_dir=project.root)
    refused(result, "media/env.csv")


def test_the_environment_of_presskit_itself_is_never_printed(project):
    link(project, "media/env.csv", Path("/proc/self/environ"))
    os.environ["PRESSKIT_TEST_CANARY"] = "canary-in-the-environment"
    try:
        result = run("check", project_dir=project.root)
    finally:
        del os.environ["PRESSKIT_TEST_CANARY"]
    assert result.exit_code == 1
    assert "canary" not in result.output
    assert "media/env.csv: a link to a file outside the project" in result.stderr


def test_suppressed_txt_linked_out_is_refused(project, outside):
    project.write("presskit.yaml", {"email": {"from": "NRHA Press <press@example.org>"}})
    project.write("media/journalists.csv", "email\nana@example.org\n")
    link(project, "media/suppressed.txt", outside / "secret.txt")
    refused(run("check", project_dir=project.root), "media/suppressed.txt")
    result = run("send", SLUG, "--to", "journalists", "--dry-run", project_dir=project.root)
    refused(result, "media/suppressed.txt")


def test_a_release_linked_out_is_refused_not_quoted(project, outside):
    link(project, "releases/2024-04-01-linked.yaml", outside / "secret.txt")
    refused(run("check", project_dir=project.root), "releases/2024-04-01-linked.yaml")


def test_organization_and_settings_linked_out_are_refused(project, outside):
    (project.root / "organization.yaml").unlink()
    link(project, "organization.yaml", outside / "secret.txt")
    link(project, "presskit.yaml", outside / "secret.txt")
    result = run("check", project_dir=project.root)
    refused(result, "organization.yaml")
    refused(result, "presskit.yaml")


def test_a_link_inside_the_project_is_followed(project):
    project.write("shared/journalists.csv", "email,name\nana@example.org,Ana\n")
    link(project, "media/journalists.csv", project.root / "shared" / "journalists.csv")
    result = run("check", project_dir=project.root)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("template", ["_letterhead.html", "release.html"])
def test_a_template_linked_out_goes_into_no_pdf(project, outside, template):
    link(project, f"templates/{template}", outside / "secret.txt")
    result = run("build", project_dir=project.root)
    refused(result, f"templates/{template}")
    assert not (project.root / "dist" / "releases" / f"{SLUG}.pdf").exists()


def test_an_email_template_linked_out_goes_into_no_message(project, outside):
    project.write("presskit.yaml", {"email": {"from": "NRHA Press <press@example.org>"}})
    project.write("media/journalists.csv", "email\nana@example.org\n")
    link(project, "templates/email/body.txt", outside / "secret.txt")
    result = run("send", SLUG, "--to", "journalists", "--dry-run", project_dir=project.root)
    refused(result, "templates/email/body.txt")
    outbox = project.root / "dist" / "outbox" / SLUG
    assert not any("hunter2" in p.read_text() for p in outbox.glob("*.eml"))


def test_a_stylesheet_linked_out_is_refused(project, outside):
    link(project, "styles/release.css", outside / "secret.txt")
    refused(run("build", project_dir=project.root), "styles/release.css")


def test_the_builtin_theme_lends_its_templates_and_styles_not_the_checkout():
    from presskit import theme

    roots = theme.readable_roots(Path("/tmp/some-project"))
    assert Path("/tmp/some-project") in roots
    assert REPO not in roots   # in a source checkout: its .git, its tests, its sample
    assert {r.name for r in roots[1:]} == {"templates", "styles"}


def test_a_render_cannot_fetch_a_file_of_the_checkout(project):
    from presskit import theme
    from presskit.pdf import confined_fetcher

    fetcher = confined_fetcher(theme.readable_roots(project.root))
    with pytest.raises(ValueError, match="outside the project"):
        fetcher.fetch((REPO / "pyproject.toml").as_uri())
    assert fetcher.fetch((REPO / "styles" / "release.css").as_uri()) is not None


# -- templates run no code --------------------------------------------------------------------

EXPLOIT = '{{ cycler.__init__.__globals__.os.popen("touch %s").read() }}\n'


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_template_cannot_reach_python(project, tmp_path, command):
    witness = tmp_path / "ran"
    project.write("templates/release.html", "<p>one</p>\n" + EXPLOIT % witness)
    result = run(command, project_dir=project.root)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert any("templates/release.html:2:1: template error: access to attribute '__init__'"
               in line for line in lines), result.stderr
    assert not witness.exists()
    assert "Traceback" not in result.output


def test_an_email_template_cannot_reach_python(project, tmp_path):
    witness = tmp_path / "ran"
    project.write("presskit.yaml", {"email": {"from": "NRHA Press <press@example.org>"}})
    project.write("media/journalists.csv", "email\nana@example.org\n")
    project.write("templates/email/body.txt", EXPLOIT % witness)
    result = run("send", SLUG, "--to", "journalists", "--dry-run", project_dir=project.root)
    assert result.exit_code == 1, result.output
    assert "templates/email/body.txt:1:1: template error:" in result.stderr
    assert not witness.exists()


# -- writing ----------------------------------------------------------------------------------

def test_build_neither_deletes_nor_writes_through_dist_releases_linked_out(project, outside):
    (outside / "2020-01-01-old-release.pdf").write_bytes(b"%PDF-1.7 someone else's")
    link(project, "dist/releases", outside)
    refused(run("build", project_dir=project.root), "dist/releases", "writes")
    assert sorted(p.name for p in outside.iterdir()) == ["2020-01-01-old-release.pdf",
                                                         "secret.txt"]


def test_build_refuses_a_state_folder_linked_out(project, outside):
    link(project, ".presskit", outside)
    refused(run("build", project_dir=project.root), ".presskit", "writes")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def test_kit_refuses_dist_kits_linked_out(project, outside):
    link(project, "dist/kits", outside)
    refused(run("kit", "--year", "2024", project_dir=project.root), "dist/kits", "writes")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def test_a_dry_run_deletes_nothing_through_its_outbox_linked_out(project, outside):
    project.write("presskit.yaml", {"email": {"from": "NRHA Press <press@example.org>"}})
    project.write("media/journalists.csv", "email\nana@example.org\n")
    (outside / "keep.eml").write_text("someone else's message")
    link(project, f"dist/outbox/{SLUG}", outside)
    result = run("send", SLUG, "--to", "journalists", "--dry-run", project_dir=project.root)
    refused(result, f"dist/outbox/{SLUG}", "writes")
    assert (outside / "keep.eml").read_text() == "someone else's message"


def test_a_send_lock_linked_out_is_not_truncated(project, outside, smtp_server):
    project.write("presskit.yaml", {"email": {
        "from": "NRHA Press <press@example.org>", "per_minute": 0,
        "smtp": {"host": "127.0.0.1", "port": smtp_server.port, "security": "none"}}})
    project.write("media/journalists.csv", "email\nana@example.org\n")
    link(project, ".presskit/send.lock", outside / "secret.txt")
    result = run("send", SLUG, "--to", "journalists", project_dir=project.root)
    refused(result, ".presskit/send.lock", "writes")
    assert (outside / "secret.txt").read_text() == SECRET
    assert smtp_server.handler.received == []


def test_a_send_lock_linked_inside_is_refused_too(project, smtp_server):
    project.write("presskit.yaml", {"email": {
        "from": "NRHA Press <press@example.org>", "per_minute": 0,
        "smtp": {"host": "127.0.0.1", "port": smtp_server.port, "security": "none"}}})
    project.write("media/journalists.csv", "email\nana@example.org\n")
    link(project, ".presskit/send.lock", project.root / "organization.yaml")
    before = (project.root / "organization.yaml").read_bytes()
    result = run("send", SLUG, "--to", "journalists", project_dir=project.root)
    assert result.exit_code == 1
    assert ".presskit/send.lock: a link; presskit locks only a file of its own" in result.stderr
    assert (project.root / "organization.yaml").read_bytes() == before


# -- the preview answers only for this machine ------------------------------------------------

def _serve(root: Path, host: str):
    """`presskit serve --host HOST --port 0` in a subprocess: (process, port, what it said)."""
    import re
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "presskit", "--project", str(root),
                                "serve", "--port", "0", "--host", host],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    said = []
    for line in process.stderr:   # up to the line with the address
        said.append(line)
        match = re.search(r"http://\S+:(\d+)/", line)
        if match:
            return process, int(match[1]), said
    process.wait(10)
    pytest.skip(f"cannot listen on {host} here: {said}")


def _status(address: str, port: int, host_header: str) -> int:
    import http.client

    connection = http.client.HTTPConnection(address, port, timeout=60)
    try:
        connection.request("GET", "/version.json", headers={"Host": host_header})
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("bind, connect", [("127.0.0.1", "127.0.0.1"), ("127.0.0.2", "127.0.0.2"),
                                           ("0.0.0.0", "127.0.0.1"), ("::", "::1")])
def test_the_preview_refuses_a_foreign_host_on_every_bind_address(project, bind, connect):
    import socket

    process, port, said = _serve(project.root, bind)
    try:
        assert _status(connect, port, "evil.example") == 403
        assert _status(connect, port, f"evil.example:{port}") == 403
        assert _status(connect, port, f"localhost:{port}") == 200
        shown = f"[{connect}]" if ":" in connect else connect
        assert _status(connect, port, f"{shown}:{port}") == 200
        if bind in ("0.0.0.0", "::"):   # this machine by its own name, as a colleague asks
            assert _status(connect, port, f"{socket.gethostname()}:{port}") == 200
    finally:
        stop(process)
        said += process.stderr.read().splitlines()
    warned = any("warning: listening on" in line for line in said)
    assert warned == (bind in ("0.0.0.0", "::")), said


def test_the_build_cache_reads_no_file_outside_the_project(project, outside):
    from presskit.cache import OUTSIDE, Fingerprints
    from presskit.render import theme_sources

    link(project, "templates/unused.html", outside / "secret.txt")
    fingerprints = Fingerprints(project.root.resolve())
    names = [fingerprints.name(p) for p in theme_sources(project.root.resolve())]
    linked = [n for n in names if n.endswith("secret.txt")]
    assert linked and fingerprints.digest(linked[0]) == OUTSIDE
    assert run("build", project_dir=project.root).exit_code == 0


def test_kit_refuses_a_state_folder_linked_out(project, outside):
    link(project, ".presskit", outside)
    refused(run("kit", "--year", "2024", project_dir=project.root), ".presskit", "writes")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


