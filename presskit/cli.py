"""The command line: a thin click layer over the library. No logic lives here."""
from __future__ import annotations

import os
import sys
import traceback
from collections import Counter
from functools import wraps
from pathlib import Path

import click

from . import __version__
from .errors import PresskitError, printable


def echo(message: str = "", err: bool = False) -> None:
    """click.echo of a line that may quote the user's files: its control characters escaped
    (a YAML string "\\e]0;PWNED\\a" must not retitle or drive the terminal)."""
    click.echo(printable(str(message)), err=err)


class Context:
    def __init__(self, project_dir: Path, debug: bool, quiet: bool):
        self.project_dir = project_dir
        self.debug = debug
        self.quiet = quiet

    def project(self, only: list[str] | None = None):
        from .load import load_project

        return load_project(self.project_dir, only=only)

    def say(self, message: str) -> None:
        if not self.quiet:
            echo(message, err=True)


def _slug(value: str) -> str:
    """A release named by its slug or by its file (releases/x.yaml, as a shell completes it)."""
    name = value.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (".yaml", ".yml"):
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return value


def _condition(value: str) -> tuple[str, str]:
    """--where COLUMN=VALUE as (COLUMN, VALUE)."""
    column, equals, wanted = value.partition("=")
    if not equals or not column.strip():
        raise click.BadParameter(f"'{value}': write COLUMN=VALUE, such as beat=health")
    return column.strip(), wanted.strip()


def _folder(value: str) -> Path:
    if not value.strip():
        raise click.BadParameter("give the folder to start the project in ('.' for this one)")
    return Path(value)


def reports_errors(command):
    """Turn presskit's errors into one line a problem on stderr and the right exit code."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context().find_object(Context)
        try:
            return command(*args, **kwargs)
        except PresskitError as exc:
            if ctx and ctx.debug:
                traceback.print_exc()
            for line in exc.lines():
                echo(line, err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # `presskit sent SLUG | head`: the reader has what it wanted. Quiet, as cat is; the
            # stdout left unflushed is pointed at /dev/null so exiting does not complain.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except OSError as exc:
            # The file system said no (a file where a folder must be, no permission, a full
            # disk): that names a path, not a bug, so it is reported like bad input.
            if ctx and ctx.debug:
                traceback.print_exc()
            echo(os_error_line(exc), err=True)
            sys.exit(1)
    return wrapper


def os_error_line(exc: OSError) -> str:
    """`path: reason` for an error from the file system, as presskit reports problems."""
    from .files import display_path

    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return f"presskit: {reason}"
    where = display_path(exc.filename)
    if exc.filename2 is not None:
        where += f" -> {display_path(exc.filename2)}"
    return f"{where}: {reason}"


def quiet_option(command):
    """`-q/--quiet` after a command's name too (`presskit build -q`), as on the group."""
    def set_quiet(ctx: click.Context, param, value: bool) -> None:
        if value:
            ctx.find_object(Context).quiet = True

    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=set_quiet,
                        help="Print nothing but errors.")(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="presskit")
@click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              default=".", show_default=True, help="The project folder.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.pass_context
def main(ctx: click.Context, project_dir: Path, debug: bool, quiet: bool) -> None:
    """Press releases and press kits as print-quality PDFs, emailed to media lists."""
    ctx.obj = Context(project_dir, debug, quiet)


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
@reports_errors
def check(obj: Context, strict: bool) -> None:
    """Validate every file of the project."""
    from .check import check_project

    # Warnings go where errors and the summary go, as a compiler's do: stderr; with -q, only
    # errors are printed (with --strict, warnings are errors).
    summary = check_project(obj.project_dir, strict=strict, echo=obj.say)
    obj.say(summary)


@main.command(short_help="Build the release PDFs into dist/releases/.")
@click.argument("slugs", nargs=-1, callback=lambda ctx, param, value: tuple(map(_slug, value)))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of cores).")
@click.option("--force", is_flag=True, help="Rebuild even what is up to date.")
@click.option("--html", "write_html", is_flag=True, help="Also write the HTML beside each PDF.")
@quiet_option
@click.pass_obj
@reports_errors
def build(obj: Context, slugs: tuple[str, ...], jobs: int | None, force: bool,
          write_html: bool) -> None:
    """Build one PDF per release into dist/releases/ (all when no SLUG is given).

    Only releases whose inputs changed since the last build are rendered, on --jobs warm
    worker processes; the cache is .presskit/build-cache.json.
    """
    from .build import build_project
    from .progress import progress

    with progress(label="building", quiet=obj.quiet) as bar:
        results = build_project(obj.project_dir, list(slugs) or None, jobs=jobs, force=force,
                                write_html=write_html, progress=bar)
    built = sum(r.built for r in results)
    obj.say(f"{built} built, {len(results) - built} up to date")


@main.command(short_help="Build the annual press kit (or one for a period or tag).")
@click.option("--year", type=click.IntRange(1000, 9999), default=None, metavar="YYYY",
              help="The year whose releases make the kit: dist/kits/press-kit-YYYY.pdf.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="First date of a period (either end may be left open).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="Last date of a period.")
