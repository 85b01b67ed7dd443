"""Markdown bodies to safe HTML (CommonMark, via markdown-it-py, with GitHub's tables and
links made of bare web and e-mail addresses).

Raw HTML typed into a release is shown as text, never interpreted: a release is data, and a
stray <script> or <img src=file:///...> must not reach the renderer. Links keep only the
schemes a reader can follow on paper or screen.
"""
from __future__ import annotations

import re
import textwrap
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from .i18n import is_about_heading, quotes
from .typography import install as install_typography

SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")


def followable(url: str) -> bool:
    """A link a reader can follow from a PDF or an e-mail: web, e-mail, phone, or in-page."""
    url = url.strip().lower()
    return url.startswith("#") or url.startswith(SAFE_SCHEMES)


def _validate_link(url: str) -> bool:
    """Every link is parsed as one (so that [the annex](annex.pdf) is not printed as its
    source), and _link_open prints the ones a reader cannot follow as their text alone."""
    return True


def _link_open(self, tokens, idx, options, env):
    kept = followable(tokens[idx].attrGet("href") or "")
    env.setdefault("links", []).append(kept)
    # The text of a bare address is the address: it breaks only where address_html says.
    env["address"] = tokens[idx].markup in ("linkify", "autolink")
    return self.renderToken(tokens, idx, options, env) if kept else ""


def _link_close(self, tokens, idx, options, env):
    env["address"] = False
    return self.renderToken(tokens, idx, options, env) if env["links"].pop() else ""


def _text(self, tokens, idx, options, env):
    content = tokens[idx].content
    if env.get("address"):
        return address_html(content)
    # A tight table's cells may break a word anywhere (release.css): no word is kept whole.
    return escapeHtml(content) if env.get("tight") else compounds_html(content)


COMPOUND_RE = re.compile(r"\w+(?:-\w+)+")


def compounds_html(text: str) -> str:
    """`text` as HTML, each word joined by hyphens (Calderón-Whitfield, community-driven) kept
    on one line: broken at its hyphen it copies out of the PDF as another word (pdftotext
    joins the halves and drops the hyphen, "CalderónWhitfield"). One too long for a narrow
    line may break."""
    return COMPOUND_RE.sub(lambda m: f'<span class="unbroken">{m[0]}</span>'
                           if len(m[0]) <= LONGEST_PIECE else m[0], escapeHtml(text))


# An address this short moves whole to the next line rather than break.
WHOLE_ADDRESS = 28
# A piece of an address longer than this may break anywhere, as a long word does, rather than
# run past the margin (a line of the narrowest column holds about 30 characters).
LONGEST_PIECE = 30
ADDRESS_BREAK_RE = re.compile(r"(?<=/)(?!/)|(?=[.@?&#])")


def address_html(address: str, whole: int = WHOLE_ADDRESS) -> str:
    """A web or e-mail address as HTML that breaks only after a / or before a dot, an @ or a
    query, never at its own hyphens: broken there it reads, and copies out of the PDF, as
    another address (pdftotext joins a line ending in a hyphen to the next one, hyphen
    dropped). One of `whole` characters or fewer never breaks."""
    if len(address) <= whole:
        return f'<span class="unbroken">{escapeHtml(address)}</span>'
    return "<wbr>".join(f'<span class="unbroken">{escapeHtml(piece)}</span>'
                        if len(piece) <= LONGEST_PIECE else escapeHtml(piece)
                        for piece in ADDRESS_BREAK_RE.split(address) if piece)


def _names_not_links(state) -> None:
    """A bare domain written with a capital, and no path, is a company's name, not an address
    to follow: "Target.com" and "Cloud.ca" print as words, "target.com", "www.Target.com" and
    "Target.com/jobs" as links (a QA pass found sponsors' names printed as red links)."""
    for token in state.tokens:
        children = token.children or []
        kept = []
        index = 0
        while index < len(children):
            child = children[index]
            if (child.type == "link_open" and child.markup == "linkify"
                    and index + 2 < len(children) and children[index + 2].type == "link_close"
                    and _is_a_name(children[index + 1].content)):
                kept.append(children[index + 1])   # the text alone
                index += 3
                continue
            kept.append(child)
            index += 1
        if len(kept) != len(children):
            token.children = kept


def _is_a_name(text: str) -> bool:
    return ("://" not in text and "@" not in text and "/" not in text
            and not text.lower().startswith("www.") and text != text.lower())


def _cell_open(self, tokens, idx, options, env):
    """A table cell's alignment as a class, not a style attribute: the theme sets it, and a
    document without style attributes keeps its parsed stylesheet reusable (pdf.StyleSheets)."""
    token = tokens[idx]
    style = token.attrGet("style") or ""
    if style.startswith("text-align:"):
        del token.attrs["style"]
        token.attrSet("class", "align-" + style.split(":", 1)[1].strip())
    return self.renderToken(tokens, idx, options, env)


