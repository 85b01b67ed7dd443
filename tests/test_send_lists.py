"""Media lists, settings and pacing checked without a server."""
from __future__ import annotations

import pytest

from presskit.errors import PresskitError, ProjectError
from presskit.load import load_project
from presskit.mail import medialist
from presskit.mail.send import _smtp_settings
from presskit.mail.smtp import RateLimit, check_settings, credentials, is_loopback
from presskit.model import SmtpSettings

from conftest import REPO, run


def problems(project, name="journalists"):
    with pytest.raises(ProjectError) as caught:
        medialist.load_list(load_project(project.root), name)
    return [line.split("/")[-1] for line in caught.value.lines()]


def test_a_csv_without_an_email_column(project):
    project.write("media/journalists.csv", "name,outlet\nAna,Herald\n")
    assert problems(project) == ["journalists.csv:1:1: the header row lacks the required "
                                 "column 'email' (it names 'name', 'outlet'); head the "
                                 "addresses' column email, or E-mail Address as address "
                                 "books export it"]


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_list_saved_with_semicolons_or_tabs_is_read_as_such(project, sep):
    """Spreadsheets in much of Europe save "CSV" with semicolons."""
    rows = [["name", "outlet", "email"], ["Ana Example", "Herald; Weekend", "ana@example.org"],
            ["Bo", "Radio", "bo@example"]]
    project.write("media/journalists.csv", "".join(
        sep.join(f'"{c}"' if sep in c else c for c in row) + "\n" for row in rows))
    column = len("Bo" + sep + "Radio" + sep) + 1
    assert problems(project) == [f"journalists.csv:3:{column}: 'bo@example' is not a valid "
                                 f"e-mail address: The part after the @-sign is not valid. "
                                 f"It should have a period."]
    project.write("media/journalists.csv", "".join(sep.join(f'"{c}"' if sep in c else c
                                                            for c in row) + "\n"
                                                   for row in rows[:2]))
    listed = medialist.load_list(load_project(project.root), "journalists")
    assert [(r.name, r.outlet, r.email) for r in listed.recipients] == [
        ("Ana Example", "Herald; Weekend", "ana@example.org")]


def test_address_book_column_names_and_a_misspelt_key(project):
    project.write("media/journalists.csv", "Full Name,E-mail Address\nAna,ana@example.org\n")
    listed = medialist.load_list(load_project(project.root), "journalists")
    assert [(r.name, r.email) for r in listed.recipients] == [("Ana", "ana@example.org")]
    # Outlook's export: a byte-order mark, semicolons, CRLF, the name in two columns.
    (project.root / "media" / "journalists.csv").write_bytes(
        "\ufeffE-mail Address;First Name;Last Name;Company\r\n"
        "ana@example.org;Ana;Ejemplo;Diario del Norte\r\nbo@example.org;;;\r\n"
        .encode("utf-8"))
    listed = medialist.load_list(load_project(project.root), "journalists")
    assert [(r.name, r.outlet, r.email) for r in listed.recipients] == [
        ("Ana Ejemplo", "Diario del Norte", "ana@example.org"), ("", "", "bo@example.org")]
    project.write("media/journalists.csv", "")
    (project.root / "media" / "journalists.csv").unlink()
    project.write("media/journalists.yaml", "- emali: ana@example.org\n  name: Ana\n")
    assert problems(project) == ["journalists.yaml:1:10: no e-mail address ('emali': did you "
                                 "mean 'email'?)"]


def test_an_address_twice_is_a_warning_and_gets_one_message(project):
    # Two exports merged: the address is written once, as its first row has it.
    project.write("media/journalists.csv", "email,name\nana@example.org,Ana\n"
                                           "bo@example.org,Bo\nANA@example.org,Ana again\n")
    listed = medialist.load_list(load_project(project.root), "journalists")
    assert [(r.email, r.name) for r in listed.recipients] == [("ana@example.org", "Ana"),
                                                              ("bo@example.org", "Bo")]
    assert [str(w).split("/")[-1] for w in listed.warnings] == [
        "journalists.csv:4:1: warning: ANA@example.org is on the list twice (first on line 2); "
        "it gets one message, as line 2 has it"]
    checked = run("check", project_dir=project.root)
    assert checked.exit_code == 0
    assert "journalists.csv:4:1: warning: ANA@example.org is on the list twice" in checked.stderr
    assert run("check", "--strict", project_dir=project.root).exit_code == 1


