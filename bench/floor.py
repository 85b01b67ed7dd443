"""The engine floor: a project's release HTML rendered by one warm process, one after another.

    python -m bench.floor PROJECT HTML_DIR

Renders each release's HTML (presskit's own render.release_html, the very HTML a build feeds
the engine), writes it to HTML_DIR/<slug>.html for the `weasyprint` command-line comparison, lays
out the first one once to warm fonts, then times WeasyPrint itself over all of them in a loop on
one core: HTML(string=...).write_pdf() with one font configuration and one image cache, and the
options presskit gives (tagged PDF). That is the engine as anyone would call it, without what
presskit adds (such as reusing the parsed theme stylesheet). Prints JSON: the seconds, the
count, and how many PDFs differ from dist/releases/ (0 when the build and the floor made the
same documents, byte for byte).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main(project_dir: str, html_dir: str) -> dict:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from presskit import render
    from presskit.load import load_project

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})   # one core, for sure
    project = load_project(project_dir)
    out = Path(html_dir)
    out.mkdir(parents=True, exist_ok=True)
    htmls = {slug: render.release_html(project, r) for slug, r in project.releases.items()}
    for slug, html in htmls.items():
        (out / f"{slug}.html").write_text(html, encoding="utf-8")
    fonts, images = FontConfiguration(), {}
    base = str(project.root) + os.sep

    def engine(html: str) -> bytes:
        return HTML(string=html, base_url=base).write_pdf(
            font_config=fonts, cache=images, pdf_tags=True)

    engine(next(iter(htmls.values())))        # warm: fonts, bindings, hyphenation
    pdfs = {}
    start = time.perf_counter()
    for slug, html in htmls.items():
        pdfs[slug] = engine(html)
    seconds = time.perf_counter() - start
    built = project.dist / "releases"
    differ = sum(1 for slug, data in pdfs.items()
                 if (built / f"{slug}.pdf").is_file()
                 and (built / f"{slug}.pdf").read_bytes() != data)
    return {"seconds": seconds, "count": len(htmls), "differ": differ}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
