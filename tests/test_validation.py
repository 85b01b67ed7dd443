"""Bad input: every problem reported as path:line:column: message, all at once, exit 1."""
from __future__ import annotations

import pytest

from conftest import run

RELEASE = "releases/2024-03-05-clinics-open.yaml"
GOOD_RELEASE = """\
title: Clinics open
date: 2024-03-05
dateline: Portland, ME
body: Text.
"""

# (file, content, expected line on stderr)
BAD_INPUTS = [
    (RELEASE, "title: Clinics open\ndate: 2024-03-05\ndateline: Portland, ME\n",
     f"{RELEASE}:1:1: missing required field 'body' in a release"),
    (RELEASE, GOOD_RELEASE + "headlin: Typo\n",
     f"{RELEASE}:5:1: unknown field 'headlin' in a release; did you mean 'title'?"),
    # A misspelt required field is one problem, not "missing" and "unknown" both.
    (RELEASE, GOOD_RELEASE.replace("dateline:", "date_line:"),
     f"{RELEASE}:3:1: unknown field 'date_line' in a release; did you mean 'dateline'?"),
    (RELEASE, GOOD_RELEASE.replace("title: Clinics open", "title: #1 in clinics"),
     f"{RELEASE}:1:7: 'title' is required and must not be empty ('#' after a space starts a "
     f"comment in YAML: put the value in quotes, as in title: \"#1 in clinics\")"),
    (RELEASE, GOOD_RELEASE + "xyzzy: 1\n",
     f"{RELEASE}:5:1: unknown field 'xyzzy' in a release; known fields: body, boilerplate, "
     f"contacts, date, dateline, embargo, images, lang, notes, subtitle, tags, title"),
    (RELEASE, GOOD_RELEASE.replace("2024-03-05", "2024-02-30"),
     f"{RELEASE}:2:7: 'date' is not a real date: '2024-02-30'"),
    (RELEASE, GOOD_RELEASE.replace("2024-03-05", "5 March 2024"),
     f"{RELEASE}:2:7: 'date' must be a date written YYYY-MM-DD, not '5 March 2024'"),
    (RELEASE, GOOD_RELEASE.replace("title: Clinics open", "title: [Clinics, open]"),
     f"{RELEASE}:1:8: 'title' must be text, not a list"),
    (RELEASE, GOOD_RELEASE + "embargo: 2024-03-05T09:00\n",
     f"{RELEASE}:5:10: 'embargo' needs a time zone offset, such as 2024-03-05T09:00-05:00 "
     f"or, the same moment in UTC, 2024-03-05T14:00Z"),
    (RELEASE, GOOD_RELEASE + "embargo: 2024-03-05\n",
     f"{RELEASE}:5:10: 'embargo' needs a time and a time zone offset, such as "
     f"2024-03-05T09:00-05:00 or 2024-03-05T14:00Z"),
    (RELEASE, GOOD_RELEASE + "lang: en_US\n",
     f"{RELEASE}:5:7: 'lang' must be a BCP 47 language tag such as en, fr, pt-BR or zh-Hant, "
     f"not 'en_US'; did you mean 'en-US'?"),
    (RELEASE, GOOD_RELEASE + "lang: not a lang!\n",
     f"{RELEASE}:5:7: 'lang' must be a BCP 47 language tag such as en, fr, pt-BR or zh-Hant, "
     f"not 'not a lang!'"),
    (RELEASE, GOOD_RELEASE + "images:\n  - src: organization.yaml\n",
     f"{RELEASE}:6:10: 'src': 'organization.yaml' is not an image presskit can read "
     f"(PNG, JPEG, GIF, WebP, TIFF or SVG)"),
    (RELEASE, GOOD_RELEASE + "images:\n  - src: releases\n",
     f"{RELEASE}:6:10: 'src': 'releases' is a folder, not a file"),
    (RELEASE, GOOD_RELEASE + "embargo: tomorrow\n",
     f"{RELEASE}:5:10: 'embargo' must be an ISO 8601 date and time with an offset, such as "
     f"2013-01-05T09:00:00-05:00, not 'tomorrow'"),
    (RELEASE, GOOD_RELEASE + "tags: urgent\n",
     f"{RELEASE}:5:7: 'tags' must be a list of words, like [health, clinics], not 'urgent'"),
    (RELEASE, GOOD_RELEASE + 'tags: [urgent, "health, Maine"]\n',
     f"{RELEASE}:5:16: 'tags': 'health, Maine' holds a comma; give each as its own item: "
     f"[health, Maine]"),
    (RELEASE, GOOD_RELEASE + "images:\n  - src: assets/nope.jpg\n",
     f"{RELEASE}:6:10: 'src': no such file 'assets/nope.jpg' in the project"),
    (RELEASE, GOOD_RELEASE + "images:\n  - src: ../../outside.png\n",
     f"{RELEASE}:6:10: 'src': '../../outside.png' lies outside the project"),
    (RELEASE, GOOD_RELEASE + "images:\n  - src: /etc/hostname\n",
     f"{RELEASE}:6:10: 'src': '/etc/hostname' lies outside the project"),
    (RELEASE, GOOD_RELEASE + "images:\n  - src: https://example.org/a.png\n",
     f"{RELEASE}:6:10: 'src' must be a file inside the project, not a URL: "
     f"'https://example.org/a.png'"),
    (RELEASE, GOOD_RELEASE + "images:\n  - caption: No source\n",
     f"{RELEASE}:6:5: missing required field 'src' in each entry of 'images'"),
    (RELEASE, GOOD_RELEASE + "contacts:\n  - name: Sam\n    emial: sam@example.org\n",
     f"{RELEASE}:7:5: unknown field 'emial' in each entry of 'contacts'; did you mean 'email'?"),
    (RELEASE, GOOD_RELEASE + "contacts:\n  - name: Sam\n    email: sam at example.org\n",
     f"{RELEASE}:7:12: 'email' must be an e-mail address such as press@example.org, not "
     f"'sam at example.org'"),
    (RELEASE, GOOD_RELEASE + "title: Again\n",
     f"{RELEASE}:5:1: field 'title' is given twice (first on line 1)"),
    (RELEASE, 'title: "unclosed\nbody: x\n',
     f"{RELEASE}:1:8: YAML syntax error: found unexpected end of stream "
     f"(while scanning a quoted scalar); the quote that opens here is never closed: end the "
     f"value with the same quote"),
    # The usual slips get a plain fix after PyYAML's words (presskit/yaml_advice.py).
    (RELEASE, "title: Update: wells reopen\n",
     f"{RELEASE}:1:14: YAML syntax error: mapping values are not allowed here; a value with "
     f"': ' in it must be in quotes: title: \"Update: wells reopen\""),
    (RELEASE, 'title: "Water" is life, says Trust\n',
     f"{RELEASE}:1:16: YAML syntax error: expected <block end>, but found '<scalar>' (while "
     f"parsing a block mapping); a value that opens with a quote must close with it; put the "
     f"whole value in quotes: title: '\"Water\" is life, says Trust'"),
    (RELEASE, "title: x\ntags:\n\t- wells\n",
     f"{RELEASE}:3:1: YAML syntax error: found character '\\t' that cannot start any token "
     f"(while scanning for the next token); YAML indents with spaces, never tabs: replace the "
     f"tab with spaces"),
    (RELEASE, "title: x\nimages:\n  - src: a.jpg\n   caption: hi\n",
     f"{RELEASE}:4:4: YAML syntax error: expected <block end>, but found '<block mapping "
     f"start>' (while parsing a block collection that opens on line 3); 'caption' is indented "
     f"by 3 spaces; line it up with 'src' on line 3 (4 spaces)"),
    (RELEASE, "title: x\nbody: The trust said\n  today that: all is well\n",
     f"{RELEASE}:3:13: YAML syntax error: mapping values are not allowed here; the text of "
     f"'body' (line 2) has ': ' in it: write 'body: |' and the text indented on the lines "
     f"below, so that it is taken as it is"),
    (RELEASE, "contacts:\n  - name: A\n  -name: B\n",
     f"{RELEASE}:3:3: YAML syntax error: expected <block end>, but found '?' (while parsing "
     f"a block collection that opens on line 2); a list item starts with a dash and a space: "
     f"'- '"),
    (RELEASE, "title: [Clinics open\nbody: x\n",
     f"{RELEASE}:2:5: YAML syntax error: expected ',' or ']', but got ':' (while parsing a "
     f"flow sequence that opens on line 1)"),
    (RELEASE, "- just\n- a list\n",
     f"{RELEASE}:1:1: a release must be a mapping of fields, not a list"),
    (RELEASE, "",
     f"{RELEASE}:1:1: the file is empty"),
    ("releases/clinics.yaml", GOOD_RELEASE,
     "releases/clinics.yaml:1:1: a release file is named releases/<YYYY-MM-DD>-<words>.yaml "
     "(lower-case words joined by hyphens), not 'clinics.yaml'"),
    ("organization.yaml", "name: Northwind\n",
     "organization.yaml:1:1: missing required field 'boilerplate' in organization.yaml"),
    ("organization.yaml", "name: Northwind\nboilerplate: About us.\npeple: []\n",
     "organization.yaml:3:1: unknown field 'peple' in organization.yaml; did you mean 'people'?"),
    ("organization.yaml", "name: Northwind\nboilerplate: About us.\nhistory: 2009\n",
     "organization.yaml:3:10: 'history' must be a list, not '2009'"),
    ("organization.yaml", "name: Northwind\nboilerplate: About us.\nlang: english\n",
     "organization.yaml:3:7: 'lang' must be a BCP 47 language tag such as en, fr, pt-BR or "
     "zh-Hant, not 'english'"),
    ("presskit.yaml", "timezone: EST5\n",
     "presskit.yaml:1:11: 'timezone' must be a time zone such as America/New_York or "
     "Europe/Paris, not 'EST5'"),
    # A colour YAML took for a comment: the letterhead would silently keep the default.
    ("presskit.yaml", "accent: #7a1428\n",
     "presskit.yaml:1:8: 'accent' is empty ('#' after a space starts a comment in YAML: put "
     "the value in quotes, as in accent: \"#7a1428\")"),
    ("presskit.yaml", "paper: legal\n",
     "presskit.yaml:1:8: 'paper' must be one of letter, a4, not 'legal'"),
    ("presskit.yaml", "email:\n  smtp: {port: twenty-five}\n",
     "presskit.yaml:2:16: 'port' must be a whole number, not 'twenty-five'"),
    ("presskit.yaml", "email:\n  smtp: {host: smtp.example.org, port: 99999}\n",
     "presskit.yaml:2:40: 'port' must be a port number from 1 to 65535, not 99999"),
    ("presskit.yaml", "email:\n  smtp: {host: '', port: 25}\n",
     "presskit.yaml:2:16: 'host' must be a server name such as smtp.example.org, not ''"),
    ("presskit.yaml", "accent: blue-ish\n",
     "presskit.yaml:1:9: 'accent' must be a colour written #rrggbb, such as #8a1c1c, "
     "not 'blue-ish'"),
    ("presskit.yaml", "email:\n  from: not an address\n",
     "presskit.yaml:2:9: 'from' must be one e-mail address such as "
     "'Press Office <press@example.org>', not 'not an address'"),
    ("presskit.yaml", "email:\n  reply_to: Desk, News <desk@example.org>\n",
     "presskit.yaml:2:13: 'reply_to' must be one e-mail address such as "
     "'Press Office <press@example.org>', not 'Desk, News <desk@example.org>'"),
    # Labels: the placeholders presskit fills in, and nothing else.
    ("presskit.yaml", 'labels:\n  en:\n    about: "About {organization}"\n',
     "presskit.yaml:3:12: label 'about' has {organization}; it takes {name} "
     "(write a brace itself as {{ or }})"),
    ("presskit.yaml", 'labels:\n  en:\n    about: "About {name.__class__}"\n',
     "presskit.yaml:3:12: label 'about' has {name.__class__}; it takes {name} "
     "(write a brace itself as {{ or }})"),
    ("presskit.yaml", 'labels:\n  en:\n    press_kit: "Press kit {year"\n',
     "presskit.yaml:3:16: label 'press_kit' has a lone brace; it takes {year} "
     "(write a brace itself as {{ or }})"),
    ("presskit.yaml", 'labels:\n  fr:\n    page: "Page {n} sur {total}"\n',
     "presskit.yaml:3:11: label 'page' has {n}; it takes {page} and {pages} "
     "(write a brace itself as {{ or }})"),
    ("presskit.yaml", 'labels:\n  en:\n    embargoed: "Embargo: {when}"\n',
     "presskit.yaml:3:16: label 'embargoed' takes no placeholder: {when} would print as typed"),
    # Control characters pasted from a word processor.
    (RELEASE, GOOD_RELEASE.replace("body: Text.", "body: |\n  First\x0bsecond."),
     f"{RELEASE}:5:8: U+000B (a vertical tab: Word's line break, Shift+Enter) cannot be in a "
     f"YAML file; delete it, or put a space or a line break in its place"),
]


