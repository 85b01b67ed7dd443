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
from markdown_it.rules_core.replacements import replace_rare

from .i18n import is_about_heading, punctuation_spaces, quotes

SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
SPACED_DASH_RE = re.compile(r" ([\u2013\u2014])(?= )")


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
    return address_html(content) if env.get("address") else compounds_html(content)


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


def _bind_dashes(state) -> None:
    """A spaced dash stays at the end of its line, with the word before it: ' – ' begins no
    line (a no-break space before the dash)."""
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text" and (" \u2013" in child.content or " \u2014" in child.content):
                child.content = SPACED_DASH_RE.sub("\u00a0\\1", child.content)


def _dashes(state) -> None:
    """markdown-it's typographic replacements (-- and --- as dashes, ... as an ellipsis) but for
    (c), (r) and (tm), which would print 501(c)(3), a tax status, as 501©(3)."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            replace_rare(token.children)


# Hebrew writes an abbreviation with gershayim (צה״ל) and a foreign sound with a geresh
# (ג׳ורג׳), typed as " and ' between two letters.
GERSHAYIM_RE = re.compile(r"(?<=[\u05d0-\u05ea])\"(?=[\u05d0-\u05ea])")
GERESH_RE = re.compile(r"(?<=[\u05d0-\u05ea])'(?=[\u05d0-\u05ea])")


def _hebrew_marks(state) -> None:
    for child in _texts(state):
        if '"' in child.content or "'" in child.content:
            child.content = GERESH_RE.sub("\u05f3", GERSHAYIM_RE.sub("\u05f4", child.content))


def _texts(state):
    """The text tokens of a document, but for those of bare addresses."""
    for token in state.tokens:
        address = False
        for child in token.children or ():
            if child.type in ("link_open", "link_close") and child.info == "auto":
                address = child.type == "link_open"
            elif child.type == "text" and not address:
                yield child


def _leftover_quotes(state) -> None:
    """The straight quotes markdown-it's smartquotes leaves as typed, which it could not pair:
    one that opens a quotation running on into the next paragraph (unclosed, as the
    convention is), one typed with a space each side, an inch mark, an elision ('90s). Each
    becomes what its place says."""
    opening, closing = state.md.options["quotes"][:2]
    for token in state.tokens:
        quoted = False   # whether a quotation is open at this point of the paragraph
        before = " "
        address = False
        for child in token.children or ():
            if child.type in ("link_open", "link_close") and child.info == "auto":
                address = child.type == "link_open"
            elif child.type in ("softbreak", "hardbreak"):
                before = " "
            elif child.type == "text" and not address:
                child.content, quoted = _settle(child.content, before, quoted, opening, closing)
            if child.content and child.type in ("text", "code_inline"):
                before = child.content[-1]


def _settle(text: str, before: str, quoted: bool, opening: str, closing: str):
    """`text` with its leftover quotes settled, and whether a quotation is open after it.

    A “ typed between spaces while a quotation is open closes it, as the word processor that
    typed it meant to after a stray space ('China, “ says')."""
    opens_with, closes_with = opening.strip("\u202f"), closing.strip("\u202f")
    out = list(text)
    for at, mark in enumerate(text):
        if mark not in ('"', "'", "“", opens_with, closes_with):
            continue
        previous = text[at - 1] if at else before
        following = text[at + 1] if at + 1 < len(text) else " "
        alone = previous.isspace() and following.isspace()
        if mark == "'":
            out[at] = "\u2019"                     # an elision: ’90s, ’tis
        elif mark == '"' and previous.isdigit() and not following.isalnum() and not quoted:
            out[at] = "\u2033"                     # an inch mark: 12″
        elif mark == '"' or (mark == "“" == opens_with and alone and quoted):
            opens = not quoted if alone else (
                previous.isspace() or previous in OPENING_CONTEXT) and not following.isspace()
            out[at] = opening if opens else closing
            quoted = opens
        elif opens_with == closes_with:
            quoted = not quoted
        else:
            quoted = mark == opens_with
    return "".join(out), quoted


# After these a quote opens: "(“A”)", "—“A”", "/“A”".
OPENING_CONTEXT = "([{\u2014\u2013-/\u00a0\u202f"


def _space_punctuation(state) -> None:
    """The text of a document in French spaced as French is (i18n.punctuation_spaces); not
    its code, nor its links' addresses."""
    lang = state.env.get("lang", "")
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text":
                child.content = punctuation_spaces(child.content, lang)


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
        elif token.type == "inline":
            words = [len(word) for word in token.content.split()] or [0]
            longest[column] = max(longest[column], max(words))
    columns = len(longest)
    classes = ["wide"] if columns > WIDE_TABLE else []
    if sum(longest.values()) + 2 * columns > TIGHT_TABLE_CHARACTERS:
        classes.append("tight")
    if classes:
        tokens[idx].attrSet("class", " ".join(classes))
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


def _ordered_list_open(self, tokens, idx, options, env):
    """A numbered list that starts past 1 counts from there: WeasyPrint ignores the start
    attribute, so the list's counter is set too (the one style attribute a body may hold; a
    document with one is laid out without the reused stylesheet, pdf.StyleSheets)."""
    token = tokens[idx]
    start = token.attrGet("start")
    if start is not None and str(start).isdigit() and int(start) != 1:
        token.attrSet("style", f"counter-reset: list-item {int(start) - 1}")
    return self.renderToken(tokens, idx, options, env)


def _typographer(md: MarkdownIt) -> None:
    """Typographic quotes, apostrophes and dashes, whatever was typed (markdown-it's
    smartquotes, with the language's marks, and its replacements but for _dashes' exceptions),
    then the quotes it leaves. Code and bare addresses stay as written."""
    md.enable("smartquotes")
    md.core.ruler.before("smartquotes", "dashes", _dashes)
    md.core.ruler.before("smartquotes", "hebrew_marks", _hebrew_marks)
    md.core.ruler.after("smartquotes", "leftover_quotes", _leftover_quotes)


@lru_cache(maxsize=16)
def _parser(marks: tuple[str, ...] = quotes("en")) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": marks,
                                   "linkify": True})
    md.enable("linkify")
    _typographer(md)
    md.linkify.tlds(LINK_DOMAINS, False)
    md.add_render_rule("text", _text)
    # Images inside the body would bypass the images list (captions, credits, size limits):
    # one prints as its description (lint.py says so).
    md.add_render_rule("image", _image)
    # Figures in a table (casualties by region, say) are common in releases.
    md.enable("table")
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("th_open", _cell_open)
    md.add_render_rule("td_open", _cell_open)
    md.add_render_rule("ordered_list_open", _ordered_list_open)
    md.add_render_rule("paragraph_open", _paragraph_open)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.core.ruler.push("names_not_links", _names_not_links)
    md.core.ruler.push("bind_dashes", _bind_dashes)
    md.core.ruler.push("space_punctuation", _space_punctuation)
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


