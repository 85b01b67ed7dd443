"""`presskit check`: validate everything, report every problem at once."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .build import read_releases
from .errors import ProjectError
from .lint import lint_project
from .load import load_project
from .medialist import check_lists


def check_project(root: Path, *, strict: bool = False,
                  echo: Callable[..., None] = print) -> str:
    """Validate the project; raise ProjectError listing every problem; return a summary."""
    project = load_project(root)
    if problems := check_lists(project):   # media lists: checked here, owned by medialist.py
        raise ProjectError(problems)
    # Every release through the templates, as a build would before its first PDF: a template
    # error, or a photo too damaged to scale, is found here and not by the build.
    read_releases(project, list(project.releases))
    warnings = lint_project(project)
    if strict and warnings:
        raise ProjectError(warnings)
    for warning in warnings:
        echo(str(warning))
    n = len(project.releases)
    found = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings \
        else "no problems"
    return f"{project.organization.name}: {n} release{'s' if n != 1 else ''}, {found}"
