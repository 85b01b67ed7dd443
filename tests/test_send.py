"""`presskit send` against a real SMTP server on 127.0.0.1 (aiosmtpd), with a real ledger."""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess

import pytest

from presskit.errors import DeliveryError
from presskit.load import load_project
from presskit.mail.ledger import Ledger, has_record, ledger_path
from presskit.mail.send import send_release

from conftest import ProjectMaker, pdftotext, run
from smtp_server import Handler, Server, free_port, server_tls_context

SLUG = "2024-03-05-clinics-open"
JOURNALISTS = """\
    email,name,outlet
    ana.reyes@example.org,Ana Reyes,The Coastal Herald
    ben.okoro@example.org,Ben Okoro,Northern Wire
    chloe.martin@example.org,Chloé Martin,Radio Estuaire
    """
ADDRESSES = ["ana.reyes@example.org", "ben.okoro@example.org", "chloe.martin@example.org"]
FAST = {"retry_delays": (0.05, 0.1, 0.2), "reconnect_delays": (0.05, 0.1, 0.2)}


def configure(project: ProjectMaker, port: int, security: str = "none", **email) -> None:
    settings = {"from": "NRHA Press Office <press@example.org>",
                "reply_to": "media@example.org", "per_minute": 0,
                "smtp": {"host": "127.0.0.1", "port": port, "security": security}}
    settings.update(email)
    project.write("presskit.yaml", {"email": settings})
    project.write("media/journalists.csv", JOURNALISTS)


def send(project: ProjectMaker, *extra):
    return run("send", SLUG, "--to", "journalists", *extra, project_dir=project.root)


def ledger_rows(project: ProjectMaker, slug: str = SLUG) -> dict[str, tuple]:
    """(state, message_id, pdf_sha256, sent_at) of each recipient of `slug`, as the send
    record says."""
    if not has_record(project.root / ".presskit"):
        return {}
    with Ledger(ledger_path(project.root / ".presskit"), create=False) as book:
        return {a: (e.state, e.message_id, e.pdf_sha256, e.sent_at)
                for a, e in book.entries(slug).items()}


def test_one_private_message_a_recipient_with_text_html_and_the_pdf(project, smtp_server):
    configure(project, smtp_server.port)
    result = send(project)
    assert result.exit_code == 0, result.stderr
    received = smtp_server.handler.received
    assert sorted(r.rcpt_tos[0] for r in received) == ADDRESSES
    pdf = (project.root / "dist" / "releases" / f"{SLUG}.pdf").read_bytes()
    for item in received:
        assert len(item.rcpt_tos) == 1
        assert item.mail_from == "press@example.org"
        msg = item.message
        assert msg["To"].addresses[0].addr_spec == item.rcpt_tos[0]
        assert len(msg["To"].addresses) == 1 and msg["Cc"] is None and msg["Bcc"] is None
        others = set(ADDRESSES) - set(item.rcpt_tos)
        assert not any(other.encode() in item.data for other in others)
        assert msg["From"] == "NRHA Press Office <press@example.org>"
        assert msg["Reply-To"] == "media@example.org"
        assert msg["Subject"] == "Mobile clinics open at the northern crossing"
        assert msg["Date"] and msg["MIME-Version"] == "1.0"
        assert msg["Message-ID"].endswith("@example.org>")
        assert msg["List-Unsubscribe"] == "<mailto:media@example.org?subject=unsubscribe>"
        assert msg.get_content_type() == "multipart/mixed"
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert "Portland, ME — March 5, 2024 — The Alliance opened two clinics today." in text
        assert "The Alliance opened two clinics today." in html and "<h1" in html
        attachments = list(msg.iter_attachments())
        assert [a.get_filename() for a in attachments] == [f"{SLUG}.pdf"]
        assert attachments[0].get_content() == pdf
    chloe = smtp_server.handler.to("chloe.martin@example.org")[0].message
    assert chloe["To"].addresses[0].display_name == "Chloé Martin"
    assert "Dear Chloé Martin," in chloe.get_body(("plain",)).get_content()
    assert "at Radio Estuaire" in chloe.get_body(("html",)).get_content()
    rows = ledger_rows(project)
    assert {state for state, *_ in rows.values()} == {"sent"}
    assert "sent 3" in result.stderr


