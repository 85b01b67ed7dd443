"""Fixed labels and dates in the release's language.

Dates are written as people of that language write them (Babel's CLDR data); labels come from
the table below, and a project may override any of them in presskit.yaml under ``labels``.
"""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.dates import get_datetime_format

from .model import base_tag

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
        "newsroom": "Newsroom",
        "latest": "Latest releases",
        "search": "Search releases",
        "no_results": "No release matches.",
        "download_pdf": "Download PDF",
        "languages": "Languages",
        "download_pictures": "All pictures at full size (ZIP)",
        "full_size": "Full size",
        "kits": "Press kits",
        "read_online": "Read online",
        "skip": "Skip to content",
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
        "newsroom": "Salle de presse",
        "latest": "Derniers communiqués",
        "search": "Rechercher un communiqué",
        "no_results": "Aucun communiqué ne correspond.",
        "download_pdf": "Télécharger le PDF",
        "languages": "Langues",
        "download_pictures": "Toutes les photos en haute définition (ZIP)",
        "full_size": "Haute définition",
        "kits": "Dossiers de presse",
        "read_online": "Lire en ligne",
        "skip": "Aller au contenu",
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
        "newsroom": "Sala de prensa",
        "latest": "Últimos comunicados",
        "search": "Buscar comunicados",
        "no_results": "Ningún comunicado coincide.",
        "download_pdf": "Descargar PDF",
        "languages": "Idiomas",
        "download_pictures": "Todas las fotos en alta resolución (ZIP)",
        "full_size": "Alta resolución",
        "kits": "Dossiers de prensa",
        "read_online": "Leer en línea",
        "skip": "Ir al contenido",
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
        "newsroom": "Pressebereich",
        "latest": "Neueste Pressemitteilungen",
        "search": "Pressemitteilungen durchsuchen",
        "no_results": "Keine Pressemitteilung gefunden.",
        "download_pdf": "PDF herunterladen",
        "languages": "Sprachen",
        "download_pictures": "Alle Bilder in voller Größe (ZIP)",
        "full_size": "Volle Größe",
        "kits": "Pressemappen",
        "read_online": "Online lesen",
        "skip": "Zum Inhalt",
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
        "newsroom": "Пресс-центр",
        "latest": "Последние пресс-релизы",
        "search": "Поиск по пресс-релизам",
        "no_results": "Ничего не найдено.",
        "download_pdf": "Скачать PDF",
        "languages": "Языки",
        "download_pictures": "Все фотографии в полном размере (ZIP)",
        "full_size": "Полный размер",
        "kits": "Пресс-киты",
        "read_online": "Читать онлайн",
        "skip": "Перейти к содержанию",
    },
    "uk": {
        "immediate": "Для негайного оприлюднення",
        "embargoed": "Ембарго до",
        "about": "Про {name}",
        "contact": "Контакт для преси",
        "contacts": "Контакти для преси",
        "notes": "Примітки для редакторів",
        "more": "- далі -",
        "page": "Сторінка {page} з {pages}",
        "press_kit": "Прес-кіт {year}",
        "contents": "Зміст",
        "fact_sheet": "Основні факти",
        "history": "Історія",
        "people": "Керівництво",
        "releases": "Прес-релізи",
        "website": "Сайт",
        "headquarters": "Штаб-квартира",
        "photo": "Фото",
        "covering": "Прес-релізи з {start} по {end}",
        "newsroom": "Пресцентр",
        "latest": "Останні прес-релізи",
        "search": "Пошук у прес-релізах",
        "no_results": "Нічого не знайдено.",
        "download_pdf": "Завантажити PDF",
        "languages": "Мови",
        "download_pictures": "Усі фото в повному розмірі (ZIP)",
        "full_size": "Повний розмір",
        "kits": "Прес-кіти",
        "read_online": "Читати онлайн",
        "skip": "Перейти до змісту",
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
        "newsroom": "المركز الإعلامي",
        "latest": "أحدث البيانات الصحفية",
        "search": "البحث في البيانات الصحفية",
        "no_results": "لا توجد نتائج.",
        "download_pdf": "تنزيل PDF",
        "languages": "اللغات",
        "download_pictures": "جميع الصور بالحجم الكامل (ZIP)",
        "full_size": "الحجم الكامل",
        "kits": "الملفات الصحفية",
        "read_online": "اقرأ على الإنترنت",
        "skip": "انتقل إلى المحتوى",
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
        "newsroom": "Γραφείο Τύπου",
        "latest": "Πρόσφατα δελτία",
        "search": "Αναζήτηση δελτίων",
        "no_results": "Δεν βρέθηκε δελτίο.",
        "download_pdf": "Λήψη PDF",
        "languages": "Γλώσσες",
        "download_pictures": "Όλες οι φωτογραφίες σε πλήρες μέγεθος (ZIP)",
        "full_size": "Πλήρες μέγεθος",
        "kits": "Φάκελοι Τύπου",
        "read_online": "Ανάγνωση online",
        "skip": "Μετάβαση στο περιεχόμενο",
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
        "newsroom": "Sala stampa",
        "latest": "Ultimi comunicati",
        "search": "Cerca nei comunicati",
        "no_results": "Nessun comunicato corrisponde.",
        "download_pdf": "Scarica il PDF",
        "languages": "Lingue",
        "download_pictures": "Tutte le foto in alta risoluzione (ZIP)",
        "full_size": "Alta risoluzione",
        "kits": "Cartelle stampa",
        "read_online": "Leggi online",
        "skip": "Vai al contenuto",
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
        "newsroom": "חדר חדשות",
        "latest": "הודעות אחרונות",
        "search": "חיפוש בהודעות",
        "no_results": "לא נמצאו הודעות.",
        "download_pdf": "הורדת PDF",
        "languages": "שפות",
        "download_pictures": "כל התמונות בגודל מלא (ZIP)",
        "full_size": "גודל מלא",
        "kits": "ערכות עיתונות",
        "read_online": "לקריאה באתר",
        "skip": "דילוג לתוכן",
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
        "newsroom": "ニュースルーム",
        "latest": "最新のプレスリリース",
        "search": "プレスリリースを検索",
        "no_results": "該当するリリースはありません。",
        "download_pdf": "PDFをダウンロード",
        "languages": "言語",
        "download_pictures": "すべての写真（原寸、ZIP）",
        "full_size": "原寸",
        "kits": "プレスキット",
        "read_online": "オンラインで読む",
        "skip": "本文へ移動",
    },
}