def test_a_name_too_long_for_a_mail_header_is_refused_at_its_cell(project):
    project.write("media/journalists.csv", "email,name\nana@example.org," + "B" * 1200 + "\n")
    assert problems(project) == ["journalists.csv:2:17: a name of 1200 characters: no mail "
                                 "header holds it; shorten it to 200 at most"]


def test_yaml_list_problems_name_their_lines(project):
    project.write("media/journalists.yaml", """\
        - email: ana@example.org
          name: Ana
        - just a string
        - email: ana@EXAMPLE.org
        - {email: "bad@", name: Bad}
        """)
    assert problems(project) == [
        "journalists.yaml:3:3: each entry is a mapping such as {email: ..., name: ...}",
        "journalists.yaml:4:10: warning: ana@example.org is on the list twice (first on line "
        "1); it gets one message, as line 1 has it",
        "journalists.yaml:5:11: 'bad@' is not a valid e-mail address: There must be "
        "something after the @-sign.",
    ]


def test_suppressed_txt_is_checked_and_case_insensitive(project):
    project.write("media/journalists.csv", "email\nAna@Example.org\nben@example.org\n")
    project.write("media/suppressed.txt", "ana@example.ORG\n")
    media = medialist.load_list(load_project(project.root), "journalists")
    assert [r.email for r in media.recipients] == ["ben@example.org"]
    assert [r.email for r in media.suppressed] == ["Ana@example.org"]
    project.write("media/suppressed.txt", "# comment\n\nnot an address\n")
    assert problems(project) == ["suppressed.txt:3:1: 'not an address' is not a valid "
                                 "e-mail address: An email address must have an @-sign."]


def test_one_list_in_two_forms_is_refused(project):
    project.write("media/journalists.csv", "email\nana@example.org\n")
    project.write("media/journalists.yaml", [{"email": "ben@example.org"}])
    assert problems(project) == ["journalists.yaml:1:1: list 'journalists' is given twice "
                                 "(journalists.csv and journalists.yaml); keep one"]


def test_an_empty_list_sends_nothing(project):
    project.write("media/journalists.csv", "email,name\n")
    assert problems(project) == ["journalists.csv:1:1: the list has no recipients"]


def test_check_passes_the_sample_with_its_demo_list():
    assert run("check", project_dir=REPO).exit_code == 0


