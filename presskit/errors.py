"""One exception family for everything a user can get wrong.

Every message starts with where the problem is (``path:line:column:``) so that
editors and terminals can jump to it, and the CLI prints it as one line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Control characters (C0 but tab and line feed, DEL, C1): a YAML string may hold any of them
# ("\e]0;PWNED\a"), and a terminal would act on them. Every line that quotes user text goes
# through `printable`, here and in the CLI's echo.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with each control character written as an escape (\\x1b), as Python shows it,
    so a message that quotes a user's text cannot drive the terminal it is printed on."""
    return _CONTROL_RE.sub(lambda m: repr(m[0])[1:-1], text)


# A message quotes a short excerpt of a file, never a whole one: a value quoted in a problem
# ('date' must be ..., not '<50 KB of text>') is cut to its first EXCERPT characters.
EXCERPT = 60
_LONG_QUOTE_RE = re.compile(r"'([^'\n]{%d,})'" % (EXCERPT + 20))


def excerpt(message: str) -> str:
    """`message` with each long quoted value cut short. Only a long message is touched, so an
    apostrophe in a short one is never taken for a quote."""
    if len(message) <= 4 * EXCERPT + 100:
        return message
    return _LONG_QUOTE_RE.sub(lambda m: f"'{m[1][:EXCERPT]}…'", message)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one place."""

    path: str
    line: int | None
    column: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        from .files import display_path

        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        prefix = "warning: " if self.warning else ""
        return printable(f"{where}: {prefix}{excerpt(self.message)}")


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


class FileRefused(PresskitError):
    """A project file presskit will not read or write; one line: its path and why."""

    def __init__(self, path, reason: str):
        from .files import display_path

        self.path = str(path)
        self.reason = reason
        super().__init__(printable(f"{display_path(path)}: {reason}"))

    def problem(self) -> Problem:
        return Problem(self.path, None, None, self.reason)


class OutsideProject(FileRefused):
    """A file or folder of the project that is a link (or lies under one) leading outside it:
    refused, naming the link, never quoting what is behind it."""


class FileTooLarge(FileRefused):
    """A project file larger than any sane one of its kind (a release over 1 MB, say)."""


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
