"""Reading a document as blocks: Word (.docx) through python-docx, OpenDocument (.odt) through
odfpy, plain text and Markdown as they are typed. No hand-written parsing of the formats'
XML: the libraries give paragraphs, styles, runs and pictures; their element trees are only
asked for what they do not model (list numbering, pending tracked changes, a picture's id)."""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PresskitError
from ..files import display_path
from .blocks import Block, Span, unmarked


class ImportError_(PresskitError):
    """A document that cannot be imported as it is (exit 1, one line)."""


@dataclass
class Document:
    path: Path
    blocks: list[Block]
    lang: str = ""                  # the document's own language setting, when it has one
    markdown: bool = False          # blocks carry Markdown typed by hand
    notes: list[str] = field(default_factory=list)


def read_document(path: Path) -> Document:
    """The document at `path` as blocks; ImportError_ for a format or file it cannot read."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportError_(f"{display_path(path)}: no such file")
    readers = {".docx": read_docx, ".odt": read_odt, ".txt": read_text, ".md": read_text,
               ".markdown": read_text, ".text": read_text}
    if suffix not in readers:
        advice = {".doc": "save it from Word as .docx (Word Document)",
                  ".rtf": "save it as .docx or .odt", ".pdf": "import the Word or LibreOffice "
                  "document it was made from", ".pages": "export it from Pages as Word (.docx)"}
        raise ImportError_(f"{display_path(path)}: presskit imports .docx, .odt, .txt and .md "
                           f"files; {advice.get(suffix, 'save it as one of those')}")
    return readers[suffix](path)


# -- Word ---------------------------------------------------------------------------------

def read_docx(path: Path) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportError_(f"{display_path(path)}: not a Word document that can be read "
                           f"({exc}); open it in Word and save it again as .docx") from None
    body = document.element.body
    pending = body.xpath(".//w:ins | .//w:del | .//w:moveFrom | .//w:moveTo")
    if pending:
        raise ImportError_(f"{display_path(path)}: {len(pending)} tracked change"
                           f"{'s' if len(pending) != 1 else ''} not yet accepted or rejected; "
                           f"accept or reject them (Word: Review > Accept All Changes), save, "
                           f"and import again")
    numbering = _docx_numbering(document)
    blocks: list[Block] = []
    count = 0

    def paragraph_blocks(paragraph, where: str) -> list[Block]:
        style = paragraph.style.name if paragraph.style is not None else ""
        style_bold = _style_flag(paragraph.style, "bold")
        style_italic = _style_flag(paragraph.style, "italic")
        spans: list[Span] = []
        pictures: list[Block] = []
        for run, link in _docx_runs(paragraph):
            bold = run.bold if run.bold is not None else \
                bool(_style_flag(run.style, "bold") or style_bold)
            italic = run.italic if run.italic is not None else \
                bool(_style_flag(run.style, "italic") or style_italic)
            spans.append(Span(run.text, bold, italic, link))
            for blip in run.element.xpath(".//a:blip/@r:embed"):
                part = document.part.related_parts.get(blip)
                if part is None:
                    continue
                described = run.element.xpath(".//wp:docPr/@descr")
                pictures.append(Block("image", where, image=part.blob,
                                      image_type=_image_type(part.content_type),
                                      alt=described[0] if described else ""))
        kind, level, ordered = _docx_kind(paragraph, style, numbering)
        block = Block(kind, where, spans, level=level, ordered=ordered)
        boxed = [b for inner in _text_box_paragraphs(paragraph)
                 for b in paragraph_blocks(Paragraph(inner, paragraph._parent), where)]
        return ([block] if block.text else []) + pictures + boxed

    def table_block(table, where: str) -> Block | None:
        rows = []
        for row in table.rows:
            cells, previous = [], None
            for cell in row.cells:
                if previous is not None and cell._tc is previous:
                    continue      # a cell merged across columns is listed once a column
                previous = cell._tc
                parts = [b.markdown() for p in cell.paragraphs
                         for b in paragraph_blocks(p, where) if b.kind != "image"]
                cells.append(" ".join(parts))
            if not rows or cells != rows[-1]:    # merged down the rows: keep one
                rows.append(cells)
        return Block("table", where, rows=rows) if any(any(c) for c in rows) else None

    def body_items(parent):
        """Paragraphs and tables in order, those inside content controls too."""
        for child in parent.iterchildren():
            if child.tag == _w("p"):
                yield Paragraph(child, document._body)
            elif child.tag == _w("tbl"):
                yield Table(child, document._body)
            elif child.tag == _w("sdt"):
                for content in child.iterchildren(_w("sdtContent")):
                    yield from body_items(content)

    for item in body_items(body):
        count += 1
        where = f"paragraph {count}"
        if isinstance(item, Table):
            table = table_block(item, where)
            if table is not None:
                blocks.append(table)
        else:
            blocks.extend(paragraph_blocks(item, where))
    langs = document.styles.element.xpath("//w:docDefaults//w:lang/@w:val")
    return Document(path, blocks, lang=langs[0] if langs else "")


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _docx_runs(paragraph):
    """(run, link) for each run of the paragraph in order: inside hyperlinks, content
    controls, smart tags and fields too (python-docx's own iteration skips those), but not
    a text box's (read as paragraphs of their own) nor a drawing's fallback copy."""
    from docx.text.run import Run

    p = paragraph._p
    for r in p.iter(_w("r")):
        link = ""
        parent = r.getparent()
        inside = False
        while parent is not None and parent is not p:
            if parent.tag in (_w("txbxContent"), _MC_FALLBACK, _w("p")):
                inside = True
                break
            if parent.tag == _w("hyperlink") and not link:
                rel = paragraph.part.rels.get(parent.get(_R_ID) or "")
                if rel is not None and rel.is_external:
                    link = rel.target_ref
            parent = parent.getparent()
        if not inside:
            yield Run(r, paragraph), link


def _text_box_paragraphs(paragraph) -> list:
    """The paragraphs of text boxes anchored in this paragraph (not their fallback copies)."""
    found = []
    for box in paragraph._p.iter(_w("txbxContent")):
        parent, fallback = box.getparent(), False
        while parent is not None and parent is not paragraph._p:
            if parent.tag in (_MC_FALLBACK, _w("txbxContent")):
                fallback = True
                break
            parent = parent.getparent()
        if not fallback:
            found.extend(box.iterchildren(_w("p")))
    return found


def _style_flag(style, name: str):
    """Bold or italic as a paragraph or character style gives it, through its base styles."""
    while style is not None:
        value = getattr(style.font, name, None)
        if value is not None:
            return value
        style = style.base_style
    return None


def _docx_numbering(document) -> dict[tuple[str, str], bool]:
    """(numId, level) -> whether that list is numbered, from the numbering part."""
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    # Plain lxml elements here, not python-docx's: found by Clark names, not prefixes.
    abstract = {}
    for definition in root.iterchildren(_w("abstractNum")):
        levels = {}
        for level in definition.iterchildren(_w("lvl")):
            fmt = level.find(_w("numFmt"))
            value = fmt.get(_w("val")) if fmt is not None else ""
            levels[level.get(_w("ilvl"))] = value not in ("", "bullet", "none")
        abstract[definition.get(_w("abstractNumId"))] = levels
    ordered = {}
    for num in root.iterchildren(_w("num")):
        ref = num.find(_w("abstractNumId"))
        key = ref.get(_w("val")) if ref is not None else ""
        for level, numbered in abstract.get(key, {}).items():
            ordered[(num.get(_w("numId")), level)] = numbered
    return ordered


def _w(name: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + name


def _docx_kind(paragraph, style: str, numbering) -> tuple[str, int, bool]:
    lowered = style.lower()
    if lowered == "title":
        return "title", 0, False
    if lowered == "subtitle":
        return "subtitle", 0, False
    if lowered.startswith("heading"):
        digits = re.findall(r"\d+", style)
        return "heading", int(digits[0]) if digits else 1, False
    if lowered == "caption":
        return "caption", 0, False
    if lowered in ("quote", "intense quote", "block text"):
        return "quote", 0, False
    num = paragraph._p.xpath("./w:pPr/w:numPr")
    if num:
        ids = num[0].xpath("./w:numId/@w:val")
        levels = num[0].xpath("./w:ilvl/@w:val")
        if ids and ids[0] != "0":
            level = levels[0] if levels else "0"
            numbered = numbering.get((ids[0], level), "number" in lowered)
            return "item", int(level), numbered
    if lowered.startswith("list bullet"):
        return "item", 0, False
    if lowered.startswith("list number"):
        return "item", 0, True
    return "paragraph", 0, False


def _image_type(content_type: str) -> str:
    kind = content_type.rsplit("/", 1)[-1].lower()
    return {"jpg": "jpeg", "x-png": "png"}.get(kind, kind)


# -- OpenDocument -------------------------------------------------------------------------

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
        for node in self.document.meta.childNodes:
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
    return node.attributes.get((space, name), "") if hasattr(node, "attributes") else ""


def _descendants(node, space: str, name: str):
    for child in node.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname == (space, name):
            yield child
        elif child.qname[1] not in ("table",):
            yield from _descendants(child, space, name)


# -- plain text and Markdown --------------------------------------------------------------

def read_text(path: Path) -> Document:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{display_path(path)}: not UTF-8 (byte {exc.start + 1}); save it "
                           f"as UTF-8 text and import again") from None
    markdown = path.suffix.lower() in (".md", ".markdown")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    # Pasted from a word processor, a paragraph is a line; typed by hand, paragraphs are
    # parted by an empty line and may run over several lines.
    spaced = any(not line.strip() for line in lines[1:-1]) and \
        sum(1 for line in lines if line.strip()) > 1
    chunks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, 1):
        if not line.strip() or not spaced or (markdown and line.lstrip().startswith("#")):
            if current:
                chunks.append((start, current))
                current = []
            if line.strip() and (not spaced or markdown):
                chunks.append((number, [line]))
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        chunks.append((start, current))
    blocks = []
    for number, chunk in chunks:
        blocks.extend(_text_blocks(chunk, f"line {number}", markdown))
    return Document(path, blocks, markdown=markdown)


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")


def _text_blocks(lines: list[str], where: str, markdown: bool) -> list[Block]:
    first = lines[0].strip()
    if markdown:
        heading = _MD_HEADING.match(first)
        if heading and len(lines) == 1 and heading.group(1) != "###" or \
                heading and heading.group(2):
            level = len(heading.group(1))
            text = heading.group(2)
            return [Block("heading", where, [Span(unmarked(text))], level=level,
                          markdown_source=text)]
        if all(_MD_ITEM.match(line) for line in lines):
            blocks = []
            for line in lines:
                item = _MD_ITEM.match(line)
                text = item.group(3).strip()
                blocks.append(Block("item", where, [Span(unmarked(text))],
                                    level=len(item.group(1)) // 2,
                                    ordered=item.group(2)[0].isdigit(), markdown_source=text))
            return blocks
        if all(line.lstrip().startswith(">") for line in lines):
            text = "\n".join(line.lstrip()[1:].strip() for line in lines)
            return [Block("quote", where, [Span(unmarked(text))], markdown_source=text)]
        text = "\n".join(line.strip() for line in lines)
        bold = bool(re.fullmatch(r"\*\*[^*]+\*\*|__[^_]+__", text))
        return [Block("paragraph", where, [Span(unmarked(text), bold=bold)],
                      markdown_source=" ".join(text.split()) if not bold else "")]
    lines = [line.strip() for line in lines]
    # Lines wrapped by hand at a measure are one paragraph. Lines of their own (a release
    # line over a contact, a headline over its subheadline, an address) are a paragraph
    # each, as a word processor has them.
    longest = max(len(line) for line in lines)
    wrapped = len(lines) > 1 and longest >= 50 and all(
        len(line) >= 0.6 * longest and "@" not in line and not line.endswith(":")
        for line in lines[:-1])
    if wrapped:
        return [Block("paragraph", where, [Span(" ".join(lines))])]
    number = int(where.split()[-1])
    return [Block("paragraph", f"line {number + n}", [Span(line)])
            for n, line in enumerate(lines)]
