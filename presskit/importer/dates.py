"""Dates and moments as press offices type them, in their language: "July 12, 2018",
"8 de mayo de 2012", "28. Oktober 2008", "9:00 a.m. ET", "13 h 00 (HNE)".

Month and weekday names come from Babel's CLDR data (Locale.months, Locale.days), which is
dependable for every language Babel knows, so no date library is needed for them; zone
abbreviations come from a small table and become offsets through zoneinfo at that date."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError

# Languages whose month names are always looked for, after the release's own.
COMMON = ("en", "es", "fr", "de", "it", "pt", "nl", "ru", "uk")

# Zone abbreviations as releases write them: a fixed offset, or a region whose offset
# depends on the date (ET is EST in winter, EDT in summer).
ZONES: dict[str, str | dt.timedelta] = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles",
    "EST": dt.timedelta(hours=-5), "EDT": dt.timedelta(hours=-4),
    "CST": dt.timedelta(hours=-6), "CDT": dt.timedelta(hours=-5),
    "MST": dt.timedelta(hours=-7), "MDT": dt.timedelta(hours=-6),
    "PST": dt.timedelta(hours=-8), "PDT": dt.timedelta(hours=-7),
    "AKST": dt.timedelta(hours=-9), "HST": dt.timedelta(hours=-10),
    "UTC": dt.timedelta(0), "GMT": dt.timedelta(0), "Z": dt.timedelta(0),
    "WET": dt.timedelta(0), "WEST": dt.timedelta(hours=1), "BST": dt.timedelta(hours=1),
    "CET": dt.timedelta(hours=1), "CEST": dt.timedelta(hours=2),
    "MEZ": dt.timedelta(hours=1), "MESZ": dt.timedelta(hours=2),
    "HNE": dt.timedelta(hours=-5), "HAE": dt.timedelta(hours=-4),
    "HNC": dt.timedelta(hours=1), "HAEC": dt.timedelta(hours=2),
    "EET": dt.timedelta(hours=2), "EEST": dt.timedelta(hours=3),
    "MSK": dt.timedelta(hours=3), "EAT": dt.timedelta(hours=3), "CAT": dt.timedelta(hours=2),
    "WAT": dt.timedelta(hours=1), "SAST": dt.timedelta(hours=2),
    "IST": dt.timedelta(hours=5, minutes=30), "PKT": dt.timedelta(hours=5),
    "ICT": dt.timedelta(hours=7), "HKT": dt.timedelta(hours=8), "SGT": dt.timedelta(hours=8),
    "JST": dt.timedelta(hours=9), "KST": dt.timedelta(hours=9),
    "AEST": dt.timedelta(hours=10), "AEDT": dt.timedelta(hours=11),
    "NZST": dt.timedelta(hours=12), "NZDT": dt.timedelta(hours=13),
    "BRT": dt.timedelta(hours=-3), "ART": dt.timedelta(hours=-3),
}
# Zones named in words ("Eastern Time", "hora de Madrid", "heure de Paris").
NAMED_ZONES = [
    (re.compile(r"\beastern(?: standard| daylight)? time\b", re.I), "America/New_York"),
    (re.compile(r"\bcentral(?: standard| daylight)? time\b", re.I), "America/Chicago"),
    (re.compile(r"\bmountain(?: standard| daylight)? time\b", re.I), "America/Denver"),
    (re.compile(r"\bpacific(?: standard| daylight)? time\b", re.I), "America/Los_Angeles"),
    (re.compile(r"\beastern\b", re.I), "America/New_York"),
    (re.compile(r"\bpacific\b", re.I), "America/Los_Angeles"),
    (re.compile(r"\b(?:hora|heure|uhrzeit|ora) (?:de |d['’]|)(?:madrid|peninsular)\b", re.I),
     "Europe/Madrid"),
    (re.compile(r"\bheure (?:de |d['’])(?:paris|france)\b", re.I), "Europe/Paris"),
    (re.compile(r"\bheure (?:de |d['’])(?:gen[eè]ve|suisse)\b", re.I), "Europe/Zurich"),
    (re.compile(r"\b(?:heure|hora) de (?:l['’]est|montr[ée]al)\b", re.I), "America/Toronto"),
    (re.compile(r"\b(?:deutscher|deutsche) zeit\b", re.I), "Europe/Berlin"),
]
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|º|°|\.)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"


@dataclass(frozen=True)
class Found:
    """A date found in text, and where it was."""

    date: dt.date | None       # None for a day and month without a year
    month: int
    day: int
    start: int
    end: int


def fold(text: str) -> str:
    """Lower case without accents, a letter for a letter (so a match's span is the same in
    the text): 'März' and 'marz', 'Février' and 'fevrier' meet."""
    return "".join(_fold_letter(c) for c in text)


@lru_cache(maxsize=4096)
def _fold_letter(letter: str) -> str:
    lower = letter.lower()
    bare = "".join(c for c in unicodedata.normalize("NFKD", lower)
                   if not unicodedata.combining(c))
    return bare if len(bare) == 1 else (lower if len(lower) == 1 else letter)


@lru_cache(maxsize=None)
def _months(lang: str) -> dict[str, int]:
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return {}
    names: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                name = fold(name).rstrip(".")
                if len(name) >= 3 and not name.isdigit():
                    names.setdefault(name, number)
    if lang.split("-")[0] == "en":
        names.update({"sept": 9, "jan": 1, "feb": 2})
    return names


@lru_cache(maxsize=None)
def weekdays(lang: str) -> frozenset[str]:
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return frozenset()
    return frozenset(fold(name).rstrip(".") for width in ("wide", "abbreviated")
                     for name in locale.days["format"][width].values())


def languages(lang: str) -> list[str]:
    first = [lang, lang.split("-")[0]] if lang else []
    return list(dict.fromkeys(first + list(COMMON)))


def _patterns(lang: str, text: str):
    """Each language's date pattern in the order tried: the release's own, then the common
    ones (those written in Cyrillic only for a text that has some)."""
    cyrillic = re.search(r"[\u0400-\u04ff]", text) is not None
    for each in languages(lang):
        if each in ("ru", "uk") and each != lang and not cyrillic:
            continue
        pattern = _language_pattern(each)
        if pattern is not None:
            yield pattern


@lru_cache(maxsize=None)
def _language_pattern(lang: str) -> tuple[re.Pattern, dict[str, int]] | None:
    """One language's dates, compiled when a text first needs them: Babel's data for a
    locale takes a moment to load, so only the languages a document needs are."""
    months = _months(lang)
    if not months:
        return None
    names = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    month = rf"(?P<month>{names})\.?"
    return re.compile(
        rf"(?<!\w){month}\s+{_DAY},?\s+(?:de\s+)?{_YEAR}(?!\d)"
        rf"|(?<![\w.]){_DAY.replace('day', 'day2')}\s*(?:de\s+|of\s+|ב)?"
        rf"{month.replace('month', 'month2')},?\s+(?:de\s+|del\s+)?"
        rf"{_YEAR.replace('year', 'year2')}(?:\s?(?:г|р)\.|\s+(?:года|року))?(?!\d)"
        rf"|(?<!\w){month.replace('month', 'month3')}\s+{_DAY.replace('day', 'day3')}"
        rf"(?![\d\w])"
        rf"|(?<![\w.]){_DAY.replace('day', 'day4')}\s*(?:de\s+|of\s+|ב)?"
        rf"{month.replace('month', 'month4')}(?!\w)", re.I), months


_ISO = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")
# Chinese and Japanese 2024年9月26日, Korean 2024년 9월 26일.
_CJK = re.compile(r"(?P<year>(?:19|20)\d\d)\s*[年년]\s*(?P<month>[01]?\d)\s*[月월]\s*"
                  r"(?P<day>[0-3]?\d)\s*[日일]")
_DOTTED = re.compile(r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)"
                     r"(?!\d)")


def find_dates(text: str, lang: str = "", *, need_year: bool = True) -> list[Found]:
    """Every date in `text` in the order written; with need_year False, a day and month
    alone too (an embargo's "March 5", its year then taken from the release's date)."""
    folded = fold(text)
    found: list[Found] = []
    for pattern in (_ISO, _CJK, _DOTTED):
        for m in pattern.finditer(text):
            date = _date(int(m["year"]), int(m["month"]), int(m["day"]))
            if date:
                found.append(Found(date, date.month, date.day, m.start(), m.end()))
    if need_year and not re.search(r"(?:19|20)\d\d", text):
        return found    # no year in it: no month's name need be looked for
    for pattern, months in _patterns(lang, text):
        for m in pattern.finditer(folded):
            groups = {k: v for k, v in m.groupdict().items() if v}
            name = next(v for k, v in groups.items() if k.startswith("month"))
            day = int(next(v for k, v in groups.items() if k.startswith("day")))
            year = next((v for k, v in groups.items() if k.startswith("year")), None)
            month = months[name.rstrip(".")]
            if year is None and need_year:
                continue
            if not 1 <= day <= 31:
                continue
            date = _date(int(year), month, day) if year else None
            if year and date is None:
                continue
            found.append(Found(date, month, day, m.start(), m.end()))
        if found:
            break
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Found] = []
    for each in found:
        if kept and each.start < kept[-1].end:
            continue
        kept.append(each)
    return kept


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_TIME = re.compile(
    r"(?<![\d:.,])(?P<hour>[012]?\d)(?:\s*(?:[:.]|h)\s*(?P<minute>[0-5]\d))?\s*"
    r"(?P<suffix>a\.?\s?m\b\.?|p\.?\s?m\b\.?|uhr\b|h\b|horas?\b|hrs?\b)?", re.I)
_NOON = re.compile(r"\b(noon|midday|mediod[ií]a|midi|mittag)\b", re.I)
_MIDNIGHT = re.compile(r"\b(midnight|medianoche|minuit|mitternacht)\b", re.I)
_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*(?P<sign>[+−-])\s*(?P<hours>\d{1,2})"
                     r"(?::?(?P<minutes>\d\d))?")


# 0001 hrs, 1300 GMT: a time as four digits, told from a year by what follows it.
_HHMM = re.compile(r"(?<![\d:.])(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)\s*"
                   r"(?:hrs?\b|hours\b|h\b|[A-Z]{2,5}\b)")


def find_time(text: str) -> tuple[int, int] | None:
    """The hour and minute of a moment written in `text` (with its date already taken out)."""
    four = _HHMM.search(text)
    if four and (not four.group(0).rstrip()[-1].isupper() or
                 find_zone(four.group(0)) is not None):
        return int(four["hour"]), int(four["minute"])
    for m in _TIME.finditer(text):
        hour, minute, suffix = int(m["hour"]), int(m["minute"] or 0), (m["suffix"] or "")
        if not (m["minute"] or suffix):
            continue
        suffix = suffix.lower().replace(".", "").replace(" ", "")
        if suffix == "pm" and hour < 12:
            hour += 12
        elif suffix == "am" and hour == 12:
            hour = 0
        if hour < 24:
            return hour, minute
    if _NOON.search(text):
        return 12, 0
    if _MIDNIGHT.search(text):
        return 0, 0
    return None


_CITY_TIME = re.compile(r"\b([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?) (?:[Tt]ime|TIME|Zeit)\b")
_COUNTRY_ZONES = {"UK": "Europe/London", "British": "Europe/London", "Irish": "Europe/Dublin",
                  "Swiss": "Europe/Zurich", "German": "Europe/Berlin", "French": "Europe/Paris",
                  "Spanish": "Europe/Madrid", "Belgian": "Europe/Brussels",
                  "Brussels": "Europe/Brussels", "Geneva": "Europe/Zurich",
                  "Washington": "America/New_York", "Ottawa": "America/Toronto",
                  "Eastern": "America/New_York", "Pacific": "America/Los_Angeles",
                  "Central European": "Europe/Paris"}


@lru_cache(maxsize=None)
def _city_zones() -> dict[str, str]:
    """'London' -> Europe/London, 'New York' -> America/New_York, from the zone names."""
    from zoneinfo import available_timezones

    return {name.rsplit("/", 1)[-1].replace("_", " "): name for name in available_timezones()
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/"))}


def find_zone(text: str):
    """A zone named in `text`: a timedelta (fixed offset), an IANA name, or None."""
    city = _CITY_TIME.search(text)
    if city:
        name = city.group(1)
        zone = _COUNTRY_ZONES.get(name) or _COUNTRY_ZONES.get(name.title()) or \
            _city_zones().get(name) or _city_zones().get(name.title())
        if zone:
            return zone
    m = _OFFSET.search(text)
    if m:
        sign = -1 if m["sign"] in "-−" else 1
        return sign * dt.timedelta(hours=int(m["hours"]), minutes=int(m["minutes"] or 0))
    for word in re.findall(r"(?<![\w])[A-Z]{1,5}(?![\w])", text):
        if word in ZONES and word != "Z":
            return ZONES[word]
    for pattern, zone in NAMED_ZONES:
        if pattern.search(text):
            return zone
    return None


def moment(date: dt.date, hour: int, minute: int, zone) -> dt.datetime:
    """The moment as an aware datetime with a fixed offset (what ISO 8601 writes)."""
    from zoneinfo import ZoneInfo

    local = dt.datetime(date.year, date.month, date.day, hour, minute)
    if isinstance(zone, dt.timedelta):
        return local.replace(tzinfo=dt.timezone(zone))
    offset = local.replace(tzinfo=ZoneInfo(zone)).utcoffset()
    return local.replace(tzinfo=dt.timezone(offset))
