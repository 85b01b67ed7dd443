"""`presskit send` after an exploratory QA pass: the list name, an unreachable server, plain
SMTP to another host, a dry run under embargo, a new project's sender, and where each problem
is pointed at (path:line:column, the path as the user would type it).

A real aiosmtpd on 127.0.0.1 (a bare socket for a server that never answers or only greets),
real files, the CLI through click's CliRunner.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import socket
import threading
from contextlib import contextmanager
from email import message_from_bytes, policy

import pytest
from aiosmtpd.smtp import SMTP

from presskit.errors import DeliveryError
from presskit.load import load_project
from presskit.mail.ledger import Ledger
from presskit.mail.medialist import cell_starts
from presskit.mail.send import send_release
from presskit.mail.smtp import is_loopback

from conftest import run
from smtp_server import Handler, Server, free_port, server_tls_context
from test_send import ADDRESSES, FAST, SLUG, configure, ledger_rows, send

LISTS = "(lists: journalists)"


def not_a_list(name: str) -> str:
    return (f"--to {name}: not a list name; a list is named by its file in media/ without a "
            f"folder, such as 'journalists' for media/journalists.csv {LISTS}\n")


# -- 1. --to names a list in media/, nothing else --------------------------------------------

@pytest.mark.parametrize("name", ["../../outside", "../organization", ".hidden", "sub/list",
                                  "sub\\list", "..", "a..b", ".csv"])
def test_to_refuses_a_path(project, name):
    configure(project, 2525)
    # Files such names could reach: a list outside media/ (and organization.yaml), a hidden
    # file, a list in a subfolder; and a file whose name --to cannot give, left out of the
    # lists named.
    (project.root.parent / "outside.csv").write_text("email\nout@example.org\n")
    project.write("media/.hidden.csv", "email\nhidden@example.org\n")
    project.write("media/sub/list.csv", "email\nsub@example.org\n")
    project.write("media/a..b.csv", "email\nab@example.org\n")
    result = run("send", SLUG, "--to", name, "--dry-run", project_dir=project.root)
    assert result.exit_code == 1
    assert result.stderr == not_a_list(name)
    assert not (project.root / "dist" / "outbox").exists()


def test_to_takes_a_list_by_its_file_name_too(project, smtp_server):
    configure(project, smtp_server.port)
    dry = run("send", SLUG, "--to", "journalists.csv", "--dry-run", project_dir=project.root)
    assert dry.exit_code == 0, dry.stderr
    assert len(list((project.root / "dist" / "outbox" / SLUG).glob("*.eml"))) == 3
    real = run("send", SLUG, "--to", "journalists.csv", project_dir=project.root)
    assert real.exit_code == 0, real.stderr
    assert f"{SLUG} to journalists: sent 3" in real.stderr
    with Ledger(project.root / ".presskit" / "sent.jsonl", create=False) as book:
        assert {e.list for e in book.entries(SLUG).values()} == {"journalists"}
    # A suffix names that very file: there is no media/journalists.yaml.
    other = run("send", SLUG, "--to", "journalists.yaml", "--dry-run", project_dir=project.root)
    assert other.exit_code == 1
    assert other.stderr.endswith(f"media/journalists.yaml: no media list 'journalists.yaml' "
                                 f"{LISTS}\n")


def test_sending_one_release_leaves_the_other_pdfs_alone(project, smtp_server):
    configure(project, smtp_server.port)
    project.release("2024-04-10-second-clinic", title="A second clinic opens")
    assert run("build", project_dir=project.root).exit_code == 0
    before = {p.name: p.read_bytes() for p in (project.root / "dist" / "releases").iterdir()}
    assert len(before) == 2
    for extra in (["--dry-run"], []):
        sent = run("send", SLUG, "--to", "journalists", *extra, project_dir=project.root)
        assert sent.exit_code == 0, sent.stderr
        assert {p.name: p.read_bytes()
                for p in (project.root / "dist" / "releases").iterdir()} == before
    rebuilt = run("build", project_dir=project.root)
    assert "0 built, 2 up to date" in rebuilt.stderr


def test_a_release_is_sent_while_another_is_a_broken_draft(project, smtp_server):
    configure(project, smtp_server.port)
    project.write("releases/2024-06-01-draft.yaml", 'title: "Half-written\nbody: x\n')
    real = run("send", SLUG, "--to", "journalists", project_dir=project.root)
    assert real.exit_code == 0, real.stderr
    assert f"{SLUG} to journalists: sent 3" in real.stderr
    assert run("sent", SLUG, project_dir=project.root).exit_code == 0
    draft = run("send", "2024-06-01-draft", "--to", "journalists", project_dir=project.root)
    assert draft.exit_code == 1 and "releases/2024-06-01-draft.yaml:1:8:" in draft.stderr


def test_a_yaml_list_by_its_file_name(project):
    configure(project, 2525)
    (project.root / "media" / "journalists.csv").unlink()
    project.write("media/desk.yml", [{"email": "ana.reyes@example.org"}])
    result = run("send", SLUG, "--to", "desk.yml", "--dry-run", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert len(list((project.root / "dist" / "outbox" / SLUG).glob("*.eml"))) == 1


# -- 2. a server that cannot be reached: exit 3, everyone named, tried again next time --------

def test_an_unreachable_server_names_everyone_and_the_next_run_retries_them(
        project, smtp_server):
    configure(project, smtp_server.port)
    port = free_port()   # nothing listens there
    result = send(project, "--smtp-port", port)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"127.0.0.1:{port}: cannot connect: Connection refused",
        *[f"{a}: not sent: the server 127.0.0.1:{port} could not be reached; run send again "
          f"later" for a in ADDRESSES]]
    assert {row[0] for row in ledger_rows(project).values()} == {"deferred"}
    shown = run("sent", SLUG, project_dir=project.root)
    assert [line.split()[0] for line in shown.stdout.splitlines()[1:-1]] == ["deferred"] * 3
    assert f"127.0.0.1:{port}: cannot connect: Connection refused" in shown.stdout

    again = send(project)   # the server in presskit.yaml, which is up
    assert again.exit_code == 0, again.stderr
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == ADDRESSES
    assert {row[0] for row in ledger_rows(project).values()} == {"sent"}


def test_a_server_that_never_answers_times_out_as_unreachable(project):
    with socket.create_server(("127.0.0.1", 0)) as silent:   # accepts, never greets
        port = silent.getsockname()[1]
        configure(project, port)
        with pytest.raises(DeliveryError) as caught:
            send_release(load_project(project.root), SLUG, "journalists", timeout=0.5, **FAST)
    assert caught.value.exit_code == 3
    lines = caught.value.lines()
    assert lines[0] == (f"127.0.0.1:{port}: no answer from the server: timed out; a server "
                        f"that wants TLS from the start (as on port 465) never greets: use "
                        f"security ssl in presskit.yaml, or --smtp-security ssl")
    assert [line.split(":")[0] for line in lines[1:]] == ADDRESSES


def test_starttls_to_a_server_that_wants_tls_from_the_start_says_use_ssl(project,
                                                                          certificate):
    """The settings of port 465 (TLS at once) mixed with those of 587 (STARTTLS)."""
    server = Server(Handler(), tls=server_tls_context(certificate), implicit_tls=True).start()
    try:
        configure(project, server.port, security="starttls")
        with pytest.raises(DeliveryError) as caught:
            send_release(load_project(project.root), SLUG, "journalists", timeout=0.5, **FAST)
        assert caught.value.lines()[0].endswith(
            ": no answer from the server: timed out; a server that wants TLS from the start "
            "(as on port 465) never greets: use security ssl in presskit.yaml, or "
            "--smtp-security ssl")
        assert server.handler.received == []
    finally:
        server.stop()


def test_a_failed_tls_handshake_is_unreachable(project, smtp_server):
    configure(project, smtp_server.port, security="ssl")   # a plain server: no TLS at all
    result = send(project)
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == (f"127.0.0.1:{smtp_server.port}: TLS failed: WRONG_VERSION_NUMBER; the "
                        f"server speaks plain SMTP first on this port: use security starttls "
                        f"(port 587) in presskit.yaml, or --smtp-security starttls")
    assert [line.split(":")[0] for line in lines[1:]] == ADDRESSES
    assert {row[0] for row in ledger_rows(project).values()} == {"deferred"}


@contextmanager
def greeting_server(greeting: str):
    """A server on 127.0.0.1 that only greets with ``greeting`` and hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.sendall(greeting.encode() + b"\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@pytest.mark.parametrize("greeting, status", [("421 4.3.2 busy, try again later", 3),
                                              ("554 5.7.1 no service for you", 1)])
