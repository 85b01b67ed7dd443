"""Where each page and file of the newsroom lives, and its address.

A release's page is releases/<slug>.html, beside its PDF releases/<slug>.pdf and its pictures'
folder releases/<slug>/: a plain file name is served as it is by every static host (an S3
bucket behind a CDN does not turn releases/x/ into releases/x/index.html), opens from the
folder with file://, and its address is the file's path, so a sitemap line and a file are one
to one. The slug already is the stable name the PDF has.

Links inside the site are relative (a site under https://example.org/newsroom/ works copied
anywhere); absolute URLs, made from the base URL, only where they must be: the canonical link,
og:url and og:image, the feed and the sitemap.
"""
from __future__ import annotations

import posixpath
from urllib.parse import quote, urlsplit

from ..errors import PresskitError

FRONT = "index.html"
ORGANIZATION = "organization.html"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
STYLESHEET = "site.css"
SCRIPT = "search.js"
SEARCH_INDEX = "search-index.js"


def release_page(slug: str) -> str:
    return f"releases/{slug}.html"


def release_pdf(slug: str) -> str:
    return f"releases/{slug}.pdf"


def release_folder(slug: str) -> str:
    """The folder of a release's pictures and their ZIP."""
    return f"releases/{slug}"


def pictures_zip(slug: str) -> str:
    return f"{release_folder(slug)}/{slug}-pictures.zip"


def kit_file(name: str) -> str:
    return f"kits/{name}"


def normalize_base(url: str, where: str = "--base-url") -> str:
    """An http(s) base URL ending in '/': 'https://example.org/newsroom' is the folder
    newsroom/, as its pages' relative links need it to be."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment:
        raise PresskitError(f"{where}: the site's address must be an http:// or https:// URL "
                            f"such as https://press.example.org/, not '{url}'")
    return url if url.endswith("/") else url + "/"


def absolute(base: str, path: str) -> str:
    """The absolute URL of a file of the site ('' without a base URL); the front page is the
    base URL itself."""
    if not base:
        return ""
    if path == FRONT:
        return base
    return base + quote(path)


def up(path: str) -> str:
    """The relative prefix from a page at `path` back to the site's root: '../' from
    releases/x.html."""
    return "../" * path.count("/")


def relative(page: str, target: str) -> str:
    """The link from the page at `page` to the file at `target`, both relative to the root:
    from releases/x.html, releases/x.pdf is 'x.pdf'."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")