def test_a_second_run_sends_nothing_new(project, smtp_server):
    configure(project, smtp_server.port)
    assert send(project).exit_code == 0
    first_ids = {a: row[1] for a, row in ledger_rows(project).items()}
    again = send(project)
    assert again.exit_code == 0, again.stderr
    assert len(smtp_server.handler.received) == 3
    assert "sent 0, 3 already reached" in again.stderr
    # One more journalist on the list: only she is mailed.
    with open(project.root / "media" / "journalists.csv", "a") as f:
        f.write("dana.li@example.org,Dana Li,Harbor FM\n")
    assert send(project).exit_code == 0
    assert [r.rcpt_tos[0] for r in smtp_server.handler.received[3:]] == ["dana.li@example.org"]
    assert {a: row[1] for a, row in ledger_rows(project).items() if a in first_ids} == first_ids


def test_suppressed_addresses_are_skipped(project, smtp_server):
    configure(project, smtp_server.port)
    project.write("media/suppressed.txt", "# asked to be removed\nBEN.OKORO@example.org\n")
    result = send(project)
    assert result.exit_code == 0, result.stderr
    assert "ben.okoro@example.org" not in [r.rcpt_tos[0] for r in smtp_server.handler.received]
    assert len(smtp_server.handler.received) == 2
    assert "1 suppressed" in result.stderr


def test_deferred_twice_then_accepted_and_a_permanent_refusal(project, smtp_server):
    configure(project, smtp_server.port)
    handler = smtp_server.handler
    handler.rcpt_replies["ana.reyes@example.org"] = ["451 4.7.1 greylisted, try again later"] * 2
    handler.data_replies["ben.okoro@example.org"] = ["550 5.1.1 mailbox unknown"]
    report = send_release(load_project(project.root), SLUG, "journalists", **FAST)
    assert handler.attempts["ana.reyes@example.org"] == 3
    assert len(handler.to("ana.reyes@example.org")) == 1
    assert handler.to("ben.okoro@example.org") == []
    assert len(handler.to("chloe.martin@example.org")) == 1
    assert report.problems == ["ben.okoro@example.org: refused: 550 5.1.1 mailbox unknown"]
    with pytest.raises(DeliveryError) as caught:
        report.raise_for_problems()
    assert caught.value.exit_code == 3
    rows = ledger_rows(project)
    assert rows["ana.reyes@example.org"][0] == "sent"
    assert rows["ben.okoro@example.org"][0] == "failed"


def test_a_refusal_exits_3_naming_the_recipient_and_the_next_run_retries_only_them(
        project, smtp_server):
    configure(project, smtp_server.port)
    smtp_server.handler.rcpt_replies["ben.okoro@example.org"] = ["550 5.1.1 no such user"]
    result = send(project)
    assert result.exit_code == 3
    assert "ben.okoro@example.org: refused: 550 5.1.1 no such user" in result.stderr.splitlines()
    assert len(smtp_server.handler.received) == 2
    again = send(project)
    assert again.exit_code == 0, again.stderr
    assert [r.rcpt_tos[0] for r in smtp_server.handler.received[2:]] == ["ben.okoro@example.org"]


def test_always_deferred_is_given_up_after_four_tries(project, smtp_server):
    configure(project, smtp_server.port)
    smtp_server.handler.rcpt_replies["ana.reyes@example.org"] = ["452 4.2.2 mailbox full"] * 9
    report = send_release(load_project(project.root), SLUG, "journalists", **FAST)
    assert smtp_server.handler.attempts["ana.reyes@example.org"] == 4
    assert report.problems == ["ana.reyes@example.org: deferred 4 times, last: "
                               "452 4.2.2 mailbox full; run send again later"]
    assert ledger_rows(project)["ana.reyes@example.org"][0] == "deferred"


