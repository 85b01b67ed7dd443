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
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace

from markupsafe import Markup

from .. import i18n, markdown, render, theme
from ..build import build_project, release_pdf_path
from ..errors import Problem, ProjectError
from ..files import display_path
from ..load import Project, load_project, load_settings
from ..model import Image, Release, Settings, release_paths
from ..progress import Progress
from . import addresses, feed, index, pages, pictures
from .output import SiteFiles, write_site
from .records import Records, release_key, shared_key

PREVIEW_FOLDER = ".presskit/preview-site"
KIT_NAME = re.compile(r"^press-kit-(\d{4})\.pdf$")
SCRIPT = Path(__file__).with_name("search.js")


@dataclass
class SiteResult:
    folder: Path
    published: list[str] = field(default_factory=list)
    held: list[tuple[Path, str]] = field(default_factory=list)   # (release file, lifts when)
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def build_site(root: Path | str, *, base_url: str | None = None,
               now: dt.datetime | None = None, jobs: int | None = None,
               progress: Progress | None = None, preview: bool = False) -> SiteResult:
    """Write the newsroom of the project in `root` to dist/site/ as of `now` (default: now).

    With `preview` (`presskit serve`), every release is on it, an embargoed one marked as its
    PDF is, and the site goes to .presskit/preview-site/, never to dist/site/."""
    root = Path(root).resolve()
    now = dt.datetime.max.replace(tzinfo=dt.timezone.utc) if preview else \
        now or dt.datetime.now(dt.timezone.utc)
    build_project(root, jobs=jobs, progress=progress)
    # Every file is valid (the build checked them): only releases without a current record
    # are read, with the organization and settings.
    records = Records(root / ".presskit")
    files_of = {path.stem: path for path in release_paths(root)}
    problems: list[Problem] = []
    base = _base(load_settings(root, problems), base_url)
    if problems:
        raise ProjectError(problems)
    shared = shared_key(root, base)
    versions = {slug: ",".join(sorted(other for other in files_of
                                      if other.partition(".")[0] == slug.partition(".")[0]))
                for slug in files_of}
    kept = {slug: records.get(root, slug, shared, versions[slug]) for slug in files_of}
    missing = [slug for slug, record in kept.items() if record is None]
    project = load_project(root, only=missing)   # the organization and settings, once
    files = SiteFiles()
    cache = project.state / "site-pictures"
    site = _site(project, base, files, cache)
    for slug in missing:
        kept[slug] = _record(project, project.releases[slug], site, shared, versions[slug])
        records.put(slug, kept[slug])
    records.forget_all_but(set(files_of))

    result = SiteResult(folder=root / (PREVIEW_FOLDER if preview else "dist/site"))
    if not base:
        result.warnings.append(f"{display_path(root / 'presskit.yaml')}: warning: no site.url "
                               f"(or --base-url): the site has no canonical links and no "
                               f"sitemap.xml, which need absolute addresses")
    published = sorted((r for r in kept.values() if not _held(r, now)), reverse=True,
                       key=lambda r: (dt.datetime.fromisoformat(r["published"]), r["slug"]))
    for record in sorted((r for r in kept.values() if _held(r, now)),
                         key=lambda r: (r["embargo"], r["slug"])):
        embargo = dt.datetime.fromisoformat(record["embargo"])
        result.held.append((root / record["path"],
                            i18n.embargo_when(embargo, project.settings.timezone)))
    held_years = {int(r["date"][:4]) for r in kept.values() if _held(r, now)}

    files.add(addresses.STYLESHEET, theme.find(root, "styles", "site.css")
              .read_text(encoding="utf-8"))
    files.copy(addresses.SCRIPT, SCRIPT)
    for record in published:
        slug = record["slug"]
        images = [Image(src=root / i["src"], caption=i["caption"], credit=i["credit"],
                        alt=i["alt"]) for i in record["images"]]
        pictures.web_pictures(slug, images, cache, files)
        if images:
            files.add(addresses.pictures_zip(slug),
                      pictures.pictures_zip(dt.date.fromisoformat(record["date"]), images,
                                            site.name))
        files.copy(addresses.release_pdf(slug), release_pdf_path(root, slug))
        files.add(addresses.release_page(slug), record["page"])

    kits = _kits(root, held_years, files)
    # The front page and the feed list each release once, as its original, with links to its
    # language versions; every version has its own page, in the sitemap and the search.
    originals = [r for r in published if not r.get("original")]
    translated: dict[str, list[dict]] = {}
    for record in published:
        if record.get("original"):
            translated.setdefault(record["original"], []).append(record)
    files.add(addresses.FRONT, pages.front_page(project, originals, kits, site, translated))
    files.add(addresses.ORGANIZATION,
              pages.organization_page(project, kits, site.portraits, site))
    files.add(addresses.FEED, feed.atom_feed(
        [r["entry"] for r in originals], originals[0]["published"] if originals else "",
        base=base, title=f"{site.name} \u2014 {site.labels['newsroom']}",
        organization=project.organization.name, lang=site.lang,
        website=project.organization.website))
    files.add(addresses.SEARCH_INDEX, index.search_index(
        [index.Searchable(page=addresses.release_page(r["slug"]), title=r["title"],
                          date=r["date_text"], dateline=r["dateline"], lang=r["lang"],
                          text=r["search"]) for r in published]))
    if base:
        listed = [(addresses.FRONT, published[0]["date"] if published else ""),
                  (addresses.ORGANIZATION, "")]
        listed += [(addresses.release_page(r["slug"]), r["date"]) for r in published]
        files.add(addresses.SITEMAP, index.sitemap(base, listed))
    files.add(addresses.ROBOTS, index.robots(base))

    report = write_site(files, result.folder)
    result.published = [r["slug"] for r in published]
    result.written, result.unchanged, result.removed = (report.written, report.unchanged,
                                                        report.removed)
    return result


