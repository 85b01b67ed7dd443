"""Render HTML from the project's data and the Jinja2 templates (project first, then built-in).

The HTML is self-contained: styles are inlined and images are data: URIs, so the very same
string is written by --html, fed to WeasyPrint, and hashed for the build cache.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from . import i18n, markdown, placement, theme, typography
from .errors import BuildError
from .files import display_path, inside
from .load import Project
from .model import Contact, Release

PAPER = {"letter": ("letter", 8.5, 11.0), "a4": ("A4", 8.27, 11.69)}
MARGIN_IN = 2 * 3.7 / 2.54  # left and right page margins together, in inches (see release.css)
DEFAULT_ACCENT = "#8a1c1c"
PORTRAIT_IN = (30 / 25.4, 38 / 25.4)   # a portrait's box in the kit (kit.css .kit-portrait)
WHOLE_EMAIL = 28                       # characters of an address never broken (email_breaks)
PHOTO_MAX_HEIGHT_IN = 9 / 2.54         # a release photo's tallest (release.css .photo img)


def css_string(value: str, isolate: bool = False) -> Markup:
    """A Python string as a quoted CSS string (for content: in @page rules). It goes inside a
    <style> element, where '</style>' in a headline would end the sheet and start markup: '<'
    and '>' are written as CSS escapes, which the stylesheet reads back as the characters.

    With `isolate`, the text is set in its own direction wherever it goes (between U+2068 and
    U+2069): an English headline in a Hebrew release's running head ends with its own "!"."""
    escaped = (str(value).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
               .replace(">", "\\3e ").replace("\n", " ").replace("\r", " "))
    if isolate:
        escaped = f"\\2068 {escaped}\\2069 "
    return Markup(f'"{escaped}"')


def text_direction(text: str, default: str = "ltr") -> str:
    """The direction of a text from its first strong character, as HTML's dir="auto" decides:
    an English headline in a Hebrew release still ends with its own punctuation."""
    import unicodedata

    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


def comma(text: str) -> str:
    """The comma of the script `text` is written in: Arabic's "،" when its first strong
    character is Arabic (bidi class AL), else ",": "سارة المصري، مسؤولة", not ", مسؤولة"."""
    import unicodedata

    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("L", "R", "AL"):
            return "\u060c" if kind == "AL" else ","
    return ","


def css_page_label(label: str) -> Markup:
    """'Page {page} of {pages}' as CSS content: "Page " counter(page) " of " counter(pages)."""
    parts = []
    rest = label
    while rest:
        positions = [(rest.find(tok), tok) for tok in ("{page}", "{pages}") if tok in rest]
        if not positions:
            parts.append(css_string(_unbrace(rest)))
            break
        index, token = min(positions)
        if index:
            parts.append(css_string(_unbrace(rest[:index])))
        parts.append(Markup("counter(page)" if token == "{page}" else "counter(pages)"))
        rest = rest[index + len(token):]
    return Markup(" ".join(parts))


def email_breaks(address: str, whole: int = WHOLE_EMAIL) -> Markup:
    """An e-mail or web address kept whole on its line when it fits any (`whole` characters: a
    kit's contact column holds about 30, a release's contact line about 100); a longer one may
    break after a / or before a dot or the @, and nowhere else: broken at its own hyphen it
    would read, and copy out of the PDF, as another address."""
    return Markup(markdown.address_html(address, whole))


# A telephone number as written: digits with spaces, brackets, dots or hyphens between them.
PHONE_NUMBER_RE = re.compile(
    r"\+?[\d(](?:[\d().\-\u2010\u2011\u2013]|/(?=\d)|\s(?=[\d(+]))*\d\)?")
WHOLE_PHONE = 22     # characters of a number never broken (phone_breaks)


