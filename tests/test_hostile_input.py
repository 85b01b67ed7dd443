"""Hostile or broken input (issue 19): a name never adds a recipient, no control character
reaches a header or the terminal, and every case is one line and exit 1, never a traceback."""
from __future__ import annotations

import email
import email.policy
import struct
import zlib
from email.header import decode_header, make_header

import pytest

from conftest import ProjectMaker, run

SLUG = "2024-03-05-clinics-open"
ENCODED_BCC = "=?utf-8?b?QmNjOiB4QGV2aWwuZXhhbXBsZQ==?="   # 'Bcc: x@evil.example'


def mailing(project: ProjectMaker, media: str) -> None:
    project.write("presskit.yaml", {"email": {"from": "NRHA Press Office <press@example.org>"}})
    project.write("media/journalists.csv", media)


def dry_run(project: ProjectMaker):
    return run("send", SLUG, "--to", "journalists", "--dry-run", project_dir=project.root)


def one_line(result, *expected: str) -> str:
    """Exit 1, one line on stderr holding each of `expected`, no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


# -- names and headers ------------------------------------------------------------------------

def test_a_name_written_as_an_encoded_word_adds_no_recipient(project):
    mailing(project, f"email,name\nb9@example.org,{ENCODED_BCC}\n")
    result = dry_run(project)
    assert result.exit_code == 0, result.output
    [eml] = (project.root / "dist" / "outbox" / SLUG).glob("*.eml")
    raw = eml.read_bytes()
    to = next(line for line in raw.decode("ascii").split("\n\n")[0].replace("\n ", " ")
              .splitlines() if line.startswith("To:"))
    # As a mail reader shows it: the name is the very characters of the list.
    shown = str(make_header(decode_header(to[3:].strip())))
    assert ENCODED_BCC in shown and "Bcc: x@evil.example" not in shown, shown
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert [a.addr_spec for a in message["To"].addresses] == ["b9@example.org"]
    assert message["To"].addresses[0].display_name == ENCODED_BCC
    assert "evil" not in str(message["Bcc"] or "") and "evil" not in str(message["Cc"] or "")


def test_check_warns_of_a_name_written_as_an_encoded_word(project):
    mailing(project, f"email,name\nb9@example.org,{ENCODED_BCC}\n")
    result = run("check", project_dir=project.root)
    assert "media/journalists.csv:2:16: warning: 'name' holds what mail encodes a header " \
           "with" in result.stderr


@pytest.mark.parametrize("char, named", [("\x0b", "a vertical tab"), ("\x0c", "a form feed"),
                                         ("\x1b", "an escape character"), ("\x00", "a NUL byte")])
def test_a_control_character_in_a_field_is_refused(project, char, named):
    mailing(project, f"email,name\nana@example.org,Ana{char}Reyes\n")
    line = one_line(dry_run(project), "journalists.csv:2:17: 'name' holds U+", named)
    assert char not in line
    assert not (project.root / "dist" / "outbox" / SLUG).exists()


def test_an_address_with_a_slash_makes_a_safe_file_name(project):
    mailing(project, "email,name\na/b@example.org,Ana Reyes\n")
    result = dry_run(project)
    assert result.exit_code == 0, result.output
    [eml] = (project.root / "dist" / "outbox" / SLUG).iterdir()
    assert eml.name == "1-a_b@example.org.eml"
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "a/b@example.org"


def test_an_escape_sequence_from_yaml_never_reaches_the_terminal(project):
    project.release(date="\x1b]0;PWNED\x07")
    result = run("check", project_dir=project.root)
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;PWNED\\x07" in result.stderr


# -- one line, never a traceback --------------------------------------------------------------

def test_yaml_nested_a_thousand_deep_is_one_line(project):
    project.write(f"releases/{SLUG}.yaml", "title: " + "[" * 1000 + "]" * 1000 + "\n")
    for command in ("check", "build"):
        one_line(run(command, project_dir=project.root), f"{SLUG}.yaml",
                 "nested too deeply")


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims `width` x `height` pixels: Pillow refuses it on opening."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + \
        chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_decompression_bomb_is_one_line_naming_the_image(project, command):
    project.write("assets/huge.png", _png_header(30000, 30000))
    project.release(images=[{"src": "assets/huge.png", "caption": "A crowd"}])
    one_line(run(command, project_dir=project.root), "huge.png", "pixels")


def test_a_rate_too_small_is_a_schema_error(project):
    project.write("presskit.yaml", {"email": {"from": "NRHA Press <press@example.org>",
                                              "per_minute": 1e-300}})
    one_line(run("check", project_dir=project.root), "presskit.yaml:", "per_minute")


@pytest.mark.parametrize("command", ["check", "build", "send"])
def test_an_embargo_at_the_end_of_time_is_one_line(project, command):
    project.write("presskit.yaml", {"timezone": "Pacific/Kiritimati",
                                    "email": {"from": "NRHA Press <press@example.org>"}})
    project.write("media/journalists.csv", "email\nana@example.org\n")
    project.release(embargo="9999-12-31T23:59:59-12:00")
    args = {"check": ["check"], "build": ["build"],
            "send": ["send", SLUG, "--to", "journalists", "--dry-run"]}[command]
    one_line(run(*args, project_dir=project.root), f"{SLUG}.yaml", "embargo")


@pytest.mark.parametrize("relative", [f"releases/{SLUG}.yaml", "organization.yaml"])
def test_a_yaml_file_of_50_mb_is_refused_at_once(project, relative):
    path = project.root / relative
    path.write_text(path.read_text() + "# " + "x" * 50_000_000 + "\n")
    one_line(run("check", project_dir=project.root), relative.split("/")[-1],
             "50.0 MB, more than presskit reads in a file of this kind (1.0 MB)")


def test_a_media_list_of_11_mb_is_refused_at_once(project):
    mailing(project, "email\n" + "ana@example.org\n" * 700_000)
    one_line(dry_run(project), "journalists.csv",
             "11.2 MB, more than presskit reads in a file of this kind (10.0 MB)")


def test_a_problem_quotes_a_short_excerpt_of_a_value_not_all_of_it(project):
    project.release(date="2024-03-05 " + "and more " * 5000)
    line = one_line(run("check", project_dir=project.root), "'date' must be")
    assert "and more and more" in line and len(line) < 400, len(line)
