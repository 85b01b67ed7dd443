"""One release in several languages: releases/<slug>.<lang>.yaml beside releases/<slug>.yaml.

Built, checked and put in kits as one release; each version's PDF marked with its language.
"""
from __future__ import annotations

from pypdf import PdfReader

from presskit.load import load_project

from conftest import pdftotext, release_data, run

SLUG = "2024-03-05-clinics-open"
EMBARGO = "2024-03-05T10:00:00+01:00"


def _versions(project, **french):
    """The original (English, under embargo) with French and Russian versions."""
    project.release(SLUG, embargo=EMBARGO, images=None)
    project.write(f"releases/{SLUG}.fr.yaml", release_data(
        title="Ouverture de cliniques mobiles au poste-frontière nord", date="2024-03-05",
        embargo="2024-03-05T09:00:00Z",   # the same instant, written in UTC
        body="L’Alliance a ouvert deux cliniques aujourd’hui.\n", **french))
    project.write(f"releases/{SLUG}.ru.yaml", release_data(
        title="Мобильные клиники открылись на северном переходе", date="2024-03-05",
        embargo=EMBARGO, body="Альянс сегодня открыл две клиники.\n"))


def _line(path, start: str) -> int:
    """The line of a file that starts with `start`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(start))


def _lang(pdf) -> str:
    return str(PdfReader(pdf).trailer["/Root"]["/Lang"])


def test_every_version_is_built_as_its_own_pdf_marked_with_its_language(project):
    _versions(project)
    result = run("build", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    folder = project.root / "dist" / "releases"
    assert sorted(p.name for p in folder.glob("*.pdf")) == [
        f"{SLUG}.fr.pdf", f"{SLUG}.pdf", f"{SLUG}.ru.pdf"]
    assert _lang(folder / f"{SLUG}.pdf") == "en"
    assert _lang(folder / f"{SLUG}.fr.pdf") == "fr"
    assert _lang(folder / f"{SLUG}.ru.pdf") == "ru"
    assert "Альянс сегодня открыл" in pdftotext(folder / f"{SLUG}.ru.pdf")
    # The French version takes the contacts it leaves out from the original's.
    assert "press@example.org" in pdftotext(folder / f"{SLUG}.fr.pdf")


def test_building_a_release_by_name_builds_its_versions_and_a_removed_one_goes(project):
    _versions(project)
    result = run("build", SLUG, project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert f"built dist/releases/{SLUG}.ru.pdf" in result.stderr
    (project.root / "releases" / f"{SLUG}.ru.yaml").unlink()
    result = run("build", project_dir=project.root)
    assert f"removed dist/releases/{SLUG}.ru.pdf" in result.stderr
    assert not (project.root / "dist" / "releases" / f"{SLUG}.ru.pdf").exists()
    assert (project.root / "dist" / "releases" / f"{SLUG}.fr.pdf").exists()


def test_a_translation_with_another_embargo_is_refused_naming_its_file_and_line(
        project, monkeypatch):
    monkeypatch.chdir(project.root)
    _versions(project)
    path = project.root / "releases" / f"{SLUG}.fr.yaml"
    path.write_text(path.read_text().replace("09:00:00Z", "09:30:00Z"))
    result = run("check", project_dir=project.root)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"releases/{SLUG}.fr.yaml:{_line(path, 'embargo')}:10: the embargo of this translation "
        f"(2024-03-05T09:30:00+00:00) is not that of releases/{SLUG}.yaml "
        f"(2024-03-05T10:00:00+01:00): give the same; an embargo lifts at the same moment "
        f"in every language"]
    assert run("build", project_dir=project.root).exit_code == 1


def test_a_translation_without_an_original_or_contradicting_its_name_is_refused(
        project, monkeypatch):
    monkeypatch.chdir(project.root)
    project.write("releases/2024-03-06-other.fr.yaml", release_data(date="2024-03-06"))
    german = project.write(f"releases/{SLUG}.de.yaml",
                           release_data(date="2024-03-05", lang="fr"))
    result = run("check", project_dir=project.root)
    assert result.exit_code == 1
    assert sorted(result.stderr.splitlines()) == [
        f"releases/{SLUG}.de.yaml:{_line(german, 'lang')}:1: lang 'fr' contradicts the "
        f"file's name, which makes it the 'de' version; rename the file or leave lang out",
        "releases/2024-03-06-other.fr.yaml:1:1: a translation of "
        "releases/2024-03-06-other.yaml, which does not exist: a file named "
        "<slug>.<lang>.yaml is the <lang> version of <slug>.yaml"]


def test_check_warns_of_a_translation_with_other_contacts(project, monkeypatch):
    monkeypatch.chdir(project.root)
    _versions(project, contacts=[{"name": "Autre", "email": "autre@example.org"}])
    french = project.root / "releases" / f"{SLUG}.fr.yaml"
    result = run("check", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert f"releases/{SLUG}.fr.yaml:{_line(french, 'contacts')}:1: warning: other media " \
           f"contacts than releases/{SLUG}.yaml's" in result.stderr
    assert "3 releases, 1 warning" in result.stderr


def test_versions_api_for_the_newsroom_and_the_version_a_reader_gets(project):
    _versions(project)
    loaded = load_project(project.root)
    versions = loaded.versions(SLUG)
    assert list(versions) == ["en", "fr", "ru"]
    assert loaded.versions(f"{SLUG}.fr") == versions
    assert versions["fr"].original == SLUG and versions["fr"].lang == "fr"
    assert [r.slug for r in loaded.originals()] == [SLUG]
    assert loaded.version_for(SLUG, "fr-CA").slug == f"{SLUG}.fr"
    assert loaded.version_for(SLUG, "RU").slug == f"{SLUG}.ru"
    assert loaded.version_for(SLUG, "de").slug == SLUG
    assert loaded.version_for(SLUG, "").slug == SLUG


def test_a_kit_in_french_takes_each_release_once_in_french_where_it_has_that_version(project):
    _versions(project)
    project.release("2024-05-01-report", title="Annual report on border health")
    result = run("kit", "--year", "2024", "--lang", "fr", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    assert "press-kit-2024.fr.pdf (2 releases)" in result.stderr
    text = pdftotext(project.root / "dist" / "kits" / "press-kit-2024.fr.pdf")
    assert "Ouverture de cliniques mobiles" in text
    assert "Annual report on border health" in text     # no French version: the original
    assert "Sommaire" in text and "Mobile clinics open" not in text
    result = run("kit", "--year", "2024", project_dir=project.root)
    assert "press-kit-2024.pdf (2 releases)" in result.stderr


def test_the_newsroom_links_the_versions_of_a_release_to_each_other(project):
    """Each version has its page, with hreflang links to every version (itself too) and a
    language switch; the front page and the feed list the release once, as its original."""
    import re

    _versions(project)
    project.write("presskit.yaml", {"site": {"url": "https://press.example.org/newsroom/"}})
    result = run("site", "--now", "2024-06-01T00:00:00Z", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    site = project.root / "dist" / "site"
    french = (site / "releases" / f"{SLUG}.fr.html").read_text(encoding="utf-8")
    base = "https://press.example.org/newsroom/releases/"
    links = set(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', french))
    assert links == {("en", f"{base}{SLUG}.html"), ("fr", f"{base}{SLUG}.fr.html"),
                     ("ru", f"{base}{SLUG}.ru.html")}
    assert f'<a href="{SLUG}.ru.html" hreflang="ru" lang="ru">Русский</a>' in french
    assert '<span aria-current="page" lang="fr">Français</span>' in french
    front = (site / "index.html").read_text(encoding="utf-8")
    assert front.count(f'href="releases/{SLUG}.html"') == 1
    assert f'href="releases/{SLUG}.fr.html" hreflang="fr"' in front
    assert "Ouverture de cliniques" not in front          # listed once, as its original
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("</entry>") == 1
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{base}{SLUG}.ru.html" in sitemap
