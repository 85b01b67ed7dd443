"""What a correction corrects: "Corrects the headline and the third paragraph."

Every version of a release that is sent is kept as the very text its content digest is made
of (send.release_content), in .presskit/versions/<content_sha256>.json: the ledger already
keeps that digest for each journalist, so a correction can compare what they got with what
they get now, and its covering note names what changed, in the note's language, as corrected
releases do. A version sent before this was kept has no file: the note then says only that it
is corrected.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from ..model import base_tag

# The parts a journalist reads, in the order a note names them.
PARTS = ("title", "subtitle", "dateline", "date", "embargo", "body", "images", "contacts",
         "notes", "boilerplate")

# The sentence and the name of each part, in the covering note's languages; English
# otherwise. {n} is an ordinal ("third").
PHRASES: dict[str, dict[str, str]] = {
    "en": {"corrects": "Corrects {what}.", "and": " and ", "title": "the headline",
           "subtitle": "the subheadline", "dateline": "the dateline", "date": "the date",
           "embargo": "the embargo", "paragraph": "the {n} paragraph",
           "table": "a figure in the table of the {n} paragraph", "body": "the text",
           "images": "the pictures", "contacts": "the media contacts",
           "notes": "the notes to editors", "boilerplate": "the About text"},
    "fr": {"corrects": "Corrige {what}.", "and": " et ", "title": "le titre",
           "subtitle": "le sous-titre", "dateline": "le lieu", "date": "la date",
           "embargo": "l’embargo", "paragraph": "le {n} paragraphe",
           "table": "un chiffre du tableau du {n} paragraphe", "body": "le texte",
           "images": "les photos", "contacts": "les contacts presse",
           "notes": "les notes aux rédactions", "boilerplate": "le texte « À propos »"},
    "es": {"corrects": "Corrige {what}.", "and": " y ", "title": "el titular",
           "subtitle": "el subtítulo", "dateline": "el lugar", "date": "la fecha",
           "embargo": "el embargo", "paragraph": "el {n} párrafo",
           "table": "una cifra de la tabla del {n} párrafo", "body": "el texto",
           "images": "las fotos", "contacts": "los contactos de prensa",
           "notes": "las notas para los editores", "boilerplate": "el texto «Acerca de»"},
    "de": {"corrects": "Korrigiert {what}.", "and": " und ", "title": "die Überschrift",
           "subtitle": "die Unterzeile", "dateline": "den Ort", "date": "das Datum",
           "embargo": "die Sperrfrist", "paragraph": "den {n} Absatz",
           "table": "eine Zahl in der Tabelle des {n} Absatzes", "body": "den Text",
           "images": "die Bilder", "contacts": "die Pressekontakte",
           "notes": "die Hinweise für Redaktionen", "boilerplate": "den Text „Über uns“"},
}
ORDINALS = {
    "en": ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
           "ninth", "tenth"],
    "fr": ["premier", "deuxième", "troisième", "quatrième", "cinquième", "sixième",
           "septième", "huitième", "neuvième", "dixième"],
    "es": ["primer", "segundo", "tercer", "cuarto", "quinto", "sexto", "séptimo", "octavo",
           "noveno", "décimo"],
    "de": ["ersten", "zweiten", "dritten", "vierten", "fünften", "sechsten", "siebten",
           "achten", "neunten", "zehnten"],
}
NUMBER_RE = re.compile(r"\d")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def keep(state: Path, text: str) -> None:
    """Keep a version's content text as .presskit/versions/<its digest>.json (once)."""
    from ..files import write_atomic

    path = state / "versions" / f"{digest(text)}.json"
    if not path.exists():
        write_atomic(path, text.encode("utf-8"))


def kept(state: Path, content_sha256: str) -> dict | None:
    """The content a journalist got, as kept when it was sent; None when it was not kept
    (sent by an older presskit) or the file does not hold that very content."""
    if not re.fullmatch(r"[0-9a-f]{64}", content_sha256 or ""):
        return None
    try:
        text = (state / "versions" / f"{content_sha256}.json").read_text(encoding="utf-8")
        return json.loads(text) if digest(text) == content_sha256 else None
    except (OSError, ValueError):
        return None


def blocks(body: str) -> list[str]:
    """A Markdown body's blocks (paragraphs, lists, tables, subheads), by blank lines."""
    return [b.strip() for b in re.split(r"\n[ \t]*\n", body or "") if b.strip()]


def describe(old: dict | None, new: dict, lang: str) -> str:
    """"Corrects the headline and the third paragraph.", in the language of `lang` (English
    where there are no phrases for it); '' when nothing is known to have changed."""
    if old is None:
        return ""
    base = base_tag(lang or "en")
    words = PHRASES.get(base, PHRASES["en"])
    ordinals = ORDINALS.get(base, ORDINALS["en"])
    named: list[str] = []
    for part in PARTS:
        if old.get(part) == new.get(part):
            continue
        if part == "body":
            named += _paragraphs(blocks(old.get("body", "")), blocks(new.get("body", "")),
                                 words, ordinals)
        else:
            named.append(words[part])
    if not named:
        return ""
    what = named[0] if len(named) == 1 else ", ".join(named[:-1]) + words["and"] + named[-1]
    text = words["corrects"].format(what=what)
    return text[0].upper() + text[1:]


def _paragraphs(old: list[str], new: list[str], words: dict, ordinals: list[str]) -> list[str]:
    """The paragraphs of the new body that differ from the old one's, by their place; the
    text as a whole when paragraphs were added or removed (places no longer match)."""
    if len(old) != len(new):
        return [words["body"]]
    changed = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    if len(changed) > 3 or any(i >= len(ordinals) for i in changed):
        return [words["body"]]
    named = []
    for i in changed:
        kind = "table" if new[i].startswith("|") and _only_figures(old[i], new[i]) \
            else "paragraph"
        named.append(words[kind].format(n=ordinals[i]))
    return named


def _only_figures(old: str, new: str) -> bool:
    """Whether two versions of a table differ only in cells holding figures."""
    a, b = old.splitlines(), new.splitlines()
    if len(a) != len(b):
        return False
    for row_a, row_b in zip(a, b):
        cells = zip(row_a.split("|"), row_b.split("|"))
        if any(x != y and not (NUMBER_RE.search(x) and NUMBER_RE.search(y)) for x, y in cells):
            return False
    return True
