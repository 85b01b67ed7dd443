"""Declarative schemas for presskit's YAML files, checked against the YAML node tree.

Working on PyYAML's nodes rather than on loaded values keeps the line and column of every
key and value, so each problem can point at the exact place in the file. All problems of a
file are collected; nothing stops at the first.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import Problem

# An address a journalist can write to, printed on the release: one @, a dot in the domain.
EMAIL_RE = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.][^@\s<>,;]*")
# A sender as mail headers write it: 'press@example.org' or 'Press Office <press@example.org>'.
# A name with a comma must be quoted, or it reads as two addresses.
SENDER_RE = re.compile(rf'(?:(?:"[^"\n]*"|[^<>@,;"\n]*)\s*<{EMAIL_RE.pattern}>|{EMAIL_RE.pattern})')
COLOUR_RE = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
HOST_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")

# How the image formats presskit and WeasyPrint read begin; anything else is asked of Pillow.
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a",
                    b"II*\x00", b"MM\x00*")


def is_image(path: Path) -> bool:
    """Whether `path` holds an image: checked when the project is read, so that `check`
    catches a broken photo, not only the build that meets it."""
    try:
        with path.open("rb") as file:
            head = file.read(1024)
    except OSError:
        return False
    if head.startswith(IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return True
    if b"<svg" in head.lower() or (path.suffix.lower() == ".svg" and b"<" in head):
        return True
    from PIL import Image, UnidentifiedImageError  # a rarer format Pillow may know

    try:
        with Image.open(path):
            return True
    except (UnidentifiedImageError, OSError, ValueError):
        return False


# The shape of a BCP 47 language tag (RFC 5646, section 2.1): language, extlang, script, region,
# variants, extensions, private use. Well-formed is checked, not registered, except that the
# language is two or three letters (no longer one is registered): a typo such as "en_US" or
# "english" is caught, and the tag goes as written into the PDF's /Lang.
_ALNUM = "[A-Za-z0-9]"
LANGUAGE_TAG_RE = re.compile(
    r"[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}"                       # language (and extlang)
    r"(?:-[A-Za-z]{4})?"                                       # script
    r"(?:-(?:[A-Za-z]{2}|\d{3}))?"                             # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|\d{_ALNUM}{{3}}))*"                # variants
    rf"(?:-[0-9A-WYZa-wyz](?:-{_ALNUM}{{2,8}})+)*"                # extensions
    rf"(?:-[xX](?:-{_ALNUM}{{1,8}})+)?"                          # private use
    rf"|[xX](?:-{_ALNUM}{{1,8}})+")

# The moments any time zone can show as a date: two days inside the calendar's ends.
EARLIEST_MOMENT = dt.datetime.min + dt.timedelta(days=2)
LATEST_MOMENT = dt.datetime.max - dt.timedelta(days=2)

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"


@dataclass
class Field:
    """What one key of a mapping may hold."""

    kind: str  # text, date, datetime, int, number, choice, path, texts, records, mapping
    required: bool = False
    schema: dict[str, "Field"] | None = None
    choices: tuple[str, ...] = ()
    help: str = ""
    # A number's sane range (low, high); `help` then names a value outside it that is allowed.
    limits: tuple[float, float] | None = None
    # For records: each entry must give at least one of these fields, not blank.
    needs_one_of: tuple[str, ...] = ()


class Checker:
    """Walks one file's node tree against a schema, collecting problems."""

    def __init__(self, path: Path, root: Path, allowed_roots: tuple[Path, ...] = (),
                 office_zone: str = ""):
        self.path = path
        self.root = root
        self.allowed_roots = allowed_roots or (root,)
        self.office_zone = office_zone   # presskit.yaml's timezone, for the examples given
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, message: str) -> None:
        if node is None:
            self.problems.append(Problem(str(self.path), None, None, message))
        else:
            mark = node.start_mark
            self.problems.append(Problem(str(self.path), mark.line + 1, mark.column + 1, message))

    # -- mappings -----------------------------------------------------------------------
    def mapping(self, node: yaml.Node, schema: dict[str, Field], what: str) -> dict[str, Any]:
        """Check a mapping node; return {key: value} for the keys that passed."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of fields, not {describe(node)}")
            return {}
        values: dict[str, Any] = {"__lines__": {}}
        seen: dict[str, yaml.Node] = {}
        meant: set[str | None] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                self.problem(key_node, "a field name must be plain text")
                continue
            if key in seen:
                self.problem(key_node, f"field '{key}' is given twice (first on line "
                                       f"{seen[key].start_mark.line + 1})")
                continue
            seen[key] = key_node
            spec = schema.get(key)
            if spec is None:
                self.problem(key_node, unknown_field_message(key, schema, what))
                meant.add(suggestion(key, schema))
                continue
            values["__lines__"][key] = key_node.start_mark.line + 1
            if is_null(value_node):
                if spec.required:
                    self.problem(value_node, f"'{key}' is required and must not be empty"
                                             f"{_comment_hint(self.path, key_node, key)}")
                elif spec.kind == "colour" and _comment_hint(self.path, key_node, key):
                    # `accent: #7a1428`: a colour YAML took for a comment, not one left out.
                    self.problem(value_node, f"'{key}' is empty"
                                             f"{_comment_hint(self.path, key_node, key)}")
                continue
            value = self.value(value_node, spec, key)
            if value is not None:
                values[key] = value
        for key, spec in schema.items():
            # A misspelt field is one problem: "unknown 'date_line'; did you mean 'dateline'?"
            if spec.required and key not in seen and key not in meant:
                self.problem(node, f"missing required field '{key}' in {what}")
        return values

    def value(self, node: yaml.Node, spec: Field, key: str) -> Any:
        check: Callable[[yaml.Node, Field, str], Any] = getattr(self, "_" + spec.kind)
        return check(node, spec, key)

    # -- kinds --------------------------------------------------------------------------
    def _scalar(self, node: yaml.Node, key: str, expected: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, f"'{key}' must be {expected}, not {describe(node)}")
            return None
        return node.value

    def _text(self, node, spec, key):
        text = self._scalar(node, key, "text")
        if text is not None and spec.required and not text.strip():
            self.problem(node, f"'{key}' is required and must not be empty")
            return None
        return text

    def _date(self, node, spec, key):
        text = self._scalar(node, key, "a date (YYYY-MM-DD)")
        if text is None:
            return None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            self.problem(node, f"'{key}' must be a date written YYYY-MM-DD, not '{text}'")
            return None
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            self.problem(node, f"'{key}' is not a real date: '{text}'")
            return None

    def _datetime(self, node, spec, key):
        text = self._scalar(node, key, "a date and time")
        if text is None:
            return None
        try:
            value = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
        except ValueError:
            self.problem(node, f"'{key}' must be an ISO 8601 date and time with an offset, "
                               f"such as 2013-01-05T09:00:00-05:00, not '{text}'")
            return None
        if value.tzinfo is None:
            written = text.strip()
            alone = not re.search(r"[T ]\d", written)   # a date alone: the time is missing too
            local = value.replace(hour=9) if alone else value
            offset, utc = self._example_offset(local)
            if alone:
                self.problem(node, f"'{key}' needs a time and a time zone offset, such as "
                                   f"{written}T09:00{offset} or {written}T{utc:%H:%M}Z")
            else:
                self.problem(node, f"'{key}' needs a time zone offset, such as "
                                   f"{written}{offset} or, the same moment in UTC, "
                                   f"{utc:%Y-%m-%dT%H:%M}Z")
            return None
        naive = value.replace(tzinfo=None)
        if not EARLIEST_MOMENT <= naive <= LATEST_MOMENT:
            # 9999-12-31T23:59:59-12:00 is in the year 10000 in UTC and in Kiribati, which
            # no date can hold.
            self.problem(node, f"'{key}' must fall between {EARLIEST_MOMENT.date()} and "
                               f"{LATEST_MOMENT.date()} (a time zone can move it a day "
                               f"either way), not '{text}'")
            return None
        return value

    def _example_offset(self, local: dt.datetime) -> tuple[str, dt.datetime]:
        """The offset of the press office's zone at `local` (-05:00 when none is set, or it
        is unknown), and `local` in UTC: an example to copy that means what was meant."""
        from .i18n import offset_text, time_zone

        zone = time_zone(self.office_zone) if self.office_zone else None
        offset = local.replace(tzinfo=zone).utcoffset() if zone else dt.timedelta(hours=-5)
        return offset_text(offset), local - offset

    def _matching(self, node, key: str, pattern: re.Pattern, kind: str, described: str,
                  blank_ok: bool = False):
        """A text that must match `pattern` whole: '{key}' must be {kind} {described}."""
        text = self._scalar(node, key, kind)
        if text is None or (blank_ok and not text.strip()):
            return text
        if not pattern.fullmatch(text.strip()):
            self.problem(node, f"'{key}' must be {kind} {described}, not '{text}'")
            return None
        return text.strip()

    def _email(self, node, spec, key):
        return self._matching(node, key, EMAIL_RE, "an e-mail address",
                              "such as press@example.org", blank_ok=True)

    def _sender(self, node, spec, key):
        return self._matching(node, key, SENDER_RE, "one e-mail address",
                              "such as 'Press Office <press@example.org>'", blank_ok=True)

    def _colour(self, node, spec, key):
        return self._matching(node, key, COLOUR_RE, "a colour", "written #rrggbb, such as #8a1c1c")

    def _timezone(self, node, spec, key):
        from .i18n import time_zone

        name = self._scalar(node, key, "text")
        if name is None:
            return None
        if time_zone(name) is None:
            self.problem(node, f"'{key}' must be a time zone such as America/New_York or "
                               f"Europe/Paris, not '{name}'")
            return None
        return name.strip()

    def _url(self, node, spec, key):
        """The newsroom's address: http(s), a host, no query; a path is the site's folder."""
        from urllib.parse import urlsplit

        text = self._scalar(node, key, "a web address")
        if text is None:
            return None
        parts = urlsplit(text.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
                or parts.fragment or " " in text.strip():
            self.problem(node, f"'{key}' must be the site's address, such as "
                               f"https://press.example.org/ or https://example.org/newsroom/, "
                               f"not '{text}'")
            return None
        return text.strip()

    def _host(self, node, spec, key):
        return self._matching(node, key, HOST_RE, "a server name", "such as smtp.example.org")

    def _port(self, node, spec, key):
        number = self._int(node, spec, key)
        if number is not None and not 1 <= number <= 65535:
            self.problem(node, f"'{key}' must be a port number from 1 to 65535, not {number}")
            return None
        return number

    def _lang(self, node, spec, key):
        text = self._scalar(node, key, "a language tag")
        if text is None:
            return None
        tag = text.strip()
        if LANGUAGE_TAG_RE.fullmatch(tag):
            return tag
        hint = tag.replace("_", "-")
        suggestion = f"; did you mean '{hint}'?" if LANGUAGE_TAG_RE.fullmatch(hint) else ""
        self.problem(node, f"'{key}' must be a BCP 47 language tag such as en, fr, pt-BR or "
                           f"zh-Hant, not '{text}'{suggestion}")
        return None

    def _int(self, node, spec, key):
        text = self._scalar(node, key, "a whole number")
        if text is None:
            return None
        try:
            return int(text)
        except ValueError:
            self.problem(node, f"'{key}' must be a whole number, not '{text}'")
            return None

    def _number(self, node, spec, key):
        text = self._scalar(node, key, "a number")
        if text is None:
            return None
        try:
            value = float(text)
        except ValueError:
            self.problem(node, f"'{key}' must be a number, not '{text}'")
            return None
        if value < 0:
            self.problem(node, f"'{key}' must not be negative")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.problem(node, f"'{key}' must be a number, not '{text}'")
            return None
        if spec.limits and not spec.limits[0] <= value <= spec.limits[1] \
                and not (spec.help and value == 0):
            low, high = spec.limits
            self.problem(node, f"'{key}' must be {spec.help + ' or ' if spec.help else ''}"
                               f"from {low:g} to {high:g}, not {text}")
            return None
        return value

    def _flag(self, node, spec, key):
        text = self._scalar(node, key, "true or false")
        if text is None:
            return None
        if node.tag != "tag:yaml.org,2002:bool" and text.lower() not in ("true", "false"):
            self.problem(node, f"'{key}' must be true or false, not '{text}'")
            return None
        return text.lower() in ("true", "yes", "on", "y")

    def _choice(self, node, spec, key):
        text = self._scalar(node, key, "one of " + ", ".join(spec.choices))
        if text is None:
            return None
        if text.lower() not in spec.choices:
            self.problem(node, f"'{key}' must be one of {', '.join(spec.choices)}, not '{text}'")
            return None
        return text.lower()

    def _path(self, node, spec, key):
        text = self._scalar(node, key, "a file path inside the project")
        if text is None:
            return None
        return self.project_file(node, text, key)

    def _image(self, node, spec, key):
        path = self._path(node, spec, key)
        if path is not None and not is_image(path):
            self.problem(node, f"'{key}': '{node.value}' is not an image presskit can read "
                               f"(PNG, JPEG, GIF, WebP, TIFF or SVG)")
            return None
        return path

    def project_file(self, node: yaml.Node, text: str, key: str) -> Path | None:
        """Resolve a path written in the project; it must exist and stay inside it."""
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", text) and not re.match(r"^[a-zA-Z]:[\\/]", text):
            self.problem(node, f"'{key}' must be a file inside the project, not a URL: '{text}'")
            return None
        candidate = (self.root / text)
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            self.problem(node, f"'{key}': cannot resolve '{text}'")
            return None
        if not any(resolved.is_relative_to(r.resolve()) for r in self.allowed_roots):
            self.problem(node, f"'{key}': '{text}' lies outside the project")
            return None
        if resolved.is_dir():
            self.problem(node, f"'{key}': '{text}' is a folder, not a file")
            return None
        if not resolved.is_file():
            self.problem(node, f"'{key}': no such file '{text}' in the project")
            return None
        return resolved

    def _texts(self, node, spec, key):
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"'{key}' must be a list of words, like [health, clinics], "
                               f"not {describe(node)}")
            return None
        out = []
        for item in node.value:
            text = self._scalar(item, key, "a list of words")
            if text is not None and "," in text:
                # The PDF's keywords are one comma-separated text: "a, b" would read as two.
                words = ", ".join(w.strip() for w in text.split(",") if w.strip())
                self.problem(item, f"'{key}': '{text.strip()}' holds a comma; give each as "
                                   f"its own item: [{words}]")
            elif text is not None and text.strip():
                out.append(text.strip())
        return out

    def _records(self, node, spec, key):
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"'{key}' must be a list, not {describe(node)}")
            return None
        out = []
        for item in node.value:
            before = len(self.problems)
            record = self.mapping(item, spec.schema or {}, f"each entry of '{key}'")
            # Told only of an entry that is otherwise right: 'emial' is one problem, not two.
            if (spec.needs_one_of and len(self.problems) == before
                    and not any(str(record.get(name) or "").strip()
                                for name in spec.needs_one_of)):
                fields = " or ".join(f"'{name}'" for name in spec.needs_one_of)
                self.problem(item, f"each entry of '{key}' needs {fields}: a way to reach it "
                                   f"(a name alone, of a person or a desk, is not one)")
            if record is not None:
                record["__node__"] = item
                out.append(record)
        return out

    def _labels(self, node, spec, key):
        """language -> label name -> text, overriding the built-in labels."""
        from .i18n import LABEL_KEYS

        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"'{key}' must map languages to labels, not {describe(node)}")
            return None
        out: dict[str, dict[str, str]] = {}
        for lang_node, labels_node in node.value:
            lang = lang_node.value if isinstance(lang_node, yaml.ScalarNode) else ""
            if not isinstance(labels_node, yaml.MappingNode):
                self.problem(labels_node, f"labels for '{lang}' must be a mapping of label "
                                          f"names to text")
                continue
            schema = {name: Field("text") for name in LABEL_KEYS}
            values = self.mapping(labels_node, schema, f"labels for '{lang}'")
            values.pop("__lines__", None)
            for name_node, text_node in labels_node.value:
                if name_node.value in values and isinstance(values[name_node.value], str):
                    self._placeholders(text_node, name_node.value, values[name_node.value])
            out[lang] = values
        return out

    def _placeholders(self, node, name: str, text: str) -> None:
        """A label's {placeholders} must be the ones presskit fills in, written plainly: any
        other would print as typed, or stop the build."""
        import string

        from .i18n import LABEL_PLACEHOLDERS

        allowed = LABEL_PLACEHOLDERS.get(name, ())
        if not allowed:   # printed as written, braces and all
            field = re.search(r"\{[^{}]*\}", text)
            if field:
                self.problem(node, f"label '{name}' takes no placeholder: {field[0]} would "
                                   f"print as typed")
            return
        takes = " and ".join("{" + p + "}" for p in allowed)
        try:
            fields = [(field, conversion, spec)
                      for _, field, spec, conversion in string.Formatter().parse(text)
                      if field is not None]
        except ValueError:
            fields = [("", None, "")]
        for field, conversion, spec in fields:
            if field not in allowed or conversion or spec:
                shown = "{" + field + (f"!{conversion}" if conversion else "") + \
                    (f":{spec}" if spec else "") + "}" if field else "a lone brace"
                self.problem(node, f"label '{name}' has {shown}; it takes {takes} (write a "
                                   f"brace itself as {{{{ or }}}})")
                return

    def _mapping(self, node, spec, key):
        return self.mapping(node, spec.schema or {}, f"'{key}'")


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return f"'{node.value}'"


# Words press officers use for fields presskit names otherwise.
SYNONYMS = {"headline": "title", "subheadline": "subtitle", "subhead": "subtitle",
            "embargoed": "embargo", "place": "dateline", "keywords": "tags",
            "photos": "images", "pictures": "images", "about": "boilerplate",
            "language": "lang", "url": "website", "contact": "contacts"}


def suggestion(key: str, schema: dict[str, Field]) -> str | None:
    """The field an unknown `key` most likely stands for (a typo, or a synonym)."""
    import difflib

    candidates = {name: name for name in schema}
    candidates.update({word: name for word, name in SYNONYMS.items() if name in schema})
    close = difflib.get_close_matches(key.lower(), list(candidates), n=1, cutoff=0.6)
    return candidates[close[0]] if close else None


def unknown_field_message(key: str, schema: dict[str, Field], what: str) -> str:
    meant = suggestion(key, schema)
    hint = f"; did you mean '{meant}'?" if meant else \
        f"; known fields: {', '.join(sorted(schema))}"
    return f"unknown field '{key}' in {what}{hint}"


def _comment_hint(path: Path, key_node: yaml.Node, key: str) -> str:
    """For `title: #1 charity`: YAML took the value for a comment."""
    mark = key_node.end_mark
    try:   # read again: libyaml's marks do not carry the text, and this is rare
        line = path.read_text(encoding="utf-8").splitlines()[mark.line]
    except (OSError, UnicodeDecodeError, IndexError):
        return ""
    comment = re.match(r":\s+(#.*?)\s*$", line[mark.column:])
    if comment is None:
        return ""
    return f" ('#' after a space starts a comment in YAML: put the value in quotes, as in " \
           f"{key}: \"{comment[1]}\")"


# -- the schemas ----------------------------------------------------------------------------
# A media contact is a person or a desk ("National Archives Public Affairs"), or no more than
# an address (press@postgresql.org): name and title are optional, a way to reach it is not.
CONTACT = {
    "name": Field("text"),
    "title": Field("text"),
    "email": Field("email"),
    "phone": Field("text"),
}
CONTACTS = Field("records", schema=CONTACT, needs_one_of=("email", "phone"))

IMAGE = {
    "src": Field("image", required=True),
    "caption": Field("text"),
    "credit": Field("text"),
    "alt": Field("text"),
}

ORGANIZATION = {
    "name": Field("text", required=True),
    "short_name": Field("text"),
    "location": Field("text"),
    "website": Field("text"),
    "logo": Field("image"),
    # The logo is a wordmark, which spells the name: the name is not set beside it again.
    "logo_has_name": Field("flag"),
    "boilerplate": Field("text", required=True),
    "history": Field("records", schema={"year": Field("text", required=True),
                                        "text": Field("text", required=True)}),
    "facts": Field("records", schema={"label": Field("text", required=True),
                                      "value": Field("text", required=True)}),
    "people": Field("records", schema={"name": Field("text", required=True),
                                       "title": Field("text"),
                                       "bio": Field("text"),
                                       "photo": Field("image")}),
    "contacts": CONTACTS,
    "lang": Field("lang"),
}

RELEASE = {
    "title": Field("text", required=True),
    "subtitle": Field("text"),
    "date": Field("date", required=True),
    "dateline": Field("text", required=True),
    "embargo": Field("datetime"),
    "lang": Field("lang"),
    "body": Field("text", required=True),
    "images": Field("records", schema=IMAGE),
    "contacts": CONTACTS,
    "notes": Field("text"),
    "boilerplate": Field("text"),
    "tags": Field("texts"),
}

SETTINGS = {
    "paper": Field("choice", choices=("letter", "a4")),
    "accent": Field("colour"),
    "timezone": Field("timezone"),
    "labels": Field("labels"),
    "site": Field("mapping", schema={"url": Field("url")}),
    "email": Field("mapping", schema={
        "from": Field("sender"),
        "reply_to": Field("sender"),
        # A message every ten minutes at the slowest, 10,000 a minute at the fastest: 1e-300
        # would wait forever (and overflow the clock after the first message).
        "per_minute": Field("number", limits=(0.1, 10000), help="0 (no pause)"),
        "smtp": Field("mapping", schema={
            "host": Field("host"),
            "port": Field("port"),
            "security": Field("choice", choices=("starttls", "ssl", "none")),
        }),
    }),
}
