"""`presskit init`: a new project that checks (strictly) and builds as it is."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
import yaml

from presskit.scaffold import init_project

from conftest import pdfinfo, pdftotext, run


def test_init_writes_a_project_that_checks_strictly_and_builds(tmp_path):
    target = tmp_path / "new-press-office"
    result = run("init", target)
    assert result.exit_code == 0, result.output
    today = dt.date.today().isoformat()
    release = target / "releases" / f"{today}-mobile-library-opens.yaml"
    for name in ("presskit.yaml", "organization.yaml", "media/journalists.csv",
                 "assets/logo.svg", ".gitignore", release):
        assert (target / name).is_file(), name

    check = run("check", "--strict", project_dir=target)
    assert check.exit_code == 0, check.output
    assert "no problems" in check.stderr

    build = run("build", project_dir=target)
    assert build.exit_code == 0, build.output
    assert "warning" not in build.stderr
    pdf = target / "dist" / "releases" / f"{today}-mobile-library-opens.pdf"
    text = " ".join(pdftotext(pdf).split())
    assert "Harbourlight opens its seventh mobile library" in text
    assert "FOR IMMEDIATE RELEASE" in text
    assert "Robin Example" in text and "press@example.org" in text
    assert pdfinfo(pdf)["Tagged"] == "yes"


def test_the_scaffold_invents_its_organization_at_example_org(tmp_path):
    init_project(tmp_path / "p", today=dt.date(2025, 2, 3))
    org = yaml.safe_load((tmp_path / "p" / "organization.yaml").read_text(encoding="utf-8"))
    emails = [c["email"] for c in org["contacts"]]
    assert emails and all(e.endswith("@example.org") for e in emails)
    assert "invented" in org["boilerplate"]
    media = (tmp_path / "p" / "media" / "journalists.csv").read_text(encoding="utf-8")
    assert media.splitlines()[0].split(",")[0] == "email"
    assert all(line.split(",")[0].endswith("@example.org") for line in media.splitlines()[1:])
    release = tmp_path / "p" / "releases" / "2025-02-03-mobile-library-opens.yaml"
    assert yaml.safe_load(release.read_text(encoding="utf-8"))["date"] == dt.date(2025, 2, 3)
    # presskit.yaml is commented: a newcomer learns the settings from it.
    settings = (tmp_path / "p" / "presskit.yaml").read_text(encoding="utf-8")
    assert settings.count("\n#") >= 10 and "PRESSKIT_SMTP_PASSWORD" in settings


def test_init_refuses_a_folder_that_holds_a_project(project):
    before = {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()}
    result = run("init", project.root)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{project.root / 'organization.yaml'}: this folder already holds a presskit project; "
        f"choose a new or empty folder"]
    assert {p: p.read_bytes() for p in project.root.rglob("*") if p.is_file()} == before


def test_init_writes_beside_unrelated_files_but_overwrites_none(tmp_path):
    (tmp_path / "README.md").write_text("notes\n")
    assert run("init", tmp_path).exit_code == 0
    assert (tmp_path / "README.md").read_text() == "notes\n"

    other = tmp_path / "other"
    (other / "assets").mkdir(parents=True)
    (other / "assets" / "logo.svg").write_text("<svg/>")
    result = run("init", other)
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("logo.svg: already exists; presskit init "
                                          "overwrites nothing")
    assert not (other / "organization.yaml").exists()
    assert (other / "assets" / "logo.svg").read_text() == "<svg/>"


def test_init_refuses_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    result = run("init", tmp_path / "f")
    assert result.exit_code == 1
    assert result.stderr == f"{tmp_path / 'f'}: exists and is not a folder\n"


def test_the_commented_settings_name_every_label():
    from presskit.i18n import LABEL_KEYS
    from presskit.scaffold import SCAFFOLD

    text = (SCAFFOLD / "presskit.yaml").read_text(encoding="utf-8")
    listed = text.split("# Label names:")[1].split("\n# labels:")[0]
    names = {word.strip(" #.,\n") for word in listed.replace("\n#", " ").split(",")}
    assert names == set(LABEL_KEYS)


def test_init_refuses_an_empty_name_and_a_path_through_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("mine\n")
    empty = run("init", "")
    assert empty.exit_code == 2 and not (tmp_path / "organization.yaml").exists()
    through = run("init", "afile/sub")
    assert through.exit_code == 1
    assert through.stderr == "afile: exists and is not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_check_tells_of_the_examples_sender_left_after_the_organization_is_ones_own(tmp_path):
    target = tmp_path / "office"
    assert run("init", target).exit_code == 0
    assert run("check", "--strict", project_dir=target).exit_code == 0
    org = target / "organization.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace(
        "name: Harbourlight Literacy Network", "name: Riverbend Water Trust"), encoding="utf-8")
    result = run("check", project_dir=target)
    assert result.exit_code == 0
    settings = (target / "presskit.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(settings, 1) if text.strip().startswith("from:"))
    assert (f"presskit.yaml:{line}:9: warning: the sender 'Harbourlight Press Office "
            f"<press@example.org>' is still the example's: messages would go out under its "
            f"name; put your press office's") in result.stderr.replace(str(target) + "/", "")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_keeps_the_send_ledger_but_not_what_presskit_makes_again(tmp_path):
    """A clone without the ledger would mail every journalist again."""
    target = tmp_path / "office"
    assert run("init", target).exit_code == 0
    made = [".presskit/sent.jsonl", ".presskit/build-cache.json", ".presskit/send.lock",
            "dist/releases/a.pdf", "dist/outbox/a/1-a@example.org.eml"]
    for name in made:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(b"x")
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    ignored = subprocess.run(["git", "-C", str(target), "check-ignore", *made],
                             capture_output=True, text=True).stdout.split()
    assert ignored == made[1:]
    # Two colleagues' sends merge line by line, with no conflict (test_send_git).
    merge = subprocess.run(["git", "-C", str(target), "check-attr", "merge", made[0]],
                           capture_output=True, text=True).stdout
    assert merge == f"{made[0]}: merge: union\n"
