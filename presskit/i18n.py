"""Fixed labels and dates in the release's language.

Dates are written as people of that language write them (Babel's CLDR data); labels come from
the table below, and a project may override any of them in presskit.yaml under ``labels``.
"""
from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.dates import get_datetime_format

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "immediate": "For immediate release",
        "embargoed": "Embargoed until",
        "about": "About {name}",
        "contact": "Media contact",
        "contacts": "Media contacts",
        "notes": "Notes to editors",
        "more": "- more -",
        "page": "Page {page} of {pages}",
        "press_kit": "Press Kit {year}",
        "contents": "Contents",
        "fact_sheet": "Fact sheet",
        "history": "History",
        "people": "People",
        "releases": "Releases",
        "website": "Website",
        "headquarters": "Headquarters",
        "photo": "Photo",
        "covering": "Releases from {start} to {end}",
    },
    "fr": {
        "immediate": "Pour diffusion immédiate",
        "embargoed": "Sous embargo jusqu’au",
        "about": "À propos de {name}",
        "contact": "Contact presse",
        "contacts": "Contacts presse",
        "notes": "Notes aux rédactions",
        "more": "- suite -",
        "page": "Page {page} sur {pages}",
        "press_kit": "Dossier de presse {year}",
        "contents": "Sommaire",
        "fact_sheet": "Fiche d’information",
        "history": "Historique",
        "people": "Équipe",
        "releases": "Communiqués",
        "website": "Site web",
        "headquarters": "Siège",
        "photo": "Photo",
        "covering": "Communiqués du {start} au {end}",
    },
    "es": {
        "immediate": "Para publicación inmediata",
        "embargoed": "Embargado hasta",
        "about": "Acerca de {name}",
        "contact": "Contacto de prensa",
        "contacts": "Contactos de prensa",
        "notes": "Notas para los editores",
        "more": "- sigue -",
        "page": "Página {page} de {pages}",
        "press_kit": "Dossier de prensa {year}",
        "contents": "Índice",
        "fact_sheet": "Datos clave",
        "history": "Historia",
        "people": "Equipo",
        "releases": "Comunicados",
        "website": "Sitio web",
        "headquarters": "Sede",
        "photo": "Foto",
        "covering": "Comunicados del {start} al {end}",
    },
    "de": {
        "immediate": "Zur sofortigen Veröffentlichung",
        "embargoed": "Sperrfrist bis",
        "about": "Über {name}",
        "contact": "Pressekontakt",
        "contacts": "Pressekontakte",
        "notes": "Hinweise für Redaktionen",
        "more": "- weiter -",
        "page": "Seite {page} von {pages}",
        "press_kit": "Pressemappe {year}",
        "contents": "Inhalt",
        "fact_sheet": "Daten und Fakten",
        "history": "Geschichte",
        "people": "Ansprechpartner",
        "releases": "Pressemitteilungen",
        "website": "Website",
        "headquarters": "Sitz",
        "photo": "Foto",
        "covering": "Pressemitteilungen vom {start} bis {end}",
    },
    "ru": {
        "immediate": "Для немедленной публикации",
        "embargoed": "Эмбарго до",
        "about": "О {name}",
        "contact": "Контакт для прессы",
        "contacts": "Контакты для прессы",
        "notes": "Примечания для редакторов",
        "more": "- далее -",
        "page": "Страница {page} из {pages}",
        "press_kit": "Пресс-кит {year}",
        "contents": "Содержание",
        "fact_sheet": "Основные факты",
        "history": "История",
        "people": "Руководство",
        "releases": "Пресс-релизы",
        "website": "Сайт",
        "headquarters": "Штаб-квартира",
        "photo": "Фото",
        "covering": "Пресс-релизы с {start} по {end}",
    },
    "ar": {
        "immediate": "للنشر الفوري",
        "embargoed": "يحظر النشر حتى",
        "about": "نبذة عن {name}",
        "contact": "جهة الاتصال الإعلامي",
        "contacts": "جهات الاتصال الإعلامي",
        "notes": "ملاحظات للمحررين",
        "more": "- يتبع -",
        "page": "صفحة {page} من {pages}",
        "press_kit": "الملف الصحفي {year}",
        "contents": "المحتويات",
        "fact_sheet": "حقائق أساسية",
        "history": "التاريخ",
        "people": "الفريق",
        "releases": "البيانات الصحفية",
        "website": "الموقع الإلكتروني",
        "headquarters": "المقر",
        "photo": "صورة",
        "covering": "البيانات الصحفية من {start} إلى {end}",
    },
    "el": {
        "immediate": "Για άμεση δημοσίευση",
        "embargoed": "Υπό εμπάργκο έως",
        "about": "Σχετικά με {name}",
        "contact": "Επικοινωνία για τον Τύπο",
        "contacts": "Επικοινωνία για τον Τύπο",
        "notes": "Σημειώσεις για τους συντάκτες",
        "more": "- συνεχίζεται -",
        "page": "Σελίδα {page} από {pages}",
        "press_kit": "Φάκελος Τύπου {year}",
        "contents": "Περιεχόμενα",
        "fact_sheet": "Βασικά στοιχεία",
        "history": "Ιστορικό",
        "people": "Πρόσωπα",
        "releases": "Δελτία Τύπου",
        "website": "Ιστότοπος",
        "headquarters": "Έδρα",
        "photo": "Φωτογραφία",
        "covering": "Δελτία Τύπου από {start} έως {end}",
    },
    "it": {
        "immediate": "Per la diffusione immediata",
        "embargoed": "Sotto embargo fino al",
        "about": "Informazioni su {name}",
        "contact": "Contatto stampa",
        "contacts": "Contatti stampa",
        "notes": "Note per le redazioni",
        "more": "- segue -",
        "page": "Pagina {page} di {pages}",
        "press_kit": "Cartella stampa {year}",
        "contents": "Indice",
        "fact_sheet": "Scheda informativa",
        "history": "Storia",
        "people": "Persone",
        "releases": "Comunicati stampa",
        "website": "Sito web",
        "headquarters": "Sede",
        "photo": "Foto",
        "covering": "Comunicati dal {start} al {end}",
    },
    "he": {
        "immediate": "לפרסום מיידי",
        "embargoed": "אמברגו עד",
        "about": "אודות {name}",
        "contact": "איש קשר לתקשורת",
        "contacts": "אנשי קשר לתקשורת",
        "notes": "הערות לעורכים",
        "more": "- המשך -",
        "page": "עמוד {page} מתוך {pages}",
        "press_kit": "ערכת עיתונות {year}",
        "contents": "תוכן העניינים",
        "fact_sheet": "עובדות עיקריות",
        "history": "היסטוריה",
        "people": "צוות",
        "releases": "הודעות לעיתונות",
        "website": "אתר אינטרנט",
        "headquarters": "מטה",
        "photo": "צילום",
        "covering": "הודעות לעיתונות מ־{start} עד {end}",
    },
    "ja": {
        "immediate": "即日発表",
        "embargoed": "報道解禁",
        "about": "{name}について",
        "contact": "報道関係者お問い合わせ先",
        "contacts": "報道関係者お問い合わせ先",
        "notes": "報道関係者向け補足情報",
        "more": "－ 続く －",
        "page": "{page} / {pages} ページ",
        "press_kit": "プレスキット {year}",
        "contents": "目次",
        "fact_sheet": "ファクトシート",
        "history": "沿革",
        "people": "主要メンバー",
        "releases": "プレスリリース",
        "website": "ウェブサイト",
        "headquarters": "所在地",
        "photo": "写真",
        "covering": "{start}～{end}のプレスリリース",
    },
}