def test_a_dropped_connection_is_reopened(project, smtp_server):
    configure(project, smtp_server.port)
    smtp_server.handler.drop_at_rcpt.add("ben.okoro@example.org")
    report = send_release(load_project(project.root), SLUG, "journalists", **FAST)
    assert report.problems == []
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == ADDRESSES


def test_a_server_gone_after_a_message_names_everyone_left(project, smtp_server):
    # The server took ana's message and went away without answering: ana is 'unknown' (not
    # resent), and everyone after her is named as not sent: exit status 3, not 1.
    configure(project, smtp_server.port)
    smtp_server.handler.vanish_after_data.add("ana.reyes@example.org")
    report = send_release(load_project(project.root), SLUG, "journalists", **FAST)
    lines = report.problems      # each a line on stderr, and exit status 3
    assert lines[0].startswith("ana.reyes@example.org: unknown: "), lines
    assert [line.split(":")[0] for line in lines[1:] if ": not sent: " in line] == \
        ["ben.okoro@example.org", "chloe.martin@example.org"], lines


def test_starttls_with_login(project, certificate, monkeypatch):
    server = Server(Handler(), tls=server_tls_context(certificate), require_starttls=True,
                    users={"press": "s3cret"}).start()
    try:
        configure(project, server.port, security="starttls",
                  smtp={"host": "localhost", "port": server.port, "security": "starttls"})
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        monkeypatch.setenv("PRESSKIT_SMTP_USER", "press")
        monkeypatch.setenv("PRESSKIT_SMTP_PASSWORD", "wrong")
        refused = send(project)
        assert refused.exit_code == 1
        assert f"localhost:{server.port}: login refused (535" in refused.stderr
        assert server.handler.received == []
        monkeypatch.setenv("PRESSKIT_SMTP_PASSWORD", "s3cret")
        result = send(project)
        assert result.exit_code == 0, result.stderr
        assert len(server.handler.received) == 3
    finally:
        server.stop()


def test_implicit_tls(project, certificate):
    import ssl

    server = Server(Handler(), tls=server_tls_context(certificate), implicit_tls=True).start()
    try:
        configure(project, server.port, security="ssl")
        client = ssl.create_default_context(cafile=str(certificate[0]))
        report = send_release(load_project(project.root), SLUG, "journalists",
                              ssl_context=client)
        assert report.problems == [] and len(server.handler.received) == 3
    finally:
        server.stop()


def test_an_untrusted_certificate_is_refused(project, certificate):
    # A setting to fix, as a refused login is: one line and exit 1, not "run send again
    # later" for each recipient (a QA pass); nobody is recorded, so the next run sends to all.
    server = Server(Handler(), tls=server_tls_context(certificate)).start()
    try:
        configure(project, server.port, security="starttls")
        result = send(project)
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            f"127.0.0.1:{server.port}: TLS failed: the server's certificate is not one this "
            f"machine trusts (self-signed certificate); if your organization signs its own, "
            f"point SSL_CERT_FILE at its authority's certificate, then run send again: nobody "
            f"was sent to"]
        assert server.handler.received == []
        assert not ledger_rows(project)
    finally:
        server.stop()


def test_no_server_set_and_none_on_this_machine_is_one_line(project):
    # Not "run send again later": no server was ever named. (The port is set, the host not:
    # the scaffold's presskit.yaml leaves both to the defaults, localhost:587.)
    port = free_port()
    configure(project, port, smtp={"port": port, "security": "none"})
    result = send(project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{project.root / 'presskit.yaml'}: no mail server is set (email: smtp: host), and "
        f"none answers on "
        f"localhost:{port}: set your organization's server in presskit.yaml, or give "
        "--smtp-host"]
    assert not (project.root / ".presskit" / "sent.jsonl").exists() or ledger_rows(project) == {}


