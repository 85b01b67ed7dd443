"""feed.xml: the newsroom's releases as an Atom 1.0 feed, newest first, each in full."""
from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from . import addresses

ATOM = "http://www.w3.org/2005/Atom"


@dataclass
class Entry:
    slug: str
    title: str
    subtitle: str
    published: str        # ISO 8601 with offset
    lang: str
    content_html: str     # the release as its page shows it, links relative to the site
    tags: list[str]


def entry_id(base: str, organization: str, slug: str) -> str:
    """The page's address, or without a base URL a name that never changes: a reader that
    has an entry never shows it as new again."""
    if base:
        return addresses.absolute(base, addresses.release_page(slug))
    return uuid.uuid5(uuid.NAMESPACE_URL, f"presskit:{organization}:{slug}").urn


def atom_feed(entries: list[Entry], *, base: str, title: str, organization: str,
              lang: str, website: str) -> bytes:
    """The feed; `entries` newest first. Links are relative to the feed (xml:base is the base
    URL when there is one), so the feed reads the same from any copy of the site."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    if base:
        feed.set("{http://www.w3.org/XML/1998/namespace}base", base)
    _text(feed, "id", addresses.absolute(base, addresses.FEED) if base
          else uuid.uuid5(uuid.NAMESPACE_URL, f"presskit:{organization}").urn)
    _text(feed, "title", title)
    _text(feed, "updated", entries[0].published if entries else "1970-01-01T00:00:00Z")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", organization)
    if website:
        _text(author, "uri", website)
    _link(feed, addresses.absolute(base, addresses.FEED) or addresses.FEED, "self",
          "application/atom+xml")
    _link(feed, addresses.absolute(base, addresses.FRONT) or addresses.FRONT, "alternate",
          "text/html")
    _text(feed, "generator", "presskit")
    for item in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry",
                              {"{http://www.w3.org/XML/1998/namespace}lang": item.lang})
        _text(entry, "id", entry_id(base, organization, item.slug))
        _text(entry, "title", item.title)
        _text(entry, "published", item.published)
        _text(entry, "updated", item.published)
        page = addresses.release_page(item.slug)
        _link(entry, addresses.absolute(base, page) or page, "alternate", "text/html")
        pdf = addresses.release_pdf(item.slug)
        _link(entry, addresses.absolute(base, pdf) or pdf, "enclosure", "application/pdf")
        for tag in item.tags:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": tag})
        if item.subtitle:
            _text(entry, "summary", item.subtitle)
        content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"})
        content.text = item.content_html
    ET.indent(feed, space=" ")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = text
    return element


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "type": kind, "href": href})
