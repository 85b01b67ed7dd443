"""What to do about a YAML syntax error, in a press officer's words.

PyYAML says where a file stopped making sense ("mapping values are not allowed here") but not
why, and the why is nearly always one of a few slips: a colon or a quote inside a headline, a
tab, a line indented one space off, a paragraph of body text without `|`. advice() recognises
them from the error and the line it points at, and says what to type instead.
"""
from __future__ import annotations

import re

import yaml

# `key: value`, or `- key: value` in a list; the key in group 2, the value in group 3.
KEY_LINE = re.compile(r"^(\s*(?:-\s+)*)([^\s:#'\"\[{][^:#]*?):(?:\s+(.*))?$")
# A field's name, as presskit's files have them; "today that" in a paragraph is not one.
FIELD_NAME = re.compile(r"[A-Za-z_][\w-]*")


def advice(text: str, exc: yaml.MarkedYAMLError) -> str | None:
    """A sentence saying how to fix the error, or None when it is none of the usual slips."""
    if "quoted scalar" in (exc.context or "") and "end of stream" in (exc.problem or ""):
        return "the quote that opens here is never closed: end the value with the same quote"
    mark = exc.problem_mark
    if mark is None:
        return None
    lines = text.splitlines()
    if mark.line >= len(lines):
        return None
    line = lines[mark.line]
    problem = exc.problem or ""
    if "'\\t'" in problem:
        return "YAML indents with spaces, never tabs: replace the tab with spaces"
    if problem == "mapping values are not allowed here":
        return _colon(lines, mark.line, mark.column)
    if problem.startswith("expected <block end>, but found"):
        if re.match(r"\s*-[^\s-]", line):
            return "a list item starts with a dash and a space: '- '"
        found = KEY_LINE.match(line)
        value = found and found[3]
        if value and value[0] in "\"'" and mark.column > line.index(value):
            return f"a value that opens with a quote must close with it; put the whole " \
                   f"value in quotes: {found[2]}: {quoted(value)}"
        return _lined_up(lines, mark.line)
    return None


def quoted(value: str) -> str:
    """A YAML scalar for `value`: in double quotes, or single ones when it holds double."""
    if '"' in value:
        return "'" + value.replace("'", "''") + "'"
    return '"' + value + '"'


def _colon(lines: list[str], number: int, column: int) -> str | None:
    """A ': ' where YAML did not expect a new field."""
    line = lines[number]
    found = KEY_LINE.match(line)
    if found and found[3] and column > len(found[1]) + len(found[2]) + 1:
        # `title: Update: wells reopen`: the second colon is in the value.
        return f"a value with ': ' in it must be in quotes: {found[2]}: {quoted(found[3])}"
    if found and FIELD_NAME.fullmatch(found[2]):
        # `   caption: ...` one space off, or ` date:` under `title: x`.
        return _lined_up(lines, number)
    # A line of a paragraph under `body:` (or any text field) written without `|`.
    indent = len(line) - len(line.lstrip())
    for above in range(number - 1, -1, -1):
        parent = KEY_LINE.match(lines[above])
        if parent and len(lines[above]) - len(lines[above].lstrip()) < indent:
            return (f"the text of '{parent[2]}' (line {above + 1}) has ': ' in it: write "
                    f"'{parent[2]}: |' and the text indented on the lines below, so that it "
                    f"is taken as it is")
    return None


def _lined_up(lines: list[str], number: int) -> str | None:
    """A field indented differently from the fields it belongs with, judged by the line
    above it: line it up with that line's field."""
    line = lines[number]
    found = KEY_LINE.match(line)
    if not found:
        return None
    column = len(line) - len(line.lstrip())
    for above in range(number - 1, -1, -1):
        previous = KEY_LINE.match(lines[above])
        if previous is None:
            if lines[above].strip() and not lines[above].lstrip().startswith("#"):
                return None
            continue
        expected = len(previous[1])   # where its key starts, after any '- '
        if expected == column:
            return None
        return (f"'{found[2]}' is indented by {_spaces(column)}; line it up with "
                f"'{previous[2]}' on line {above + 1} ({_spaces(expected)})")
    return None


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"
