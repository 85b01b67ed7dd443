"""`presskit send`: e-mail one release to a media list, one message a recipient, each once.

The job, top to bottom: check the list, the settings and the embargo; build the PDF; ask the
ledger who is already reached; render every message (a template typo stops here, before any
mail); then deliver over one SMTP connection, writing the ledger around every transaction.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import fcntl
import hashlib
import heapq
import json
import os
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import Callable, NamedTuple

from ..errors import DeliveryError, OutsideProject, PresskitError, Problem, ProjectError
from ..files import display_path, inside, mkdir_inside, write_atomic
from ..i18n import embargo_when
from ..load import Project, node_at
from ..model import Release, SmtpSettings
from . import changes, medialist, smtp
from . import ledger as ledger_mod
from .ledger import DEFERRED, FAILED, PENDING, SENDING, SENT, UNKNOWN, Ledger, RecordError
from .medialist import Recipient
from .message import Composer, Rendered, message_id, parse_sender

# Pauses before the 2nd, 3rd and 4th try of a message the server deferred (4xx).
RETRY_DELAYS = (1.0, 2.0, 4.0)
# Pauses before reopening a dropped connection; after the last, the run stops.
RECONNECT_DELAYS = (1.0, 3.0, 9.0)
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass
class SendReport:
    """What a run did. ``problems`` are the recipients not reached, one line each."""

    slug: str
    list_name: str
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)       # reached by an earlier run
    suppressed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)       # got an older version; no --correction
    # Reached with this very content as another release (its file copied or renamed): by
    # address, that release's slug. They are among `already`.
    copies: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)      # not reached, or fate unknown
    written: list[Path] = field(default_factory=list)      # --dry-run: the .eml files
    dry_run: bool = False
    seconds: float = 0.0
    # Messages sent (or written, in a dry run) by the language of the version they carry;
    # told in the summary when the release has versions in several languages.
    languages: Counter = field(default_factory=Counter)
    multilingual: bool = False

    def summary(self) -> str:
        if self.dry_run:
            where = f" to {display_path(self.written[0].parent)}" if self.written else ""
            parts = [f"{self.slug}: wrote {len(self.written)} message"
                     f"{'s' if len(self.written) != 1 else ''}{where} (dry run: nothing sent)"]
        else:
            parts = [f"{self.slug} to {self.list_name}: sent {len(self.sent)}"]
            if self.multilingual and self.languages:
                parts[0] += f" ({language_counts(self.languages)})"
        if self.already:
            parts.append(f"{len(self.already)} already reached")
        if self.suppressed:
            parts.append(f"{len(self.suppressed)} suppressed")
        if self.changed:
            parts.append(f"{len(self.changed)} {'has' if len(self.changed) == 1 else 'have'} "
                         f"an older version")
        if self.problems:
            parts.append(f"{len(self.problems)} not reached")
        return ", ".join(parts)

    def raise_for_problems(self) -> None:
        """DeliveryError (exit status 3) naming each recipient not reached."""
        if self.problems:
            raise DeliveryError(list(self.problems))


def language_counts(counts: Counter) -> str:
    """'en 3, fr 2, ru 1': messages by language, most first."""
    return ", ".join(f"{lang} {n}" for lang, n in counts.most_common())


class _Version(NamedTuple):
    """One version of a release as sent: the digest of its content, and of its PDF's bytes."""

    content: str
    pdf: str


@dataclass
class _Variant:
    """One language version of the release (the original, or releases/<slug>.<lang>.yaml) as
    this run sends it: its PDF, the digests the ledger keeps, and its messages' composer."""

    release: Release
    lang: str            # as the ledger records it (Entry.lang)
    pdf: bytes
    version: _Version
    composer: Composer
    content: str         # release_content, kept for what a later correction corrects


def release_version(project: Project, release: Release) -> str:
    """The digest of release_content: what a journalist reads of a release."""
    return changes.digest(release_content(project, release))