# The covering note of an emailed release, in the release's language (English where presskit
# has none yet). {name}, {organization}, {outlet}, {when} and {pdf} are filled in per message;
# "unsubscribe" stays the word to reply with, as the List-Unsubscribe header has it.
COVERING: dict[str, dict[str, str]] = {
    "en": {
        "dear": "Dear {name},", "hello": "Hello,",
        "corrected": "This is a corrected version of a release we sent you earlier.",
        "corrected_use": "Please use it in place of the first one.",
        "embargo": "This release is under embargo until {when}.",
        "embargo_keep": "Please do not publish or broadcast it before then.",
        "lifted": "The embargo on this release lifted on {when}: it may be published now.",
        "interest": "We thought this release from {organization} may interest you.",
        "interest_at": "We thought this release from {organization} may interest you at "
                       "{outlet}.",
        "follows": "It follows below, and is attached as a PDF ({pdf}).",
        "regards": "With best regards,",
        "footer": "You receive this because you are on the media list of {organization}.",
        "unsubscribe": "To receive no more releases, reply with the word “unsubscribe”.",
        "subject_corrected": "CORRECTED",
    },
    "fr": {
        "dear": "Bonjour {name},", "hello": "Bonjour,",
        "corrected": "Voici une version corrigée d’un communiqué que nous vous avons envoyé.",
        "corrected_use": "Merci de l’utiliser à la place du premier.",
        "embargo": "Ce communiqué est sous embargo jusqu’au {when}.",
        "embargo_keep": "Merci de ne pas le publier ni le diffuser avant.",
        "lifted": "L’embargo sur ce communiqué a été levé le {when}\u202f: il peut être "
                  "publié dès maintenant.",
        "interest": "Ce communiqué de {organization} pourrait vous intéresser.",
        "interest_at": "Ce communiqué de {organization} pourrait intéresser la rédaction de "
                       "{outlet}.",
        "follows": "Vous le trouverez ci-dessous, et en pièce jointe au format PDF ({pdf}).",
        "regards": "Bien cordialement,",
        "footer": "Vous recevez ce message parce que vous figurez sur la liste presse de "
                  "{organization}.",
        "unsubscribe": "Pour ne plus recevoir nos communiqués, répondez avec le mot "
                       "«\u202funsubscribe\u202f».",
        "subject_corrected": "CORRIGÉ",
    },
    "es": {
        "dear": "Hola, {name}:", "hello": "Hola:",
        "corrected": "Esta es una versión corregida de un comunicado que le enviamos antes.",
        "corrected_use": "Por favor, utilícela en lugar de la primera.",
        "embargo": "Este comunicado está embargado hasta el {when}.",
        "embargo_keep": "Por favor, no lo publique ni lo difunda antes de esa fecha.",
        "lifted": "El embargo de este comunicado se levantó el {when}: ya puede publicarse.",
        "interest": "Pensamos que este comunicado de {organization} puede interesarle.",
        "interest_at": "Pensamos que este comunicado de {organization} puede interesarle para "
                       "{outlet}.",
        "follows": "Lo encontrará a continuación, y adjunto en PDF ({pdf}).",
        "regards": "Un cordial saludo,",
        "footer": "Recibe este mensaje porque figura en la lista de medios de {organization}.",
        "unsubscribe": "Para no recibir más comunicados, responda con la palabra "
                       "«unsubscribe».",
        "subject_corrected": "CORREGIDO",
    },
    "de": {
        "dear": "Guten Tag {name},", "hello": "Guten Tag,",
        "corrected": "Dies ist eine korrigierte Fassung einer Pressemitteilung, die wir Ihnen "
                     "zuvor geschickt haben.",
        "corrected_use": "Bitte verwenden Sie sie anstelle der ersten.",
        "embargo": "Für diese Pressemitteilung gilt eine Sperrfrist bis {when}.",
        "embargo_keep": "Bitte veröffentlichen oder senden Sie sie nicht vorher.",
        "lifted": "Die Sperrfrist dieser Pressemitteilung endete am {when}: Sie darf jetzt "
                  "veröffentlicht werden.",
        "interest": "Diese Pressemitteilung von {organization} könnte Sie interessieren.",
        "interest_at": "Diese Pressemitteilung von {organization} könnte für {outlet} "
                       "interessant sein.",
        "follows": "Sie finden sie unten und als PDF im Anhang ({pdf}).",
        "regards": "Mit freundlichen Grüßen",
        "footer": "Sie erhalten diese Nachricht, weil Sie im Presseverteiler von "
                  "{organization} stehen.",
        "unsubscribe": "Wenn Sie keine Pressemitteilungen mehr erhalten möchten, antworten "
                       "Sie mit dem Wort „unsubscribe“.",
        "subject_corrected": "KORRIGIERT",
    },
    "it": {
        "dear": "Gentile {name},", "hello": "Buongiorno,",
        "corrected": "Questa è una versione corretta di un comunicato che le abbiamo inviato "
                     "in precedenza.",
        "corrected_use": "La preghiamo di usarla al posto della prima.",
        "embargo": "Questo comunicato è sotto embargo fino al {when}.",
        "embargo_keep": "La preghiamo di non pubblicarlo né diffonderlo prima di allora.",
        "lifted": "L’embargo su questo comunicato è terminato il {when}: può essere "
                  "pubblicato.",
        "interest": "Pensiamo che questo comunicato di {organization} possa interessarle.",
        "interest_at": "Pensiamo che questo comunicato di {organization} possa interessare "
                       "{outlet}.",
        "follows": "Lo trova qui sotto, e in allegato in PDF ({pdf}).",
        "regards": "Cordiali saluti,",
        "footer": "Riceve questo messaggio perché è nella lista stampa di {organization}.",
        "unsubscribe": "Per non ricevere più comunicati, risponda con la parola "
                       "«unsubscribe».",
        "subject_corrected": "CORRETTO",
    },
    "ru": {
        "dear": "Здравствуйте, {name}!", "hello": "Здравствуйте!",
        "corrected": "Это исправленная версия пресс-релиза, который мы отправили вам ранее.",
        "corrected_use": "Пожалуйста, используйте её вместо первой.",
        "embargo": "Этот пресс-релиз находится под эмбарго до {when}.",
        "embargo_keep": "Пожалуйста, не публикуйте и не распространяйте его до этого времени.",
        "lifted": "Эмбарго на этот пресс-релиз снято {when}: его можно публиковать.",
        "interest": "Мы подумали, что этот пресс-релиз от {organization} может вас "
                    "заинтересовать.",
        "interest_at": "Мы подумали, что этот пресс-релиз от {organization} может быть "
                       "интересен редакции {outlet}.",
        "follows": "Он приведён ниже и приложен в формате PDF ({pdf}).",
        "regards": "С уважением,",
        "footer": "Вы получили это письмо, потому что включены в список рассылки для СМИ "
                  "{organization}.",
        "unsubscribe": "Чтобы больше не получать пресс-релизы, ответьте словом "
                       "«unsubscribe».",
        "subject_corrected": "ИСПРАВЛЕНО",
    },
    "uk": {
        "dear": "Доброго дня, {name}!", "hello": "Доброго дня!",
        "corrected": "Це виправлена версія прес-релізу, який ми надіслали вам раніше.",
        "corrected_use": "Будь ласка, використовуйте її замість першої.",
        "embargo": "Цей прес-реліз під ембарго до {when}.",
        "embargo_keep": "Будь ласка, не публікуйте й не поширюйте його до цього часу.",
        "lifted": "Ембарго на цей прес-реліз знято {when}: його можна публікувати.",
        "interest": "Ми подумали, що цей прес-реліз від {organization} може вас "
                    "зацікавити.",
        "interest_at": "Ми подумали, що цей прес-реліз від {organization} може зацікавити "
                       "редакцію {outlet}.",
        "follows": "Він наведений нижче й доданий у форматі PDF ({pdf}).",
        "regards": "З повагою,",
        "footer": "Ви отримали цей лист, бо включені до списку розсилки для ЗМІ "
                  "{organization}.",
        "unsubscribe": "Щоб більше не отримувати прес-релізи, дайте відповідь словом "
                       "«unsubscribe».",
        "subject_corrected": "ВИПРАВЛЕНО",
    },
    "ar": {
        "dear": "مرحبًا {name}،", "hello": "مرحبًا،",
        "corrected": "هذه نسخة مصحّحة من بيان صحفي أرسلناه إليكم سابقًا.",
        "corrected_use": "يُرجى استخدامها بدلًا من النسخة الأولى.",
        "embargo": "هذا البيان محظور النشر حتى {when}.",
        "embargo_keep": "يُرجى عدم نشره أو بثّه قبل ذلك الموعد.",
        "lifted": "رُفع حظر النشر عن هذا البيان في {when}، ويمكن نشره الآن.",
        "interest": "نعتقد أن هذا البيان الصادر عن {organization} قد يهمّكم.",
        "interest_at": "نعتقد أن هذا البيان الصادر عن {organization} قد يهمّ {outlet}.",
        "follows": "تجدونه أدناه، ومرفقًا بصيغة PDF ({pdf}).",
        "regards": "مع أطيب التحيات،",
        "footer": "تصلكم هذه الرسالة لأنكم مدرجون في القائمة الإعلامية لدى {organization}.",
        "unsubscribe": "لإيقاف استلام البيانات الصحفية، يُرجى الرد بكلمة «unsubscribe».",
        "subject_corrected": "تصحيح",
    },
}

