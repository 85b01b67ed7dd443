"""The press kit: cover, contents, fact sheet, history, people, releases, contacts in one PDF.

A release inside the kit comes from the very templates and styles of its own PDF
(_letterhead.html, _release.html, release.css); the kit adds only what is its own: the cover,
the contents with page numbers (CSS target-counter), the sections, running heads and page
numbers across the kit, and the bookmarks.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from . import i18n, render, theme
from .errors import PresskitError, SelectionError
from .files import display_path
from .load import Project
from .model import Contact, Release

if TYPE_CHECKING:
    from .placement import Placement


@dataclass(frozen=True)
class Selection:
    """Which releases go into a kit: a year, a period (either end open), a tag, or a mix."""

    year: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    tag: str | None = None
    lang: str | None = None   # each release in this language where it has that version

    def __post_init__(self):
        if self.year is not None and (self.start or self.end):
            raise SelectionError("kit: give either --year or --from/--to, not both")
        if self.start and self.end and self.start > self.end:
            raise SelectionError(f"kit: --from {self.start} is later than --to {self.end}")
        if self.year is None and not (self.start or self.end or self.tag):
            raise SelectionError("kit: say which releases: --year YYYY, --from/--to DATE "
                                "or --tag WORD")

    @property
    def first_day(self) -> dt.date | None:
        return dt.date(self.year, 1, 1) if self.year is not None else self.start

    @property
    def last_day(self) -> dt.date | None:
        return dt.date(self.year, 12, 31) if self.year is not None else self.end

    def matches(self, release: Release) -> bool:
        first, last = self.first_day, self.last_day
        if first and release.date < first:
            return False
        if last and release.date > last:
            return False
        if self.tag and self.tag.casefold() not in {t.casefold() for t in release.tags}:
            return False
        return True

    def describe(self) -> str:
        """The selection in words, for messages: 'dated 2013', 'tagged "x" from ... to ...'."""
        parts = []
        if self.tag:
            parts.append(f"tagged '{self.tag}'")
        if self.year is not None:
            parts.append(f"dated {self.year}")
        if self.start:
            parts.append(f"from {self.start.isoformat()}")
        if self.end:
            parts.append(f"to {self.end.isoformat()}")
        return " ".join(parts)

    def file_name(self) -> str:
        """press-kit-2012.pdf, press-kit-2012-03-01-to-2012-06-30.pdf, press-kit-tag-x.pdf."""
        parts = ["press-kit"]
        if self.year is not None:
            parts.append(str(self.year))
        elif self.start and self.end:
            parts.append(f"{self.start.isoformat()}-to-{self.end.isoformat()}")
        elif self.start:
            parts.append(f"from-{self.start.isoformat()}")
        elif self.end:
            parts.append(f"to-{self.end.isoformat()}")
        if self.tag:
            parts.append("tag-" + (re.sub(r"[^a-z0-9]+", "-", self.tag.casefold()).strip("-")
                                   or "tag"))
        # As a release's translation is named: press-kit-2012.fr.pdf beside press-kit-2012.pdf.
        return "-".join(parts) + (f".{self.lang}" if self.lang else "") + ".pdf"


@dataclass
class KitResult:
    path: Path
    releases: list[Release]
    warnings: list[str] = field(default_factory=list)


def default_output(project: Project, selection: Selection) -> Path:
    """dist/kits/<selection's file name>."""
    return project.dist / "kits" / selection.file_name()


def select_releases(project: Project, selection: Selection) -> list[Release]:
    """The releases of the selection in date order, each once (in the selection's language
    where it has that version, else the original); refuses an empty selection."""
    chosen = [r for r in project.originals() if selection.matches(r)]
    chosen.sort(key=lambda r: (r.date, r.slug))
    if selection.lang:
        chosen = [project.version_for(r.slug, selection.lang) for r in chosen]
    if not chosen:
        years = sorted({r.date.year for r in project.releases.values()})
        where = display_path(project.root / "releases")
        tags = sorted({t for r in project.releases.values() for t in r.tags}, key=str.casefold)
        if not years:
            known = "the project has no release yet"
        elif selection.tag and not any(selection.tag.casefold() == t.casefold() for t in tags):
            known = ("tags in use: " + ", ".join(tags)) if tags else "no release has tags"
        else:
            known = "years with releases: " + ", ".join(str(y) for y in years)
        raise PresskitError(f"{where}: no release {selection.describe()} to make a kit of "
                            f"({known})")
    return chosen


def kit_title_year(selection: Selection, releases: list[Release]) -> str:
    """'2012' for a year; '2012–2013' for a period across years."""
    if selection.year is not None:
        return str(selection.year)
    first = (selection.first_day or releases[0].date).year
    last = (selection.last_day or releases[-1].date).year
    return str(first) if first == last else f"{first}\u2013{last}"


def all_contacts(project: Project, releases: list[Release]) -> list[Contact]:
    """The organization's media contacts, then those named by the releases, each once: the
    same address (or, without one, the same name and phone) is one contact, as first given."""
    seen: set[tuple[str, ...]] = set()
    contacts: list[Contact] = []
    for contact in list(project.organization.contacts) + [
            c for r in releases for c in (r.contacts or [])]:
        key = ((contact.email.casefold(),) if contact.email else
               (contact.name.casefold(), re.sub(r"\D", "", contact.phone)))
        if key not in seen:
            seen.add(key)
            contacts.append(contact)
    return contacts


