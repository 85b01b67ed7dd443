"""presskit site: the online newsroom in dist/site/, read back as a journalist, a feed reader,
a search engine, the Nu Html Checker and axe-core in headless Chromium would read it."""
from __future__ import annotations

import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ProjectMaker, run

BASE = "https://example.org/newsroom/"
NOW = "2024-03-06T12:00:00Z"
WEB = Path(__file__).resolve().parent / "web"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HELD = "2024-03-06-report-on-winter-clinics"
LIFTED = "2024-03-01-ferry-clinic-opens"
ARABIC = "2024-03-04-clinics-open-in-arabic"
PICTURED = "2024-03-05-clinics-open"


def picture(path: Path, size=(1800, 1200), colour=(40, 90, 140)) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG", quality=90)
    return path


@pytest.fixture
def newsroom(tmp_path, published) -> ProjectMaker:
    """The newsroom's project as a press office has it between two builds: its PDFs built and
    in its build cache, its site not. A test's site build lays out only what the test changed
    (a build from nothing is `published`'s)."""
    root = tmp_path / "project"
    shutil.copytree(published, root)
    shutil.rmtree(root / "dist" / "site")
    return ProjectMaker(root)


@pytest.fixture(scope="session")
def published(built_once) -> Path:
    """The newsroom's project with its site built as `build` does, once for the tests that
    only read it."""
    def make(folder: Path) -> None:
        result = build(newsroom_project(folder / "project").root)
        assert result.exit_code == 0, result.stderr

    return built_once("newsroom", make) / "project"


def newsroom_project(root: Path) -> ProjectMaker:
    """An invented newsroom: a release with a picture, notes and tags, an Arabic release, an
    embargo long lifted and one that lifts after NOW."""
    maker = ProjectMaker(root)
    maker.organization(people=[{"name": "Ada Example", "title": "Director",
                                "bio": "Ada leads the Alliance.", "photo": "assets/ada.jpg"}])
    picture(maker.root / "assets" / "ada.jpg", (600, 800), (120, 100, 80))
    picture(maker.root / "assets" / "clinic at dawn.jpg")
    maker.release(PICTURED, subtitle="Two clinics serve 400 people a week",
                  tags=["clinics", "health"], notes="Interviews on request.",
                  images=[{"src": "assets/clinic at dawn.jpg", "caption": "The clinic at dawn",
                           "credit": "Ada Example", "alt": "A white van by a road"}])
    maker.release(ARABIC, title="افتتاح عيادات متنقلة عند المعبر الشمالي", lang="ar",
                  dateline="بورتلاند", body="افتتح التحالف اليوم عيادتين متنقلتين.\n",
                  boilerplate="التحالف منظمة مخترعة لاختبارات presskit.")
    maker.release(LIFTED, title="Ferry clinic opens", embargo="2024-03-01T09:00:00-05:00",
                  body="A clinic on the ferry opened this morning.\n")
    maker.release(HELD, title="Secret winter report", embargo="2024-03-07T09:00:00-05:00",
                  body="Winter figures nobody may read yet.\n")
    return maker


def build(root: Path, *extra: str, now: str = NOW, base: str | None = BASE):
    args = ["site", "--now", now, *extra] + (["--base-url", base] if base else [])
    return run(*args, project_dir=root)