@click.option("--tag", default=None, metavar="WORD",
              help="Only releases with this tag (case-insensitive).")
@click.option("--lang", default=None, metavar="LANG",
              help="Each release in this language where it has that version "
                   "(releases/<slug>.<LANG>.yaml), the original otherwise; the kit's own "
                   "labels in it too: dist/kits/press-kit-YYYY.LANG.pdf.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the PDF (a name ending in .pdf; a file there that is not "
                   "a PDF is never replaced). Default: dist/kits/press-kit-YYYY.pdf; for a "
                   "period or a tag dist/kits/press-kit-FROM-to-TO-tag-WORD.pdf (the parts "
                   "given).")
@click.option("--pdf-variant", type=click.Choice(["pdf/a-1b", "pdf/a-2b", "pdf/a-2u", "pdf/a-3b",
                                                  "pdf/a-3u", "pdf/a-4u", "pdf/ua-1",
                                                  "pdf/ua-2"]),
              default=None, help="WeasyPrint's PDF variant: pdf/a-3b to archive, pdf/ua-1 for "
                                 "screen readers.")
@quiet_option
@click.pass_obj
@reports_errors
def kit(obj: Context, year, start, end, tag, lang, output, pdf_variant) -> None:
    """Build a press kit: cover, contents, fact sheet, history, people, releases, contacts."""
    from .files import display_path
    from .i18n import embargo_when
    from .kit import Selection, build_kit
    from .pdf import warning_line

    selection = Selection(year=year, start=start.date() if start else None,
                          end=end.date() if end else None, tag=tag, lang=lang)
    project = obj.project()
    result = build_kit(project, selection, output, variant=pdf_variant)
    for warning in result.warnings:
        obj.say(warning_line("kit", warning))   # -q: nothing but errors
    for release in result.releases:
        if release.under_embargo():
            # In the kit as the contract has it (every release of the year), marked as in its
            # own PDF; but a kit handed out now would break the embargo.
            when = embargo_when(release.embargo, project.settings.timezone)
            obj.say(f"{display_path(release.path)}: warning: under embargo until {when}; the "
                    f"kit must not go out before then")
    count = len(result.releases)
    obj.say(f"built {display_path(result.path)} ({count} release{'s' if count != 1 else ''})")


@main.command("import", short_help="Make a release file of a Word, LibreOffice or text file.")
@click.argument("files", nargs=-1, required=True, metavar="FILE...",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--slug", default=None, metavar="YYYY-MM-DD-WORDS",
              help="Name the release (default: its date and the headline's first words).")
@click.option("--force", is_flag=True, help="Replace a release file of that name.")
@click.option("--dry-run", is_flag=True, help="Print the release's YAML; write nothing.")
@quiet_option
@click.pass_obj
@reports_errors
def import_(obj: Context, files: tuple[Path, ...], slug, force, dry_run) -> None:
    """Turn each FILE (.docx, .odt, .txt or .md), a release as a press office types it, into
    releases/<date>-<words>.yaml: release line, embargo, headline, subheadline, dateline,
    date, contacts, body, About text, notes and pictures (saved in assets/). What it could
    not place is said with where it was; the file is written all the same. A release file
    already there is never replaced without --force.
    """
    from .files import display_path
    from .importer import ImportProblems, import_document

    if slug and len(files) > 1:
        raise click.UsageError("--slug names one release: give one FILE with it")
    failed = []
    for number, source in enumerate(files):
        try:
            result = import_document(obj.project_dir, source, slug=slug, force=force,
                                     dry_run=dry_run)
        except PresskitError as exc:
            failed.extend(exc.lines())
            continue
        for note in result.notes:
            echo(note, err=True)    # quotes the document: its control characters escaped
        if dry_run:
            click.echo(("---\n" if number else "") + result.text, nl=False)
        else:
            pictures = f" and {len(result.pictures)} picture" \
                f"{'s' if len(result.pictures) != 1 else ''} in assets/" if result.pictures else ""
            obj.say(f"wrote {display_path(result.path)}{pictures}; next: presskit check")
    if failed:
        raise ImportProblems(failed)


def _moment(ctx, param, value):
    """--now as an ISO 8601 date and time with its offset (the embargo's own form)."""
    import datetime as dt

    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO 8601 date and time, such as "
                                 f"2024-03-05T09:00:00-05:00") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"'{value}' needs its offset, such as {value}Z or "
                                 f"{value}-05:00")
    return moment


@main.command(short_help="Write the online newsroom to dist/site/.")
@click.option("--base-url", default=None, metavar="URL",
              help="The site's address (default: presskit.yaml's site.url), such as "
                   "https://example.org/newsroom/.")
@click.option("--now", default=None, metavar="ISO-8601", callback=_moment,
              help="Publish as of this moment (default: now): releases whose embargo has "
                   "not lifted then are left out.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for the release PDFs (default: the number of cores).")
