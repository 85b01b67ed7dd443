"""Build each recipient's e-mail: Jinja2 templates for the subject, text and HTML, and the PDF.

The templates are templates/email/subject.txt, body.txt and body.html, found like every other
template (a project's own first). They render with StrictUndefined, and every recipient's
parts are rendered before the first message goes out, so a typo stops the run early.

The message is shaped the way spam filters expect a real person's mail to be: Date,
Message-ID at the sender's domain, MIME-Version, a multipart/alternative text + HTML with the
same content (never HTML alone), the PDF beside it in multipart/mixed, and List-Unsubscribe.
"""
from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from email import policy, quoprimime
from email.headerregistry import Address
from email.message import MIMEPart
from email.utils import format_datetime, getaddresses
from types import SimpleNamespace

import jinja2
from markupsafe import Markup

from .. import i18n, markdown, render
from ..errors import BuildError, Problem, ProjectError
from ..load import Project
from ..model import Release
from .medialist import Recipient, normalize_address

TEMPLATES = ("email/subject.txt", "email/body.txt", "email/body.html")
# The plain-text part's lines, as the covering note's (wordwrap(72) in body.txt).
TEXT_WIDTH = 72
# RFC 2045: encoded lines of at most 76 characters (the email package writes 78).
QP_LINE = 76


def site_page_url(site_url: str, slug: str) -> str:
    """The address of a release's page in the newsroom (presskit site)."""
    from ..site import addresses

    return addresses.absolute(addresses.normalize_base(site_url),
                              addresses.release_page(slug))


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def parse_sender(value: str, what: str, path: os.PathLike | str,
                 at: tuple[int, int] = (1, 1)) -> Address:
    """'Name <addr@host>' or 'addr@host' as an Address; a ProjectError pointing at ``path``
    (line and column ``at``: where the setting's value is) when it is not one."""
    pairs = getaddresses([value]) if value else []
    if len(pairs) != 1 or not pairs[0][1] or _CONTROL_RE.search(value):
        raise ProjectError([Problem(str(path), *at, f"email.{what} must be one address such "
                                                    f"as 'Press Office <press@example.org>'")])
    name, raw = pairs[0]
    address, error = normalize_address(raw)
    if error:
        raise ProjectError([Problem(str(path), *at, f"email.{what}: {error}")])
    local, domain = address.rsplit("@", 1)
    return Address(display_name=name, username=local, domain=domain)


# A control character (CR, LF, ESC, NUL ...) in a header would add headers or garble it.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

TABLE_CELL_RE = re.compile(r'<(th|td)(?: class="align-(right|center)")?>')


def mail_tables(html: str) -> Markup:
    """A body's tables styled inline, as mail software wants (it drops <style>): ruled rows
    and spaced columns, numbers aligned as in the PDF."""
    def cell(match: re.Match) -> str:
        rule = "2px solid #333" if match[1] == "th" else "1px solid #ccc"
        return (f'<{match[1]} style="text-align:{match[2] or "start"};padding:4px 16px 4px 0;'
                f'border-bottom:{rule};vertical-align:top">')
    html = str(html).replace("<table>", '<table style="border-collapse:collapse;'
                                        'margin:8px 0 16px">')
    return Markup(TABLE_CELL_RE.sub(cell, html))


def message_id(slug: str, address: str, domain: str, version: str = "") -> str:
    """A Message-ID that is the same every time for one release and recipient (and version).

    A resent message (after a crash, with --resend-unknown) keeps its Message-ID, so mail
    software can tell it is the same message; a correction gets its own.
    """
    digest = hashlib.sha256(f"{slug}\n{address.lower()}\n{version}".encode()).hexdigest()
    return f"<{digest[:32]}.presskit@{domain}>"


