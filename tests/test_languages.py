"""Releases in many languages: labels, dates, direction, fonts, tags, logos and photos, read back
from real PDFs."""
from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from pypdf import PdfReader

from presskit import i18n

from conftest import ProjectMaker, pdffonts, pdfinfo, pdftotext, run

LANGS = ("fr", "es", "de", "ru", "ar", "el")
BODIES = {
    "fr": "L’Alliance a ouvert deux cliniques aujourd’hui. Ça coûte cher, dit-elle à Noël.",
    "es": "La Alianza abrió hoy dos clínicas. «Cada persona merece atención», dijo la señora.",
    "de": "Die Allianz eröffnete heute zwei Kliniken. Größe und Übermaß, sagte die Ärztin.",
    "ru": "Альянс сегодня открыл две передвижные клиники. Ελληνικά: Καλημέρα. Łódź, Ærø.",
    "ar": "افتتح التحالف اليوم عيادتين متنقلتين عند المعبر الشمالي.",
    "el": "Η Συμμαχία άνοιξε σήμερα δύο κινητές κλινικές. «Καλημέρα», είπε η γιατρός.",
}
TITLES = {
    "fr": "Des cliniques mobiles ouvrent au poste frontière nord",
    "es": "Clínicas móviles abren en el paso fronterizo norte",
    "de": "Mobile Kliniken am nördlichen Grenzübergang eröffnet",
    "ru": "Передвижные клиники открылись на северном переходе",
    "ar": "افتتاح عيادات متنقلة عند المعبر الشمالي",
    "el": "Κινητές κλινικές ανοίγουν στο βόρειο πέρασμα",
}
DATE = dt.date(2024, 3, 5)


@pytest.fixture(scope="session")
def built(built_once):
    """One project with a release in each language, built once: its tests only read it."""
    folder = built_once("languages", _build_languages)
    maker = ProjectMaker(folder / "project")
    maker.stderr = (folder / "build.stderr").read_text(encoding="utf-8")
    return maker


def _build_languages(folder):
    maker = ProjectMaker(folder / "project")
    maker.organization(logo="assets/logo.svg")
    maker.write("assets/logo.svg", SVG_LOGO)
    maker.write("assets/photo.jpg", _jpeg())
    for lang in LANGS:
        maker.release(f"2024-03-05-{lang}", title=TITLES[lang], lang=lang, body=BODIES[lang],
                      dateline="Portland")
    maker.release("2024-03-06-embargo-ru", title="Эмбарго", lang="ru", body=BODIES["ru"],
                  embargo="2024-03-06T09:00:00+03:00", dateline="Москва")
    maker.release("2024-03-07-photo", images=[
        {"src": "assets/photo.jpg", "caption": "A clinic at dawn.", "credit": "Ada Example"},
        {"src": "assets/photo.jpg", "caption": "The queue.", "credit": "Sam Press",
         "alt": "People waiting in line outside a white tent."},
        {"src": "assets/photo.jpg", "caption": "The gate.", "credit": "Photo by Lee Sample"},
        {"src": "assets/photo.jpg", "caption": "The road.", "credit": "© Northwind"}])
    result = run("build", project_dir=maker.root)
    assert result.exit_code == 0, result.output
    (folder / "build.stderr").write_text(result.stderr, encoding="utf-8")


def plain(text: str) -> str:
    """pdftotext gives the narrow no-break space Babel puts in dates (2024 г.) as a space."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def caps(text: str) -> str:
    """Capitals without accents: Greek set in capitals drops its accents (ΆΜΕΣΗ → ΑΜΕΣΗ)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.upper())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def pdf(maker, slug):
    return maker.root / "dist" / "releases" / f"{slug}.pdf"


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "ar"])
def test_labels_and_date_in_the_releases_language(built, lang):
    labels = i18n.labels_for(lang)
    text = pdftotext(pdf(built, f"2024-03-05-{lang}"))
    capitals = caps(text)
    assert caps(labels["immediate"]) in capitals
    assert plain(i18n.format_date(DATE, lang)) in text
    assert caps(labels["about"].format(name="Northwind Refugee Health Alliance")) in capitals
    assert caps(labels["contact"]) in capitals
    assert labels["page"].format(page=1, pages=1) in text
    assert TITLES[lang] in " ".join(text.split())