def release_content(project: Project, release: Release) -> str:
    """The text of what a journalist reads of a release: its headline, dateline, dates,
    embargo, body, pictures (their bytes, captions and credits), notes to editors, and the
    organization's name, media contacts and "About" text as the release prints them.

    Not the PDF's bytes: a new presskit, WeasyPrint or template changes those, and whoever got
    the release does not have an older version of it for that. Nor its tags or language.
    """
    content = {
        "organization": project.organization.name,
        "title": release.title, "subtitle": release.subtitle,
        "date": release.date.isoformat(), "dateline": release.dateline, "body": release.body,
        "embargo": release.embargo.isoformat() if release.embargo else None,
        "images": [[hashlib.sha256(Path(i.src).read_bytes()).hexdigest(), i.caption, i.credit,
                    i.alt] for i in release.images],
        "contacts": [dataclasses.astuple(c) for c in project.release_contacts(release)],
        "boilerplate": project.release_boilerplate(release), "notes": release.notes,
    }
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


@dataclass
class _Job:
    recipient: Recipient
    rendered: Rendered
    msg_id: str
    correction: bool = False
    references: str = ""
    tries: int = 0
    variant: _Variant | None = None   # the language version this message carries


def send_release(project: Project, slug: str, list_name: str, *, dry_run: bool = False,
                 under_embargo: bool = False, correction: bool = False,
                 resend_unknown: bool = False, smtp_host: str | None = None,
                 smtp_port: int | None = None, smtp_security: str | None = None,
                 per_minute: float | None = None, retry_delays=RETRY_DELAYS,
                 reconnect_delays=RECONNECT_DELAYS, ssl_context=None, timeout: float = 60.0,
                 where: list[tuple[str, str]] | None = None, at_lift: bool = False,
                 countdown: Callable[[float, dt.datetime], None] = lambda left, lift: None,
                 echo: Callable[[str], None] = lambda message: None) -> SendReport:
    """Send release ``slug`` to media list ``list_name``; return what happened.

    Each recipient gets the version of the release in their language (the list's lang
    column: the exact tag, then its language, then the original), recorded in the ledger
    under ``slug`` whichever version it was: one release, each journalist once. ``where``
    (column, value) pairs keep the rows where all hold (medialist.select).

    Raises PresskitError (nothing sent) for bad input or an embargo, and DeliveryError
    naming every recipient (recorded in the ledger, so that the next run tries them) when
    the server cannot be reached at the start. Recipients not reached later are in the
    report's ``problems``; call ``report.raise_for_problems()`` to turn them into a
    DeliveryError.

    With ``at_lift``, a release under embargo waits until the embargo lifts, calling
    ``countdown(seconds_left, lift)`` about once a second, and no message is handed to the
    server before then: the clock is read again before each one.

    A dry run of a release under embargo needs no ``under_embargo``: it sends nothing, and
    writes the messages as they would go out with it.
    """
    started = time.monotonic()
    release = project.release(slug)
    if release.original:
        raise PresskitError(
            f"{display_path(release.path)}: the {release.lang} version of {release.original}; "
            f"send {release.original}: each journalist gets the version in their language "
            f"(the list's lang column), and is counted once")
    email = project.settings.email
    sender = _address(project, "from")
    reply_to = _address(project, "reply_to") if email.reply_to else None
    media = medialist.load_list(project, list_name)
    list_name = media.name   # "journalists.csv" on the command line is list "journalists"
    recipients = medialist.select(media, where) if where else media.recipients
    for warning in media.warnings:
        echo(str(warning))
    embargoed = release.under_embargo()
    lift = release.embargo if at_lift and embargoed else None
    if embargoed and not under_embargo and lift is None:
        if not dry_run:
            raise ProjectError([_embargo_problem(
                release, project.settings.timezone, "nothing sent (add --under-embargo to "
                "send it to journalists before then, or --at-lift to send it as it lifts)")])
        # A dry run sends nothing: it shows the messages as --under-embargo would send them.
        echo(str(_embargo_problem(release, project.settings.timezone, "the messages are "
                                  "written as --under-embargo would send them; a real send "
                                  "needs --under-embargo", note=True)))
    settings = _smtp_settings(email.smtp, smtp_host, smtp_port, smtp_security)
    if not dry_run:
        login = smtp.credentials()
        smtp.check_settings(settings, login)   # before connecting: no password in the clear
    report = SendReport(slug, list_name, suppressed=[r.email for r in media.suppressed],
                        dry_run=dry_run, multilingual=len(project.versions(slug)) > 1)

    from ..build import build_releases

    pdfs = {result.slug: result.pdf for result in build_releases(project, [slug])}
    if lift is not None and not dry_run:
        # Every message is ready before the lift, and none leaves before it: they say it
        # has lifted.
        embargoed = False
    variants = [_variant(project, version, pdfs[version.slug], sender, reply_to, embargoed)
                for version in project.versions(slug).values()]
    version = variants[0].version   # the original's
    domain = sender.domain

    def pick(recipient: Recipient, entry) -> _Variant:
        """The version a recipient gets: the one they had (a correction, a resend), else
        the one in their language."""
        if entry is not None and (entry.sent_at is not None or entry.state == UNKNOWN):
            had = entry.lang.lower()
            return next((v for v in variants if v.lang.lower() == had), variants[0])
        chosen = project.version_for(slug, recipient.lang)
        return next(v for v in variants if v.release is chosen)

    if dry_run:
        # The messages a real send would deliver now: not to those an earlier run reached.
        entries, copies = _recorded(project, slug, [v.version.content for v in variants])
        if where or report.multilingual:
            by_lang = Counter(pick(r, entries.get(r.key)).lang for r in recipients)
            segment = " and ".join(f"{c}={v}" for c, v in where or [])
            count = (f" where {segment}: {len(recipients)} of {len(media.recipients)}"
                     if segment else f": {len(recipients)}")
            echo(f"{display_path(media.path)}{count} recipient"
                 f"{'s' if len(media.recipients) != 1 else ''} ({language_counts(by_lang)})")
        jobs = _plan(entries, copies, recipients, pick, report, slug=slug, domain=domain,
                     correction=correction, resend_unknown=resend_unknown,
                     state=project.state)
        for problem in report.problems:   # nothing was tried: told, not failed
            echo(f"note: {problem}")
        report.problems = []
        report.written = _write_outbox(project, slug, jobs)
        report.languages.update(job.variant.lang for job in jobs)
        report.seconds = time.monotonic() - started
        return report

    for warning in ledger_mod.git_warnings(project.root):
        echo(warning)
    state = mkdir_inside(project.root, project.state)
    # Two sends at the lift (to two lists) take turns: the second one is not refused.
    turn = echo if lift is not None else None
    with _exclusive(state / "send.lock", turn), Ledger(ledger_mod.ledger_path(state)) as book:
        # Who got this very PDF, as a ledger from before the content was recorded says, got
        # this content: recorded, so that a later PDF of the same words counts as theirs.
        book.record_content(slug, version.pdf, version.content)
        copies = book.reached_as_another(slug, [v.version.content for v in variants])
        jobs = _plan(book.entries(slug), copies, recipients, pick, report, slug=slug,
                     domain=domain, correction=correction, resend_unknown=resend_unknown,
                     state=state)
        for variant in {id(job.variant): job.variant for job in jobs}.values():
            changes.keep(state, variant.content)   # what a later correction compares with
        if lift is not None and jobs:
            # Waited for here, holding the send lock, with every message rendered: the first
            # goes out as the embargo lifts, not after a project's worth of rendering.
            wait_for(lift, countdown)
        if jobs:
            connection = smtp.Connection(settings, login=login, ssl_context=ssl_context,
                                         timeout=timeout)
            try:
                connection.open()
            except smtp.Unreachable as exc:
                if not settings.given and not smtp_host:
                    # Not a server that is down: no server was ever named.
                    where_set = display_path(project.settings.path or
                                             project.root / "presskit.yaml")
                    raise PresskitError(
                        f"{where_set}: no mail server is set (email: smtp: host), and none "
                        f"answers on {connection.where}: set your organization's server in "
                        f"presskit.yaml, or give --smtp-host") from None
                # Nobody was reached: each is named (exit status 3), and recorded as deferred
                # (as a 4xx is), so that the next run tries them again.
                _not_reached(jobs, book, report, slug=slug, list_name=list_name,
                             response=str(exc),
                             why=f"the server {connection.where} could not be reached; run "
                                 f"send again later")
                raise DeliveryError([str(exc), *report.problems]) from None
            try:
                _deliver(jobs, connection, book, report, slug=slug, list_name=list_name,
                         sender=sender.addr_spec,
                         per_minute=email.per_minute if per_minute is None else per_minute,
                         retry_delays=retry_delays, reconnect_delays=reconnect_delays,
                         echo=echo, lift=lift, countdown=countdown)
            except RecordError as exc:
                # A full disk, say: nothing more goes out than the record can tell of.
                connection.abort()
                raise RecordError(f"{exc}: the send stopped after {len(report.sent)} sent; "
                                  f"the record says nothing false; free some space, then "
                                  f"run send again") from None
            except BaseException:
                connection.abort()   # e.g. Ctrl-C while the server stalls: leave at once
                raise
            connection.close()
    report.seconds = time.monotonic() - started
    return report


