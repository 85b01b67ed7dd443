"""Text copied out of a PDF is the text written: no hyphen nobody wrote, no word broken at a
hyphen it has, addresses whole; and quotes, apostrophes and dashes printed in each language's
own style, whatever was typed. Read back from real PDFs (pdftotext and pypdf)."""
from __future__ import annotations

import re

import overprint
import pytest
from pypdf import PdfReader

from presskit.i18n import labels_for

from conftest import pdf_pages, pdfinfo, pdftotext, run
from corpus import built, corpus_files

SLUG = "2024-03-05-clinics-open"
LONG_WORDS = ("Rechtsschutzversicherungsgesellschaften internationalization "
              "characteristically incomprehensibilities telecommunications "
              "Calderón-Whitfield community-driven state-of-the-art OpenOffice.org ")


def build(root, *args) -> object:
    result = run("build", *args, project_dir=root)
    assert result.exit_code == 0, result.stderr
    return root / "dist" / "releases" / f"{SLUG}.pdf"


def pypdf_text(pdf) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)


def broken_at_hyphens(text: str, more: str = "- more -") -> list[tuple[str, str]]:
    """The words split by a hyphen at a line's end: (the line's last word, the next's first).
    The foot's "- more -" is no word."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [(a.split()[-1], b.split()[0]) for a, b in zip(lines, lines[1:])
            if re.search(r"\w[-\u2010\u00ad]$", a) and letters(a.split()[-1]) != letters(more)]


def letters(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "ru"])
def test_no_language_is_hyphenated_and_no_word_is_broken_at_its_own_hyphen(project, lang):
    body = (LONG_WORDS * 12) if lang != "ru" else "Государственнообязательные " * 80
    project.release(lang=lang, body=body,
                    title="Calderón-Whitfield opens the Department of Labor’s clinics")
    pdf = build(project.root)
    texts = (pdftotext(pdf), pypdf_text(pdf))
    for text in texts:
        assert "\u2010" not in text and "\u00ad" not in text
        assert broken_at_hyphens(text) == []
    words = {word for text in texts for word in text.split()}
    assert set(body.split()) <= words      # every word copies out whole


def test_a_long_address_breaks_only_after_a_slash_or_before_a_dot_and_stays_in_the_margin(
        project):
    url = ("https://northernwater-resources.example.org/reports/2024/wells-survey/"
           "summary-of-findings/annex-three")
    email = "communications.department-of-labor@northernwater-resources.example.org"
    project.release(body=f"The report is at {url} and questions go to {email} today.\n")
    pdf = build(project.root)
    for text in (pdftotext(pdf, "-raw"), pypdf_text(pdf)):
        assert url in squeezed(text) and email in squeezed(text)
        assert broken_at_hyphens(text) == []
        lines = text.splitlines()
        for number, line in enumerate(lines[:-1]):
            if any(piece in line for piece in ("northernwater", "reports/", "communications")):
                # A line that ends inside an address ends after a / or before a dot or @.
                following = lines[number + 1].lstrip()
                assert line.endswith("/") or following.startswith((".", "@")) \
                    or not following[:1].isalnum() or line.endswith((" ", url, email)) \
                    or following.split()[0] not in (url + email), (line, following)
    width = float(pdfinfo(pdf)["Page size"].split()[0])
    right = max(w.x1 for page in overprint.words(pdf) for w in page)
    assert right < width - 50        # nothing runs into the right margin


def test_the_kit_cover_and_letterhead_are_not_hyphenated(project):
    name = ("Northwind Refugee Health Alliance Department of Labor and Intergovernmental "
            "Telecommunications")
    project.organization(name=name)
    result = run("kit", "--year", "2024", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    pdf = project.root / "dist" / "kits" / "press-kit-2024.pdf"
    for text in (pdftotext(pdf), pypdf_text(pdf)):
        assert "\u2010" not in text and broken_at_hyphens(text) == []
        assert set(name.split()) <= set(text.split())


# --- quotes, apostrophes and dashes ---------------------------------------------------------

QUOTED = ('"Every person deserves care," said Ada Example, the Alliance\'s director. '
          '"We won\'t stop -- not now."')


@pytest.mark.parametrize("lang, printed", [
    ("en", "“Every person deserves care,” said Ada Example, the Alliance’s director. "
           "“We won’t stop – not now.”"),
    ("fr", "«\u202fEvery person deserves care,\u202f» said Ada Example, the Alliance’s "
           "director. «\u202fWe won’t stop – not now.\u202f»"),
    ("de", "„Every person deserves care,“ said Ada Example, the Alliance’s director. "
           "„We won’t stop – not now.“"),
    ("ru", "«Every person deserves care,» said Ada Example, the Alliance’s director. "
           "«We won’t stop – not now.»"),
    ("ja", "「Every person deserves care,」 said Ada Example, the Alliance’s director. "
           "「We won’t stop – not now.」"),
    ("he", "”Every person deserves care,” said Ada Example, the Alliance’s director. "
           "”We won’t stop – not now.”"),
])
def test_quotes_apostrophes_and_dashes_print_in_the_language_s_style(project, lang, printed):
    project.release(lang=lang, body=f"{QUOTED}\n")
    pdf = build(project.root)
    text = " ".join(pypdf_text(pdf).split())
    if lang not in ("he",):   # right to left: pypdf gives the line in visual order
        assert " ".join(printed.split()) in text.replace("\u00a0", " ")
    assert '"' not in pdftotext(pdf) and "'" not in pdftotext(pdf)


def test_every_text_that_prints_gets_its_quotes_but_code_and_addresses_stay_as_typed(project):
    project.organization(boilerplate='The "Alliance" runs clinics; it\'s a 501(c)(3) charity.')
    project.release(
        title='Clinics "open" at the crossing', subtitle="Two clinics, 'at last'",
        dateline="Portland, ME",
        body='Run `presskit build --force "now"` or see https://example.org/a--b"c.\n\n'
             '"The first paragraph of a quotation runs on without a closing mark.\n\n'
             '"And the second closes it," she said.\n',
        notes='Photos "on request".',
        contacts=[{"name": "Sam O'Press", "title": 'Press officer, "North"',
                   "email": "press@example.org"}])
    text = pdftotext(build(project.root))
    flat = " ".join(text.split())
    assert "Clinics “open” at the crossing" in flat
    assert "Two clinics, ‘at last’" in flat
    assert '--force "now"' in flat                      # a code span as typed
    assert "https://example.org/a--b" in flat           # an address as typed
    assert "“The first paragraph of a quotation runs on" in flat
    assert "“And the second closes it,” she said." in flat
    assert "The “Alliance” runs clinics; it’s a 501(c)(3) charity." in flat
    assert "Photos “on request”." in flat
    assert "Sam O’Press, Press officer, “North”" in flat
    assert flat.count('"') == 2                          # those of the code span


def test_the_kit_s_own_texts_get_their_quotes_too(project):
    project.organization(
        location="Portland, ME -- the \"Northern\" office",
        facts=[{"label": "Clinics' sites", "value": 'Fourteen "mobile" clinics'}],
        history=[{"year": "2009", "text": 'The "first" clinic opens.'}],
        people=[{"name": "Ada O'Example", "title": 'Director, "Outreach"', "bio": "Ada's team."}])
    assert run("kit", "--year", "2024", project_dir=project.root).exit_code == 0
    flat = " ".join(pdftotext(project.root / "dist" / "kits" / "press-kit-2024.pdf").split())
    for printed in ("Portland, ME – the “Northern” office", "CLINICS’ SITES",
                    "Fourteen “mobile” clinics", "The “first” clinic opens.", "Ada O’Example",
                    "Director, “Outreach”", "Ada’s team."):
        assert printed in flat, printed
    assert '"' not in flat and "'" not in flat


def test_the_email_parts_have_the_pdf_s_typography(project):
    from presskit.load import load_project
    from presskit.mail.medialist import Recipient
    from presskit.mail.message import Composer, parse_sender

    project.release(title='Clinics "open"', body=f"{QUOTED}\n")
    loaded = load_project(project.root)
    composer = Composer(loaded, loaded.release(SLUG),
                        sender=parse_sender("NRHA <press@example.org>", "from", "t"),
                        reply_to=None, pdf_name=f"{SLUG}.pdf", embargoed=False)
    rendered = composer.render(Recipient(email="ana@example.org", name="Ana"))
    for part in (rendered.text, rendered.html):
        assert "“Every person deserves care,” said Ada Example, the Alliance’s director." \
            in " ".join(part.split())
    assert rendered.subject == "Clinics “open”"


def test_typeset_keeps_what_is_not_a_quotation():
    from presskit.typography import typeset

    assert typeset("501(c)(3), (r) and (tm) -- as typed", "en") == \
        "501(c)(3), (r) and (tm)\u00a0– as typed"   # the dash bound to the word before
    assert typeset("the '90s and a 12\" screen", "en") == "the ’90s and a 12″ screen"
    assert typeset('צה"ל ו-ג\'ורג\'', "he").startswith("צה״ל ו-ג׳ורג")
    assert typeset('He said "China, " says', "en") == "He said “China, ” says"
    assert typeset("“China, “ says X", "en") == "“China, ” says X"
    assert typeset('Il a dit "oui" !', "fr") == "Il a dit «\u202foui\u202f»\u202f!"
    assert typeset('Er sagte "ja"', "de-CH") == "Er sagte «ja»"


# --- headings and lead-ins ------------------------------------------------------------------

@pytest.mark.parametrize("lang, boilerplate, heading", [
    ("en", "ABOUT THE NORTHWIND ALLIANCE\nThe Alliance runs mobile clinics.", "ABOUT THE "
     "NORTHWIND ALLIANCE"),
    ("en", "About the Northwind Alliance\n\nThe Alliance runs mobile clinics.",
     "About the Northwind Alliance"),
    ("de", "## Über die Northwind Allianz e.V.\n\nDie Allianz betreibt mobile Kliniken.",
     "Über die Northwind Allianz e.V."),
    ("ja", "Northwind Allianceについて\n\nNorthwind Alliance は移動診療所を運営しています。",
     "Northwind Allianceについて"),
])
def test_a_boilerplate_with_its_own_heading_is_not_headed_twice(project, lang, boilerplate,
                                                                heading):
    project.release(lang=lang, boilerplate=boilerplate)
    text = pdftotext(build(project.root))
    assert text.count(heading) == 1
    # Not under presskit's "About Northwind Refugee Health Alliance" (in capitals, once).
    assert "northwind refugee health alliance" not in text.split("###")[0].split(
        "\n\n", 1)[1].casefold()


def test_a_second_organization_s_about_line_is_a_heading_and_names_keep_their_case(project):
    project.organization(name="PostgreSQL Example Group")
    project.release(boilerplate="About CloudExample\n\nCloudExample sells clouds.\n\n"
                                "About the PostgreSQL Example Group\n\nThe Group writes code.")
    html = build(project.root, "--html").with_suffix(".html").read_text("utf-8")
    about = html.split('<section class="about">')[1]
    assert re.search(r"<h2[^>]*>About CloudExample</h2>", about)
    assert "<h2>About the PostgreSQL Example Group</h2>" in about
    project.release(lang="ja")                # presskit's own heading, as the name is spelt
    text = pdftotext(build(project.root))
    assert "PostgreSQL Example Groupについて" in text and "POSTGRESQL" not in text


def test_a_lead_in_stays_on_the_page_of_what_it_leads_in_to(project):
    long = ("The clinics are open every day of the week, and the staff who run them speak "
            "the languages of the people who come. ") * 6
    for count in range(10, 24):   # the lead-in at every place near the foot of page 1
        project.release(body="\n\n".join(f"Short paragraph {n}." for n in range(count))
                        + f"\n\nFor more information about the clinics:\n\n{long}\n\n{long}\n")
        pages = pdf_pages(build(project.root))
        lead = next(n for n, page in enumerate(pages) if "For more information" in page)
        assert "The clinics are open" in pages[lead], count


# --- running heads --------------------------------------------------------------------------

def head_words(pdf, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, yMin, xMax, word) of the words above the text on a page."""
    return sorted((w.x0, w.y0, w.x1, w.text) for w in overprint.words(pdf)[page - 1]
                  if w.y0 < 60)


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("name, title", [
    (None, ("Mobile clinics open at the northern crossing, where families wait for days in the "
            "cold with their children and the elderly, as the Alliance's report of this winter "
            "shows in detail for every district ") * 2),
    ("Northwind Refugee Health Alliance of the Northern, Eastern and Western Border Districts "
     "and Crossings", "WWW " * 50),
    (None, "北部の国境検問所で移動診療所が開設され、家族連れや高齢者を含む多くの人々が"
           "数日間待つ冬の間、"
           "地区ごとの詳細な報告書が公開されました。" * 3),
])
def test_a_running_head_is_one_line_with_the_headline_cut_at_a_word(project, paper, name, title):
    title = title[:200]
    project.write("presskit.yaml", {"paper": paper})
    if name:
        project.organization(name=name, short_name=None)
    project.release(title=title, body=("The Alliance opened two clinics today. " * 20 + "\n\n")
                    * 7)      # two pages and a bit: page 2 has the running head
    pdf = build(project.root)
    head = head_words(pdf, 2)
    assert head and max(w[1] for w in head) - min(w[1] for w in head) < 2, head   # one line
    gaps = [head[n + 1][0] - head[n][2] for n in range(len(head) - 1)]
    split = gaps.index(max(gaps)) + 1           # between the organization and the headline
    right = head[split:]
    assert max(gaps) > 10, head                                                 # not overlaid
    assert head[-1][3].endswith("…")
    printed = " ".join(w[3] for w in head)
    assert printed.startswith(name[:20] if name else "NRHA ")
    cut = " ".join(w[3] for w in right)[:-1]
    assert title.replace("'", "’").startswith(cut)
    if " " in title:
        assert title.replace("'", "’")[len(cut)] == " "                          # a word's end