def test_a_server_without_starttls_says_which_security_to_choose(project):
    server = Server(Handler()).start()   # plain, as a relay on this machine is
    try:
        configure(project, server.port, security="starttls")
        result = send(project)
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            f"127.0.0.1:{server.port}: the server does not offer STARTTLS; for a relay on this "
            f"machine or your own network that takes mail unencrypted, use --smtp-security none "
            f"(security: none in presskit.yaml); for a server that wants TLS from the start, "
            f"ssl (port 465)"]
        assert server.handler.received == []
    finally:
        server.stop()


def test_no_password_in_the_clear_to_another_host(project, monkeypatch):
    configure(project, 2525)
    monkeypatch.setenv("PRESSKIT_SMTP_USER", "press")
    monkeypatch.setenv("PRESSKIT_SMTP_PASSWORD", "s3cret")
    result = send(project, "--smtp-host", "smtp.example.org")
    assert result.exit_code == 1
    assert result.stderr == ("smtp.example.org:2525: security 'none' would send the password "
                             "in the clear to another machine; use starttls or ssl, or unset "
                             "PRESSKIT_SMTP_USER and PRESSKIT_SMTP_PASSWORD for a relay that "
                             "needs no login\n")
    assert not (project.root / ".presskit" / "sent.jsonl").exists()


def test_bad_rows_are_all_reported_and_nothing_is_sent(project, smtp_server):
    configure(project, smtp_server.port)
    path = project.write("media/journalists.csv", """\
        email,name,outlet
        ana.reyes@example.org,Ana Reyes,The Coastal Herald
        not-an-address,Someone,Somewhere
        ben.okoro@example.org,"Ben
        Bcc: everyone@example.org",Northern Wire
        ANA.REYES@example.org,Ana again,Elsewhere
        ,No Address,Nowhere
        """)
    result = send(project)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].endswith("journalists.csv:3:1: 'not-an-address' is not a valid e-mail "
                             "address: An email address must have an @-sign.")
    assert lines[1].endswith("journalists.csv:4:23: 'name' holds a line break; fields reach "
                             "mail headers, where a line break could add headers")
    # The address twice is only a warning (one message goes to it), told with the rest.
    assert lines[2].endswith("journalists.csv:6:1: warning: ANA.REYES@example.org is on the "
                             "list twice (first on line 2); it gets one message, as line 2 "
                             "has it")
    assert lines[3].endswith("journalists.csv:7:1: warning: no e-mail address: this row gets "
                             "no message")
    assert len(lines) == 4
    assert smtp_server.handler.received == [] and smtp_server.handler.attempts == {}
    assert not (project.root / ".presskit" / "sent.jsonl").exists()
    checked = run("check", project_dir=project.root)
    assert checked.exit_code == 1
    assert [line.split("/")[-1] for line in checked.stderr.splitlines()] == \
        [line.split("/")[-1] for line in lines]
    assert str(path.name) in checked.stderr


def test_a_yaml_list(project, smtp_server):
    configure(project, smtp_server.port)
    (project.root / "media" / "journalists.csv").unlink()
    project.write("media/journalists.yaml", [
        {"email": "ana.reyes@example.org", "name": "Ana Reyes"},
        {"email": "ben.okoro@example.org", "outlet": "Northern Wire"}])
    result = send(project)
    assert result.exit_code == 0, result.stderr
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == ADDRESSES[:2]
    ben = smtp_server.handler.to("ben.okoro@example.org")[0].message
    assert ben.get_body(("plain",)).get_content().startswith("Hello,")


def test_an_unknown_list_is_named(project):
    configure(project, 2525)
    result = run("send", SLUG, "--to", "nobody", project_dir=project.root)
    assert result.exit_code == 1
    assert "no media list 'nobody' (lists: journalists)" in result.stderr