def site_files(root: Path) -> dict[str, bytes]:
    folder = root / "dist" / "site"
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_embargoed_release_is_in_no_file_until_a_build_after_its_lift(newsroom):
    result = build(newsroom.root)
    assert result.exit_code == 0, result.stderr
    assert (f"{newsroom.root / 'releases' / HELD}.yaml: held back, under embargo until "
            f"2024-03-07 09:00 UTC-05:00; build the site again after then\n") in result.stderr
    files = site_files(newsroom.root)
    assert f"releases/{LIFTED}.html" in files and f"releases/{PICTURED}.html" in files
    for name, data in files.items():
        for secret in (HELD.encode(), b"Secret winter report", b"Winter figures"):
            assert secret not in data, (name, secret)

    later = build(newsroom.root, now="2024-03-07T14:00:01Z")
    assert later.exit_code == 0 and "held back," not in later.stderr
    files = site_files(newsroom.root)
    assert b"Winter figures nobody may read yet." in files[f"releases/{HELD}.html"]
    assert f"releases/{HELD}.pdf" in files
    assert HELD.encode() in files["feed.xml"] and HELD.encode() in files["sitemap.xml"]
    assert HELD.encode() in files["index.html"] and HELD.encode() in files["search-index.js"]

    # Held again (its embargo moved): the files of the earlier build are removed.
    newsroom.release(HELD, title="Secret winter report", embargo="2024-03-09T09:00:00-05:00",
                     body="Winter figures nobody may read yet.\n")
    assert build(newsroom.root, now="2024-03-07T14:00:01Z").exit_code == 0
    assert not any(HELD.encode() in data or HELD in name
                   for name, data in site_files(newsroom.root).items())


def test_the_same_input_gives_the_same_bytes_and_only_changes_are_written(newsroom):
    assert build(newsroom.root).exit_code == 0
    first = site_files(newsroom.root)
    folder = newsroom.root / "dist" / "site"
    times = {name: (folder / name).stat().st_mtime_ns for name in first}
    shutil.rmtree(folder)
    assert build(newsroom.root).exit_code == 0
    assert site_files(newsroom.root) == first
    times = {name: (folder / name).stat().st_mtime_ns for name in first}

    again = build(newsroom.root)
    assert again.stderr.endswith("0 files written, 20 unchanged, 0 removed\n"), again.stderr
    assert {name: (folder / name).stat().st_mtime_ns for name in first} == times

    newsroom.release(LIFTED, title="Ferry clinic opens", embargo="2024-03-01T09:00:00-05:00",
                     body="A clinic on the ferry opened this morning, with two nurses.\n")
    changed = build(newsroom.root)
    rewritten = {name for name in first if (folder / name).stat().st_mtime_ns != times[name]}
    assert rewritten == {f"releases/{LIFTED}.html", f"releases/{LIFTED}.pdf", "feed.xml",
                         "search-index.js"}, changed.stderr


