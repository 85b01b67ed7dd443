"""`presskit check`: validate everything, report every problem at once."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Callable

from .build import read_releases
from .errors import ProjectError
from .lint import lint_project
from .load import load_project
from .mail.medialist import check_lists


def check_project(root: Path, *, strict: bool = False,
                  echo: Callable[..., None] = print) -> str:
    """Validate the project; raise ProjectError listing every problem; return a summary."""
    try:
        project, problems = load_project(root), []
    except ProjectError as exc:
        project, problems = None, list(exc.problems)
    # The media lists need only the project's folder: their problems are told with the
    # others, not after the releases are mended (checked here, owned by medialist.py).
    listed = check_lists(project or SimpleNamespace(root=Path(root).resolve()))
    if problems or any(not p.warning for p in listed):
        raise ProjectError(problems + listed)   # a list's warnings too, as send tells them
    # Every release through the templates, as a build would before its first PDF: a template
    # error, or a photo too damaged to scale, is found here and not by the build.
    project.read_only = True    # `check` writes nothing, not even a scaled photo's cache
    read_releases(project, list(project.releases))
    warnings = sorted(lint_project(project) + [p for p in listed if p.warning])
    if strict and warnings:
        raise ProjectError(warnings)
    for warning in warnings:
        echo(str(warning))
    n = len(project.releases)
    found = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings \
        else "no problems"
    return f"{project.organization.name}: {n} release{'s' if n != 1 else ''}, {found}"