def _variant(project: Project, release: Release, pdf_path: Path, sender: Address,
             reply_to: Address | None, embargoed: bool) -> _Variant:
    pdf = pdf_path.read_bytes()
    content = release_content(project, release)
    return _Variant(release, project.release_lang(release), pdf,
                    _Version(changes.digest(content), hashlib.sha256(pdf).hexdigest()),
                    Composer(project, release, sender=sender, reply_to=reply_to,
                             pdf_name=f"{release.slug}.pdf", embargoed=embargoed), content)


def wait_for(lift: dt.datetime, countdown: Callable[[float, dt.datetime], None]) -> None:
    """Wait until the moment `lift` by the wall clock, read again at least once a second: a
    clock set back (or a machine woken from sleep) is waited for again, and a moment past is
    not waited for at all. Ctrl-C (KeyboardInterrupt) ends the wait; nothing was sent."""
    while True:
        left = (lift - dt.datetime.now(dt.timezone.utc)).total_seconds()
        if left <= 0:
            return
        countdown(left, lift)
        time.sleep(min(left, 1.0))


def _address(project: Project, key: str) -> Address:
    """email.from or email.reply_to of presskit.yaml as an Address; a problem pointing at
    the setting's value, or at the file's start when the setting is missing."""
    path = project.settings.path or project.root / "presskit.yaml"
    value = project.settings.email.sender if key == "from" else project.settings.email.reply_to
    at = _value_position(path, "email", key)
    if at is None and key == "from":
        how = ("add  from: \"Press Office <press@example.org>\"  under email: in "
               "presskit.yaml" if _value_position(path, "email") else
               "add  email: {from: \"Press Office <press@example.org>\"}  to presskit.yaml")
        raise ProjectError([Problem(str(path), 1, 1, f"email.from is not set: a send needs a "
                                                     f"sender; {how}")])
    return parse_sender(value, key, path, at or (1, 1))