class Composer:
    """Renders and assembles the messages of one release."""

    def __init__(self, project: Project, release: Release, *, sender: Address,
                 reply_to: Address | None, pdf_name: str, embargoed: bool):
        self.project = project
        self.release = release
        self.sender = sender
        self.reply_to = reply_to
        self.pdf_name = pdf_name
        self._pdf: bytes | None = None
        self._pdf_part = b""
        self._subjects: dict[str, bytes] = {}
        # The built-in environment escapes everything; plain-text parts must not be escaped.
        self.env = render.environment(project).overlay(
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                                default_for_string=False))
        self.env.filters["mail_tables"] = mail_tables
        view = render.release_view(project, release)
        org = project.organization
        self.context = {
            "release": view,
            "labels": view.labels,
            "organization": SimpleNamespace(name=org.name, short_name=org.short_name,
                                            website=org.website, location=org.location),
            "sender": SimpleNamespace(name=sender.display_name, email=sender.addr_spec),
            "embargoed": embargoed,
            # The subject begins EMBARGOED UNTIL, in English whatever the release's language:
            # news desks filter on those words. Plain ASCII travels best: no narrow spaces.
            "subject_labels": i18n.labels_for("en", project.settings.labels),
            "embargo_subject": _ascii_punctuation(i18n.format_embargo(
                release.embargo, "en", project.settings.timezone)) if release.embargo else "",
            # As the attached PDF has it: an embargo that has lifted is still printed there.
            "release_line": (f"{view.labels['embargoed']} {view.embargo_text}"
                             if view.embargo_text else view.labels["immediate"]).upper(),
            "embargo_lifted": bool(view.embargo_text) and not embargoed,
            # The Markdown read as text: no ** or ## in a text-only reader's mail.
            # With the PDF's typography: its quotation marks, apostrophes and dashes.
            "body_text": markdown.to_text(release.body, TEXT_WIDTH,
                                          lead=f"{view.dateline} — {view.date_text} — ",
                                          lang=view.lang),
            "notes_text": markdown.to_text(release.notes, TEXT_WIDTH, lang=view.lang),
            "boilerplate_text": markdown.to_text(view.boilerplate_text, TEXT_WIDTH,
                                                 lang=view.boilerplate_lang),
            "about": view.about_heading,
            "pdf_name": pdf_name,
            # The release's page in the newsroom (presskit site), once it is published there.
            "online_url": "" if embargoed or not project.settings.site_url else
            site_page_url(project.settings.site_url, release.slug),
        }
        # The headers that are the same in every message of the run, folded once.
        unsubscribe = (reply_to or sender).addr_spec
        self._fixed = {name: _fold(name, value) for name, value in (
            ("List-Unsubscribe", f"<mailto:{unsubscribe}?subject=unsubscribe>"),
            ("Content-Language", view.lang)) if value}
        self._fixed.update({name: _address(name, value) for name, value in (
            ("From", sender), ("Reply-To", reply_to)) if value})

    def render(self, recipient: Recipient, *, correction: bool = False,
               changes: str = "") -> Rendered:
        """The subject, text and HTML for one recipient (raises BuildError on a template
        error). `changes` says what a correction corrects, in the note's language."""
        release = self.context["release"]
        # The embargo in the note's own language: an English note of an Arabic release read
        # "until 10 ص 11:00 ،2026 ديسمبر CET" (a QA pass).
        when = i18n.format_embargo(release.embargo, i18n.covering_language(release.lang),
                                   self.project.settings.timezone) if release.embargo else ""
        note = i18n.covering_for(release.lang, name=recipient.name,
                                 organization=self.context["organization"].name,
                                 outlet=recipient.outlet, when=when, pdf=self.pdf_name)
        note.changes = changes
        context = dict(self.context, correction=correction, note=note,
                       recipient=SimpleNamespace(**{**recipient.fields, "email": recipient.email,
                                                    "name": recipient.name,
                                                    "outlet": recipient.outlet}))
        subject, text, html = (self._render(name, context) for name in TEMPLATES)
        # A template may spread the subject over lines; a header holds one.
        subject = " ".join(subject.split())
        if not subject:
            raise BuildError(f"{TEMPLATES[0]}: the subject came out empty")
        return Rendered(subject, text.strip() + "\n", html)

    def _render(self, name: str, context: dict) -> str:
        return render.render_template(self.project, name, context, env=self.env)

    def _attachment(self, pdf: bytes) -> bytes:
        # Encoded once and shared by every message: the PDF is the same in all of them.
        if self._pdf is not pdf:
            part = MIMEPart(policy=policy.SMTP)
            part.set_content(pdf, maintype="application", subtype="pdf",
                             disposition="attachment", filename=self.pdf_name)
            self._pdf, self._pdf_part = pdf, part.as_bytes()
        return self._pdf_part

    def message(self, recipient: Recipient, rendered: Rendered, pdf: bytes, *,
                msg_id: str, date: dt.datetime | None = None,
                references: str = "") -> bytes:
        """The whole message to one recipient, as SMTP carries it (CRLF line ends).

        Only that recipient is in To, nobody in Cc. The headers that are the same in every
        message of the run (From, Reply-To, List-Unsubscribe, the Subject most often) are
        folded once by the email package; the others are written directly when they are
        short plain ASCII, which is what the email package would write, and folded by it
        otherwise. The parts are joined here (RFC 2046), the PDF encoded once a run: building
        each message with the email package cost ~9 ms, most of a send's time.
        """
        local, domain = recipient.email.rsplit("@", 1)
        to = Address(display_name=recipient.name, username=local, domain=domain)
        head = [self._fixed["From"],
                _header("To", str(to)) if _plain_phrase(recipient.name) else _address("To", to)]
        if self.reply_to:
            head.append(self._fixed["Reply-To"])
        head += [self._subject(rendered.subject),
                 _header("Date", format_datetime(date or dt.datetime.now(dt.timezone.utc))),
                 _header("Message-ID", msg_id)]
        if references:
            # A correction threads under the message it corrects.
            head += [_header("In-Reply-To", references), _header("References", references)]
        boundary = _boundary()
        head += [self._fixed["List-Unsubscribe"], b"MIME-Version: 1.0\r\n",
                 b'Content-Type: multipart/mixed;\r\n boundary="' + boundary + b'"\r\n',
                 self._fixed["Content-Language"]]
        body = _multipart(boundary, [_alternative(rendered), self._attachment(pdf)])
        return b"".join(head) + b"\r\n" + body

    def _subject(self, subject: str) -> bytes:
        # Usually one subject for the whole list: folded once.
        folded = self._subjects.get(subject)
        if folded is None:
            # A control character in a title (YAML's "\\e" is ESC) is no part of a header.
            subject = _CONTROL_RE.sub(" ", subject)
            folded = self._subjects[subject] = _header("Subject", subject) \
                if subject.isascii() else _encoded("Subject", subject)
        return folded


