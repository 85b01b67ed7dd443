"""The language a release is written in: from its words, which say it more surely than a
document's language setting (Word's default is the writer's, en-US, whatever they type)."""
from __future__ import annotations

import re
from collections import Counter

from ..model import base_tag

STOPWORDS = {
    "en": "the and of to in is for that with on said will are was by from this it has have",
    "es": "el la los las de del que y en por para con una es se su al como más lo fue ha",
    "fr": "le la les des du de et est pour dans une sur qui au avec par ce sont aux été plus",
    "de": "der die das und den dem ist mit für von zu auf ein eine nicht sich des im wird auch",
    "it": "il lo la gli le di che e per con una del della sono è nel alla dei anche",
    "pt": "o a os as de do da que e em para com uma um não no na por foi são dos",
    "nl": "de het een en van in is op te dat met voor zijn niet aan er ook als",
}
_WORDS = {lang: set(words.split()) for lang, words in STOPWORDS.items()}


# Scripts that name their language, counted letter by letter (first match wins).
SCRIPTS = [
    ("ja", re.compile(r"[\u3040-\u30ff]")),                   # kana
    ("ko", re.compile(r"[\uac00-\ud7af]")),                   # hangul
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("uk", re.compile(r"[іїєґІЇЄҐ]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
]


def _script_language(text: str) -> str:
    letters = sum(1 for c in text if c.isalpha()) or 1
    for lang, pattern in SCRIPTS:
        share = len(pattern.findall(text)) / letters
        # Ukrainian is told from Russian by its own letters, which are few in a text.
        if share > (0.002 if lang == "uk" and len(_cyrillic(text)) / letters > 0.3 else 0.3):
            return lang
    return ""


def _cyrillic(text: str) -> list[str]:
    return re.findall(r"[\u0400-\u04ff]", text)


def detect_language(text: str, doc_lang: str = "", org_lang: str = "en") -> str:
    """The release's language as a BCP 47 tag: from its script or its words when they are
    clear, else the document's setting, else the organization's."""
    script = _script_language(text)
    if script:
        return _as_known(script, org_lang, doc_lang)
    words = re.findall(r"[^\W\d_]+", text.casefold())
    counts: Counter[str] = Counter()
    for word in words:
        # A word several languages share ('la', 'de') says less than one only Spanish has.
        shared = [lang for lang, stop in _WORDS.items() if word in stop]
        for lang in shared:
            counts[lang] += 1 / len(shared)
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] >= 4 and (len(ranked) == 1 or ranked[0][1] >= 1.5 * ranked[1][1]):
        return _as_known(ranked[0][0], org_lang, doc_lang)
    return doc_lang or org_lang


def _as_known(lang: str, org_lang: str, doc_lang: str) -> str:
    """'es' as the organization or the document writes it ('es-MX'), when theirs is Spanish."""
    for known in (org_lang, doc_lang):
        if known and base_tag(known) == lang:
            return known
    return lang
