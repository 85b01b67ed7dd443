"""Parts of fontTools that WeasyPrint imports at start but a build with HarfBuzz never uses.

WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset is there (the setup installs
it) and with fontTools.subset only without it; it instantiates a variable font with
fontTools.varLib.instancer only when a document uses one. Both imports (about 0.05 s of every
engine start once a page is written) are put off until first used, by stand-in modules that
import the real one at the first attribute asked of them; a document that needs either gets
the real thing, so the PDF is the same.
"""
from __future__ import annotations

import importlib.util
import sys
import types

SUBSET = "fontTools.subset"
INSTANCER = "fontTools.varLib.instancer"


def defer() -> None:
    """Before WeasyPrint is imported: put off the two imports (not if already done)."""
    if importlib.util.find_spec("fontTools") is None:
        return
    if SUBSET not in sys.modules:
        sys.modules[SUBSET] = _stand_in(SUBSET)
    if INSTANCER not in sys.modules:
        stand_in = _stand_in(INSTANCER)
        # Bound by name at WeasyPrint's import (`from ... import instantiateVariableFont`).
        stand_in.instantiateVariableFont = lambda *args, **kwargs: \
            _real(INSTANCER).instantiateVariableFont(*args, **kwargs)
        sys.modules[INSTANCER] = stand_in


def _stand_in(name: str) -> types.ModuleType:
    """A module that becomes the real one at the first attribute asked of it."""
    module = types.ModuleType(name)

    def attribute_of_the_real_one(attribute: str):
        if attribute.startswith("__"):   # the import system asking for __path__: not yet
            raise AttributeError(attribute)
        return getattr(_real(name), attribute)

    module.__getattr__ = attribute_of_the_real_one
    module.__presskit_stand_in__ = True
    return module


def _real(name: str) -> types.ModuleType:
    module = sys.modules.get(name)
    if module is None or getattr(module, "__presskit_stand_in__", False):
        sys.modules.pop(name, None)
        module = importlib.import_module(name)
    return module
