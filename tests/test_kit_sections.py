"""A kit prints a section only when it has something to show, read back from the PDF: no fact
sheet without a fact, no Media contacts page without anyone to reach, no grey box for a
missing portrait; the About text under its own heading."""
from __future__ import annotations

import io

import overprint
import pytest
from PIL import Image
from test_kit import norm, outline

from conftest import ProjectMaker, pdf_pages, pdftotext, run


def kit_of(maker: ProjectMaker):
    result = run("kit", "--year", "2024", project_dir=maker.root)
    assert result.exit_code == 0, result.stderr
    pdf = maker.root / "dist" / "kits" / "press-kit-2024.pdf"
    return pdf, pdf_pages(pdf)


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """An organization that gives only what it must (as the corpus's do), and its kit."""
    maker = ProjectMaker(tmp_path_factory.mktemp("bare") / "project")
    maker.write("organization.yaml", {"name": "Northwind Refugee Health Alliance",
                                      "boilerplate": "The Alliance runs mobile clinics."})
    maker.release()
    return kit_of(maker)


def test_a_kit_prints_only_the_sections_it_has_data_for(bare):
    pdf, pages = bare
    top = [m[0] for m in outline(pdf) if isinstance(m, tuple)]
    assert top == ["Contents", "About Northwind Refugee Health Alliance", "Releases"]
    text = norm(pdftotext(pdf))
    for empty in ("Fact sheet", "Media contacts", "History", "People"):
        assert empty not in text
    contents = norm(pages[1])
    assert contents.startswith("Northwind Refugee Health Alliance Contents Contents About "
                               "Northwind Refugee Health Alliance")


def test_the_about_text_has_a_heading_and_a_page_of_its_own(bare):
    _, pages = bare
    about = next(norm(p) for p in pages if "The Alliance runs mobile clinics." in p
                 and "FOR IMMEDIATE RELEASE" not in p)
    assert about.startswith("Northwind Refugee Health Alliance About Northwind Refugee Health "
                            "Alliance About Northwind Refugee Health Alliance The Alliance runs")


def test_the_kits_contacts_are_its_releases_when_the_organization_names_none(project):
    project.organization(contacts=None)
    desk = {"name": "Press desk", "email": "press@example.org", "phone": "+1 555 0100"}
    project.release("2024-03-05-clinics-open", contacts=[
        desk, {"name": "Ada Example", "title": "Director", "email": "ada@example.org"}])
    project.release("2024-04-02-water", title="Water returns to the camps", contacts=[
        dict(desk, title="Round the clock"),             # the same desk: printed once
        {"name": "Ben Example", "phone": "+1 555 0123"}])
    pdf, pages = kit_of(project)
    assert [m[0] for m in outline(pdf) if isinstance(m, tuple)][-1] == "Media contacts"
    last = norm(pages[-1])
    assert last.startswith("NRHA Media contacts Media contacts "
                           "Press desk +1 555 0100 press@example.org Ada Example Director "
                           "ada@example.org Ben Example +1 555 0123")
    assert last.count("Press desk") == 1


def portrait() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), (90, 90, 90)).save(out, "PNG")
    return out.getvalue()


def test_a_person_without_a_photo_has_no_box_and_the_names_line_up(project):
    project.write("assets/ada.png", portrait())
    project.organization(people=[
        {"name": "Ada Example", "title": "Director", "photo": "assets/ada.png"},
        {"name": "Cy Example", "title": "Logistics"}])
    pdf, pages = kit_of(project)
    number = next(n for n, p in enumerate(pages, 1) if "People People" in norm(p)[:50])
    assert "CE" not in pages[number - 1].split()            # no initials in a grey box
    from pypdf import PdfReader

    assert len(PdfReader(pdf).pages[number - 1].images) == 1
    words = overprint.words(pdf)[number - 1]
    ada, cy = (next(w for w in words if w.text == name) for name in ("Ada", "Cy"))
    assert abs(ada.x0 - cy.x0) < 0.5
    # With nobody's photo, nobody's name is set off from the margin.
    project.organization(people=[{"name": "Cy Example", "title": "Logistics"}])
    pdf, pages = kit_of(project)
    heading = next(w for page in overprint.words(pdf) for w in page if w.text == "People")
    cy = next(w for page in overprint.words(pdf) for w in page if w.text == "Cy")
    assert abs(cy.x0 - heading.x0) < 0.5
