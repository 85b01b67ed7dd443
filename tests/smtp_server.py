"""A real SMTP server on 127.0.0.1 for the send tests: aiosmtpd on a free port (port 0).

The handler records every message it accepts and can be scripted: answers to give at RCPT or
at the end of DATA for given addresses (451, 550...), a connection to drop, or a stall after
N messages (to kill the sender mid-run).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self):
        return message_from_bytes(self.data, policy=policy.default)


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens (once this socket is closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Handler:
    """Records messages; ``rcpt_replies``/``data_replies`` map an address to answers to give
    on its successive tries (then it is accepted)."""

    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    data_replies: dict[str, list[str]] = field(default_factory=dict)
    drop_at_rcpt: set[str] = field(default_factory=set)   # drop the connection once, at RCPT
    # Take the message, then go away without answering: the connection and the listener.
    vanish_after_data: set[str] = field(default_factory=set)
    listener: object = None                               # the asyncio server (Server.start)
    stall_after: int | None = None                        # hang after N messages...
    stall_in: str = "DATA"                                # ...in DATA or at RCPT
    received: list[Received] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)
    stalled: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        self.attempts[key] = self.attempts.get(key, 0) + 1
        await self._maybe_stall("RCPT")
        if key in self.drop_at_rcpt:
            self.drop_at_rcpt.discard(key)
            server.transport.close()
            return "421 4.3.0 dropping the connection"
        replies = self.rcpt_replies.get(key)
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await self._maybe_stall("DATA")
        replies = self.data_replies.get(envelope.rcpt_tos[0].lower()) if envelope.rcpt_tos \
            else None
        if replies:
            return replies.pop(0)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      bytes(envelope.original_content)))
        if envelope.rcpt_tos and envelope.rcpt_tos[0].lower() in self.vanish_after_data:
            self.listener.close()
            server.transport.close()
            return "421 4.3.0 gone"     # never heard: the transport is closed
        return "250 2.0.0 queued"

    async def _maybe_stall(self, where: str) -> None:
        if self.stall_in == where and self.stall_after is not None \
                and len(self.received) >= self.stall_after:
            self.stalled.set()
            await asyncio.sleep(3600)   # the client is killed while waiting for our answer

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address.lower() in [a.lower() for a in r.rcpt_tos]]


class Server:
    """aiosmtpd in a thread of its own, listening on 127.0.0.1 at a port the OS picks."""

    def __init__(self, handler: Handler, *, tls: ssl.SSLContext | None = None,
                 implicit_tls: bool = False, require_starttls: bool = False,
                 users: dict[str, str] | None = None):
        self.handler = handler
        self.tls, self.implicit_tls = tls, implicit_tls
        self.require_starttls = require_starttls
        self.users = users
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.port = 0

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and self.users is not None
              and self.users.get(auth_data.login.decode()) == auth_data.password.decode())
        return AuthResult(success=ok, handled=False)

    def _factory(self):
        kwargs = {}
        if self.users is not None:
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=True)
        if self.tls and not self.implicit_tls:
            kwargs.update(tls_context=self.tls, require_starttls=self.require_starttls)
        return SMTP(self.handler, hostname="localhost", loop=self.loop, **kwargs)

    def start(self) -> "Server":
        self.thread.start()
        ssl_context = self.tls if self.implicit_tls else None
        future = asyncio.run_coroutine_threadsafe(
            self.loop.create_server(self._factory, "127.0.0.1", 0, ssl=ssl_context), self.loop)
        self.server = future.result(10)
        self.handler.listener = self.server
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        async def close():
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()
        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, made now (cert, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost"),
                 x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp_server():
    """A plain SMTP server; the test may script its handler before sending."""
    server = Server(Handler()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def server_tls_context(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context
