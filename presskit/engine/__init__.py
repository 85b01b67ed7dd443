"""Every use of other libraries' internals, in one place, each guarded with a fallback.

import_engine() imports WeasyPrint with the tricks that make its start cheaper, and installs
one mend of its line breaking. Each is used only where the version or attribute it relies on
is the one tested (WeasyPrint 70, cffi's parser cache); otherwise the library runs as it is,
and the PDFs are still right (tests/test_engine.py renders both ways). `make bench` measures
what the tricks save, by building with PRESSKIT_ENGINE_SKIP=all.

PRESSKIT_ENGINE_SKIP names tricks to leave out (comma-separated, or "all"): library_search,
fonttools, c_declarations, c_arrays, line_breaks, page_boxes (where placement.py reads where
the boxes of a layout fell, to place photos and fit the closing matter).
"""
from __future__ import annotations

import contextlib
import io
import os
import sys

# The WeasyPrint major versions whose private functions the mend and the tricks were tested
# on (pyproject.toml pins the same range).
TESTED_WEASYPRINT = (70,)
TRICKS = ("library_search", "fonttools", "c_declarations", "c_arrays", "line_breaks",
          "page_boxes")

_ready = False


def skipped() -> set[str]:
    """The tricks PRESSKIT_ENGINE_SKIP leaves out."""
    names = {n.strip() for n in os.environ.get("PRESSKIT_ENGINE_SKIP", "").split(",")}
    return set(TRICKS) if "all" in names else names & set(TRICKS)


def tested_version(version: str) -> bool:
    try:
        return int(version.split(".")[0]) in TESTED_WEASYPRINT
    except ValueError:
        return False


def import_engine() -> None:
    """Import WeasyPrint, once a process, with what makes its start cheaper."""
    global _ready
    if _ready:
        return
    skip = skipped()
    fresh = "weasyprint" not in sys.modules
    if fresh and "fonttools" not in skip:
        from . import deferred_imports

        deferred_imports.defer()
    if fresh and "c_declarations" not in skip:
        from . import c_declarations

        c_declarations.install()
    if fresh and "library_search" not in skip and sys.platform.startswith("linux"):
        _import_without_library_search()
    import weasyprint

    if tested_version(weasyprint.__version__):
        from weasyprint.text.ffi import ffi

        if "c_arrays" not in skip:
            from .c_arrays import _ArrayTypes

            _ArrayTypes.install(ffi)
        if "line_breaks" not in skip:
            from . import line_breaks

            line_breaks.install()
    rendered()
    _ready = True


def _import_without_library_search() -> None:
    """Import WeasyPrint without ctypes' library search.

    WeasyPrint tries names like 'libpango-1.0-0' before 'libpango-1.0.so.0', and cffi asks
    ctypes.util.find_library about each one it cannot open, which runs ldconfig, gcc and ld:
    about 20 processes and a third of a second on every start. On Linux the '.so.N' names it
    also tries open directly, so the search is switched off for the import; should the
    libraries then not load, WeasyPrint is imported again the ordinary way.
    """
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        # WeasyPrint prints a help text before raising when a library is missing: not now.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: F401
    except OSError:
        for name in [m for m in sys.modules
                     if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search


def page_boxes(document) -> list | None:
    """The box tree of each page of a laid-out document (WeasyPrint's private Page._page_box),
    or None where this is not the WeasyPrint tested: placement.py then leaves the release laid
    out as written."""
    import weasyprint

    if not tested_version(weasyprint.__version__) or "page_boxes" in skipped():
        return None
    try:
        return [page._page_box for page in document.pages]
    except AttributeError:
        return None


def rendered() -> None:
    """After a document: keep the C declarations it made cffi parse, for the next process."""
    parser_module = sys.modules.get("presskit.engine.c_declarations")
    if parser_module is not None:
        parser_module.save()


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent ends (Linux's PR_SET_PDEATHSIG), so
    that a worker never outlives a build killed with SIGKILL. Elsewhere, a worker ends when
    its pipe to the build closes."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)   # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:    # the parent was gone before the call
        os._exit(1)
