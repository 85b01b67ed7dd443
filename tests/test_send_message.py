"""The message of one recipient, assembled without the email package building it: every
header and part must read back, through the email package's parser, as what was meant."""
from __future__ import annotations

import datetime as dt
import quopri
import random
import string
from email import policy
from email.headerregistry import Address
from email.parser import BytesParser

import pytest

from presskit.load import load_project
from presskit.mail.medialist import Recipient
from presskit.mail.message import (
    Composer,
    _fold,
    _header,
    _plain_phrase,
    message_id,
    parse_sender,
    quoted_printable,
)

SLUG = "2024-03-05-clinics-open"
# Not a PDF, but the attachment is opaque bytes: every byte value, to see each come back.
PDF = bytes(range(256)) * 40
NAMES = ["Ana Reyes", "", "J. Smith", "Smith, John", 'Ann "Jo" Lee', "Chloé Martin",
         "Back\\slash", "x(y)", "Иван Петров", "李小龙", "Name " * 20, "=?utf-8?q?x?= y"]


def composer(project, reply_to: str | None = "Media Desk <media@example.org>") -> Composer:
    loaded = load_project(project.root)
    return Composer(loaded, loaded.release(SLUG),
                    sender=parse_sender("NRHA Press Office <press@example.org>", "from", "t"),
                    reply_to=parse_sender(reply_to, "reply_to", "t") if reply_to else None,
                    pdf_name=f"{SLUG}.pdf", embargoed=False)


def parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


@pytest.mark.parametrize("name", NAMES)
def test_each_header_and_part_reads_back(project, name):
    compose = composer(project)
    r = Recipient(email="ana.reyes@example.org", name=name, outlet="Radio Estuaire")
    rendered = compose.render(r)
    msg_id = message_id(SLUG, r.email, "example.org")
    date = dt.datetime(2024, 3, 5, 14, 30, tzinfo=dt.timezone.utc)
    data = compose.message(r, rendered, PDF, msg_id=msg_id, date=date,
                           references="<first.presskit@example.org>")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    msg = parse(data)
    assert not msg.defects and all(not part.defects for part in msg.walk())
    # A name is text: one written as an encoded word reads as written, never decoded (issue 19).
    assert [a.display_name for a in msg["To"].addresses] == [" ".join(name.split())]
    assert msg["To"].addresses[0].addr_spec == "ana.reyes@example.org"
    assert msg["From"] == "NRHA Press Office <press@example.org>"
    assert msg["Reply-To"] == "Media Desk <media@example.org>"
    assert msg["Subject"] == rendered.subject
    assert msg["Date"].datetime == date
    assert msg["Message-ID"] == msg_id
    assert msg["In-Reply-To"] == msg["References"] == "<first.presskit@example.org>"
    assert msg["List-Unsubscribe"] == "<mailto:media@example.org?subject=unsubscribe>"
    assert msg["MIME-Version"] == "1.0" and msg["Content-Language"] == "en"
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf"]
    text, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text.get_content().replace("\r\n", "\n") == rendered.text
    assert html.get_content().replace("\r\n", "\n") == rendered.html.rstrip("\n") + "\n"
    [attachment] = msg.iter_attachments()
    assert attachment.get_filename() == f"{SLUG}.pdf" and attachment.get_content() == PDF
    # Headers and body keep to RFC 5322's 78 characters a line where a line can be folded.
    assert all(len(line) <= 78 for line in data.split(b"\r\n") if b" " in line.strip())


def test_a_table_in_the_body_is_styled_inline_for_mail_software(project):
    project.release(body="Figures.\n\n| Region | Deaths |\n|---|---:|\n| North | 12 |\n")
    html = composer(project).render(Recipient(email="ana@example.org", name="Ana")).html
    assert '<table style="border-collapse:collapse;' in html
    assert '<th style="text-align:right;padding:4px 16px 4px 0;border-bottom:2px solid' in html
    assert '<td style="text-align:start;padding:4px 16px 4px 0;border-bottom:1px solid' in html
    assert "class=" not in html.split("<table", 1)[1].split("</table>", 1)[0]


