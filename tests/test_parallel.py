"""Warm worker processes: the same bytes as one process, warnings kept per release, and the
progress display (a bar on a terminal, plain lines otherwise, nothing with -q)."""
import io
import re

import pytest
import yaml

from presskit import theme
from presskit.progress import Progress, progress

from conftest import run

SLUGS = ["2024-03-05-clinics-open", "2024-04-10-second-clinic", "2024-05-20-winter-appeal",
         "2024-06-02-summer-report"]


def make(maker):
    long_body = "\n\n".join(f"Paragraph {i}: the clinics saw more patients this week than in "
                            f"any week since they opened, staff said." for i in range(30))
    maker.release(SLUGS[1], title="A second clinic opens at the ferry port", body=long_body)
    maker.release(SLUGS[2], title="Winter appeal", tags=["appeal", "winter"])
    maker.release(SLUGS[3], title="Summer report", embargo="2024-06-03T09:00:00+01:00")
    return maker


def test_parallel_output_is_byte_identical_to_one_process(project, tmp_path):
    import shutil

    make(project)
    other = tmp_path / "other"
    shutil.copytree(project.root, other)
    one = run("build", "--jobs", "1", project_dir=project.root)
    many = run("build", "--jobs", "3", project_dir=other)
    assert one.exit_code == 0 and many.exit_code == 0, one.stderr + many.stderr
    for slug in SLUGS:
        a = (project.root / "dist" / "releases" / f"{slug}.pdf").read_bytes()
        b = (other / "dist" / "releases" / f"{slug}.pdf").read_bytes()
        assert a.startswith(b"%PDF-") and a == b, slug
    assert sorted(line for line in many.stderr.splitlines() if line.startswith("built")) == \
        sorted(f"built dist/releases/{s}.pdf" for s in SLUGS)


def test_a_warning_about_the_projects_stylesheet_names_its_line_once(project, monkeypatch):
    make(project)
    project.write("styles/release.css", "h1 { color: #123456; }\n\n"
                  "h1 {  colour-of-the-day: red; }\n")
    project.write("styles/kit.css", "\n.kit-cover { colur: blue }\n")
    monkeypatch.chdir(project.root)
    result = run("build", "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warned == ["styles/release.css:3:7: warning: Ignored `colour-of-the-day: red`, "
                      "unknown property."], result.stderr
    kit = run("kit", "--year", "2024")
    assert kit.exit_code == 0, kit.stderr
    assert sorted(line for line in kit.stderr.splitlines() if "warning" in line) == [
        "styles/kit.css:2:14: warning: Ignored `colur: blue `, unknown property.",
        "styles/release.css:3:7: warning: Ignored `colour-of-the-day: red`, unknown property."]


def test_an_inlined_image_in_a_warning_is_cut_to_its_head():
    import logging

    from presskit.pdf import _Collector

    collector = _Collector()
    uri = "data:image/jpeg;base64," + "QUJD" * 50000
    collector.emit(logging.makeLogRecord({"msg": 'Image "%s" is odd', "args": (uri,)}))
    assert collector.summary() == ['Image "data:image/jpeg;base64,QUJDQUJDQUJDQUJD…" is odd']


def test_weasyprint_warnings_come_back_from_the_workers_prefixed_with_the_slug(project):
    make(project)
    # A base.html of the project's own that inlines the stylesheet as `stylesheet`, as the
    # built-in one did before it named the file: WeasyPrint warns for every document.
    builtin = (theme.builtin_root() / "templates" / "base.html").read_text(encoding="utf-8")
    project.write("templates/base.html", re.sub(
        r"</style>\s*{% for sheet in stylesheets %}.*?{% endfor %}",
        "{{ stylesheet }}\n</style>", builtin, flags=re.S))
    project.write("styles/release.css", "h1 { colour-of-the-day: red; }\n")
    result = run("build", "--jobs", "2", project_dir=project.root)
    assert result.exit_code == 0, result.stderr
    for slug in SLUGS:
        assert any(line.startswith(f"{slug}: warning: ") and "colour-of-the-day" in line
                   for line in result.stderr.splitlines()), result.stderr


def _release_htmls(root):
    from presskit import render
    from presskit.load import load_project

    project = load_project(root)
    return project, {slug: render.release_html(project, release)
                     for slug, release in project.releases.items()}


