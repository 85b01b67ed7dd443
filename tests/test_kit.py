"""The press kit, read back from the PDF: contents page numbers, bookmarks, order, selection.

Page numbers in the contents are checked against where each release really starts: the first
page (pdftotext, one page at a time) that carries both the release line and the headline.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ProjectMaker, pdf_pages, pdfinfo, pdftotext, run

SENTENCE = ("The Alliance's clinics saw {n} patients at the crossing this week, most of them "
            "families travelling with small children and older relatives who need care. ")


def long_body(paragraphs: int) -> str:
    """Invented copy long enough to run a release over several pages."""
    return "\n\n".join((SENTENCE.format(n=40 + i) * 4).strip() for i in range(paragraphs))


# Releases of the invented organization: two years, lengths from a few lines to three pages,
# listed out of date order on purpose (file order must not decide the kit's order).
RELEASES = {
    "2024-09-14-winter-appeal": dict(title="Winter appeal opens for the northern clinics",
                                     body=long_body(30), tags=["appeal"]),
    "2024-01-09-new-director": dict(title="A new medical director for the Alliance",
                                    body="The board named a new medical director today.\n"),
    "2024-05-21-border-report": dict(
        title="Report on care at three border crossings finds long waits for treatment and "
              "calls for more mobile clinics along the route",
        subtitle="Waiting times doubled in a year", body=long_body(14),
        embargo="2024-05-21T09:00:00-04:00", tags=["report", "appeal"]),
    "2024-11-30-year-end": dict(title="Year-end figures: fourteen clinics, one network",
                                body=long_body(3)),
    "2023-06-02-earlier-year": dict(title="Last year's release must stay out",
                                    body="An earlier release.\n", tags=["appeal"]),
}
ORDER_2024 = ["2024-01-09-new-director", "2024-05-21-border-report", "2024-09-14-winter-appeal",
              "2024-11-30-year-end"]


def norm(text: str) -> str:
    return " ".join(text.split())


def release_starts(pages: list[str], title: str) -> int:
    """1-based number of the page where a release begins (release line and headline)."""
    for number, text in enumerate(pages, start=1):
        flat = norm(text)
        # The headline as printed: an apostrophe typed ' prints ’.
        if norm(title.replace("'", "\u2019")) in flat and re.search(
                r"FOR IMMEDIATE RELEASE|EMBARGOED UNTIL", flat):
            return number
    raise AssertionError(f"no page starts the release {title!r}")


def contents_text(pages: list[str]) -> str:
    return norm(" ".join(p for p in pages if norm(p).startswith(
        ("NRHA Contents", "PHR Contents"))))


def toc_page(contents: str, entry: str) -> int:
    # A title that fills its line leaves room for one dot of the leader.
    match = re.search(re.escape(norm(entry)) + r" ?\.+ ?(\d+)", contents)
    assert match, f"{entry!r} not in the contents: {contents}"
    return int(match.group(1))


def outline(path) -> list:
    """The bookmarks as nested [(title, page), [children...]] with 1-based pages."""
    reader = PdfReader(str(path))

    def walk(items):
        out = []
        for item in items:
            if isinstance(item, list):
                out.append(walk(item))
            else:
                out.append((item.title, reader.get_destination_page_number(item) + 1))
        return out
    return walk(reader.outline)


@pytest.fixture(scope="session")
def northwind(built_once):
    """The invented organization with releases over two years: its 2024 kit and the PDF of
    one of its releases, built once for the tests that only read them."""
    def make(folder: Path) -> None:
        maker = ProjectMaker(folder / "northwind")
        maker.organization()
        for slug, fields in RELEASES.items():
            maker.release(slug, **fields)
        for args in (["kit", "--year", "2024"], ["build", "2024-05-21-border-report"]):
            result = run(*args, project_dir=maker.root)
            assert result.exit_code == 0, result.stderr

    maker = ProjectMaker(built_once("northwind", make) / "northwind")
    pdf = maker.root / "dist" / "kits" / "press-kit-2024.pdf"
    return maker, pdf, pdf_pages(pdf)


def test_cover_names_the_organization_the_year_and_the_span(northwind):
    _, _, pages = northwind
    cover = norm(pages[0])
    assert "Northwind Refugee Health Alliance" in cover
    assert "Press Kit 2024" in cover
    assert "Releases from January 1, 2024 to December 31, 2024" in cover
    assert "Page" not in cover  # no page number and no running head on the cover


def test_contents_page_numbers_are_where_each_release_begins(northwind):
    maker, _, pages = northwind
    contents = contents_text(pages)
    starts = []
    for slug in ORDER_2024:
        title = RELEASES[slug]["title"]
        start = release_starts(pages, title)
        assert toc_page(contents, title) == start, slug
        starts.append(start)
    # The releases are in date order and the long ones really span several pages.
    assert starts == sorted(starts)
    assert starts[2] - starts[1] >= 2 and len(pages) - starts[3] >= 1
    about = "About Northwind Refugee Health Alliance"
    for section in (about, "History", "People", "Media contacts"):
        # The running head names the section, then the section's heading opens the page.
        page = pages[toc_page(contents, section) - 1]
        assert norm(page).startswith(f"NRHA {section} {section}")   # the short name
    # The fact sheet follows the About text on its page.
    assert toc_page(contents, "Fact sheet") == toc_page(contents, about)
    assert "Fact sheet FOUNDED 2009" in norm(pages[toc_page(contents, about) - 1])


def test_contents_links_jump_to_the_pages_they_name(northwind):
    _, pdf, pages = northwind
    reader = PdfReader(str(pdf))
    destinations = {name: reader.get_destination_page_number(dest) + 1
                    for name, dest in reader.named_destinations.items()}
    contents = contents_text(pages)
    links = {str(annot.get_object()["/Dest"]) for annot in reader.pages[1]["/Annots"]}
    for slug in ORDER_2024:
        assert f"kit-{slug}" in links
        assert destinations[f"kit-{slug}"] == toc_page(contents, RELEASES[slug]["title"])
    for anchor, section in (("fact-sheet", "Fact sheet"), ("contacts", "Media contacts")):
        assert anchor in links
        assert destinations[anchor] == toc_page(contents, section)


def test_other_years_are_left_out(northwind):
    _, _, pages = northwind
    everything = norm(" ".join(pages))
    assert "Last year's release must stay out" not in everything


def test_bookmarks_name_every_section_and_nest_the_releases(northwind):
    _, pdf, pages = northwind
    marks = outline(pdf)
    top = [m for m in marks if isinstance(m, tuple)]
    assert [t for t, _ in top] == ["Contents", "About Northwind Refugee Health Alliance",
                                   "Fact sheet", "History", "People", "Releases",
                                   "Media contacts"]
    nested = marks[[t for t, _ in top].index("Releases") + 1]
    assert isinstance(nested, list)
    assert [t for t, _ in nested] == [RELEASES[s]["title"] for s in ORDER_2024]
    for title, page in nested:
        assert page == release_starts(pages, title)
    releases_page = dict(top)["Releases"]
    assert releases_page == nested[0][1]


def test_running_heads_name_the_release_and_more_shows_only_inside_releases(northwind):
    _, _, pages = northwind
    start = release_starts(pages, RELEASES["2024-09-14-winter-appeal"]["title"])
    end = release_starts(pages, RELEASES["2024-11-30-year-end"]["title"]) - 1
    assert end - start >= 2
    for number in range(start, end + 1):
        text = pages[number - 1]
        if number == start:  # the first page opens with the letterhead, as in its own PDF
            assert norm(text).startswith("Northwind Refugee Health Alliance Portland, ME")
        else:
            assert norm(text).startswith(
                "NRHA Winter appeal opens for the northern clinics")
        assert ("- more -" in text) == (number < end), number
    first_release = release_starts(pages, RELEASES[ORDER_2024[0]]["title"])
    for text in pages[:first_release - 1] + pages[-1:]:  # cover, contents, sections, contacts
        assert "- more -" not in text
    # The embargoed release carries its embargo on every page, as in its own PDF.
    report = release_starts(pages, RELEASES["2024-05-21-border-report"]["title"])
    assert "EMBARGOED UNTIL" in norm(pages[report - 1]).upper()
    # Page numbers run through the whole kit.
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_a_release_in_the_kit_is_laid_out_as_in_its_own_pdf(northwind):
    maker, _, pages = northwind
    slug = "2024-05-21-border-report"
    own = pdf_pages(maker.root / "dist" / "releases" / f"{slug}.pdf")
    start = release_starts(pages, RELEASES[slug]["title"])
    inside = pages[start - 1:start - 1 + len(own)]

    def without_page_numbers(text):
        return [line for line in text.splitlines() if not re.fullmatch(r"Page \d+ of \d+", line)]
    assert [without_page_numbers(p) for p in inside] == [without_page_numbers(p) for p in own]
    assert "###" in inside[-1]


def test_metadata_and_same_bytes_for_the_same_input(northwind, tmp_path):
    maker, pdf, _ = northwind
    info = pdfinfo(pdf)
    assert info["Title"] == "Northwind Refugee Health Alliance — Press Kit 2024"
    assert info["Author"] == "Northwind Refugee Health Alliance"
    assert info["Keywords"] == "report, appeal"  # first seen first, each once
    assert info["Tagged"] == "yes"
    assert "2024" in info["CreationDate"] and "Nov 30" in info["CreationDate"]
    again = tmp_path / "again.pdf"
    assert run("kit", "--year", "2024", "--output", again, project_dir=maker.root).exit_code == 0
    assert again.read_bytes() == pdf.read_bytes()


def test_an_empty_year_is_refused_naming_the_years_with_releases(northwind):
    maker, _, _ = northwind
    result = run("kit", "--year", "2019", project_dir=maker.root)
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        "no release dated 2019 to make a kit of (years with releases: 2023, 2024)")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (maker.root / "dist" / "kits" / "press-kit-2019.pdf").exists()


@pytest.mark.parametrize("output", ["organization.yaml", "media/desk.csv", "notes.txt",
                                    "old-kit.pdf"])
def test_output_never_replaces_a_file_that_is_not_a_pdf(project, monkeypatch, output):
    project.write("media/desk.csv", "email\ndesk@example.org\n")
    project.write("old-kit.pdf", "my notes, not a PDF\n")
    project.write("notes.txt", "mine\n")
    before = {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()}
    monkeypatch.chdir(project.root)
    result = run("kit", "--year", "2024", "--output", output)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{output}: ") and len(result.stderr.splitlines()) == 1
    assert {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()} == before


def test_output_replaces_an_earlier_kit(project, monkeypatch):
    monkeypatch.chdir(project.root)
    assert run("kit", "--year", "2024", "--output", "kit.pdf").exit_code == 0
    again = run("kit", "--year", "2024", "--output", "kit.pdf")
    assert again.exit_code == 0, again.stderr


def test_an_unknown_tag_is_refused_naming_the_tags_in_use(northwind):
    maker, _, _ = northwind
    result = run("kit", "--tag", "reports", project_dir=maker.root)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.endswith("to make a kit of (tags in use: appeal, report)"), line


def test_a_period_and_a_tag_select_releases_with_their_own_file_names(northwind, tmp_path):
    maker = ProjectMaker(tmp_path / "northwind")
    shutil.copytree(northwind[0].root, maker.root)
    result = run("kit", "--from", "2023-06-01", "--to", "2024-06-30", "--tag", "APPEAL",
                 project_dir=maker.root)
    assert result.exit_code == 0, result.stderr
    pdf = maker.root / "dist" / "kits" / "press-kit-2023-06-01-to-2024-06-30-tag-appeal.pdf"
    pages = pdf_pages(pdf)
    text = norm(" ".join(pages))
    assert "Press Kit 2023–2024" in norm(pages[0])
    assert release_starts(pages, RELEASES["2023-06-02-earlier-year"]["title"]) < \
        release_starts(pages, RELEASES["2024-05-21-border-report"]["title"])
    assert "Winter appeal opens" not in text  # tagged, but after the period
    assert "A new medical director" not in text  # in the period, but not tagged
    chosen = run("kit", "--tag", "report", "--output", maker.root / "report.pdf",
                 project_dir=maker.root)
    assert chosen.exit_code == 0, chosen.stderr
    marks = outline(maker.root / "report.pdf")
    titles = [t for t, _ in next(m for m in marks if isinstance(m, list))]
    assert titles == [RELEASES["2024-05-21-border-report"]["title"]]


@pytest.mark.parametrize("args", [[], ["--year", "2024", "--from", "2024-01-01"],
                                  ["--from", "2024-05-01", "--to", "2024-01-01"],
                                  ["--year", "twenty"]])
def test_selections_that_say_nothing_or_contradict_are_usage_errors(project, args):
    result = run("kit", *args, project_dir=project.root)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_data_problems_are_reported_as_check_does_before_rendering(project):
    project.write("releases/2024-04-01-broken.yaml",
                  "title: Broken\ndate: 2024-04-01\ndatelin: Portland, ME\nbody: Text\n")
    kit = run("kit", "--year", "2024", project_dir=project.root)
    check = run("check", project_dir=project.root)
    assert kit.exit_code == check.exit_code == 1
    # The same lines as check's errors (check may add lint warnings of its own).
    errors = [line for line in check.stderr.splitlines() if ": warning: " not in line]
    assert kit.stderr.splitlines() == errors
    assert "releases/2024-04-01-broken.yaml:3:1:" in kit.stderr
    assert not (project.root / "dist" / "kits").exists()


def test_sample_kit_of_2012(sample_built):
    pdf = sample_built / "dist" / "kits" / "press-kit-2012.pdf"
    pages = pdf_pages(pdf)
    assert "Physicians for Human Rights" in pages[0] and "Press Kit 2012" in pages[0]
    title = "Acquittal of Russian Doctor in Magnitsky Case Sparks Disappointment, Not Surprise"
    start = release_starts(pages, title)
    assert toc_page(contents_text(pages), title) == start
    marks = outline(pdf)
    assert ("Releases", start) in marks
    assert marks[marks.index(("Releases", start)) + 1] == [(title, start)]
    # PHR's sample names no media contact: the kit has no Media contacts page to fill.
    assert [m[0] for m in marks if isinstance(m, tuple)] == [
        "Contents", "About Physicians for Human Rights", "Fact sheet", "History", "People",
        "Releases"]
    assert "###" in pages[-1] or "###" in pages[-2]


def test_subjects_tell_a_release_and_a_tags_kit_apart_and_tags_differing_in_case_are_one(
        project):
    project.release(subtitle="Two new clinics serve 4,000 people", tags=["Health", "clinics"])
    project.release("2024-05-01-water", date="2024-05-01", title="Water returns",
                    tags=["health", "water"])
    assert run("build", project_dir=project.root).exit_code == 0
    release = pdfinfo(project.root / "dist" / "releases" / "2024-03-05-clinics-open.pdf")
    assert release["Subject"] == "Two new clinics serve 4,000 people"
    result = run("kit", "--tag", "health", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    (kit,) = (project.root / "dist" / "kits").glob("*.pdf")
    info = pdfinfo(kit)
    assert info["Subject"] == "Releases from March 5, 2024 to May 1, 2024 \u2014 health"
    assert info["Keywords"] == "Health, clinics, water"


def test_pdf_a_1b_lays_a_transparent_logo_on_white(project):
    # PDF/A-1 allows no soft mask: a logo with a transparent background made the kit
    # invalid while it said it was PDF/A-1b (found by a QA pass).
    import io

    from PIL import Image

    logo = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    logo.paste((29, 78, 137, 255), (50, 50, 550, 150))
    out = io.BytesIO()
    logo.save(out, "PNG")
    project.write("assets/logo.png", out.getvalue())
    project.organization(logo="assets/logo.png")

    def soft_masks(variant: str | None) -> int:
        options = ["--pdf-variant", variant] if variant else []
        result = run("kit", "--year", "2024", *options, "--output",
                     project.root / "kit.pdf", project_dir=project.root)
        assert result.exit_code == 0, result.stderr
        reader = PdfReader(str(project.root / "kit.pdf"))
        images = [obj for page in reader.pages
                  for obj in (page["/Resources"].get("/XObject") or {}).values()]
        assert images                                      # the logo is there
        return sum("/SMask" in obj.get_object() for obj in images)

    assert soft_masks(None) > 0           # the plain kit keeps the transparency
    assert soft_masks("pdf/a-1b") == 0


@pytest.mark.parametrize("variant", ["pdf/a-3b", "pdf/ua-1"])
def test_archival_and_accessible_variants_carry_metadata(project, variant):
    result = run("kit", "--year", "2024", "--pdf-variant", variant, "--output",
                 project.root / "kit.pdf", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    reader = PdfReader(str(project.root / "kit.pdf"))
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert "Northwind Refugee Health Alliance" in (xmp.dc_creator or [])
    assert "Press Kit 2024" in (xmp.dc_title or {}).get("x-default", "")
    raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    if variant == "pdf/a-3b":
        assert "<pdfaid:part>3</pdfaid:part>" in raw or 'pdfaid:part="3"' in raw
    else:
        assert "pdfuaid" in raw
        assert reader.trailer["/Root"]["/Lang"] == "en"
    assert pdftotext(project.root / "kit.pdf").count("Mobile clinics open") >= 2


def png(width: int, height: int, colour: str) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def test_logo_on_the_cover_portraits_at_one_size_and_a_release_in_its_own_language(project):
    project.write("assets/logo.png", png(600, 200, "#1d4e89"))
    project.write("assets/ada.png", png(300, 400, "#888888"))
    project.write("assets/ben.png", png(800, 500, "#444444"))  # landscape: cropped, not squeezed
    project.organization(logo="assets/logo.png", people=[
        {"name": "Ada Example", "title": "Director", "bio": "Ada leads the Alliance.",
         "photo": "assets/ada.png"},
        {"name": "Ben Example", "title": "Medical lead", "photo": "assets/ben.png"},
        {"name": "Cy Example", "title": "Logistics"}])
    project.release("2024-07-01-cliniques", title="Les cliniques mobiles ouvrent", lang="fr")
    result = run("kit", "--year", "2024", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    pdf = project.root / "dist" / "kits" / "press-kit-2024.pdf"
    pages = pdf_pages(pdf)
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]
    images = [line.split() for line in listing]
    assert "1" in [row[0] for row in images]  # the logo on the cover
    people_page = next(i for i, p in enumerate(pages, 1) if norm(p).startswith(
        "NRHA People People"))
    assert [row[0] for row in images].count(str(people_page)) == 2
    # Cy has no photo, and no grey box of initials in its place.
    assert "Cy Example" in pages[people_page - 1] and "CE" not in pages[people_page - 1]
    french = next(i for i, p in enumerate(pages, 1) if "POUR DIFFUSION IMMÉDIATE" in p.upper())
    assert "Les cliniques mobiles ouvrent" in pages[french - 1]
    assert "1 juillet 2024" in norm(pages[french - 1]) or "1er juillet 2024" in norm(
        pages[french - 1])


def test_sections_without_content_are_left_out(project):
    project.organization(history=None, people=None, contacts=None, website=None)
    result = run("kit", "--year", "2024", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    pdf = project.root / "dist" / "kits" / "press-kit-2024.pdf"
    top = [m[0] for m in outline(pdf) if isinstance(m, tuple)]
    # Nobody to reach: no Media contacts page with the organization's name alone on it.
    assert top == ["Contents", "About Northwind Refugee Health Alliance", "Fact sheet",
                   "Releases"]
    assert "Media contacts" not in pdftotext(pdf)


def test_many_media_contacts_sit_two_a_row_under_their_heading(project):
    contacts = [{"name": f"Contact {i:02d}", "title": "Press officer",
                 "email": f"press{i}@example.org", "phone": f"+1 555 01{i:02d}"}
                for i in range(14)]
    project.organization(contacts=contacts)
    project.write("presskit.yaml", "paper: a4\n")      # the narrower page
    result = run("kit", "--year", "2024", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    pdf = project.root / "dist" / "kits" / "press-kit-2024.pdf"
    first = next(page for page in pdf_pages(pdf) if "Media contacts Media contacts" in norm(page))
    # The heading stays with the first cards: a flex box moved them all to the next page.
    assert "Contact 00" in first
    lines = pdftotext(pdf, "-layout").splitlines()
    assert any("Contact 00" in line and "Contact 01" in line for line in lines)
    text = pdftotext(pdf)
    assert all(f"Contact {i:02d}" in text for i in range(14))


def test_a_release_in_another_language_is_named_in_the_contents_and_the_foot_is_the_kits(
        project):
    """An English kit holding a Russian release: its contents line says (Русский), and the
    foot of its pages reads "- more -" beside "Page N of M", not half Russian."""
    project.release("2024-03-05-clinics-open")
    project.release("2024-03-06-ru", title="Передвижные клиники открылись", lang="ru",
                    body="\n\n".join(["Альянс сегодня открыл две передвижные клиники. " * 12] * 9))
    result = run("kit", "--year", "2024", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    pages = pdf_pages(project.root / "dist" / "kits" / "press-kit-2024.pdf")
    contents = norm(next(p for p in pages if "Contents" in p))
    assert "Передвижные клиники открылись (Русский)" in contents
    assert "(English)" not in contents        # the kit's own language goes unnamed
    russian = [p for p in pages if "Альянс" in p]
    assert len(russian) >= 2
    assert "- more -" in russian[0] and "- далее -" not in russian[0]


def test_a_release_still_under_embargo_is_in_the_kit_with_a_warning(project):
    year = dt.date.today().year + 1
    path = project.release(f"{year}-01-10-future", date=f"{year}-01-10",
                           embargo=f"{year}-01-10T09:00:00-05:00")
    result = run("kit", "--year", str(year), project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert (f"{path}: warning: under embargo until {year}-01-10 09:00 "
            f"UTC-05:00; the kit must not go out before then") in result.stderr.splitlines()
    text = pdftotext(project.root / "dist" / "kits" / f"press-kit-{year}.pdf")
    assert "EMBARGOED UNTIL" in text
    # With the press office's zone set, the terminal names the zone as the PDF does.
    project.write("presskit.yaml", "timezone: America/New_York\n")
    result = run("kit", "--year", str(year), project_dir=project.root)
    assert (f"{path}: warning: under embargo until {year}-01-10 09:00 EST; the kit must not "
            f"go out before then") in result.stderr.splitlines()
    assert "9:00 AM EST" in pdftotext(project.root / "dist" / "kits" / f"press-kit-{year}.pdf")
    project.release(f"{year}-01-10-future", date=f"{year}-01-10")
    result = run("kit", "--year", str(year), project_dir=project.root)
    assert "embargo" not in result.stderr


def test_a_release_whose_page_begins_with_a_picture_has_the_same_pages_in_the_kit(project):
    """Each release in the kit is laid out as in its own PDF: a picture at the top of a
    continuation page keeps no margin above it in either, so no release grows a page."""
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (900, 500), (60, 110, 80)).save(picture, "PNG")
    project.write("assets/field.png", picture.getvalue())
    filler = ("The Alliance reports steady progress across its clinics this season, and "
              "thanks its volunteers. ")
    slugs = []
    for n in (8, 13):     # the picture opens page 2 in the first, not in the second
        slug = f"2024-05-{n:02d}-picture-{n}"
        slugs.append(slug)
        project.release(slug, date=f"2024-05-{n:02d}", title=f"Picture test {n}",
                        # One paragraph: its photo can go nowhere but after it (placement.py).
                        body=filler * 2 * n,
                        images=[{"src": "assets/field.png", "caption": "The field.",
                                 "credit": "Ada Example"}],
                        notes="\n".join(f"- Note {i} for editors." for i in range(20)))
    assert run("build", project_dir=project.root).exit_code == 0
    result = run("kit", "--year", "2024", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    kit = project.root / "dist" / "kits" / "press-kit-2024.pdf"
    kit_pages = pdf_pages(kit)

    def body(page: str) -> str:
        return re.sub(r"Page \d+ of \d+", "", norm(page)).strip()

    at_top = 0
    for slug in slugs:
        own_pages = pdf_pages(project.root / "dist" / "releases" / f"{slug}.pdf")
        start = release_starts(kit_pages, f"Picture test {slug.rsplit('-', 1)[1]}")
        in_kit = kit_pages[start - 1:start - 1 + len(own_pages)]
        # Page for page the same text, and the next kit page is another release's.
        assert [body(p) for p in in_kit[1:]] == [body(p) for p in own_pages[1:]], slug
        following = kit_pages[start - 1 + len(own_pages)]
        assert "FOR IMMEDIATE RELEASE" in following or "Media contacts" in following, slug
        for number, page in enumerate(own_pages[1:], 2):
            if body(page).split("The field.")[0].count(" ") < 12:    # the picture opens it
                at_top += 1
                # ... at the very same height: no margin above it in the kit either.
                own_y = caption_y(project.root / "dist" / "releases" / f"{slug}.pdf", number)
                assert abs(caption_y(kit, start - 1 + number) - own_y) < 0.5, slug
    assert at_top, "no release put its picture at the top of a page: change the filler"


def test_a_kit_places_photos_as_each_release_s_build_did_and_is_the_same_as_by_trial(
        project, monkeypatch):
    """A kit takes each release's photo places and setting from its own build (the build
    cache) and lays itself out once; the PDF is byte for byte the kit laid out by trial.
    Decisions that do not give the release the shape of its own PDF are not taken."""
    from PIL import Image

    from presskit import placement

    layouts = []      # (the releases whose decisions were given, layouts made), a kit each
    fit = placement.fit

    def counting(html, lay_out, known=None):
        made = []
        result = fit(html, lambda text: made.append(text) or lay_out(text), known)
        layouts.append((sorted(known or {}), len(made)))
        return result

    monkeypatch.setattr(placement, "fit", counting)
    picture = io.BytesIO()
    Image.new("RGB", (900, 500), (60, 110, 80)).save(picture, "PNG")
    project.write("assets/field.png", picture.getvalue())
    slug = "2024-05-13-picture"
    project.release(slug, date="2024-05-13", title="Picture test",
                    body="The Alliance reports steady progress across its clinics. " * 40,
                    images=[{"src": "assets/field.png", "caption": "The field."}])
    assert run("build", project_dir=project.root).exit_code == 0

    def kit(name: str) -> bytes:
        layouts.clear()
        result = run("kit", "--year", "2024", "-o", str(project.root / name),
                     project_dir=project.root)
        assert result.exit_code == 0, result.stderr
        return (project.root / name).read_bytes()

    decided = kit("decided.pdf")
    ((known, count),) = layouts
    assert f"release-{slug}" in known and count == 1
    cache = project.root / ".presskit" / "build-cache.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    placed = data["releases"][slug]["placements"][f"release-{slug}"]
    assert placed["moves"], "the photo was not moved: the test shows nothing"
    placed["moves"] = [[photo, slot, 60] for photo, slot, _ in placed["moves"]]
    cache.write_text(json.dumps(data), encoding="utf-8")
    # Laid out as told, found in another shape than its own PDF's, then by trial (the photo
    # held, then moved): the kit by trial is the kit as decided.
    assert kit("tampered.pdf") == decided
    assert layouts == [(known, 3)]


def caption_y(path, page: int) -> float:
    """How far down the page the caption "The field." begins, from pdftotext -bbox."""
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path),
                            "-"], capture_output=True, text=True, check=True).stdout
    return float(re.search(r'yMin="([\d.]+)"[^>]*>The</word>', boxes)[1])


def test_portraits_are_cut_to_their_box_before_scaling_not_shrunk_into_it(project):
    # Shrunk to fit inside the box and then cropped by the page, a wide photo printed at 70 ppi.
    from PIL import Image

    (project.root / "assets").mkdir(exist_ok=True)
    Image.new("RGB", (1200, 300), (40, 90, 160)).save(project.root / "assets" / "wide.jpg")
    project.organization(people=[{"name": "Ada Example", "title": "Director",
                                  "photo": "assets/wide.jpg"}])
    assert run("kit", "--year", "2024", project_dir=project.root).exit_code == 0
    reader = PdfReader(project.root / "dist" / "kits" / "press-kit-2024.pdf")
    sizes = [Image.open(io.BytesIO(img.data)).size for page in reader.pages
             for img in page.images]
    # 300 px tall, the box's shape: 202 ppi printed 38 mm tall, all the photo's own pixels.
    assert any(height == 300 and abs(width / height - 30 / 38) < 0.01
               for width, height in sizes), sizes


def test_the_kit_opens_with_its_bookmarks_shown(northwind):
    reader = PdfReader(northwind[1])
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    assert reader.outline
