"""The dateline leading a release's first paragraph: the place and the date as offices write
them ("WASHINGTON, D.C., July 12, 2018 —", "Madrid, 8 de mayo de 2012.-", "Hamburg,
28. Oktober 2008 –", "LONDON, 5 March 2024 /PRNewswire/ --", AP's "WASHINGTON —")."""
from __future__ import annotations

import datetime as dt
import re

from . import dates

# After the date: a dash, a colon, or a wire's tag (/PRNewswire/ --).
# After the date: a dash (Spanish '.-'), a colon, a wire's tag (/PRNewswire/ --), or a full
# stop before the first sentence (German 'Hamburg, 28. Oktober 2008. Die ...').
SEPARATOR = re.compile(r"^\s*\)?\.?\s*(?:/[^/\s][^/]{0,40}/\s*(?:[—–―]|-{1,3})?|[—–―]|-{1,3}|:|\|)"
                        r"\s*|^\.\s+(?=[A-ZÀ-Ýa-zà-ý„“\"«])")


def dateline(text: str, lang: str) -> tuple[str, dt.date, int] | None:
    """(place, date, where the paragraph's own words begin) when `text` opens with a
    dateline, else None."""
    first = text.split("\n", 1)[0]
    for found in dates.find_dates(first[:160], lang):
        before = first[:found.start]
        where = place(before, lang)
        if not where or len(where) > 80 or len(where.split()) > 10:
            return None
        after = first[found.end:]
        separator = SEPARATOR.match(after)
        if separator:
            return where, found.date, found.end + separator.end()
        if not after.strip():
            return where, found.date, len(first)
        return None
    return None


def place(before: str, lang: str) -> str:
    """The place of a dateline, without what joins it to the date (', le', ' — ', a day's
    name)."""
    written = before.rstrip(" ,(—–-")
    words = dates.weekdays(lang or "en") | dates.weekdays("en")
    while True:
        tail = re.search(r"[\s,]*(\w+)\.?$", written)
        if not tail:
            break
        word = dates.fold(tail.group(1))
        if word in words or word in ("le", "el", "den", "am", "a", "on", "the", "du", "de"):
            written = written[:tail.start()].rstrip(" ,(—–-")
            continue
        break
    return written.strip()


# AP's dateline alone, the date given elsewhere: 'WASHINGTON —', 'ST. PAUL, Minn. —'.
UPPER_PLACE = re.compile(r"^([A-ZÀ-Ý][A-ZÀ-Ý.'’-]+(?: [A-ZÀ-Ý][A-ZÀ-Ý.'’-]+){0,3}"
                         r"(?:, [A-ZÀ-Ý][\w.]+(?: [A-ZÀ-Ý][\w.]+)?)?)\s*[—–]\s*")
