"""WeasyPrint's C declarations come from presskit's cache: the same bindings, the same PDFs.

cffi parses them when WeasyPrint is imported, once a process, so each case runs in a process
of its own with a cache folder of its own.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from presskit.engine import c_declarations

HTML = ('<!DOCTYPE html><html lang="en"><head><style>@page { size: A6; margin: 10mm;'
        ' @bottom-right { content: counter(page) " of " counter(pages) } }'
        ' h1 { font-family: serif } p { hyphens: auto }</style></head><body>'
        '<h1>Cached declarations</h1><p><b>Bold</b>, <i>italic</i> and plain words in a'
        ' paragraph long enough to wrap over a few lines of an A6 page.</p></body></html>')

# Renders HTML to stdout. PARSER=none: pycparser must not be needed (all from the cache);
# PARSER=plain: presskit's cache left out, cffi parses as it always does.
SCRIPT = """
import os, sys
from pathlib import Path
import pycparser
from presskit.engine import c_declarations
if os.environ["PARSER"] == "none":
    def refuse(*args, **kwargs):
        raise AssertionError("pycparser asked to parse: " + args[1][-200:])
    pycparser.CParser.parse = refuse
elif os.environ["PARSER"] == "plain":
    c_declarations.install = lambda: None
from presskit.pdf import render_pdf
here = Path.cwd()
sys.stdout.buffer.write(render_pdf(sys.stdin.read(), here, (here,)))
"""


def render(tmp_path, cache_home, parser: str = "cached") -> bytes:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PARSER": parser}
    done = subprocess.run([sys.executable, "-c", SCRIPT], input=HTML.encode(), env=env,
                          cwd=tmp_path, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert done.stdout.startswith(b"%PDF-")
    return done.stdout


def cache_files(cache_home):
    folder = cache_home / "presskit"
    return sorted(folder.glob("c-declarations-*.marshal")) if folder.is_dir() else []


def test_a_second_process_parses_no_c_and_writes_the_same_pdf(tmp_path):
    cache_home = tmp_path / "cache"
    plain = render(tmp_path, cache_home, "plain")
    assert cache_files(cache_home) == []                 # left out: nothing written
    first = render(tmp_path, cache_home)                 # parsed, and kept
    (written,) = cache_files(cache_home)
    import cffi
    import pycparser
    assert f"cffi{cffi.__version__}-pycparser{pycparser.__version__}" in written.name
    assert len(c_declarations._read(written)) >= 2      # the cdef and the types of a page
    second = render(tmp_path, cache_home, "none")        # all from the cache
    assert plain == first == second


DAMAGE = (b"", b"\x00garbage", __import__("marshal").dumps({"not": "a tree"}),
          __import__("marshal").dumps(["a list"]))


def test_a_damaged_cache_file_is_parsed_again_and_rewritten(tmp_path):
    """WeasyPrint's own declarations, in a process of its own: a file cut short."""
    cache_home = tmp_path / "cache"
    reference = render(tmp_path, cache_home)
    (written,) = cache_files(cache_home)
    whole = written.read_bytes()
    written.write_bytes(whole[: len(whole) // 2])
    assert render(tmp_path, cache_home) == reference
    assert set(c_declarations._read(written)) == set(c_declarations._read_bytes(whole))


@pytest.mark.parametrize("damage", DAMAGE, ids=["empty", "garbage", "not-a-tree", "a-list"])
def test_a_cache_file_damaged_otherwise_is_parsed_again_and_rewritten(tmp_path, damage):
    """The same, for each other damage, in this process: what the file held is read as
    nothing, the text is parsed, and the file is written whole again."""
    pycparser = pytest.importorskip("pycparser")
    text = "typedef int presskit_test_t;\nint presskit_test(presskit_test_t x);\n"
    path = tmp_path / "trees.marshal"
    path.write_bytes(damage)
    parser = c_declarations.CachedParser(path)
    tree = parser.parse(text)
    assert isinstance(parser.real, pycparser.CParser)                     # parsed
    parser.save()
    again = c_declarations.CachedParser(path)
    assert repr(again.parse(text)) == repr(tree) and again.real is None    # from the file


def test_no_cache_folder_to_be_had_still_renders(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert render(tmp_path, blocker).startswith(b"%PDF-")


def test_a_damaged_entry_is_parsed_again(tmp_path):
    pycparser = pytest.importorskip("pycparser")
    text = "typedef int presskit_test_t;\nint presskit_test(presskit_test_t x);\n"
    parser = c_declarations.CachedParser(tmp_path / "trees.marshal")
    tree = parser.parse(text)
    parser.save()
    again = c_declarations.CachedParser(tmp_path / "trees.marshal")
    assert repr(again.parse(text)) == repr(tree) and again.real is None   # from the file
    again.trees = {key: b"\x80 not a pickle" for key in again.trees}
    assert repr(again.parse(text)) == repr(tree)
    assert isinstance(again.real, pycparser.CParser)                      # parsed
    with pytest.raises(pycparser.c_parser.ParseError):                    # as cffi expects
        again.parse("int (;")