def phone_breaks(phone: str) -> Markup:
    """A phone field whose numbers are each kept whole on a line, but that may break between
    them and at the words about them: '+1 (416) 625 3843 (mobile); +1 (416) 531-9513
    (landline)' held on one line ran out of its column and over the next contact's. A number
    too long for any column breaks at its spaces."""
    out, end = [], 0
    for number in PHONE_NUMBER_RE.finditer(phone):
        out.append(Markup.escape(phone[end:number.start()]))
        if len(number[0]) <= WHOLE_PHONE:
            out.append(Markup('<span class="unbroken">{}</span>').format(number[0]))
        else:
            out.append(Markup.escape(number[0]))
        end = number.end()
    out.append(Markup.escape(phone[end:]))
    return Markup("").join(out)


def _unbrace(text: str) -> str:
    """A brace written twice in a label, as str.format reads it, is one brace."""
    return text.replace("{{", "{").replace("}}", "}")


class ConfinedLoader(jinja2.FileSystemLoader):
    """The project's templates, then the built-in theme's; a template that is a link leading
    out of the project (templates/_letterhead.html -> /etc/passwd) is refused, not read into
    the PDFs and e-mails that go to journalists."""

    def __init__(self, project_root: Path):
        super().__init__([str(p) for p in theme.search_path(project_root, "templates")])
        self.roots = theme.readable_roots(project_root)

    def get_source(self, environment, template):
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            candidate = Path(folder, *pieces)
            if candidate.is_file():
                inside(self.roots, candidate)
                break
        return super().get_source(environment, template)


@lru_cache(maxsize=16)
def _environment(project_root: Path, _overrides: tuple) -> jinja2.Environment:
    # Sandboxed: a project's template is a file anyone with the project can change (a
    # colleague, a contributor, a pull request), and Jinja2 otherwise lets it reach Python
    # ({{ cycler.__init__.__globals__.os.popen(...) }}). Immutable too: no template changes
    # the data it is given.
    env = ImmutableSandboxedEnvironment(loader=ConfinedLoader(project_root), autoescape=True,
                                        undefined=jinja2.StrictUndefined, trim_blocks=True,
                                        lstrip_blocks=True, auto_reload=True,
                                        bytecode_cache=_bytecode_cache())
    env.filters["css_string"] = css_string
    env.filters["css_page_label"] = css_page_label
    env.filters["text_direction"] = text_direction
    env.filters["comma"] = comma
    env.filters["email_breaks"] = email_breaks
    env.filters["compounds"] = lambda text: Markup(markdown.compounds_html(str(text)))
    env.filters["phone_breaks"] = phone_breaks
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the user's cache folder: each build is a new process, and
    compiling the theme's templates costs more than rendering them. Jinja2 names each by the
    template's path and checks it against the source, so projects share only what they share."""
    from .files import cache_folder

    # Not the folder unsandboxed presskit kept its code in: Jinja2's cache key is the template
    # and its source, not the environment, and that code would run outside the sandbox.
    folder = cache_folder() / "templates-sandboxed"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def environment(project: Project) -> jinja2.Environment:
    """The Jinja2 environment, made anew when the project's own templates come or go.

    Jinja2 reloads a changed template by itself, but not one newly shadowed by a project file.
    """
    folder = project.root / "templates"
    overrides = tuple(sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                             if p.is_file())) if folder.is_dir() else ()
    return _environment(project.root, overrides)


def render_template(project: Project, name: str, context: dict,
                    env: jinja2.Environment | None = None) -> str:
    """Render a template (from `env`, by default the project's); its errors name file and line."""
    try:
        return (env or environment(project)).get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"{_at(exc.filename or name, exc.lineno)}: template error: "
                         f"{exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise BuildError(f"{project.root / 'templates' / str(exc.name)}: no such template in the "
                         f"project or the built-in theme") from None
    except jinja2.UndefinedError as exc:
        frame = _template_frame(exc)
        where = _at(frame.filename, frame.lineno) if frame else name
        raise BuildError(f"{where}: template error: "
                         f"{_undefined_message(exc.message or '', frame, context)}") from None
    except SecurityError as exc:
        frame = _template_frame(exc)
        where = _at(frame.filename, frame.lineno) if frame else name
        reason = (exc.message or str(exc)).rstrip(".")
        raise BuildError(f"{where}: template error: {reason}; a template may show the "
                         f"release's data, not reach into Python") from None