def test_the_feed_is_atom_newest_first_with_each_release_in_full(published):
    import feedparser

    feed = feedparser.parse((published / "dist/site/feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [e.link for e in feed.entries] == [
        f"{BASE}releases/{PICTURED}.html", f"{BASE}releases/{ARABIC}.html",
        f"{BASE}releases/{LIFTED}.html"]
    first = feed.entries[0]
    assert first.title == "Mobile clinics open at the northern crossing"
    assert first.published == "2024-03-05T00:00:00Z"
    assert "“Every person deserves care,” said Ada Example" in first.content[0].value
    assert "About Northwind Refugee Health Alliance" in first.content[0].value
    assert f'src="{BASE}releases/{PICTURED}/01-clinic-at-dawn-960.jpg"' in \
        first.content[0].value
    assert [t.term for t in first.tags] == ["clinics", "health"]
    assert feed.entries[2].published == "2024-03-01T09:00:00-05:00"


def test_the_sitemap_lists_every_page_and_robots_names_it(published):
    folder = published / "dist" / "site"
    tree = ET.parse(folder / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [e.text for e in tree.findall("s:url/s:loc", ns)]
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    expected = sorted(BASE if page == "index.html" else BASE + page for page in pages)
    assert sorted(locations) == expected
    assert (folder / "robots.txt").read_text() == \
        f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n"


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.metas: dict[str, str] = {}
        self.scripts: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        for candidate in (attrs.get("srcset") or "").split(","):
            if candidate.strip():
                self.links.append(candidate.split()[0])
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.metas[attrs.get("property") or attrs.get("name")] = attrs.get("content", "")
        self._in_jsonld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_jsonld:
            self.scripts.append(data)
            self._in_jsonld = False


def parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_leads_to_a_file_of_the_site(published):
    folder = published / "dist" / "site"
    checked = 0
    for page in folder.rglob("*.html"):
        for link in parsed(page).links:
            parts = urlsplit(link)
            if link.startswith("#"):
                continue
            if parts.scheme or link.startswith("//"):
                assert parts.scheme in ("https", "http", "mailto", "tel"), link
                assert not link.startswith(BASE) or "canonical", link
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.name}: {link}"
            assert target.is_relative_to(folder.resolve())
            checked += 1
    assert checked > 30


def test_a_release_page_shows_what_its_pdf_shows_and_tells_search_engines(published):
    folder = published / "dist" / "site"
    page = folder / "releases" / f"{PICTURED}.html"
    text = page.read_text(encoding="utf-8")
    for shown in ("For immediate release", "Mobile clinics open at the northern crossing",
                  "Two clinics serve 400 people a week", '<span class="dateline">Portland, ME'
                  "</span> — <span class=\"dateline-date\">March 5, 2024</span> — The "
                  "Alliance opened two clinics today.",
                  "“Every person deserves care,” said Ada Example",
                  "The clinic at dawn", "Photo: Ada Example", "Sam Press", "press@example.org",
                  "+1 555 0100", "About Northwind Refugee Health Alliance",
                  "It runs mobile clinics for people on the move.", "Notes to editors",
                  "Interviews on request.", ">Download PDF<"):
        assert shown in text, shown
    assert f'href="{PICTURED}.pdf"' in text
    assert (folder / "releases" / f"{PICTURED}.pdf").read_bytes() == \
        (published / "dist" / "releases" / f"{PICTURED}.pdf").read_bytes()
    assert f'<link rel="canonical" href="{BASE}releases/{PICTURED}.html">' in text

    links = parsed(page)
    assert links.metas["og:title"] == "Mobile clinics open at the northern crossing"
    assert links.metas["og:type"] == "article"
    assert links.metas["og:url"] == f"{BASE}releases/{PICTURED}.html"
    assert links.metas["og:description"] == "Two clinics serve 400 people a week"
    assert links.metas["og:image"] == f"{BASE}releases/{PICTURED}/01-clinic-at-dawn-960.jpg"
    assert links.metas["twitter:card"] == "summary_large_image"
    article = json.loads(links.scripts[0])
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Mobile clinics open at the northern crossing"
    assert article["datePublished"] == "2024-03-05T00:00:00Z"
    assert article["publisher"]["name"] == "Northwind Refugee Health Alliance"
    assert article["image"] == [f"{BASE}releases/{PICTURED}/01-clinic-at-dawn.jpg"]


def test_pictures_come_in_web_sizes_and_in_a_zip_with_caption_and_credit_inside(published):
    from PIL import Image

    folder = published / "dist" / "site" / "releases"
    text = (folder / f"{PICTURED}.html").read_text(encoding="utf-8")
    assert (f'srcset="{PICTURED}/01-clinic-at-dawn-480.jpg 480w, '
            f'{PICTURED}/01-clinic-at-dawn-960.jpg 960w, '
            f'{PICTURED}/01-clinic-at-dawn-1600.jpg 1600w"') in text
    assert f'href="{PICTURED}/01-clinic-at-dawn.jpg"' in text
    with Image.open(folder / PICTURED / "01-clinic-at-dawn-480.jpg") as small:
        assert small.size == (480, 320)
    original = published / "assets" / "clinic at dawn.jpg"
    assert (folder / PICTURED / "01-clinic-at-dawn.jpg").read_bytes() == original.read_bytes()

    with zipfile.ZipFile(folder / PICTURED / f"{PICTURED}-pictures.zip") as archive:
        assert archive.namelist() == ["01-clinic-at-dawn.jpg"]
        data = archive.read("01-clinic-at-dawn.jpg")
        assert archive.getinfo("01-clinic-at-dawn.jpg").date_time == (2024, 3, 5, 0, 0, 0)
    with Image.open(io.BytesIO(data)) as full, Image.open(original) as source:
        assert full.size == (1800, 1200)
        xmp = full.info["xmp"].decode("utf-8")
        assert full.tobytes() == source.tobytes()   # the very pixels, not re-encoded
    assert "<rdf:li xml:lang=\"x-default\">The clinic at dawn</rdf:li>" in xmp
    assert "<photoshop:Credit>Ada Example</photoshop:Credit>" in xmp


def test_a_png_picture_keeps_its_bytes_but_gains_xmp():
    from PIL import Image

    from presskit.site.pictures import with_metadata

    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (1, 2, 3, 128)).save(out, "PNG")
    tagged = with_metadata(out.getvalue(), ".png", "A <map>", "© Ada", "NRHA")
    with Image.open(io.BytesIO(tagged)) as image:
        assert b"A &lt;map&gt;" in image.info["xmp"].encode() \
            if isinstance(image.info["xmp"], str) else image.info["xmp"]
        assert image.tobytes() == Image.open(out).tobytes()