def refused_by_check_and_build(lines: list[str]) -> None:
    """Both commands exit 1 with exactly these lines on stderr."""
    for command in ("check", "build"):
        result = run(command)
        assert result.exit_code == 1
        assert result.stderr.splitlines() == lines


@pytest.mark.parametrize("relative, content, expected", BAD_INPUTS,
                         ids=[f"{i}-{case[0]}" for i, case in enumerate(BAD_INPUTS)])
def test_bad_input_is_one_line_with_its_place(project, monkeypatch, relative, content, expected):
    if relative.startswith("releases/") and relative != RELEASE:
        (project.root / RELEASE).unlink()
    project.write(relative, content)
    monkeypatch.chdir(project.root)
    for command in (["check"], ["build"]):
        result = run(*command)
        assert result.exit_code == 1
        assert expected in result.stderr.splitlines()
        assert "Traceback" not in result.stderr
    assert not (project.root / "dist").exists()


def test_all_problems_of_all_files_are_reported_together(project, monkeypatch):
    project.write("organization.yaml", "name: Northwind\nboilerplate: Hi\nwebsit: x\n")
    project.write(RELEASE, "title: T\ndate: 2024-03-05\ndateline: X\nbody: B\nsubtitel: S\n")
    project.write("media/desk.csv", "email\nnot-an-address\n")
    monkeypatch.chdir(project.root)
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "media/desk.csv:2:1: 'not-an-address' is not a valid e-mail address: An email address "
        "must have an @-sign.",
        "organization.yaml:3:1: unknown field 'websit' in organization.yaml; "
        "did you mean 'website'?",
        f"{RELEASE}:5:1: unknown field 'subtitel' in a release; did you mean 'subtitle'?",
    ]


