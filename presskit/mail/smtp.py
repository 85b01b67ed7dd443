"""One SMTP connection, reused for every message: STARTTLS, SSL or none, AUTH, rate limit,
reconnection, and each transaction's outcome sorted into delivered, temporary or permanent.

The transaction is done step by step (MAIL, RCPT, DATA, the message, the final dot) rather
than with smtplib's sendmail, so that the caller can record in its ledger the one moment that
matters for crash safety: just before the final dot, after which the server may have the
message even if this process never hears its answer.
"""
from __future__ import annotations

import ipaddress
import os
import smtplib
import ssl
import time
from dataclasses import dataclass
from typing import Callable

from ..errors import PresskitError, Unreachable
from ..model import SmtpSettings

USER_ENV = "PRESSKIT_SMTP_USER"
PASSWORD_ENV = "PRESSKIT_SMTP_PASSWORD"
SECURITIES = ("starttls", "ssl", "none")

# What happened to one message.
DELIVERED, TEMPORARY, PERMANENT, DROPPED = "delivered", "temporary", "permanent", "dropped"


@dataclass(frozen=True)
class Outcome:
    status: str           # DELIVERED, TEMPORARY (4xx), PERMANENT (5xx) or DROPPED (connection)
    response: str         # e.g. "250 OK" or "451 try again later"
    after_dot: bool = False  # True when the connection dropped after the final dot was sent
    sender_refused: bool = False  # refused at MAIL FROM: about us, not about the recipient


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses: the only hosts a password may go to in the
    clear (security 'none'), as it then never leaves the machine."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def credentials() -> tuple[str, str] | None:
    """User and password from the environment, never from a file in the project."""
    user = os.environ.get(USER_ENV, "")
    password = os.environ.get(PASSWORD_ENV, "")
    if not user and not password:
        return None
    if not user or not password:
        missing = USER_ENV if not user else PASSWORD_ENV
        raise PresskitError(f"{missing} is not set: give both {USER_ENV} and {PASSWORD_ENV}, "
                            f"or neither")
    return user, password


def check_settings(settings: SmtpSettings, login: tuple[str, str] | None = None) -> None:
    """Refuse settings that would send the password in the clear to another machine.

    Plain SMTP itself is allowed to any host: a relay on an internal network that takes mail
    without a login is common. A login over it is not, except to this machine.
    """
    where = f"{settings.host}:{settings.port}"
    if settings.security not in SECURITIES:
        raise PresskitError(f"{where}: unknown security '{settings.security}' "
                            f"(use {', '.join(SECURITIES)})")
    if settings.security == "none" and login and not is_loopback(settings.host):
        raise PresskitError(f"{where}: security 'none' would send the password in the clear "
                            f"to another machine; use starttls or ssl, or unset {USER_ENV} "
                            f"and {PASSWORD_ENV} for a relay that needs no login")


class RateLimit:
    """At most ``per_minute`` messages a minute, spaced evenly; 0 turns the limit off."""

    def __init__(self, per_minute: float, clock=time.monotonic, sleep=time.sleep):
        self.interval = 60.0 / per_minute if per_minute and per_minute > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self.next_at = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


