"""Sized C array types for cffi without its C parser.

WeasyPrint subsets every font of every PDF with `ffi.new(f'hb_codepoint_t[{n}]', ...)`, and
cffi runs pycparser (about 3 ms) for each size it has not seen: 20 to 30 times a process in a
build of 24 releases. `T[n]` is made here from the cached `T *`, which is the very type object
the parser would give (cffi keeps one per type). Relies on cffi's private `_parsed_types` and
`_backend`; left out when they are not there.
"""
from __future__ import annotations

import re


class _ArrayTypes(dict):
    """cffi's cache of parsed C types, which makes a sized array type without the C parser.

    WeasyPrint subsets every font of every PDF with `ffi.new(f'hb_codepoint_t[{n}]', ...)`,
    and cffi runs pycparser (3 ms) for each size it has not seen: 20 to 30 times a process in
    a build of 24 releases, a tenth of a second. `T[n]` is made here from the cached `T *`,
    which is the very type object the parser would give (cffi keeps one per type).
    """

    ARRAY_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_ ]*?)\s*\[(\d+)\]")

    @classmethod
    def install(cls, ffi) -> None:
        parsed = getattr(ffi, "_parsed_types", None)
        backend = getattr(ffi, "_backend", None)
        if type(parsed) is dict and hasattr(backend, "new_array_type"):
            ffi._parsed_types = cls(parsed)
            ffi._parsed_types.ffi = ffi

    def __missing__(self, key):
        match = self.ARRAY_RE.fullmatch(key) if isinstance(key, str) else None
        if match is None:
            raise KeyError(key)   # cffi parses it, as it would have
        pointer = self.ffi.typeof(f"{match[1]} *")
        entry = self[key] = (self.ffi._backend.new_array_type(pointer, int(match[2])), False)
        return entry
