"""Load a project folder: read every YAML file with positions, validate, build the model.

All problems of all files are gathered and raised together as one ProjectError, so a press
officer sees everything to fix in one run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from . import schema
from .errors import FileRefused, Problem, ProjectError
from .files import display_path, read_bytes_inside, relative_to_cwd
from .model import (
    Contact,
    EmailSettings,
    Fact,
    HistoryEntry,
    Image,
    Organization,
    Person,
    Release,
    Settings,
    SmtpSettings,
    base_tag,
    enclosing_project,
    release_paths,
    split_slug,
)
from .yaml_advice import advice

SLUG_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})-[a-z0-9][a-z0-9-]*$")
# The language suffix of a translation's file name, a BCP 47 tag: fr, pt-BR, zh-Hant.
LANG_SUFFIX_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass
class Project:
    """A press-kit project: its settings, organization and releases (sorted by date)."""

    root: Path
    settings: Settings
    organization: Organization
    releases: dict[str, Release] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    # Set by `check`, which writes nothing: scaled images are not kept in .presskit/images.
    read_only: bool = field(default=False, compare=False)

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    @property
    def state(self) -> Path:
        return self.root / ".presskit"

    def release(self, slug: str) -> Release:
        from .errors import PresskitError

        if slug not in self.releases:
            known = ", ".join(sorted({p.stem for p in release_paths(self.root)})) or "none"
            raise PresskitError(f"{display_path(self.root / 'releases')}: no release '{slug}' "
                                f"(releases: {known})")
        return self.releases[slug]

    def release_lang(self, release: Release) -> str:
        return release.lang or self.organization.lang or "en"

    def originals(self) -> list[Release]:
        """The releases that are no translation of another, by date: one a story."""
        return [r for r in self.releases.values() if not r.original]

    def versions(self, slug: str) -> dict[str, Release]:
        """Every language version of a release (named by its slug or a version's), by
        language: the original first, then its translations (releases/<slug>.<lang>.yaml).
        What the newsroom's hreflang links and a send by language are made from."""
        original = self.release(split_slug(slug)[0] if slug not in self.releases else slug)
        if original.original:
            original = self.release(original.original)
        return {self.release_lang(original): original, **original.translations}

    def version_for(self, slug: str, lang: str) -> Release:
        """The version of release `slug` for a reader of `lang`: the exact tag, then its
        language (fr-CA reads fr), then the original."""
        versions = self.versions(slug)
        by_tag = {tag.lower(): release for tag, release in versions.items()}
        wanted = (lang or "").strip().replace("_", "-").lower()
        if wanted in by_tag:
            return by_tag[wanted]
        base = base_tag(wanted)
        if base and base in by_tag:
            return by_tag[base]
        return next(iter(versions.values()))

    def release_contacts(self, release: Release) -> list[Contact]:
        """The media contacts a release prints: its own, else the organization's."""
        return release.contacts if release.contacts is not None else self.organization.contacts

    def release_boilerplate(self, release: Release) -> str:
        """The "About" text a release prints: its own, else the organization's."""
        return release.boilerplate or self.organization.boilerplate


# The largest YAML file presskit reads: a long release is 30 KB, an organization with every
# biography 100 KB. One of 50 MB (a paste gone wrong, a hostile file) took a minute and half a
# gigabyte to check, and more than a gigabyte to build.
YAML_LIMIT = 1_000_000


def read_text(path: Path, problems: list[Problem], how: str = "save the file as UTF-8", *,
              root: Path | None = None, limit: int = YAML_LIMIT) -> str | None:
    """A project file's text, or None with a problem: a link out of `root` (the file's own
    folder by default), larger than `limit` bytes, unreadable, or not UTF-8 (pointing at the
    first bad byte, by line and column, and saying `how` to mend it)."""
    raw = read_raw(path, problems, root=root, limit=limit)
    return None if raw is None else decode_utf8(path, raw, problems, how)


def read_raw(path: Path, problems: list[Problem], *, root: Path | None,
             limit: int) -> bytes | None:
    """A project file's bytes, or None with a problem: a link out of `root` (the file's own
    folder by default), larger than `limit` bytes, or unreadable."""
    try:
        return read_bytes_inside(root or path.parent, path, limit)
    except FileRefused as exc:
        problems.append(exc.problem())
    except OSError as exc:
        problems.append(Problem(str(path), None, None, f"cannot read: {exc.strerror}"))
    return None


def decode_utf8(path: Path, raw: bytes, problems: list[Problem],
                how: str = "save the file as UTF-8") -> str | None:
    """`raw` as UTF-8 text, or None with a problem pointing at the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(str(path), line, column,
                                f"not UTF-8 text ({exc.reason}); {how}"))
    return None


# The control characters word processors leave in pasted text.
CONTROL_NAMES = {0x0B: "a vertical tab: Word's line break, Shift+Enter",
                 0x0C: "a form feed: a page break", 0x00: "a NUL byte",
                 0x08: "a backspace", 0x1B: "an escape character"}


def read_yaml(path: Path, problems: list[Problem], *, empty_ok: bool = False,
              root: Path | None = None, limit: int = YAML_LIMIT) -> yaml.Node | None:
    """Parse one YAML file into a node tree; syntax errors become problems, and so does an
    empty file (nothing but comments) unless `empty_ok`."""
    text = read_text(path, problems, root=root, limit=limit)
    if text is None:
        return None
    try:
        node = _compose(text)
    except RecursionError:   # [[[[... a thousand deep: libyaml's limit, or Python's stack
        problems.append(Problem(str(path), None, None, "nested too deeply to read (lists or "
                                                       "mappings inside each other hundreds "
                                                       "of levels deep)"))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        unclosed = exc.context_mark is not None and "end of stream" in (exc.problem or "")
        if unclosed:   # a quote or bracket left open: where it opens, not the file's end
            mark = exc.context_mark
        message = f"YAML syntax error: {exc.problem or exc.context}"
        if exc.context and exc.problem:
            opened = exc.context_mark
            if opened is not None and mark is not None and not unclosed \
                    and opened.line != mark.line:
                message += f" ({exc.context} that opens on line {opened.line + 1})"
            else:
                message += f" ({exc.context})"
        hint = advice(text, exc)
        if hint:
            message += f"; {hint}"
        problems.append(Problem(str(path), mark.line + 1 if mark else None,
                                mark.column + 1 if mark else None, message))
        return None
    except yaml.reader.ReaderError as exc:   # a control character, pasted from a word processor
        position = exc.position
        line = text.count("\n", 0, position) + 1
        column = position - text.rfind("\n", 0, position)
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        name = CONTROL_NAMES.get(char, "a control character")
        problems.append(Problem(str(path), line, column,
                                f"U+{char:04X} ({name}) cannot be in a YAML file; delete it, "
                                f"or put a space or a line break in its place"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(str(path), None, None, f"YAML error: {exc}"))
        return None
    if node is None and not empty_ok:
        problems.append(Problem(str(path), 1, 1, "the file is empty"))
    return node


def node_at(path: Path, *keys: str) -> yaml.Node | None:
    """The node of the value at ``keys`` (mapping keys, outermost first) in a YAML file, or
    None. The model keeps values, not their places: a warning or an error that must point
    inside a file reads it again (it was valid a moment ago, so this is cheap)."""
    node = read_yaml(path, []) if path.is_file() else None
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value
                     if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    return node


def _compose(text: str) -> yaml.Node | None:
    """libyaml's parser when installed (thirty times faster: 24 releases in 5 ms, not 170), and
    the pure-Python one for a file libyaml rejects, so error messages read the same everywhere."""
    if getattr(yaml, "__with_libyaml__", False):
        try:
            return yaml.compose(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError as exc:
            # libyaml stops at a thousand levels: too deep, as the pure-Python parser would
            # say after a second's work, when it runs out of stack (it recurses once a level).
            if "maximum nesting depth" in str(getattr(exc, "problem", "")):
                raise RecursionError(exc.problem) from exc
    return yaml.compose(text, Loader=yaml.SafeLoader)


def load_project(root: Path | str = ".", theme_roots: tuple[Path, ...] = (),
                 only: Iterable[str] | None = None) -> Project:
    """Read and validate a project folder. Raises ProjectError listing every problem.

    With `only` (slugs), the other releases are neither read nor checked: building or sending
    the release named is not held up by a colleague's half-written draft.
    """
    root = Path(root).resolve()
    problems: list[Problem] = []
    if not root.is_dir():
        raise ProjectError([Problem(str(root), None, None, "no such project folder")])
    allowed = (root,)

    settings = load_settings(root, problems)
    org_path = root / "organization.yaml"
    organization = None
    if not org_path.is_file():
        inside = enclosing_project(root)
        advice = (f"this is the {inside[1]}/ folder of the project in "
                  f"{relative_to_cwd(inside[0])}: run presskit there, or give --project "
                  f"{relative_to_cwd(inside[0])}") if inside else \
            "run 'presskit init' to start one"
        problems.append(Problem(str(org_path), None, None,
                                f"missing: every project needs an organization.yaml ({advice})"))
    else:
        organization = load_organization(org_path, root, allowed, problems)

    releases: dict[str, Release] = {}
    seen: dict[str, Path] = {}
    # A release named is read with all its language versions: they are one release.
    wanted = None if only is None else {split_slug(slug)[0] for slug in only}
    for path in release_paths(root):
        if wanted is not None and split_slug(path.stem)[0] not in wanted:
            continue
        if path.stem in seen:   # x.yaml and x.yml: two releases could not share one PDF
            problems.append(Problem(str(path), 1, 1, f"the same release as "
                                    f"{display_path(seen[path.stem])}; keep one of the two"))
            continue
        seen[path.stem] = path
        release = load_release(path, root, allowed, problems, settings.timezone)
        if release is not None:
            releases[release.slug] = release

    link_translations(releases, {p.stem for p in release_paths(root)}, problems)
    if problems:
        raise ProjectError(problems)
    assert organization is not None
    ordered = dict(sorted(releases.items(), key=lambda kv: (kv[1].date, kv[0])))
    return Project(root=root, settings=settings, organization=organization, releases=ordered)


# What a translation that leaves a field out takes from its original: the same pictures,
# media contacts and tags serve every language (captions and titles then read as the
# original's). Text a reader reads in their language (notes, boilerplate) is not taken.
INHERITED = ("images", "contacts", "tags")


def link_translations(releases: dict[str, Release], stems: set[str],
                      problems: list[Problem]) -> None:
    """Join each translation to its original (Release.original, .translations), give it the
    fields it leaves out (INHERITED), and refuse one without an original or whose date or
    embargo differs from the original's: an embargo lifts at one moment in every language."""
    for slug, release in releases.items():
        base, suffix = split_slug(slug)
        if not suffix:
            continue
        original = releases.get(base)
        if original is None:
            if base not in stems:
                problems.append(Problem(str(release.path), 1, 1, (
                    f"a translation of releases/{base}.yaml, which does not exist: a file "
                    f"named <slug>.<lang>.yaml is the <lang> version of <slug>.yaml")))
            continue   # an original that failed to load has its own problems
        release.original = base
        original.translations[release.lang] = release
        for name in INHERITED:
            if name not in release.lines:
                setattr(release, name, getattr(original, name))
        if release.date != original.date:
            problems.append(_version_problem(release, original, "date",
                                             release.date.isoformat(),
                                             original.date.isoformat()))
        # Instants, not text: 10:00+01:00 is 09:00Z.
        if release.embargo != original.embargo:
            problems.append(_version_problem(
                release, original, "embargo",
                release.embargo.isoformat() if release.embargo else "none",
                original.embargo.isoformat() if original.embargo else "none"))


def _version_problem(release: Release, original: Release, name: str, own: str,
                     theirs: str) -> Problem:
    node = node_at(release.path, name)
    line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None \
        else (1, 1)
    what = {"date": "the date", "embargo": "the embargo"}[name]
    then = ("an embargo lifts at the same moment in every language" if name == "embargo"
            else "every version of a release is issued the same day")
    return Problem(str(release.path), line, column,
                   f"{what} of this translation ({own}) is not that of "
                   f"{display_path(original.path)} ({theirs}): give the same; {then}")


def load_settings(root: Path, problems: list[Problem]) -> Settings:
    path = root / "presskit.yaml"
    if not path.is_file():
        return Settings()
    # Every setting is optional: a file of comments alone (as `presskit init` writes it, with
    # each setting commented out) means the defaults.
    node = read_yaml(path, problems, empty_ok=True, root=root)
    if node is None:
        return Settings(path=path)
    checker = schema.Checker(path, root)
    values = checker.mapping(node, schema.SETTINGS, "presskit.yaml")
    problems.extend(checker.problems)
    email = values.get("email", {})
    smtp = email.get("smtp", {})
    security = smtp.get("security", "starttls")
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    return Settings(
        path=path,
        paper=values.get("paper", "letter"),
        accent=values.get("accent", ""),
        timezone=values.get("timezone", ""),
        labels=values.get("labels", {}),
        site_url=values.get("site", {}).get("url", ""),
        email=EmailSettings(
            sender=email.get("from", ""),
            reply_to=email.get("reply_to", ""),
            per_minute=email.get("per_minute", 60),
            smtp=SmtpSettings(host=smtp.get("host", "localhost"),
                              port=smtp.get("port", default_port), security=security,
                              given="host" in smtp),
        ),
    )


def _contacts(records) -> list[Contact]:
    return [Contact(name=r.get("name", ""), title=r.get("title", ""), email=r.get("email", ""),
                    phone=r.get("phone", "")) for r in records]


def load_organization(path: Path, root: Path, allowed, problems) -> Organization | None:
    node = read_yaml(path, problems, root=root)
    if node is None:
        return None
    checker = schema.Checker(path, root, allowed)
    v = checker.mapping(node, schema.ORGANIZATION, "organization.yaml")
    problems.extend(checker.problems)
    if checker.problems:
        return None
    return Organization(
        path=path,
        name=v["name"].strip(),
        boilerplate=v["boilerplate"],
        short_name=v.get("short_name", ""),
        location=v.get("location", ""),
        website=v.get("website", ""),
        logo=v.get("logo"),
        logo_has_name=v.get("logo_has_name", False),
        history=[HistoryEntry(str(r["year"]), r["text"]) for r in v.get("history", [])],
        facts=[Fact(r["label"], r["value"]) for r in v.get("facts", [])],
        people=[Person(name=r["name"], title=r.get("title", ""), bio=r.get("bio", ""),
                       photo=r.get("photo")) for r in v.get("people", [])],
        contacts=_contacts(v.get("contacts", [])),
        lang=(v.get("lang") or "en").strip(),
    )


def load_release(path: Path, root: Path, allowed, problems,
                 office_zone: str = "") -> Release | None:
    slug = path.stem
    base, suffix = split_slug(slug)
    node = read_yaml(path, problems, root=root)
    if node is None:
        return None
    checker = schema.Checker(path, root, allowed, office_zone)
    if not SLUG_RE.match(base) or (suffix and not LANG_SUFFIX_RE.match(suffix)):
        translation = (", or <YYYY-MM-DD>-<words>.<lang>.yaml for a translation"
                       if suffix else "")
        named = (f"a release file is named releases/<YYYY-MM-DD>-<words>.yaml (lower-case "
                 f"words joined by hyphens){translation}, not '{path.name}'")
        keys = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)} \
            if isinstance(node, yaml.MappingNode) else set()
        if not keys & {"title", "body"}:
            # organization.yaml dropped in releases/, say: one line, not one a field.
            problems.append(Problem(str(path), 1, 1, f"{named}; and it is not a release (no "
                                                     f"title, no body): move it out of releases/"))
            return None
        checker.problems.append(Problem(str(path), 1, 1, named))
    v = checker.mapping(node, schema.RELEASE, "a release")
    lang = (v.get("lang") or "").strip()
    if suffix and lang and base_tag(lang) != suffix.lower() and lang.lower() != suffix.lower():
        checker.problems.append(Problem(str(path), v["__lines__"].get("lang", 1), 1, (
            f"lang '{lang}' contradicts the file's name, which makes it the '{suffix}' "
            f"version; rename the file or leave lang out")))
    problems.extend(checker.problems)
    if checker.problems:
        return None
    return Release(
        path=path,
        slug=slug,
        title=v["title"].strip(),
        subtitle=v.get("subtitle", "").strip(),
        date=v["date"],
        dateline=v["dateline"].strip(),
        body=v["body"],
        embargo=v.get("embargo"),
        lang=lang or suffix,
        images=[Image(src=r["src"], caption=r.get("caption", ""), credit=r.get("credit", ""),
                      alt=r.get("alt", "")) for r in v.get("images", [])],
        contacts=_contacts(v["contacts"]) if "contacts" in v else None,
        notes=v.get("notes", ""),
        boilerplate=v.get("boilerplate", ""),
        tags=v.get("tags", []),
        lines=v["__lines__"],
    )