@lru_cache(maxsize=16)
def _plain_parser(marks: tuple[str, ...]) -> MarkdownIt:
    md = MarkdownIt("zero", {"typographer": True, "quotes": marks})
    _typographer(md)
    md.core.ruler.push("space_punctuation", _space_punctuation)
    return md


def typeset(text: str, lang: str = "") -> str:
    """A plain text (a headline, a name, a title) with the typography of the Markdown around
    it: the language's quotation marks, apostrophes and dashes, French spaces. Nothing in it
    is read as Markdown."""
    if not text:
        return text or ""
    parser = _plain_parser(quotes(lang))
    env = {"lang": lang}
    tokens = parser.parse(text, env)
    return "".join(child.content for token in tokens for child in token.children or ()
                   if child.type == "text")


def split_about(text: str) -> tuple[str, str]:
    """A boilerplate that opens with its own heading ("ABOUT THE TOR PROJECT", "## Über uns",
    "关于…"): (that heading, the rest), so that it is printed instead of presskit's "About …"
    rather than under it. Each later "About …" line of the rest (a second organization's, as
    in a joint release) becomes a heading too. ("", text) for one that does not."""
    lines = (text or "").splitlines(keepends=True)
    heading = ""
    for token, inline in _blocks(text):
        about = token.type == "heading_open" or (
            token.type == "paragraph_open" and token.level == 0
            and token.map[1] - token.map[0] == 1 and is_about_heading(inline.content))
        if not heading and token.map[0] == _first_block_line(text):
            first = inline.content.split("\n", 1)[0]
            if about:
                heading = inline.content.strip()
                lines[token.map[0]:token.map[1]] = [""] * (token.map[1] - token.map[0])
            elif (token.type == "paragraph_open" and is_about_heading(first)
                  and _title_like(first)):
                # "ABOUT THE TOR PROJECT" on the line above the text, with no blank line.
                heading = first.strip()
                lines[token.map[0]] = ""
            else:
                return "", text
        elif about and token.type == "paragraph_open":
            lines[token.map[0]] = "# " + lines[token.map[0]]
    return heading, "".join(lines)


def _title_like(line: str) -> bool:
    """A line set as a title, not the start of a sentence wrapped in the YAML ("About 300
    clinics serve"): capitals or title case, or a script without capitals."""
    words = [word for word in line.split() if len(word) > 3 and word[0].isalpha()]
    return all(word[0].isupper() or not word[0].islower() for word in words)


def _blocks(text: str):
    """(block opening token, its inline token) for each paragraph and heading of `text`."""
    tokens = _parser().parse(text or "")
    return [(token, tokens[n + 1]) for n, token in enumerate(tokens)
            if token.type in ("paragraph_open", "heading_open") and token.map]


def _first_block_line(text: str) -> int:
    tokens = _parser().parse(text or "")
    return tokens[0].map[0] if tokens and tokens[0].map else -1


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
