"""Media lists: media/<list>.csv or media/<list>.yaml, and media/suppressed.txt.

Every row is checked before anything is sent: the address's syntax (email-validator, not a
hand-written regex), line breaks in any field (a field may reach a header through a template,
and a line break there would let a list inject headers), and duplicate addresses. All problems
of all rows are reported together, each as ``path:line:column: message``, the column being
where the field at fault starts.

A list is named by its stem in media/ (``--to journalists``), or by its file's name there
(``--to journalists.csv``); never by a path, so that ``--to`` cannot read a file elsewhere.
What address books put in a list (their column names, names, joined addresses) is
address_book.py's to know.
"""
from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from email_validator import EmailNotValidError, validate_email

from ..errors import PresskitError, Problem, ProjectError
from ..files import display_path
from ..load import CONTROL_NAMES, Project, decode_utf8, read_raw, read_yaml
from .address_book import (
    GIVEN_COLUMNS,
    LANG_COLUMNS,
    NAME_COLUMNS,
    OUTLET_COLUMNS,
    column_name,
    joined_addresses,
    language,
    meant_column,
    outlet,
    person,
    split_display_name,
)

SUPPRESSED = "suppressed.txt"
SUFFIXES = (".csv", ".yaml", ".yml")
BOM = "\ufeff"   # spreadsheets often save CSV with a byte-order mark
# The largest media list presskit reads: 10 MB is some 50,000 journalists with every column
# an address book exports; a larger file is not a list someone means to mail.
LIST_LIMIT = 10_000_000


@dataclass(frozen=True)
class Recipient:
    """One journalist on a list. ``fields`` holds every column, for templates."""

    email: str                 # as normalized by email-validator (domain lower-cased, IDN)
    name: str = ""
    outlet: str = ""
    fields: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    line: int = 0
    lang: str = ""             # the language they read ('fr-CA'); '' when the list says none

    @property
    def key(self) -> str:
        """The address as the ledger and the suppression list compare it: case-insensitive."""
        return self.email.lower()


@dataclass
class MediaList:
    name: str                        # the file's stem
    path: Path
    recipients: list[Recipient]      # in file order, suppressed ones already removed
    suppressed: list[Recipient]      # on the list but in media/suppressed.txt
    warnings: list[Problem] = field(default_factory=list)   # an address twice, say


def media_dir(project: Project) -> Path:
    return project.root / "media"


def list_names(project: Project) -> list[str]:
    """The names of the project's media lists (file stems), sorted. A hidden file (an
    editor's lock or backup file) is not a list, nor a file --to could not name."""
    folder = media_dir(project)
    if not folder.is_dir():
        return []
    return sorted({p.stem for p in folder.iterdir()
                   if p.is_file() and p.suffix in SUFFIXES and _is_list_name(p.stem)})


def _is_list_name(stem: str) -> bool:
    """A name that can only mean a file in media/: no folder in it, no '..', no leading dot
    (a hidden file, or '.' and '..' themselves)."""
    return bool(stem) and not stem.startswith(".") and ".." not in stem \
        and not any(c in stem for c in "/\\\0")


def load_list(project: Project, name: str) -> MediaList:
    """Read and validate list ``name`` (as given to --to); raise ProjectError listing every
    problem in it, or PresskitError when there is no such list."""
    stem, suffix = _split_name(project, name)
    problems: list[Problem] = []
    path = _list_path(project, stem, problems, suffix)
    if path is None:
        raise ProjectError(problems)
    recipients = _read_list(path, problems)
    suppressed = load_suppressed(project, problems)
    warnings = [p for p in problems if p.warning]
    if len(warnings) < len(problems):
        raise ProjectError(problems)
    if not recipients:
        raise ProjectError([Problem(str(path), 1, 1, "the list has no recipients")])
    kept = [r for r in recipients if r.key not in suppressed]
    dropped = [r for r in recipients if r.key in suppressed]
    return MediaList(stem, path, kept, dropped, warnings)


class WhereError(PresskitError):
    """A --where that names no column of the list (wrong usage: exit status 2)."""

    exit_code = 2


def columns(media: MediaList) -> list[str]:
    """The list's columns as presskit names them ('E-mail Address' is 'email'), in order."""
    seen: dict[str, None] = {}
    for r in media.recipients + media.suppressed:
        seen.update(dict.fromkeys(r.fields))
    return list(seen)