# A table of more columns than this is set in smaller type (release.css, table.wide).
WIDE_TABLE = 8
# About the characters of table text a line of the page holds (9.5 pt on Letter or A4, less
# the columns' gaps counted as 2 each): more, in the longest word of each column, and words
# must break (table.tight).
TIGHT_TABLE_CHARACTERS = 80

# Bare addresses become links, as on GitHub: with a scheme (https://…), www.…, e-mail
# addresses, and names ending in these domains (but for a company's name: _names_not_links).
# Not every two-letter country domain: "file.py", "README.md" and "Node.js" are not addresses.
LINK_DOMAINS = ("com org net edu gov int mil info biz name pro museum aero coop asia shop "
                "app dev io eu uk de fr ru jp il ca au ch nl it es se no dk fi be at br in cn "
                "za nz ie pl ua kr mx ar tr gr pt cz hu ro").split()


def _image(self, tokens, idx, options, env):
    """![the clinic](clinic.jpg) in a body: 'the clinic', not a picture, nor '!the clinic'."""
    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


def _table_open(self, tokens, idx, options, env):
    """A table of more than WIDE_TABLE columns is set smaller, so that it fits the page; one
    whose longest words could not all stand side by side ("tight") may break a word anywhere,
    which otherwise stays whole ("Releas/ed" was broken in a table of five columns)."""
    longest: dict[int, int] = {}   # by column, the length of its longest word
    column = -1
    for token in tokens[idx + 1:]:
        if token.type == "table_close":
            break
        if token.type == "tr_open":
            column = -1
        elif token.type in ("th_open", "td_open"):
            column += 1
            longest.setdefault(column, 0)
        elif token.type == "inline" and column >= 0:    # not the caption
            words = [len(word) for word in token.content.split()] or [0]
            longest[column] = max(longest[column], max(words))
    columns = len(longest)
    classes = ["wide"] if columns > WIDE_TABLE else []
    if sum(longest.values()) + 2 * columns > TIGHT_TABLE_CHARACTERS:
        classes.append("tight")
    if classes:
        tokens[idx].attrSet("class", " ".join(classes))
    env["tight"] = "tight" in classes
    return self.renderToken(tokens, idx, options, env)


def _table_close(self, tokens, idx, options, env):
    env["tight"] = False
    return self.renderToken(tokens, idx, options, env)


# A paragraph of at most this many characters ending with a colon leads in to what follows
# ("For more information about Ingenuity:", "Participants are expected to include:").
LEAD_IN_CHARACTERS = 200


def _paragraph_open(self, tokens, idx, options, env):
    """A lead-in gets class lead-in, which the theme keeps on a page with what follows."""
    inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
    if (inline is not None and inline.type == "inline" and not tokens[idx].hidden
            and len(inline.content) <= LEAD_IN_CHARACTERS
            and inline.content.rstrip().endswith((":", "：", "\u202f:"))):
        tokens[idx].attrSet("class", "lead-in")
    return self.renderToken(tokens, idx, options, env)


# A table's title and source, written as paragraphs just before and after it (as Pandoc
# reads "Table:"): "Table: Deaths by region, 2012" and "Source: Ministry of Health", in the
# languages presskit has labels for. The title becomes the table's <caption>; the source a
# small line kept with the table.
TABLE_TITLE_RE = re.compile(r"(?:Table|Tableau|Tabla|Tabelle|Tabella|Таблица|Таблиця|جدول|טבלה)"
                            r"\s*[:\uff1a]\s*", re.I)
TABLE_SOURCE_RE = re.compile(r"(?:Sources?|Fuentes?|Quellen?|Fonte|Fontes|Источник|Источники|"
                             r"Джерело|Джерела|المصدر|מקור)\s*[:\uff1a]", re.I)
# A table of no more rows than this is never split across pages: a longer one is, its
# header repeated, never leaving fewer than three rows on either page (release.css).
SHORT_TABLE_ROWS = 15


def _table_titles(state) -> None:
    """Each top-level table in a block of its own (div.table-block), with the paragraph
    before it that begins "Table:" as its caption and the one after it that begins "Source:"
    as its source line; "short" when it has no more than SHORT_TABLE_ROWS rows."""
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        if tokens[index].type != "table_open" or tokens[index].level != 0:
            index += 1
            continue
        start = index
        caption = None
        if start >= 3 and _paragraph_matching(tokens, start - 3, TABLE_TITLE_RE):
            caption = tokens[start - 2]
            _strip_lead(caption, TABLE_TITLE_RE)
            del tokens[start - 3:start]
            start -= 3
        end = next(i for i in range(start, len(tokens)) if tokens[i].type == "table_close")
        rows = sum(1 for t in tokens[start:end] if t.type == "tr_open") - 1
        if caption is not None:
            tokens[start + 1:start + 1] = [_block_token("caption_open", "caption", 1), caption,
                                           _block_token("caption_close", "caption", -1)]
            end += 3
        after = end + 1
        if _paragraph_matching(tokens, after, TABLE_SOURCE_RE):
            tokens[after].attrSet("class", "table-source")
            after += 3
        block = _block_token("table_block_open", "div", 1)
        block.attrSet("class", "table-block" + (" short" if rows <= SHORT_TABLE_ROWS else ""))
        tokens.insert(after, _block_token("table_block_close", "div", -1))
        tokens.insert(start, block)
        index = after + 2