def test_the_date_is_written_as_each_language_writes_it():
    assert i18n.format_date(DATE, "fr") == "5 mars 2024"
    assert i18n.format_date(DATE, "de") == "5. März 2024"
    assert i18n.format_date(DATE, "ru") == "5 марта 2024\u202fг."  # a narrow no-break space
    assert i18n.format_date(DATE, "es") == "5 de marzo de 2024"
    assert "مارس" in i18n.format_date(DATE, "ar")
    assert i18n.format_date(DATE, "fr-CA") == "5 mars 2024"


def test_an_embargo_in_russian(built):
    text = pdftotext(pdf(built, "2024-03-06-embargo-ru"))
    moment = dt.datetime(2024, 3, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert f"ЭМБАРГО ДО {plain(i18n.format_embargo(moment, 'ru'))}".upper() in text.upper()
    assert "6 марта 2024 г., 09:00 UTC+3" in text


def test_arabic_reads_back_and_lays_out_right_to_left(built):
    path = pdf(built, "2024-03-05-ar")
    # pypdf, not pdftotext: poppler reorders the lam-alef ligature (لا) when it extracts
    # right-to-left text, although the PDF maps it right.
    text = PdfReader(path).pages[0].extract_text()
    labels = i18n.labels_for("ar")
    for label in (labels["immediate"], labels["contact"], "صفحة", "مارس", TITLES["ar"]):
        assert label in text
    width = float(pdfinfo(path)["Page size"].split()[0])
    headline = _headline_words(path)
    # Right to left: the headline ends at the right margin, far from the left one.
    assert max(w[2] for w in headline) > width * 0.8
    assert min(w[0] for w in headline) > width * 0.25
    russian = _headline_words(pdf(built, "2024-03-05-ru"))
    assert min(w[0] for w in russian) < width * 0.2
    # A phone number and an address keep their own order inside right-to-left text.
    line = next(line for line in pdftotext(path, "-layout").splitlines() if "0100" in line)
    assert "+1 555 0100" in line and "press@example.org" in line, line


def test_the_letterhead_logo_is_on_the_page_in_both_directions(built, tmp_path):
    for slug, side in (("2024-03-05-ar", "right"), ("2024-03-05-ru", "left")):
        where = _logo_position(pdf(built, slug), tmp_path)
        assert where is not None, f"{slug}: the logo is not on the page"
        assert (where > 0.5) == (side == "right"), (slug, where)


def test_pdfs_are_tagged_with_the_document_language(built):
    for lang in LANGS:
        path = pdf(built, f"2024-03-05-{lang}")
        assert pdfinfo(path)["Tagged"] == "yes"
        assert PdfReader(path).trailer["/Root"]["/Lang"] == lang


def test_russian_greek_and_accented_latin_have_every_glyph(built):
    assert "no installed font" not in built.stderr
    for lang in ("ru", "de", "fr", "ar", "el"):
        fonts = pdffonts(pdf(built, f"2024-03-05-{lang}"))
        assert fonts and all(f["emb"] == "yes" for f in fonts)
    text = pdftotext(pdf(built, "2024-03-05-ru"))
    assert "Καλημέρα" in text and "Łódź" in text and "Ærø" in text


@pytest.mark.parametrize("pattern, fields, scripts, package", [
    (":lang=ja",
     {"title": "東京で新しい診療所が開く", "body": "ひらがなと漢字の本文。", "lang": "ja"},
     ("Chinese/Japanese (Han)", "Japanese (kana)"), "fonts-noto-cjk"),
    (":charset=1f9e0", {"body": "The clinic treats head injuries \U0001F9E0."}, ("Emoji",),
     "fonts-noto-color-emoji"),
])
def test_a_script_without_font_warns_naming_the_script_and_package(project, pattern, fields,
                                                                   scripts, package):
    found = subprocess.run(["fc-list", pattern], capture_output=True, text=True).stdout
    if found.strip():
        pytest.skip(f"a font for {scripts[0]} is installed here")
    project.release(**fields)
    result = run("build", project_dir=project.root)
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1, result.stderr
    assert all(script in warnings[0] for script in scripts), warnings[0]
    assert f"install the {package} package" in warnings[0]


def test_photos_have_captions_credits_and_alternative_text(built):
    path = pdf(built, "2024-03-07-photo")
    text = pdftotext(path)
    assert "A clinic at dawn." in text and "Photo: Ada Example" in text
    assert "The queue." in text and "Photo: Sam Press" in text
    # A credit that says what it is gets no "Photo:" before it (a QA pass: "Photo: Photo by").
    flat = " ".join(text.split())
    assert "Photo by Lee Sample" in flat and "Photo: Photo" not in flat
    assert "© Northwind" in flat and "Photo: ©" not in flat
    alts = _alts(PdfReader(path))
    # alt when given, else the caption; the logo's is the organization's name.
    assert "A clinic at dawn." in alts
    assert "People waiting in line outside a white tent." in alts
    assert "Northwind Refugee Health Alliance" in alts


def test_a_raster_logo_prints_on_the_letterhead(project):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 100), (20, 80, 140)).save(out, "PNG")
    project.write("assets/logo.png", out.getvalue())
    project.organization(logo="assets/logo.png")
    assert run("build", project_dir=project.root).exit_code == 0
    listing = subprocess.run(["pdfimages", "-list", str(pdf(project, "2024-03-05-clinics-open"))],
                             capture_output=True, text=True, check=True).stdout
    assert len(listing.splitlines()) == 3  # two header lines, one image: the logo


