"""Where a release's photos go, and how tightly its closing matter is set, from trial layouts.

WeasyPrint has no page floats: a photo that does not fit at the foot of a page moves whole to
the next and leaves a hole, and an About text that does not fit spills a page of its own. A
press office would move the photo to where it fits, and set the release a little tighter
rather than print a last page of closing matter. This does the same, from the layout itself:

1. The release is laid out with its photos held after the body. The first held photo goes
   after the first block of the body it fits below (the lead paragraph, usually) or, when it
   fits below none, where the text breaks to a new page: the smallest hole. Then the next.
2. A release whose last page holds little but its closing matter (the body's last lines, which
   release.css keeps with the About text, and ###) is laid out again set tighter (class
   `tight`), and kept so only if that saves the page.

The template says where photos may go: `<!--photo-slot N-->` after the body's block N, and
each photo held after the body as `<div class="photo" data-photo="N" data-held>`. The
decisions are edits of that HTML, made the same way in a release's PDF and in a kit, where
each release begins a page of its own and is laid out as in its own PDF. So a kit takes the
decisions its releases' own builds made (Placement, kept in the build cache) and is laid out
once instead of again by trial, when that layout shows each release in the very shape of its
own PDF; otherwise it decides by trial. A template without those marks is laid out as it is
written.

WeasyPrint documents no account of where boxes fall: the pages' box trees come from
engine.page_boxes, on the WeasyPrint tested only. Should they change shape, or on another
WeasyPrint, releases are left as written.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable

from markupsafe import Markup

SLOT = "<!--photo-slot {}-->"
ARTICLE_RE = re.compile(r'<article class="release[^"]*" id="([^"]+)".*?</article>', re.S)
HELD_RE = re.compile(
    r'<div class="photo[^"]*" data-photo="(\d+)" data-held>.*?</figure>\s*</div>\n?', re.S)
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# What the tighter setting saves at most, as a share of the height of a release's text, and
# in CSS px besides (its margins): a closing page that holds more than that and the holes on
# the pages before it could not be brought back, and is not tried (a wasted layout).
TIGHTER_SAVES = 0.1
TIGHTER_FIXED = 40.0
TOLERANCE = 1.0    # CSS px: rounding in the layout
# The smaller sizes a photo may take to fill a hole the text leaves anyway, in percent
# (release.css: .photo.scale-N).
SCALES = (90, 80, 70, 60)


class _Unreadable(Exception):
    """The box tree is not as this module knows it."""


@dataclass(frozen=True)
class Placement:
    """What was decided for one release: its photos' moves (photo N, slot, scale), in the
    order made, and whether it is set tight; and the shape of the layout they gave, by which a
    kit knows the release is laid out there as in its own PDF."""

    moves: tuple[tuple[int, int, int], ...] = ()
    tight: bool = False
    shape: str = ""

    def to_json(self) -> dict:
        return {"moves": [list(move) for move in self.moves], "tight": self.tight,
                "shape": self.shape}

    @classmethod
    def from_json(cls, data) -> "Placement":
        """The placement stored by to_json; ValueError when it is not one."""
        try:
            moves = tuple((int(p), int(s), int(c)) for p, s, c in data["moves"])
            tight, shape = data["tight"], data["shape"]
        except (KeyError, TypeError, ValueError):
            raise ValueError("not a placement") from None
        if not isinstance(tight, bool) or not isinstance(shape, str):
            raise ValueError("not a placement")
        return cls(moves, tight, shape)


@dataclass
class Placing:
    """What render_pdf is told of placing (the decisions known, by article id) and tells back:
    the HTML as laid out, and the decisions for every release in it."""

    known: dict[str, Placement] = field(default_factory=dict)
    html: str = ""
    decided: dict[str, Placement] = field(default_factory=dict)


def fit(html: str, lay_out: Callable[[str], object],
        known: dict[str, Placement] | None = None) -> tuple[str, object, dict[str, Placement]]:
    """The HTML with its photos placed and its closing matter fitted, its layout, and what was
    decided for each release, by article id.

    The releases in `known` (a kit's, from their own PDFs' builds) take those decisions
    without trial layouts, when the first layout shows each of them in the very shape it had
    in its own PDF; otherwise every release is placed by trial, as if nothing were known."""
    if known:
        applied = _apply(html, known)
        document = lay_out(applied)
        try:
            articles = _articles(document)
        except _Unreadable:
            articles = {}
        if all(name in articles and articles[name].shape() == placement.shape
               for name, placement in known.items()):
            return _fit(applied, document, articles, lay_out, known)
    document = lay_out(html)
    try:
        articles = _articles(document)
    except _Unreadable:
        return html, document, {}
    return _fit(html, document, articles, lay_out, {})


def _fit(html: str, document, articles: dict[str, "_Article"], lay_out,
         known: dict[str, Placement]) -> tuple[str, object, dict[str, Placement]]:
    """fit's trial layouts, for the releases not in `known`."""
    made: dict[str, list[tuple[int, int, int]]] = {}
    tight: set[str] = set()
    try:
        while True:
            moves = {name: move for name, article in articles.items()
                     if name not in known and (move := article.next_move())}
            moved = _move_photos(html, moves) if moves else html
            if moved == html:
                break      # nothing to move, or nothing this module can move
            for name, move in moves.items():
                done = made.setdefault(name, [])
                if not done or done[-1] != move:      # not again a move that did nothing
                    done.append(move)
            html, document = moved, lay_out(moved)
            articles = _articles(document)
        before = articles
        spilled = {name for name, article in before.items()
                   if name not in known and article.spilled()}
        if spilled:
            trial = _tighten(html, spilled)
            trial_document = lay_out(trial)
            after = _articles(trial_document)
            tight = {name for name in spilled
                     if name in after and after[name].badness() < before[name].badness()}
            if tight == spilled:
                html, document, articles = trial, trial_document, after
            elif tight:
                html = _tighten(html, tight)
                document = lay_out(html)
                articles = _articles(document)
    except _Unreadable:
        return html, document, {}
    decided = {name: Placement(tuple(made.get(name, ())), name in tight, article.shape())
               for name, article in articles.items() if name not in known}
    return html, document, {**known, **decided}