def _embargo_problem(release: Release, office_zone: str, then: str,
                     note: bool = False) -> Problem:
    """The embargo that has not lifted, pointed at in the release file."""
    at = _value_position(release.path, "embargo") or (release.lines.get("embargo", 1), 1)
    prefix = "note: " if note else ""
    return Problem(str(release.path), *at, f"{prefix}under embargo until "
                                           f"{embargo_when(release.embargo, office_zone)}; {then}")


def _value_position(path: Path, *keys: str) -> tuple[int, int] | None:
    """(line, column) of the value at ``keys`` in a YAML file, or None."""
    node = node_at(path, *keys)
    return None if node is None else (node.start_mark.line + 1, node.start_mark.column + 1)


def _not_reached(jobs: list[_Job], book: Ledger, report: SendReport, *, slug: str,
                 list_name: str, response: str, why: str) -> None:
    """Record recipients as deferred (tried, not reached: the next run tries them) and name
    each in the report."""
    for job in jobs:
        _begin(book, slug, job, list_name)
        book.mark(slug, job.recipient.email, DEFERRED, response)
        report.problems.append(f"{job.recipient.email}: not sent: {why}")


def _begin(book: Ledger, slug: str, job: _Job, list_name: str) -> None:
    """The ledger's row for a message about to be tried, under the original's slug with the
    language of the version it carries."""
    r, variant = job.recipient, job.variant
    assert variant is not None
    book.begin(slug, r.email, name=r.name, list_name=list_name, message_id=job.msg_id,
               pdf_sha256=variant.version.pdf, content_sha256=variant.version.content,
               correction=job.correction, lang=variant.lang)


def _smtp_settings(base: SmtpSettings, host, port, security) -> SmtpSettings:
    """presskit.yaml's server with the command line's overrides."""
    if security and port is None and base.port == DEFAULT_PORTS.get(base.security):
        port = DEFAULT_PORTS[security]   # the port followed the old security; follow the new
    return dataclasses.replace(base, host=host or base.host, port=port or base.port,
                               security=security or base.security)


