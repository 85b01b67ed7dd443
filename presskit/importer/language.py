"""The language a release is written in: from its words, which say it more surely than a
document's language setting (Word's default is the writer's, en-US, whatever they type)."""
from __future__ import annotations

import re
from collections import Counter

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


def detect_language(text: str, doc_lang: str = "", org_lang: str = "en") -> str:
    """The release's language as a BCP 47 tag: from the words when they are clear, else the
    document's setting, else the organization's."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    counts: Counter[str] = Counter()
    for word in words:
        # A word several languages share ('la', 'de') says less than one only Spanish has.
        shared = [lang for lang, stop in _WORDS.items() if word in stop]
        for lang in shared:
            counts[lang] += 1 / len(shared)
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] >= 4 and (len(ranked) == 1 or ranked[0][1] >= 1.5 * ranked[1][1]):
        best = ranked[0][0]
        for known in (org_lang, doc_lang):
            if known and known.split("-")[0].lower() == best:
                return known
        return best
    return doc_lang or org_lang
