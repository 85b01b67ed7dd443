"""`presskit import`: releases typed in Word, LibreOffice and plain text, as press offices type
them, made release files that check, build and read as typed. The documents are made here with
python-docx, odfpy and Pillow, for the invented Northwind Refugee Health Alliance (example.org).
"""
from __future__ import annotations

import io
import re

import docx
import pytest
import yaml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from PIL import Image

from conftest import ORGANIZATION, ProjectMaker, pdftotext, run

BOILERPLATE = ORGANIZATION["boilerplate"]


@pytest.fixture
def office(tmp_path) -> ProjectMaker:
    """The invented organization's project, with no release yet and its office in New York."""
    maker = ProjectMaker(tmp_path / "office")
    maker.organization()
    maker.write("presskit.yaml", {"timezone": "America/New_York"})
    return maker


def picture_bytes(colour="#1d5c8c") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(out, "PNG")
    return out.getvalue()


def add_link(paragraph, text: str, url: str) -> None:
    """A hyperlink run, as Word writes it (python-docx reads links but has no call to add one)."""
    part = paragraph.part
    rid = part.relate_to(url, "http://schemas.openxmlformats.org/officeDocument/2006/"
                              "relationships/hyperlink", is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def english_docx(path, *, about=BOILERPLATE, tracked=False) -> None:
    document = docx.Document()
    document.add_paragraph().add_run("EMBARGOED UNTIL 9:00 a.m. ET, March 5, 2024").bold = True
    document.add_paragraph("Media contact:")
    document.add_paragraph("Sam Press, Press officer")
    document.add_paragraph("+1 555 0100 | press@example.org")
    document.add_paragraph("Mobile clinics open at the northern crossing", style="Title")
    document.add_paragraph("Two clinics will serve 400 people a week", style="Subtitle")
    first = document.add_paragraph("PORTLAND, Maine, March 5, 2024 — The Alliance opened ")
    first.add_run("two mobile clinics").bold = True
    first.add_run(" at the northern crossing ")
    first.add_run("today").italic = True
    first.add_run(", its first in the region.")
    document.add_paragraph("“Every person deserves care,” said Ada Example, the Alliance’s "
                           "director.")
    document.add_paragraph("What the clinics offer", style="Heading 2")
    document.add_paragraph("Vaccinations for children", style="List Bullet")
    document.add_paragraph("Care for chronic illness", style="List Bullet")
    document.add_paragraph("Register at the gate", style="List Number")
    document.add_paragraph("Return a week later", style="List Number")
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("Clinic", "People a week"), ("North", "250"),
                                       ("Ridge", "150")]):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.add_paragraph().add_run().add_picture(io.BytesIO(picture_bytes()))
    document.add_paragraph("The clinic at dawn. Photo: Ada Example", style="Caption")
    more = document.add_paragraph("The full report is on ")
    add_link(more, "the Alliance's site", "https://nrha.example.org/report")
    more.add_run(".")
    document.add_paragraph("###")
    document.add_paragraph("About the Northwind Refugee Health Alliance", style="Heading 2")
    document.add_paragraph(about)
    document.add_paragraph("Notes to editors", style="Heading 2")
    document.add_paragraph("Interviews are available in English and Spanish.")
    if tracked:
        inserted = OxmlElement("w:ins")
        inserted.set(qn("w:id"), "1")
        inserted.set(qn("w:author"), "Reviewer")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "new words"
        run.append(text)
        inserted.append(run)
        document.paragraphs[7]._p.append(inserted)
    document.save(str(path))


