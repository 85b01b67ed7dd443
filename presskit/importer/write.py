"""The release file an import writes: the fields in the order a press officer reads them,
long texts as YAML block scalars, pictures saved in assets/ under names made from their
bytes, so importing the same document again writes the very same files."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

import yaml

from ..model import base_tag
from .pictures import Picture
from .recognize import Recognized

# Words a slug can do without: the headline's first words that say something are kept.
_SMALL = set("a an the of for to in on at and or by with its as is are de la el los las del "
             "y en le les des du et pour un une der die das und den dem zu im von mit l d s"
             .split())


def slug_words(title: str, most: int = 5) -> str:
    """'Mobile clinics open at the northern crossing' -> 'mobile-clinics-open-northern-crossing'."""
    # L’Alliance is 'alliance': an elided article is a word of its own.
    title = re.sub(r"['’]", " ", title)
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    kept = [w for w in words if w not in _SMALL] or words
    return "-".join(kept[:most]) or "release"


def picture_name(slug: str, picture: Picture) -> str:
    digest = hashlib.sha256(picture.data).hexdigest()[:12]
    extension = {"jpeg": "jpg"}.get(picture.kind, picture.kind or "bin")
    return f"assets/{slug}-{digest}.{extension}"


def release_data(found: Recognized, *, slug: str, org_lang: str, org_boilerplate: str) -> dict:
    """The release's fields, in the contract's order, leaving out what was not found (so
    that check names it) and what equals the organization's own."""
    data: dict = {key: getattr(found, key) for key in ("title", "subtitle", "date", "dateline")
                  if getattr(found, key)}
    if found.embargo:
        data["embargo"] = _Moment(found.embargo.isoformat())
    if found.lang and base_tag(found.lang) != base_tag(org_lang):
        data["lang"] = found.lang
    if found.pictures:
        data["images"] = []
        for picture in found.pictures:
            image = {"src": picture_name(slug, picture)}
            for key in ("caption", "credit", "alt"):
                if getattr(picture, key):
                    image[key] = getattr(picture, key)
            data["images"].append(image)
    data.update({key: getattr(found, key) for key in ("contacts", "body", "notes")
                 if getattr(found, key)})
    if found.about and not is_own_about(found.about, org_boilerplate):
        # A release's boilerplate replaces the organization's: every About section the
        # document gives is kept, each after the first under its own heading.
        parts = [found.about[0][1]] + [f"**{heading}**\n\n{text}"
                                       for heading, text in found.about[1:]]
        data["boilerplate"] = "\n\n".join(part.strip("\n") for part in parts) + "\n"
    return data


def is_own_about(sections: list[tuple[str, str]], org_boilerplate: str) -> bool:
    """True when the About text is the organization's own (as organization.yaml has it, the
    headings of any further sections in it as lines of their own)."""
    own = normalized(org_boilerplate)
    texts = [text for _, text in sections]
    joined = "\n\n".join([texts[0]] + [f"{heading}\n\n{text}" for heading, text in
                                        sections[1:]])
    return own in (normalized(joined), normalized(sections[0][0] + "\n\n" + joined))


def normalized(markdown: str) -> str:
    """Text to compare About texts by: no Markdown marks, quotes or spacing differences."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_\\`#>]", "", text)
    text = text.translate(str.maketrans("‘’“”«»„‚–—", "''\"\"\"\"\"'--"))
    return " ".join(text.casefold().split())


class _Moment(str):
    """An ISO 8601 date-time written plain in the YAML, not quoted."""


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(_Moment, lambda d, v: d.represent_scalar("tag:yaml.org,2002:timestamp",
                                                                 str(v)))
_Dumper.add_representer(dt.date, yaml.SafeDumper.represent_date)


def release_yaml(data: dict) -> str:
    """The release as YAML text: block scalars for Markdown, one line for the rest."""
    tidy = {key: _tidy(value) for key, value in data.items()}
    return yaml.dump(tidy, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096,
                     default_flow_style=False)


def _tidy(value):
    """No line ends in spaces (YAML could not keep a block scalar then), one newline at the
    end of a Markdown text (so that it is written as a block, even of one line)."""
    if isinstance(value, str) and not isinstance(value, _Moment):
        lines = [line.rstrip() for line in value.strip("\n").split("\n")]
        return "\n".join(lines) + ("\n" if len(lines) > 1 or value.endswith("\n") else "")
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    return value