def test_an_arabic_release_reads_right_to_left_with_arabic_labels(published):
    text = (published / "dist/site/releases" / f"{ARABIC}.html").read_text("utf-8")
    assert '<html lang="ar" dir="rtl">' in text
    assert "تنزيل PDF" in text and "للنشر الفوري" in text and "المركز الإعلامي" in text
    index = (published / "dist/site/index.html").read_text("utf-8")
    assert '<li class="listing-item" lang="ar" dir="rtl">' in index


def test_the_front_page_lists_releases_kits_and_the_organization(newsroom):
    assert run("kit", "--year", "2024", project_dir=newsroom.root).exit_code == 0
    assert build(newsroom.root, now="2024-03-08T00:00:00Z").exit_code == 0
    folder = newsroom.root / "dist" / "site"
    index = (folder / "index.html").read_text("utf-8")
    order = [index.index(f"releases/{slug}.html")
             for slug in (HELD, PICTURED, ARABIC, LIFTED)]
    assert order == sorted(order)
    assert 'href="kits/press-kit-2024.pdf"' in index and 'href="organization.html"' in index
    assert 'role="search"' in index and "search.js" in index
    organization = (folder / "organization.html").read_text("utf-8")
    for shown in ("Fact sheet", "Founded", "2009", "First mobile clinic opens.", "Ada Example",
                  "Director", "Sam Press", "Press Kit 2024"):
        assert shown in organization, shown
    assert re.search(r'<img class="portrait" src="assets/people/01-ada-example\.jpg"', organization)
    # The kit holds every release of its year: while one is held, the kit is not published.
    assert build(newsroom.root).exit_code == 0
    assert not (folder / "kits").exists()
    assert "press-kit-2024" not in (folder / "index.html").read_text("utf-8")


def test_the_search_index_holds_each_published_release(published):
    script = (published / "dist/site/search-index.js").read_text("utf-8")
    assert script.startswith("presskitSearch(") and script.endswith(");\n")
    rows = json.loads(script[len("presskitSearch("):-3])
    assert [row["u"] for row in rows] == [f"releases/{s}.html" for s in (PICTURED, ARABIC,
                                                                         LIFTED)]
    assert "every person deserves care" in rows[0]["x"]


