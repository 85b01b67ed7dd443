"""`presskit site`: the newsroom in dist/site/, read top to bottom as the job.

1. build the release PDFs (presskit.build: only what changed), which also validates every file;
2. read the project; sort the releases into published (embargo lifted at `now`) and held;
3. gather every file of the site in memory: the stylesheet and script, the logo and portraits,
   per published release its page, PDF, pictures and their ZIP, then the front page, the
   organization's page, the feed, the search index, sitemap.xml and robots.txt;
4. write what differs from dist/site/ and remove what this build did not make, so a held
   release is in no file of the site, whatever an earlier build wrote.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from markupsafe import Markup

from .. import i18n, markdown, render, theme
from ..build import build_project, release_pdf_path
from ..files import display_path
from ..load import Project, load_project
from ..model import Release
from ..progress import Progress
from . import addresses, feed, index, pages, pictures
from .output import SiteFiles, write_site

KIT_NAME = re.compile(r"^press-kit-(\d{4})\.pdf$")
SCRIPT = Path(__file__).with_name("search.js")


@dataclass
class SiteResult:
    folder: Path
    published: list[str] = field(default_factory=list)
    held: list[tuple[Release, str]] = field(default_factory=list)   # (release, lifts when)
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def build_site(root: Path | str, *, base_url: str | None = None,
               now: dt.datetime | None = None, jobs: int | None = None,
               progress: Progress | None = None) -> SiteResult:
    """Write the newsroom of the project in `root` to dist/site/ as of `now` (default: now)."""
    root = Path(root).resolve()
    now = now or dt.datetime.now(dt.timezone.utc)
    build_project(root, jobs=jobs, progress=progress)
    project = load_project(root)
    base = addresses.normalize_base(base_url) if base_url else \
        addresses.normalize_base(project.settings.site_url, "presskit.yaml: site.url") \
        if project.settings.site_url else ""
    result = SiteResult(folder=root / "dist" / "site")
    if not base:
        result.warnings.append(f"{display_path(root / 'presskit.yaml')}: warning: no site.url "
                               f"(or --base-url): the site has no canonical links and no "
                               f"sitemap.xml, which need absolute addresses")
    releases = list(project.releases.values())
    published = sorted((r for r in releases if not r.under_embargo(now)), reverse=True,
                       key=lambda r: (pages.published_iso(r, project.settings.timezone)[:10],
                                      r.embargo or dt.datetime.min.replace(tzinfo=dt.UTC),
                                      r.slug))
    for release in sorted((r for r in releases if r.under_embargo(now)),
                          key=lambda r: (r.embargo, r.slug)):
        result.held.append((release, i18n.embargo_when(release.embargo,
                                                       project.settings.timezone)))
    held_years = {r.date.year for r, _ in result.held}

    files = SiteFiles()
    cache = project.state / "site-pictures"
    site = _site(project, base, files, cache)
    files.add(addresses.STYLESHEET, theme.find(root, "styles", "site.css")
              .read_text(encoding="utf-8"))
    files.copy(addresses.SCRIPT, SCRIPT)

    entries, searchable = [], []
    for release in published:
        web = pictures.web_pictures(release.slug, release.images, cache, files)
        if release.images:
            files.add(addresses.pictures_zip(release.slug),
                      pictures.pictures_zip(release.date, release.images, site.name))
        files.copy(addresses.release_pdf(release.slug), release_pdf_path(root, release.slug))
        files.add(addresses.release_page(release.slug),
                  pages.release_page(project, release, web, site))
        entries.append(_entry(project, release, web))
        searchable.append(_searchable(project, release))

    kits = _kits(root, held_years, files)
    files.add(addresses.FRONT, pages.front_page(project, published, kits, site))
    files.add(addresses.ORGANIZATION,
              pages.organization_page(project, kits, site.portraits, site))
    files.add(addresses.FEED, feed.atom_feed(
        entries, base=base, title=f"{site.name} \u2014 {site.labels['newsroom']}",
        organization=project.organization.name, lang=site.lang,
        website=project.organization.website))
    files.add(addresses.SEARCH_INDEX, index.search_index(searchable))
    if base:
        listed = [(addresses.FRONT, published[0].date.isoformat() if published else ""),
                  (addresses.ORGANIZATION, "")]
        listed += [(addresses.release_page(r.slug), r.date.isoformat()) for r in published]
        files.add(addresses.SITEMAP, index.sitemap(base, listed))
    files.add(addresses.ROBOTS, index.robots(base))

    report = write_site(files, result.folder)
    result.published = [r.slug for r in published]
    result.written, result.unchanged, result.removed = (report.written, report.unchanged,
                                                        report.removed)
    return result


def _site(project: Project, base: str, files: SiteFiles, cache: Path) -> SimpleNamespace:
    """What every page shows of the organization: its name, logo, language; its portraits."""
    org = project.organization
    lang = org.lang or "en"
    logo = None
    if org.logo:
        data, ext, width, height = pictures.small_image(org.logo, cache, 480, 160)
        logo = SimpleNamespace(path=f"assets/logo.{ext}", width=width, height=height)
        files.add(logo.path, data)
    portraits = []
    for number, person in enumerate(org.people):
        if person.photo is None:
            portraits.append(None)
            continue
        data, ext, width, height = pictures.small_image(person.photo, cache, 240, 320, 3 / 4)
        name = pictures.file_stem(number, Path(person.name))
        path = f"assets/people/{name}.{ext}"
        files.add(path, data)
        portraits.append(SimpleNamespace(path=path, width=width, height=height))
    return SimpleNamespace(name=org.name, short_name=org.short_name, base=base, logo=logo,
                           lang=lang, dir=i18n.direction(lang),
                           labels=i18n.labels_for(lang, project.settings.labels),
                           accent=render.page_context(project, lang)["accent"],
                           portraits=portraits, feed=addresses.FEED)


def _kits(root: Path, held_years: set[int], files: SiteFiles) -> list[SimpleNamespace]:
    """The annual kits built with `presskit kit --year` (dist/kits/press-kit-YYYY.pdf),
    newest first; none of a year that has a release still under embargo, since the kit
    holds every release of its year."""
    folder = root / "dist" / "kits"
    kits = []
    for path in sorted(folder.glob("press-kit-*.pdf"), reverse=True) if folder.is_dir() else []:
        match = KIT_NAME.match(path.name)
        if not match or int(match[1]) in held_years:
            continue
        files.copy(addresses.kit_file(path.name), path)
        kits.append(SimpleNamespace(year=match[1], path=addresses.kit_file(path.name),
                                    size=path.stat().st_size))
    return kits


def _entry(project: Project, release: Release, web: list[pictures.WebPicture]) -> feed.Entry:
    """The feed's entry: the release in full, its links relative to the site's root."""
    lang = project.release_lang(release)
    date_text = i18n.format_date(release.date, lang)
    parts = [render.lead_with_dateline(markdown.to_html(release.body, lang=lang),
                                       release.dateline, date_text)]
    for picture in web:
        parts.append(Markup('<figure><img src="{}" alt="{}"><figcaption>{} {}</figcaption>'
                            '</figure>').format(picture.src, picture.alt or picture.caption,
                                                picture.caption, picture.credit))
    labels = i18n.labels_for(lang, project.settings.labels)
    parts.append(Markup("<h2>{}</h2>").format(
        labels["about"].format(name=project.organization.name)))
    parts.append(markdown.to_html(project.release_boilerplate(release), lang=lang))
    if release.notes.strip():
        parts.append(Markup("<h2>{}</h2>").format(labels["notes"]))
        parts.append(markdown.to_html(release.notes, lang=lang))
    return feed.Entry(slug=release.slug, title=release.title, subtitle=release.subtitle,
                      published=pages.published_iso(release, project.settings.timezone),
                      lang=lang, content_html="\n".join(str(p) for p in parts),
                      tags=release.tags)


def _searchable(project: Project, release: Release) -> index.Searchable:
    lang = project.release_lang(release)
    return index.Searchable(
        page=addresses.release_page(release.slug), title=release.title,
        date=i18n.format_date(release.date, lang), dateline=release.dateline, lang=lang,
        text=" ".join([release.subtitle, *release.tags, markdown.to_text(release.body)]))