def test_reusing_stylesheets_and_images_gives_the_same_bytes_as_weasyprint_alone(
        project, sample, tmp_path):
    """A warm process parses the theme stylesheet once (pdf.StyleSheets) and decodes a logo
    once (pdf.ImageCache); every document must come out as WeasyPrint makes it from the whole
    HTML, alone: embargo, long text, Arabic, the sample, and `presskit init`'s project (an SVG
    logo and illustration)."""
    from presskit import theme
    from presskit.pdf import IMAGES, StyleSheets, render_pdf

    scaffold = tmp_path / "scaffold"
    assert run("init", str(scaffold)).exit_code == 0
    make(project)
    project.release("2024-07-01-arabic", title="افتتاح عيادات متنقلة عند المعبر الشمالي",
                    lang="ar", dateline="عمّان",
                    body="افتتحت المنظمة اليوم عيادتين متنقلتين.\n\n- الأولى\n- الثانية\n")
    project.write("assets/logo.png", _png())
    project.write("organization.yaml", {**yaml.safe_load(
        (project.root / "organization.yaml").read_text(encoding="utf-8")),
        "logo": "assets/logo.png"})
    for root in (project.root, sample, scaffold):
        loaded, htmls = _release_htmls(root)
        roots = theme.readable_roots(loaded.root)
        for number, (slug, html) in enumerate(htmls.items()):
            assert StyleSheets.split(html) is not None, slug      # the reuse really happens
            whole = render_pdf(html, loaded.root, roots, reuse=False)
            assert render_pdf(html, loaded.root, roots) == whole, slug
            if number == 0:     # the next ones use what the first left in the caches
                assert render_pdf(html, loaded.root, roots) == whole, slug
    assert any(key.startswith("data:image/png") for key in IMAGES)


def _png() -> bytes:
    """A 120x40 two-colour PNG, so that the logo is a raster image WeasyPrint must decode."""
    import io

    from PIL import Image

    image = Image.new("RGB", (120, 40), (20, 70, 120))
    image.paste((200, 120, 20), (60, 0, 120, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("html", [
    '<html><head><style media="screen">p{}</style></head><body><p>x</p></body></html>',
    '<html><head><link rel="stylesheet" href="a.css"><style>p{}</style></head></html>',
    '<html><head><style>p{}</style></head><body><p style="color: red">x</p></body></html>',
    '<html><head><style>p{}</style></head><body><p\n  STYLE = "color: red">x</p></body></html>',
    '<html><head><style>@font-face { font-family: X; src: url(x.woff) }</style></head></html>',
    '<html><head><style>@import "more.css";</style></head></html>',
    '<html><body><p>no stylesheet at all</p></body></html>',
])
def test_a_document_whose_styles_may_not_move_is_rendered_whole(html):
    from presskit.pdf import StyleSheets

    assert StyleSheets.split(html) is None


def test_a_data_error_stops_the_workers_at_once_and_leaves_none_behind(project):
    import multiprocessing
    import time

    make(project)
    project.write(f"releases/{SLUGS[2]}.yaml", "title: No date, no body\n")
    result = run("build", "--jobs", "2", project_dir=project.root)
    assert result.exit_code == 1
    assert f"releases/{SLUGS[2]}.yaml:1:1:" in result.stderr
    assert not (project.root / "dist" / "releases").exists()
    # The error is told at once; a worker the fork server was still starting is stopped as it
    # comes (PoolRunner.close), so none is left once the server has handed them over.
    deadline = time.monotonic() + 60
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []


def test_quiet_build_prints_nothing(project):
    make(project)
    result = run("-q", "build", "--jobs", "2", project_dir=project.root)
    assert result.exit_code == 0
    assert result.stderr == "" and result.stdout == ""


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_is_one_redrawn_line_with_counts_and_the_current_item():
    screen = Terminal()
    with progress(3, "building", stream=screen) as bar:
        bar.advance("2024-03-05-clinics-open")
        bar.note("2024-03-05-clinics-open: warning: something")
        bar.advance("2024-04-10-second-clinic")
    text = screen.getvalue()
    assert "\r" in text and "1/3" in text and "2/3" in text
    assert "building [" in text and "2024-04-10-second-clinic" in text
    assert "2024-03-05-clinics-open: warning: something\n" in text
    assert text.endswith("\r\x1b[2K")          # the bar is gone at the end


def test_progress_elsewhere_is_plain_lines_and_quiet_is_silent():
    log = io.StringIO()
    with progress(2, "sending", stream=log) as bar:
        bar.advance("a@example.org", "sent a@example.org")
        bar.advance("b@example.org")
    assert log.getvalue() == "sent a@example.org\n"
    silent = io.StringIO()
    bar = Progress(2, stream=Terminal(), quiet=True)
    bar.stream = silent
    bar.advance("x", "line")
    bar.note("note")
    bar.close()
    assert silent.getvalue() == ""


@pytest.mark.parametrize("jobs", ["0", "-1", "many"])
def test_jobs_must_be_a_positive_number(project, jobs):
    result = run("build", "--jobs", jobs, project_dir=project.root)
    assert result.exit_code == 2


def _in_a_new_python(code: str, project_root) :
    import subprocess
    import sys

    from conftest import buffered_env

    preamble = ("import json, os, sys\n"
                "from presskit.build import build_project\n"
                f"root = {str(project_root)!r}\n")
    return subprocess.run([sys.executable, "-c", preamble + code], capture_output=True,
                          text=True, timeout=120, env=buffered_env())




def test_what_the_build_had_buffered_on_stdout_is_written_once(project):
    """The fork server is a copy of the build: what sat in its stdout buffer must not be
    written again by the server and every worker."""
    make(project)
    done = _in_a_new_python("sys.stdout.write('[said before the build]')\n"
                            "build_project(root, jobs=2)\n"
                            "print('[after]')\n", project.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("[said before the build]") == 1, done.stdout
    assert done.stdout.endswith("[after]\n")


