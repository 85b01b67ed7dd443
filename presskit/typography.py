"""Typography, whatever was typed: each language's quotation marks (i18n.quotes), apostrophes
and dashes, by markdown-it's typographer and the few rules it needs beside it, for Markdown
(markdown.py installs them in its parser) and for plain texts such as a headline (typeset).

Code spans and bare web and e-mail addresses stay as typed.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core.replacements import replace_rare

from .i18n import punctuation_spaces, quotes

SPACED_DASH_RE = re.compile(r" ([\u2013\u2014])(?= )")


def install(md: MarkdownIt) -> None:
    """Typographic quotes, apostrophes and dashes, whatever was typed (markdown-it's
    smartquotes, with the language's marks, and its replacements but for _dashes' exceptions),
    then the quotes it leaves. Code and bare addresses stay as written."""
    md.enable("smartquotes")
    md.core.ruler.before("smartquotes", "dashes", _dashes)
    md.core.ruler.before("smartquotes", "hebrew_marks", _hebrew_marks)
    md.core.ruler.after("smartquotes", "leftover_quotes", _leftover_quotes)
    md.core.ruler.push("bind_dashes", _bind_dashes)
    md.core.ruler.push("space_punctuation", _space_punctuation)


@lru_cache(maxsize=16)
def _plain_parser(marks: tuple[str, ...]) -> MarkdownIt:
    md = MarkdownIt("zero", {"typographer": True, "quotes": marks})
    install(md)
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