CRLF = "\r\n"


def _fold(name: str, value) -> bytes:
    """One header as the email package writes it (parsed, RFC 2047-encoded, folded)."""
    return policy.SMTP.fold_binary(*policy.SMTP.header_store_parse(name, value))


def _encoded(name: str, text: str) -> bytes:
    """A header of non-ASCII text (a subject) as RFC 2047 encoded words."""
    return f"{name}: {_encoded_words(text)}\r\n".encode("ascii")


def _address(name: str, address: Address) -> bytes:
    """From, Reply-To or To: a name that is not ASCII as encoded words, then the address.

    A name is text, never an encoded word: a media list's '=?utf-8?b?QmNjOiB4QGV2aWwu...?='
    would be decoded by the reader ('To: Bcc: x@evil.example <...>', and a Reply-All to that
    address). Encoding it as any non-ASCII name is, the reader shows the very
    characters the list holds."""
    if address.display_name.isascii() and "=?" not in address.display_name:
        return _fold(name, address)
    words = _encoded_words(address.display_name)
    last = words.rsplit(CRLF, 1)[-1] if CRLF in words else f"{name}: {words}"
    fold = CRLF if len(last) + len(address.addr_spec) + 3 > 78 else ""
    return f"{name}: {words}{fold} <{address.addr_spec}>\r\n".encode("ascii")


# Text a folded line's encoded word holds: 42 bytes are 56 in base64, a line under 78.
ENCODED_WORD_BYTES = 42