# --- letterhead and embargo -----------------------------------------------------------------

def test_the_letterhead_gives_the_website_as_typed_and_as_a_link(project):
    project.organization(website="https://www.nrha-northwind.example.org/")
    pdf = build(project.root)
    first = pdftotext(pdf).split("\f")[0]
    assert "www.nrha-northwind.example.org" in first.splitlines()[1]
    assert "https://" not in first.split("FOR IMMEDIATE")[0]
    uris = [a["/A"]["/URI"] for a in (x.get_object() for x in
                                      PdfReader(str(pdf)).pages[0].get("/Annots", []))
            if "/A" in a]
    assert "https://www.nrha-northwind.example.org/" in uris


def test_a_wordmark_logo_is_not_followed_by_the_name_it_spells(project):
    from PIL import Image

    project.write("assets/wordmark.png", b"")
    Image.new("RGB", (600, 150), "navy").save(project.root / "assets" / "wordmark.png")
    project.organization(logo="assets/wordmark.png", logo_has_name=True)
    text = pdftotext(build(project.root))
    assert text.split("\n", 1)[0].strip() == "Portland, ME · nrha.example.org"
    assert run("kit", "--year", "2024", project_dir=project.root).exit_code == 0
    cover = pdftotext(project.root / "dist" / "kits" / "press-kit-2024.pdf").split("\f")[0]
    assert "Northwind Refugee Health Alliance" not in cover and "Press Kit 2024" in cover
    project.organization(logo="assets/wordmark.png")          # a logo beside the name
    assert pdftotext(build(project.root)).startswith("Northwind Refugee Health Alliance")