def test_embargo_refused_unless_under_embargo(project, smtp_server):
    configure(project, smtp_server.port)
    project.release(embargo="2099-01-05T09:00:00-05:00")
    refused = send(project)
    assert refused.exit_code == 1
    assert "under embargo until 2099-01-05 09:00 UTC-05:00; nothing sent" in refused.stderr
    assert f"{SLUG}.yaml:" in refused.stderr
    assert smtp_server.handler.attempts == {}
    result = send(project, "--under-embargo")
    assert result.exit_code == 0, result.stderr
    msg = smtp_server.handler.received[0].message
    assert msg["Subject"] == ("EMBARGOED UNTIL January 5, 2099, 9:00 AM UTC-5: "
                              "Mobile clinics open at the northern crossing")
    assert "under embargo until January 5, 2099" in msg.get_body(("plain",)).get_content()
    # A correction under embargo: its subject still begins with the embargo (the contract).
    project.release(embargo="2099-01-05T09:00:00-05:00", body="Three clinics opened.\n")
    corrected = send(project, "--under-embargo", "--correction")
    assert corrected.exit_code == 0, corrected.stderr
    assert smtp_server.handler.received[-1].message["Subject"] == (
        "EMBARGOED UNTIL January 5, 2099, 9:00 AM UTC-5: CORRECTED: "
        "Mobile clinics open at the northern crossing")


def test_after_the_embargo_the_message_says_what_the_pdf_says(project, smtp_server):
    configure(project, smtp_server.port)
    project.release(embargo="2024-03-05T09:00:00-05:00")      # long past
    assert send(project).exit_code == 0
    msg = smtp_server.handler.received[0].message
    assert msg["Subject"] == "Mobile clinics open at the northern crossing"
    text = msg.get_body(("plain",)).get_content()
    assert "The embargo on this release lifted on March 5, 2024" in text
    assert "EMBARGOED UNTIL MARCH 5, 2024" in text and "FOR IMMEDIATE RELEASE" not in text
    pdf = " ".join(pdftotext(project.root / "dist" / "releases" / f"{SLUG}.pdf").split())
    assert "EMBARGOED UNTIL March 5, 2024" in pdf


def test_a_template_typo_stops_the_run_before_any_message(project, smtp_server):
    configure(project, smtp_server.port)
    project.write("templates/email/body.txt", "Hello,\n{{ recipient.nmae }}\n")
    result = send(project)
    assert result.exit_code == 1
    assert "templates/email/body.txt:2:1: template error: " in result.stderr
    assert "'recipient' has no 'nmae'; did you mean 'name'?" in result.stderr
    assert smtp_server.handler.attempts == {}


def test_a_project_overrides_the_subject_template(project, smtp_server):
    configure(project, smtp_server.port)
    project.write("templates/email/subject.txt",
                  "[{{ organization.short_name }}] {{ release.title }} & more\n")
    assert send(project).exit_code == 0
    assert smtp_server.handler.received[0].message["Subject"] == \
        "[NRHA] Mobile clinics open at the northern crossing & more"


def test_a_changed_release_goes_again_only_with_correction(project, smtp_server):
    configure(project, smtp_server.port)
    assert send(project).exit_code == 0
    first = {a: row for a, row in ledger_rows(project).items()}
    project.release(body="The Alliance opened three clinics today.\n")
    with open(project.root / "media" / "journalists.csv", "a") as f:
        f.write("dana.li@example.org,Dana Li,Harbor FM\n")
    warned = send(project)
    assert warned.exit_code == 0, warned.stderr
    assert "ana.reyes@example.org: got an older version of" in warned.stderr
    assert [r.rcpt_tos[0] for r in smtp_server.handler.received[3:]] == ["dana.li@example.org"]
    assert not smtp_server.handler.received[3].message["Subject"].startswith("CORRECTED")
    corrected = send(project, "--correction")
    assert corrected.exit_code == 0, corrected.stderr
    again = smtp_server.handler.received[4:]
    assert sorted(r.rcpt_tos[0] for r in again) == ADDRESSES
    for item in again:
        msg = item.message
        assert msg["Subject"] == "CORRECTED: Mobile clinics open at the northern crossing"
        assert msg["In-Reply-To"] == first[item.rcpt_tos[0]][1]
        assert msg["Message-ID"] != first[item.rcpt_tos[0]][1]
        assert "three clinics" in msg.get_body(("plain",)).get_content()
    assert send(project, "--correction").exit_code == 0
    assert len(smtp_server.handler.received) == 7


