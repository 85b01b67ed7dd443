"""The newsroom's HTML pages: the front page, a page per release, the organization's page.

Each page is a template of templates/site/ (a project's own file of the same name replaces
it), rendered with what the release PDF is rendered from (render.release_view: the same
Markdown, labels, dates and contacts), but its pictures as files beside the page instead of
data: URIs, and its links relative to the page.
"""
from __future__ import annotations

import json
import re
from types import SimpleNamespace
from urllib.parse import quote

from markupsafe import Markup

from .. import i18n, markdown, render
from ..load import Project
from ..model import Release
from . import addresses
from .pictures import WebPicture

LATEST = 5           # releases in the front page's "Latest" before the years
DESCRIPTION = 200    # characters of the body standing in for a missing subheadline


def site_context(project: Project, lang: str, path: str, site: SimpleNamespace) -> dict:
    """What every page gets: the page's place, the labels of its language, the site's parts."""
    context = render.page_context(project, lang)
    root = addresses.up(path)
    context.update(root=root, path=path, site=site,
                   canonical=addresses.absolute(site.base, path),
                   feed_href=root + addresses.FEED,
                   stylesheet_href=root + addresses.STYLESHEET,
                   front_href=root + addresses.FRONT,
                   organization_href=root + addresses.ORGANIZATION,
                   logo_href=root + site.logo.path if site.logo else "")
    return context


def alternates(project: Project, release: Release, path: str,
               site: SimpleNamespace) -> list[SimpleNamespace]:
    """The release's language versions (itself among them), for hreflang links and the
    language switch; one version alone has none."""
    versions = project.versions(release.slug)
    if len(versions) < 2:
        return []
    return [SimpleNamespace(lang=lang, name=i18n.language_name(lang),
                            current=version.slug == release.slug,
                            href=addresses.relative(path, addresses.release_page(version.slug)),
                            url=addresses.absolute(site.base,
                                                   addresses.release_page(version.slug)))
            for lang, version in versions.items()]


def published_iso(release: Release, office_zone: str) -> str:
    """When a release became public: its embargo's lift, else the start of its day in the
    press office's zone (UTC when none is set)."""
    if release.embargo is not None:
        return release.embargo.isoformat()
    zone = i18n.time_zone(office_zone) if office_zone else None
    import datetime as dt

    moment = dt.datetime.combine(release.date, dt.time(0, 0), zone or dt.timezone.utc)
    return moment.isoformat().replace("+00:00", "Z")


def description(release: Release) -> str:
    if release.subtitle:
        return release.subtitle
    text = " ".join(markdown.to_text(release.body).split())
    if len(text) <= DESCRIPTION:
        return text
    return text[:DESCRIPTION].rsplit(" ", 1)[0].rstrip(",;:—-– ") + "…"


def release_page(project: Project, release: Release, pictures: list[WebPicture],
                 site: SimpleNamespace, view: SimpleNamespace) -> str:
    """The release's page: all its PDF shows (`view`, its render.release_view without its
    pictures), its PDF, its pictures in web sizes, and the tags that search engines and
    social networks read."""
    path = addresses.release_page(release.slug)
    view.body_html = Markup(render.lead_with_dateline(
        body_under_headline(release.body, view.lang), release.dateline, view.date_text))
    context = site_context(project, view.lang, path, site)
    view.images = [_picture_view(picture, path, view.labels, view.colon)
                   for picture in pictures]
    view.pdf_href = addresses.relative(path, addresses.release_pdf(release.slug))
    view.zip_href = addresses.relative(path, addresses.pictures_zip(release.slug)) \
        if pictures else ""
    published = published_iso(release, project.settings.timezone)
    summary = description(release)
    image_urls = [addresses.absolute(site.base, p.original) for p in pictures
                  if site.base and p.width]
    og_image = addresses.absolute(site.base, pictures[0].src) if site.base and pictures and \
        pictures[0].width else ""
    context.update(
        alternates=alternates(project, release, path, site),
        release=view,
        labels=view.labels,
        title=f"{release.title} \u2014 {site.name}",
        description=summary,
        og_type="article",
        og_title=release.title,
        og_image=og_image,
        og_image_alt=(pictures[0].alt or pictures[0].caption) if og_image else "",
        published=published,
        jsonld=_json_ld({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": release.title,
            "alternativeHeadline": release.subtitle or None,
            "datePublished": published,
            "dateModified": published,
            "inLanguage": view.lang,
            "dateline": release.dateline,
            "description": summary,
            "keywords": release.tags or None,
            "url": context["canonical"] or None,
            "mainEntityOfPage": context["canonical"] or None,
            "image": image_urls or None,
            "author": _organization_ld(project, site),
            "publisher": _organization_ld(project, site),
        }),
    )
    return render.render_template(project, "site/release.html", context)


def body_under_headline(body: str, lang: str) -> str:
    """The body's HTML, its subheads ranked right under the page's one h1, whatever level it
    writes them at: a body whose subheads are all '##' (h3 in the PDF, which has more above)
    would skip a level on the page, which the Nu Html Checker and screen readers mind."""
    html = markdown.to_html(body, shift_headings=0, lang=lang)
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", html)]
    if not levels or min(levels) == 2:
        return html
    return markdown.to_html(body, shift_headings=2 - min(levels), lang=lang)