@quiet_option
@click.pass_obj
@reports_errors
def site(obj: Context, base_url, now, jobs) -> None:
    """Write the newsroom, a static website of the releases whose embargo has lifted, with
    their PDFs, pictures, feed and sitemap, to dist/site/."""
    from .files import display_path
    from .progress import progress
    from .site import build_site

    with progress(label="building", quiet=obj.quiet) as bar:
        result = build_site(obj.project_dir, base_url=base_url, now=now, jobs=jobs,
                            progress=bar)
    for warning in result.warnings:
        obj.say(warning)
    for path, when in result.held:
        click.echo(f"{display_path(path)}: held back, under embargo until {when}; "
                   f"build the site again after then", err=True)
    count = len(result.published)
    obj.say(f"{display_path(result.folder)}: {count} release{'s' if count != 1 else ''} "
            f"published, {len(result.held)} held back; {len(result.written)} files written, "
            f"{result.unchanged} unchanged, {len(result.removed)} removed")


@main.command()
@click.argument("directory", callback=lambda ctx, param, value: _folder(value))
@click.pass_obj
@reports_errors
def init(obj: Context, directory: Path) -> None:
    """Start a new project in DIRECTORY that checks and builds as it is."""
    from .scaffold import init_project

    written = init_project(directory)
    obj.say(f"created {len(written)} files in {directory}; next: "
            f"presskit --project {directory} build")


@main.command(short_help="A live preview on 127.0.0.1, rebuilt as you edit.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; anything but loopback exposes your drafts.")
@click.pass_obj
@reports_errors
def serve(obj: Context, port: int, host: str) -> None:
    """A live preview: PDFs rebuilt as you edit, the browser reloading by itself."""
    from .preview.server import serve_project

    serve_project(obj.project_dir, host=host, port=port, say=obj.say)


@main.command(short_help="Email a release to a media list, each recipient once.")
@click.argument("slug", callback=lambda ctx, param, value: _slug(value))
@click.option("--to", "list_name", required=True, metavar="LIST",
              help="The media list: media/LIST.csv or media/LIST.yaml.")
@click.option("--dry-run", is_flag=True,
              help="Write each message to dist/outbox/SLUG/ instead of sending it.")
@click.option("--under-embargo", is_flag=True, help="Send although the embargo has not lifted.")
@click.option("--correction", is_flag=True,
              help="Send the changed release, marked CORRECTED, to those who got an older one.")
@click.option("--resend-unknown", is_flag=True,
              help="Resend messages whose fate a crashed run left unknown.")
@click.option("--where", "where", multiple=True, metavar="COLUMN=VALUE",
              callback=lambda ctx, param, value: [_condition(v) for v in value],
              help="Only the rows whose COLUMN is VALUE (case-insensitive); repeat it for "
                   "rows where all hold.")
@click.option("--at-lift", is_flag=True,
              help="Wait, with a countdown, until the embargo lifts, then send; nothing "
                   "leaves before.")
@click.option("--smtp-host", default=None, help="Overrides presskit.yaml's email.smtp.host.")
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=None,
              help="Overrides presskit.yaml's email.smtp.port.")
@click.option("--smtp-security", type=click.Choice(["starttls", "ssl", "none"]), default=None,
              help="Overrides presskit.yaml's email.smtp.security.")
@quiet_option
@click.pass_obj
@reports_errors
def send(obj: Context, slug, list_name, dry_run, under_embargo, correction, resend_unknown,
         where, at_lift, smtp_host, smtp_port, smtp_security) -> None:
    """Email release SLUG to a media list, one message a recipient, each recipient once,
    each in the version of their language (the list's lang column) where it has one."""
    from .countdown import Countdown
    from .mail.send import send_release

    project = obj.project(only=[slug])
    countdown = Countdown(sys.stderr, quiet=obj.quiet,
                          office_zone=project.settings.timezone)
    try:
        report = send_release(project, slug, list_name, dry_run=dry_run,
                              under_embargo=under_embargo, correction=correction,
                              resend_unknown=resend_unknown, smtp_host=smtp_host,
                              smtp_port=smtp_port, smtp_security=smtp_security, where=where,
                              at_lift=at_lift, countdown=countdown, echo=obj.say)
    finally:
        countdown.done()
    for other, count in Counter(report.copies.values()).items():
        echo(f"note: {count} on the list got this very release as {other} (its file "
                   f"copied or renamed); not sent again", err=True)
    for address in report.changed:
        echo(f"{address}: got an older version of {slug}; not resent (add --correction "
                   f"to send the new one, marked CORRECTED)", err=True)
    obj.say(report.summary())
    report.raise_for_problems()


@main.command()
@click.argument("slug", callback=lambda ctx, param, value: _slug(value))
@click.option("--to", "list_name", default=None, metavar="LIST",
              help="Also list who on media list LIST was never tried.")
@click.pass_obj
@reports_errors
def sent(obj: Context, slug, list_name) -> None:
    """Show who got release SLUG, when and which version, and who did not."""
    from .mail.send import delivery_status

    lines = delivery_status(obj.project(only=[slug]), slug, list_name)
    for line in lines:
        echo(line)
    if not lines:
        obj.say(f"{slug}: not sent to anyone yet")
