"""WeasyPrint's C declarations, parsed once a machine instead of once a process.

cffi hands WeasyPrint's 450-line `cdef`, and each C type named later, to pycparser (a C parser
in Python): about 0.07 s of every engine start, on the critical path of a cold build. The
syntax trees are kept in the user's cache folder, keyed by the very text parsed, in a file
named by cffi's, pycparser's and Python's versions; cffi builds the same types from them, so
the PDFs are the same. Relies on cffi's private `cparser._parser_cache`; left out when it is
not there. What it saves is in `make bench` (the cold build with PRESSKIT_ENGINE_SKIP=all).
"""
from __future__ import annotations

import hashlib
import marshal
import pickle
import sys
from pathlib import Path

# More than WeasyPrint ever asks about (about ten texts a build): a bound, not a budget.
MAX_TREES = 200


class CachedParser:
    """Stands in for the pycparser.CParser that cffi keeps (cffi.cparser._parser_cache)."""

    def __init__(self, path: Path, real=None):
        self.path = path
        self.real = real            # pycparser's parser, made at the first text not cached
        self.trees: dict[str, bytes] | None = None
        self.added = False

    def parse(self, text: str, filename: str = "", debug: bool = False):
        if self.trees is None:
            self.trees = _read(self.path)
        key = hashlib.sha256(f"{filename}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
        kept = self.trees.get(key)
        if kept is not None:
            try:
                return pickle.loads(kept)
            except Exception:  # noqa: BLE001 - a damaged entry: parse it again below
                del self.trees[key]
        if self.real is None:
            import pycparser

            self.real = pycparser.CParser()
        tree = self.real.parse(text, filename, debug)   # a syntax error goes to cffi, as ever
        if len(self.trees) < MAX_TREES:
            try:
                self.trees[key] = pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL)
                self.added = True
            except Exception:  # noqa: BLE001 - a tree pickle cannot keep is parsed each time
                pass
        return tree

    def save(self) -> None:
        """Write the trees to the cache when this process parsed any new text."""
        if not self.added or self.trees is None:
            return
        self.added = False
        from ..files import write_atomic

        try:
            write_atomic(self.path, marshal.dumps(self.trees))
        except (OSError, ValueError):
            pass   # no cache folder to be had: parse again next time


def cache_path() -> Path:
    import cffi
    import pycparser

    from ..files import cache_folder

    return cache_folder() / (f"c-declarations-cffi{cffi.__version__}"
                             f"-pycparser{pycparser.__version__}"
                             f"-py{sys.version_info[0]}{sys.version_info[1]}.marshal")


def install() -> None:
    """Before WeasyPrint is imported: have cffi parse through the cache (once a process)."""
    try:
        import cffi.cparser as cparser
    except ImportError:
        return
    current = getattr(cparser, "_parser_cache", _MISSING)
    if current is _MISSING or not callable(getattr(cparser, "_get_parser", None)):
        return   # a cffi that keeps its parser elsewhere: it parses as it always did
    if not isinstance(current, CachedParser):
        cparser._parser_cache = CachedParser(cache_path(), real=current)


def save() -> None:
    """Keep what this process parsed for the next one (nothing to do when all was cached)."""
    parser = getattr(sys.modules.get("cffi.cparser"), "_parser_cache", None)
    if isinstance(parser, CachedParser):
        parser.save()


def _read(path: Path) -> dict[str, bytes]:
    try:
        return _read_bytes(path.read_bytes())
    except OSError:
        return {}


def _read_bytes(data: bytes) -> dict[str, bytes]:
    try:
        trees = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(trees, dict):
        return {}
    return {key: value for key, value in trees.items()
            if isinstance(key, str) and isinstance(value, bytes)}


_MISSING = object()
