"""Media lists: media/<list>.csv or media/<list>.yaml, and media/suppressed.txt.

Every row is checked before anything is sent: the address's syntax (email-validator, not a
hand-written regex), line breaks in any field (a field may reach a header through a template,
and a line break there would let a list inject headers), and duplicate addresses. All problems
of all rows are reported together, each as ``path:line: message``.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from email_validator import EmailNotValidError, validate_email

from .errors import PresskitError, Problem, ProjectError
from .load import Project

SUPPRESSED = "suppressed.txt"
SUFFIXES = (".csv", ".yaml", ".yml")


@dataclass(frozen=True)
class Recipient:
    """One journalist on a list. ``fields`` holds every column, for templates."""

    email: str                 # as normalized by email-validator (domain lower-cased, IDN)
    name: str = ""
    outlet: str = ""
    fields: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    line: int = 0

    @property
    def key(self) -> str:
        """The address as the ledger and the suppression list compare it: case-insensitive."""
        return self.email.lower()


@dataclass
class MediaList:
    name: str
    path: Path
    recipients: list[Recipient]      # in file order, suppressed ones already removed
    suppressed: list[Recipient]      # on the list but in media/suppressed.txt


def media_dir(project: Project) -> Path:
    return project.root / "media"


def list_names(project: Project) -> list[str]:
    """The names of the project's media lists (file stems), sorted."""
    folder = media_dir(project)
    if not folder.is_dir():
        return []
    return sorted({p.stem for p in folder.iterdir()
                   if p.is_file() and p.suffix in SUFFIXES})


def load_list(project: Project, name: str) -> MediaList:
    """Read and validate one list; raise ProjectError listing every problem in it."""
    problems: list[Problem] = []
    path = _list_path(project, name, problems)
    if path is None:
        raise ProjectError(problems)
    recipients = _read_list(path, problems)
    suppressed = load_suppressed(project, problems)
    if problems:
        raise ProjectError(problems)
    if not recipients:
        raise ProjectError([Problem(str(path), None, None, "the list has no recipients")])
    kept = [r for r in recipients if r.key not in suppressed]
    dropped = [r for r in recipients if r.key in suppressed]
    return MediaList(name, path, kept, dropped)


def check_lists(project: Project) -> list[Problem]:
    """Every problem in every media list and in media/suppressed.txt (for `presskit check`)."""
    problems: list[Problem] = []
    for name in list_names(project):
        path = _list_path(project, name, problems)
        if path is not None:
            _read_list(path, problems)
    load_suppressed(project, problems)
    return problems


def load_suppressed(project: Project, problems: list[Problem]) -> set[str]:
    """Addresses never to be mailed, lower-cased; blank lines and '#' comments are skipped."""
    path = media_dir(project) / SUPPRESSED
    if not path.is_file():
        return set()
    text = _read_text(path, problems)
    addresses: set[str] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        address, error = normalize_address(line)
        if error:
            problems.append(Problem(str(path), number, None, error))
        else:
            addresses.add(address.lower())
    return addresses


def normalize_address(value: str) -> tuple[str, str]:
    """(normalized address, "") or ("", why it is not a valid address).

    Internationalized domains come back in their ASCII (punycode) form, and non-ASCII local
    parts are refused: such addresses need SMTPUTF8, which many servers still lack.
    """
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        return "", f"'{value}' is not a valid e-mail address: {exc}"
    return result.ascii_email or result.normalized, ""


def _list_path(project: Project, name: str, problems: list[Problem]) -> Path | None:
    folder = media_dir(project)
    found = [folder / f"{name}{suffix}" for suffix in SUFFIXES
             if (folder / f"{name}{suffix}").is_file()]
    if not found:
        known = ", ".join(n for n in list_names(project)) or "none"
        raise PresskitError(f"{folder / (name + '.csv')}: no media list '{name}' "
                            f"(lists: {known})")
    if len(found) > 1:
        problems.append(Problem(str(found[1]), None, None,
                                f"list '{name}' is given twice ({found[0].name} and "
                                f"{found[1].name}); keep one"))
        return None
    return found[0]


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        # utf-8-sig: spreadsheets often save CSV with a byte-order mark.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(str(path), None, None, f"not UTF-8 text ({exc.reason})"))
    except OSError as exc:
        problems.append(Problem(str(path), None, None, f"cannot read: {exc.strerror}"))
    return None


def _read_list(path: Path, problems: list[Problem]) -> list[Recipient]:
    text = _read_text(path, problems)
    if text is None:
        return []
    rows = _csv_rows(path, text, problems) if path.suffix == ".csv" \
        else _yaml_rows(path, text, problems)
    return _check_rows(path, rows, problems)


def _csv_rows(path: Path, text: str, problems) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = next(reader, None)
        if header is None:
            problems.append(Problem(str(path), 1, None, "the file is empty; the first row "
                                                        "names the columns (email required)"))
            return []
        columns = [c.strip().lower() for c in header]
        if "email" not in columns:
            problems.append(Problem(str(path), 1, None,
                                    "the header row lacks the required column 'email'"))
            return []
        for column in {c for c in columns if columns.count(c) > 1}:
            problems.append(Problem(str(path), 1, None, f"column '{column}' is given twice"))
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns):
                problems.append(Problem(str(path), line, None,
                                        f"{len(cells)} cells but {len(columns)} columns"))
                continue
            rows.append((line, {c: v for c, v in zip(columns, cells) if c}))
    except csv.Error as exc:
        problems.append(Problem(str(path), reader.line_num, None, f"CSV error: {exc}"))
    return rows


def _yaml_rows(path: Path, text: str, problems) -> list[tuple[int, dict[str, str]]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.append(Problem(str(path), mark.line + 1 if mark else None, None,
                                f"YAML syntax error: {exc.problem or exc.context}"))
        return []
    if node is None:
        problems.append(Problem(str(path), 1, None, "the file is empty"))
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(str(path), node.start_mark.line + 1, None,
                                "a media list is a list of entries, each with an 'email'"))
        return []
    rows = []
    for item in node.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(str(path), line, None,
                                    "each entry is a mapping such as {email: ..., name: ...}"))
            continue
        row: dict[str, str] = {}
        for key, value in item.value:
            if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
                problems.append(Problem(str(path), key.start_mark.line + 1, None,
                                        "each field holds plain text"))
                continue
            row[str(key.value).strip().lower()] = "" if value.tag.endswith(":null") \
                else str(value.value)
        rows.append((line, row))
    return rows


def _check_rows(path: Path, rows, problems: list[Problem]) -> list[Recipient]:
    recipients: list[Recipient] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        bad = False
        for column, value in row.items():
            if "\r" in value or "\n" in value:
                problems.append(Problem(str(path), line, None,
                                        f"'{column}' holds a line break; fields reach mail "
                                        f"headers, where a line break could add headers"))
                bad = True
        raw = row.get("email", "").strip()
        if not raw:
            problems.append(Problem(str(path), line, None, "no e-mail address"))
            continue
        if bad:
            continue
        address, error = normalize_address(raw)
        if error:
            problems.append(Problem(str(path), line, None, error))
            continue
        key = address.lower()
        if key in first_line:
            problems.append(Problem(str(path), line, None,
                                    f"{address} is on the list twice (first on line "
                                    f"{first_line[key]})"))
            continue
        first_line[key] = line
        fields = {k: v.strip() for k, v in row.items()}
        fields["email"] = address
        recipients.append(Recipient(email=address, name=fields.get("name", ""),
                                    outlet=fields.get("outlet", ""), fields=fields, line=line))
    return recipients
