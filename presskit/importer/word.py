"""Word (.docx, and Google Docs' download as .docx) read as blocks through python-docx. Its
element tree is asked only for what python-docx does not model: runs inside content controls,
fields and smart tags, text boxes, list numbering, and pending tracked changes."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..files import display_path
from .blocks import Block, Span
from .read import Document, ImportError_


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

    # python-docx looks a style up among all the document's on each access: once a style.
    styles: dict[tuple[str, str | None], tuple[str, bool | None, bool | None]] = {}

    def style_of(kind: str, style_id: str | None, get) -> tuple[str, bool | None, bool | None]:
        if (kind, style_id) not in styles:
            style = get()
            styles[(kind, style_id)] = (style.name if style is not None else "",
                                        _style_flag(style, "bold"), _style_flag(style, "italic"))
        return styles[(kind, style_id)]

    def paragraph_blocks(paragraph, where: str) -> list[Block]:
        style, style_bold, style_italic = style_of("p", paragraph._p.style,
                                                   lambda: paragraph.style)
        spans: list[Span] = []
        pictures: list[Block] = []
        for run, link in _docx_runs(paragraph):
            run_bold = run_italic = None
            run_id = run._r.style
            if run_id and (run.bold is None or run.italic is None):
                _, run_bold, run_italic = style_of("r", run_id, lambda r=run: r.style)
            bold = run.bold if run.bold is not None else bool(run_bold or style_bold)
            italic = run.italic if run.italic is not None else bool(run_italic or style_italic)
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