def test_a_greeting_that_says_try_later_is_unreachable(project, greeting, status):
    with greeting_server(greeting) as port:
        configure(project, port)
        result = send(project)
    assert result.exit_code == status
    lines = result.stderr.splitlines()
    assert lines[0] == f"127.0.0.1:{port}: the server refused the session: {greeting}"
    if status == 3:   # busy: everyone is named, and tried again next time
        assert [line.split(":")[0] for line in lines[1:]] == ADDRESSES
        assert {row[0] for row in ledger_rows(project).values()} == {"deferred"}
    else:             # a refusal: for the user to look into; nobody is marked as tried
        assert len(lines) == 1 and ledger_rows(project) == {}


def test_no_such_host_is_unreachable(project):
    configure(project, 2525)
    result = send(project, "--smtp-host", "no-such-host.invalid")
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0].startswith("no-such-host.invalid:2525: cannot connect: ")
    assert len(lines) == 4 and lines[1].startswith(f"{ADDRESSES[0]}: not sent: ")


# -- 3. security none: any host, but a password in the clear only to this machine -------------

class PlainAuthServer(Server):
    """The test server, with AUTH offered without TLS (as a relay on this machine may)."""

    def _factory(self):
        return SMTP(self.handler, hostname="localhost", loop=self.loop,
                    authenticator=self._authenticate, auth_required=True,
                    auth_require_tls=False)