def select(media: MediaList, where: list[tuple[str, str]]) -> list[Recipient]:
    """The recipients of the rows where every (column, value) holds: the column as the list
    names it or by presskit's own name (name, outlet, lang: whichever column the list gives
    them in), values compared without regard to case or surrounding spaces."""
    have = columns(media)
    tests = []
    for column, value in where:
        name = column_name(column)
        if name in have:
            def get(r, name=name):
                return r.fields.get(name, "")
        elif name in LANG_COLUMNS and set(have) & set(LANG_COLUMNS):
            def get(r):
                return r.lang
        elif name in NAME_COLUMNS and set(have) & set(NAME_COLUMNS + GIVEN_COLUMNS):
            def get(r):
                return r.name
        elif name in OUTLET_COLUMNS and set(have) & set(OUTLET_COLUMNS):
            def get(r):
                return r.outlet
        else:
            raise WhereError(f"--where {column}={value}: {display_path(media.path)} has no "
                             f"column '{column}' (its columns: {', '.join(have)})")
        tests.append((get, value.strip().casefold()))
    return [r for r in media.recipients
            if all(get(r).strip().casefold() == wanted for get, wanted in tests)]


def check_lists(project: Project) -> list[Problem]:
    """Every problem in every media list and in media/suppressed.txt (for `presskit check`);
    some are warnings (Problem.warning)."""
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
        # A suppression is honoured however the address was written down.
        address, error = normalize_address(split_display_name(line)[1])
        if error:
            column = len(raw) - len(raw.lstrip()) + 1
            problems.append(Problem(str(path), number, column, error))
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


def _split_name(project: Project, name: str) -> tuple[str, str | None]:
    """(stem, suffix or None) of a list as named on the command line. A name that could be
    a path (a folder separator, '..', a leading dot) is refused: it could reach any file."""
    stem, suffix = name, None
    for known in SUFFIXES:
        if name.endswith(known):
            stem, suffix = name[:-len(known)], known
            break
    if not _is_list_name(stem) or ".." in name:
        lists = ", ".join(list_names(project)) or "none"
        raise PresskitError(f"--to {name}: not a list name; a list is named by its file in "
                            f"media/ without a folder, such as 'journalists' for "
                            f"media/journalists.csv (lists: {lists})")
    return stem, suffix


def _list_path(project: Project, name: str, problems: list[Problem],
               suffix: str | None = None) -> Path | None:
    """The file of list ``name``; when the user gave its suffix too, that very file."""
    folder = media_dir(project)
    found = [folder / f"{name}{known}" for known in SUFFIXES
             if (folder / f"{name}{known}").is_file()]
    if not found or (suffix and folder / f"{name}{suffix}" not in found):
        lists = ", ".join(list_names(project)) or "none"
        raise PresskitError(f"{display_path(folder / (name + (suffix or '.csv')))}: no media "
                            f"list '{name}{suffix or ''}' (lists: {lists})")
    if len(found) > 1:
        problems.append(Problem(str(found[1]), 1, 1,
                                f"list '{name}' is given twice ({found[0].name} and "
                                f"{found[1].name}); keep one"))
        return None
    return found[0]


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    """The list's text: UTF-8 (with or without a byte-order mark), or UTF-16 marked as such,
    as Excel's "Unicode Text" and some address books save it. Any other encoding is refused
    at its first byte that is not UTF-8: a guess at which one it is (Windows-1252? -1251?)
    would put garbled names in the greetings."""
    # Read once, confined to the project (media/ is in it: a list linked to
    # /proc/self/environ is refused, never quoted) and to a list's sane size.
    raw = read_raw(path, problems, root=path.parent.parent, limit=LIST_LIMIT)
    if raw is None:
        return None
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return raw.decode("utf-16")   # the mark tells the byte order, and is dropped
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].decode("utf-16", errors="replace").count("\n") + 1
            problems.append(Problem(str(path), line, 1, f"not UTF-16 text ({exc.reason}), "
                                                        f"though its first bytes say it is"))
            return None
    # load.read_text, as for every project file: a byte that is not UTF-8 is pointed at.
    text = decode_utf8(path, raw, problems,
                       "save the file as UTF-8 (in Excel: Save As, CSV UTF-8)")
    return text[1:] if text and text.startswith(BOM) else text


def _read_list(path: Path, problems: list[Problem]) -> list[Recipient]:
    if path.suffix == ".csv":
        text = _read_text(path, problems)
        rows = [] if text is None else _csv_rows(path, text, problems)
    else:
        rows = _yaml_rows(path, problems)
    return _check_rows(path, rows, problems)


@dataclass
class _Row:
    """One entry of a list: its fields, and where it and each field's value start."""

    line: int
    column: int
    fields: dict[str, str]
    at: dict[str, tuple[int, int]] = field(default_factory=dict)

    def where(self, name: str) -> tuple[int, int]:
        return self.at.get(name, (self.line, self.column))


# Excel's note of the separator on a first line of its own: "sep=;".
SEPARATOR_LINE = re.compile(r"sep=(.)\r?\n?")


