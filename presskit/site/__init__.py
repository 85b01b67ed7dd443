"""The online newsroom: `presskit site` writes dist/site/ from the project's files.

One module a kind of output, all fed by the same loaded project: pages (front page, release
pages, organization page), pictures (web sizes and the full-size ZIP), feed (Atom), index
(search index, sitemap, robots.txt); output compares each file with what is on disk and writes
only what changed; build reads top to bottom as the job.
"""
from __future__ import annotations

from .build import SiteResult, build_site

__all__ = ["SiteResult", "build_site"]
