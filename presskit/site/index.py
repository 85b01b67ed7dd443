"""What finds the releases: the search index the front page's box reads, sitemap.xml and
robots.txt for search engines."""
from __future__ import annotations

import json
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from . import addresses

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass
class Searchable:
    page: str       # relative to the site's root
    title: str
    date: str       # as the front page writes it
    dateline: str
    lang: str
    text: str       # headline, dateline, subheadline, tags and body, folded (fold)


def fold(text: str) -> str:
    """Text as the search box compares it: lower case, no accents (search.js does the
    same), so 'genève' finds 'Genève' and 'Geneve'."""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def search_index(items: list[Searchable]) -> str:
    """The index as a script that hands it to search.js: a JSON array, wrapped so that the
    front page opened from the folder (file://, where a browser fetches nothing) searches too.
    Loaded only when the box is first used."""
    rows = [{"u": i.page, "t": i.title, "d": i.date, "l": i.dateline, "g": i.lang,
             "x": i.text} for i in items]
    data = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return "presskitSearch(" + data.replace("</", "<\\/") + ");\n"


def sitemap(base: str, pages: list[tuple[str, str]]) -> bytes:
    """sitemap.xml: every page (path, last modified YYYY-MM-DD or '') at its absolute URL."""
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for path, modified in pages:
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = addresses.absolute(base, path)
        if modified:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = modified
    ET.indent(urlset, space=" ")
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def robots(base: str) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if base:
        lines.append(f"Sitemap: {addresses.absolute(base, addresses.SITEMAP)}")
    return "\n".join(lines) + "\n"