def _plan(entries, copies: dict[str, str], recipients: list[Recipient],
          pick: Callable[[Recipient, object], _Variant], report: SendReport, *, slug: str,
          domain: str, correction: bool, resend_unknown: bool,
          state: Path | None = None) -> list[_Job]:
    """Who gets a message this run, and in which version (`pick`), rendered now so that
    template errors stop us early. `copies` are those who got this content as another
    release (Ledger.reached_as_another). A correction's note says what it corrects, from
    the version the journalist got as kept in `state` (changes.py)."""
    jobs = []

    def job(*args) -> _Job:
        return _Job(*args, variant=variant)   # the version chosen for this recipient

    def corrected(r: Recipient, entry) -> Rendered:
        old = changes.kept(state, entry.content_sha256) if state else None
        what = changes.describe(old, json.loads(variant.content), variant.lang)
        return composer.render(r, correction=True, changes=what)

    for r in recipients:
        entry = entries.get(r.key)
        variant = pick(r, entry)
        version, composer = variant.version, variant.composer
        original = message_id(slug, r.email, domain)
        if entry is None and r.key in copies:
            report.already.append(r.email)
            report.copies[r.email] = copies[r.key]
            continue
        if entry is None:
            jobs.append(job(r, composer.render(r), original))
            continue
        if entry.state == UNKNOWN:
            if resend_unknown and not entry.has_version(version.content, version.pdf):
                # The server may have the old version under that Message-ID: the new one is
                # another message, a correction (as for those who surely have the old one).
                if correction:
                    jobs.append(job(r, corrected(r, entry),
                                    message_id(slug, r.email, domain, version.content),
                                    True, original))
                else:
                    # Not "has an older version": nobody knows that they have any.
                    report.problems.append(
                        f"{r.email}: unknown: {_lost_touch(entry)}, and the release has "
                        f"changed since; not resent (rerun with --resend-unknown "
                        f"--correction to send the new version, marked CORRECTED)")
            elif resend_unknown:
                jobs.append(job(r, composer.render(r, correction=entry.correction),
                                entry.message_id, entry.correction,
                                original if entry.correction else ""))
            else:
                report.problems.append(
                    f"{r.email}: unknown: {_lost_touch(entry)}; not resent (rerun with "
                    f"--resend-unknown to send it again)")
            continue
        current = entry.state == SENT and entry.has_version(version.content, version.pdf)
        if current:
            report.already.append(r.email)
        elif entry.sent_at is None:
            jobs.append(job(r, composer.render(r), original))   # never reached: try again
        elif correction:
            jobs.append(job(r, corrected(r, entry),
                            message_id(slug, r.email, domain, version.content), True,
                            original))
        else:
            report.changed.append(r.email)
    return jobs


def _lost_touch(entry) -> str:
    """Why a row's fate is unknown: a run stopped, or its connection dropped, after the
    message's final dot and before the server's answer."""
    return (f"the last try lost touch with the server while it held this message "
            f"({_local_time(entry.updated)})")


