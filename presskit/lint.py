"""Lint: things that are valid but probably wrong, reported as warnings by `presskit check`.

Each rule looks at one loaded release (or the organization) and points at the line of the
field at fault, so an editor can jump there. `check --strict` turns these warnings into errors.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from . import i18n
from .errors import Problem
from .load import Project, node_at
from .markdown import followable, link_targets
from .model import Release

MAX_HEADLINE = 100
# A file named 2024-03-05 holding 2021-03-05, or 2024-03-19, is a typo, a copied file or a
# release moved without renaming its file, whose name the PDF and the send ledger carry; a
# release moved by a day or two, even across New Year, is not worth a warning.
MAX_NAME_DRIFT_DAYS = 7
# Markdown's ![alt](src): images go in the release's images list (captions, credits, size), so
# the body renders none.
BODY_IMAGE_RE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
# "-more-" or "(more)" and the end mark "-30-", typed on a line of their own as on a typewriter.
TYPED_MARK_RE = re.compile(
    r"^[ \t]*(?:[-–—(]+[ \t]*more[ \t]*[-–—)]+|-[ \t]*30[ \t]*-)[ \t]*$",
    re.IGNORECASE | re.MULTILINE)
# Markdown or HTML in a headline, which is plain text: *Nature*, **new**, `code`, <b>…</b>.
MARKUP_RE = re.compile(r"(\*\*?|`)[^*`\s][^*`]*\1|</?(b|i|em|strong|br|span)\b[^>]*>",
                       re.IGNORECASE)


def lint_project(project: Project, today: dt.date | None = None) -> list[Problem]:
    """Every warning about the project, in file and line order."""
    today = today or dt.date.today()
    warnings: list[Problem] = []
    for release in project.releases.values():
        warnings += lint_release(project, release, today)
        if release.original:
            warnings += lint_translation(project, release)
    return sorted(warnings + lint_settings(project) + lint_release_files(project))


def lint_release_files(project: Project) -> list[Problem]:
    """A file in releases/ that looks like a release but is not read as one (X.YAML): it would
    be missing from every build and kit without a word."""
    folder = project.root / "releases"
    if not folder.is_dir():
        return []
    return [Problem(str(path), None, None, f"not read: a release file's name ends in "
                                           f"{path.suffix.lower()}, in lower case", warning=True)
            for path in sorted(folder.iterdir())
            if path.is_file() and not path.name.startswith(".")
            and path.suffix.lower() in (".yaml", ".yml") and path.suffix not in (".yaml", ".yml")]


def lint_translation(project: Project, release: Release) -> list[Problem]:
    """A translation that gives other pictures or other media contacts than its original's:
    a journalist of one language would see another story, or call someone else (the captions
    and a contact's title are translated, so only the files and the addresses compare)."""
    original = project.release(release.original)
    found = []
    if "images" in release.lines and \
            [i.src for i in release.images] != [i.src for i in original.images]:
        found.append(Problem(str(release.path), release.lines["images"], 1,
                             f"other pictures than {_name(original)}'s; a translation "
                             f"that leaves images out shows the original's", warning=True))
    if "contacts" in release.lines:
        def reach(r):
            return [(c.email.lower(), c.phone) for c in project.release_contacts(r)]
        if reach(release) != reach(original):
            found.append(Problem(str(release.path), release.lines["contacts"], 1,
                                 f"other media contacts than {_name(original)}'s; a "
                                 f"translation that leaves contacts out gives the original's",
                                 warning=True))
    return found


def _name(release: Release) -> str:
    return f"releases/{release.path.name}"


def lint_settings(project: Project) -> list[Problem]:
    """presskit.yaml still sending as `presskit init`'s invented organization after
    organization.yaml was made one's own: every message would go out under its name."""
    from .scaffold import SCAFFOLD_ORGANIZATION

    settings = project.settings
    if settings.path is None or SCAFFOLD_ORGANIZATION in project.organization.name:
        return []
    found = []
    for key, value in (("from", settings.email.sender), ("reply_to", settings.email.reply_to)):
        if SCAFFOLD_ORGANIZATION.split()[0] in value:
            node = node_at(settings.path, "email", key)
            line, column = (node.start_mark.line + 1, node.start_mark.column + 1) \
                if node is not None else (1, 1)
            found.append(Problem(str(settings.path), line, column, f"the sender '{value}' is still "
                                 f"the example's: messages would go out under its name; put "
                                 f"your press office's", warning=True))
    return found


def lint_release(project: Project, release: Release, today: dt.date) -> list[Problem]:
    """The warnings about one release."""
    found: list[Problem] = []

    def warn(field: str | None, message: str, line: int | None = None) -> None:
        # A warning about something missing points at the top of the file.
        line = line or (release.lines.get(field) if field else None) or 1
        found.append(Problem(str(release.path), line, 1, message, warning=True))

    if len(release.title) > MAX_HEADLINE:
        warn("title", f"the headline has {len(release.title)} characters; headlines over "
                      f"{MAX_HEADLINE} get cut in inboxes and wire listings")
    for field, label in (("title", "headline"), ("subtitle", "subheadline")):
        markup = MARKUP_RE.search(getattr(release, field))
        if markup:
            warn(field, f"the {label} is plain text: '{markup[0]}' prints as it is written, "
                        f"in the PDF, its metadata and the e-mail's subject")
    if release.date > today and release.embargo is None:
        warn("date", f"the date {release.date.isoformat()} is in the future but the release "
                     f"has no embargo; add 'embargo:' or it reads FOR IMMEDIATE RELEASE")
    if release.embargo is not None and release.embargo.date() < release.date:
        warn("embargo", f"the embargo ({release.embargo.date().isoformat()}) lifts before the "
                        f"release's date ({release.date.isoformat()})")
    elif release.embargo is not None and release.embargo.date() > release.date:
        warn("embargo", f"the embargo ({release.embargo.date().isoformat()}) lifts after the "
                        f"release's date ({release.date.isoformat()}); a release is dated the "
                        f"day it goes public")
    zone = project.settings.timezone
    if release.embargo is not None and zone:
        meant = _summer_time_slip(release.embargo, zone)
        if meant:
            warn("embargo", f"the embargo's offset {i18n.utc_offset(release.embargo)[3:]} is "
                            f"not {zone}'s on {release.embargo.date().isoformat()} "
                            f"({meant[3:]}): summer time? The PDF reads "
                            f"{i18n.readable_offset(release.embargo)}, not the zone's name")
    if not project.release_contacts(release):
        warn("contacts" if release.contacts is not None else None,
             "no media contact: give 'contacts' in the release or in organization.yaml")
    lines = _image_lines(release.path) if release.images else []
    for index, image in enumerate(release.images, 1):
        line = lines[index - 1] if index <= len(lines) else None
        missing = [name for name in ("caption", "credit") if not getattr(image, name).strip()]
        if missing:
            warn("images", f"image {index} ({image.src.name}) has no "
                           f"{' and no '.join(missing)}", line)
    pictures = BODY_IMAGE_RE.findall(release.body)
    if pictures:
        shown = ", ".join(p[:60] for p in pictures[:3]) + (", …" if len(pictures) > 3 else "")
        some = "an image" if len(pictures) == 1 else f"{len(pictures)} images"
        warn("body", f"the body has {some} ({shown}), printed as text, not as a picture: "
                     f"list {'it' if len(pictures) == 1 else 'them'} under 'images:', with "
                     f"caption and credit")
    # Marks of a typed release that the PDF sets itself: typed, they print where they stand.
    typed = TYPED_MARK_RE.search(release.body)
    if typed:
        said = typed[0].strip()
        sets = ("- more - at the foot of each page but the last" if "more" in said.lower()
                else "the end mark ###")
        warn("body", f"the body has '{said}' typed on a line of its own: the PDF sets {sets} "
                     f"itself; remove it, or it prints where it stands")
    # A link that is not a web or e-mail address prints as its text alone.
    unfollowable = [target for target in link_targets(release.body) if not followable(target)]
    if unfollowable:
        warn("body", f"the link to '{unfollowable[0]}' is not a web or e-mail address "
                     f"(https://…, mailto:…): the PDF prints its text alone; link to a page "
                     f"journalists can open")
    lang = project.release_lang(release)
    if not i18n.has_labels(lang, project.settings.labels):
        warn("lang" if release.lang else None,
             f"presskit has no labels in '{lang}': FOR IMMEDIATE RELEASE, Page 1 of 2 and the "
             f"others print in English; give them in presskit.yaml under 'labels: "
             f"{i18n.base_language(lang)}:'")
    # The organization's boilerplate is required by the schema; a release's may be blanked.
    if "boilerplate" in release.lines and not release.boilerplate.strip():
        warn("boilerplate", "the boilerplate is empty; remove the field to use the "
                            "organization's")
    name_date = _name_date(release.slug)
    if name_date is None:
        warn(None, f"the file name's date {release.slug[:10]} is not a real date")
    elif abs((release.date - name_date).days) > MAX_NAME_DRIFT_DAYS:
        days = abs((release.date - name_date).days)
        warn("date", f"the date ({release.date.isoformat()}) is {days} days from the file "
                     f"name's ({name_date.isoformat()}); rename the file or fix the date")
    return found


def _summer_time_slip(moment: dt.datetime, zone: str) -> str:
    """The office zone's offset at the embargo's local time when the embargo's own is an hour
    off it (-05:00 written for New York in June), else ''. An embargo in UTC is a choice, not
    a slip; and at an hour the clocks go back, both of the zone's offsets are right."""
    office = i18n.time_zone(zone)
    written = moment.utcoffset()
    if office is None or not written:
        return ""
    local = moment.replace(tzinfo=office, fold=0)
    offsets = {local.utcoffset(), local.replace(fold=1).utcoffset()}
    if written in offsets or None in offsets \
            or all(abs(written - actual) != dt.timedelta(hours=1) for actual in offsets):
        return ""
    return i18n.utc_offset(local)


def _name_date(slug: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(slug[:10])
    except ValueError:
        return None


def _image_lines(path: Path) -> list[int | None]:
    """The line of each entry of 'images' (the loaded model keeps only top-level lines)."""
    node = node_at(path, "images")
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]
