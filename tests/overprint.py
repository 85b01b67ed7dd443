"""Finds words printed over other words in a PDF, from poppler's word boxes.

pdftotext -bbox-layout gives each word's box from its font's full ascent to its descent, so
the boxes of two lines set close (a headline at line-height 1.18) touch without any ink
touching. A word is therefore reduced to its middle band, about its x-height, and a hair
narrower: two such bands meet only where letters really lie on letters, as when a phone
number runs out of its column into the next one.

`python tests/overprint.py FILE.pdf ...` prints what it finds, for a look at any PDF.
"""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

NS = "{http://www.w3.org/1999/xhtml}"
BAND = 0.25     # of a word box's height taken off its top and its bottom
SIDE = 0.6      # points taken off each side (kerning and italics reach a little over)


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def core(self) -> tuple[float, float, float, float]:
        cut = (self.y1 - self.y0) * BAND
        return self.x0 + SIDE, self.y0 + cut, self.x1 - SIDE, self.y1 - cut


def words(pdf: Path) -> list[list[Word]]:
    """The words of each page with their boxes, in points from the page's top left."""
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    pages = []
    for number, page in enumerate(ET.fromstring(xhtml).iter(f"{NS}page"), 1):
        pages.append([Word(number, word.text or "", *(float(word.get(k)) for k in
                                                       ("xMin", "yMin", "xMax", "yMax")))
                      for word in page.iter(f"{NS}word")])
    return pages


def overprinted(pdf: Path) -> list[tuple[Word, Word]]:
    """Every pair of words on one page whose cores intersect."""
    found = []
    for page in words(pdf):
        cores = sorted(((w.core(), w) for w in page), key=lambda item: item[0][1])
        for index, (a, first) in enumerate(cores):
            for b, second in cores[index + 1:]:
                if b[1] >= a[3]:
                    break     # sorted by top: nothing further down reaches this one
                if b[0] < a[2] and a[0] < b[2] and b[1] < a[3] and a[1] < b[3]:
                    found.append((first, second))
    return found


def describe(pairs: list[tuple[Word, Word]]) -> str:
    return "\n".join(f"page {a.page}: {a.text!r} at ({a.x0:.0f}, {a.y0:.0f}) over {b.text!r} "
                     f"at ({b.x0:.0f}, {b.y0:.0f})" for a, b in pairs)


if __name__ == "__main__":
    status = 0
    for name in sys.argv[1:]:
        pairs = overprinted(Path(name))
        if pairs:
            status = 1
            print(f"{name}:\n{describe(pairs)}")
    sys.exit(status)
