"""Build each recipient's e-mail: Jinja2 templates for the subject, text and HTML, and the PDF.

The templates are templates/email/subject.txt, body.txt and body.html, found like every other
template (a project's own first). They render with StrictUndefined, and every recipient's
parts are rendered before the first message goes out, so a typo stops the run early.

The message is shaped the way spam filters expect a real person's mail to be: Date,
Message-ID at the sender's domain, MIME-Version, a multipart/alternative text + HTML with the
same content (never HTML alone), the PDF beside it in multipart/mixed, and List-Unsubscribe.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, getaddresses
from types import SimpleNamespace

import jinja2

from . import render
from .errors import BuildError, PresskitError
from .load import Project
from .medialist import Recipient, normalize_address
from .model import Release

TEMPLATES = ("email/subject.txt", "email/body.txt", "email/body.html")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def parse_sender(value: str, what: str, where: str) -> Address:
    """'Name <addr@host>' or 'addr@host' as an Address; PresskitError when it is not one."""
    pairs = getaddresses([value]) if value else []
    if len(pairs) != 1 or not pairs[0][1] or "\n" in value or "\r" in value:
        raise PresskitError(f"{where}: email.{what} must be one address such as "
                            f"'Press Office <press@example.org>'")
    name, raw = pairs[0]
    address, error = normalize_address(raw)
    if error:
        raise PresskitError(f"{where}: email.{what}: {error}")
    local, domain = address.rsplit("@", 1)
    return Address(display_name=name, username=local, domain=domain)


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
        # The built-in environment escapes everything; plain-text parts must not be escaped.
        self.env = render.environment(project).overlay(
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                                default_for_string=False))
        view = render.release_view(project, release)
        org = project.organization
        boilerplate = release.boilerplate or org.boilerplate
        self.context = {
            "release": view,
            "labels": view.labels,
            "organization": SimpleNamespace(name=org.name, short_name=org.short_name,
                                            website=org.website, location=org.location),
            "sender": SimpleNamespace(name=sender.display_name, email=sender.addr_spec),
            "embargoed": embargoed,
            # Subjects travel best as plain ASCII: no narrow spaces or minus signs.
            "embargo_subject": _ascii_punctuation(view.embargo_text),
            "release_line": (f"{view.labels['embargoed']} {view.embargo_text}" if embargoed
                             else view.labels["immediate"]).upper(),
            "body_text": _lead(release.body.strip(), release.dateline, view.date_text),
            "notes_text": release.notes.strip(),
            "boilerplate_text": boilerplate.strip(),
            "about": view.labels["about"].format(name=org.name),
            "pdf_name": pdf_name,
        }

    def render(self, recipient: Recipient, *, correction: bool = False) -> Rendered:
        """The subject, text and HTML for one recipient (raises BuildError on a template error)."""
        context = dict(self.context, correction=correction,
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
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise BuildError(f"{exc.filename or name}:{exc.lineno}: template error: "
                             f"{exc.message}") from None
        except jinja2.TemplateNotFound:
            raise BuildError(f"{self.project.root / 'templates' / name}: no such template in "
                             f"the project or the built-in theme") from None
        except jinja2.UndefinedError as exc:
            raise BuildError(f"{self._where(exc, name)}: template error: {exc.message}") \
                from None

    def _where(self, exc: Exception, name: str) -> str:
        """path:line of the template line that failed, from the traceback Jinja2 rewrites."""
        import traceback

        path = self.env.get_template(name).filename or name
        lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
        return f"{path}:{lines[-1]}" if lines else path

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

        Only that recipient is in To, nobody in Cc. The email package makes every header and
        part; the multipart/mixed around the parts is joined here, so that the PDF, the same
        in every message, is encoded once a run rather than once a message.
        """
        head = EmailMessage(policy=policy.SMTP)
        head["From"] = self.sender
        local, domain = recipient.email.rsplit("@", 1)
        head["To"] = Address(display_name=recipient.name, username=local, domain=domain)
        if self.reply_to:
            head["Reply-To"] = self.reply_to
        head["Subject"] = rendered.subject
        head["Date"] = format_datetime(date or dt.datetime.now(dt.timezone.utc))
        head["Message-ID"] = msg_id
        if references:
            # A correction threads under the message it corrects.
            head["In-Reply-To"] = references
            head["References"] = references
        unsubscribe = (self.reply_to or self.sender).addr_spec
        head["List-Unsubscribe"] = f"<mailto:{unsubscribe}?subject=unsubscribe>"

        alternative = MIMEPart(policy=policy.SMTP)
        alternative.set_content(rendered.text, subtype="plain", cte="quoted-printable")
        alternative.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
        parts = [alternative.as_bytes(), self._attachment(pdf)]
        boundary = f"=_presskit_{uuid.uuid4().hex}"
        assert not any(boundary.encode() in part for part in parts)
        head["MIME-Version"] = "1.0"
        head["Content-Type"] = f'multipart/mixed; boundary="{boundary}"'
        head["Content-Language"] = self.context["release"].lang
        headers = b"".join(policy.SMTP.fold_binary(name, value) for name, value in head.items())
        delimiter = b"\r\n--" + boundary.encode()
        body = b"".join(delimiter + b"\r\n" + _chomp(part) for part in parts)
        return headers + b"\r\n" + body[2:] + delimiter + b"--\r\n"


def _chomp(data: bytes) -> bytes:
    """A part without its last line end, which belongs to the boundary after it (RFC 2046)."""
    return data[:-2] if data.endswith(b"\r\n") else data


def _lead(body: str, dateline: str, date_text: str) -> str:
    """The plain-text body with 'DATELINE — Date — ' leading its first paragraph."""
    return f"{dateline} — {date_text} — {body}"


def _ascii_punctuation(text: str) -> str:
    return (text.replace("\u202f", " ").replace("\u00a0", " ").replace("\u2212", "-")
            .replace("\u2009", " "))