def _csv_rows(path: Path, text: str, problems) -> list[_Row]:
    # The physical lines as the csv module reads them, to find where each cell starts.
    lines = list(io.StringIO(text, newline=""))
    said = SEPARATOR_LINE.fullmatch(lines[0]) if lines else None
    skipped = 1 if said else 0   # the header is then on line 2
    lines = lines[skipped:]
    delimiter = said[1] if said else _delimiter(lines[0] if lines else "")
    reader = csv.reader(lines, delimiter=delimiter)
    rows: list[_Row] = []
    try:
        header = next(reader, None)
        if header is None:
            problems.append(Problem(str(path), 1 + skipped, 1,
                                    "the file is empty; the first row names the columns "
                                    "(email required)"))
            return []
        columns = [column_name(c) for c in header]
        if "email" not in columns:
            found = max((next(csv.reader([lines[0]], delimiter=d)) for d in ",;\t"), key=len)
            named = ", ".join(f"'{c.strip()}'" for c in found if c.strip()) or "nothing"
            problems.append(Problem(str(path), 1 + skipped, 1,
                                    f"the header row lacks the required column 'email' (it "
                                    f"names {named}); head the addresses' column email, or "
                                    f"E-mail Address as address books export it"))
            return []
        header_at = cell_starts(lines[:reader.line_num], 1 + skipped, len(header), delimiter)
        for n, column in enumerate(columns):
            if column in columns[:n]:
                problems.append(Problem(str(path), *header_at[n],
                                        f"column '{column}' is given twice"))
            _misspelt(path, column, columns, header_at[n], problems)
        done = reader.line_num   # physical lines read so far
        for cells in reader:
            line, record, done = done + 1 + skipped, lines[done:reader.line_num], reader.line_num
            if not any(c.strip() for c in cells):
                continue
            at = cell_starts(record, line, len(cells), delimiter)
            if len(cells) > len(columns):
                problems.append(Problem(str(path), *at[len(columns)],
                                        f"{len(cells)} cells but {len(columns)} columns"))
                continue
            rows.append(_Row(line, 1, {c: v for c, v in zip(columns, cells) if c},
                             {c: a for c, a in zip(columns, at) if c}))
    except csv.Error as exc:
        problems.append(Problem(str(path), reader.line_num + skipped, 1, f"CSV error: {exc}"))
    return rows


def _delimiter(header: str) -> str:
    """The comma, or the semicolon or tab that spreadsheets in many countries save "CSV" with:
    whichever splits the header row into cells one of which is 'email'."""
    for candidate in (",", ";", "\t"):
        if "email" in (column_name(cell) for cell in header.split(candidate)):
            return candidate
    return ","


def cell_starts(record: list[str], line: int, count: int,
                delimiter: str = ",") -> list[tuple[int, int]]:
    """(line, column), both 1-based, where each of the ``count`` cells of one CSV record
    starts; ``record`` holds its physical lines, the first of which is line ``line``.

    The lines are scanned as the csv module's default dialect splits them: a cell that opens
    with a quote runs to its closing quote ('""' in it is a quote, a line end is part of it);
    a quote elsewhere is an ordinary character; outside quotes the delimiter ends a cell and
    a line end the record. Should the scan ever disagree with the csv module on the number of cells,
    every cell is placed at the record's first column rather than at a wrong one.
    """
    starts = [(line, 1)]
    state = "start"   # at the start of a cell, in a "plain" or "quoted" one, or just after
    for offset, text in enumerate(record):   # a "quote" that may close a quoted one
        for column, char in enumerate(text, start=1):
            if state == "quoted":
                state = "quote" if char == '"' else "quoted"
            elif char == delimiter:
                starts.append((line + offset, column + 1))
                state = "start"
            elif char in "\r\n":
                break
            elif state in ("start", "quote"):
                state = "quoted" if char == '"' else "plain"
    if len(starts) != count:
        return [(line, 1)] * count
    return starts


def _yaml_rows(path: Path, problems) -> list[_Row]:
    # load.read_yaml: decoding, syntax errors and an empty file reported as for every YAML file.
    node = read_yaml(path, problems, root=path.parent.parent, limit=LIST_LIMIT)
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(str(path), *_at(node),
                                "a media list is a list of entries, each with an 'email'"))
        return []
    rows = []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(str(path), *_at(item),
                                    "each entry is a mapping such as {email: ..., name: ...}"))
            continue
        row = _Row(*_at(item), {})
        for key, value in item.value:
            if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
                problems.append(Problem(str(path), *_at(key), "each field holds plain text"))
                continue
            name = column_name(str(key.value))
            row.fields[name] = "" if value.tag.endswith(":null") else str(value.value)
            row.at[name] = _at(value)
        for key, _ in item.value:
            if isinstance(key, yaml.ScalarNode) and column_name(str(key.value)) != "email":
                _misspelt(path, column_name(str(key.value)), list(row.fields), _at(key),
                          problems)
        rows.append(row)
    return rows