def _block_token(kind: str, tag: str, nesting: int):
    from markdown_it.token import Token

    return Token(kind, tag, nesting, block=True)


def _paragraph_matching(tokens, index: int, pattern: re.Pattern) -> bool:
    """Whether tokens[index:index + 3] are a top-level paragraph whose text begins so."""
    return (0 <= index and index + 2 < len(tokens) and tokens[index].type == "paragraph_open"
            and tokens[index].level == 0 and tokens[index + 1].type == "inline"
            and pattern.match(tokens[index + 1].content) is not None)


def _strip_lead(inline, pattern: re.Pattern) -> None:
    """The inline text without its leading "Table:"."""
    inline.content = pattern.sub("", inline.content, count=1)
    first = (inline.children or [None])[0]
    if first is not None and first.type == "text":
        first.content = pattern.sub("", first.content, count=1)


def _ordered_list_open(self, tokens, idx, options, env):
    """A numbered list that starts past 1 counts from there: WeasyPrint ignores the start
    attribute, so the list's counter is set too (the one style attribute a body may hold; a
    document with one is laid out without the reused stylesheet, pdf.StyleSheets)."""
    token = tokens[idx]
    start = token.attrGet("start")
    if start is not None and str(start).isdigit() and int(start) != 1:
        token.attrSet("style", f"counter-reset: list-item {int(start) - 1}")
    return self.renderToken(tokens, idx, options, env)


@lru_cache(maxsize=16)
def _parser(marks: tuple[str, ...] = quotes("en")) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": marks,
                                   "linkify": True})
    md.enable("linkify")
    install_typography(md)
    md.linkify.tlds(LINK_DOMAINS, False)
    md.add_render_rule("text", _text)
    # Images inside the body would bypass the images list (captions, credits, size limits):
    # one prints as its description (lint.py says so).
    md.add_render_rule("image", _image)
    # Figures in a table (casualties by region, say) are common in releases.
    md.enable("table")
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    md.add_render_rule("th_open", _cell_open)
    md.add_render_rule("td_open", _cell_open)
    md.add_render_rule("ordered_list_open", _ordered_list_open)
    md.add_render_rule("paragraph_open", _paragraph_open)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.core.ruler.push("table_titles", _table_titles)
    md.core.ruler.push("names_not_links", _names_not_links)
    md.validateLink = _validate_link
    return md


def to_html(text: str, shift_headings: int = 1, lang: str = "") -> str:
    """Render Markdown; headings are shifted down so '#' in a body never outranks the headline.
    `lang` is the text's language, for its quotation marks and its punctuation's spaces."""
    env = {"lang": lang}
    parser = _parser(quotes(lang))
    tokens = parser.parse(text or "", env)
    if shift_headings:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                level = min(6, int(token.tag[1]) + shift_headings)
                token.tag = f"h{level}"
    return parser.renderer.render(tokens, parser.options, env)


def split_about(text: str) -> tuple[str, str]:
    """A boilerplate that opens with its own heading ("ABOUT THE TOR PROJECT", "## Über uns",
    "关于…"): (that heading, the rest), so that it is printed instead of presskit's "About …"
    rather than under it. Each later "About …" line of the rest (a second organization's, as
    in a joint release) becomes a heading too; the heading is "" for one that opens with
    none."""
    lines = (text or "").splitlines(keepends=True)
    tokens = _parser().parse(text or "")
    blocks = [(token, tokens[n + 1]) for n, token in enumerate(tokens)
              if token.type in ("paragraph_open", "heading_open") and token.level == 0]
    heading = ""
    for number, (token, inline) in enumerate(blocks):
        start, end = token.map
        about = token.type == "heading_open" or (end - start == 1
                                                 and is_about_heading(inline.content))
        first_line = inline.content.split("\n", 1)[0]
        opening = number == 0 and token is tokens[0]
        if opening and about:
            heading = inline.content.strip()
            lines[start:end] = [""] * (end - start)
        elif opening and is_about_heading(first_line) and _title_like(first_line):
            # "ABOUT THE TOR PROJECT" on the line above the text, with no blank line.
            heading = first_line.strip()
            lines[start] = ""
        elif not opening and about and token.type == "paragraph_open":
            lines[start] = "# " + lines[start]
    return heading, "".join(lines)