def login(monkeypatch, user: str, password: str) -> None:
    monkeypatch.setenv("PRESSKIT_SMTP_USER", user)
    monkeypatch.setenv("PRESSKIT_SMTP_PASSWORD", password)


@pytest.fixture
def auth_server():
    """A plain-SMTP server on loopback that wants a login (press / s3cret)."""
    server = PlainAuthServer(Handler(), users={"press": "s3cret"}).start()
    yield server
    server.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_refused_login_stays_a_refused_action(project, auth_server, monkeypatch):
    # A wrong password is for the user to fix, not a delivery to retry: exit 1, no ledger.
    configure(project, auth_server.port)
    login(monkeypatch, "press", "wrong")
    result = send(project)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"127.0.0.1:{auth_server.port}: login refused (535")
    assert len(result.stderr.splitlines()) == 1
    assert ledger_rows(project) == {}


def loopback_alias() -> str | None:
    """This machine's name when it resolves to 127.0.0.1 only (a name presskit does not know
    for a loopback one): the test server is then reached through a non-loopback name."""
    name = socket.gethostname()
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(name, 25,
                                                                 type=socket.SOCK_STREAM)}
    except OSError:
        return None
    return name if addresses == {"127.0.0.1"} and not is_loopback(name) else None


@pytest.mark.skipif(loopback_alias() is None,
                    reason="this machine's name does not resolve to 127.0.0.1 alone")
def test_plain_smtp_to_a_host_by_a_non_loopback_name(project, smtp_server, monkeypatch):
    host = loopback_alias()
    configure(project, smtp_server.port)
    login(monkeypatch, "press", "s3cret")
    refused = send(project, "--smtp-host", host)
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"{host}:{smtp_server.port}: security 'none' would send "
                                     f"the password in the clear to another machine")
    assert smtp_server.handler.attempts == {}
    monkeypatch.delenv("PRESSKIT_SMTP_USER")
    monkeypatch.delenv("PRESSKIT_SMTP_PASSWORD")
    result = send(project, "--smtp-host", host)
    assert result.exit_code == 0, result.stderr
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == ADDRESSES


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_plain_smtp_with_a_login_to_this_machine(project, auth_server, monkeypatch):
    configure(project, auth_server.port)
    login(monkeypatch, "press", "s3cret")
    result = send(project)
    assert result.exit_code == 0, result.stderr
    assert len(auth_server.handler.received) == 3


# -- 4. and 8. the embargo -------------------------------------------------------------------

def embargo_position(path) -> tuple[int, int]:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith("embargo: "):
            return number, len("embargo: ") + 1
    raise AssertionError("no embargo line")


def outbox(root, slug=SLUG) -> dict[str, object]:
    """The messages a dry run wrote, by file name."""
    return {p.name: message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted((root / "dist" / "outbox" / slug).glob("*.eml"))}


