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
from markupsafe import Markup

from . import i18n, markdown, placement, theme
from .errors import BuildError, display_path
from .load import Project
from .model import Release

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
    """An e-mail address kept whole on its line when it fits any (`whole` characters: a kit's
    contact column holds about 30, a release's contact line about 100); a longer one may break
    before a dot or the @, and nowhere else: broken at its own hyphen it would read, and copy
    out of the PDF, as another address."""
    if len(address) <= whole:
        return Markup('<span class="unbroken">{}</span>').format(address)
    pieces = re.split(r"(?=[.@])", address)
    return Markup("<wbr>").join(Markup('<span class="unbroken">{}</span>').format(piece)
                                for piece in pieces if piece)


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


@lru_cache(maxsize=16)
def _environment(project_root: Path, _overrides: tuple) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([str(p) for p in theme.search_path(project_root, "templates")])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True,
                             auto_reload=True, bytecode_cache=_bytecode_cache())
    env.filters["css_string"] = css_string
    env.filters["css_page_label"] = css_page_label
    env.filters["text_direction"] = text_direction
    env.filters["comma"] = comma
    env.filters["email_breaks"] = email_breaks
    env.filters["phone_breaks"] = phone_breaks
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the user's cache folder: each build is a new process, and
    compiling the theme's templates costs more than rendering them. Jinja2 names each by the
    template's path and checks it against the source, so projects share only what they share."""
    from .user_cache import cache_folder

    folder = cache_folder() / "templates"
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
        name=org.name, short_name=org.short_name, location=org.location, website=org.website,
        logo_uri=_image_uri(project, org.logo, 2.2, 0.7) if org.logo else "",
        boilerplate_html=Markup(markdown.to_html(org.boilerplate, lang=lang)),
        history=[SimpleNamespace(year=h.year,
                                 text_html=Markup(markdown.to_inline_html(h.text, lang)))
                 for h in org.history],
        facts=[SimpleNamespace(label=f.label,
                               value_html=Markup(markdown.to_inline_html(f.value, lang)))
               for f in org.facts],
        people=[SimpleNamespace(name=p.name, title=p.title,
                                bio_html=Markup(markdown.to_html(p.bio, lang=lang))
                                if p.bio else "",
                                photo_uri=_image_uri(project, p.photo, *PORTRAIT_IN, crop=True)
                                if p.photo else "")
                for p in org.people],
        contacts=org.contacts,
        lang=org.lang,
        content_width=width,
    )


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
        raise BuildError(f"{where}: 'src': '{src.value}' is not an image presskit can read "
                         f"(damaged, or of a kind Pillow does not know)") from None


def short_title(title: str, limit: int = 60) -> str:
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—-– ") + "…"


def release_view(project: Project, release: Release) -> SimpleNamespace:
    """Everything the templates need about one release, already formatted and escaped."""
    lang = project.release_lang(release)
    labels = i18n.labels_for(lang, project.settings.labels)
    width = content_width_in(project)
    date_text = i18n.format_date(release.date, lang)
    contacts = project.release_contacts(release)
    boilerplate = project.release_boilerplate(release)
    boilerplate_lang = lang if release.boilerplate else project.organization.lang
    title = i18n.punctuation_spaces(release.title, lang)
    body_html = Markup(lead_with_dateline(markdown.to_html(release.body, lang=lang),
                                          release.dateline, date_text))
    return SimpleNamespace(
        slug=release.slug,
        title=title,
        short_title=short_title(title),
        subtitle=i18n.punctuation_spaces(release.subtitle, lang),
        date=release.date,
        date_text=date_text,
        dateline=release.dateline,
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
        boilerplate_html=Markup(markdown.to_html(boilerplate, lang=boilerplate_lang)),
        # The organization's own boilerplate is in its language, which may run the other way.
        boilerplate_lang=boilerplate_lang,
        boilerplate_dir=i18n.direction(boilerplate_lang),
        images=[_image_view(project, release, n, width, labels, lang)
                for n in range(len(release.images))],
        contacts=contacts,
        tags=release.tags,
    )


def _image_view(project: Project, release: Release, index: int, width: float, labels: dict,
                lang: str) -> SimpleNamespace:
    img = release.images[index]
    uri, width_in, height_in = _photo(project, release, index, width)
    return SimpleNamespace(
        number=index + 1, uri=uri, width_in=width_in, height_in=height_in,
        caption=img.caption, caption_html=Markup(markdown.to_inline_html(img.caption, lang)),
        credit=img.credit, alt=img.alt,
        credit_line=credit_line(img.credit, labels, i18n.colon(lang)),
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
    if body_html.startswith("<p>"):
        return "<p>" + lead + body_html[3:]
    return f'<p class="dateline-alone">{lead.rstrip(" — ")}</p>\n' + body_html


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
    html = render_template(project, "release.html", context)
    if project.read_only:
        return html    # `check`: the templates are what it checks, not the layout
    return placement.fit(html, placement.lay_out_in(project.root,
                                                    theme.readable_roots(project.root)))[0]


def stylesheets(project: Project, *names: str) -> dict:
    """The page's stylesheets, each in its own <style> (base.html), and, for a project's
    base.html written before that, all of them as one `stylesheet`."""
    sheets = [theme.Sheet(s.source, Markup(s.text))
              for s in theme.style_sheets(project.root, *names)]
    return {"stylesheets": sheets, "stylesheet": Markup("\n".join(s.text for s in sheets))}


def release_sources(project: Project, release: Release) -> list[Path]:
    """Files besides the release whose content a release PDF depends on (for the cache)."""
    return own_sources(project, release) + theme_sources(project.root)


def own_sources(project: Project, release: Release) -> list[Path]:
    """The project's files a release PDF depends on, but for templates and styles."""
    files = [p for p in (project.organization.path, project.settings.path) if p]
    org = project.organization
    files += [org.logo] if org.logo else []
    return files + [img.src for img in release.images]


def theme_sources(root: Path) -> list[Path]:
    """Every template and stylesheet a release may use, the project's and the built-in ones."""
    files = []
    for kind in ("templates", "styles"):
        for folder in theme.search_path(root, kind):
            if folder.is_dir():
                files += sorted(p for p in folder.rglob("*") if p.is_file())
    return files

