"""Write PDFs with WeasyPrint, confined to the project and the built-in theme.

WeasyPrint is imported here only, so commands that render nothing start fast. A process keeps
one font configuration for all the documents it writes: loading fonts is the costly part of a
first render, and worker processes reuse it across releases.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import BuildError

NOTDEF_RE = re.compile(r'unsupported by fonts: "(.*)"')

def confined_fetcher(roots: tuple[Path, ...]):
    """A url_fetcher that serves data: URIs and files inside `roots`, and nothing else."""
    from weasyprint.urls import URLFetcher

    resolved_roots = tuple(r.resolve() for r in roots)

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise ValueError(f"presskit reads no network resource: {url}")
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in resolved_roots):
                raise ValueError(f"presskit reads no file outside the project: {path}")
            return super().fetch(url, headers)

    return ConfinedFetcher(allow_redirects=False)


@lru_cache(maxsize=1)
def font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def summary(self) -> list[str]:
        """The warnings, with one line for all characters no installed font has."""
        missing: list[str] = []
        lines: list[str] = []
        for message in self.messages:
            match = NOTDEF_RE.search(message)
            if match:
                for char in match.group(1):
                    if char not in missing:
                        missing.append(char)
            elif message not in lines:
                lines.append(message)
        if missing:
            from .fonts import missing_glyph_warnings  # names the script and its font package

            lines.extend(missing_glyph_warnings(missing))
        return lines


@contextmanager
def weasyprint_warnings(sink: list[str]):
    """Collect WeasyPrint's warnings (refused files, bad CSS) so presskit can report them."""
    from weasyprint import LOGGER

    handler = _Collector()
    LOGGER.addHandler(handler)
    previous = LOGGER.propagate
    LOGGER.propagate = False
    try:
        yield
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.propagate = previous
        sink.extend(handler.summary())


def render_pdf(html: str, base: Path, roots: tuple[Path, ...], *, variant: str | None = None,
               tagged: bool = True, warnings: list[str] | None = None) -> bytes:
    """Lay out `html` and return the PDF bytes."""
    from weasyprint import HTML

    sink: list[str] = [] if warnings is None else warnings
    with weasyprint_warnings(sink):
        document = HTML(string=html, base_url=str(base) + os.sep,
                        url_fetcher=confined_fetcher(roots))
        options = {"pdf_tags": tagged, "font_config": font_config(),
                   "uncompressed_pdf": False}
        if variant:
            options["pdf_variant"] = variant
        try:
            return document.write_pdf(**options)
        except Exception as exc:  # WeasyPrint raises many kinds; report, don't trace back
            raise BuildError(f"{base}: PDF rendering failed: {exc}") from exc


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