def test_a_symlink_leading_outside_the_project_is_refused(project, tmp_path, monkeypatch):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not really a png")
    (project.root / "assets").mkdir()
    (project.root / "assets" / "photo.png").symlink_to(secret)
    project.write(RELEASE, GOOD_RELEASE + "images:\n  - src: assets/photo.png\n")
    monkeypatch.chdir(project.root)
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.strip() == \
        f"{RELEASE}:6:10: 'src': 'assets/photo.png' lies outside the project"


def test_missing_organization_says_how_to_start(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("organization.yaml: missing: every project needs an "
                                     "organization.yaml (run 'presskit init' to start one)")


def test_a_typo_is_one_line_and_a_misplaced_file_too(project, monkeypatch):
    project.write(RELEASE, GOOD_RELEASE.replace("dateline:", "date_line:"))
    project.write("releases/organization.yaml", "name: Northwind\nboilerplate: Hi\nfacts: []\n")
    monkeypatch.chdir(project.root)
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{RELEASE}:3:1: unknown field 'date_line' in a release; did you mean 'dateline'?",
        "releases/organization.yaml:1:1: a release file is named "
        "releases/<YYYY-MM-DD>-<words>.yaml (lower-case words joined by hyphens), not "
        "'organization.yaml'; and it is not a release (no title, no body): move it out of "
        "releases/"]