def test_a_project_overrides_a_label(project):
    project.write("presskit.yaml", {"labels": {"fr": {"immediate": "Diffusion libre"}}})
    project.release(lang="fr", body="Texte du communiqué.")
    assert run("build", project_dir=project.root).exit_code == 0
    text = pdftotext(pdf(project, "2024-03-05-clinics-open"))
    assert "DIFFUSION LIBRE" in text
    assert "POUR DIFFUSION IMMÉDIATE" not in text


def test_more_is_translated_on_continuing_pages(project):
    project.release(lang="fr", body="\n\n".join(["Un paragraphe assez long pour remplir la "
                                                 "page, avec des mots et des phrases. " * 6] * 9))
    assert run("build", project_dir=project.root).exit_code == 0
    pages = pdftotext(pdf(project, "2024-03-05-clinics-open")).split("\f")[:-1]
    assert len(pages) >= 2
    assert "- suite -" in pages[0] and "- suite -" not in pages[-1]
    assert "Page 1 sur" in pages[0]


def test_french_punctuation_never_begins_or_ends_a_line_away_from_its_word(project):
    """« », ; : ! ? typed with plain spaces, as most people type them: a line began with
    "» recherche" and another ended with "«" (found by a QA pass)."""
    import random

    rng = random.Random(5)
    words = "le la les une recherche équipe santé mobile côte village données rapport".split()

    def phrase():
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
    marks = [lambda: f"« {phrase()} »", lambda: f"{phrase()} ;", lambda: f"{phrase()} :",
             lambda: f"{phrase()} ?", lambda: f"{phrase()} !"]
    body = "\n\n".join(" ".join(rng.choice(marks)() for _ in range(40)) for _ in range(4))
    project.release(lang="fr", title="« Des cliniques mobiles » : pourquoi ?", body=body)
    assert run("build", "--html", project_dir=project.root).exit_code == 0
    html = pdf(project, "2024-03-05-clinics-open").with_suffix(".html").read_text("utf-8")
    assert "«\u202fDes cliniques mobiles\u202f»\u202f: pourquoi\u202f?" in html
    lines = [line.strip() for line in
             pdftotext(pdf(project, "2024-03-05-clinics-open")).splitlines() if line.strip()]
    assert len(lines) > 30
    assert [line for line in lines if line[0] in "»;:!?" or line.endswith("«")] == []
    project.release(lang="en", body="Typed as French is; but in English: left as typed ?")
    assert run("build", "--html", project_dir=project.root).exit_code == 0
    html = pdf(project, "2024-03-05-clinics-open").with_suffix(".html").read_text("utf-8")
    assert "left as typed ?" in html