def test_dry_run_writes_eml_files_and_leaves_the_ledger_alone(project, smtp_server):
    configure(project, smtp_server.port)
    result = send(project, "--dry-run")
    assert result.exit_code == 0, result.stderr
    outbox = project.root / "dist" / "outbox" / SLUG
    names = sorted(p.name for p in outbox.iterdir())
    assert names == [f"{n}-{a}.eml" for n, a in enumerate(ADDRESSES, start=1)]
    assert smtp_server.handler.attempts == {}
    assert not (project.root / ".presskit" / "sent.jsonl").exists()
    first = (outbox / names[0]).read_bytes()
    assert b"To: Ana Reyes <ana.reyes@example.org>" in first
    assert send(project, "--dry-run").exit_code == 0
    ids = [line for line in first.splitlines() if line.startswith(b"Message-ID:")]
    assert ids and ids[0] in (outbox / names[0]).read_bytes()   # stable across runs


def test_a_dry_run_after_a_send_writes_only_what_a_send_would_deliver(project, smtp_server):
    configure(project, smtp_server.port)
    project.write("media/suppressed.txt", "chloe.martin@example.org\n")
    assert send(project).exit_code == 0
    with open(project.root / "media" / "journalists.csv", "a") as f:
        f.write("dana.li@example.org,Dana Li,Harbor FM\n")
    outbox = project.root / "dist" / "outbox" / SLUG
    dry = send(project, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert sorted(p.name for p in outbox.iterdir()) == ["1-dana.li@example.org.eml"]
    assert dry.stderr.splitlines()[-1] == (
        f"{SLUG}: wrote 1 message to {outbox} (dry run: nothing sent), "
        f"2 already reached, 1 suppressed")
    project.release(body="The Alliance opened three clinics today.\n")
    changed = send(project, "--dry-run")
    assert "ana.reyes@example.org: got an older version of" in changed.stderr
    corrected = send(project, "--dry-run", "--correction")
    names = sorted(p.name for p in outbox.iterdir())
    assert len(names) == 3 and not any("chloe" in name for name in names)
    assert any(line.startswith(b"Subject: CORRECTED: ")
               for line in (outbox / names[0]).read_bytes().splitlines()), corrected.stderr
    assert len(smtp_server.handler.received) == 2   # the dry runs sent nothing


def test_sent_shows_who_got_what(project, smtp_server):
    configure(project, smtp_server.port)
    smtp_server.handler.rcpt_replies["ben.okoro@example.org"] = ["550 5.1.1 no such user"]
    send(project)
    with open(project.root / "media" / "journalists.csv", "a") as f:
        f.write("dana.li@example.org,Dana Li,Harbor FM\n")
    result = run("sent", SLUG, "--to", "journalists", project_dir=project.root)
    assert result.exit_code == 0
    header, *lines, totals = result.stdout.splitlines()
    assert header.split()[:2] == ["STATE", "WHEN"] and header.split()[-3:] == ["ADDRESS",
                                                                             "VERSION", "NOTE"]
    assert [line.split()[0] for line in lines] == ["sent", "failed", "sent", "never"]
    assert "ben.okoro@example.org" in lines[1] and "550 5.1.1 no such user" in lines[1]
    assert "dana.li@example.org" in lines[3]
    assert lines[0].split()[-1] == "current"
    # Columns line up: every address starts where the header's ADDRESS does.
    assert {line.index("@") - len(line[:line.index("@")].split()[-1]) for line in lines} == \
        {header.index("ADDRESS")}
    assert totals == "2 sent, 1 failed, 1 never tried"


@pytest.mark.skipif(shutil.which("spamassassin") is None, reason="spamassassin is not installed")
def test_spamassassin_does_not_take_it_for_spam(project, smtp_server):
    configure(project, smtp_server.port)
    project.release(embargo="2099-01-05T09:00:00-05:00")
    assert send(project, "--under-embargo").exit_code == 0
    checked = subprocess.run(["spamassassin", "-L", "-t"],
                             input=smtp_server.handler.received[0].data,
                             capture_output=True, timeout=120).stdout
    status = re.search(rb"X-Spam-Status: (\w+), score=(-?[\d.]+)", checked)
    assert status and status[1] == b"No" and float(status[2]) < 1.0, checked[-1500:]


def refuse_the_sender(smtp_server, reply: str) -> None:
    async def refuse(server, session, envelope, address, mail_options):
        return reply

    smtp_server.handler.handle_MAIL = refuse


def test_a_refused_sender_stops_the_run_without_failing_the_recipients(project, smtp_server):
    configure(project, smtp_server.port)
    refuse_the_sender(smtp_server, "553 5.7.1 Sender address rejected: not owned by user")
    result = send(project)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-3:] == [
        f"{a}: not sent: the server refused the sender press@example.org: "
        f"553 5.7.1 Sender address rejected: not owned by user" for a in ADDRESSES]
    assert {row[0] for row in ledger_rows(project).values()} == {"pending"}