LABEL_KEYS = tuple(LABELS["en"])
# What each label's {placeholders} are filled with; the others take none.
LABEL_PLACEHOLDERS = {"about": ("name",), "page": ("page", "pages"), "press_kit": ("year",),
                      "covering": ("start", "end")}
RTL_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"}


def base_language(lang: str) -> str:
    """The language of a tag ('fr' of 'fr-CA'); English for none."""
    return base_tag(lang or "en")


def covering_language(lang: str) -> str:
    """The language the covering note of a release in `lang` is written in: its own, else
    English."""
    return lang if base_language(lang) in COVERING else "en"


def covering_for(lang: str, **values: str) -> SimpleNamespace:
    """The covering note's sentences in the release's language, else English, filled in."""
    texts = dict(COVERING["en"])
    texts.update(COVERING.get(base_language(lang), {}))
    # Its own language and direction: English in an Arabic message still reads left to right.
    own = covering_language(lang)
    return SimpleNamespace(lang=own, dir=direction(own),
                           **{key: text.format(**values) for key, text in texts.items()})


def has_labels(lang: str, overrides: dict[str, dict[str, str]] | None = None) -> bool:
    """Whether the labels of `lang` are its own (built in, or given by the project), not
    English by default."""
    base = base_language(lang)
    return base in LABELS or any((overrides or {}).get(key) for key in (base, lang))