LABEL_KEYS = tuple(LABELS["en"])
# What each label's {placeholders} are filled with; the others take none.
LABEL_PLACEHOLDERS = {"about": ("name",), "page": ("page", "pages"), "press_kit": ("year",),
                      "covering": ("start", "end")}
RTL_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"}


def base_language(lang: str) -> str:
    return (lang or "en").replace("_", "-").split("-")[0].lower()


def has_labels(lang: str, overrides: dict[str, dict[str, str]] | None = None) -> bool:
    """Whether the labels of `lang` are its own (built in, or given by the project), not
    English by default."""
    base = base_language(lang)
    return base in LABELS or any((overrides or {}).get(key) for key in (base, lang))


def colon(lang: str) -> str:
    """':' as the language writes it after a label: French puts a narrow no-break space
    before it ("Contact presse :")."""
    return "\u202f:" if base_language(lang) == "fr" else ":"


def labels_for(lang: str, overrides: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """The labels for a language: built-in, else English, then the project's overrides."""
    base = base_language(lang)
    labels = dict(LABELS["en"])
    labels.update(LABELS.get(base, {}))
    for key in (base, lang):
        labels.update((overrides or {}).get(key, {}))
    return labels


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse((lang or "en").replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(base_language(lang)) if _known(base_language(lang)) else Locale("en")


def _known(code: str) -> bool:
    try:
        Locale.parse(code)
        return True
    except (ValueError, UnknownLocaleError):
        return False


def language_name(lang: str) -> str:
    """The language's name in itself, as a language menu shows it: Русский, 日本語, עברית."""
    name = _locale(lang).get_display_name(_locale(lang)) or lang
    return name[:1].upper() + name[1:]


def format_date(date: dt.date, lang: str) -> str:
    """A date as written in running text of that language (December 28, 2012; 28 décembre 2012)."""
    return _babel_date(date, format="long", locale=_locale(lang))


def format_embargo(moment: dt.datetime, lang: str) -> str:
    """Date, time and zone of an embargo, e.g. 'January 5, 2013, 9:00 AM UTC−05:00'."""
    locale = _locale(lang)
    zone = utc_offset(moment)
    # The language's own way of joining a date and a time ("{1}, {0}"; Arabic uses "،").
    pattern = str(get_datetime_format("long", locale=locale))
    when = pattern.replace("{1}", _babel_date(moment.date(), format="long", locale=locale)) \
        .replace("{0}", _babel_time(moment.timetz(), format="short", locale=locale))
    return f"{when} {zone}"


def direction(lang: str) -> str:
    return "rtl" if base_language(lang) in RTL_LANGUAGES else "ltr"


def utc_offset(moment: dt.datetime) -> str:
    """The zone as written in the YAML, as an offset: UTC, UTC+01:00, UTC−05:00."""
    offset = moment.utcoffset() or dt.timedelta(0)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes > 0 else "\u2212"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