def _apply(html: str, known: dict[str, Placement]) -> str:
    """The decisions in `known` made again, in the order they were first made."""
    for name, placement in known.items():
        for move in placement.moves:
            html = _move_photos(html, {name: move})
    return _tighten(html, {name for name, placement in known.items() if placement.tight})


def body_blocks(html: str) -> list[Markup]:
    """The body's HTML cut into its top-level blocks (paragraphs, lists, tables...), between
    which the template writes the photo slots."""
    cutter = _BlockCutter()
    cutter.feed(html)
    cutter.close()
    ends = cutter.ends + [len(html)]
    blocks, start = [], 0
    for end in ends:
        if html[start:end].strip():
            blocks.append(Markup(html[start:end].strip()))
        start = end
    return blocks


class _BlockCutter(HTMLParser):
    """Where each top-level element of an HTML fragment ends (as offsets in the text)."""

    VOID = {"br", "hr", "img", "wbr", "input", "meta", "link", "source", "col", "area"}

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.ends: list[int] = []
        self.lines = [0]

    def feed(self, data: str) -> None:
        for line in data.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        super().feed(data)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            if self.depth == 0:
                self.ends.append(self._offset() + len(self.get_starttag_text()))
        else:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self.ends.append(self._offset() + len(self.get_starttag_text()))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            self.ends.append(self._offset() + len(f"</{tag}>"))


def _move_photos(html: str, moves: dict[str, tuple[int, int, int]]) -> str:
    """Each article's photo N moved from where it is held to its slot, at its scale."""
    def moved(match: re.Match) -> str:
        article = match[0]
        if match[1] not in moves:
            return article
        photo, slot, scale = moves[match[1]]
        held = next((m for m in HELD_RE.finditer(article) if int(m[1]) == photo), None)
        if held is None or SLOT.format(slot) not in article:
            return article
        article = article[:held.start()] + article[held.end():]
        placed = held[0].replace(" data-held>", ">", 1)
        if scale != 100:
            placed = placed.replace('class="photo', f'class="photo scale-{scale}', 1)
        return article.replace(SLOT.format(slot), placed + SLOT.format(slot), 1)

    return ARTICLE_RE.sub(moved, html)