def _deliver(jobs: list[_Job], connection: smtp.Connection, book: Ledger,
             report: SendReport, *, slug: str, list_name: str, sender: str,
             per_minute: float, retry_delays, reconnect_delays, echo,
             lift: dt.datetime | None = None, countdown=lambda left, lift: None) -> None:
    """Send every job; deferred ones wait in a queue ordered by when they may try again.
    With `lift`, none is handed to the server before that moment by the clock read just
    before it (a clock set back since the wait is waited for again)."""
    rate = smtp.RateLimit(per_minute)
    queue = deque(jobs)
    later: list[tuple[float, int, _Job]] = []   # (when, order, job): deferred by the server
    total, order = len(jobs), 0
    while queue or later:
        if later and (not queue or later[0][0] <= time.monotonic()):
            due, _, job = heapq.heappop(later)
            time.sleep(max(0.0, due - time.monotonic()))
        else:
            job = queue.popleft()
        r = job.recipient
        rate.wait()
        if lift is not None:
            wait_for(lift, countdown)
        job.tries += 1
        _begin(book, slug, job, list_name)
        assert job.variant is not None
        data = job.variant.composer.message(r, job.rendered, job.variant.pdf,
                                            msg_id=job.msg_id, references=job.references)
        outcome = connection.transact(
            sender, r.email, data,
            before_dot=lambda email=r.email: book.mark(slug, email, SENDING))
        if outcome.status == smtp.DELIVERED:
            report.sent.append(r.email)
            try:
                book.mark(slug, r.email, SENT, outcome.response)
            except RecordError as exc:
                raise RecordError(f"{exc}; {r.email} got the message, but the record could "
                                  f"not say so, and the next run reports it as unknown (not "
                                  f"to be resent)") from None
            report.languages[job.variant.lang] += 1
            echo(f"sent {len(report.sent)}/{total} {r.email}")
        elif outcome.status == smtp.TEMPORARY and job.tries <= len(retry_delays):
            book.mark(slug, r.email, DEFERRED, outcome.response)
            order += 1
            heapq.heappush(later, (time.monotonic() + retry_delays[job.tries - 1], order, job))
            echo(f"deferred {r.email}: {outcome.response}; trying again")
        elif outcome.status == smtp.TEMPORARY:
            book.mark(slug, r.email, DEFERRED, outcome.response)
            report.problems.append(f"{r.email}: deferred {job.tries} times, last: "
                                   f"{outcome.response}; run send again later")
        elif outcome.status == smtp.PERMANENT and outcome.sender_refused:
            # Every other message would be refused the same way (e.g. 530: log in first).
            book.mark(slug, r.email, PENDING, outcome.response)
            if outcome.response.startswith("530") and connection.login is None \
                    and not report.sent:
                # A setting to make, not a delivery to retry: said once (not once for each
                # of a thousand recipients), as a refused login is; nobody was reached.
                raise PresskitError(
                    f"{connection.where}: the server takes mail only after a login "
                    f"({outcome.response}); set {smtp.USER_ENV} and {smtp.PASSWORD_ENV}, then "
                    f"run send again: nobody was sent to")
            left = [job] + list(queue) + [j for _, _, j in later]
            report.problems += [f"{j.recipient.email}: not sent: the server refused the sender "
                                f"{sender}: {outcome.response}" for j in left]
            return
        elif outcome.status == smtp.PERMANENT:
            book.mark(slug, r.email, FAILED, outcome.response)
            report.problems.append(f"{r.email}: refused: {outcome.response}")
            echo(f"refused {r.email}: {outcome.response}")
        else:
            if outcome.after_dot:
                # The row stays 'sending': the server may have the message: not resent.
                report.problems.append(f"{r.email}: unknown: {outcome.response}; not resent "
                                       f"(rerun with --resend-unknown to send it again)")
            else:
                book.mark(slug, r.email, PENDING, outcome.response)
                queue.appendleft(job)
                job.tries -= 1   # the server never saw this message; the try does not count
            try:
                _reopen(connection, reconnect_delays, echo)
            except PresskitError as exc:
                # Everyone left is named (exit status 3), after a drop before or after the dot.
                left = list(queue) + [j for _, _, j in later]
                report.problems += [f"{j.recipient.email}: not sent: {exc}" for j in left]
                return


def _reopen(connection: smtp.Connection, delays, echo) -> None:
    """Reconnect after a dropped connection, pausing longer after each failure."""
    for attempt, delay in enumerate((0.0, *delays)):
        time.sleep(delay)
        try:
            connection.open()
            echo(f"reconnected to {connection.where}")
            return
        except PresskitError:
            if attempt == len(delays):
                raise


def _write_outbox(project: Project, slug: str, jobs: list[_Job]) -> list[Path]:
    """--dry-run: each message as dist/outbox/<slug>/<n>-<address>.eml, old ones removed."""
    # dist/outbox/<slug> a link elsewhere (a colleague's commit, say): refused, since old
    # messages are deleted from it.
    folder = mkdir_inside(project.root, project.dist / "outbox" / slug)
    for old in folder.glob("*.eml"):
        old.unlink()
    width = len(str(len(jobs)))
    written = []
    for n, job in enumerate(jobs, start=1):
        assert job.variant is not None
        message = job.variant.composer.message(job.recipient, job.rendered, job.variant.pdf,
                                               msg_id=job.msg_id, references=job.references)
        path = folder / f"{n:0{width}d}-{outbox_name(job.recipient.email)}.eml"
        # files keep the local line ends
        write_atomic(path, message.replace(b"\r\n", b"\n"), project.root)
        written.append(path)
    return written


def outbox_name(address: str) -> str:
    """An address as part of a file name: RFC 5322 allows / and other characters a file name
    cannot hold or that a shell would take for something else (a/b@example.org), so each of
    them is written as _."""
    return re.sub(r"[^A-Za-z0-9@._+-]", "_", address)