def release_of(office: ProjectMaker) -> tuple[str, dict]:
    files = sorted((office.root / "releases").glob("*.yaml"))
    assert len(files) == 1, files
    return files[0].stem, yaml.safe_load(files[0].read_text(encoding="utf-8"))


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_word_release_imports_checks_and_builds(office, tmp_path):
    source = tmp_path / "release.docx"
    english_docx(source)
    result = run("import", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    slug, data = release_of(office)
    assert slug == "2024-03-05-mobile-clinics-open-northern-crossing"
    assert data["title"] == "Mobile clinics open at the northern crossing"
    assert data["subtitle"] == "Two clinics will serve 400 people a week"
    assert str(data["date"]) == "2024-03-05"
    assert data["dateline"] == "PORTLAND, Maine"
    assert data["embargo"].isoformat() == "2024-03-05T09:00:00-05:00"
    assert data["contacts"] == [{"name": "Sam Press", "title": "Press officer",
                                 "email": "press@example.org", "phone": "+1 555 0100"}]
    body = data["body"]
    assert body.startswith("The Alliance opened **two mobile clinics** at the northern "
                           "crossing *today*, its first in the region.\n")
    assert "\n## What the clinics offer\n" in body
    assert "- Vaccinations for children\n- Care for chronic illness" in body
    assert "- Care for chronic illness\n\n1. Register at the gate\n2. Return a week later" \
        in body
    assert "| Clinic | People a week |\n|---|---|\n| North | 250 |" in body
    assert "[the Alliance's site](https://nrha.example.org/report)" in body
    assert "###" not in body.replace("## What", "")
    assert "boilerplate" not in data           # the organization's own About text
    assert data["notes"] == "Interviews are available in English and Spanish."
    assert "lang" not in data
    (image,) = data["images"]
    assert image["caption"] == "The clinic at dawn."
    assert image["credit"] == "Photo: Ada Example"
    assert re.fullmatch(rf"assets/{slug}-[0-9a-f]{{12}}\.png", image["src"])
    assert (office.root / image["src"]).read_bytes() == picture_bytes()
    checked = run("check", project_dir=office.root)
    assert checked.exit_code == 0, checked.output
    built = run("build", slug, project_dir=office.root)
    assert built.exit_code == 0, built.output
    text = pdftotext(office.root / "dist" / "releases" / f"{slug}.pdf")
    assert "Mobile clinics open at the northern crossing" in text
    assert "EMBARGOED UNTIL" in text


def test_second_import_is_refused_and_force_writes_the_same_bytes(office, tmp_path):
    source = tmp_path / "release.docx"
    english_docx(source)
    assert run("import", source, project_dir=office.root).exit_code == 0
    slug, _ = release_of(office)
    path = office.root / "releases" / f"{slug}.yaml"
    before = {p: p.read_bytes() for p in office.root.rglob("*") if p.is_file()}
    again = run("import", source, project_dir=office.root)
    assert again.exit_code == 1
    assert again.stderr.startswith(f"{path}: already exists (imported before?); nothing "
                                   f"written. Give --force")
    forced = run("import", "--force", source, project_dir=office.root)
    assert forced.exit_code == 0, forced.output
    after = {p: p.read_bytes() for p in office.root.rglob("*") if p.is_file()}
    assert after == before


def test_tracked_changes_pending_stop_the_import(office, tmp_path):
    source = tmp_path / "draft.docx"
    english_docx(source, tracked=True)
    result = run("import", source, project_dir=office.root)
    assert result.exit_code == 1
    assert result.stderr == (f"{source}: 1 tracked change not yet accepted or rejected; accept "
                             f"or reject them (Word: Review > Accept All Changes), save, and "
                             f"import again\n")
    assert not (office.root / "releases").exists()


SPANISH_ABOUT = ("La Alianza Northwind de Salud para Refugiados es una organización inventada "
                 "para las pruebas de presskit.")


def spanish_docx(path) -> None:
    """Typed without styles, as many offices do: the headline a bold line, the subheadline
    an italic one, the About section under a bold line."""
    document = docx.Document()
    document.add_paragraph("NOTA DE PRENSA")
    document.add_paragraph().add_run("La Alianza abre dos clínicas móviles en la frontera "
                                     "norte").bold = True
    document.add_paragraph().add_run("Las clínicas atenderán a 400 personas por "
                                     "semana").italic = True
    document.add_paragraph("www.nrha.example.org, 8 de mayo de 2012 — La Alianza abrió hoy "
                           "dos clínicas móviles en el paso fronterizo del norte, las primeras "
                           "de la región.")
    document.add_paragraph("«Toda persona merece atención», dijo Ada Example, directora de la "
                           "Alianza, que visitó las clínicas con los equipos de la zona.")
    document.add_paragraph("- FIN -")
    document.add_paragraph().add_run("Acerca de la Alianza").bold = True
    document.add_paragraph(SPANISH_ABOUT)
    document.add_paragraph("Contacto de prensa:")
    document.add_paragraph("Lucía Ejemplo\nResponsable de prensa\nTel.: +34 91 555 01 00\n"
                           "Correo: prensa@example.org")
    document.save(str(path))


def test_spanish_release_typed_without_styles(office, tmp_path):
    source = tmp_path / "nota.docx"
    spanish_docx(source)
    result = run("import", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith("2012-05-08-alianza-abre-dos-clinicas-moviles.yaml; next: "
                                  "presskit check\n")
    assert "not placed" not in result.stderr
    slug, data = release_of(office)
    assert slug == "2012-05-08-alianza-abre-dos-clinicas-moviles"
    assert data["title"] == "La Alianza abre dos clínicas móviles en la frontera norte"
    assert data["subtitle"] == "Las clínicas atenderán a 400 personas por semana"
    assert data["dateline"] == "www.nrha.example.org"
    assert str(data["date"]) == "2012-05-08"
    assert data["lang"] == "es"
    assert "embargo" not in data
    assert data["boilerplate"] == SPANISH_ABOUT     # not the organization's: kept
    assert data["contacts"] == [{"name": "Lucía Ejemplo", "title": "Responsable de prensa",
                                 "email": "prensa@example.org", "phone": "+34 91 555 01 00"}]
    assert words(data["body"]) == words(
        "La Alianza abrió hoy dos clínicas móviles en el paso fronterizo del norte, las "
        "primeras de la región. «Toda persona merece atención», dijo Ada Example, directora "
        "de la Alianza, que visitó las clínicas con los equipos de la zona.")
    assert run("check", project_dir=office.root).exit_code == 0
    assert run("build", slug, project_dir=office.root).exit_code == 0


def german_docx(path) -> None:
    document = docx.Document()
    document.add_paragraph("PRESSEMITTEILUNG")
    document.add_paragraph("Sperrfrist: 28. Oktober 2008, 10:00 Uhr MEZ")
    document.add_heading("Allianz eröffnet zwei mobile Kliniken am Nordübergang", level=1)
    document.add_heading("Die Kliniken versorgen 400 Menschen in der Woche", level=2)
    document.add_paragraph("Hamburg, 28. Oktober 2008 – Die Allianz hat heute zwei mobile "
                           "Kliniken am nördlichen Grenzübergang eröffnet, die ersten der "
                           "Region.")
    document.add_paragraph("„Jeder Mensch verdient Versorgung“, sagte Ada Example, die "
                           "Direktorin der Allianz, bei der Eröffnung mit den Teams vor Ort.")
    document.add_paragraph("Über die Allianz", style="Heading 2")
    document.add_paragraph(BOILERPLATE)
    document.add_paragraph("###")
    document.add_paragraph("Pressekontakt")
    document.add_paragraph("Jonas Beispiel, Pressesprecher")
    document.add_paragraph("Telefon: +49 40 555 0100")
    document.add_paragraph("E-Mail: presse@example.org")
    document.save(str(path))


def test_german_release_with_a_sperrfrist(office, tmp_path):
    source = tmp_path / "pressemitteilung.docx"
    german_docx(source)
    result = run("import", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    assert "not placed" not in result.stderr
    slug, data = release_of(office)
    assert data["title"] == "Allianz eröffnet zwei mobile Kliniken am Nordübergang"
    assert data["subtitle"] == "Die Kliniken versorgen 400 Menschen in der Woche"
    assert data["dateline"] == "Hamburg"
    assert str(data["date"]) == "2008-10-28"
    assert data["embargo"].isoformat() == "2008-10-28T10:00:00+01:00"
    assert data["lang"] == "de"
    assert "boilerplate" not in data          # the organization's own, left out
    assert data["contacts"] == [{"name": "Jonas Beispiel", "title": "Pressesprecher",
                                 "email": "presse@example.org", "phone": "+49 40 555 0100"}]
    assert data["body"].startswith("Die Allianz hat heute zwei mobile Kliniken")
    assert run("check", project_dir=office.root).exit_code == 0
