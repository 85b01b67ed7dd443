"""The data a press office keeps, as plain dataclasses (no YAML, no positions)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

# The folders a project keeps its parts in (CONTRACT.md): never a project's own folder.
PROJECT_FOLDERS = ("releases", "media", "assets", "templates", "styles", "dist", ".presskit")


def enclosing_project(folder: Path) -> tuple[Path, str] | None:
    """(the project, the part of it) when `folder` lies inside one of a project's own
    folders, such as its releases/: where a press officer who has cd'ed in really is."""
    folder = folder.resolve()
    for above in folder.parents:
        if (above / "organization.yaml").is_file():
            part = folder.relative_to(above).parts[0]
            return (above, part) if part in PROJECT_FOLDERS else None
    return None


def release_paths(root: Path) -> list[Path]:
    """The release files of a project: releases/*.yaml and *.yml, by name. Hidden files (an
    editor's lock or backup file) are not releases."""
    folder = root / "releases"
    if not folder.is_dir():
        return []
    return sorted(p for suffix in ("*.yaml", "*.yml") for p in folder.glob(suffix)
                  if not p.name.startswith("."))


def split_slug(stem: str) -> tuple[str, str]:
    """A release file's stem as (the original's slug, the translation's language suffix):
    '2024-03-05-clinics.fr' is ('2024-03-05-clinics', 'fr'), an original's suffix is ''.
    Hugo names translations so (index.fr.md beside index.md)."""
    base, dot, suffix = stem.rpartition(".")
    return (base, suffix) if dot and base else (stem, "")


@dataclass(frozen=True)
class Contact:
    """A media contact: a person or a desk, or only an address; an email or a phone at least
    (schema.CONTACTS)."""

    name: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Person:
    name: str
    title: str = ""
    bio: str = ""
    photo: Path | None = None


@dataclass(frozen=True)
class HistoryEntry:
    year: str
    text: str


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Image:
    src: Path
    caption: str = ""
    credit: str = ""
    alt: str = ""



def base_tag(lang: str) -> str:
    """The language of a BCP 47 tag, lower-cased: 'fr-CA' and 'fr_CA' are 'fr'."""
    return lang.replace("_", "-").split("-")[0].lower()


@dataclass
class Organization:
    path: Path
    name: str
    boilerplate: str
    short_name: str = ""
    location: str = ""
    website: str = ""
    logo: Path | None = None
    logo_has_name: bool = False   # a wordmark: the name is not printed beside it again
    history: list[HistoryEntry] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    lang: str = "en"


@dataclass
class Release:
    path: Path
    slug: str
    title: str
    date: dt.date
    dateline: str
    body: str
    subtitle: str = ""
    embargo: dt.datetime | None = None
    lang: str = ""
    images: list[Image] = field(default_factory=list)
    contacts: list[Contact] | None = None
    notes: str = ""
    boilerplate: str = ""
    tags: list[str] = field(default_factory=list)
    # 1-based line of each field in the release file, for lint messages.
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    # A translation (releases/<slug>.<lang>.yaml) names its original's slug here; an original
    # has '' and its translations by language, in file-name order (Project.versions).
    original: str = ""
    translations: dict[str, "Release"] = field(default_factory=dict, repr=False,
                                               compare=False)

    def under_embargo(self, now: dt.datetime | None = None) -> bool:
        """True while the embargo has not lifted."""
        if self.embargo is None:
            return False
        now = now or dt.datetime.now(dt.timezone.utc)
        return now < self.embargo


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    given: bool = False         # set in presskit.yaml, not presskit's default


@dataclass(frozen=True)
class EmailSettings:
    sender: str = ""          # "from" in presskit.yaml
    reply_to: str = ""
    per_minute: float = 60    # 0 turns the limit off
    smtp: SmtpSettings = SmtpSettings()


@dataclass
class Settings:
    path: Path | None = None
    paper: str = "letter"  # letter | a4
    email: EmailSettings = field(default_factory=EmailSettings)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> key -> text
    accent: str = ""
    timezone: str = ""    # the press office's IANA zone: embargoes then say EST, not UTC-05:00
    site_url: str = ""    # the newsroom's address (site: {url: ...}), for its absolute links
