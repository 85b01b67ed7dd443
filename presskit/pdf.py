"""Write PDFs with WeasyPrint, confined to the project and the built-in theme.

WeasyPrint is imported here only, so commands that render nothing start fast. A process keeps
what does not change from one release to the next: one font configuration (loading fonts is the
costly part of a first render) and the parsed theme stylesheet (parsing and compiling its
selectors is about a sixth of laying out a two-page release; see StyleSheets).
"""
from __future__ import annotations

import logging
import os
import re
from collections import OrderedDict
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from .engine import import_engine
from .engine import rendered as engine_rendered
from .errors import BuildError
from .files import display_path

if TYPE_CHECKING:
    from .placement import Placing

NOTDEF_RE = re.compile(r'unsupported by fonts: "(.*)"')
# An inlined image in a warning: its head says which; the rest would be a line of 200 kB.
DATA_URI_RE = re.compile(r"(data:[\w/+.-]+;base64,[A-Za-z0-9+/]{16})[A-Za-z0-9+/=]+")
# A <style> element exactly as templates/base.html writes it: no attributes, no media query.
STYLE_RE = re.compile(r"<style>(.*?)</style>", re.S)
STYLE_ATTRIBUTE_RE = re.compile(r"\sstyle\s*=")
# Rules whose effect reaches beyond the stylesheet (files fetched when it is parsed, fonts
# registered, counter styles and colour profiles kept per document): a sheet with one of them
# is parsed with its document, as WeasyPrint would.
NOT_REUSABLE = ("@import", "@font-face", "@counter-style", "@color-profile")
# The CSS functions whose argument may be a file named relative to the sheet's folder (an
# attribute read as a url too).
FILE_FUNCTION_RE = re.compile(r"url\(|image-set\(|attr\(\s*[-\w|]+\s+url\b")
CSS_ESCAPE_RE = re.compile(r"\\([0-9a-fA-F]{1,6}\s?|.)", re.S)
# base.html ends a project's own stylesheet with this comment, naming its file.
SOURCE_RE = re.compile(r"/\*# sourceURL=([^*\s]+) \*/\s*\Z")
POSITION_RE = re.compile(r" at (\d+):(\d+)")
LOCATED_RE = re.compile(r"(\S.*?:\d+:\d+): (.*)", re.S)


def warning_line(subject: str, message: str) -> str:
    """'subject: warning: message', or 'file:line:column: warning: message' for a warning
    that names its place in a file (one about a project's stylesheet)."""
    located = LOCATED_RE.fullmatch(message)
    if located:
        return f"{located[1]}: warning: {located[2]}"
    return f"{subject}: warning: {message}"


def _located(message: str, path: str) -> str:
    """WeasyPrint's 'Ignored `colr: red` at 12:3, unknown property.' as
    'styles/release.css:12:3: Ignored `colr: red`, unknown property.'"""
    position = POSITION_RE.search(message)
    if position is None:
        return message
    return (f"{path}:{position[1]}:{position[2]}: "
            f"{message[:position.start()]}{message[position.end():]}")

def confined_fetcher(roots: tuple[Path, ...]):
    """A url_fetcher that serves data: URIs and files inside `roots`, and nothing else."""
    from weasyprint.urls import URLFetcher

    resolved_roots = tuple(r.resolve() for r in roots)

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if not scheme:
                # Only an inlined image (an SVG's <image href="x.jpg">) has no base to resolve by.
                raise ValueError(f"an image refers to another file, {url}, which presskit "
                                 f"cannot follow from inside it: embed that file in the image")
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
        self.messages.append(DATA_URI_RE.sub(r"\1…", record.getMessage()))

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


class StyleSheets:
    """Parsed <style> sheets kept across documents, the most recently used `size` of them.

    Every release carries the same theme stylesheet inline, so that its HTML stands alone. A
    warm process parses it once, then lays out each document without its <style> elements and
    with the parsed sheets given in their place, in the same order. The result is the same PDF,
    byte for byte (tests/test_parallel.py): the sheets move from the author to the user origin,
    which ranks the same way when the document has no other author style. split() hands a
    document to WeasyPrint unchanged when that is not certain: a <link> or a <style> with
    attributes, a style attribute, or a rule in NOT_REUSABLE.
    """

    def __init__(self, size: int = 8):
        self.size = size
        self.sheets: OrderedDict[tuple[str, str], tuple[object, list[str]]] = OrderedDict()

    @staticmethod
    def split(html: str) -> tuple[str, list[str]] | None:
        """(the HTML without its <style> elements, their texts), or None to leave it whole."""
        texts = STYLE_RE.findall(html)
        if not texts:
            return None
        rest = STYLE_RE.sub("", html)
        lowered = rest.lower()
        if "<style" in lowered or "<link" in lowered or STYLE_ATTRIBUTE_RE.search(lowered):
            return None
        if any(marker in text.lower() for text in texts for marker in NOT_REUSABLE):
            return None
        return rest, texts

    def get(self, text: str, base_url: str, fetcher, root: Path | None = None):
        """The parsed sheet. Its parsing warnings (a bad property, say) are logged each time
        it is used, so that every document built with it reports them; those about a
        project's own stylesheet name the file, line and column (SOURCE_RE). A sheet with no
        url() means the same whatever folder it is used from, so one parse serves every
        project a process builds."""
        from weasyprint import CSS, LOGGER

        key = (text, base_url if _refers_to_files(text) else None)
        entry = self.sheets.get(key)
        if entry is None:
            capture = _Collector()
            handlers, LOGGER.handlers = LOGGER.handlers, [capture]
            try:
                sheet = CSS(string=text, base_url=base_url, url_fetcher=fetcher,
                            font_config=font_config())
            finally:
                LOGGER.handlers = handlers
            entry = self.sheets[key] = (sheet, capture.messages)
            while len(self.sheets) > self.size:
                self.sheets.popitem(last=False)
        else:
            self.sheets.move_to_end(key)
        sheet, messages = entry
        source = SOURCE_RE.search(text) if messages else None
        path = root / source[1] if source and root is not None else None
        for message in messages:
            # Located when used, not when parsed: one parse may serve several projects.
            LOGGER.warning("%s", _located(message, display_path(path)) if path else message)
        return sheet


