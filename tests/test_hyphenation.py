"""Hyphenation dictionaries come from presskit's cache: the same patterns, the same PDFs."""
from __future__ import annotations

import os
import subprocess
import sys

import pyphen
import pytest

from presskit.engine import hyphenation
from presskit.pdf import render_pdf

WORDS = ("internationalization characteristically incomprehensibilities "
         "telecommunications photosynthesis representatives ") * 6
HTML = (f'<!DOCTYPE html><html lang="en"><head><style>@page {{ size: 45mm 120mm; margin: 4mm }}'
        f'p {{ hyphens: auto; font-size: 10pt }}</style></head><body><p>{WORDS}</p>'
        f'<p lang="de">Donaudampfschifffahrtsgesellschaftskapitän Rechtsschutzversicherung</p>'
        f'</body></html>')


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder, and a Pyphen that has loaded nothing yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    saved = dict(pyphen.hdcache)
    pyphen.hdcache.clear()
    yield tmp_path / "cache" / "presskit"
    pyphen.hdcache.clear()
    pyphen.hdcache.update(saved)


def test_a_cached_dictionary_is_the_one_pyphen_parses(cache):
    path = pyphen.LANGUAGES["en_US"]
    parsed = hyphenation.load(path)           # parsed, and written to the cache
    (written,) = cache.iterdir()
    assert written.name.startswith("hyph-hyph_en_US-")
    loaded = hyphenation.load(path)           # read back
    reference = pyphen.HyphDict(path)
    for hyph in (parsed, loaded):
        assert isinstance(hyph, pyphen.HyphDict)
        assert hyph.patterns == reference.patterns
        assert hyph.maxlen == reference.maxlen
    for word in ("characteristically", "representatives", "hyphenation", "a"):
        assert loaded.positions(word) == reference.positions(word)


def test_pdfs_are_the_same_bytes_whether_patterns_are_parsed_or_read_from_the_cache(cache,
                                                                                   tmp_path,
                                                                                   monkeypatch):
    parsed = render_pdf(HTML, tmp_path, (tmp_path,))
    assert sorted(p.name.split("-")[1] for p in cache.glob("hyph-*")) == sorted(
        pyphen.LANGUAGES[pyphen.language_fallback(lang)].name[:-4] for lang in ("en", "de"))
    pyphen.hdcache.clear()
    monkeypatch.setattr(pyphen.HyphDict, "__init__", lambda *a: pytest.fail("parsed again"))
    from_cache = render_pdf(HTML, tmp_path, (tmp_path,))
    assert from_cache == parsed
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(from_cache)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert any(line.endswith(("-", "\u2010")) for line in text.splitlines())   # hyphenated


def test_a_damaged_cache_file_is_parsed_again_and_rewritten(cache):
    path = pyphen.LANGUAGES["en_US"]
    hyphenation.load(path)
    (written,) = cache.iterdir()
    for damage in (b"", b"\x00garbage", written.read_bytes()[:1000],
                   __import__("marshal").dumps({"a": 1})):
        written.write_bytes(damage)
        hyph = hyphenation.load(path)
        assert hyph.patterns == pyphen.HyphDict(path).patterns
        assert hyphenation._read(written) is not None   # whole again


def test_no_cache_folder_to_be_had_still_hyphenates(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = pyphen.LANGUAGES["en_US"]
    assert hyphenation.load(path).patterns == pyphen.HyphDict(path).patterns


def test_patterns_with_nonstandard_hyphenation_are_not_cached(cache):
    path = pyphen.LANGUAGES["hu_HU"]     # holds pyphen.DataInt values, which marshal drops
    hyph = hyphenation.load(path)
    assert hyph.patterns == pyphen.HyphDict(path).patterns
    assert not cache.exists() or not list(cache.iterdir())


def test_a_build_fills_the_cache_in_the_folder_the_user_has(project, tmp_path):
    project.release()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    result = subprocess.run([sys.executable, "-m", "presskit", "build"], cwd=project.root,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert [p.name[:15] for p in (tmp_path / "xdg" / "presskit").glob("hyph-*")] == \
        ["hyph-hyph_en_US"]


def test_plain_english_hyphenates_as_american_and_en_gb_as_british(project):
    # Pyphen's "en" is British: "install-ation" reads as a typo to an American.
    hyphenation.prepare_html('<html lang="en">')
    assert pyphen.Pyphen(lang=pyphen.language_fallback("en")).inserted("installation") == \
        "in-stal-la-tion"
    assert pyphen.Pyphen(lang=pyphen.language_fallback("en-GB")).inserted("installation") == \
        "in-stall-a-tion"
