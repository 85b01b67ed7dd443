"""One exception family for everything a user can get wrong.

Every message starts with where the problem is (``path:line:column:``) so that
editors and terminals can jump to it, and the CLI prints it as one line.
"""
from __future__ import annotations

from dataclasses import dataclass

from .files import display_path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one place."""

    path: str
    line: int | None
    column: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        prefix = "warning: " if self.warning else ""
        return f"{where}: {prefix}{self.message}"


class PresskitError(Exception):
    """Base of every error presskit reports to a user (exit status 1)."""

    exit_code = 1

    def lines(self) -> list[str]:
        return str(self).splitlines() or [""]


class ProjectError(PresskitError):
    """The project's files hold one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_problem_key)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


def _problem_key(problem: Problem):
    return (problem.path, problem.line or 0, problem.column or 0, problem.message)


class BuildError(PresskitError):
    """Rendering or writing a document failed."""


class DeliveryError(PresskitError):
    """Some recipients could not be reached (exit status 3)."""

    exit_code = 3

    def __init__(self, failures: list[str]):
        self.failures = failures
        super().__init__("\n".join(failures))

    def lines(self) -> list[str]:
        return list(self.failures)


class SelectionError(PresskitError):
    """A kit's options do not say which releases to take (wrong usage: exit status 2)."""

    exit_code = 2


class Unreachable(PresskitError):
    """The SMTP server could not be reached: connection refused, no such host, a timeout, a
    TLS handshake that failed, or a greeting that says "try later" (4xx). Nothing was
    delivered and nothing about the messages is wrong, so a later run may well succeed; a
    login or a session the server refuses is a plain PresskitError instead (the user must fix
    it)."""
