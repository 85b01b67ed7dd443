"""Hyphenation dictionaries, read once a machine instead of once a process.

WeasyPrint hyphenates with Pyphen, which parses a language's hunspell pattern file the first
time a process hyphenates a word in it: 0.13 s for English, paid by every worker of every build,
more than a release's layout. The parsed patterns (a dict of strings to (offset, digits)) are
kept in the user's cache folder as a marshal file, which loads in a few milliseconds, and put
in Pyphen's own per-file cache (pyphen.hdcache) before WeasyPrint asks for them. Loaded or
parsed, the dictionary is the same, so the PDFs are the same bytes.

The cache file is named by the pattern file's name, size and time, Pyphen's version and
Python's, so an upgrade of either is a new file. One that cannot be read or does not hold what
is expected is parsed again and rewritten; a cache folder that cannot be written is left alone.
"""
from __future__ import annotations

import marshal
import re
import sys
from pathlib import Path

from ..files import cache_folder

LANG_RE = re.compile(r"""\slang\s*=\s*["']?([A-Za-z0-9-]+)""")


def prepare_html(html: str) -> None:
    """Have the dictionaries of every language `html` declares (lang="…") ready."""
    american_english()
    for lang in set(LANG_RE.findall(html)):
        prepare(lang)


def american_english() -> None:
    """Plain `en` hyphenates as American English, as browsers do: Pyphen's `en` is British
    ("install-ation"), which an American reader takes for a typo; `en-GB` keeps British."""
    import pyphen

    if "en_US" in pyphen.LANGUAGES:
        pyphen.LANGUAGES["en"] = pyphen.LANGUAGES["en_US"]


def prepare(lang: str) -> None:
    """Have Pyphen's dictionary for `lang` in Pyphen's cache, from ours when we have it."""
    import pyphen

    name = pyphen.language_fallback(lang)
    path = pyphen.LANGUAGES.get(name) if name else None
    if path is None or path in pyphen.hdcache:
        return
    pyphen.hdcache[path] = load(path)


def load(path):
    """Pyphen's HyphDict for the pattern file `path` (a path or a package resource), from the
    cache or parsed (and cached)."""
    import pyphen

    path_name = Path(str(path))
    try:
        stat = path_name.stat()
    except OSError:
        return pyphen.HyphDict(path)
    cached = cache_folder() / (f"hyph-{path_name.stem}-{stat.st_size}-{stat.st_mtime_ns}"
                               f"-pyphen{pyphen.__version__}-py{sys.version_info[0]}"
                               f"{sys.version_info[1]}.marshal")
    patterns = _read(cached)
    if patterns is not None:
        hyph = object.__new__(pyphen.HyphDict)
        hyph.patterns, hyph.cache = patterns, {}
        hyph.maxlen = max(map(len, patterns))
        return hyph
    hyph = pyphen.HyphDict(path)
    if _plain(hyph.patterns):
        _write(cached, marshal.dumps(hyph.patterns))
    return hyph


def _plain(patterns) -> bool:
    """Whether the patterns hold only plain numbers: marshal keeps nothing else (some
    languages' nonstandard hyphenation uses pyphen.DataInt, which is parsed every time)."""
    return bool(patterns) and all(
        type(key) is str and type(start) is int and type(values) is tuple
        and all(type(v) is int for v in values)
        for key, (start, values) in patterns.items())


def _read(path: Path) -> dict | None:
    try:
        patterns = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(patterns, dict) or not patterns:
        return None
    # A cheap look at the shape: a file of ours is whole or missing (written, then renamed).
    key, value = next(iter(patterns.items()))
    if not (isinstance(key, str) and isinstance(value, tuple) and len(value) == 2):
        return None
    return patterns


def _write(path: Path, data: bytes) -> None:
    from ..files import write_atomic

    try:
        write_atomic(path, data)
    except OSError:
        pass   # no cache folder to be had: parse again next time