def _template_frame(exc: Exception):
    """The template line that failed, from the traceback Jinja2 rewrites (or None)."""
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".txt")):
            return frame
    return None


def _undefined_message(message: str, frame, context: dict) -> str:
    """Jinja2's "'types.SimpleNamespace object' has no attribute 'nmae'" as a template's author
    reads it: "'organization' has no 'nmae'; did you mean 'name'?"."""
    import difflib

    missing = re.fullmatch(r"'[^']*' has no attribute '([^']+)'", message)
    line = (frame.line or "") if frame else ""
    owner = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(missing[1])}\b", line) if missing else None
    if owner is None:
        return message
    value: object = context
    for part in owner[1].split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    fields = sorted(vars(value)) if hasattr(value, "__dict__") else []
    close = difflib.get_close_matches(missing[1], fields, n=1)
    return (f"'{owner[1]}' has no '{missing[1]}'" +
            (f"; did you mean '{close[0]}'?" if close else
             f"; it has {', '.join(fields)}" if fields else ""))


def _at(path: str, line: int | None) -> str:
    """Where a template error is: Jinja2 knows the line, not the column, so the column is the
    line's first (editors and terminals jump to path:line:column)."""
    return f"{display_path(path)}:{line}:1" if line else display_path(path)


def content_width_in(project: Project) -> float:
    return PAPER[project.settings.paper][1] - MARGIN_IN


def organization_view(project: Project) -> SimpleNamespace:
    """The organization as templates see it: made once a project, not once a release (its
    Markdown and images are the same on every page of a build)."""
    key = (id(project.organization), id(project.settings))
    kept = project.__dict__.get("_organization_view")
    if kept is None or kept[0] != key:
        kept = project.__dict__["_organization_view"] = (key, _organization_view(project))
    return kept[1]


def _organization_view(project: Project) -> SimpleNamespace:
    org = project.organization
    width = content_width_in(project)
    lang = org.lang
    return SimpleNamespace(
        # The name as its owner writes it, as in the PDF's metadata; the rest typeset.
        name=org.name, short_name=org.short_name, website=org.website,
        location=typography.typeset(org.location, lang),
        **website_link(org.website),
        # A wordmark spells the name: the letterhead and the cover do not set it again.
        name_in_logo=bool(org.logo and org.logo_has_name),
        running_name=running_heads(project.settings.paper, _head_name(project), "")[0],
        logo_uri=_image_uri(project, org.logo, 2.2, 0.7) if org.logo else "",
        **_about(org.boilerplate, org.name, lang, i18n.labels_for(lang, project.settings.labels)),
        history=[SimpleNamespace(year=h.year,
                                 text_html=Markup(markdown.to_inline_html(h.text, lang)))
                 for h in org.history],
        facts=[SimpleNamespace(label=typography.typeset(f.label, lang),
                               value_html=Markup(markdown.to_inline_html(f.value, lang)))
               for f in org.facts],
        people=[SimpleNamespace(name=typography.typeset(p.name, lang),
                                title=typography.typeset(p.title, lang),
                                bio_html=Markup(markdown.to_html(p.bio, lang=lang))
                                if p.bio else "",
                                photo_uri=_image_uri(project, p.photo, *PORTRAIT_IN, crop=True)
                                if p.photo else "")
                for p in org.people],
        contacts=contact_views(org.contacts, lang),
        lang=org.lang,
        content_width=width,
    )