def test_run_in_a_projects_folder_says_where_the_project_is(project, monkeypatch):
    monkeypatch.chdir(project.root / "releases")
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "organization.yaml: missing: every project needs an organization.yaml (this is the "
        "releases/ folder of the project in ..: run presskit there, or give --project ..)")
    before = sorted(p.name for p in (project.root / "releases").iterdir())
    result = run("init", ".")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        ".: this is the releases/ folder of the project in ..; a new project goes in a folder "
        "of its own")
    assert sorted(p.name for p in (project.root / "releases").iterdir()) == before


def test_debug_shows_the_traceback(project, monkeypatch):
    project.write(RELEASE, "title: [x]\n")
    monkeypatch.chdir(project.root)
    result = run("--debug", "check")
    assert result.exit_code == 1
    assert "Traceback" in result.stderr


def test_a_good_project_checks(project):
    result = run("check", project_dir=project.root)
    assert result.exit_code == 0, result.stderr


def test_check_writes_nothing_in_the_project(project):
    # The contract: check writes nothing. It kept the scaled logo and photos in .presskit/.
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (900, 300), "#1d4e89").save(out, "PNG")
    project.write("assets/logo.png", out.getvalue())
    project.write("assets/clinic.png", out.getvalue())
    project.organization(logo="assets/logo.png")
    project.release(images=[{"src": "assets/clinic.png", "caption": "The clinic.",
                             "credit": "NRHA"}])
    before = sorted(p for p in project.root.rglob("*"))
    result = run("check", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert sorted(p for p in project.root.rglob("*")) == before


def test_windows_files_with_bom_and_crlf_load(project, monkeypatch):
    project.write(RELEASE, b"\xef\xbb\xbftitle: T\r\ndate: 2024-03-05\r\n"
                  b"dateline: X\r\nbody: B\r\n")
    assert run("check", project_dir=project.root).exit_code == 0


def test_a_file_not_in_utf8_points_at_the_first_bad_byte(project, monkeypatch):
    project.write(RELEASE, "title: Café\n".encode("latin-1") + b"date: 2024-03-05\n")
    monkeypatch.chdir(project.root)
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"{RELEASE}:1:11: not UTF-8 text (invalid continuation "
                                     f"byte); save the file as UTF-8")