def test_the_base_url_comes_from_presskit_yaml_and_is_checked(newsroom):
    newsroom.write("presskit.yaml", "site:\n  url: https://press.example.org\n")
    assert build(newsroom.root, base=None).exit_code == 0
    text = (newsroom.root / "dist/site/releases" / f"{LIFTED}.html").read_text("utf-8")
    assert f'href="https://press.example.org/releases/{LIFTED}.html"' in text

    newsroom.write("presskit.yaml", "site:\n  url: press.example.org\n")
    result = build(newsroom.root, base=None)
    assert result.exit_code == 1
    assert result.stderr == (f"{newsroom.root / 'presskit.yaml'}:2:8: 'url' must be the site's "
                             f"address, such as https://press.example.org/ or "
                             f"https://example.org/newsroom/, not 'press.example.org'\n")


def test_wrong_usage_of_site_exits_2(newsroom):
    result = build(newsroom.root, now="2024-03-06T12:00")
    assert result.exit_code == 2
    assert "'2024-03-06T12:00' needs its offset" in result.stderr
    result = build(newsroom.root, base="ftp://example.org/")
    assert result.exit_code == 1
    assert result.stderr.endswith("--base-url: the site's address must be an http:// or "
                                  "https:// URL such as https://press.example.org/, not "
                                  "'ftp://example.org/'\n")


def test_without_a_base_url_the_site_is_written_without_absolute_addresses(newsroom):
    result = build(newsroom.root, base=None)
    assert result.exit_code == 0
    assert "warning: no site.url" in result.stderr
    files = site_files(newsroom.root)
    assert "sitemap.xml" not in files and "canonical" not in files["index.html"].decode()


def test_a_project_template_replaces_the_built_in_one(newsroom):
    newsroom.write("templates/site/release.html",
                   '{% extends "site/base.html" %}{% block content %}<p>Own: '
                   '{{ release.title }}</p>{% endblock %}')
    assert build(newsroom.root).exit_code == 0
    text = (newsroom.root / "dist/site/releases" / f"{LIFTED}.html").read_text("utf-8")
    assert "<p>Own: Ferry clinic opens</p>" in text


# -- real checkers ------------------------------------------------------------------------

def _vnu() -> Path:
    jar = WEB / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not shutil.which("java"):
        pytest.skip("no java on this machine (make setup installs default-jre-headless)")
    if not jar.is_file():
        pytest.skip("the Nu Html Checker is not installed: run make setup (npm install in "
                    "tests/web)")
    return jar


def _pages(root: Path) -> list[Path]:
    folder = root / "dist" / "site"
    return [folder / "index.html", folder / "releases" / f"{PICTURED}.html",
            folder / "releases" / f"{ARABIC}.html", folder / "organization.html"]


def test_the_pages_are_valid_html(published):
    jar = _vnu()
    # The JVM's quick compiler only, and one garbage collector thread: for a run of seconds
    # that is half the CPU time (the checker's schema needs the larger stack then).
    out = subprocess.run(["java", "-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                          "-jar", str(jar), "--format", "json",
                          *map(str, _pages(published))],
                         capture_output=True, text=True, timeout=120)
    messages = json.loads(out.stderr or out.stdout)["messages"]
    errors = [m for m in messages if m["type"] == "error"]
    assert errors == []


def test_the_pages_pass_axe_and_fit_a_phone(published):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip("no Chromium at /usr/bin/chromium (make setup installs Debian's chromium)")
    if not shutil.which("node") or not (WEB / "node_modules" / "puppeteer-core").is_dir():
        pytest.skip("node or puppeteer-core missing: run make setup (npm install in tests/web)")
    out = subprocess.run(["node", str(WEB / "axe.js"), CHROMIUM,
                          *map(str, _pages(published))],
                         capture_output=True, text=True, timeout=110, check=True,
                         env={**os.environ, "SEARCH": "FERRY morning"})
    pages = json.loads(out.stdout)
    for page in pages:
        assert page["violations"] == [], page
        assert page["scrollWidth"] <= 375, page
    # The search box, in the browser, from the folder (file://): no server.
    assert pages[0]["searched"] == [[f"releases/{LIFTED}.html",
                                     "March 1, 2024 · Portland, MEFerry clinic opens"]]