def website_link(website: str) -> dict:
    """The organization's website as printed, "www.postgresql.org" for
    https://www.postgresql.org/ (a reader types no scheme, nor the slash at the end), and the
    address its link leads to: https:// before one written without."""
    written = website.strip()
    shown = re.sub(r"^https?://", "", written, flags=re.IGNORECASE).rstrip("/")
    if re.match(r"https?://", written, re.IGNORECASE):
        url = written
    elif re.fullmatch(r"[\w.-]+\.[a-z]{2,}(/\S*)?", written, re.IGNORECASE):
        url = "https://" + written
    else:
        url = ""     # not an address: printed as written, no link
    return {"website_shown": shown if url else written, "website_url": url}


def _name_of(path: Path) -> str:
    """'assets/clinic-at-dawn.jpg' as 'clinic at dawn'."""
    return " ".join(path.stem.replace("_", " ").replace("-", " ").split()) or path.name


def _image_uri(project: Project, path: Path, width_in: float, height_in: float = 0,
               crop: bool = False) -> str:
    from .images import data_uri

    return data_uri(path, width_in, height_in, crop=crop,
                    cache_dir=None if project.read_only else project.state / "images")


def _photo(project: Project, release: Release, index: int, width_in: float) -> tuple:
    """A release's photo at its printed size, and that size; one too damaged to read is told
    at its 'src' line."""
    from .images import photo_uri

    try:
        return photo_uri(release.images[index].src, width_in, PHOTO_MAX_HEIGHT_IN,
                         cache_dir=None if project.read_only else project.state / "images")
    except BuildError as exc:
        from .load import node_at

        images = node_at(release.path, "images")
        try:
            src = next(value for key, value in images.value[index].value if key.value == "src")
        except (AttributeError, IndexError, StopIteration):
            raise exc from None
        where = f"{display_path(release.path)}:{src.start_mark.line + 1}:" \
                f"{src.start_mark.column + 1}"
        reason = getattr(exc, "reason", "") or "is not an image presskit can read (damaged, " \
            "or of a kind Pillow does not know)"
        raise BuildError(f"{where}: 'src': '{src.value}' {reason}") from None


# The running heads (release.css, @top-left and @top-right): 8 pt Noto Sans, side by side in
# the width the page's side margins leave, a gap of 3 em between them.
HEAD_PT = 8
HEAD_GAP_EM = 3
# The organization's share of the line at most (its name whole, mostly); the headline has
# the rest.
HEAD_NAME_SHARE = 0.5


def head_width_em(paper: str) -> float:
    """How many em of running head a line of the paper holds, with 8 % to spare: the widths
    below are estimates, and a head one em too long would wrap onto a second line."""
    return (PAPER[paper][1] - MARGIN_IN) * 72 / HEAD_PT * 0.92 - HEAD_GAP_EM


def text_width_em(text: str) -> float:
    """The width of `text` in Noto Sans, in em, estimated generously by kind of character
    (its advance widths: i 0.26, a 0.56, W 0.9; CJK a full em)."""
    import unicodedata

    width = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            width += 1.0
        elif char in "MWmw@%—…":
            width += 0.92
        elif char.isupper():
            width += 0.72
        elif char.isspace() or char in ".,:;'’|!ijlft()[]":
            width += 0.32
        else:
            width += 0.6
    return width


def fit(text: str, width_em: float) -> str:
    """`text`, cut at a word's end with an ellipsis when it is wider than `width_em`; a text
    with no space near its end (Chinese, Japanese) is cut between two characters."""
    if text_width_em(text) <= width_em:
        return text
    cut = ""
    for char in text:
        if text_width_em(cut + char + "…") > width_em:
            break
        cut += char
    word_end = cut.rstrip().rfind(" ")
    if word_end > len(cut) * 0.6:
        cut = cut[:word_end]
    return cut.rstrip(",;:—-– ") + "…"


def running_heads(paper: str, name: str, title: str) -> tuple[str, str]:
    """The organization's name and the headline as the running heads print them, each on one
    line: the name (its short form when it has one) in at most HEAD_NAME_SHARE of the line,
    the headline in the rest (a two-line head crowded the page, on real releases)."""
    line = head_width_em(paper)
    name = fit(name, line * HEAD_NAME_SHARE)
    return name, fit(title, line - text_width_em(name))