def test_only_the_recipient_differs_between_two_messages(project):
    compose = composer(project, reply_to=None)
    messages = []
    for address, name in (("ana.reyes@example.org", "Ana Reyes"),
                          ("ben.okoro@example.org", "Ben Okoro")):
        r = Recipient(email=address, name=name)
        messages.append(parse(compose.message(r, compose.render(r), PDF,
                                              msg_id=message_id(SLUG, address, "example.org"))))
    ana, ben = messages
    assert ana["Reply-To"] is None and ana["List-Unsubscribe"] == \
        "<mailto:press@example.org?subject=unsubscribe>"
    assert "Ana Reyes" not in ben.as_string() and "ana.reyes" not in ben.as_string()
    assert ana["Message-ID"] != ben["Message-ID"]
    assert ana.get_boundary() != ben.get_boundary()


@pytest.mark.parametrize("text", [
    "plain line\n",
    "a = b, and a trailing space \nand a tab\t\n",
    ".a dot first\n.\n",
    "x" * 74 + " \n",     # the trailing space lands on the length limit
    "é" * 30 + " " + "\u2028\x0b\x85 \n",
    "long " * 40 + "\n\n\nend",
    "CR\rLF\nCRLF\r\n",
])
def test_quoted_printable_lines_stay_under_76_and_decode_to_the_text(text):
    data = quoted_printable(text)
    assert all(len(line) <= 76 for line in data.split(b"\r\n"))
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    # Line ends are CRLF on the wire, whichever the text had.
    assert quopri.decodestring(data) == b"\r\n".join(text.encode().splitlines()) + b"\r\n"


def test_a_to_header_written_directly_is_what_the_email_package_writes():
    rng = random.Random(5)
    names = ["".join(rng.choice(string.printable[:95] + "\t") for _ in range(rng.randint(0, 50)))
             for _ in range(300)] + NAMES
    direct = 0
    for name in names:
        to = Address(display_name=name, username="ana.reyes", domain="example.org")
        if _plain_phrase(name):
            direct += 1
            assert _header("To", str(to)) == _fold("To", to), name
    assert direct > 250


def test_a_french_release_puts_a_narrow_space_before_its_colons(project):
    project.release(lang="fr", notes="Photos sur demande.")
    text = composer(project).render(Recipient(email="ana@example.org", name="Ana")).text
    assert "Contact presse\u202f:" in text and "Notes aux rédactions\u202f:" in text
    project.release(lang="en", notes="Photos on request.")
    english = composer(project).render(Recipient(email="ana@example.org", name="Ana")).text
    assert "Media contact:" in english or "Media contacts:" in english


def test_the_covering_note_is_in_the_releases_language(project):
    project.release(lang="fr", embargo="2024-03-05T09:00:00+01:00")
    loaded = load_project(project.root)
    french = Composer(loaded, loaded.release(SLUG),
                      sender=parse_sender("NRHA Press Office <press@example.org>", "from", "t"),
                      reply_to=None, pdf_name=f"{SLUG}.pdf", embargoed=True)
    rendered = french.render(Recipient(email="ana@example.org", name="Ana Reyes",
                                       outlet="Le Quotidien"), correction=True)
    text = " ".join(rendered.text.split())
    assert text.startswith("Bonjour Ana Reyes, Voici une version corrigée d’un communiqué")
    assert "Ce communiqué est sous embargo jusqu’au 5 mars 2024" in text
    assert ("Ce communiqué de Northwind Refugee Health Alliance pourrait intéresser la "
            "rédaction de Le Quotidien.") in text
    assert "Bien cordialement," in text and "Dear" not in text and "Hello" not in text
    assert "<p>Bonjour Ana Reyes,</p>" in rendered.html
    # The subject begins EMBARGOED UNTIL in English, as newsroom filters look for it.
    assert rendered.subject.startswith(
        "EMBARGOED UNTIL March 5, 2024, 9:00 AM UTC+1: CORRIGÉ: ")
    assert max(len(line) for line in rendered.text.split("\n\n")[1].splitlines()) <= 72
    # A language presskit has no note in yet: English, the embargo's date in English too
    # (an English note of an Arabic release read "until 10 ص 11:00 ،2026 ديسمبر").
    project.release(lang="el", embargo="2024-03-05T09:00:00+01:00")
    loaded = load_project(project.root)
    greek = Composer(loaded, loaded.release(SLUG),
                     sender=parse_sender("NRHA Press Office <press@example.org>", "from", "t"),
                     reply_to=None, pdf_name=f"{SLUG}.pdf", embargoed=True).render(
        Recipient(email="ana@example.org")).text
    assert greek.startswith("Hello,") and "With best regards," in greek
    assert ("This release is under embargo until March 5, 2024, 9:00 AM UTC+1."
            in " ".join(greek.split()))