def test_a_server_that_wants_a_login_none_was_set_for_is_one_line_and_a_refused_action(
        project, smtp_server):
    configure(project, smtp_server.port)
    refuse_the_sender(smtp_server, "530 5.7.0 Authentication required")
    result = send(project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"127.0.0.1:{smtp_server.port}: the server takes mail only after a login (530 5.7.0 "
        f"Authentication required); set PRESSKIT_SMTP_USER and PRESSKIT_SMTP_PASSWORD, then "
        f"run send again: nobody was sent to"]
    assert {row[0] for row in ledger_rows(project).values()} <= {"pending"}
    del smtp_server.handler.handle_MAIL     # logged in, as it were: everyone gets it, once
    again = send(project)
    assert again.exit_code == 0, again.stderr
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == ADDRESSES


def versions_shown(project: ProjectMaker) -> list[str]:
    """The VERSION column of `presskit sent`, one a recipient."""
    shown = run("sent", SLUG, project_dir=project.root)
    assert shown.exit_code == 0, shown.stderr
    header, *lines = shown.stdout.splitlines()
    at = header.index("VERSION")
    return [line[at:].split()[0] for line in lines if "@" in line]


def restyle(project: ProjectMaker) -> None:
    """A project's own release stylesheet: the built-in one, headlines set a little wider."""
    from presskit import theme

    css = (theme.builtin_root() / "styles" / "release.css").read_text(encoding="utf-8")
    project.write("styles/release.css", css + "\nh1 { letter-spacing: 0.02em; }\n")


def test_a_new_look_is_not_a_new_version_but_new_words_are(project, smtp_server):
    configure(project, smtp_server.port)
    assert send(project).exit_code == 0
    pdf = project.root / "dist" / "releases" / f"{SLUG}.pdf"
    before = pdf.read_bytes()
    restyle(project)
    again = send(project)
    assert again.exit_code == 0, again.stderr
    assert pdf.read_bytes() != before                      # a new PDF, the same release
    assert "older version" not in again.stderr
    assert again.stderr.splitlines()[-1] == f"{SLUG} to journalists: sent 0, 3 already reached"
    assert len(smtp_server.handler.received) == 3
    assert versions_shown(project) == ["current"] * 3
    # The "About" text the release prints is read too: a wrong figure there is worth a
    # correction.
    project.organization(boilerplate="The Alliance runs twelve clinics, not two.")
    assert versions_shown(project) == ["older"] * 3        # no build needed to tell
    project.organization()
    assert versions_shown(project) == ["current"] * 3
    project.release(title="Mobile clinics open at the northern crossing, and a third soon")
    assert versions_shown(project) == ["older"] * 3
    changed = send(project)
    assert "ana.reyes@example.org: got an older version of" in changed.stderr
    assert len(smtp_server.handler.received) == 3


