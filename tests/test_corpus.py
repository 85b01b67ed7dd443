"""Real releases by other organizations (../shared/corpus), built and read back.

They run only where ../shared/corpus exists; nothing of the corpus is in the repository.
"""
from __future__ import annotations

import re

import overprint
import pytest
from pypdf import PdfReader

from presskit.i18n import labels_for
from presskit.markdown import split_about
from presskit.render import running_heads
from presskit.typography import typeset

from conftest import pdf_pages, pdftotext
from corpus import built, corpus_files

pytestmark = pytest.mark.skipif(not corpus_files(), reason="../shared/corpus is not here")

# Scripts this machine may lack fonts for (a build warns and names the package instead).
NEEDS_OPTIONAL_FONTS = {"ja"}


@pytest.mark.parametrize("source", corpus_files(), ids=lambda p: p.stem)
def test_real_release_builds_and_reads_back_in_order(source, built_once):
    made = built(source, built_once)
    data, pdf = made.data, made.release
    if data.get("lang") not in NEEDS_OPTIONAL_FONTS:
        assert "no installed font" not in made.build_stderr
    pages = pdf_pages(pdf)
    more = labels_for(data.get("lang") or "en")["more"]
    for number, page in enumerate(pages, 1):
        # Compared line by line, letters only: pdftotext wraps right-to-left lines in bidi marks.
        says_more = any(letters(line) == letters(more) for line in page.splitlines())
        assert says_more == (number < len(pages)), number
    if data.get("lang") in (None, "en", "ru"):
        # Every paragraph of the body, whole and in the order written, once the page furniture
        # (running heads, "- more -", page numbers) is taken out. Right-to-left and CJK text
        # extract in visual order, so those are checked by the build and the glyphs only.
        furniture = {*running_heads("letter", data["organization"],
                                    typeset(data["title"], data.get("lang") or "en")), more}
        page_label = re.escape(labels_for(data.get("lang") or "en")["page"]).replace(
            r"\{page\}", r"\d+").replace(r"\{pages\}", r"\d+")
        lines = [line for line in pdftotext(pdf).splitlines()
                 if line.strip() not in furniture and not re.fullmatch(page_label, line.strip())]
        text = letters("\n".join(lines))
        position = 0
        for paragraph in re.split(r"\n\s*\n", data["body"]):
            wanted = letters(paragraph)
            assert wanted in text[position:], paragraph[:80]
            position = text.index(wanted, position) + len(wanted)
        # The About text whole on the last page, after the body's last lines.
        last = letters(pages[-1])
        own, about = split_about(data.get("boilerplate") or data["organization"])
        heading = letters(own or labels_for(data.get("lang") or "en")["about"].format(
            name=data["organization"]))
        assert heading in last
        before, after = last.split(heading, 1)
        assert letters(about) in after
        assert letters(data["body"])[-40:] in before
    assert not overprint.overprinted(pdf), overprint.describe(overprint.overprinted(pdf))
    # Its kit: no word over another, and no section without its data (the corpus gives its
    # organizations no facts, history or people).
    kit = made.kit
    if kit is None:     # another release of its house and language stands for it
        return
    assert not overprint.overprinted(kit), overprint.describe(overprint.overprinted(kit))
    labels = labels_for(data.get("lang") or "en")
    sections = [mark.title for mark in PdfReader(kit).outline if not isinstance(mark, list)]
    own, _ = split_about(data.get("boilerplate") or data["organization"])
    assert sections == [labels["contents"],
                        own or labels["about"].format(name=data["organization"]),
                        labels["releases"]] + ([labels["contacts"]] if any(
                            c.get("email") or c.get("phone")
                            for c in data.get("contacts") or []) else [])


def letters(text: str) -> str:
    """Only letters and digits: hyphenation, line breaks and list bullets fall away."""
    return re.sub(r"[\W_]", "", text.lower())
