"""LibreOffice's OpenDocument text (.odt) read as blocks through odfpy: paragraphs and
headings with their named and automatic styles, spans, links, lists, tables, pictures and
their captions, and pending tracked changes."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..files import display_path
from .blocks import Block, Span
from .read import Document, ImportError_

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_XLINK = "http://www.w3.org/1999/xlink"
_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"


def read_odt(path: Path) -> Document:
    from odf.opendocument import load

    try:
        document = load(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportError_(f"{display_path(path)}: not an OpenDocument text that can be read "
                           f"({exc}); open it in LibreOffice and save it again as .odt") \
            from None
    except Exception as exc:   # odfpy lets its XML parser's errors through as they are
        if type(exc).__module__.startswith(("xml.", "odf")):
            raise ImportError_(f"{display_path(path)}: not an OpenDocument text that can be "
                               f"read ({exc})") from None
        raise
    if getattr(document, "text", None) is None:
        raise ImportError_(f"{display_path(path)}: not a text document (a spreadsheet or a "
                           f"presentation?); presskit imports a release written in Writer")
    reader = _OdtReader(document, path)
    return Document(path, reader.read(), lang=reader.language())


class _OdtReader:
    def __init__(self, document, path: Path):
        self.document = document
        self.path = path
        self.styles: dict[str, object] = {}
        for container in (document.styles, document.automaticstyles):
            for style in container.childNodes:
                name = _attr(style, _STYLE, "name")
                if name:
                    self.styles[name] = style
        self.blocks: list[Block] = []
        self.count = 0

    def language(self) -> str:
        meta = getattr(self.document, "meta", None)
        for node in meta.childNodes if meta is not None else ():
            if node.qname[1] == "language":
                return str(node).strip()
        return ""

    def read(self) -> list[Block]:
        body = self.document.text
        for node in body.childNodes:
            if node.qname[1] == "tracked-changes" and node.childNodes:
                count = len(node.childNodes)
                raise ImportError_(f"{display_path(self.path)}: {count} tracked change"
                                   f"{'s' if count != 1 else ''} not yet accepted or "
                                   f"rejected; accept or reject them (LibreOffice: Edit > "
                                   f"Track Changes > Manage > Accept All), save, and import "
                                   f"again")
        self.children(body, depth=-1, ordered=False)
        return self.blocks

    def children(self, node, depth: int, ordered: bool) -> None:
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            name = child.qname[1]
            if child.qname[0] == _TEXT and name in ("p", "h"):
                self.paragraph(child, depth, ordered)
            elif child.qname[0] == _TEXT and name == "list":
                numbered = self.list_numbered(child) if depth < 0 or \
                    _attr(child, _TEXT, "style-name") else ordered
                self.children(child, depth + 1, numbered)
            elif child.qname[0] == _TEXT and name in ("list-item", "list-header", "section"):
                self.children(child, depth, ordered)
            elif child.qname[0] == _TABLE and name == "table":
                self.table(child)

    def paragraph(self, node, depth: int, ordered: bool) -> None:
        self.count += 1
        where = f"paragraph {self.count}"
        style = _attr(node, _TEXT, "style-name")
        spans: list[Span] = []
        pictures: list[Block] = []
        self.inline(node, style, "", spans, pictures)
        names = self.style_names(style)
        if node.qname[1] == "h":
            level = int(_attr(node, _TEXT, "outline-level") or 1)
            kind = "title" if "Title" in names else "heading"
        elif "Title" in names:
            kind, level = "title", 0
        elif "Subtitle" in names:
            kind, level = "subtitle", 0
        elif any(n.startswith("Heading") for n in names):
            kind, level = "heading", int((re.findall(r"\d+", " ".join(names)) or ["1"])[0])
        elif "Caption" in names or "Illustration" in names or "Figure" in names:
            kind, level = "caption", 0
        elif "Quotations" in names or "Quote" in names:
            kind, level = "quote", 0
        elif depth >= 0:
            kind, level = "item", depth
        else:
            kind, level = "paragraph", 0
        block = Block(kind, where, spans, level=level, ordered=ordered and kind == "item")
        if block.text:
            self.blocks.append(block)
        self.blocks.extend(pictures)

    def inline(self, node, style: str, link: str, spans: list[Span], pictures) -> None:
        bold, italic = self.flags(style)
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                spans.append(Span(child.data, bold, italic, link))
                continue
            if child.nodeType != child.ELEMENT_NODE:
                continue
            space, name = child.qname
            if space == _TEXT and name == "s":
                spans.append(Span(" " * int(_attr(child, _TEXT, "c") or 1), bold, italic, link))
            elif space == _TEXT and name == "tab":
                spans.append(Span("\t", bold, italic, link))
            elif space == _TEXT and name == "line-break":
                spans.append(Span("\n", bold, italic, link))
            elif space == _TEXT and name == "span":
                self.inline(child, _attr(child, _TEXT, "style-name") or style, link, spans,
                            pictures)
            elif space == _TEXT and name == "a":
                self.inline(child, style, _attr(child, _XLINK, "href"), spans, pictures)
            elif space == _DRAW and name == "frame":
                self.frame(child, pictures)
            elif space == _TEXT and name in ("note", "annotation", "bookmark", "bookmark-start",
                                             "bookmark-end", "soft-page-break"):
                continue
            elif space == _TEXT:
                self.inline(child, style, link, spans, pictures)

    def frame(self, frame, pictures: list[Block]) -> None:
        where = f"paragraph {self.count + 1}"
        alt = ""
        for child in frame.childNodes:
            if child.qname == (_SVG, "desc") or child.qname == (_SVG, "title"):
                alt = alt or str(child).strip()
        for child in frame.childNodes:
            if child.qname == (_DRAW, "text-box"):
                # LibreOffice's captioned picture: a frame holding a paragraph that holds the
                # picture's own frame and the caption's words.
                for paragraph in child.childNodes:
                    if paragraph.qname in ((_TEXT, "p"), (_TEXT, "h")):
                        spans: list[Span] = []
                        self.inline(paragraph, _attr(paragraph, _TEXT, "style-name"), "",
                                    spans, pictures)
                        caption = Block("caption", where, spans)
                        if caption.text:
                            pictures.append(caption)
            if child.qname == (_DRAW, "image"):
                href = _attr(child, _XLINK, "href")
                try:
                    with zipfile.ZipFile(self.path) as archive:
                        data = archive.read(href)
                except (KeyError, zipfile.BadZipFile):
                    continue
                kind = href.rsplit(".", 1)[-1].lower()
                pictures.append(Block("image", where, image=data,
                                      image_type={"jpg": "jpeg"}.get(kind, kind), alt=alt))

    def table(self, node) -> None:
        self.count += 1
        rows = []
        for row in _descendants(node, _TABLE, "table-row"):
            cells = []
            for cell in row.childNodes:
                if cell.qname != (_TABLE, "table-cell"):
                    continue
                parts = []
                for paragraph in cell.childNodes:
                    if paragraph.qname in ((_TEXT, "p"), (_TEXT, "h")):
                        spans: list[Span] = []
                        self.inline(paragraph, _attr(paragraph, _TEXT, "style-name"), "",
                                    spans, [])
                        parts.append(Block("paragraph", "", spans).markdown())
                cells.append(" ".join(p for p in parts if p))
            rows.append(cells)
        if any(any(cells) for cells in rows):
            self.blocks.append(Block("table", f"paragraph {self.count}", rows=rows))

    def style_names(self, name: str) -> list[str]:
        """The style and the styles it derives from, by their display names."""
        names = []
        seen = set()
        while name and name not in seen:
            seen.add(name)
            style = self.styles.get(name)
            names.append(name.replace("_20_", " "))
            if style is None:
                break
            display = _attr(style, _STYLE, "display-name")
            if display:
                names.append(display)
            name = _attr(style, _STYLE, "parent-style-name")
        return names

    def flags(self, name: str) -> tuple[bool, bool]:
        bold = italic = None
        seen = set()
        while name and name not in seen and (bold is None or italic is None):
            seen.add(name)
            style = self.styles.get(name)
            if style is None:
                break
            for child in style.childNodes:
                if child.qname == (_STYLE, "text-properties"):
                    weight = _attr(child, _FO, "font-weight")
                    slant = _attr(child, _FO, "font-style")
                    if bold is None and weight:
                        bold = weight in ("bold", "600", "700", "800", "900")
                    if italic is None and slant:
                        italic = slant in ("italic", "oblique")
            name = _attr(style, _STYLE, "parent-style-name")
        return bool(bold), bool(italic)

    def list_numbered(self, node) -> bool:
        style = self.styles.get(_attr(node, _TEXT, "style-name"))
        if style is None:
            return False
        for child in style.childNodes:
            if child.qname[0] == _TEXT and child.qname[1].startswith("list-level-style"):
                return child.qname[1] == "list-level-style-number" and \
                    bool(_attr(child, _STYLE, "num-format"))
        return False


def _attr(node, space: str, name: str) -> str:
    attributes = getattr(node, "attributes", None)    # a text node has none
    return attributes.get((space, name), "") if attributes else ""


def _descendants(node, space: str, name: str):
    for child in node.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname == (space, name):
            yield child
        elif child.qname[1] not in ("table",):
            yield from _descendants(child, space, name)
