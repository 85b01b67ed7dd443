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
    assert data["notes"] == "Interviews are available in English and Spanish.\n"
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
    assert "Mobile clinics open at the northern crossing" in " ".join(text.split())
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
    assert data["boilerplate"] == SPANISH_ABOUT + "\n"    # not the organization's: kept
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


def french_odt(path, *, tracked=False) -> None:
    """Saved from LibreOffice: named styles for the headline and subheadline, a bold span
    through an automatic style, a numbered list, a picture with its caption."""
    from odf import dc
    from odf.draw import Frame
    from odf.draw import Image as FrameImage
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import (
        ChangedRegion,
        H,
        List,
        ListItem,
        ListLevelStyleNumber,
        ListStyle,
        P,
        Span,
        TrackedChanges,
    )

    document = OpenDocumentText()
    document.meta.addElement(dc.Language(text="fr-FR"))
    styles = {}
    for name in ("Title", "Subtitle", "Caption"):
        styles[name] = Style(name=name, family="paragraph")
        document.styles.addElement(styles[name])
    bold = Style(name="T1", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    numbered = ListStyle(name="L1")
    numbered.addElement(ListLevelStyleNumber(level=1, numformat="1"))
    document.automaticstyles.addElement(numbered)
    if tracked:
        changes = TrackedChanges()
        from odf.namespaces import TEXTNS

        region = ChangedRegion(check_grammar=False)
        region.setAttrNS(TEXTNS, "id", "ct1")
        changes.addElement(region)
        document.text.addElement(changes)

    def paragraph(text="", style=None):
        element = P(stylename=style, text=text) if style else P(text=text)
        document.text.addElement(element)
        return element

    paragraph("COMMUNIQUÉ DE PRESSE")
    paragraph("Embargo : 5 mars 2024, 15 h 00 CET")
    paragraph("L’Alliance ouvre deux cliniques mobiles au passage nord", styles["Title"])
    paragraph("Les cliniques accueilleront 400 personnes par semaine", styles["Subtitle"])
    first = paragraph("Paris, le 5 mars 2024 – L’Alliance a ouvert aujourd’hui ")
    first.addElement(Span(stylename=bold, text="deux cliniques mobiles"))
    first.addText(" au passage nord, les premières de la région.")
    paragraph("« Chaque personne mérite des soins », a dit Ada Example, la directrice de "
              "l’Alliance, qui a visité les cliniques avec les équipes sur place.")
    steps = List(stylename=numbered)
    for text in ("Inscription à l’entrée", "Retour une semaine plus tard"):
        item = ListItem()
        item.addElement(P(text=text))
        steps.addElement(item)
    document.text.addElement(steps)
    href = document.addPicture("clinique.png", mediatype="image/png",
                               content=picture_bytes("#7a1428"))
    frame = Frame(width="3cm", height="2cm", anchortype="as-char")
    frame.addElement(FrameImage(href=href))
    paragraph().addElement(frame)
    paragraph("La clinique à l’aube", styles["Caption"])
    document.text.addElement(H(outlinelevel=2, text="À propos de l’Alliance"))
    paragraph(BOILERPLATE)
    paragraph("-30-")
    document.save(str(path))


def test_libreoffice_release_imports(office, tmp_path):
    source = tmp_path / "communique.odt"
    french_odt(source)
    result = run("import", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    assert "not placed" not in result.stderr
    slug, data = release_of(office)
    assert slug == "2024-03-05-alliance-ouvre-deux-cliniques-mobiles"
    assert data["title"] == "L’Alliance ouvre deux cliniques mobiles au passage nord"
    assert data["subtitle"] == "Les cliniques accueilleront 400 personnes par semaine"
    assert data["dateline"] == "Paris"
    assert str(data["date"]) == "2024-03-05"
    assert data["embargo"].isoformat() == "2024-03-05T15:00:00+01:00"
    assert data["lang"] == "fr-FR"
    assert "boilerplate" not in data
    assert data["body"].startswith("L’Alliance a ouvert aujourd’hui **deux cliniques "
                                   "mobiles** au passage nord")
    assert "1. Inscription à l’entrée\n2. Retour une semaine plus tard" in data["body"]
    (image,) = data["images"]
    assert image["caption"] == "La clinique à l’aube"
    assert (office.root / image["src"]).read_bytes() == picture_bytes("#7a1428")
    assert run("check", project_dir=office.root).exit_code == 0
    assert run("build", slug, project_dir=office.root).exit_code == 0


def test_libreoffice_tracked_changes_stop_the_import(office, tmp_path):
    source = tmp_path / "communique.odt"
    french_odt(source, tracked=True)
    result = run("import", source, project_dir=office.root)
    assert result.exit_code == 1
    assert "1 tracked change not yet accepted or rejected" in result.stderr
    assert "LibreOffice: Edit > Track Changes > Manage > Accept All" in result.stderr


PLAIN = """\
FOR IMMEDIATE RELEASE

Transmission of material in this release is embargoed until 8:30 a.m. (EDT), Thursday, July 12, 2018

Alliance report counts 400 people a week at the crossing

WASHINGTON, D.C., July 12, 2018 — The Alliance published its report on the northern
crossing today, counting the people its clinics see in a week.

The report is at nrha.example.org/report and covers 2017 and 2018.

-30-

Contact: Sam Press, +1 555 0100, press@example.org
Meet us at booth 12.
"""


def test_plain_text_release(office, tmp_path):
    source = tmp_path / "release.txt"
    source.write_text(PLAIN, encoding="utf-8")
    result = run("import", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    slug, data = release_of(office)
    assert data["title"] == "Alliance report counts 400 people a week at the crossing"
    assert "subtitle" not in data
    assert data["dateline"] == "WASHINGTON, D.C."
    assert str(data["date"]) == "2018-07-12"
    assert data["embargo"].isoformat() == "2018-07-12T08:30:00-04:00"
    assert data["contacts"] == [{"name": "Sam Press", "email": "press@example.org",
                                 "phone": "+1 555 0100"}]
    assert data["body"] == ("The Alliance published its report on the northern crossing "
                            "today, counting the people its clinics see in a week.\n\n"
                            "The report is at nrha.example.org/report and covers 2017 and "
                            "2018.\n")
    # What found no field is said, with where it was, and the release is written all the same.
    assert result.stderr.splitlines()[0] == \
        f"{source}: line 15: not placed (after the end mark): Meet us at booth 12."
    assert run("check", project_dir=office.root).exit_code == 0


def test_markdown_release_with_an_embargo_heading(office, tmp_path):
    source = tmp_path / "release.md"
    source.write_text("## Embargo\n\n29 March 13:00 UTC\n\n"
                      "# Clinics reach a fourth crossing\n\n"
                      "Portland, ME, March 28, 2024 — The Alliance's **fourth** clinic opens "
                      "[at the ridge](https://nrha.example.org/ridge).\n\n"
                      "- Open daily\n- Free of charge\n\n###\n", encoding="utf-8")
    result = run("import", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    _, data = release_of(office)
    assert data["title"] == "Clinics reach a fourth crossing"
    assert data["embargo"].isoformat() == "2024-03-29T13:00:00+00:00"   # the year: the date's
    assert data["body"] == ("The Alliance's **fourth** clinic opens "
                            "[at the ridge](https://nrha.example.org/ridge).\n\n"
                            "- Open daily\n- Free of charge\n")
    assert run("check", project_dir=office.root).exit_code == 0


def test_what_is_missing_is_said_and_check_names_it(office, tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("Clinics open\n\nThe Alliance opened two clinics.\n", encoding="utf-8")
    result = run("import", "--slug", "2024-03-05-clinics", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    assert f"{source}: no dateline found" in result.stderr
    checked = run("check", project_dir=office.root)
    assert checked.exit_code == 1
    assert "'dateline'" in checked.stderr and "'date'" in checked.stderr


def test_dry_run_prints_and_writes_nothing(office, tmp_path):
    source = tmp_path / "release.txt"
    source.write_text(PLAIN, encoding="utf-8")
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0
    assert result.stdout.startswith("title: Alliance report counts 400 people a week at the "
                                    "crossing\n")
    assert not (office.root / "releases").exists()


def test_a_document_presskit_cannot_read_is_one_line(office, tmp_path):
    source = tmp_path / "release.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    result = run("import", source, broken, project_dir=office.root)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (f"{source}: presskit imports .docx, .odt, .txt and .md files; save it "
                        f"from Word as .docx (Word Document)")
    assert lines[1].startswith(f"{broken}: not a Word document that can be read")
    assert len(lines) == 2
    empty = tmp_path / "empty.docx"
    docx.Document().save(str(empty))
    result = run("import", empty, project_dir=office.root)
    assert (result.exit_code, result.stderr) == (1, f"{empty}: no text in it; nothing written\n")


def test_word_unicode_text_is_read(office, tmp_path):
    """Word's and Notepad's "Unicode Text" is UTF-16 with a byte-order mark."""
    source = tmp_path / "release.txt"
    source.write_bytes("Cliniques ouvertes\n\nParis, le 5 mars 2024 – L’Alliance a ouvert deux "
                       "cliniques.\n".encode("utf-16"))
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["title"] == "Cliniques ouvertes"


# -- real releases by other organizations (../shared/corpus), typed as Word documents --------

def corpus_docx(data: dict, path) -> None:
    """A corpus release as a press office types it in Word: the headline and subheadline
    styled, the dateline and date (in the release's language) leading the first paragraph,
    subheads and lists styled, ###, the About text and the media contacts."""
    from babel.dates import format_date

    lang = data.get("lang") or "en"
    document = docx.Document()
    if data.get("release_line"):
        document.add_paragraph(data["release_line"])
    document.add_paragraph(data["title"], style="Title")
    if data.get("subtitle"):
        document.add_paragraph(data["subtitle"], style="Subtitle")
    date = format_date(data["date"], "long", locale=lang)
    lead = f"{data.get('dateline') or 'Worldwide'}, {date} — "
    for block in re.split(r"\n\s*\n", data["body"].strip()):
        block = block.strip()
        if block.startswith("- "):
            for item in re.split(r"\n(?=- )", block):
                document.add_paragraph(" ".join(item[2:].split()), style="List Bullet")
        elif ("\n" not in block and len(block) < 90 and not block.startswith(("“", '"'))
              and not re.search(r"[.:;,!?”\"»)]$", block)) and not lead:
            document.add_paragraph(block, style="Heading 2")
        else:
            document.add_paragraph(lead + " ".join(block.split()))
            lead = ""
    document.add_paragraph("###")
    if data.get("boilerplate"):
        document.add_paragraph(f"About {data['organization']}", style="Heading 2")
        for block in re.split(r"\n\s*\n", data["boilerplate"].strip()):
            document.add_paragraph(" ".join(block.split()))
    contacts = data.get("contacts") or []
    if contacts:
        document.add_paragraph("Media contacts:")
    for contact in contacts:
        lines = [contact.get(k) for k in ("name", "title", "organization", "phone", "email",
                                          "website")]
        document.add_paragraph("\n".join(str(v) for v in lines if v))
    document.save(str(path))


def _corpus_files():
    from corpus import corpus_files

    return corpus_files()


@pytest.mark.skipif(not _corpus_files(), reason="../shared/corpus is not here")
@pytest.mark.parametrize("source", _corpus_files(), ids=lambda p: p.stem)
def test_real_release_typed_in_word_imports_as_typed(source, tmp_path):
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    office = ProjectMaker(tmp_path / "office")
    office.write("organization.yaml", {"name": data["organization"],
                                       "boilerplate": data.get("boilerplate") or
                                       data["organization"],
                                       "lang": data.get("lang") or "en"})
    document = tmp_path / "release.docx"
    corpus_docx(data, document)
    result = run("import", document, project_dir=office.root)
    assert result.exit_code == 0, result.output
    assert "not placed" not in result.stderr, result.stderr
    slug, got = release_of(office)
    assert got["title"] == " ".join(data["title"].split())
    assert got.get("subtitle") == (" ".join(data["subtitle"].split()) if data.get("subtitle")
                                   else None)
    assert str(got["date"]) == str(data["date"])
    assert got["dateline"] == (data.get("dateline") or "Worldwide")
    assert "lang" not in got
    assert "boilerplate" not in got
    assert words(got["body"].replace("\\", "")) == words(data["body"])
    typed = {str(c.get(k)) for c in data.get("contacts") or [] for k in ("email", "phone")
             if c.get(k)}
    imported = {c.get(k) for c in got.get("contacts", []) for k in ("email", "phone")}
    assert typed <= imported
    # Through the templates as a build would (test_corpus.py lays these releases out, and
    # test_word_release_imports_checks_and_builds a document imported).
    checked = run("check", project_dir=office.root)
    assert checked.exit_code == 0, checked.stderr


@pytest.mark.parametrize("line, moment", [
    ("EMBARGOED UNTIL 9:00 a.m. ET, March 5, 2024", "2024-03-05T09:00:00-05:00"),
    ("EMBARGOED UNTIL 9:00 a.m. ET, July 5, 2024", "2024-07-05T09:00:00-04:00"),
    ("Transmission of material in this release is embargoed until 8:30 a.m. (EDT), Thursday, "
     "July 12, 2018", "2018-07-12T08:30:00-04:00"),
    ("Embargoed until 0001 hrs GMT, Tuesday 5 March 2024", "2024-03-05T00:01:00+00:00"),
    ("EMBARGO: 12:01 a.m. PT on March 5", "2024-03-05T00:01:00-08:00"),
    ("Embargoed until noon, March 5, 2024", "2024-03-05T12:00:00-05:00"),   # the office's zone
    ("Embargoed until 5 March 2024, 14:00 UTC+2", "2024-03-05T14:00:00+02:00"),
    ("SOUS EMBARGO jusqu’au mardi 5 mars 2024 à 9 h (heure de Paris)",
     "2024-03-05T09:00:00+01:00"),
    ("EMBARGADA HASTA las 10:00 horas CET del 5 de marzo de 2024", "2024-03-05T10:00:00+01:00"),
    ("Sperrfrist: 5. März 2024, 10.00 Uhr MESZ", "2024-03-05T10:00:00+02:00"),
    ("EMBARGOED UNTIL 00:01 UK time, Tuesday 5 March 2024", "2024-03-05T00:01:00+00:00"),
    ("Embargoed until 9am London time, 5 July 2024", "2024-07-05T09:00:00+01:00"),
    ("EMBARGOED UNTIL 23:30 (UK TIME) WEDNESDAY 5 JUNE 2024", "2024-06-05T23:30:00+01:00"),
    ("HOLD FOR RELEASE UNTIL 10 A.M. EDT, MARCH 5, 2024", "2024-03-05T10:00:00-04:00"),
])
def test_embargo_lines_as_offices_write_them(office, tmp_path, line, moment):
    source = tmp_path / "release.txt"
    source.write_text(f"{line}\n\nClinics open\n\nPortland, ME, March 5, 2024 — The Alliance "
                      f"opened two clinics.\n", encoding="utf-8")
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["embargo"].isoformat() == moment
    assert data["title"] == "Clinics open"


@pytest.mark.parametrize("first, dateline, date", [
    ("CAMBRIDGE, Mass. — Dec. 28, 2012 — The", "CAMBRIDGE, Mass.", "2012-12-28"),
    ("LONDON, 5 March 2024 /PRNewswire/ -- The", "LONDON", "2024-03-05"),
    ("Geneva, Tuesday 5 March 2024 – The", "Geneva", "2024-03-05"),
    ("Paris, le 1er mars 2024 – The", "Paris", "2024-03-01"),
    ("WASHINGTON (March 5, 2024) — The", "WASHINGTON", "2024-03-05"),
    ("Wakefield, MA —20 March 2019— The", "Wakefield, MA", "2019-03-20"),
    ("Kyiv, 26 вересня 2024 р. — The", "Kyiv", "2024-09-26"),
    ("Madrid, 8 de mayo de 2012.- The", "Madrid", "2012-05-08"),
    ("Hamburg, 28. Oktober 2008. The", "Hamburg", "2008-10-28"),
])
def test_datelines_as_offices_write_them(office, tmp_path, first, dateline, date):
    source = tmp_path / "release.txt"
    source.write_text(f"Clinics open\n\n{first} Alliance opened two clinics.\n", encoding="utf-8")
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert (data["dateline"], str(data["date"])) == (dateline, date)
    assert data["body"] == "The Alliance opened two clinics.\n"


def test_letterhead_layout_table_and_an_about_paragraph(office, tmp_path):
    """Typed on the office's template: the organization's name as a letterhead, the release
    line and contact side by side in a table, the About text led by its bold heading in the
    same paragraph, and a picture Word keeps as a BMP."""
    document = docx.Document()
    document.add_paragraph().add_run("Northwind Refugee Health Alliance").bold = True
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "FOR IMMEDIATE RELEASE: March 5, 2024"
    table.rows[0].cells[1].text = "Contact: Sam Press\n+1 555 0100\npress@example.org"
    document.add_paragraph().add_run("Clinics open at the northern crossing").bold = True
    document.add_paragraph("PORTLAND, Maine — March 5, 2024 — The Alliance opened two "
                           "clinics today.")
    bmp = io.BytesIO()
    Image.new("RGB", (40, 30), "#1d5c8c").save(bmp, "BMP")
    document.add_paragraph().add_run().add_picture(io.BytesIO(bmp.getvalue()))
    document.add_paragraph("The northern crossing at dawn")
    about = document.add_paragraph()
    about.add_run("About the Alliance: ").bold = True
    about.add_run("The Alliance is an invented organization that runs clinics in presskit's "
                  "tests, which it has done for many years, and it writes long About texts.")
    document.add_paragraph("###")
    source = tmp_path / "template.docx"
    document.save(str(source))
    result = run("import", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    assert "not placed" not in result.stderr
    slug, data = release_of(office)
    assert data["title"] == "Clinics open at the northern crossing"
    assert data["contacts"] == [{"name": "Sam Press", "email": "press@example.org",
                                 "phone": "+1 555 0100"}]
    assert data["body"] == "The Alliance opened two clinics today.\n"
    assert data["boilerplate"].startswith("The Alliance is an invented organization")
    (image,) = data["images"]
    assert image["src"].endswith(".png") and image["caption"] == "The northern crossing at dawn"
    assert Image.open(office.root / image["src"]).size == (40, 30)
    assert run("check", project_dir=office.root).exit_code == 0


def test_ap_dateline_under_a_date_line_and_brackets_kept(office, tmp_path):
    source = tmp_path / "release.txt"
    source.write_text("March 5, 2024\n\nClinics open\n\nWASHINGTON — The Alliance opened two "
                      "clinics today at the northern crossing, its first in the region [1].\n\n"
                      "Wait times fell > 50% in a week.\n", encoding="utf-8")
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert (data["dateline"], str(data["date"])) == ("WASHINGTON", "2024-03-05")
    assert data["body"] == ("The Alliance opened two clinics today at the northern crossing, "
                            "its first in the region [1].\n\nWait times fell > 50% in a week.\n")


def test_word_content_controls_are_read(office, tmp_path):
    """An office's template keeps the headline in a content control (w:sdt) and a date in a
    field: python-docx's own iteration skips both; the words must not be lost."""
    document = docx.Document()
    title = document.add_paragraph("Clinics open at the northern crossing", style="Title")
    control = OxmlElement("w:sdt")
    content = OxmlElement("w:sdtContent")
    title._p.addprevious(control)
    control.append(content)
    content.append(title._p)
    first = document.add_paragraph("PORTLAND, Maine, ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "DATE")
    run_element = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "March 5, 2024"
    run_element.append(text)
    field.append(run_element)
    first._p.append(field)
    first.add_run(" — The Alliance opened two clinics.")
    source = tmp_path / "template.docx"
    document.save(str(source))
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["title"] == "Clinics open at the northern crossing"
    assert (data["dateline"], str(data["date"])) == ("PORTLAND, Maine", "2024-03-05")
    assert data["body"] == "The Alliance opened two clinics.\n"


def test_embargo_heading_styled_in_word_and_a_hold_line(office, tmp_path):
    document = docx.Document()
    document.add_paragraph("Embargo", style="Heading 2")
    document.add_paragraph("29 March 13:00 UTC")
    document.add_paragraph("Clinics reach a fourth crossing", style="Heading 1")
    document.add_paragraph("Portland, ME, March 28, 2024 — The Alliance's fourth clinic opens.")
    source = tmp_path / "release.docx"
    document.save(str(source))
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["title"] == "Clinics reach a fourth crossing"
    assert data["embargo"].isoformat() == "2024-03-29T13:00:00+00:00"
    assert "not placed" not in result.stderr


def test_labelled_contact_lines_under_an_embargo(office, tmp_path):
    """A statistics office's header: each desk's number and address under its own label."""
    source = tmp_path / "release.txt"
    source.write_text(
        "Transmission of material in this release is embargoed until 8:30 a.m. (EDT), "
        "Thursday, July 12, 2018\n\n"
        "Technical information: (202) 555-0155 • data@example.org • www.example.org/data\n"
        "Media contact: (202) 555-0102 • press@example.org\n\n"
        "CLINIC VISITS – JUNE 2018\n\n"
        "WASHINGTON, D.C., July 12, 2018 — Clinic visits rose 0.2 percent in June.\n",
        encoding="utf-8")
    result = run("import", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    assert "not placed" not in result.stderr
    _, data = release_of(office)
    assert data["title"] == "CLINIC VISITS – JUNE 2018"
    assert data["contacts"] == [
        {"name": "Technical information", "title": "www.example.org/data",
         "email": "data@example.org", "phone": "(202) 555-0155"},
        {"name": "Media contact", "email": "press@example.org", "phone": "(202) 555-0102"}]
    assert run("check", project_dir=office.root).exit_code == 0


def test_libreoffice_captioned_picture(office, tmp_path):
    """LibreOffice's Insert > Caption: a frame holding the picture's frame and the words."""
    from odf.draw import Frame, TextBox
    from odf.draw import Image as FrameImage
    from odf.opendocument import OpenDocumentText
    from odf.style import Style
    from odf.text import P

    document = OpenDocumentText()
    title = Style(name="Title", family="paragraph")
    document.styles.addElement(title)
    document.text.addElement(P(stylename=title, text="Clinics open"))
    document.text.addElement(P(text="Portland, ME, March 5, 2024 — The Alliance opened two "
                                    "clinics."))
    outer = Frame(width="4cm", height="3cm", anchortype="paragraph")
    box = TextBox()
    inside = P(text="")
    inner = Frame(width="4cm", height="2.5cm", anchortype="as-char")
    inner.addElement(FrameImage(href=document.addPicture("c.png", mediatype="image/png",
                                                         content=picture_bytes())))
    inside.addElement(inner)
    inside.addText("Illustration 1: The clinic at dawn")
    box.addElement(inside)
    outer.addElement(box)
    holder = P()
    holder.addElement(outer)
    document.text.addElement(holder)
    source = tmp_path / "captioned.odt"
    document.save(str(source))
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["images"][0]["caption"] == "Illustration 1: The clinic at dawn"
    assert data["body"] == "The Alliance opened two clinics.\n"


def test_embargo_without_a_zone_in_a_project_without_one(tmp_path):
    office = ProjectMaker(tmp_path / "office")
    office.organization()
    source = tmp_path / "pm.txt"
    source.write_text("Sperrfrist: 5. März 2024, 10 Uhr\n\nAllianz eröffnet Kliniken\n\n"
                      "Hamburg, 5. März 2024 – Die Allianz hat heute zwei Kliniken eröffnet, "
                      "die ersten der Region, mit den Teams vor Ort und für die Menschen.\n",
                      encoding="utf-8")
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert data["embargo"].isoformat() == "2024-03-05T10:00:00+01:00"
    assert result.stderr == (f"{source}: line 1: the embargo names no time zone and "
                             f"presskit.yaml no timezone; taken as Europe/Berlin, where the "
                             f"release's language is spoken: Sperrfrist: 5. März 2024, 10 Uhr\n")


def test_no_break_spaces_typed_are_kept(office, tmp_path):
    source = tmp_path / "communique.txt"
    source.write_text("Cliniques ouvertes\n\nParis, le 5\u00a0mars 2024\u00a0– «\u00a0Chaque "
                      "personne mérite des soins\u00a0», a dit la directrice à 9\u00a0h.\n",
                      encoding="utf-8")
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert (data["dateline"], str(data["date"])) == ("Paris", "2024-03-05")
    assert data["body"] == ("«\u00a0Chaque personne mérite des soins\u00a0», a dit la "
                            "directrice à 9\u00a0h.\n")


def test_wire_layout_typed_line_by_line(office, tmp_path):
    """A release line over a contact over the headline, typed a line each with no blank line
    between: the contact's lines stop where the headline begins."""
    source = tmp_path / "release.txt"
    source.write_text("NEWS RELEASE\n\nFOR IMMEDIATE RELEASE\nContact: Jane Doe\n"
                      "(555) 123-4567\njane@example.org\n\nAlliance Opens Clinics\n"
                      "Two clinics to serve 400 a week\n\n"
                      "PORTLAND, Maine (March 5, 2024) – The Alliance opened two clinics at "
                      "the\nnorthern crossing today, the first of their kind in the whole "
                      "region and\nbeyond.\n\n###\n", encoding="utf-8")
    result = run("import", "--dry-run", source, project_dir=office.root)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = yaml.safe_load(result.stdout)
    assert (data["title"], data["subtitle"]) == ("Alliance Opens Clinics",
                                                 "Two clinics to serve 400 a week")
    assert data["contacts"] == [{"name": "Jane Doe", "email": "jane@example.org",
                                 "phone": "(555) 123-4567"}]
    assert data["body"] == ("The Alliance opened two clinics at the northern crossing today, "
                            "the first of their kind in the whole region and beyond.\n")