def _head_name(project: Project) -> str:
    org = project.organization
    return typography.typeset(org.short_name or org.name, org.lang)


def release_view(project: Project, release: Release) -> SimpleNamespace:
    """Everything the templates need about one release, already formatted and escaped."""
    lang = project.release_lang(release)
    labels = i18n.labels_for(lang, project.settings.labels)
    width = content_width_in(project)
    date_text = i18n.format_date(release.date, lang)
    contacts = project.release_contacts(release)
    boilerplate = project.release_boilerplate(release)
    boilerplate_lang = lang if release.boilerplate else project.organization.lang
    title = typography.typeset(release.title, lang)
    body_html = Markup(lead_with_dateline(markdown.to_html(release.body, lang=lang),
                                          release.dateline, date_text))
    return SimpleNamespace(
        slug=release.slug,
        title=title,
        short_title=running_heads(project.settings.paper, _head_name(project), title)[1],
        subtitle=typography.typeset(release.subtitle, lang),
        date=release.date,
        date_text=date_text,
        dateline=typography.typeset(release.dateline, lang),
        embargo=release.embargo,
        embargo_text=i18n.format_embargo(release.embargo, lang, project.settings.timezone)
        if release.embargo else "",
        lang=lang,
        colon=i18n.colon(lang),
        dir=i18n.direction(lang),
        labels=labels,
        body_html=body_html,
        # Between which the template writes the photo slots (placement.py).
        body_blocks=placement.body_blocks(body_html),
        notes_html=Markup(markdown.to_html(release.notes, lang=lang))
        if release.notes.strip() else "",
        **_about(boilerplate, project.organization.name, boilerplate_lang, labels),
        # The organization's own boilerplate is in its language, which may run the other way.
        boilerplate_lang=boilerplate_lang,
        boilerplate_dir=i18n.direction(boilerplate_lang),
        images=[_image_view(project, release, n, width, labels, lang)
                for n in range(len(release.images))],
        contacts=contact_views(contacts, lang),
        tags=release.tags,
    )


def _about(boilerplate: str, name: str, lang: str, labels: dict) -> dict:
    """The About section's heading and text: the boilerplate's own heading when it opens with
    one ("ABOUT THE TOR PROJECT"), else "About <name>" (twice, one under the other, on real
    releases); `boilerplate_text` is the Markdown under it, for the e-mail."""
    heading, text = markdown.split_about(boilerplate)
    return {"about_heading": typography.typeset(heading, lang) if heading
            else labels["about"].format(name=name),
            "about_heading_own": bool(heading),   # in the boilerplate's language, not a label's
            "boilerplate_text": text,
            "boilerplate_html": Markup(markdown.to_html(text, lang=lang))}


def contact_views(contacts: list[Contact], lang: str) -> list[SimpleNamespace]:
    """Media contacts as printed: a name and title typeset, the address and phone as written."""
    return [SimpleNamespace(name=typography.typeset(c.name, lang),
                            title=typography.typeset(c.title, lang), email=c.email, phone=c.phone)
            for c in contacts]


def _image_view(project: Project, release: Release, index: int, width: float, labels: dict,
                lang: str) -> SimpleNamespace:
    img = release.images[index]
    uri, width_in, height_in = _photo(project, release, index, width)
    return SimpleNamespace(
        number=index + 1, uri=uri, width_in=width_in, height_in=height_in,
        caption=img.caption, caption_html=Markup(markdown.to_inline_html(img.caption, lang)),
        credit=img.credit, alt=img.alt,
        credit_line=credit_line(typography.typeset(img.credit, lang), labels,
                                i18n.colon(lang)),
        # A tagged PDF needs a text for every picture: failing the alt and the caption, the
        # file's name (check warns of it).
        alt_text=img.alt or img.caption or _name_of(img.src))


