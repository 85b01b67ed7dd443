"""What each block of a document is, from its layout and its words, in the release's language:
the release line and embargo, headline, subheadline, dateline and date, body, end mark,
contacts, About text, notes to editors and pictures. What cannot be placed is said, with
where it was."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..model import base_tag
from . import dates
from .blocks import INVISIBLE, Block, Span
from .compose import to_markdown
from .contacts import CONTACT_LABEL, EMAIL, PHONE, parse_contacts
from .datelines import UPPER_PLACE, dateline
from .language import detect_language
from .marks import ABOUT, CAPTION_WORD, CREDIT, EMBARGO, END, IMMEDIATE, LABEL, MORE, NOTES
from .pictures import Picture, printable

# An embargo that names no zone, in a project that names none: the zone of the country most
# releases in that language come from (said to the user, who may correct it).
LANGUAGE_ZONES = {"de": "Europe/Berlin", "fr": "Europe/Paris", "it": "Europe/Rome",
                  "nl": "Europe/Amsterdam", "pl": "Europe/Warsaw", "ja": "Asia/Tokyo",
                  "ko": "Asia/Seoul", "uk": "Europe/Kyiv", "he": "Asia/Jerusalem"}


@dataclass
class Recognized:
    """The release as found in the document; `unplaced` says what found no field."""

    title: str = ""
    subtitle: str = ""
    date: dt.date | None = None
    dateline: str = ""
    embargo: dt.datetime | None = None
    lang: str = ""
    body: str = ""
    contacts: list[dict[str, str]] = field(default_factory=list)
    notes: str = ""
    about: list[tuple[str, str]] = field(default_factory=list)   # (heading, Markdown)
    pictures: list[Picture] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    embargo_text: str = ""
    embargo_where: str = ""
    names: tuple[str, ...] = ()          # the organization's names, folded


def recognize(blocks: list[Block], *, doc_lang: str = "", org_lang: str = "en",
              office_zone: str = "", org_names: tuple[str, ...] = ()) -> Recognized:
    """The release's fields from the document's blocks, top to bottom as a journalist reads:
    the lines above the headline, the headline, the dateline's paragraph, the body to the end
    mark, then what follows it."""
    found = Recognized(names=tuple(dates.fold(" ".join(n.split())) for n in org_names if n))
    found.lang = detect_language(" ".join(b.text for b in blocks), doc_lang, org_lang)
    blocks = [b for b in _unlayout(blocks) if not (b.kind != "image" and MORE.match(b.text))]
    dateline_at = _dateline_index(blocks, found)
    if dateline_at is not None:
        end_of_head = dateline_at
    else:   # the top ends at the first paragraph that reads as the body's
        end_of_head = next((k for k, b in enumerate(blocks) if b.kind == "paragraph" and
                            len(b.text) > 200), len(blocks))
    # First what is something of its own (release line, embargo, labels, contacts, dates),
    # so that none of it is taken for the headline.
    placed: set[int] = set()
    i = 0
    while i < end_of_head:
        if blocks[i].kind == "image":
            i += 1
            continue
        j = _preamble(blocks, i, end_of_head, found)
        if j is None:
            i += 1
        elif j > i:
            placed.update(range(i, j))
            i = j
    left = [k for k in range(end_of_head) if k not in placed]
    title_at = _headline_index(blocks, left, found)
    subtitle_at = None
    if title_at is None:
        found.unplaced.append("no headline found: give the release a title")
    else:
        found.title = _one_line(blocks[title_at].text)
    captions: set[int] = set()
    for k in left:
        block = blocks[k]
        if k == title_at or k in captions:
            continue
        if title_at is None or k < title_at:
            if block.kind == "image":
                found.unplaced.append(f"{block.where}: a picture above the headline (a "
                                      f"letterhead's logo?) left out; organization.yaml's "
                                      f"logo heads every release")
            elif not _letterhead(block.text, found):
                found.unplaced.append(f"{block.where}: not placed: {_short(block.text)}")
        elif block.kind == "image":
            _picture(blocks, k, found)
            if _is_caption(blocks, k + 1):
                captions.add(k + 1)
        elif subtitle_at is None and _subheadline(block, dateline_at is not None, found):
            found.subtitle = _one_line(block.text)
            subtitle_at = k
        elif dateline_at is not None:
            found.unplaced.append(f"{block.where}: not placed: {_short(block.text)}")
    if dateline_at is not None:
        rest_at = dateline_at
    else:
        taken = [k for k in (title_at, subtitle_at) if k is not None] + \
            [k for k in placed | captions if title_at is not None and k > title_at]
        rest_at = max(taken) + 1 if taken else 0
    if dateline_at is None:
        found.unplaced.append("no dateline found (the place and date leading the first "
                              "paragraph, as 'CITY, March 5, 2024 —')")
    _embargo(found, office_zone)
    _body_and_after(blocks, rest_at, found)
    return found


def _subheadline(block: Block, dated: bool, found: Recognized) -> bool:
    """The block under the headline is its subheadline when styled so, or (before a
    dateline that marks where the body begins) when it is a line that is nothing else."""
    if block.kind == "subtitle":
        return True
    if block.kind not in ("heading", "paragraph", "quote") or len(block.text) >= 400 or \
            _section(block) or _preamble_like(block) or _letterhead(block.text, found):
        return False
    return dated or block.kind == "heading" or block.italic


def _unlayout(blocks: list[Block]) -> list[Block]:
    """A table that lays out the release line, embargo or contacts (not figures) read as
    its cells, one paragraph a cell."""
    out = []
    for block in blocks:
        cells = block.cells() if block.kind == "table" else []
        if any("@" in cell or CONTACT_LABEL.match(cell) or EMBARGO.search(cell) or
               IMMEDIATE.match(cell) for cell in cells):
            out.extend(Block("paragraph", block.where, [Span(cell)]) for cell in cells)
        else:
            out.append(block)
    return out


# -- the lines above the headline --------------------------------------------------------

def _preamble(blocks: list[Block], i: int, limit: int, found: Recognized) -> int | None:
    """Place the block at i above the body if it is a release line, embargo, label, contact
    or date; return the index of the next block to look at (i again when the block was
    split), or None when it is none of those."""
    block = blocks[i]
    text = block.text
    immediate = IMMEDIATE.match(text)
    if immediate and "\n" in text[immediate.end():].strip():
        # FOR IMMEDIATE RELEASE over a contact, in one paragraph: the rest read on its own.
        rest = text[immediate.end():].strip()
        blocks[i] = Block("paragraph", block.where, [Span(rest)])
        return i
    if immediate:
        rest = text[immediate.end():]
        if rest.strip() and not _standalone_date(rest, found):
            found.unplaced.append(f"{block.where}: not placed: {_short(rest)}")
        return i + 1
    if LABEL.match(text) or _letterhead(text, found):
        return i + 1
    if EMBARGO.search(text) and not found.embargo_text:
        found.embargo_where = f"{block.where}"
        moment_text = text
        if not dates.find_dates(text, found.lang, need_year=False) and i + 1 < limit:
            # "EMBARGO" as a heading, the moment on the next line
            moment_text += " " + blocks[i + 1].text
            found.embargo_text = moment_text
            return i + 2
        found.embargo_text = moment_text
        return i + 1
    if CONTACT_LABEL.match(text):
        j = _contact_section(blocks, i, limit, found)
        return j
    if _standalone_date(text, found) or _contact_lines(block, found):
        return i + 1
    return None


def _contact_lines(block: Block, found: Recognized) -> bool:
    """A line with an address or a number under a label of its own ('Technical information:
    (202) 691-6555 • info@example.org'): a contact, named by its label, not lost."""
    if block.kind in ("image", "table") or not _contact_like(block.text) or \
            not (EMAIL.search(block.text) or PHONE.search(block.text)):
        return False
    contacts, left = parse_contacts(block.text)
    if not contacts:
        return False
    found.contacts.extend(contacts)
    for text in left:
        found.unplaced.append(f"{block.where}: in the contacts, not placed: {_short(text)}")
    return True


def _letterhead(text: str, found: Recognized) -> bool:
    """The organization's name typed at the top of the page, as a letterhead."""
    return dates.fold(" ".join(text.split())) in found.names


def _standalone_date(text: str, found: Recognized) -> bool:
    """A line that is only a date (and perhaps a place): the release's date when the
    dateline gives none."""
    dated = dates.find_dates(text, found.lang)
    if len(dated) == 1 and len(text) < 60:
        if found.date is None:
            found.date = dated[0].date
        return True
    return False


def _headline_index(blocks: list[Block], left: list[int], found: Recognized) -> int | None:
    """The headline: a Title-styled paragraph, else the first heading or bold line, else the
    first line that is none of the release line, embargo or labels."""
    candidates = [i for i in left if blocks[i].kind not in ("image", "table") and
                  not _preamble_like(blocks[i]) and not _letterhead(blocks[i].text, found)]
    for test in (lambda b: b.kind == "title",
                 lambda b: b.kind == "heading" or (b.bold and len(b.text) < 300),
                 lambda b: b.kind == "paragraph"):
        for i in candidates:
            if test(blocks[i]):
                return i
    return None


def _preamble_like(block: Block) -> bool:
    text = block.text
    return bool(IMMEDIATE.match(text) or LABEL.match(text) or EMBARGO.search(text)
                or block.kind == "table" or _moment_line(text)
                or CONTACT_LABEL.match(text) or "@" in text
                or (len(dates.find_dates(text)) == 1 and len(text) < 60 and
                    len(text.split()) <= 6))


def _moment_line(text: str) -> bool:
    """'29 March 13:00 UTC': a day and a time alone on a line (under an embargo heading)."""
    if len(text) > 60:
        return False
    days = dates.find_dates(text, need_year=False)
    return len(days) == 1 and dates.find_time(text[:days[0].start] + " " +
                                              text[days[0].end:]) is not None


def _dateline_index(blocks: list[Block], found: Recognized) -> int | None:
    """The first paragraph that begins with a place and a date and a dash (or is only
    them): the dateline. Its place and date are taken, and the paragraph keeps the rest."""
    seen = 0
    for i, block in enumerate(blocks):
        if block.kind not in ("paragraph", "quote") or _preamble_like_embargo(block):
            continue
        seen += 1
        if seen > 12:
            # A place and date this far down are in the body, not a dateline.
            return None
        text = block.text
        match = dateline(text, found.lang or "")
        if match is None:
            continue
        place, date, rest_start = match
        found.dateline = place
        found.date = date
        rest = text[rest_start:].lstrip()
        blocks[i] = _rest_of(block, len(text) - len(rest)) if rest else \
            Block("paragraph", block.where)
        return i
    # 'WASHINGTON — The ...' with the date on a line of its own above: AP's dateline alone.
    for i, block in enumerate(blocks):
        if block.kind != "paragraph" or len(block.text) < 100 or block.bold or \
                _preamble_like_embargo(block):
            continue
        place = UPPER_PLACE.match(block.text)
        if place is None:
            return None
        found.dateline = place.group(1).strip()
        blocks[i] = _rest_of(block, place.end())
        return i
    return None


def _preamble_like_embargo(block: Block) -> bool:
    return bool(EMBARGO.search(block.text[:80]) or IMMEDIATE.match(block.text))


def _rest_of(block: Block, skip: int) -> Block:
    """The block without the first `skip` characters of its text (the dateline taken out).
    Block.text counts a run of spaces or line breaks as one character; so does this walk,
    across the spans, to find where in them the rest begins."""
    counted, previous_space = 0, True
    spans = []
    for span in block.spans:
        text = span.text.translate(INVISIBLE).replace("\t", " ")
        index = 0
        while index < len(text) and counted < skip:
            if text[index] in " \n\r\f\v":
                if not previous_space:
                    counted += 1
                previous_space = True
            else:
                counted += 1
                previous_space = False
            index += 1
        if counted >= skip and text[index:]:
            spans.append(Span(text[index:], span.bold, span.italic, span.link))
    if spans:
        spans[0] = Span(spans[0].text.lstrip(" \n"), spans[0].bold, spans[0].italic,
                        spans[0].link)
    source = ""
    if block.markdown_source:
        source = _strip_words(block.markdown_source, block.text[:skip])
    return Block(block.kind, block.where, [s for s in spans if s.text], level=block.level,
                 markdown_source=source)


def _strip_words(source: str, prefix: str) -> str:
    """Markdown `source` without the words of `prefix` at its start, marks and all."""
    pattern = r"\W*".join(re.escape(word) for word in re.findall(r"\w+", prefix))
    m = re.match(r"[\W_]*" + pattern + r"[^\w*_\[]*", source) if pattern else None
    return source[m.end():].lstrip() if m else source


# -- the embargo ------------------------------------------------------------------------

def _embargo(found: Recognized, office_zone: str) -> None:
    if not found.embargo_text:
        return
    text = found.embargo_text
    when = dates.find_dates(text, found.lang, need_year=False)
    if not when:
        found.unplaced.append(f"{found.embargo_where}: an embargo without a date I could "
                              f"read: {_short(text)}")
        return
    day = when[0]
    date = day.date
    if date is None:
        year = (found.date or dt.date.today()).year
        try:
            date = dt.date(year, day.month, day.day)
        except ValueError:
            return
    rest = text[:day.start] + " " + text[day.end:]
    time = dates.find_time(rest)
    if time is None:
        found.unplaced.append(f"{found.embargo_where}: the embargo gives no time; taken as "
                              f"00:00: {_short(text)}")
        time = (0, 0)
    zone = dates.find_zone(rest)
    if zone is None:
        guess = LANGUAGE_ZONES.get(base_tag(found.lang), "")
        if office_zone:
            zone = office_zone
        elif guess:
            zone = guess
            found.unplaced.append(f"{found.embargo_where}: the embargo names no time zone and "
                                  f"presskit.yaml no timezone; taken as {guess}, where the "
                                  f"release's language is spoken: {_short(text)}")
        else:
            zone = dt.timedelta(0)
            found.unplaced.append(f"{found.embargo_where}: the embargo names no time zone and "
                                  f"presskit.yaml no timezone; taken as UTC: {_short(text)}")
    found.embargo = dates.moment(date, *time, zone)


# -- the body and what follows it --------------------------------------------------------

def _section(block: Block) -> str:
    text = block.text
    if block.kind == "image":
        return ""
    if len(text) > 200:
        return "about" if _about_heading(block)[0] else ""
    if END.match(text):
        return "end"
    if NOTES.match(text):
        return "notes"
    if CONTACT_LABEL.match(text):
        return "contacts"
    if _about_heading(block)[0]:
        return "about"
    return ""


def _about_heading(block: Block) -> tuple[str, int]:
    """An About section's heading ("About the Alliance") and where its text begins in the
    block: a heading or bold line of its own, or leading the paragraph ("**About the
    Alliance** The Alliance is..." or "About the Alliance: The Alliance is...")."""
    text = block.text
    about = ABOUT.match(text)
    if not about or block.kind in ("item", "image", "table") or \
            not _names_something(text[about.end():]):
        return "", 0
    first = text.split("\n", 1)[0]
    if len(first.split()) <= 12 and (block.kind in ("heading", "title", "subtitle") or
                                     block.bold or len(first.split()) <= 8):
        return first.rstrip(" :"), len(first) + 1
    lead = ""
    for span in block.spans:
        if not span.bold:
            break
        lead += span.text
    lead = " ".join(lead.split())
    if not lead:
        colon = first.find(":")
        lead = first[:colon] if 0 < colon <= 80 else ""
    if lead and len(lead.split()) <= 12 and text.startswith(lead):
        rest = text[len(lead):]
        return lead.rstrip(" :.–—"), len(text) - len(rest.lstrip(" :.–—\n"))
    return "", 0


_ARTICLE = re.compile(r"^(?:(?:the|us|la|le|les|el|los|las|die|der|das|den|l['’]|de|des|du)\s*)*",
                      re.I)


def _names_something(rest: str) -> bool:
    """'About the Alliance', 'Acerca de la Alianza': a name follows (a capital letter), not
    'About 5-20x faster' in a list of features."""
    if rest.strip(" :").casefold() in ("us", "nosotros", "nous", "uns"):
        return True
    rest = _ARTICLE.sub("", rest.strip())
    return bool(rest) and (rest[0].isupper() or not rest[0].isascii() and rest[0].isalpha())


def _body_and_after(blocks: list[Block], start: int, found: Recognized) -> None:
    body: list[Block] = []
    notes: list[Block] = []
    about: list[tuple[str, list[Block]]] = []
    section = "body"
    ended = False
    i = start
    while i < len(blocks):
        block = blocks[i]
        kind = _section(block)
        if kind == "end":
            ended = True
            section = "after"
            i += 1
            continue
        if kind == "contacts":
            i = _contact_section(blocks, i, len(blocks), found)
            section = "after" if ended or section != "body" else "after-contacts"
            continue
        if kind == "notes":
            section = "notes"
            rest = NOTES.sub("", block.text, count=1).strip()
            if rest:
                notes.append(_rest_of(block, len(block.text) - len(rest)))
            i += 1
            continue
        if kind == "about":
            section = "about"
            heading, skip = _about_heading(block)
            about.append((heading, []))
            if skip < len(block.text):
                about[-1][1].append(_rest_of(block, skip))
            i += 1
            continue
        if block.kind == "image":
            _picture(blocks, i, found)
            i += 2 if _is_caption(blocks, i + 1) else 1
            continue
        if section == "body":
            body.append(block)
        elif _contact_lines(block, found):
            pass
        elif section == "after-contacts":
            found.unplaced.append(f"{block.where}: not placed: {_short(block.text)}")
        elif section == "notes":
            notes.append(block)
        elif section == "about":
            about[-1][1].append(block)
        else:
            found.unplaced.append(f"{block.where}: not placed (after the end mark): "
                                  f"{_short(block.text)}")
        i += 1
    found.body = to_markdown(body)
    found.notes = to_markdown(notes)
    found.about = [(heading, to_markdown(section)) for heading, section in about if section]
    if not found.body:
        found.unplaced.append("no body found")


def _contact_section(blocks: list[Block], i: int, limit: int, found: Recognized) -> int:
    """The contact block at i, and the short lines that follow it; returns the next index."""
    first = blocks[i].text
    rest = CONTACT_LABEL.sub("", first, count=1)
    line = rest.split("\n", 1)[0]
    named = re.search(r"[^\W\d_]", PHONE.sub(" ", EMAIL.sub(" ", line)))
    # "Media contact: (202) 555-0102 • press@example.org": the label names the contact.
    lines = [rest if named or not _has_address(line) else first]
    seen = _has_address(lines[0])

    def fits(k: int) -> bool:
        return k < limit and blocks[k].kind not in ("image", "title", "heading", "table") \
            and not _section(blocks[k]) and _contact_like(blocks[k].text)

    j = i + 1
    while fits(j):
        text = blocks[j].text
        # A line with no number or address is the contact's (a name, a title) before any
        # came, or when one follows within two lines (the next contact); else it is what
        # comes after the contacts, such as the headline.
        if not (_has_address(text) or not seen or
                any(fits(k) and _has_address(blocks[k].text) for k in (j + 1, j + 2))):
            break
        seen = seen or _has_address(text)
        lines.append(text)
        j += 1
    contacts, left = parse_contacts("\n".join(lines))
    found.contacts.extend(contacts)
    for text in left:
        found.unplaced.append(f"{blocks[i].where}: in the contacts, not placed: {_short(text)}")
    return j


def _has_address(text: str) -> bool:
    return bool(EMAIL.search(text) or any(sum(c.isdigit() for c in p) >= 7
                                          for p in PHONE.findall(text)))


def _contact_like(text: str) -> bool:
    lines = text.split("\n")
    return all(len(line) <= 90 for line in lines) and (
        "@" in text or re.search(r"\d[\d\s().-]{6,}\d", text) is not None or
        (len(lines) == 1 and len(text.split()) <= 6 and not text.rstrip().endswith(".")))


def _is_caption(blocks: list[Block], i: int) -> bool:
    if i >= len(blocks):
        return False
    block = blocks[i]
    if block.kind == "caption":
        return True
    if block.kind != "paragraph" or len(block.text.split()) > 40 or _section(block):
        return False
    return block.italic or bool(CAPTION_WORD.match(block.text)) or "©" in block.text or \
        (len(block.text.split()) <= 20 and block.text.rstrip()[-1] not in ".!?:;," and
         not block.bold)


def _picture(blocks: list[Block], i: int, found: Recognized) -> None:
    block = blocks[i]
    caption = credit = ""
    if _is_caption(blocks, i + 1):
        caption = _one_line(blocks[i + 1].text)
        credited = CREDIT.search(caption)
        if credited and credited.start() > 0:
            credit = credited.group(1).strip()
            caption = caption[:credited.start()].rstrip(" .,;–—-") + \
                ("." if caption[:credited.start()].rstrip().endswith(".") else "")
    data, kind = printable(block.image, block.image_type)
    if data is None:
        found.unplaced.append(f"{block.where}: a picture in a format presskit cannot print "
                              f"({block.image_type or 'unknown'}) left out; save it as PNG or "
                              f"JPEG and give it under images:")
        return
    found.pictures.append(Picture(data, kind, caption, credit, block.alt))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _short(text: str) -> str:
    text = _one_line(text)
    return text if len(text) <= 70 else text[:67] + "..."
