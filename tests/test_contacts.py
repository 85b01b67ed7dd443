"""Media contacts that are a desk or an address: a name and a title are optional, a way to
reach the contact (an email or a phone) is not. Read back from the PDFs and the messages."""
from __future__ import annotations

from conftest import pdftotext, run

SLUG = "2024-03-05-clinics-open"
DESK_AND_ADDRESS = [
    {"name": "Northwind Press Desk", "phone": "+1 555 0100 / +1 555 0101"},
    {"email": "desk@example.org"},
    {"title": "Press office, Geneva", "email": "geneva.press@example.org"},
]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_a_desk_and_an_address_alone_read_right_on_the_release(project):
    project.release(contacts=DESK_AND_ADDRESS)
    result = run("build", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    text = lines(pdftotext(project.root / "dist" / "releases" / f"{SLUG}.pdf"))
    at = text.index("MEDIA CONTACTS")
    assert text[at + 1:at + 4] == ["Northwind Press Desk · +1 555 0100 / +1 555 0101",
                                   "desk@example.org",
                                   "Press office, Geneva · geneva.press@example.org"]


def test_the_kit_lists_a_desk_and_an_address_as_they_are(project):
    project.organization(contacts=DESK_AND_ADDRESS + [{"phone": "+1 555 0199"}])
    result = run("kit", "--year", "2024", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    text = lines(pdftotext(project.root / "dist" / "kits" / "press-kit-2024.pdf"))
    page = text[len(text) - text[::-1].index("Media contacts"):]   # the kit's last section
    assert page[:6] == ["Northwind Press Desk", "+1 555 0100 / +1 555 0101", "desk@example.org",
                        "Press office, Geneva", "geneva.press@example.org", "+1 555 0199"]


def test_the_messages_name_a_desk_and_an_address_without_stray_commas(project):
    from presskit.load import load_project
    from presskit.mail.medialist import Recipient
    from presskit.mail.message import Composer, parse_sender

    project.release(contacts=DESK_AND_ADDRESS)
    loaded = load_project(project.root)
    composer = Composer(loaded, loaded.release(SLUG),
                        sender=parse_sender("NRHA <press@example.org>", "from", "t"),
                        reply_to=None, pdf_name=f"{SLUG}.pdf", embargoed=False)
    rendered = composer.render(Recipient(email="ana@example.org", name="Ana"))
    text = lines(rendered.text)
    at = text.index("Media contacts:")
    assert text[at + 1:at + 4] == ["Northwind Press Desk · +1 555 0100 / +1 555 0101",
                                   "desk@example.org",
                                   "Press office, Geneva · geneva.press@example.org"]
    html = " ".join(rendered.html.split())
    assert '<p style="margin:0 0 8px"> <a href="mailto:desk@example.org"' in html
    assert '<p style="margin:0 0 8px">Northwind Press Desk <br><span dir="ltr">' in html
    assert ', ·' not in rendered.text and '<p style="margin:0 0 8px">,' not in html


def test_a_contact_that_cannot_be_reached_is_an_error_at_its_line(project):
    project.write(f"releases/{SLUG}.yaml",
                  "title: Clinics open\ndate: 2024-03-05\ndateline: Portland, ME\n"
                  "body: The Alliance opened two clinics.\ncontacts:\n"
                  "  - name: Sam Press\n    title: Press officer\n"
                  "  - email: press@example.org\n")
    result = run("check", project_dir=project.root)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"{project.root}/releases/{SLUG}.yaml:6:5: each entry of 'contacts' needs 'email' or "
        f"'phone': a way to reach it (a name alone, of a person or a desk, is not one)"]
    assert "Traceback" not in result.stderr


def test_an_organization_contact_without_a_way_to_reach_it_is_an_error(project):
    project.organization(contacts=[{"name": "Sam Press", "phone": " "}])
    result = run("build", project_dir=project.root)
    assert result.exit_code == 1
    assert "organization.yaml:" in result.stderr
    assert "each entry of 'contacts' needs 'email' or 'phone'" in result.stderr