# How a credit that names itself begins: it gets no "Photo:" before it.
SELF_NAMED_CREDIT = ("©", "(c)", "photo", "credit", "courtesy", "image", "picture")


def credit_line(credit: str, labels: dict, colon: str) -> str:
    """'Photo: Ada Example'; a credit that says what it is ('Photo by Ada Example', '© Ada
    Example') as it is, not 'Photo: Photo by …' (a QA pass)."""
    opening = credit.lstrip().casefold()
    if opening.startswith((*SELF_NAMED_CREDIT, labels["photo"].casefold())):
        return credit
    return f"{labels['photo']}{colon} {credit}"


def lead_with_dateline(body_html: str, dateline: str, date_text: str) -> str:
    """Put 'DATELINE — Date — ' at the head of the first paragraph, as wire copy does."""
    lead = (f'<span class="dateline">{Markup.escape(dateline)}</span> — '
            f'<span class="dateline-date">{Markup.escape(date_text)}</span> — ')
    first = re.match(r'<p(?: class="[^"]*")?>', body_html)
    if first:
        return first[0] + lead + body_html[first.end():]
    return f'<p class="dateline-alone">{lead.rstrip(" —")}</p>\n' + body_html


def page_context(project: Project, lang: str) -> dict:
    """What every page template gets: paper, accent, stylesheet, labels."""
    paper_css, _, _ = PAPER[project.settings.paper]
    return {
        "paper": project.settings.paper,
        "paper_css": Markup(paper_css),
        "accent": Markup(_accent(project.settings.accent)),
        "lang": lang,
        "dir": i18n.direction(lang),
        "labels": i18n.labels_for(lang, project.settings.labels),
        "colon": i18n.colon(lang),
    }


def _accent(value: str) -> str:
    return value if re.fullmatch(r"#[0-9a-fA-F]{3,8}", value or "") else DEFAULT_ACCENT


def release_html(project: Project, release: Release) -> str:
    """The self-contained HTML of one release's PDF."""
    view = release_view(project, release)
    context = page_context(project, view.lang)
    context.update(
        title=release.title,
        description=release.subtitle,   # the PDF's Subject
        organization=organization_view(project),
        keywords=release.tags,
        created=release.date.isoformat(),
        release=view,
        labels=view.labels,
        page_label=css_page_label(view.labels["page"]),
        **stylesheets(project, "release.css"),
    )
    # Its photos and closing matter are placed where it is laid out (pdf.render_pdf).
    return render_template(project, "release.html", context)


def stylesheets(project: Project, *names: str) -> dict:
    """The page's stylesheets, each in its own <style> (base.html), and, for a project's
    base.html written before that, all of them as one `stylesheet`."""
    sheets = [theme.Sheet(s.source, Markup(s.text))
              for s in theme.style_sheets(project.root, *names)]
    return {"stylesheets": sheets, "stylesheet": Markup("\n".join(s.text for s in sheets))}


def release_sources(project: Project, release: Release) -> list[Path]:
    """Every file a release's PDF is made from: the release, organization.yaml and
    presskit.yaml (even while it does not exist: one added may change the PDF), the logo and
    the release's images, and every template and stylesheet it may use. The one answer for the
    build cache and the preview."""
    root = project.root
    files = [release.path, root / "organization.yaml", root / "presskit.yaml"]
    if release.original:   # a translation takes the pictures it leaves out from its original
        files.append(project.release(release.original).path)
    files += [p for p in (project.organization.path, project.settings.path) if p]
    files += [project.organization.logo] if project.organization.logo else []
    files += [image.src for image in release.images]
    return files + theme_sources(root)


def theme_sources(root: Path) -> list[Path]:
    """Every template and stylesheet a release may use, the project's and the built-in ones."""
    files = []
    for kind in ("templates", "styles"):
        for folder in theme.search_path(root, kind):
            if folder.is_dir():
                files += sorted(p for p in folder.rglob("*") if p.is_file())
    return files

