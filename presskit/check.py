"""`presskit check`: validate everything, report every problem at once."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .load import load_project


def check_project(root: Path, *, strict: bool = False,
                  echo: Callable[..., None] = print) -> str:
    """Validate the project; raise ProjectError listing every problem; return a summary."""
    project = load_project(root)
    n = len(project.releases)
    return f"{project.organization.name}: {n} release{'s' if n != 1 else ''}, no problems"