class Connection:
    """A reusable SMTP session that reopens itself when the server drops it."""

    def __init__(self, settings: SmtpSettings, *, login: tuple[str, str] | None = None,
                 ssl_context: ssl.SSLContext | None = None, timeout: float = 60.0,
                 local_hostname: str | None = None):
        check_settings(settings, login)
        self.settings = settings
        self.login = login
        self.ssl_context = ssl_context
        self.timeout = timeout
        self.local_hostname = local_hostname
        self.smtp: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def __enter__(self) -> "Connection":
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        """Connect, secure and log in; a PresskitError names the server and what failed
        (Unreachable when the server could not be reached at all)."""
        self.close()
        s = self.settings
        if self.ssl_context is None and s.security in ("ssl", "starttls"):
            # Once a connection, when TLS is used: reading the system's authorities is a
            # tenth of a second, and a plain relay needs none.
            self.ssl_context = ssl.create_default_context()
        context = self.ssl_context
        greeted = False
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=context,
                                        local_hostname=self.local_hostname)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout,
                                    local_hostname=self.local_hostname)
            greeted = True
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise PresskitError(
                        f"{self.where}: the server does not offer STARTTLS; for a relay on "
                        f"this machine or your own network that takes mail unencrypted, use "
                        f"--smtp-security none (security: none in presskit.yaml); for a server "
                        f"that wants TLS from the start, ssl (port 465)")
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.login:
                smtp.login(*self.login)
        except smtplib.SMTPAuthenticationError as exc:
            raise PresskitError(f"{self.where}: login refused ({_reply(exc)}); check "
                                f"{USER_ENV} and {PASSWORD_ENV}") from None
        except smtplib.SMTPNotSupportedError:
            raise PresskitError(f"{self.where}: the server offers no login (AUTH) on this "
                                f"connection; unset {USER_ENV}, or use starttls or ssl") from None
        except ssl.SSLCertVerificationError as exc:
            # A setting to fix, not a server that is down: trying later would fail the same.
            raise PresskitError(
                f"{self.where}: TLS failed: the server's certificate is not one this machine "
                f"trusts ({exc.verify_message or exc.reason}); if your organization signs its "
                f"own, point SSL_CERT_FILE at its authority's certificate, then run send "
                f"again: nobody was sent to") from None
        except ssl.SSLError as exc:   # an OSError too: caught first for its own message
            hint = ""
            if s.security == "ssl" and exc.reason == "WRONG_VERSION_NUMBER":
                # The server spoke plain SMTP where TLS was expected: a submission port.
                hint = ("; the server speaks plain SMTP first on this port: use security "
                        "starttls (port 587) in presskit.yaml, or --smtp-security starttls")
            raise Unreachable(f"{self.where}: TLS failed: {exc.reason or exc}{hint}") from None
        except smtplib.SMTPServerDisconnected as exc:
            # smtplib turns a socket error while it waits for an answer (a timeout, a reset)
            # into this; that error says what happened.
            cause = exc.__context__
            hint = ""
            if not greeted and s.security != "ssl" and isinstance(cause, TimeoutError):
                # Silent from the start: it waits for a TLS handshake, as port 465 does.
                hint = ("; a server that wants TLS from the start (as on port 465) never "
                        "greets: use security ssl in presskit.yaml, or --smtp-security ssl")
            raise Unreachable(f"{self.where}: no answer from the server: "
                              f"{cause.strerror or cause}{hint}" if isinstance(cause, OSError)
                              else f"{self.where}: the server closed the connection") from None
        except smtplib.SMTPConnectError as exc:
            # The greeting was not 220: 4xx (busy, try later) is temporary; 5xx refuses us.
            error = Unreachable if 400 <= exc.smtp_code < 500 else PresskitError
            raise error(f"{self.where}: the server refused the session: "
                        f"{_reply(exc)}") from None
        except smtplib.SMTPException as exc:
            raise PresskitError(f"{self.where}: the server refused the session: "
                                f"{_reply(exc)}") from None
        except OSError as exc:   # refused, no such host, unreachable network, timeout
            raise Unreachable(f"{self.where}: cannot connect: "
                              f"{exc.strerror or exc}") from None
        self.smtp = smtp

    def close(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()
        self.smtp = None

    def abort(self) -> None:
        """Drop the connection without QUIT (which a stalled server might never answer)."""
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    def transact(self, sender: str, recipient: str, data: bytes,
                 before_dot: Callable[[], None] = lambda: None) -> Outcome:
        """One message to one recipient. ``data`` has CRLF line ends (policy SMTP).

        ``before_dot`` runs after the server agreed to take the message (354) and before
        its final dot is sent: the last moment at which the message is certainly not
        delivered.
        """
        if self.smtp is None:
            try:
                self.open()
            except PresskitError as exc:
                return Outcome(DROPPED, str(exc))
        smtp = self.smtp
        assert smtp is not None
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                return self._refused(code, reply, sender_refused=True)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                return self._refused(code, reply)
            smtp.putcmd("data")
            code, reply = smtp.getreply()
            if code != 354:
                return self._refused(code, reply)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.smtp = None
            return Outcome(DROPPED, f"connection lost: {exc}")
        before_dot()
        try:
            smtp.send(_dot_stuffed(data))
            code, reply = smtp.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.smtp = None
            return Outcome(DROPPED, f"connection lost after the message was sent: {exc}",
                           after_dot=True)
        if code == 250:
            return Outcome(DELIVERED, _text(code, reply))
        return self._refused(code, reply, in_data=True)

    def _refused(self, code: int, reply: bytes, in_data: bool = False,
                 sender_refused: bool = False) -> Outcome:
        # A refused command leaves the transaction open; RSET clears it for the next one.
        if not in_data:
            try:
                self.smtp.rset()
            except (smtplib.SMTPException, OSError):
                self.smtp = None
        if code == -1 or code == 421:
            # 421: the server is closing the connection; the message may be tried again.
            self.close()
            return Outcome(DROPPED if code == -1 else TEMPORARY, _text(code, reply))
        status = TEMPORARY if 400 <= code < 500 else PERMANENT
        return Outcome(status, _text(code, reply), sender_refused=sender_refused)


def _dot_stuffed(data: bytes) -> bytes:
    """The message as DATA carries it: leading dots doubled, ended by CRLF.CRLF."""
    # bytes.replace rather than a regular expression: a tenth of the time on a 40 kB message.
    data = (b"." if data.startswith(b".") else b"") + data.replace(b"\n.", b"\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _text(code: int, reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return f"{code} {' '.join(reply.split())}".strip()


def _reply(exc: smtplib.SMTPException) -> str:
    code = getattr(exc, "smtp_code", None)
    error = getattr(exc, "smtp_error", b"")
    return _text(code, error) if code else str(exc)

