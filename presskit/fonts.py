"""Which writing system a character belongs to, and which Debian package has a font for it.

When WeasyPrint finds characters that no installed font has (they would print as empty boxes),
presskit names the script and the package to install, rather than listing code points: a press
officer can act on "install fonts-noto-cjk", not on U+65E5.
"""
from __future__ import annotations

from typing import Iterable

# (script, code point ranges, a fontconfig language that needs it, Debian package with a font)
SCRIPTS: tuple[tuple[str, tuple[tuple[int, int], ...], str, str], ...] = (
    ("Latin", ((0x0041, 0x024F), (0x1E00, 0x1EFF)), "fr", "fonts-noto-core"),
    ("Greek", ((0x0370, 0x03FF), (0x1F00, 0x1FFF)), "el", "fonts-noto-core"),
    ("Cyrillic", ((0x0400, 0x052F),), "ru", "fonts-noto-core"),
    ("Armenian", ((0x0530, 0x058F),), "hy", "fonts-noto-core"),
    ("Hebrew", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)), "he", "fonts-noto-core"),
    ("Arabic", ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                (0xFE70, 0xFEFF)), "ar", "fonts-noto-core"),
    ("Devanagari", ((0x0900, 0x097F),), "hi", "fonts-noto-core"),
    ("Bengali", ((0x0980, 0x09FF),), "bn", "fonts-noto-core"),
    ("Tamil", ((0x0B80, 0x0BFF),), "ta", "fonts-noto-core"),
    ("Thai", ((0x0E00, 0x0E7F),), "th", "fonts-noto-core"),
    ("Georgian", ((0x10A0, 0x10FF),), "ka", "fonts-noto-core"),
    ("Ethiopic", ((0x1200, 0x139F),), "am", "fonts-noto-core"),
    ("Korean (Hangul)", ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)), "ko",
     "fonts-noto-cjk"),
    ("Japanese (kana)", ((0x3040, 0x30FF), (0x31F0, 0x31FF)), "ja", "fonts-noto-cjk"),
    ("Chinese/Japanese (Han)", ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)), "zh-cn",
     "fonts-noto-cjk"),
    ("CJK punctuation", ((0x3000, 0x303F), (0xFF00, 0xFFEF)), "ja", "fonts-noto-cjk"),
    ("Emoji", ((0x1F300, 0x1FAFF), (0x2600, 0x27BF)), "und-zsye", "fonts-noto-color-emoji"),
)


def script_of(char: str) -> str | None:
    """The script of one character from the table above, or None (digits, symbols, unknown)."""
    code = ord(char)
    for name, ranges, _lang, _package in SCRIPTS:
        if any(low <= code <= high for low, high in ranges):
            return name
    return None


def package_for(script: str) -> str:
    return next(package for name, _r, _l, package in SCRIPTS if name == script)


def missing_glyph_warnings(chars: Iterable[str]) -> list[str]:
    """One warning a font package for characters no installed font has, naming the scripts."""
    by_package: dict[str | None, dict[str, list[str]]] = {}
    for char in dict.fromkeys(chars):
        script = script_of(char)
        package = package_for(script) if script else None
        by_package.setdefault(package, {}).setdefault(script or "", []).append(char)
    lines = []
    for package, scripts in by_package.items():
        found = [c for group in scripts.values() for c in group]
        shown = "".join(found[:8]) + ("…" if len(found) > 8 else "")
        if package is None:
            lines.append(f"no installed font has {len(found)} of the characters used "
                         f"(e.g. {shown}); they print as empty boxes")
            continue
        names = " and ".join(scripts)
        noun = "scripts" if len(scripts) > 1 else "script"
        lines.append(f"no installed font has the {names} {noun} used here (e.g. {shown}); "
                     f"it prints as empty boxes: install the {package} package "
                     f"(apt-get install {package})")
    return lines
