"""The neutral form every reader gives a document in: a list of blocks (paragraphs, headings,
list items, tables, pictures), each with its text as typed, its inline Markdown and where it
was, so that what recognizes a release never needs to know whether it came from Word,
LibreOffice or a text file."""
from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Span:
    """A run of text with one formatting: bold, italic, a link."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str = ""


@dataclass
class Block:
    """One paragraph-level piece of the document.

    kind: paragraph, title, subtitle, heading, item, quote, caption, table, image.
    """

    kind: str
    where: str                      # "paragraph 12", for what could not be placed
    spans: list[Span] = field(default_factory=list)
    level: int = 0                  # a heading's level; a list item's depth
    ordered: bool = False           # a numbered list item
    rows: list[list[str]] = field(default_factory=list)   # a table's cells, as Markdown
    image: bytes = b""
    image_type: str = ""            # png, jpeg, gif
    alt: str = ""
    markdown_source: str = ""       # a block read from Markdown keeps its own inline syntax

    @property
    def text(self) -> str:
        """The words as typed, line breaks as newlines, spaces tidied."""
        if self.kind == "table":
            return "\n".join(" ".join(cell for cell in row if cell) for row in self.rows)
        raw = "".join(span.text for span in self.spans).translate(INVISIBLE)
        lines = [tidy(line) for line in raw.split("\n")]
        return "\n".join(line for line in lines if line)

    def cells(self) -> list[str]:
        """A table's cells as plain text, row by row (a layout table may hold a contact)."""
        return [" ".join(unmarked(cell).split()) for row in self.rows for cell in row
                if cell.strip()]

    @property
    def bold(self) -> bool:
        """True when every word of the block is bold (a headline typed as a bold line)."""
        worded = [s for s in self.spans if s.text.strip()]
        return bool(worded) and all(s.bold for s in worded)

    @property
    def italic(self) -> bool:
        worded = [s for s in self.spans if s.text.strip()]
        return bool(worded) and all(s.italic for s in worded)

    def markdown(self, *, plain: bool = False) -> str:
        """The block's text as inline Markdown (bold, italic, links), hard line breaks kept;
        with `plain`, no emphasis (a headline or a contact's name is text, not Markdown)."""
        if self.markdown_source:
            return self.markdown_source
        if plain:
            return self.text
        return inline_markdown(self.spans)


def inline_markdown(spans: list[Span]) -> str:
    """Spans as CommonMark: neighbours of one format merged, markers kept inside the words
    (`**bold** text`, never `** bold **`), what Markdown would read as syntax escaped."""
    merged: list[Span] = []
    for span in spans:
        span = Span(span.text.translate(INVISIBLE), span.bold, span.italic, span.link)
        if not span.text:
            continue
        last = merged[-1] if merged else None
        if last and (last.bold, last.italic, last.link) == (span.bold, span.italic, span.link):
            last.text += span.text
        else:
            merged.append(Span(span.text, span.bold, span.italic, span.link))
    out = []
    for span in merged:
        text = escape(span.text.replace("\t", " "))
        lead = text[:len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        core = text.strip()
        if not core:
            out.append(text)
            continue
        if span.link:
            core = f"[{core}]({span.link})" if core != span.link else f"<{span.link}>"
        if span.italic:
            core = f"*{core}*"
        if span.bold:
            core = f"**{core}**"
        out.append(lead + core + trail)
    text = "".join(out)
    lines = [tidy(line) for line in text.split("\n")]
    # A line break typed in a paragraph (Shift+Enter) stays one: a backslash at the line's end.
    return "\\\n".join(line for line in lines if line)


_SPACES = re.compile(r"[ \t\r\f\v]+")


def tidy(line: str) -> str:
    """Spaces and tabs run together as one space, none at the ends. A no-break space is
    kept: it was typed to bind ('9\u00a0a.m.', '«\u00a0Oui\u00a0»')."""
    return _SPACES.sub(" ", line).strip(" ")


# Soft hyphens and zero-width spaces Word leaves in text: no word of the release holds them.
INVISIBLE = {0xAD: None, 0x200B: None, 0xFEFF: None}
# Only what CommonMark would read as syntax: a "[1]" or "a > b" stays as typed.
_SPECIAL = re.compile(r"([`*]|\\(?=[!-/:-@\[-`{-~])|\](?=[(\[:])|<(?=[A-Za-z/!?]))")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(?=\s|$)", re.MULTILINE)


def escape(text: str) -> str:
    """Typed text as CommonMark that reads back as the same words: * _ [ ] ` < > \\ and a
    line that would begin a heading, quote or list."""
    text = _SPECIAL.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), text)


def _escape_start(marker: str) -> str:
    if marker[-1] in ".)":
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def unmarked(text: str) -> str:
    """Markdown's words without its marks, for recognizing what a line is."""
    escaped: list[str] = []

    def hold(match: re.Match) -> str:
        escaped.append(match.group(1))
        return f"\uE000{len(escaped) - 1}\uE001"
    text = re.sub(r"\\([^\n])", hold, text.replace("\\\n", "\n"))
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|(?<!\w)[*_]|[*_](?!\w))", "", text)
    return re.sub("\uE000(\\d+)\uE001", lambda m: escaped[int(m.group(1))], text)