def _base(settings: Settings, base_url: str | None) -> str:
    if base_url:
        return addresses.normalize_base(base_url)
    if settings.site_url:
        return addresses.normalize_base(settings.site_url, "presskit.yaml: site.url")
    return ""


def _held(record: dict, now: dt.datetime) -> bool:
    return bool(record["embargo"]) and now < dt.datetime.fromisoformat(record["embargo"])


def _record(project: Project, release: Release, site: SimpleNamespace, shared: str,
            versions: str) -> dict:
    """What the site keeps of a release: what lists it, and its page and feed entry, made
    with its pictures' web sizes (scaled into the picture cache, not into the site)."""
    root = project.root
    web = pictures.web_pictures(release.slug, release.images, project.state / "site-pictures",
                                SiteFiles())
    lang = project.release_lang(release)
    # Its pictures are left out: the page and the feed show their web sizes.
    view = render.release_view(project, replace(release, images=[]))
    return {
        "key": release_key(shared, release.path, [i.src for i in release.images], versions),
        "slug": release.slug,
        "original": release.original or "",
        "path": release.path.relative_to(root).as_posix(),
        "images": [{"src": i.src.relative_to(root).as_posix(), "caption": i.caption,
                    "credit": i.credit, "alt": i.alt} for i in release.images],
        "title": release.title, "subtitle": release.subtitle,
        "date": release.date.isoformat(), "date_text": i18n.format_date(release.date, lang),
        "dateline": release.dateline, "lang": lang, "dir": i18n.direction(lang),
        "embargo": release.embargo.isoformat() if release.embargo else "",
        "published": pages.published_iso(release, project.settings.timezone),
        "tags": release.tags,
        # The entry first: the page puts its own body (subheads ranked for a web page) in
        # the view both are made from.
        "entry": feed.entry_xml(_entry(project, release, view, web), base=site.base,
                                organization=project.organization.name),
        "page": pages.release_page(project, release, web, site, view),
        "search": _search_text(release),
    }


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
    accent = render.page_context(project, lang)["accent"]
    return SimpleNamespace(name=org.name, short_name=org.short_name, base=base, logo=logo,
                           lang=lang, dir=i18n.direction(lang),
                           labels=i18n.labels_for(lang, project.settings.labels),
                           accent=accent, ink=Markup(readable_ink(str(accent))),
                           portraits=portraits, feed=addresses.FEED)


def readable_ink(colour: str) -> str:
    """The organization's colour for text and links when it reads on white (WCAG's 4.5:1),
    else near-black: a pale brand yellow stays in the rules, not in unreadable links."""
    digits = colour.lstrip("#")
    if len(digits) in (3, 4):
        digits = "".join(c * 2 for c in digits[:3])
    try:
        channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    except ValueError:
        return "#1b1b1b"
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return colour if 1.05 / (luminance + 0.05) >= 4.5 else "#1b1b1b"


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


def _entry(project: Project, release: Release, view: SimpleNamespace,
           web: list[pictures.WebPicture]) -> feed.Entry:
    """The feed's entry: the release in full as its PDF has it (render.release_view), its
    links relative to the site's root."""
    parts = [view.body_html]
    for picture in web:
        parts.append(Markup('<figure><img src="{}" alt="{}"><figcaption>{} {}</figcaption>'
                            '</figure>').format(picture.src, picture.alt or picture.caption,
                                                picture.caption, picture.credit))
    parts.append(Markup("<h2>{}</h2>").format(view.about_heading))
    parts.append(view.boilerplate_html)
    if view.notes_html:
        parts.append(Markup("<h2>{}</h2>").format(view.labels["notes"]))
        parts.append(view.notes_html)
    return feed.Entry(slug=release.slug, title=release.title, subtitle=release.subtitle,
                      published=pages.published_iso(release, project.settings.timezone),
                      lang=view.lang, content_html="\n".join(str(p) for p in parts),
                      tags=release.tags)


def _search_text(release: Release) -> str:
    """What the search box looks through, folded as it compares (index.fold)."""
    return index.fold(" ".join([release.title, release.dateline, release.subtitle,
                                *release.tags, markdown.to_text(release.body)]))