def _encoded_words(text: str) -> str:
    """`text` as base64 UTF-8 encoded words (RFC 2047), one a line, each ending with the
    spaces that follow its last word. The email package folds between two encoded words at a
    space it leaves outside them, where readers drop it (RFC 2047, 6.2): an Arabic subject
    read "ديسمبر2026", and a long Cyrillic name ran its words together."""
    chunks = [""]
    for word in re.findall(r"\s*\S+\s*", text) or [text]:
        if chunks[-1] and len((chunks[-1] + word).encode("utf-8")) > ENCODED_WORD_BYTES:
            chunks.append(word)
        else:
            chunks[-1] += word
    return "\r\n ".join("=?utf-8?b?" + binascii.b2a_base64(chunk.encode("utf-8"), newline=False)
                         .decode("ascii") + "?=" for chunk in chunks)


def _header(name: str, value: str) -> bytes:
    """One header; written directly when the email package would write it unchanged."""
    line = f"{name}: {value}\r\n"
    if (len(line) <= policy.SMTP.max_line_length + 2 and value.isascii() and "=?" not in value
            and "\r" not in value and "\n" not in value):
        return line.encode("ascii")
    return _fold(name, value)


# A display name in printable ASCII: str(Address) quotes it as the email package's folding
# writes it (tests/test_send_message.py checks random ones). Anything else (non-ASCII to be
# RFC 2047-encoded, '=?' that the email package would decode) goes through the email package.
_PLAIN_PHRASE = re.compile(r"[ -~\t]*")


def _plain_phrase(name: str) -> bool:
    return bool(_PLAIN_PHRASE.fullmatch(name)) and "=?" not in name


def _boundary() -> bytes:
    # '=_' never occurs in quoted-printable or base64 text, so no part can contain it.
    return f"=_presskit_{uuid.uuid4().hex}".encode("ascii")


def _multipart(boundary: bytes, parts: list[bytes]) -> bytes:
    """The body of a multipart entity: each part after a delimiter line, then the close."""
    assert not any(boundary in part for part in parts)
    delimiter = b"\r\n--" + boundary
    body = b"".join(delimiter + b"\r\n" + _chomp(part) for part in parts)
    return body[2:] + delimiter + b"--\r\n"


def _alternative(rendered: Rendered) -> bytes:
    """The multipart/alternative part: the text, then the HTML, quoted-printable UTF-8."""
    boundary = _boundary()
    return (b'Content-Type: multipart/alternative;\r\n boundary="' + boundary + b'"\r\n\r\n'
            + _multipart(boundary, [_text_part("plain", rendered.text),
                                    _text_part("html", rendered.html)]))


def _text_part(subtype: str, text: str) -> bytes:
    # The text ends with a line end, and one more follows: the one before the next boundary
    # belongs to the boundary, so the text keeps its own (as the email package writes it).
    return (f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
            f"Content-Transfer-Encoding: quoted-printable\r\n\r\n").encode("ascii") \
        + quoted_printable(text) + b"\r\n"


def quoted_printable(text: str) -> bytes:
    """UTF-8 text as quoted-printable lines of at most 76 characters, CRLF line ends.

    binascii does it in C; on a line that ends in a space or tab just at the length limit it
    writes 77 characters, so such a text is encoded again by the email package's encoder.
    """
    lines = text.encode("utf-8").splitlines()
    data = binascii.b2a_qp(b"\r\n".join(lines) + b"\r\n", istext=True)
    if max(map(len, data.split(b"\r\n"))) > QP_LINE:
        body = b"\n".join(lines).decode("latin-1") + "\n"
        data = quoprimime.body_encode(body, QP_LINE, "\r\n").encode("ascii")
    return data


def _chomp(data: bytes) -> bytes:
    """A part without its last line end, which belongs to the boundary after it (RFC 2046)."""
    return data[:-2] if data.endswith(b"\r\n") else data


def _ascii_punctuation(text: str) -> str:
    return (text.replace("\u202f", " ").replace("\u00a0", " ").replace("\u2212", "-")
            .replace("\u2009", " "))