def test_an_edit_to_the_organization_reaches_every_page_kept_from_before(newsroom):
    assert build(newsroom.root).exit_code == 0
    newsroom.organization(boilerplate="The Alliance, renamed in its About text.")
    assert build(newsroom.root).exit_code == 0
    for slug in (PICTURED, LIFTED):
        page = (newsroom.root / "dist/site/releases" / f"{slug}.html").read_text("utf-8")
        assert "The Alliance, renamed in its About text." in page


def test_the_accent_colour_marks_the_masthead_and_links_only_where_it_reads(newsroom):
    from presskit.site.build import readable_ink

    newsroom.write("presskit.yaml", 'accent: "#1d5c8c"\n')
    assert build(newsroom.root).exit_code == 0
    text = (newsroom.root / "dist/site/index.html").read_text("utf-8")
    assert "--accent: #1d5c8c; --ink-accent: #1d5c8c;" in text
    newsroom.write("presskit.yaml", 'accent: "#f5c400"\n')   # a pale brand yellow
    assert build(newsroom.root).exit_code == 0
    text = (newsroom.root / "dist/site/index.html").read_text("utf-8")
    assert "--accent: #f5c400; --ink-accent: #1b1b1b;" in text
    assert readable_ink("#fff") == "#1b1b1b" and readable_ink("#8a1c1c") == "#8a1c1c"


def test_a_body_s_subheads_rank_right_under_the_headline(newsroom):
    newsroom.release(LIFTED, title="Ferry clinic opens", embargo="2024-03-01T09:00:00-05:00",
                     body="A clinic opened.\n\n## What happens next\n\nMore ferries.\n\n"
                          "### In winter\n\nFewer.\n")
    assert build(newsroom.root).exit_code == 0
    page = (newsroom.root / "dist/site/releases" / f"{LIFTED}.html").read_text("utf-8")
    assert "<h2>What happens next</h2>" in page and "<h3>In winter</h3>" in page


def test_the_feed_escapes_what_a_headline_may_hold():
    import feedparser

    from presskit.site.feed import Entry, atom_feed, entry_xml

    item = Entry(slug="2024-03-05-r-d", title='R&D <beta> "quoted"', subtitle="a < b",
                 published="2024-03-05T00:00:00Z", lang="en", tags=["x&y"],
                 content_html="<p>Body &amp; more</p>")
    data = atom_feed([entry_xml(item, base=BASE, organization="A & B")],
                     "2024-03-05T00:00:00Z", base=BASE, title="A & B", organization="A & B",
                     lang="en", website="")
    ET.fromstring(data)
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert parsed.entries[0].title == 'R&D <beta> "quoted"'
    assert parsed.entries[0].content[0].value == "<p>Body &amp; more</p>"
    assert parsed.entries[0].tags[0].term == "x&y"
    assert parsed.feed.title == "A & B"


def test_a_boilerplate_with_its_own_heading_is_headed_once_on_the_page_and_in_the_feed(
        newsroom):
    """As in the PDF: "ABOUT THE TOR PROJECT" stands instead of presskit's "About …"."""
    import feedparser

    newsroom.organization(boilerplate="ABOUT THE NORTHWIND ALLIANCE\n\nThe Alliance runs "
                                      "mobile clinics for people on the move.")
    assert build(newsroom.root).exit_code == 0
    page = (newsroom.root / "dist/site/releases" / f"{LIFTED}.html").read_text("utf-8")
    feed = feedparser.parse((newsroom.root / "dist/site/feed.xml").read_bytes())
    entry = next(e for e in feed.entries if LIFTED in e.link).content[0].value
    for text in (page, entry):
        assert text.count("ABOUT THE NORTHWIND ALLIANCE") == 1, text
        assert "About Northwind Refugee Health Alliance" not in text
        assert "The Alliance runs mobile clinics" in text