def _misspelt(path: Path, column: str, columns: list[str], at: tuple[int, int],
              problems: list[Problem]) -> None:
    """A warning for a column or key that is a slip away from one presskit reads ('nmae'):
    kept for the templates as it is, it leaves the greeting without the name."""
    meant = meant_column(column, columns)
    if meant:
        problems.append(Problem(str(path), *at, f"'{column}' is not a field presskit reads: "
                                                f"did you mean '{meant}'?", warning=True))


def _at(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _check_rows(path: Path, rows: list[_Row], problems: list[Problem]) -> list[Recipient]:
    recipients: list[Recipient] = []
    first_line: dict[str, int] = {}
    for row in rows:
        bad = False
        for column, value in row.fields.items():
            if "\r" in value or "\n" in value:
                problems.append(Problem(str(path), *row.where(column),
                                        f"'{column}' holds a line break; fields reach mail "
                                        f"headers, where a line break could add headers"))
                bad = True
            elif control := CONTROL_RE.search(value):
                char = ord(control[0])
                what = CONTROL_NAMES.get(char, "a control character")
                problems.append(Problem(str(path), *row.where(column),
                                        f"'{column}' holds U+{char:04X} ({what}); fields reach "
                                        f"mail headers and terminals, which it would garble: "
                                        f"delete it"))
                bad = True
            elif ENCODED_WORD_RE.search(value):
                problems.append(Problem(str(path), *row.where(column),
                                        f"'{column}' holds what mail encodes a header with "
                                        f"('{ENCODED_WORD_RE.search(value)[0][:40]}'); it is "
                                        f"sent as these very characters, never decoded: write "
                                        f"it as it should read", warning=True))
        cell = row.fields.get("email", "").strip()
        given = joined_addresses(cell)
        if len(given) > 1:
            # One contact, several addresses: one message, not one an address.
            problems.append(Problem(str(path), *row.where("email"),
                                    f"{len(given)} addresses in one cell, as Google Contacts "
                                    f"joins them; the message goes to the first, {given[0]}",
                                    warning=True))
            cell = given[0]
        shown, raw = split_display_name(cell)
        if not raw and "email" in row.fields:
            # An address book's contact known by phone alone, say: nobody to mail, and the
            # rest of the list is not held up for it.
            problems.append(Problem(str(path), *row.where("email"),
                                    "no e-mail address: this row gets no message",
                                    warning=True))
            continue
        if not raw:
            others = [name for name in row.fields if name != "email"]
            close = difflib.get_close_matches("email", others, n=1, cutoff=0.6)
            hint = f" ('{close[0]}': did you mean 'email'?)" if close else ""
            problems.append(Problem(str(path), *row.where(close[0] if close else "email"),
                                    f"no e-mail address{hint}"))
            continue
        if bad:
            continue
        address, error = normalize_address(raw)
        if error:
            problems.append(Problem(str(path), *row.where("email"), error))
            continue
        key = address.lower()
        if key in first_line:
            # Two lists merged into one: the address gets one message, as the first row has it.
            problems.append(Problem(str(path), *row.where("email"),
                                    f"{address} is on the list twice (first on line "
                                    f"{first_line[key]}); it gets one message, as line "
                                    f"{first_line[key]} has it", warning=True))
            continue
        first_line[key] = row.line
        fields = {k: v.strip() for k, v in row.fields.items()}
        fields["email"] = address
        name = person(fields) or shown
        if len(name) > MAX_NAME:
            # It goes in the To: header, whose lines a server refuses past 998 characters.
            column = next((c for c in NAME_COLUMNS + GIVEN_COLUMNS if fields.get(c)), "email")
            problems.append(Problem(str(path), *row.where(column),
                                    f"a name of {len(name)} characters: no mail header holds "
                                    f"it; shorten it to {MAX_NAME} at most"))
            continue
        recipients.append(Recipient(email=address, name=name,
                                    outlet=outlet(fields), fields=fields,
                                    line=row.line, lang=language(fields)))
    return recipients


# A name in the To: header, whose lines a server refuses past 998 characters.
MAX_NAME = 200
# Control characters but tab, CR and LF (told apart above): VT, FF, ESC, NUL, DEL, C1.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# An RFC 2047 encoded word, as a name from an address book may hold one undecoded, or a list
# made to add a recipient to the To: header of a reader that decodes it.
ENCODED_WORD_RE = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")