def test_a_settings_file_of_comments_alone_means_the_defaults(project, monkeypatch):
    # As `presskit init` writes it: every setting there, commented out.
    project.write("presskit.yaml", "# paper: a4\n# email:\n#   from: press@example.org\n")
    monkeypatch.chdir(project.root)
    assert run("check").exit_code == 0
    result = run("build")
    assert result.exit_code == 0, result.stderr
    assert (project.root / "dist" / "releases" / "2024-03-05-clinics-open.pdf").is_file()


def test_the_same_release_twice_as_yaml_and_yml_is_refused(project, monkeypatch):
    project.write(RELEASE.replace(".yaml", ".yml"), GOOD_RELEASE.replace("Clinics", "Other"))
    monkeypatch.chdir(project.root)
    refused_by_check_and_build([f"{RELEASE.replace('.yaml', '.yml')}:1:1: the same release as "
                                f"{RELEASE}; keep one of the two"])
    assert not (project.root / "dist").exists()


def test_hidden_files_in_releases_are_not_releases(project, monkeypatch):
    # An editor's backup or lock file beside the release it belongs to.
    project.write("releases/.2024-03-05-clinics-open.yaml", "title: [half-saved")
    monkeypatch.chdir(project.root)
    result = run("check")
    assert result.exit_code == 0, result.stderr


def test_a_damaged_image_is_found_by_check(project, monkeypatch):
    project.write("assets/photo.png", b"not a png at all")
    project.write(RELEASE, GOOD_RELEASE + "images:\n  - src: assets/photo.png\n")
    monkeypatch.chdir(project.root)
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{RELEASE}:6:10: 'src': 'assets/photo.png' is not an image presskit can read "
        f"(PNG, JPEG, GIF, WebP, TIFF or SVG)"]


def test_a_photo_cut_short_is_told_at_its_src_line(project, monkeypatch):
    # Its header is a JPEG's, so it passes as an image until it is decoded to be scaled.
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), (20, 120, 200)).save(out, "JPEG")
    project.write("assets/photo.jpg", out.getvalue()[:len(out.getvalue()) // 3])
    project.write(RELEASE, GOOD_RELEASE
                  + "images:\n  - caption: Wells\n    src: assets/photo.jpg\n")
    monkeypatch.chdir(project.root)
    refused_by_check_and_build([f"{RELEASE}:7:10: 'src': 'assets/photo.jpg' is not an image "
                                f"presskit can read (damaged, or of a kind Pillow does not know)"])


def test_a_template_error_is_found_by_check(project, monkeypatch):
    project.write("templates/_letterhead.html", "<header>\n{% if %}\n</header>\n")
    monkeypatch.chdir(project.root)
    result = run("check")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "templates/_letterhead.html:2:1: template error: Expected an expression, got 'end of "
        "statement block'"]


def test_a_file_where_a_folder_must_be_is_one_line_not_a_traceback(project, monkeypatch):
    project.write("dist", "a file, not a folder\n")
    monkeypatch.chdir(project.root)
    for command in (["build"], ["kit", "--year", "2024"]):
        result = run(*command)
        assert result.exit_code == 1
        assert "Traceback" not in result.stderr
        (line,) = result.stderr.splitlines()
        assert line.startswith("dist") and line.endswith(": Not a directory"), line


def test_an_embargo_without_offset_is_shown_in_the_offices_own_zone(project):
    """A Geneva office was told to write -05:00, which would lift its embargo at 16:00 there."""
    project.write("presskit.yaml", "timezone: Europe/Zurich\n")
    path = project.release(embargo="2026-12-15T10:00")
    summer = project.release("2026-07-15-summer", embargo="2026-07-15")
    result = run("check", project_dir=project.root)
    assert result.exit_code == 1
    told = [line.split(": ", 1)[1] for line in sorted(result.stderr.splitlines())]
    assert told == [
        "'embargo' needs a time zone offset, such as 2026-12-15T10:00+01:00 or, the same "
        "moment in UTC, 2026-12-15T09:00Z",
        "'embargo' needs a time and a time zone offset, such as 2026-07-15T09:00+02:00 or "
        "2026-07-15T07:00Z"]
    assert sorted(result.stderr.splitlines())[0].startswith(str(path))
    assert sorted(result.stderr.splitlines())[1].startswith(str(summer))