# French sets a narrow no-break space inside guillemets and before ; : ! ?, so that none of
# them begins or ends a line away from its word. A space typed there becomes that space; what
# was typed without one is left as it was (as in Swiss usage).
_FRENCH_BEFORE = re.compile(r" +(?=[;:!?»])")
_FRENCH_AFTER = re.compile(r"(?<=«) +")


def punctuation_spaces(text: str, lang: str) -> str:
    """Text as the language spaces its punctuation: for French, « a » and b ; c : d ? e ! with
    narrow no-break spaces. Other languages are left as typed."""
    if not text or base_language(lang) != "fr":
        return text
    return _FRENCH_AFTER.sub("\u202f", _FRENCH_BEFORE.sub("\u202f", text))


# The quotation marks each language prints for a typed " and ' (opening, closing, then the
# inner pair), from CLDR 47's <delimiters>: Babel does not carry them. A language not listed
# quotes as English does; Swiss French and German set guillemets without spaces.
QUOTES: dict[str, str] = {
    **dict.fromkeys("en es pt zh ko tr id vi hi da cy ga gl ms ta th sw".split(), "“”‘’"),
    **dict.fromkeys("fr hy".split(), "«»«»"),
    "fr-ca": "«»”“",
    **dict.fromkeys("fr-ch de-ch de-li gsw fa am".split(), "«»‹›"),
    **dict.fromkeys("de cs sk sl hr et is lb mk dsb hsb".split(), "„“‚‘"),
    **dict.fromkeys("bg lt".split(), "„“„“"),
    **dict.fromkeys("ru uk be ky kk-cyrl".split(), "«»„“"),
    **dict.fromkeys("it el ca eu sq br ast pt-pt kk".split(), "«»“”"),
    **dict.fromkeys("ar ur".split(), "”“’‘"),
    **dict.fromkeys("he fi sv".split(), "””’’"),
    "hu": "„”»«",
    **dict.fromkeys("ja zh-hant zh-tw zh-hk zh-mo yue".split(), "「」『』"),
    "ka": "„“«»",
    "nl": "‘’‘’",
    **dict.fromkeys("pl ro".split(), "„”«»"),
    **dict.fromkeys("no nb nn".split(), "«»‘’"),
    "sr": "„”’’",
    "bs": "„”‘’",
    "uz": "“”’‘",
}


