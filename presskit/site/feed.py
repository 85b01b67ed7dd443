"""feed.xml: the newsroom's releases as an Atom 1.0 feed, newest first, each in full.

Each entry is written once, when its release's page is (records.py keeps it), and the feed
joins them: a feed of a thousand full releases is then a join, not a serialization.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

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


def _link(base: str, path: str, rel: str, kind: str) -> str:
    href = addresses.absolute(base, path) or path
    return f"<link rel={quoteattr(rel)} type={quoteattr(kind)} href={quoteattr(href)}/>"


def entry_xml(item: Entry, *, base: str, organization: str) -> str:
    """One <entry>, its links relative to the feed (xml:base) when there is no base URL."""
    lines = [f" <entry xml:lang={quoteattr(item.lang)}>",
             f"  <id>{escape(entry_id(base, organization, item.slug))}</id>",
             f"  <title>{escape(item.title)}</title>",
             f"  <published>{item.published}</published>",
             f"  <updated>{item.published}</updated>",
             "  " + _link(base, addresses.release_page(item.slug), "alternate", "text/html"),
             "  " + _link(base, addresses.release_pdf(item.slug), "enclosure",
                          "application/pdf")]
    lines += [f"  <category term={quoteattr(tag)}/>" for tag in item.tags]
    if item.subtitle:
        lines.append(f"  <summary>{escape(item.subtitle)}</summary>")
    lines.append(f'  <content type="html">{escape(item.content_html)}</content>')
    lines.append(" </entry>")
    return "\n".join(lines) + "\n"


def atom_feed(entries: list[str], updated: str, *, base: str, title: str, organization: str,
              lang: str, website: str) -> bytes:
    """The feed of `entries` (entry_xml, newest first), updated when the newest was."""
    base_attribute = f" xml:base={quoteattr(base)}" if base else ""
    feed_id = addresses.absolute(base, addresses.FEED) if base else \
        uuid.uuid5(uuid.NAMESPACE_URL, f"presskit:{organization}").urn
    author = f"  <name>{escape(organization)}</name>\n"
    if website:
        author += f"  <uri>{escape(website)}</uri>\n"
    head = (f"<?xml version='1.0' encoding='utf-8'?>\n"
            f"<feed xmlns=\"{ATOM}\" xml:lang={quoteattr(lang)}{base_attribute}>\n"
            f" <id>{escape(feed_id)}</id>\n"
            f" <title>{escape(title)}</title>\n"
            f" <updated>{updated or '1970-01-01T00:00:00Z'}</updated>\n"
            f" <author>\n{author} </author>\n"
            f" {_link(base, addresses.FEED, 'self', 'application/atom+xml')}\n"
            f" {_link(base, addresses.FRONT, 'alternate', 'text/html')}\n"
            f" <generator>presskit</generator>\n")
    return (head + "".join(entries) + "</feed>\n").encode("utf-8")