def test_rate_limit_spaces_messages_evenly():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limit = RateLimit(120, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limit.wait()
    assert slept == [0.5, 0.5]
    off = RateLimit(0, clock=lambda: now[0], sleep=sleep)
    off.wait(), off.wait()
    assert slept == [0.5, 0.5]


def test_plain_smtp_to_any_host_but_a_password_in_the_clear_only_to_loopback():
    assert is_loopback("localhost") and is_loopback("127.0.0.1") and is_loopback("::1")
    assert not is_loopback("smtp.example.org") and not is_loopback("192.0.2.1")
    login = ("press", "s3cret")
    check_settings(SmtpSettings("127.0.0.1", 25, "none"))
    check_settings(SmtpSettings("127.0.0.1", 25, "none"), login)
    check_settings(SmtpSettings("192.0.2.1", 25, "none"))   # an internal relay, no login
    check_settings(SmtpSettings("relay.example.org", 25, "none"))
    check_settings(SmtpSettings("192.0.2.1", 587, "starttls"), login)
    check_settings(SmtpSettings("192.0.2.1", 465, "ssl"), login)
    for host in ("192.0.2.1", "relay.example.org"):
        with pytest.raises(PresskitError, match="would send the password in the clear"):
            check_settings(SmtpSettings(host, 25, "none"), login)


def test_the_port_follows_a_security_given_on_the_command_line():
    base = SmtpSettings("smtp.example.org", 587, "starttls")
    assert _smtp_settings(base, None, None, "ssl").port == 465
    assert _smtp_settings(SmtpSettings("h", 2525, "starttls"), None, None, "ssl").port == 2525
    assert _smtp_settings(base, "other", 26, None) == SmtpSettings("other", 26, "starttls")


def test_credentials_come_in_pairs(monkeypatch):
    monkeypatch.delenv("PRESSKIT_SMTP_USER", raising=False)
    monkeypatch.delenv("PRESSKIT_SMTP_PASSWORD", raising=False)
    assert credentials() is None
    monkeypatch.setenv("PRESSKIT_SMTP_USER", "press")
    with pytest.raises(PresskitError, match="PRESSKIT_SMTP_PASSWORD is not set"):
        credentials()


def test_sending_needs_a_sender(project):
    project.write("media/journalists.csv", "email\nana@example.org\n")
    result = run("send", "2024-03-05-clinics-open", "--to", "journalists", "--dry-run",
                 project_dir=project.root)
    assert result.exit_code == 1
    assert result.stderr.endswith("presskit.yaml:1:1: email.from is not set: a send needs a "
                                  "sender; add  email: {from: \"Press Office "
                                  "<press@example.org>\"}  to presskit.yaml\n")


GOOGLE_HEADER = ("First Name,Middle Name,Last Name,Nickname,File As,Organization Name,"
                 "Organization Title,Labels,E-mail 1 - Label,E-mail 1 - Value,"
                 "Phone 1 - Label,Phone 1 - Value")


def test_a_google_contacts_export_is_a_list(project):
    """Google's CSV: its own column names, and a contact's addresses joined in one cell."""
    project.write("media/journalists.csv",
                  f"{GOOGLE_HEADER}\n"
                  "Ana,,Ejemplo,,,Diario del Norte,Reporter,* myContacts,* Work,"
                  "ana@example.org,Mobile,+1 555 0100\n"
                  "Bo,,Sample,,,Radio Estuaire,,* myContacts,* Work ::: Home,"
                  "bo@example.org ::: bo.home@example.org,,\n"
                  "Cy,,Sample,,,,,* myContacts,* Work ::: Home,"
                  "Cy Sample <cy@example.org> ::: cy.home@example.org,,\n")
    listed = medialist.load_list(load_project(project.root), "journalists")
    assert [(r.name, r.outlet, r.email) for r in listed.recipients] == [
        ("Ana Ejemplo", "Diario del Norte", "ana@example.org"),
        ("Bo Sample", "Radio Estuaire", "bo@example.org"), ("Cy Sample", "", "cy@example.org")]
    column = len("Bo,,Sample,,,Radio Estuaire,,* myContacts,* Work ::: Home,") + 1
    assert [str(w).split("/")[-1] for w in listed.warnings][0] == (
        f"journalists.csv:3:{column}: warning: 2 addresses in one cell, as Google Contacts "
        f"joins them; the message goes to the first, bo@example.org")
    assert len(listed.warnings) == 2


def test_addresses_as_address_books_copy_them_and_a_contact_without_one(project):
    """'Name <address>' is that address (and that name when the row has none); a quoted one in
    suppressed.txt is still suppressed; a contact known by phone alone gets no message and
    holds nobody else up."""
    project.write("media/journalists.csv",
                  f"{GOOGLE_HEADER}\n"
                  "Ana,,Ejemplo,,,,,,,Ana Ejemplo <ana@example.org>,,\n"
                  ",,,,,,,,,Bo Sample <bo@example.org>,,\n"
                  "Cy,,Phoneonly,,,,,,,,Mobile,+1 555 0101\n"
                  ",,,,,,,,,\"opt@example.org\",,\n")
    project.write("media/suppressed.txt", '"opt@example.org"\n')
    listed = medialist.load_list(load_project(project.root), "journalists")
    assert [(r.name, r.email) for r in listed.recipients] == [
        ("Ana Ejemplo", "ana@example.org"), ("Bo Sample", "bo@example.org")]
    assert [r.email for r in listed.suppressed] == ["opt@example.org"]
    column = len("Cy,,Phoneonly,,,,,,,") + 1
    assert [str(w).split("/")[-1] for w in listed.warnings] == [
        f"journalists.csv:4:{column}: warning: no e-mail address: this row gets no message"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_list_saved_as_utf16_with_its_mark_is_read(project, encoding):
    """Excel's "Unicode Text": UTF-16, tab-separated, its byte order in its first bytes."""
    mark = "\ufeff".encode(encoding)
    (project.root / "media").mkdir()
    (project.root / "media" / "journalists.csv").write_bytes(
        mark + "email\tname\r\nchloe@example.org\tChloé Martin\r\nbad@example\tX\r\n"
        .encode(encoding))
    assert problems(project) == [
        "journalists.csv:3:1: 'bad@example' is not a valid e-mail address: The part after "
        "the @-sign is not valid. It should have a period."]


def test_excels_separator_line_is_followed_and_lines_keep_their_numbers(project):
    project.write("media/journalists.csv",
                  'sep=;\nemail;name\nana@example.org;"Ejemplo, Ana"\nbo@example;Bo\n')
    assert problems(project) == [
        "journalists.csv:4:1: 'bo@example' is not a valid e-mail address: The part after "
        "the @-sign is not valid. It should have a period."]
    project.write("media/journalists.csv", 'sep=,\nname,outlet\n')
    assert problems(project)[0].startswith("journalists.csv:2:1: the header row lacks")



def test_a_misspelt_name_or_outlet_is_a_warning(project):
    """'nmae' was kept for templates without a word, and the greeting lost the name."""
    project.write("media/journalists.yaml", "- email: ana@example.org\n  nmae: Ana\n"
                                            "  Outlet: Herald\n")
    listed = medialist.load_list(load_project(project.root), "journalists")
    assert [(r.name, r.outlet) for r in listed.recipients] == [("", "Herald")]
    assert [str(w).split("/")[-1] for w in listed.warnings] == [
        "journalists.yaml:2:3: warning: 'nmae' is not a field presskit reads: did you mean "
        "'name'?"]
    (project.root / "media" / "journalists.yaml").unlink()
    project.write("media/journalists.csv", "email,Full Nme,comapny,beat\nbo@example.org,Bo,R,x\n")
    listed = medialist.load_list(load_project(project.root), "journalists")
    assert [str(w).split("/")[-1] for w in listed.warnings] == [
        "journalists.csv:1:7: warning: 'full nme' is not a field presskit reads: did you mean "
        "'full name'?",
        "journalists.csv:1:16: warning: 'comapny' is not a field presskit reads: did you mean "
        "'company'?"]


OUTLOOK_HEADER = ("Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,"
                  "Business Street,Business City,Business Phone,Mobile Phone,E-mail Address,"
                  "E-mail Type,E-mail Display Name,E-mail 2 Address,Notes,Web Page")


@pytest.mark.parametrize("header", [OUTLOOK_HEADER, GOOGLE_HEADER])
def test_an_address_books_own_columns_are_not_taken_for_slips(project, header):
    """Outlook's 'E-mail Display Name' is not a misspelt 'Display Name'."""
    cells = header.split(",")
    row = ["ana@example.org" if c in ("E-mail Address", "E-mail 1 - Value") else "x"
           for c in cells]
    project.write("media/journalists.csv", header + "\n" + ",".join(row) + "\n")
    listed = medialist.load_list(load_project(project.root), "journalists")
    assert [r.email for r in listed.recipients] == ["ana@example.org"]
    assert listed.warnings == []


def test_outlooks_display_name_names_a_contact_it_has_no_name_for(project):
    project.write("media/journalists.csv",
                  f"{OUTLOOK_HEADER}\n"
                  ",,,,,,,,,,,,ana@example.org,SMTP,Ana Reyes (ana@example.org),,,\n"
                  ",Bo,,Sample,,,,,,,,,bo@example.org,SMTP,Robert Sample (bo@example.org),,,\n"
                  ",,,,,,,,,,,,cy@example.org,SMTP,cy@example.org,,,\n")
    listed = medialist.load_list(load_project(project.root), "journalists")
    assert [(r.name, r.email) for r in listed.recipients] == [
        ("Ana Reyes", "ana@example.org"), ("Bo Sample", "bo@example.org"),
        ("", "cy@example.org")]