def quotes(lang: str) -> tuple[str, str, str, str]:
    """The language's quotation marks (opening, closing, inner opening, inner closing), as
    markdown-it's typographer takes them: “…” ‘…’ in English, „…“ in German, «…» in
    Russian, 「…」 in Japanese; French guillemets hold a narrow no-break space, as
    punctuation_spaces sets one typed there."""
    tag = (lang or "en").replace("_", "-").lower()
    parts = tag.split("-")
    marks = next((QUOTES[key] for key in ("-".join(parts[:2]), "-".join(parts[:3:2]),
                                          parts[0]) if key in QUOTES), QUOTES["en"])
    spaced = parts[0] == "fr" and "ch" not in parts[1:]
    return tuple(f"{mark}\u202f" if spaced and mark == "«" else
                 f"\u202f{mark}" if spaced and mark == "»" else mark for mark in marks)


# How an "About" heading begins (or, in Japanese, ends) in the languages presskit has labels
# for, and in Chinese: a boilerplate whose first line is one brings its own heading.
ABOUT_OPENINGS = tuple(sorted({label["about"].split("{name}")[0].strip()
                               for label in LABELS.values()
                               if not label["about"].startswith("{name}")}
                              | {"Об", "A propos de", "关于", "關於"}))
ABOUT_ENDINGS = ("について", "简介", "簡介")


