"""Sending one release in several languages, to segments of a list, and at the embargo's lift.

Against a real SMTP server on 127.0.0.1 (aiosmtpd) with a real ledger.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import io
import subprocess
import sys

from presskit.countdown import Countdown
from presskit.load import load_project
from presskit.mail.changes import describe
from presskit.mail.medialist import load_list, select

from conftest import interrupt, release_data, run

SLUG = "2024-03-05-clinics-open"
# Six journalists: English, no language given, French, Canadian French, Russian, German.
JOURNALISTS = """\
    email,name,outlet,lang,Beat
    ana@example.org,Ana Reyes,The Coastal Herald,en,health
    ben@example.org,Ben Okoro,Northern Wire,,politics
    chloe@example.org,Chloé Martin,Radio Estuaire,fr,Health
    denis@example.org,Denis Roy,Le Devoir du Nord,fr-CA,health
    irina@example.org,Irina Petrova,Severny Vestnik,ru,HEALTH
    jonas@example.org,Jonas Weber,Nordkurier,de,politics
    """
# What each gets: the version in their language, else the original.
EXPECTED = {"ana@example.org": "en", "ben@example.org": "en", "chloe@example.org": "fr",
            "denis@example.org": "fr", "irina@example.org": "ru", "jonas@example.org": "en"}
FRENCH_TITLE = "Ouverture de cliniques mobiles au poste-frontière nord"


def _project(project, port, embargo=None):
    extra = {"embargo": embargo} if embargo else {}
    project.release(SLUG, **extra)
    project.write(f"releases/{SLUG}.fr.yaml", release_data(
        title=FRENCH_TITLE, date=SLUG[:10], body="L’Alliance a ouvert deux cliniques.\n",
        **extra))
    project.write(f"releases/{SLUG}.ru.yaml", release_data(
        title="Мобильные клиники открылись", date=SLUG[:10],
        body="Альянс открыл две клиники.\n", **extra))
    project.write("presskit.yaml", {"email": {
        "from": "NRHA Press Office <press@example.org>", "per_minute": 0,
        "smtp": {"host": "127.0.0.1", "port": port, "security": "none"}}})
    project.write("media/journalists.csv", JOURNALISTS)


def _received(smtp_server) -> dict[str, str]:
    """The language of the message each address got (by its PDF's name and its header)."""
    got = {}
    for item in smtp_server.handler.received:
        msg = item.message
        (attachment,) = list(msg.iter_attachments())
        name = attachment.get_filename()
        lang = name[len(SLUG) + 1:-len(".pdf")] if name != f"{SLUG}.pdf" else "en"
        assert msg["Content-Language"] == lang
        assert item.rcpt_tos[0] not in got, f"{item.rcpt_tos[0]} reached twice"
        got[item.rcpt_tos[0]] = lang
    return got


def test_each_journalist_is_reached_once_in_their_language_across_sends(project, smtp_server):
    _project(project, smtp_server.port)
    result = run("send", SLUG, "--to", "journalists", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert f"{SLUG} to journalists: sent 6 (en 3, fr 2, ru 1)" in result.stderr
    assert _received(smtp_server) == EXPECTED
    french = next(r.message for r in smtp_server.handler.received
                  if r.rcpt_tos[0] == "chloe@example.org")
    assert french["Subject"] == FRENCH_TITLE
    assert "Bonjour Chloé Martin" in french.get_body(("plain",)).get_content()

    # Again, and from another list where Ana now reads French: nobody is reached twice.
    assert run("send", SLUG, "--to", "journalists", project_dir=project.root).exit_code == 0
    project.write("media/desk.csv", "email,lang\nana@example.org,fr\nkim@example.org,fr\n")
    result = run("send", SLUG, "--to", "desk", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert "sent 1 (fr 1), 1 already reached" in result.stderr
    assert _received(smtp_server) == {**EXPECTED, "kim@example.org": "fr"}

    # Sending a version itself is refused: the release is sent once, by its original.
    refused = run("send", f"{SLUG}.fr", "--to", "desk", project_dir=project.root)
    assert refused.exit_code == 1
    assert f"send {SLUG}: each journalist gets the version in their language" in refused.stderr

    table = run("sent", SLUG, project_dir=project.root).stdout
    assert "LANG VERSION" in table
    assert [line.split()[4] for line in table.splitlines()
            if "chloe@" in line or "irina@" in line] == ["fr", "ru"]


def test_a_correction_goes_to_each_in_the_version_they_had(project, smtp_server):
    _project(project, smtp_server.port)
    assert run("send", SLUG, "--to", "journalists", project_dir=project.root).exit_code == 0
    path = project.root / "releases" / f"{SLUG}.fr.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("deux", "trois"),
                    encoding="utf-8")
    result = run("send", SLUG, "--to", "journalists", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert "2 have an older version" in result.stderr
    smtp_server.handler.received.clear()
    result = run("send", SLUG, "--to", "journalists", "--correction", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    corrected = {r.rcpt_tos[0]: r.message for r in smtp_server.handler.received}
    assert sorted(corrected) == ["chloe@example.org", "denis@example.org"]
    assert corrected["denis@example.org"]["Subject"] == f"CORRIGÉ: {FRENCH_TITLE}"
    assert corrected["denis@example.org"]["Content-Language"] == "fr"
    note = corrected["denis@example.org"].get_body(("plain",)).get_content()
    assert "Corrige le premier paragraphe." in " ".join(note.split())


def test_where_reaches_only_the_rows_that_match_and_dry_run_counts_them(project, smtp_server):
    _project(project, smtp_server.port)
    dry = run("send", SLUG, "--to", "journalists", "--where", "beat=health", "--dry-run",
              project_dir=project.root)
    assert dry.exit_code == 0, dry.stderr
    assert "media/journalists.csv where beat=health: 4 of 6 recipients (fr 2, en 1, ru 1)" \
        in dry.stderr
    assert smtp_server.handler.received == []

    result = run("send", SLUG, "--to", "journalists", "--where", "Beat=health",
                 "--where", "lang=fr", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert sorted(_received(smtp_server)) == ["chloe@example.org"]   # fr-CA is not fr
    result = run("send", SLUG, "--to", "journalists", "--where", "beat=health",
                 project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert sorted(_received(smtp_server)) == ["ana@example.org", "chloe@example.org",
                                              "denis@example.org", "irina@example.org"]

    missing = run("send", SLUG, "--to", "journalists", "--where", "region=north",
                  project_dir=project.root)
    assert missing.exit_code == 2
    assert missing.stderr.endswith(
        "has no column 'region' (its columns: email, name, outlet, lang, beat)\n")
    bad = run("send", SLUG, "--to", "journalists", "--where", "beat", project_dir=project.root)
    assert bad.exit_code == 2 and "write COLUMN=VALUE" in bad.stderr


def test_at_lift_sends_nothing_before_the_embargo_and_everyone_after(project, smtp_server):
    # The one test that waits (about six seconds): the server notes when each message came.
    lift = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=7)).replace(microsecond=0)
    _project(project, smtp_server.port, embargo=lift.isoformat())
    arrivals = []

    class Noted(list):
        def append(self, item):
            arrivals.append(dt.datetime.now(dt.timezone.utc))
            super().append(item)

    smtp_server.handler.received = Noted()
    refused = run("send", SLUG, "--to", "journalists", project_dir=project.root)
    assert refused.exit_code == 1 and "--at-lift" in refused.stderr
    result = run("send", SLUG, "--to", "journalists", "--at-lift", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert "waiting for the embargo to lift at" in result.stderr
    assert len(arrivals) == 6 and min(arrivals) >= lift
    assert _received(smtp_server) == EXPECTED
    for item in smtp_server.handler.received:
        assert "EMBARGOED" not in item.message["Subject"]
    # Run again once lifted: nobody twice, and no wait.
    again = run("send", SLUG, "--to", "journalists", "--at-lift", "-q",
                project_dir=project.root)
    assert again.exit_code == 0 and again.stderr == ""
    assert len(arrivals) == 6


def test_a_correction_names_what_it_corrects_in_the_notes_language():
    old = {"title": "Clinics open", "contacts": [["Sam"]], "embargo": None,
           "body": "One.\n\nTwo.\n\nThree.\n\n| A | B |\n|---|--:|\n| x | 12 |"}
    new = dict(old, body=old["body"].replace("Three", "Three!").replace("12", "21"))
    assert describe(old, new, "en") == \
        "Corrects the third paragraph and a figure in the table of the fourth paragraph."
    assert describe(old, dict(new, title="Clinics opened"), "fr-CA") == (
        "Corrige le titre, le troisième paragraphe et un chiffre du tableau du quatrième "
        "paragraphe.")
    assert describe(old, dict(old, embargo="2024-03-05T10:00:00+01:00"), "es") == \
        "Corrige el embargo."
    assert describe(old, dict(old, contacts=[["Kim"]]), "de") == \
        "Korrigiert die Pressekontakte."
    assert describe(old, dict(old, title="X"), "ja") == "Corrects the headline."
    assert describe(None, new, "en") == "" and describe(old, old, "en") == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_countdown_redraws_one_line_on_a_terminal_and_writes_a_line_a_minute_elsewhere():
    lift = dt.datetime(2024, 3, 5, 9, tzinfo=dt.timezone.utc)
    terminal, log = _Terminal(), io.StringIO()
    for stream in (terminal, log):
        countdown = Countdown(stream)
        for left in (125.0, 124.2, 61.0, 59.5, 1.0):
            countdown(left, lift)
        countdown.done()
    assert terminal.getvalue().count("\n") == 1
    assert terminal.getvalue().startswith("\rwaiting for the embargo to lift at 2024-03-05 "
                                          "09:00 UTC: 0:02:05 left\x1b[K\r")
    assert log.getvalue().splitlines() == [
        "waiting for the embargo to lift at 2024-03-05 09:00 UTC: 0:02:05 left",
        "waiting for the embargo to lift at 2024-03-05 09:00 UTC: 0:01:01 left",
        "waiting for the embargo to lift at 2024-03-05 09:00 UTC: 0:00:01 left"]
    quiet = io.StringIO()
    Countdown(quiet, quiet=True)(30.0, lift)
    assert quiet.getvalue() == ""


def test_ctrl_c_while_waiting_for_the_lift_sends_nothing_and_a_later_run_just_sends(
        project, smtp_server):
    _project(project, smtp_server.port, embargo="2099-01-05T09:00:00-05:00")
    # The PDF built here, in this warm process: the command has only to wait and send.
    assert run("build", SLUG, project_dir=project.root).exit_code == 0
    command = [sys.executable, "-m", "presskit", "--project", str(project.root), "send", SLUG,
               "--to", "journalists", "--at-lift"]
    # Another send holds the project's send lock: a send at the lift waits its turn.
    (project.root / ".presskit").mkdir(exist_ok=True)
    other = open(project.root / ".presskit" / "send.lock", "w")
    fcntl.flock(other, fcntl.LOCK_EX)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        turn = process.stderr.readline().decode()
        other.close()
        line = process.stderr.readline().decode()
    finally:
        code = interrupt(process)
    assert line == ("waiting for the embargo to lift at 2099-01-05 09:00 UTC-05:00: "
                    f"{line.split(': ')[1]}")
    assert turn.endswith("/.presskit/send.lock: another 'presskit send' is running in this "
                         "project; waiting for it to finish\n")
    assert code == 130
    assert smtp_server.handler.received == []
    # The embargo moved to a moment past: --at-lift just sends.
    for path in (project.root / "releases").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("2099", "2024"),
                        encoding="utf-8")
    result = run("send", SLUG, "--to", "journalists", "--at-lift", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert "waiting" not in result.stderr
    assert _received(smtp_server) == EXPECTED


def test_an_address_books_language_column_says_which_version_each_gets(project):
    project.write("media/book.csv", "E-mail Address,First Name,Language\n"
                                    "ana@example.org,Ana,fr_CA\nben@example.org,Ben,\n")
    media = load_list(load_project(project.root), "book")
    assert [(r.email, r.lang) for r in media.recipients] == [("ana@example.org", "fr-CA"),
                                                             ("ben@example.org", "")]
    assert [r.email for r in select(media, [("lang", "FR-ca")])] == ["ana@example.org"]
    assert media.warnings == []