class _exclusive:
    """An exclusive lock on a file for one run: two sends at once could mail someone twice."""

    def __init__(self, path: Path, wait: Callable[[str], None] | None = None):
        self.path = path
        self.wait = wait   # called with a note, then waits its turn, rather than refusing

    def __enter__(self):
        inside(self.path.parent.parent, self.path, writing=True)
        try:   # not through a link (to a file it would truncate), even one inside the project
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            raise OutsideProject(self.path, "a link; presskit locks only a file of its own "
                                            "here: remove the link") from None
        self.handle = os.fdopen(fd, "w")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if self.wait is not None:
                self.wait(f"{display_path(self.path)}: another 'presskit send' is running in "
                          f"this project; waiting for it to finish")
                fcntl.flock(self.handle, fcntl.LOCK_EX)
                return self
            self.handle.close()
            raise PresskitError(f"{display_path(self.path)}: another 'presskit send' is "
                                f"running in this project; wait for it to finish") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _recorded(project: Project, slug: str,
              contents: list[str] = ()) -> tuple[dict, dict[str, str]]:
    """What the ledger holds of `slug`, by address, and who got one of `contents` as another
    release (Ledger.reached_as_another); read only: no ledger is created."""
    if not ledger_mod.has_record(project.state):
        return {}, {}
    with Ledger(ledger_mod.ledger_path(project.state), create=False) as book:
        return book.entries(slug), book.reached_as_another(slug, list(contents))


def delivery_status(project: Project, slug: str, list_name: str | None = None) -> list[str]:
    """`presskit sent`: a table, one row a recipient (state, local time, address, whether
    they have the release as it is now, the server's answer), then the totals; [] when
    nobody yet."""
    versions = project.versions(slug)
    original = next(iter(versions.values()))
    slug = original.slug   # `sent X.fr` is `sent X`: the versions are one release
    contents = {lang.lower(): release_version(project, r) for lang, r in versions.items()}
    content = contents[project.release_lang(original).lower()]
    multilingual = len(versions) > 1
    entries, _ = _recorded(project, slug)
    current = ""
    pdf = project.dist / "releases" / f"{slug}.pdf"
    by_pdf = [e for e in entries.values() if not e.content_sha256]   # rows from before
    if by_pdf and pdf.exists():
        current = hashlib.sha256(pdf.read_bytes()).hexdigest()
    rows = []
    for e in entries.values():
        # Compared with the version in the language they got (the original's if gone).
        theirs = contents.get(e.lang.lower(), content)
        if e.content_sha256 or current:
            version = "current" if e.has_version(theirs, current) else "older"
        else:
            version = e.pdf_sha256[:12]
        if multilingual:
            version = f"{e.lang or project.release_lang(original)} {version}"
        notes = ["correction"] if e.correction else []
        if e.state != SENT and e.response:
            notes.append(e.response)
        rows.append((e.state, _local_time(e.sent_at if e.state == SENT else e.updated),
                     e.address, version, "; ".join(notes)))
    if list_name:
        media = medialist.load_list(project, list_name)
        rows += [("never", "-", r.key, "", "") for r in media.recipients if r.key not in entries]
        rows += [("suppressed", "-", r.key, "", "") for r in media.suppressed]
    if not rows:
        return []
    zone = dt.datetime.now().astimezone().strftime("%Z") or "local"
    table = [("STATE", f"WHEN ({zone})", "ADDRESS", "LANG VERSION" if multilingual else
              "VERSION", "NOTE"), *rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4]
             for row in table]
    totals = Counter(row[0] for row in rows)
    lines.append(", ".join(f"{count} {'never tried' if state == 'never' else state}"
                           for state, count in totals.items()))
    if current and not _built_from_current_inputs(project, slug, pdf):
        lines.append(f"note: the release changed since {display_path(pdf)} was built; "
                     f"VERSION compares the {len(by_pdf)} sent before presskit recorded what "
                     f"they got with that file: 'presskit build {slug}' brings it up to date")
    return [line.rstrip() for line in lines]


def _built_from_current_inputs(project: Project, slug: str, pdf: Path) -> bool:
    from ..cache import BuildCache, Fingerprints

    return BuildCache.load(project.state).is_current(slug, pdf, Fingerprints(project.root))


def _local_time(stamp: str | None) -> str:
    """The ledger's UTC '2026-11-28T01:49:33Z' as this machine's local '2026-11-28 02:49'."""
    try:
        when = dt.datetime.strptime(stamp or "", "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return stamp or "-"
    return when.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
