"""A mend for WeasyPrint 70's line breaking, installed with the engine (pdf.import_engine).

A run of text that ends with a space before a link or an emphasis ("... downloaded from
<a>...") may fill its line but for that space, which hangs at a line's end in CSS. Pango says
it fits; WeasyPrint measures it with the space, finds it too wide, takes the "cannot break
earlier" path and sets the first word alone on the line: "The" and then the paragraph (found in
a real release by a QA pass). Here such a run is laid out whole, as it fits; WeasyPrint then
breaks the line before the link the ordinary way.
"""
from __future__ import annotations

from math import inf

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline

    inline.split_first_line = _mended(inline.split_first_line)
    _installed = True


def _mended(split_first_line):
    def split(text, style, context, max_width, justification_spacing, is_line_start=True,
              minimum=False):
        result = split_first_line(text, style, context, max_width, justification_spacing,
                                  is_line_start, minimum)
        if (result[2] is None or max_width is None or not text.endswith(" ")
                or style["white_space"] not in ("normal", "nowrap", "pre-line")):
            return result
        trimmed = split_first_line(text.rstrip(" "), style, context, max_width,
                                   justification_spacing, is_line_start, minimum)
        if trimmed[2] is not None:
            return result          # a real break: the words themselves do not fit
        return split_first_line(text, style, context, inf, justification_spacing,
                                is_line_start, minimum)
    return split