def _title_like(line: str) -> bool:
    """A line set as a title, not the start of a sentence wrapped in the YAML ("About 300
    clinics serve"): capitals or title case, or a script without capitals."""
    words = [word for word in line.split() if len(word) > 3 and word[0].isalpha()]
    return all(word[0].isupper() or not word[0].islower() for word in words)


def link_targets(text: str) -> list[str]:
    """Where the links of a Markdown text lead, in order (not its pictures, ![alt](src))."""
    return [child.attrGet("href") or "" for token in _parser().parse(text or "")
            for child in token.children or [] if child.type == "link_open"]


def to_inline_html(text: str, lang: str = "") -> str:
    """Render a short Markdown text (a caption, a bio line) without a surrounding paragraph."""
    return _parser(quotes(lang)).renderInline(text or "", {"lang": lang})


def to_text(text: str, width: int | None = None, lead: str = "", lang: str = "") -> str:
    """Markdown as a plain-text e-mail shows it: no markup left, a link as 'text (address)',
    list items as '- ' or '1. ', a quote as '> ', and a table as it was written.

    With `width`, a paragraph, item or quote is filled to lines of that many characters at
    most (a longer word stays whole), as the covering note is: not broken where the YAML
    happened to break, nor one line of 400. `lead` (the dateline) begins the first paragraph,
    or stands on its own before a text that begins otherwise. `lang` gives the quotation
    marks, as in the PDF.
    """
    source = (text or "").splitlines()
    blocks: list[str] = []
    if lead and not _begins_with_paragraph(text):
        blocks.append(lead.rstrip(" —"))
        lead = ""
    items: set[int] = set()   # the blocks that are list items: one a line, no blank between
    lists: list[list] = []    # for each open list: [ordered, next number]
    quote = 0
    tokens = _parser(quotes(lang)).parse(text or "", {"lang": lang})
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "table_open":      # a table of figures reads best as its own pipes
            blocks.append("\n".join(source[token.map[0]:token.map[1]]).strip())
            while tokens[index].type != "table_close":
                index += 1
        elif kind in ("bullet_list_open", "ordered_list_open"):
            lists.append([kind == "ordered_list_open", int(token.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
        elif kind == "hr":
            blocks.append("* * *")
        elif kind == "inline":
            line = lead + _inline_text(token.children or [], soft=" " if width else "\n")
            lead = ""
            first = rest = "> " * quote
            if lists and tokens[index - 2].type == "list_item_open":
                ordered, number = lists[-1]
                mark = f"{number}. " if ordered else "- "
                lists[-1][1] += 1
                first += "  " * (len(lists) - 1) + mark
                rest += " " * (2 * (len(lists) - 1) + len(mark))
                items.add(len(blocks))
            blocks.append(_fill(line, width, first, rest))
        index += 1
    if lead:
        blocks.append(lead.rstrip(" —"))
    out = ""
    for number, block in enumerate(blocks):
        if number:
            out += "\n" if number in items and number - 1 in items else "\n\n"
        out += block
    # Pasted from a word processor: invisible in the PDF, but a plain-text reader may show a
    # soft hyphen as a hyphen, mid-word.
    return out.translate(INVISIBLE)


INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))


def _fill(text: str, width: int | None, first: str, rest: str) -> str:
    """`text` after `first` on its first line and `rest` on the others, each of its own lines
    (a hard break) filled to `width` when given. No-break spaces bind, as in the PDF."""
    lines = text.split("\n")
    if width is None:
        return "\n".join((first if n == 0 else rest) + line for n, line in enumerate(lines))
    return "\n".join(textwrap.fill(line, width, initial_indent=first if n == 0 else rest,
                                    subsequent_indent=rest, break_long_words=False,
                                    break_on_hyphens=False) or (first if n == 0 else rest)
                      for n, line in enumerate(lines))


def _begins_with_paragraph(text: str) -> bool:
    tokens = _parser().parse(text or "")
    return bool(tokens) and tokens[0].type == "paragraph_open"


def _inline_text(children, soft: str = "\n") -> str:
    parts: list[str] = []
    links: list[tuple[str, int]] = []    # (href, where its text starts in parts)
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(soft)
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "link_open":
            links.append((child.attrGet("href") or "", len(parts)))
        elif child.type == "link_close" and links:
            href, start = links.pop()
            shown = "".join(parts[start:])
            address = href[len("mailto:"):] if href.startswith("mailto:") else href
            bare = re.sub(r"^https?://", "", address)   # "phr.org", linked as http://phr.org
            if followable(href) and not href.startswith("#") and bare not in shown:
                parts.append(f" ({address})")
    return "".join(parts)
