"""presskit: press releases and press kits as print-quality PDFs, and emailed to media lists.

The library API, stage by stage: load_project (load and validate), render (HTML), build
(PDFs), kit (the annual press kit) and send (delivery). The command line is a thin layer over it.
"""
__version__ = "0.1.0"

from .errors import PresskitError, Problem, ProjectError  # noqa: E402


def __getattr__(name):
    # Project and load_project on first use: the YAML loader is not imported by commands that
    # need none (`presskit --help`, a build with nothing to do).
    if name in ("Project", "load_project"):
        from . import load

        return getattr(load, name)
    raise AttributeError(f"module 'presskit' has no attribute {name!r}")


__all__ = ["__version__", "PresskitError", "Problem", "Project", "ProjectError", "load_project"]