def test_a_dry_run_under_embargo_needs_no_flag(project, smtp_server, monkeypatch):
    configure(project, smtp_server.port)
    path = project.release(embargo="2099-01-05T09:00:00-05:00")
    line, column = embargo_position(path)
    monkeypatch.chdir(project.root)   # paths print relative to the current folder

    dry = run("send", SLUG, "--to", "journalists", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert dry.stderr.splitlines()[0] == (
        f"releases/{SLUG}.yaml:{line}:{column}: note: under embargo until "
        f"2099-01-05 09:00 UTC-05:00; the messages are written as --under-embargo would send "
        f"them; a real send needs --under-embargo")
    assert sum("note:" in line for line in dry.stderr.splitlines()) == 1
    plain = outbox(project.root)
    assert len(plain) == 3
    flagged = run("send", SLUG, "--to", "journalists", "--dry-run", "--under-embargo")
    assert flagged.exit_code == 0, flagged.stderr
    assert "note:" not in flagged.stderr
    for name, msg in outbox(project.root).items():
        other = plain[name]
        assert msg["Subject"].startswith("EMBARGOED UNTIL January 5, 2099")
        for header in ("Subject", "From", "To", "Message-ID"):
            assert other[header] == msg[header]
        for kind in ("plain", "html"):
            assert other.get_body((kind,)).get_content() == msg.get_body((kind,)).get_content()

    real = run("send", SLUG, "--to", "journalists")
    assert real.exit_code == 1
    assert real.stderr == (f"releases/{SLUG}.yaml:{line}:{column}: under embargo until "
                           f"2099-01-05 09:00 UTC-05:00; nothing sent (add --under-embargo to "
                           f"send it to journalists before then, or --at-lift to send it as "
                           f"it lifts)\n")
    assert smtp_server.handler.attempts == {}


# -- 5. a new project sends a dry run as it is ---------------------------------------------

def test_a_new_project_sends_a_dry_run_as_it_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("init", "p").exit_code == 0
    monkeypatch.chdir(tmp_path / "p")
    slug = f"{dt.date.today().isoformat()}-mobile-library-opens"
    result = run("send", slug, "--to", "journalists", "--dry-run")
    assert result.exit_code == 0, result.stderr
    messages = outbox(tmp_path / "p", slug)
    assert len(messages) == 2
    for msg in messages.values():
        assert msg["From"] == "Harbourlight Press Office <press@example.org>"
        assert msg["To"].addresses[0].domain == "example.org"


# -- 6. the sender --------------------------------------------------------------------------

@pytest.mark.parametrize("settings, expected", [
    (None, '1:1: email.from is not set: a send needs a sender; add  email: {from: "Press '
           'Office <press@example.org>"}  to presskit.yaml'),
    ("paper: a4\n", '1:1: email.from is not set: a send needs a sender; add  email: {from: '
                    '"Press Office <press@example.org>"}  to presskit.yaml'),
    ("paper: a4\nemail:\n  per_minute: 10\n",
     '1:1: email.from is not set: a send needs a sender; add  from: "Press Office '
     '<press@example.org>"  under email: in presskit.yaml'),
    # Found by check too, as every settings problem is (schema.SETTINGS).
    ("paper: a4\nemail:\n  from: a@example.org, b@example.org\n",
     "3:9: 'from' must be one e-mail address such as 'Press Office <press@example.org>', "
     "not 'a@example.org, b@example.org'"),
    ("email:\n  from: press@example.org\n  reply_to: 'Desk <desk@>'\n",
     "3:13: 'reply_to' must be one e-mail address such as 'Press Office "
     "<press@example.org>', not 'Desk <desk@>'"),
    ("email:\n  from: press@example\n",
     "2:9: 'from' must be one e-mail address such as 'Press Office <press@example.org>', "
     "not 'press@example'"),
])
def test_the_sender_is_pointed_at(project, monkeypatch, settings, expected):
    project.write("media/journalists.csv", "email\nana@example.org\n")
    if settings is not None:
        project.write("presskit.yaml", settings)
    monkeypatch.chdir(project.root)
    result = run("send", SLUG, "--to", "journalists", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr == f"presskit.yaml:{expected}\n"


# -- 7. media-list problems: line and column --------------------------------------------------

def list_problems(project, monkeypatch, name="journalists"):
    monkeypatch.chdir(project.root)
    result = run("send", SLUG, "--to", name, "--dry-run")
    assert result.exit_code == 1
    return result.stderr.splitlines()


def test_csv_problem_columns(project, monkeypatch):
    configure(project, 2525)
    project.write("media/journalists.csv",
                  '\ufeffname,"outlet, desk",email\n'       # 1 (a byte-order mark first)
                  'Ana,Herald,desk@example.org\n'           # 2
                  '"Ben ""the pen"", Jr.",Wire,bad@\n'      # 3: email at column 29
                  'Dana,"F""M",Desk@example.org\n'          # 4: at column 13
                  'Emil,Radio,emil@example.org,extra\n'     # 5: the 4th cell at column 29
                  'Fay,"TV\n'                               # 6: outlet at column 5 ...
                  'night",fay@example.org\n'                # 7: ... email at column 8
                  'Gil,TV,\n')                              # 8: no address, at column 8
    assert list_problems(project, monkeypatch) == [
        "media/journalists.csv:3:29: 'bad@' is not a valid e-mail address: There must be "
        "something after the @-sign.",
        "media/journalists.csv:4:13: warning: Desk@example.org is on the list twice (first on "
        "line 2); it gets one message, as line 2 has it",
        "media/journalists.csv:5:29: 4 cells but 3 columns",
        "media/journalists.csv:6:5: 'outlet, desk' holds a line break; fields reach mail "
        "headers, where a line break could add headers",
        "media/journalists.csv:8:8: warning: no e-mail address: this row gets no message",
    ]


def test_csv_header_problems(project, monkeypatch):
    configure(project, 2525)
    project.write("media/journalists.csv", "name;outlet;Adresse\nAna;Herald;a@example.org\n")
    assert list_problems(project, monkeypatch) == [
        "media/journalists.csv:1:1: the header row lacks the required column 'email' (it names "
        "'name', 'outlet', 'Adresse'); head the addresses' column email, or E-mail Address as "
        "address books export it"]
    project.write("media/journalists.csv", "Name,Mail\nAna,ana@example.org\n")
    assert run("send", SLUG, "--to", "journalists", "--dry-run").exit_code == 0
    project.write("media/journalists.csv",
                  'email,name,"Email"\nana@example.org,A,ana@example.org\n')
    assert list_problems(project, monkeypatch) == [
        "media/journalists.csv:1:12: column 'email' is given twice"]


def test_a_list_that_is_not_utf8_points_at_the_first_bad_byte(project, monkeypatch):
    configure(project, 2525)
    project.write("media/journalists.csv",
                  "email,name\nana@example.org,Ana\nchloe@example.org,Chlo\xe9\n"
                  .encode("latin-1"))
    assert list_problems(project, monkeypatch) == [
        "media/journalists.csv:3:23: not UTF-8 text (invalid continuation byte); save the file "
        "as UTF-8 (in Excel: Save As, CSV UTF-8)"]


def test_yaml_list_and_suppressed_problems_have_columns(project, monkeypatch):
    configure(project, 2525)
    (project.root / "media" / "journalists.csv").unlink()
    project.write("media/journalists.yaml", "email: ana@example.org\n")
    assert list_problems(project, monkeypatch) == [
        "media/journalists.yaml:1:1: a media list is a list of entries, each with an 'email'"]
    project.write("media/journalists.yaml", "- {name: Ana, email: 'ana@'}\n- [x]\n")
    assert list_problems(project, monkeypatch) == [
        "media/journalists.yaml:1:22: 'ana@' is not a valid e-mail address: There must be "
        "something after the @-sign.",
        "media/journalists.yaml:2:3: each entry is a mapping such as {email: ..., name: ...}"]
    project.write("media/journalists.yaml", "- email: 'ana@example.org\n")
    (line,) = list_problems(project, monkeypatch)
    assert line.startswith("media/journalists.yaml:1:10: YAML syntax error: ")
    project.write("media/journalists.yaml", "- email: ana@example.org\n")
    project.write("media/suppressed.txt", "# never\n   not an address\n")
    assert list_problems(project, monkeypatch) == [
        "media/suppressed.txt:2:4: 'not an address' is not a valid e-mail address: An email "
        "address must have an @-sign."]


def test_cell_starts_agree_with_the_csv_module():
    """From where each cell is said to start, the csv module reads that very cell."""
    rng = random.Random(20241128)
    pieces = ["a", "b c", ",", '"', '""', "\n", "\r\n", " ", "é"]
    checked = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        lines = list(io.StringIO(text, newline=""))
        reader = csv.reader(lines)
        done = 0
        try:
            for cells in reader:
                record, first = lines[done:reader.line_num], done + 1
                done = reader.line_num
                if not cells:
                    continue
                starts = cell_starts(record, first, len(cells))
                if starts == [(first, 1)] * len(cells) and len(cells) > 1:
                    continue   # the scan disagreed and fell back: not wrong, only vague
                for cell, (line, column) in zip(cells, starts):
                    offset = sum(len(x) for x in lines[:line - 1]) + column - 1
                    rest = next(csv.reader(io.StringIO(text[offset:], newline="")), None)
                    assert (rest or [""])[0] == cell, (text, cells, starts)
                    checked += 1
        except csv.Error:
            continue
    assert checked > 3000


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_server_that_wants_a_login_when_none_is_set_is_told_once(project, auth_server,
                                                                   monkeypatch):
    monkeypatch.delenv("PRESSKIT_SMTP_USER", raising=False)
    monkeypatch.delenv("PRESSKIT_SMTP_PASSWORD", raising=False)
    configure(project, auth_server.port)
    result = send(project)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"127.0.0.1:{auth_server.port}: the server takes mail "
                                    f"only after a login (530 ")
    assert auth_server.handler.received == []