def _picture_view(picture: WebPicture, page: str, labels: dict, colon: str) -> SimpleNamespace:
    def link(target: str) -> str:
        return quote(addresses.relative(page, target))

    srcset = ", ".join(f"{link(p)} {w}w" for p, w in picture.srcset) if picture.width else ""
    return SimpleNamespace(
        src=link(picture.src), srcset=srcset, width=picture.width, height=picture.height,
        original_href=link(picture.original), original_size=_size_text(picture.original_bytes),
        caption_html=Markup(markdown.to_inline_html(picture.caption)) if picture.caption else "",
        credit_line=render.credit_line(picture.credit, labels, colon) if picture.credit else "",
        alt=picture.alt or picture.caption or "")


def _size_text(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} kB"


def _organization_ld(project: Project, site: SimpleNamespace) -> dict:
    org = project.organization
    data: dict = {"@type": "Organization", "name": org.name}
    if org.website:
        data["url"] = org.website
    if site.base and site.logo:
        data["logo"] = {"@type": "ImageObject",
                        "url": addresses.absolute(site.base, site.logo.path)}
    return data


def _json_ld(data: dict) -> Markup:
    """JSON-LD for a <script> element: no empty fields, keys sorted, and '</' written so that
    no headline can close the script."""
    clean = {key: value for key, value in data.items() if value is not None}
    text = json.dumps(clean, ensure_ascii=False, sort_keys=True, indent=1)
    return Markup(text.replace("</", "<\\/"))


def listed(record: dict, versions: list[dict] = ()) -> SimpleNamespace:
    """A release as the front page lists it (from its record, records.py), in its own
    language and direction, with its other language versions."""
    return SimpleNamespace(
        versions=[SimpleNamespace(lang=v["lang"], name=i18n.language_name(v["lang"]),
                                  href=addresses.release_page(v["slug"]))
                  for v in sorted(versions, key=lambda v: v["lang"])],
        slug=record["slug"], href=addresses.release_page(record["slug"]),
        title=record["title"], subtitle=record["subtitle"], dateline=record["dateline"],
        date_iso=record["date"], date_text=record["date_text"], lang=record["lang"],
        dir=record["dir"], year=int(record["date"][:4]))


def front_page(project: Project, releases: list[dict], kits: list[SimpleNamespace],
               site: SimpleNamespace, translated: dict[str, list[dict]] | None = None) -> str:
    """index.html: the latest releases, then the others by year, the kits, the search box;
    each release once, with links to its language versions (`translated`, by original)."""
    lang = project.organization.lang or "en"
    context = site_context(project, lang, addresses.FRONT, site)
    newest = [listed(r, (translated or {}).get(r["slug"], [])) for r in releases]
    years: dict[int, list[SimpleNamespace]] = {}
    for item in newest[LATEST:]:
        years.setdefault(item.year, []).append(item)
    context.update(
        title=f"{site.name} \u2014 {context['labels']['newsroom']}",
        description=_plain(project.organization.boilerplate),
        og_type="website", og_title=f"{site.name} \u2014 {context['labels']['newsroom']}",
        og_image="", og_image_alt="", jsonld="",
        latest=newest[:LATEST], years=sorted(years.items(), reverse=True), kits=kits,
        search_script=addresses.SCRIPT, search_index=addresses.SEARCH_INDEX)
    return render.render_template(project, "site/index.html", context)


def organization_page(project: Project, kits: list[SimpleNamespace], people_photos: list,
                      site: SimpleNamespace) -> str:
    """organization.html: the kit's content for the web (fact sheet, history, people,
    contacts, About text) and the kits to download."""
    org = project.organization
    lang = org.lang or "en"
    context = site_context(project, lang, addresses.ORGANIZATION, site)
    labels = context["labels"]
    facts = [SimpleNamespace(label=f.label,
                             value_html=Markup(markdown.to_inline_html(f.value, lang)))
             for f in org.facts]
    given = {fact.label.casefold() for fact in facts}
    # The location and website lead the fact sheet, unless a fact of that name gives them.
    website = render.website_link(org.website)
    if website["website_url"] and labels["website"].casefold() not in given:
        facts.insert(0, SimpleNamespace(label=labels["website"], value_html=Markup(
            '<a dir="ltr" href="{}">{}</a>').format(website["website_url"],
                                                   website["website_shown"])))
    if org.location and labels["headquarters"].casefold() not in given:
        facts.insert(0, SimpleNamespace(label=labels["headquarters"], value_html=org.location))
    people = []
    for person, photo in zip(org.people, people_photos):
        people.append(SimpleNamespace(
            name=person.name, title=person.title,
            bio_html=Markup(markdown.to_html(person.bio, shift_headings=2, lang=lang))
            if person.bio else "", photo=photo))
    context.update(
        title=labels["about"].format(name=org.name),
        description=_plain(org.boilerplate),
        og_type="website", og_title=labels["about"].format(name=org.name),
        og_image="", og_image_alt="", jsonld="",
        organization=SimpleNamespace(
            name=org.name, short_name=org.short_name,
            boilerplate_html=Markup(markdown.to_html(org.boilerplate, lang=lang)),
            facts=facts,
            history=[SimpleNamespace(year=h.year,
                                     text_html=Markup(markdown.to_inline_html(h.text, lang)))
                     for h in org.history],
            people=people, contacts=org.contacts),
        kits=kits)
    return render.render_template(project, "site/organization.html", context)


def _plain(text: str) -> str:
    words = " ".join(markdown.to_text(text).split())
    return words if len(words) <= DESCRIPTION else \
        words[:DESCRIPTION].rsplit(" ", 1)[0] + "…"
