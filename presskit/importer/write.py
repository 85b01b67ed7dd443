"""The release file an import writes: the fields in the order a press officer reads them,
long texts as YAML block scalars, pictures saved in assets/ under names made from their
bytes, so importing the same document again writes the very same files."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

import yaml

from .recognize import Picture, Recognized

# Words a slug can do without: the headline's first words that say something are kept.
_SMALL = set("a an the of for to in on at and or by with its as is are de la el los las del "
             "y en le les des du et pour un une der die das und den dem zu im von mit".split())


def slug_words(title: str, most: int = 5) -> str:
    """'Mobile clinics open at the northern crossing' -> 'mobile-clinics-open-northern-crossing'."""
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
    data: dict = {}
    if found.title:
        data["title"] = found.title
    if found.subtitle:
        data["subtitle"] = found.subtitle
    if found.date:
        data["date"] = found.date
    if found.dateline:
        data["dateline"] = found.dateline
    if found.embargo:
        data["embargo"] = _Moment(found.embargo.isoformat())
    if found.lang and found.lang.split("-")[0].lower() != org_lang.split("-")[0].lower():
        data["lang"] = found.lang
    if found.pictures:
        data["images"] = []
        for picture in found.pictures:
            image = {"src": picture_name(slug, picture)}
            for key in ("caption", "credit", "alt"):
                if getattr(picture, key):
                    image[key] = getattr(picture, key)
            data["images"].append(image)
    if found.contacts:
        data["contacts"] = found.contacts
    if found.body:
        data["body"] = found.body
    if found.notes:
        data["notes"] = found.notes
    own = normalized(org_boilerplate)
    others = [text for text in found.about if normalized(text) != own]
    if others:
        # A release's boilerplate replaces the organization's: when the document gives the
        # organization's and another's (a joint release), both are kept.
        data["boilerplate"] = "\n\n".join(found.about)
    return data


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
    end of a multi-line text."""
    if isinstance(value, str) and not isinstance(value, _Moment):
        lines = [line.rstrip() for line in value.strip("\n").split("\n")]
        return "\n".join(lines) + ("\n" if len(lines) > 1 else "")
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    return value