STYLESHEETS = StyleSheets()


def _refers_to_files(text: str) -> bool:
    """Whether a sheet may name a file relative to its folder (read as CSS reads it, with
    its escapes undone: `\\75 rl(` is url( too)."""
    def unescaped(match: re.Match) -> str:
        code = match[1].strip()
        if len(code) > 1 or code in "0123456789abcdefABCDEF":
            try:
                return chr(int(code, 16))
            except (ValueError, OverflowError):
                return "\ufffd"
        return code

    return FILE_FUNCTION_RE.search(CSS_ESCAPE_RE.sub(unescaped, text).lower()) is not None


class ImageCache(dict):
    """WeasyPrint's image cache, kept across the documents a process renders.

    WeasyPrint keys decoded images by URL, and their encoded data by an id made from the URL.
    Only what cannot change under the same URL is kept: raster images from data: URIs (every
    image presskit scales is inlined as one), so a logo is decoded once a process, not once a
    release. Images read from files (a stylesheet's url()) are left to each document, and SVG
    too (WeasyPrint draws it with the document's own context).
    """

    LIMIT = 256

    def __setitem__(self, key, value):
        if ":" in key and not (key.startswith("data:")
                               and type(value).__name__ == "RasterImage"):
            return   # a URL not to keep; ids of encoded data have no colon
        super().__setitem__(key, value)

    def trim(self) -> None:
        """Forget everything once there is too much: between documents, never during one."""
        if len(self) > self.LIMIT:
            self.clear()


IMAGES = ImageCache()


def render_pdf(html: str, base: Path, roots: tuple[Path, ...], *, variant: str | None = None,
               tagged: bool = True, warnings: list[str] | None = None,
               reuse: bool = True, show_outline: bool = False,
               placing: Placing | None = None) -> bytes:
    """Lay out `html` and return the PDF bytes. With `reuse`, what a previous document
    left is used again: parsed stylesheets (StyleSheets) and decoded images (ImageCache).
    With `show_outline`, a reader opens the PDF with its bookmarks shown (a kit). Photos and
    closing matter are placed from trial layouts (placement.py), in the process that renders,
    or as `placing` (a placement.Placing) says they were decided, which it is told back."""
    import_engine()
    from weasyprint import HTML

    from .placement import fit

    sink: list[str] = [] if warnings is None else warnings
    fetcher = confined_fetcher(roots)
    IMAGES.trim()
    options = {"pdf_tags": tagged, "uncompressed_pdf": False,
               "cache": IMAGES if reuse else None}
    if variant:
        options["pdf_variant"] = variant

    def lay_out(text: str):
        split = StyleSheets.split(text) if reuse else None
        if split is None:
            document = HTML(string=text, base_url=str(base) + os.sep, url_fetcher=fetcher)
            return document.render(font_config=font_config(), **options)
        document = HTML(string=split[0], base_url=str(base) + os.sep, url_fetcher=fetcher)
        sheets = [STYLESHEETS.get(sheet, document.base_url, fetcher, base)
                  for sheet in split[1]]
        return document.render(font_config=font_config(), stylesheets=sheets, **options)

    with weasyprint_warnings(sink):
        try:
            html, document, decided = fit(html, lay_out, placing.known if placing else None)
            if placing is not None:
                placing.html, placing.decided = html, decided
            return document.write_pdf(finisher=_open_with_outline if show_outline else None,
                                      **options)
        except Exception as exc:  # WeasyPrint raises many kinds; report, don't trace back
            raise BuildError(f"{base}: PDF rendering failed: {exc}") from exc
        finally:
            engine_rendered()


def _open_with_outline(document, pdf) -> None:
    """WeasyPrint's finisher: the document opens with its bookmarks panel (PDF PageMode)."""
    pdf.catalog["PageMode"] = "/UseOutlines"