def _tighten(html: str, names: set[str]) -> str:
    def tightened(match: re.Match) -> str:
        if match[1] not in names:
            return match[0]
        return match[0].replace('<article class="release', '<article class="release tight', 1)

    return ARTICLE_RE.sub(tightened, html)


@dataclass
class _Block:
    """A block of the body, or a photo placed in it, where its last part fell."""

    tag: str
    first_page: int
    page: int
    bottom: float            # of its border box, where its last part ends
    margin_bottom: float
    photo: bool = False
    lead_in: bool = False    # a heading, or a paragraph ending with a colon: not parted from
                             # what it leads into


@dataclass
class _Held:
    """A photo still held after the body: its number, top margin, picture's and whole height."""

    number: int
    margin_top: float
    picture: float
    height: float

    def need(self, margin_above: float, scale: float = 1.0) -> float:
        """The height it takes below a block, at a scale: its caption, narrower, is taller."""
        caption = self.height - self.picture
        return max(margin_above, self.margin_top) + self.picture * scale + caption / scale


@dataclass
class _Article:
    """One release as laid out: its body's blocks, its held photos, its pages."""

    pages: list[int] = field(default_factory=list)
    blocks: list[_Block] = field(default_factory=list)
    held: list[_Held] = field(default_factory=list)
    page_bottom: dict[int, float] = field(default_factory=dict)
    page_top: dict[int, float] = field(default_factory=dict)
    page_width: dict[int, float] = field(default_factory=dict)
    end_page: int = -1
    end_bottom: float = 0.0
    body_pages: set[int] = field(default_factory=set)
    filled: dict[int, float] = field(default_factory=dict)   # where its content ends, by page
    _seen: dict[int, _Block] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return self.end_page - self.pages[0] + 1 if self.pages and self.end_page >= 0 else 0

    def next_move(self) -> tuple[int, int, int] | None:
        """(photo N, slot, scale in percent) for the first photo still held, or None.

        The first slot it fits below, the lead paragraph's if it can; else where the text
        breaks to a new page anyway, the photo a little smaller if that fills the hole; else
        the slot that leaves the smallest hole."""
        if not self.held:
            return None
        held = self.held[0]
        slots = []          # (slot, room below the block, the block, whether a page ends there)
        slot, first = -1, 0
        for index, block in enumerate(self.blocks):
            if block.photo:
                first = slot + 1      # photos in the order given, a block at least apart
                continue
            slot += 1
            if block.lead_in:
                continue
            following = next((b for b in self.blocks[index + 1:] if not b.photo), None)
            page_ends = following is None or following.first_page > block.page
            slots.append((slot, self.page_bottom[block.page] - block.bottom, block, page_ends))
        if len(slots) > 1 and slots[-1][0] == slot:
            slots.pop()       # not after the last block: the About text takes that with it
        later = [s for s in slots if s[0] >= first] or slots
        if not later:
            return None
        for number, room, block, page_ends in later:
            if held.need(block.margin_bottom) <= room + TOLERANCE:
                return held.number, number, 100
            if page_ends:
                for scale in SCALES:
                    if held.need(block.margin_bottom, scale / 100) <= room + TOLERANCE:
                        return held.number, number, scale
        return held.number, min(later, key=lambda s: (s[1], s[0]))[0], 100

    def spilled(self) -> bool:
        """Whether the closing page is one of several and might be saved by a tighter setting,
        its content fitting in the holes left on the pages before it and what the setting
        saves; or holds none of the body (an About text too long to take the body's last
        lines with it)."""
        if self.page_count < 2:
            return False
        if self.end_page not in self.body_pages:
            return True
        used = self.end_bottom - self.page_top[self.end_page]
        earlier = [page for page in self.filled if page < self.end_page]
        holes = sum(self.page_bottom[page] - self.filled[page] for page in earlier)
        text = used + sum(self.filled[page] - self.page_top[page] for page in earlier)
        return used <= holes + TIGHTER_SAVES * text + TIGHTER_FIXED

    def shape(self) -> str:
        """A digest of where everything fell, its pages counted from its first: the same for
        the same release laid out in the same frame, its own PDF's or a kit's."""
        first = self.pages[0] if self.pages else 0
        frames = [(page - first, self.page_top[page], self.page_bottom[page],
                   self.page_width[page], self.filled[page]) for page in self.pages]
        blocks = [(block.tag, block.first_page - first, block.page - first, block.bottom,
                   block.margin_bottom, block.photo) for block in self.blocks]
        held = [(held.number, held.height) for held in self.held]
        ending = (self.end_page - first, self.end_bottom,
                  sorted(page - first for page in self.body_pages))
        return hashlib.sha256(repr((frames, blocks, held, ending)).encode()).hexdigest()[:32]

    def badness(self) -> tuple[int, bool]:
        """What a tighter setting must lessen: the pages, then a last page without the body."""
        return self.page_count, self.end_page not in self.body_pages


