"""Plain text and Markdown read as blocks, as they are typed: paragraphs parted by empty
lines (or a line each, as pasted from a word processor), Markdown's headings, lists and
quotes kept in its own syntax."""
from __future__ import annotations

import re
from pathlib import Path

from ..files import display_path
from .blocks import Block, Span, unmarked
from .read import Document, ImportError_


def read_text(path: Path) -> Document:
    data = path.read_bytes()
    # Word's and Notepad's "Unicode" text is UTF-16 with its byte-order mark.
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        text = data.decode(encoding)
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
