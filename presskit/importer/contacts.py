"""A media contact block as press offices type it ("Media contact: Jane Doe, Press Officer,
+1 555 0100, jane@example.org", or one item a line) as contacts {name, title, email, phone}.
No address or number is dropped: what is neither goes to the title, or is said."""
from __future__ import annotations

import re

CONTACT_LABEL = re.compile(
    r"^\W*(?:(?:(?:media|press|news|presse|medien)\s*)?(?:contacts?|enquiries|inquiries)"
    r"|(?:media|press) (?:office|relations|desk)"
    r"(?:\s+(?:for|with)\s+(?:the\s+)?(?:media|press|journalists))?"
    r"|for (?:more|further) information(?:,? (?:please )?contact)?"
    r"|contactos?(?: de prensa| para (?:los )?medios| con (?:los )?medios| de medios)?"
    r"|para (?:más|mayor) informaci[oó]n(?:,? (?:contactar|contacte|contactar con))?"
    r"|contacts? (?:presse|m[ée]dias?|pour la presse)"
    r"|pour (?:plus d['’]informations?|tout renseignement)(?:,? contacter| veuillez contacter)?"
    r"|pressekontakt|medienkontakt|kontakt(?: für (?:die )?(?:presse|medien))?"
    r"|ansprechpartner(?:in)?|für rückfragen|weitere informationen)"
    r"\s*(?::|$|\n)\s*", re.I)

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w@])(?:\+|\(?\d)[\d\s().\-/]{5,}\d(?:\s*(?:ext\.?|x)\s*\d+)?")
FIELD_LABEL = re.compile(
    r"^\s*(?:e-?mail|correo(?: electr[oó]nico)?|courriel|mail|tel(?:ephone|[ée]fono|[ée]phone"
    r"|efon)?|phone|ph|t|m|mob(?:ile)?|m[oó]vil|cell(?:ular)?|portable|mobil|handy|fax|office"
    r"|direct)\.?\s*[:.]\s*", re.I)
URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
SPLIT = re.compile(r"\s+[|·•]\s+|\t+|;\s+|\s+/\s+(?=\D)")


def parse_contacts(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """(contacts, pieces that fit no contact)."""
    contacts: list[dict[str, str]] = []
    left: list[str] = []
    current: dict[str, str] | None = None

    def start(**values) -> dict[str, str]:
        contact = {"name": "", "title": "", "email": "", "phone": ""}
        contact.update(values)
        contacts.append(contact)
        return contact

    for line in text.split("\n"):
        parts = [p for p in SPLIT.split(line) if p.strip()]
        if EMAIL.search(line) or PHONE.search(line):
            parts = [q for p in parts for q in _split_commas(p)]
        for part in parts:
            part = part.strip().strip(",")
            emails = EMAIL.findall(part)
            rest = EMAIL.sub(" ", part)
            phones = [p.strip() for p in PHONE.findall(rest) if _digits(p) >= 7]
            for phone in phones:
                rest = rest.replace(phone, " ")
            rest = FIELD_LABEL.sub("", rest)
            rest = " ".join(rest.replace("()", " ").split()).strip(" ,:;-–—()")
            if rest and (emails or phones) and current is not None and \
                    (current["email"] or current["phone"]) and \
                    part.lstrip(" (").startswith(rest.split()[0]) and \
                    not URL.fullmatch(rest) and not _sentence(rest):
                # "Media contact: (202) 555-0100" after another's number: a new contact,
                # named before its number.
                name, _, title = rest.partition(", ")
                current = start(name=name, title=title)
                rest = ""
            for email in emails:
                if current is None or current["email"]:
                    current = start(email=email)
                else:
                    current["email"] = email
            for phone in phones:
                if current is None:
                    current = start(phone=phone)
                elif current["phone"]:
                    current["phone"] += " / " + phone
                else:
                    current["phone"] = phone
            if not rest or FIELD_LABEL.fullmatch(rest + ":"):
                continue
            if not (emails or phones) and _sentence(rest):
                left.append(rest)        # a sentence, not a name or a title
            elif URL.fullmatch(rest):
                if current is not None:
                    current["title"] = ", ".join(t for t in (current["title"], rest) if t)
                else:
                    left.append(rest)
            elif current is None or ((current["email"] or current["phone"]) and
                                     not (emails or phones)):
                name, _, title = rest.partition(", ")    # "Sam Press, Press officer"
                current = start(name=name, title=title)
            elif not current["name"]:
                current["name"], _, title = rest.partition(", ")
                current["title"] = ", ".join(t for t in (current["title"], title) if t)
            else:
                current["title"] = ", ".join(t for t in (current["title"], rest) if t)
    kept = []
    for contact in contacts:
        if not (contact["email"] or contact["phone"]):
            left.append(", ".join(v for v in contact.values() if v))
            continue
        if not contact["name"]:
            contact["name"] = contact["email"] or contact["phone"]
        kept.append({k: v for k, v in contact.items() if v})
    return kept, left


def _split_commas(part: str) -> list[str]:
    """'Jane Doe, Press Officer, +1 555 0100' in pieces, but a phone's own commas kept."""
    return [p for p in re.split(r",\s+(?=\D|\+)", part) if p.strip()]


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _sentence(text: str) -> bool:
    """'Meet us at booth 12.' is a sentence; 'Jet Propulsion Laboratory, Pasadena, Calif.'
    (a title or an address, its words capitalized) is not."""
    words = text.split()
    if len(words) < 3 or text[-1] not in ".!?":
        return False
    return sum(w[0].islower() for w in words) >= 0.4 * len(words)
