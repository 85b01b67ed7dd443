"""What address books and spreadsheets put in a media list, as presskit reads it.

Lists come from Outlook, Google Contacts, Excel and media databases, each with its own column
names ('E-mail Address', 'E-mail 1 - Value'), its own ways of naming a person (one column, or
first and last name, or Outlook's 'E-mail Display Name') and of writing an address ('Ana
Reyes <ana@example.org>', several joined in one cell). medialist.py reads the files and
checks the rows; this module knows those habits.
"""
from __future__ import annotations

import re
from email.utils import parseaddr

# Column names as address books and mailing services export them.
EMAIL_ALIASES = {"email", "e-mail", "email address", "e-mail address", "emailaddress", "mail",
                 "e mail", "e-mail-adresse", "courriel", "correo", "correo electrónico",
                 "e-mail 1 - value"}   # Google Contacts' export
# The columns address books (Outlook, Google, Apple) and media databases export a contact's
# name and employer in, after presskit's own 'name' and 'outlet'.
NAME_COLUMNS = ("name", "full name", "display name")
GIVEN_COLUMNS = ("first name", "given name")
FAMILY_COLUMNS = ("last name", "family name", "surname")
OUTLET_COLUMNS = ("outlet", "company", "organization", "organisation", "publication",
                  "media outlet", "company name", "organization name", "organization 1 - name")
# The column of the language a journalist reads: presskit's own 'lang', an address book's or
# media database's 'Language', and the word in the languages of offices that keep lists in them.
LANG_COLUMNS = ("lang", "language", "langue", "idioma", "sprache")
# Outlook's export names a contact it has no first or last name for only here, as
# "Ana Reyes (ana@example.org)", or as the bare address.
OUTLOOK_DISPLAY = "e-mail display name"
GOOGLE_JOIN = " ::: "   # between the addresses of one contact in Google's export
# Every column presskit reads but the address's.
KNOWN_COLUMNS = ("name", "outlet", *NAME_COLUMNS[1:], *GIVEN_COLUMNS, *FAMILY_COLUMNS,
                 *OUTLET_COLUMNS[1:], OUTLOOK_DISPLAY, *LANG_COLUMNS)


def column_name(cell: str) -> str:
    """A header cell as presskit names the column: 'E-mail Address' is 'email'."""
    name = " ".join(cell.strip().strip('"').lower().replace("_", " ").split())
    return "email" if name in EMAIL_ALIASES else name


def person(fields: dict[str, str]) -> str:
    """The contact's name: from a name column, else first and last name, else Outlook's
    display name; '' when none is given."""
    return _first(fields, NAME_COLUMNS) or " ".join(
        part for part in (_first(fields, GIVEN_COLUMNS), _first(fields, FAMILY_COLUMNS)) if part
    ) or _display_name(fields.get(OUTLOOK_DISPLAY, ""))


def outlet(fields: dict[str, str]) -> str:
    return _first(fields, OUTLET_COLUMNS)


def language(fields: dict[str, str]) -> str:
    """The language tag a journalist reads ('fr-CA'), '' when the list does not say."""
    return _first(fields, LANG_COLUMNS).replace("_", "-")


def split_display_name(value: str) -> tuple[str, str]:
    """'Ana Reyes <ana@example.org>', as address books and mail clients copy an address, as
    ('Ana Reyes', 'ana@example.org'); anything else as ('', value) unchanged."""
    value = value.strip()
    if value.endswith(">") and "<" in value and value.count("@") == 1:
        name, address = parseaddr(value)
        if address and "@" in address:
            return name.strip(), address
    if len(value) > 2 and value[0] == value[-1] and value[0] in "\"'":
        return "", value[1:-1].strip()   # '"ana@example.org"', quoted by a spreadsheet
    return "", value


def joined_addresses(cell: str) -> list[str]:
    """The addresses Google Contacts joins in one cell ('a@x ::: b@y'); [cell] otherwise."""
    if GOOGLE_JOIN not in cell:
        return [cell]
    return [part.strip() for part in cell.split(GOOGLE_JOIN.strip()) if part.strip()]


def meant_column(column: str, columns: list[str]) -> str | None:
    """The column presskit reads that `column` is a slip of a key or two away from ('nmae':
    'name'), unless the list has that one too; None for a column that only looks alike
    (Outlook's 'E-mail Display Name' is no misspelt 'Display Name')."""
    if column in KNOWN_COLUMNS or not column:
        return None
    close = [name for name in KNOWN_COLUMNS
             if _slips(column, name) <= (1 if len(name) <= 5 else 2)]
    return close[0] if close and close[0] not in columns else None


def _first(fields: dict[str, str], columns: tuple[str, ...]) -> str:
    return next((fields[c] for c in columns if fields.get(c)), "")


def _display_name(value: str) -> str:
    name = re.sub(r"\s*\([^()]*@[^()]*\)\s*$", "", value).strip()
    return "" if "@" in name else name


def _slips(a: str, b: str) -> int:
    """How many letters typed wrong, left out, added or swapped with the next turn a into b
    (the optimal string alignment distance)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]