def test_an_english_note_in_a_hebrew_message_reads_left_to_right(project):
    # The note falls back to English for Hebrew; inside <html dir="rtl"> it read ",Hello", and
    # the contact's phone "+1 555 0142" as "0142 555 1+".
    project.release(lang="he", title="מרפאות ניידות", contacts=[
        {"name": "Ada Example", "phone": "+1 555 0142", "email": "ada@example.org"}])
    html = composer(project).render(Recipient(email="ana@example.org", name="Ana")).html
    assert '<html lang="he" dir="rtl">' in html
    assert '<div lang="en" dir="ltr">\n<p>Dear Ana,</p>' in html
    assert '<span dir="ltr">+1 555 0142</span>' in html


def test_an_arabic_or_ukrainian_release_has_its_own_covering_note(project):
    """They fell back to English, with the embargo's date in Arabic inside (a QA pass)."""
    project.release(lang="ar", title="عيادات متنقلة")
    html = composer(project).render(Recipient(email="ana@example.org", name="سارة")).html
    assert '<div lang="ar" dir="rtl">\n<p>مرحبًا سارة،</p>' in html
    project.release(lang="uk", title="Мобільні клініки")
    text = composer(project).render(Recipient(email="ana@example.org", name="Оксана")).text
    assert text.startswith("Доброго дня, Оксана!") and "З повагою," in text


def test_the_text_part_reads_the_markdown_as_text(project):
    # A text-only mail reader showed "## What we offer", "**two**" and "[the report](…)".
    project.release(body="The Alliance opened **two** clinics; see [the report]"
                         "(https://example.org/report).\n\n## What we offer\n\n- care\n- advice\n",
                    notes="Photos on [request](mailto:press@example.org).")
    text = composer(project).render(Recipient(email="ana@example.org", name="Ana")).text
    assert ("The Alliance opened two clinics; see the report (https://example.org/report)."
            in " ".join(text.split()))
    assert "\nWhat we offer\n\n- care\n- advice\n" in text
    assert "Photos on request (press@example.org)." in text
    assert "**" not in text and "## What" not in text and "](" not in text
    # A bare address is written once, not "nrha.example.org (http://nrha.example.org)".
    project.release(body="Details at nrha.example.org.\n")
    text = composer(project).render(Recipient(email="ana@example.org", name="Ana")).text
    assert "Details at nrha.example.org." in text and "http://" not in text


def test_the_text_part_drops_what_a_word_processor_hid_in_the_words(project):
    """Soft hyphens and zero-width spaces pasted from Word are invisible in the PDF; a
    plain-text reader may show them mid-word (a QA pass)."""
    project.release(body="An extra\u00adordinary day at the cross\u200bing.\n")
    rendered = composer(project).render(Recipient(email="ana@example.org", name="Ana"))
    assert "An extraordinary day at the crossing." in rendered.text
    assert "\u00ad" not in rendered.text and "\u200b" not in rendered.text