def kit_html(project: Project, selection: Selection,
             releases: list[Release] | None = None) -> str:
    """The self-contained HTML of the kit (what the PDF is rendered from)."""
    releases = releases if releases is not None else select_releases(project, selection)
    organization = render.organization_view(project)
    lang = selection.lang or organization.lang or "en"
    context = render.page_context(project, lang)
    labels = context["labels"]
    title_year = kit_title_year(selection, releases)
    first = selection.first_day or releases[0].date
    last = selection.last_day or releases[-1].date
    views = [render.release_view(project, r) for r in releases]
    for index, view in enumerate(views, start=1):
        # One page name a release: its running head and first page are its own.
        view.page_name = f"kit-release-{index}"
        view.date_short = i18n.format_date(view.date, lang)
        # A release in another language than the kit's says which, in its own words.
        view.language_name = ("" if i18n.base_language(view.lang) == i18n.base_language(lang)
                              else i18n.language_name(view.lang))
    # Every tag once (Research and research are one), in the order the releases first use them.
    first_spelling: dict[str, str] = {}
    for release in releases:
        for tag in release.tags:
            first_spelling.setdefault(tag.casefold(), tag)
    keywords = list(first_spelling.values())
    press_kit = labels["press_kit"].format(year=title_year)
    covering = labels["covering"].format(start=i18n.format_date(first, lang),
                                         end=i18n.format_date(last, lang))
    contacts = all_contacts(project, releases)
    sections = _sections(organization, labels, contacts)
    context.update(
        title=f"{organization.name} \u2014 {press_kit}",
        # The PDF's Subject: which releases, so that a kit for a tag or a period is told apart
        # from the year's.
        description=covering + (f" \u2014 {selection.tag}" if selection.tag else ""),
        organization=organization,
        keywords=keywords,
        created=releases[-1].date.isoformat(),
        kit=SimpleNamespace(
            title=press_kit,
            covering=covering,
            tag=selection.tag or "",
            sections=sections,
            contacts=render.contact_views(contacts, lang),
        ),
        releases=views,
        page_label=render.css_page_label(labels["page"]),
        **render.stylesheets(project, "release.css", "kit.css"),
    )
    return render.render_template(project, "kit.html", context)


def _sections(organization, labels, contacts: list[Contact]) -> dict[str, str]:
    """The kit's sections that have something to show, id -> heading, in reading order: a
    fact sheet without a fact, or media contacts without anyone to reach, is not printed."""
    # The About text under its own heading when it opens with one ("ABOUT THE TOR PROJECT").
    sections = {"about": organization.about_heading}
    if organization.facts or organization.location or organization.website:
        sections["fact-sheet"] = labels["fact_sheet"]
    if organization.history:
        sections["history"] = labels["history"]
    if organization.people:
        sections["people"] = labels["people"]
    sections["releases"] = labels["releases"]
    if contacts:
        sections["contacts"] = labels["contacts"]
    return sections


def check_output(target: Path) -> None:
    """Refuse an --output that is not a PDF's name, or that would replace a file that is not a
    PDF: a slip such as `-o organization.yaml` must not overwrite the project's facts."""
    if target.suffix.lower() != ".pdf":
        raise PresskitError(f"{display_path(target)}: the kit is a PDF; give --output a name "
                            f"ending in .pdf")
    if target.is_dir():
        raise PresskitError(f"{display_path(target)}: is a folder; give --output a file name")
    if target.exists():
        try:
            with target.open("rb") as existing:
                is_pdf = existing.read(5) == b"%PDF-"
        except OSError as exc:
            raise PresskitError(f"{display_path(target)}: cannot read: {exc.strerror}") from None
        if not is_pdf:
            raise PresskitError(f"{display_path(target)}: is there and is not a PDF; not "
                                f"replaced (remove it, or choose another --output)")


def build_kit(project: Project, selection: Selection, output: Path | None = None, *,
              variant: str | None = None) -> KitResult:
    """Select the releases, render the kit and write its PDF atomically."""
    from .files import confine_outputs, inside, write_atomic
    from .pdf import render_pdf
    from .placement import Placing

    target = Path(output) if output is not None else default_output(project, selection)
    if output is None:   # dist/kits a link out of the project: refused, not written through
        inside(project.root, target.parent, writing=True)
    confine_outputs(project.root, ".presskit")   # scaled pictures are kept there
    check_output(target)
    releases = select_releases(project, selection)
    html = kit_html(project, selection, releases)
    if variant and variant.startswith("pdf/a-1"):
        from .images import flatten_transparency

        html = flatten_transparency(html)
    warnings: list[str] = []
    data = render_pdf(html, project.root, theme.readable_roots(project.root),
                      variant=variant, warnings=warnings, show_outline=True,
                      placing=Placing(known_placements(project, releases)))
    write_atomic(target, data)
    return KitResult(target, releases, warnings)


def known_placements(project: Project, releases: list[Release]) -> dict[str, Placement]:
    """Where the photos of each release went and whether it was set tight, as its own PDF's
    build decided (kept in the build cache), for the releases whose PDF is current: the kit
    then lays them out once as decided, instead of again by trial."""
    from .build import release_pdf_path
    from .cache import BuildCache, Fingerprints
    from .placement import Placement

    cache = BuildCache.load(project.state)
    fingerprints = Fingerprints(project.root)
    known: dict[str, Placement] = {}
    for release in releases:
        entry = cache.entries.get(release.slug)
        if not (entry and entry.placements and cache.is_current(
                release.slug, release_pdf_path(project.root, release.slug), fingerprints)):
            continue
        try:
            known.update({name: Placement.from_json(data)
                          for name, data in entry.placements.items()})
        except (ValueError, AttributeError):
            continue    # a cache written otherwise: this release is placed by trial
    return known
