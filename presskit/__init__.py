"""presskit: press releases and press kits as print-quality PDFs, and emailed to media lists.

The library API, stage by stage: load_project (load and validate), render (HTML), build
(PDFs), kit (the annual press kit) and send (delivery). The command line is a thin layer over it.
"""
__version__ = "0.1.0"

from .errors import PresskitError, Problem, ProjectError  # noqa: E402
from .load import Project, load_project  # noqa: E402

__all__ = ["__version__", "PresskitError", "Problem", "Project", "ProjectError", "load_project"]