def test_a_long_subject_and_name_not_in_ascii_keep_every_space(project):
    """The email package folded "… ديسمبر 2026، …" between two encoded words at the space,
    which readers drop (RFC 2047, 6.2): the subject read "ديسمبر2026" (a QA pass)."""
    from email.header import decode_header, make_header

    title = "لانترنووتش: توثيق 312 حالة اختفاء قسري في عام 2024 في ديسمبر 2026، والمزيد"
    project.release(title=title, lang="ar")
    name = "Оксана Гнатюк-Коваленко, кореспондентка Українського радіо у Женеві та Брюсселі"
    compose = composer(project)
    r = Recipient(email="oksana@example.org", name=name)
    rendered = compose.render(r)
    data = compose.message(r, rendered, PDF, msg_id=message_id(SLUG, r.email, "example.org"))
    head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert max(len(line) for line in head.split("\r\n")) <= 78
    msg = parse(data)
    assert msg["Subject"] == rendered.subject and title in msg["Subject"]
    to = head.split("\r\nTo: ", 1)[1].split("\r\nReply-To:")[0]
    assert str(make_header(decode_header(to))) == f"{name} <oksana@example.org>"


def test_the_text_part_fills_its_paragraphs_to_72_characters(project):
    """Body paragraphs ran to 419 characters on a line, or broke where the YAML broke, while
    the covering note was filled to 72 (two QA passes)."""
    long = "The Alliance opened two clinics at the crossing, where families wait for days. " * 5
    project.release(body=f"{long}\nA second line of the same paragraph in the YAML.\n\n"
                         f"- {long}\n\n| Region | Clinics |\n|---|---:|\n| North | 2 |\n")
    text = composer(project).render(Recipient(email="ana@example.org", name="Ana")).text
    body = text.split("Mobile clinics open at the northern crossing\n\n", 1)[1]
    lines = body.split("\n\nAbout ")[0].splitlines()
    assert lines[0].startswith("Portland, ME — March 5, 2024 — The Alliance opened")
    assert max(len(line) for line in lines) <= 72, lines
    assert "\nA second line" not in body and " A second line of the same paragraph" in \
        " ".join(body.split("\n"))
    assert "- The Alliance opened" in body and "\n  " in body   # an item's lines hang
    assert "| Region | Clinics |\n|---|---:|\n| North | 2 |" in body   # a table as written


def test_a_file_name_is_not_broken_at_its_hyphens_and_an_english_about_reads_left_to_right(
        project):
    """The covering note broke "2024-03-05-clinics-\nopen.pdf"; in an Arabic message the
    organization's English "About" text ran right to left, its full stops at the start."""
    project.release(lang="ar", title="عيادات متنقلة")
    rendered = composer(project).render(
        Recipient(email="ana@example.org", name="Ana", outlet="The Coastal Herald Weekly"))
    assert f"({SLUG}.pdf)" in rendered.text
    assert '<div lang="en" dir="ltr">' in rendered.html.split("###")[0].split("<h2")[-1]


def test_with_a_newsroom_each_message_links_the_release_page(project):
    recipient = Recipient(email="ana@example.org", name="Ana")
    without = composer(project).render(recipient)
    assert "Read online" not in without.text and "Read online" not in without.html
    project.write("presskit.yaml", "site:\n  url: https://example.org/newsroom\n")
    rendered = composer(project).render(recipient)
    page = f"https://example.org/newsroom/releases/{SLUG}.html"
    assert f"\nRead online: {page}\n" in rendered.text
    assert f'<a href="{page}">Read online</a>' in rendered.html
    # Under embargo the page is not published yet: no link to a page that is not there.
    loaded = load_project(project.root)
    embargoed = Composer(loaded, loaded.release(SLUG),
                         sender=parse_sender("NRHA <press@example.org>", "from", "t"),
                         reply_to=None, pdf_name=f"{SLUG}.pdf", embargoed=True)
    assert "Read online" not in embargoed.render(recipient).text
