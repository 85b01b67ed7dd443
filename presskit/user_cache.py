"""The user's cache folder, where presskit keeps what is the same for every project on a
machine: parsed hyphenation patterns, parsed C declarations, compiled templates. Each is
named or checked by what it was made from, so a stale file is never used, only replaced."""
from __future__ import annotations

import os
from pathlib import Path


def cache_folder() -> Path:
    """$XDG_CACHE_HOME/presskit, or ~/.cache/presskit."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "presskit"