def is_about_heading(line: str) -> bool:
    """Whether `line` reads as an "About" heading: "ABOUT THE TOR PROJECT", "Über den
    OpenOffice.org Deutschland e.V.", "关于…", "PostgreSQLについて"; short, one line, not a
    sentence."""
    line = line.strip().rstrip(":：")
    if not line or "\n" in line or len(line) > 100 or line.endswith((".", "!", "?", "。")) \
            and not line.endswith(("e.V.", "Inc.", "Ltd.", "Co.", "S.A.")):
        return False
    folded = line.casefold()
    return any(folded == word.casefold() or folded.startswith(word.casefold() + " ")
               or word in ("关于", "關於") and line.startswith(word)
               for word in ABOUT_OPENINGS) or line.endswith(ABOUT_ENDINGS)


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
    """The language's name in itself, as a language menu shows it: Русский, 日本語, עברית; a
    tag Babel does not know, as written."""
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return lang
    name = locale.get_display_name(locale) or lang
    return name[:1].upper() + name[1:]


def format_date(date: dt.date, lang: str) -> str:
    """A date as written in running text of that language (December 28, 2012; 28 décembre 2012)."""
    return _babel_date(date, format="long", locale=_locale(lang))


def format_embargo(moment: dt.datetime, lang: str, office_zone: str = "") -> str:
    """Date, time and zone of an embargo, e.g. 'January 5, 2013, 9:00 AM EST' when the press
    office's zone (presskit.yaml's timezone) is America/New_York, else '... 9:00 AM UTC-5'."""
    locale = _locale(lang)
    zone = zone_abbreviation(moment, office_zone) or readable_offset(moment)
    # The language's own way of joining a date and a time ("{1}, {0}"; Arabic uses "،").
    pattern = str(get_datetime_format("long", locale=locale))
    when = pattern.replace("{1}", _babel_date(moment.date(), format="long", locale=locale)) \
        .replace("{0}", _babel_time(moment.timetz(), format="short", locale=locale))
    return f"{when} {zone}"


def embargo_when(moment: dt.datetime, office_zone: str = "") -> str:
    """An embargo as the terminal tells it, in the zone the PDF names (format_embargo):
    '2026-12-03 11:00 EST', else '2026-12-03 11:00 UTC-05:00'."""
    return f"{moment:%Y-%m-%d %H:%M} {embargo_zone(moment, office_zone)}"


def embargo_zone(moment: dt.datetime, office_zone: str = "") -> str:
    """EST when the embargo is written in the press office's zone, else UTC-05:00."""
    return zone_abbreviation(moment, office_zone) or utc_offset(moment)


def direction(lang: str) -> str:
    return "rtl" if base_language(lang) in RTL_LANGUAGES else "ltr"


def time_zone(name: str):
    """The IANA zone `name` (America/New_York), or None when there is no such zone."""
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name.strip())
    except (ValueError, OSError, LookupError):   # ZoneInfoNotFoundError is a KeyError
        return None


def zone_abbreviation(moment: dt.datetime, office_zone: str) -> str:
    """EST or CEST for an embargo written in the office's zone at that moment; '' when the
    embargo's offset is another zone's, or the zone has no letters for it (Asia/Dubai: +04)."""
    zone = time_zone(office_zone) if office_zone else None
    if zone is None:
        return ""
    local = moment.astimezone(zone)
    name = local.tzname() or ""
    return name if local.utcoffset() == moment.utcoffset() and name.isalpha() else ""


def utc_offset(moment: dt.datetime) -> str:
    """The zone as written in the YAML, as an offset: UTC, UTC+01:00, UTC-05:00."""
    offset = moment.utcoffset() or dt.timedelta(0)
    return f"UTC{offset_text(offset)}" if offset else "UTC"


def readable_offset(moment: dt.datetime) -> str:
    """The embargo's offset as a reader reads it beside a time: UTC-5, UTC+5:30, UTC. Not
    UTC-05:00, which reads as a range or a code; nor a zone's name guessed from it: -05:00 is
    New York's in winter, Chicago's in summer and Lima's all year."""
    minutes = int((moment.utcoffset() or dt.timedelta(0)).total_seconds() // 60)
    if not minutes:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '-'}{hours}" + (f":{rest:02d}" if rest else "")


def offset_text(offset: dt.timedelta) -> str:
    """An offset as ISO 8601 writes it: +01:00, -05:00, +00:00."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"   # as the e-mail's subject has it, and every font
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"