def test_every_language_has_every_label():
    for lang in ("en", "fr", "es", "de", "ru", "uk", "ar", "el", "it", "he", "ja"):
        assert set(i18n.LABELS[lang]) == set(i18n.LABEL_KEYS), lang
    for lang, texts in i18n.COVERING.items():   # every covering note says everything
        assert set(texts) == set(i18n.COVERING["en"]), lang
    assert i18n.labels_for("xx")["immediate"] == "For immediate release"
    assert i18n.labels_for("fr-CA")["immediate"] == "Pour diffusion immédiate"
    assert i18n.direction("ar") == "rtl" and i18n.direction("ar-EG") == "rtl"
    assert i18n.direction("ru") == "ltr"


def test_japanese_has_its_own_labels(project):
    project.release(lang="ja", title="北部の国境検問所に移動診療所を開設",
                    body="本日、二つの移動診療所を開設しました。", dateline="東京")
    assert run("build", project_dir=project.root).exit_code == 0
    text = "".join(pdftotext(pdf(project, "2024-03-05-clinics-open")).split()).upper()
    for label in ("即日発表", "報道関係者お問い合わせ先", "1/1ページ",
                  "NORTHWINDREFUGEEHEALTHALLIANCEについて"):
        assert label in text, label
    assert "IMMEDIATE" not in text


def test_japanese_has_no_slanted_type(project):
    """No italic in Japanese: the subheadline is upright, and emphasis bold (a QA pass found
    a synthesized oblique, Noto-Sans-CJK-JP-Oblique, with italic Latin digits beside it)."""
    project.release(lang="ja", title="仙台で国際シンポジウムを開催",
                    subtitle="60か国から研究者が集まる", dateline="仙台",
                    body="本日、*重要な*発表がありました。")
    if not subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True).stdout:
        pytest.skip("no font for Japanese is installed here (make setup installs one)")
    assert run("build", project_dir=project.root).exit_code == 0
    names = " ".join(font["name"] for font in pdffonts(pdf(project, "2024-03-05-clinics-open")))
    assert "CJK" in names
    assert "Oblique" not in names and "Italic" not in names, names


def test_a_headline_in_the_other_direction_keeps_its_punctuation_and_the_pages_alignment(
        project):
    """An English headline in a Hebrew release: right-aligned like the page, its "!" at its
    end in the headline and in the running head of the next pages."""
    project.organization(website="https://nrha.example.org/")
    project.release(lang="he", title="Clinics Open!", dateline="תל אביב",
                    body="\n\n".join(["הברית פתחה היום שתי מרפאות ניידות במעבר הצפוני. " * 12] * 8))
    assert run("build", project_dir=project.root).exit_code == 0
    path = pdf(project, "2024-03-05-clinics-open")
    pages = pdftotext(path).split("\f")[:-1]
    assert len(pages) >= 2
    running_head = [w[4] for w in sorted(_words(path, page=2)) if w[1] < 60]
    # Right to left, the frame is mirrored: the title at the left, the organization right,
    # and the page number bottom left.
    assert running_head[:2] == ["Clinics", "Open!"], running_head
    assert running_head[-1] == "NRHA", running_head     # the short name
    footer = [w for w in sorted(_words(path, page=2)) if w[1] > 700]
    assert footer[0][4] == str(len(pages)) and footer[0][0] < 150, footer  # "עמוד 2 מתוך 3"
    assert "nrha.example.org" in pages[0] and "gro.elpmaxe" not in pages[0]   # as typed
    headline = _headline_words(path)
    right_edge = max(w[2] for w in _words(path))
    assert max(w[2] for w in headline) > right_edge - 2     # flush with the right margin


def test_a_right_to_left_kit_mirrors_its_frame(project):
    project.organization(lang="he")
    project.release(lang="he", title="מרפאות ניידות נפתחו", dateline="תל אביב",
                    body="\n\n".join(["הברית פתחה היום שתי מרפאות ניידות במעבר הצפוני. " * 12] * 2))
    assert run("kit", "--year", "2024", project_dir=project.root).exit_code == 0
    path = project.root / "dist" / "kits" / "press-kit-2024.pdf"
    words = sorted(_words(path, page=3))            # the fact sheet: a section page
    head = [w for w in words if w[1] < 60]
    foot = [w for w in words if w[1] > 700]
    assert head[-1][4] == "NRHA" and head[-1][2] > 450, head          # organization, right
    assert foot and foot[0][2] < 200, foot                            # page number, left


def test_an_english_contact_in_a_hebrew_release_reads_left_to_right(project):
    project.release(lang="he", title="מרפאות ניידות נפתחו", dateline="תל אביב",
                    body="הברית פתחה היום שתי מרפאות ניידות.",
                    contacts=[{"name": "Ada Example", "title": "Director",
                               "email": "ada@example.org"}])
    assert run("build", project_dir=project.root).exit_code == 0
    words = {w[4]: w for w in _words(pdf(project, "2024-03-05-clinics-open"))}
    # Left to right: "Ada Example, Director · ada@example.org", aligned right as the page.
    assert words["Ada"][0] < words["Example,"][0] < words["Director"][0] < \
        words["ada@example.org"][0], words
    assert words["ada@example.org"][2] > 450


# -- helpers ---------------------------------------------------------------------------------
SVG_LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" '
            'height="100"><circle cx="50" cy="50" r="45" fill="#204a80"/></svg>')


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 150, 90)).save(out, "JPEG")
    return out.getvalue()


def _words(path, page: int = 1) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) for each word of a page, from pdftotext -bbox."""
    import re

    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html)]


def _headline_words(path):
    """The words set in the largest type of the first page: the headline's."""
    words = _words(path)
    tallest = max(w[3] - w[1] for w in words)
    return [w for w in words if w[3] - w[1] > tallest * 0.9]


def _structure(reader):
    """Every structure element of the tagged PDF."""
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            yield node
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, list) else [kids])
        elif isinstance(node, list):
            stack.extend(node)


def _alts(reader) -> list[str]:
    return [str(n["/Alt"]) for n in _structure(reader) if "/Alt" in n]


def _logo_position(path, tmp_path) -> float | None:
    """Where the logo's blue is across the first page (0 left, 1 right), None if nowhere."""
    from PIL import Image

    prefix = tmp_path / path.stem
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", str(path),
                    str(prefix)], check=True)
    image = Image.open(next(tmp_path.glob(f"{path.stem}*.png"))).convert("RGB")
    xs = [x for x in range(image.width) for y in range(image.height // 4)
          if sum(abs(a - b) for a, b in zip(image.getpixel((x, y)), (0x20, 0x4A, 0x80))) < 40]
    return sum(xs) / len(xs) / image.width if len(xs) > 20 else None


def test_a_brace_written_twice_in_the_page_label_prints_once():
    from presskit.render import css_page_label

    assert css_page_label("{page}/{pages} {{x}}") == 'counter(page) "/" counter(pages) " {x}"'


def test_ukrainian_has_its_labels_and_no_wrong_hyphens(project):
    """Pyphen's Ukrainian patterns break "мобільні" as "мобі-льні": not hyphenated at all."""
    project.release(lang="uk", title="Мобільні бібліотеки відкриваються", dateline="Одеса",
                    body=" ".join(["Сьогодні мережа відкрила дві мобільні бібліотеки для "
                                   "висококваліфікованих працівників."] * 12))
    assert run("build", project_dir=project.root).exit_code == 0
    text = pdftotext(pdf(project, "2024-03-05-clinics-open"))
    assert "ДЛЯ НЕГАЙНОГО ОПРИЛЮДНЕННЯ" in text and "Сторінка 1 з 1" in text
    assert "\u2010" not in text


def test_an_arabic_contact_line_uses_the_arabic_comma(project):
    """"سارة المصري, مسؤولة" had a Latin comma; an English contact keeps its own."""
    project.release(lang="ar", title="عيادات متنقلة", dateline="عمّان", body="نص البيان.",
                    contacts=[{"name": "سارة المصري", "title": "مسؤولة الإعلام",
                               "phone": "+962 6 555 0100"},
                              {"name": "Ada Example", "title": "Press officer",
                               "email": "ada@example.org"}])
    assert run("build", "--html", project_dir=project.root).exit_code == 0
    html = pdf(project, "2024-03-05-clinics-open").with_suffix(".html").read_text("utf-8")
    assert 'سارة المصري</bdi>\u060c <bdi class="contact-title">' in html
    assert 'Ada Example</bdi>, <bdi class="contact-title">' in html