def test_a_release_copied_or_renamed_reaches_nobody_again(project, smtp_server):
    """Fixing a slip in a release's file name must not mail the whole list again."""
    configure(project, smtp_server.port)
    assert send(project).exit_code == 0
    old = project.root / "releases" / f"{SLUG}.yaml"
    renamed = "2024-03-05-clinics-open-north"
    old.rename(old.with_name(f"{renamed}.yaml"))
    with open(project.root / "media" / "journalists.csv", "a") as f:
        f.write("dana.li@example.org,Dana Li,Harbor FM\n")
    for extra in (["--dry-run"], []):
        result = run("send", renamed, "--to", "journalists", *extra, project_dir=project.root)
        assert result.exit_code == 0, result.stderr
        assert (f"note: 3 on the list got this very release as {SLUG} (its file copied or "
                f"renamed); not sent again") in result.stderr
    assert result.stderr.splitlines()[-1] == \
        f"{renamed} to journalists: sent 1, 3 already reached"
    assert [r.rcpt_tos[0] for r in smtp_server.handler.received[3:]] == ["dana.li@example.org"]


OLD_SCHEMA = """CREATE TABLE deliveries (
    slug TEXT NOT NULL, address TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',
    list TEXT NOT NULL DEFAULT '', state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    updated TEXT NOT NULL, sent_at TEXT, message_id TEXT NOT NULL DEFAULT '',
    pdf_sha256 TEXT NOT NULL DEFAULT '', correction INTEGER NOT NULL DEFAULT 0,
    response TEXT NOT NULL DEFAULT '', PRIMARY KEY (slug, address))"""


def write_old_ledger(project: ProjectMaker, content: bool = False) -> list[tuple]:
    """The SQLite ledger of an earlier presskit in place of the send record, with the rows the
    record holds (with content_sha256 when `content`, as the last SQLite version kept)."""
    state = project.root / ".presskit"
    with Ledger(ledger_path(state), create=False) as book:
        entries = list(book.entries(SLUG).values())
    ledger_path(state).unlink()
    rows = [(e.slug, e.address, e.name, e.list, e.state, e.attempts, e.updated, e.sent_at,
             e.message_id, e.pdf_sha256, int(e.correction), e.response)
            + ((e.content_sha256,) if content else ()) for e in entries]
    with sqlite3.connect(state / "sent.sqlite3") as db:
        db.execute(OLD_SCHEMA)
        if content:
            db.execute("ALTER TABLE deliveries ADD COLUMN content_sha256 TEXT NOT NULL "
                       "DEFAULT ''")
        db.executemany(f"INSERT INTO deliveries VALUES ({', '.join('?' * len(rows[0]))})", rows)
    return rows


def test_a_ledger_from_before_content_digests_learns_them(project, smtp_server):
    """A ledger written before presskit recorded content has only the PDFs' digests: those who
    got the PDF a send finds current are then known to have its content."""
    configure(project, smtp_server.port)
    assert send(project).exit_code == 0
    write_old_ledger(project)
    assert versions_shown(project) == ["current"] * 3      # read only: by the PDF
    dry = send(project, "--dry-run")                        # read only too
    assert dry.exit_code == 0 and "3 already reached" in dry.stderr, dry.stderr
    project.release(title="Mobile clinics open at the northern crossing, and a third soon")
    shown = run("sent", SLUG, project_dir=project.root)
    assert shown.stdout.splitlines()[-1] == (
        f"note: the release changed since {project.root / 'dist/releases' / SLUG}.pdf was "
        f"built; VERSION compares the 3 sent before presskit recorded what they got with that "
        f"file: 'presskit build {SLUG}' brings it up to date")
    project.release()                                       # back as it was sent
    assert send(project).stderr.splitlines()[-1] == \
        f"{SLUG} to journalists: sent 0, 3 already reached"
    with Ledger(ledger_path(project.root / ".presskit"), create=False) as book:
        learned = {e.content_sha256 for e in book.entries(SLUG).values()}
    assert len(learned) == 1 and "" not in learned
    restyle(project)
    assert send(project).stderr.splitlines()[-1] == \
        f"{SLUG} to journalists: sent 0, 3 already reached"
    assert versions_shown(project) == ["current"] * 3
    assert len(smtp_server.handler.received) == 3