@pytest.mark.parametrize("embargo, printed", [
    ("2024-03-05T09:00:00-04:00", "March 5, 2024, 9:00 AM UTC-4"),
    ("2024-03-05T09:00:00+05:30", "March 5, 2024, 9:00 AM UTC+5:30"),
    ("2024-03-05T09:00:00Z", "March 5, 2024, 9:00 AM UTC"),
])
def test_an_embargo_without_a_time_zone_gives_its_offset_as_people_read_it(project, embargo,
                                                                           printed):
    project.release(embargo=embargo)
    flat = " ".join(pdftotext(build(project.root)).split())
    assert f"EMBARGOED UNTIL {printed}" in flat and "UTC-04:00" not in flat


# --- real releases ------------------------------------------------------------------------

# Languages whose quotation marks are not the straight ones typed on a keyboard: all of those
# presskit prints (CLDR gives every language typographic marks).
@pytest.mark.skipif(not corpus_files(), reason="../shared/corpus is not here")
@pytest.mark.parametrize("source", corpus_files(), ids=lambda p: p.stem)
def test_a_real_release_copies_out_as_written(source, built_once):
    made = built(source, built_once)      # built once, with tests/test_corpus.py
    data, pdf = made.data, made.release
    written = squeezed(" ".join(str(value) for value in data.values() if value))
    more = labels_for(data.get("lang") or "en")["more"]
    for text in (pdftotext(pdf), pypdf_text(pdf)):
        assert "\u2010" not in text
        for before, after in broken_at_hyphens(text, more):
            assert squeezed(before + after) in written, (before, after)
        outside_addresses = re.sub(r"\S*(?:https?://|www\.|@)\S*", "", text)
        assert '"' not in outside_addresses