def _articles(document) -> dict[str, _Article]:
    """Every release in the document, by its article's id."""
    from .engine import page_boxes

    articles: dict[str, _Article] = {}
    boxes = page_boxes(document)
    if boxes is None:
        raise _Unreadable("no page boxes to read")
    try:
        for number, page_box in enumerate(boxes):
            top = page_box.content_box_y()
            bottom = top + page_box.height
            for article_box in _find(page_box, lambda box: _tag(box) == "article"
                                     and "release" in _classes(box)):
                name = article_box.element.get("id") or ""
                article = articles.setdefault(name, _Article())
                article.pages.append(number)
                article.page_top[number] = top
                article.page_bottom[number] = bottom
                article.page_width[number] = page_box.width
                article.filled[number] = max((child.position_y + child.margin_height()
                                              for child in article_box.children
                                              if child.element is not None), default=top)
                _read(article_box, number, article)
    except (AttributeError, TypeError) as exc:
        raise _Unreadable(exc) from None
    for article in articles.values():
        article.blocks = list(article._seen.values())
    return articles


def _read(article_box, number: int, article: _Article) -> None:
    for box in getattr(article_box, "children", ()):
        classes = _classes(box)
        if "body" in classes:
            if box.children:
                article.body_pages.add(number)
            for child in box.children:
                if child.element is None:
                    continue
                photo = "photo" in _classes(child)
                block = article._seen.get(id(child.element))
                border_bottom = child.position_y + child.margin_top + child.border_height()
                if block is None:
                    article._seen[id(child.element)] = _Block(
                        _tag(child), number, number, border_bottom, child.margin_bottom, photo,
                        _leads_in(child.element))
                else:
                    block.page, block.bottom = number, border_bottom
                    block.margin_bottom = child.margin_bottom
        elif "photo" in classes and box.element.get("data-held") is not None:
            photo = int(box.element.get("data-photo"))
            if all(held.number != photo for held in article.held):
                picture = next(_find(box, lambda b: _tag(b) == "img"), None)
                article.held.append(_Held(photo, box.margin_top,
                                          picture.margin_height() if picture else 0.0,
                                          box.border_height()))
        elif "end-mark" in classes:
            article.end_page = number
            article.end_bottom = box.position_y + box.margin_top + box.border_height()


def _leads_in(element) -> bool:
    if element.tag in HEADINGS:
        return True
    return element.tag == "p" and "".join(element.itertext()).rstrip().endswith((":", "\uff1a"))


def _find(box, wanted):
    """The boxes under `box` that are `wanted`, not looking inside those found."""
    for child in getattr(box, "children", ()):
        if wanted(child):
            yield child
        else:
            yield from _find(child, wanted)


def _tag(box) -> str:
    return getattr(box, "element_tag", "") or ""


def _classes(box) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []
