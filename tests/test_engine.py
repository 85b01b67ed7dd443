"""presskit/engine: the tricks on WeasyPrint's start and the line-breaking mend are used only
on the WeasyPrint they were tested on, and without them (an untested version, or
PRESSKIT_ENGINE_SKIP=all) the same release still makes a correct PDF."""
import subprocess
import sys

import pytest

from conftest import REPO, ProjectMaker, pdftotext

RENDER = """
import sys
from pathlib import Path
{before}
from presskit.build import build_project
build_project(sys.argv[1], jobs=1)
from weasyprint.layout import inline
from weasyprint.text.ffi import ffi
print(inline.split_first_line.__qualname__, type(ffi._parsed_types).__name__)
"""


def build_in_a_new_python(root, before="", env=None):
    import os

    done = subprocess.run([sys.executable, "-c", RENDER.format(before=before), str(root)],
                          capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr
    pdf = next((root / "dist" / "releases").glob("*.pdf"))
    return done.stdout.split(), pdftotext(pdf)


@pytest.fixture(scope="module")
def tested(tmp_path_factory):
    """A project built on the tested WeasyPrint: (what was in place, the PDF's text)."""
    maker = ProjectMaker(tmp_path_factory.mktemp("tested"))
    maker.organization()
    maker.release()
    return maker.root, build_in_a_new_python(maker.root)


def test_on_the_tested_weasyprint_the_tricks_and_the_mend_are_in_place(tested):
    _, (used, text) = tested
    assert used == ["_mended.<locals>.split", "_ArrayTypes"]
    assert "The Alliance opened two clinics today." in text


@pytest.mark.parametrize("before, env", [
    ("import presskit.engine as e; e.TESTED_WEASYPRINT = (0,)", None),   # a newer WeasyPrint
    ("", {"PRESSKIT_ENGINE_SKIP": "all"}),                                # every trick left out
])
def test_without_the_tricks_and_the_mend_the_library_runs_as_it_is_and_the_pdf_is_the_same(
        tested, tmp_path, before, env):
    import shutil

    root, (_, text) = tested
    other = tmp_path / "other"
    shutil.copytree(root, other, ignore=shutil.ignore_patterns("dist", ".presskit"))
    used, plain = build_in_a_new_python(other, before, env)
    assert used == ["split_first_line", "dict"]
    assert plain == text


def test_sized_c_arrays_are_the_types_cffi_parses_without_running_its_parser():
    """WeasyPrint asks cffi for `hb_codepoint_t[n]` with a new n for nearly every font of every
    PDF; the engine makes those types without pycparser, and they must be the very type
    objects the parser gives."""
    import cffi

    from presskit.engine import import_engine

    import_engine()
    from weasyprint.text.ffi import ffi

    parsed = []
    parse_type = ffi._parser.parse_type
    ffi._parser.parse_type = lambda cdecl: parsed.append(cdecl) or parse_type(cdecl)
    try:
        made = {n: ffi.typeof(f"hb_codepoint_t[{n}]") for n in (1, 44, 2650, 99991)}
        assert list(ffi.new("hb_codepoint_t[3]", [7, 8, 9])) == [7, 8, 9]
        assert not [c for c in parsed if "[" in c]
        ffi.typeof("char *[17]")          # not a plain sized array: parsed as before
        assert parsed[-1] == "char *[17]"
    finally:
        ffi._parser.parse_type = parse_type
    reference = cffi.FFI()
    for n, ctype in made.items():
        assert ctype is reference.typeof(f"uint32_t[{n}]")


def test_the_cache_knows_presskit_s_code_by_module_not_by_a_list_of_names(tmp_path):
    """A module renamed or added still rebuilds every release; the mail side does not."""
    from presskit.cache import Fingerprints

    package = tmp_path / "presskit"
    (package / "mail").mkdir(parents=True)
    (package / "render.py").write_text("A = 1\n")
    (package / "mail" / "send.py").write_text("B = 1\n")

    def key():
        import presskit.cache as cache

        saved = cache.__file__
        cache.__file__ = str(package / "cache.py")
        cache.code_digest.cache_clear()      # kept once a process: here the code changes
        try:
            return Fingerprints(tmp_path).engine()
        finally:
            cache.__file__ = saved
            cache.code_digest.cache_clear()

    first = key()
    (package / "render.py").rename(package / "html.py")
    renamed = key()
    assert renamed != first
    (package / "mail" / "send.py").write_text("B = 2\n")
    assert key() == renamed
    (package / "html.py").write_text("A = 2\n")
    assert key() != renamed
