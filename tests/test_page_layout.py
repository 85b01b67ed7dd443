"""Pages a press officer would not retouch, read back from the PDFs: no word printed over
another, the About text whole on the last page with the body's last lines, photos where they
leave no hole with their captions under them, tables kept whole with their title and source.

Most tests read one stress release (tests/stress.py), built once on Letter and once on A4.
"""
from __future__ import annotations

import re
import subprocess

import pytest
from PIL import Image

import overprint
import stress
from conftest import SAMPLE_SLUG, pdf_pages, pdftotext, run
from presskit import render

PT = 72 / 2.54            # points a centimetre
MARGINS = (2.2 * PT, 3.7 * PT, 2.4 * PT)   # top, sides, bottom (release.css @page)
PAGE = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}


@pytest.fixture(scope="module", params=["letter", "a4"])
def stressed(request, tmp_path_factory):
    """The stress release's PDF and the kit holding it, on one paper."""
    maker = stress.stress_project(tmp_path_factory.mktemp("stress") / "project", request.param)
    for args in (["build", "--html"], ["kit", "--year", "2024"]):
        result = run(*args, project_dir=maker.root)
        assert result.exit_code == 0, result.stderr
    dist = maker.root / "dist"
    return (request.param, dist / "releases" / f"{stress.SLUG}.pdf",
            dist / "kits" / "press-kit-2024.pdf")


@pytest.fixture(scope="module")
def sample_built(tmp_path_factory):
    """The repository's sample (PHR), its release and kit built once."""
    from conftest import REPO
    import shutil

    root = tmp_path_factory.mktemp("sample") / "sample"
    root.mkdir()
    for name in ("organization.yaml", "presskit.yaml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "releases", root / "releases")
    for args in (["build"], ["kit", "--year", "2012"]):
        result = run(*args, project_dir=root)
        assert result.exit_code == 0, result.stderr
    return root / "dist" / "releases" / f"{SAMPLE_SLUG}.pdf", root / "dist" / "kits" / \
        "press-kit-2012.pdf"


def test_no_word_is_printed_over_another(stressed, sample_built):
    _, release, kit = stressed
    for pdf in (release, kit, *sample_built):
        assert not overprint.overprinted(pdf), overprint.describe(overprint.overprinted(pdf))


def test_the_checker_finds_a_phone_number_run_into_the_next_column(tmp_path):
    """What the kit's Media contacts page printed before (text over text), as the checker
    sees it: a line held unbroken runs out of its box into its neighbour's."""
    from weasyprint import HTML

    pdf = tmp_path / "over.pdf"
    HTML(string='<div style="width: 30mm; white-space: nowrap; float: left">+1 (416) 625 3843 '
                '(mobile); +1 (416) 531-9513</div><div style="float: left; width: 40mm">'
                'Community Liaison</div>').write_pdf(pdf)
    pairs = overprint.overprinted(pdf)
    assert pairs and {pairs[0][0].text, pairs[0][1].text} & {"Community", "Liaison"}


def test_each_phone_number_stays_whole_and_a_field_of_two_breaks_between_them():
    assert str(render.phone_breaks("+1 (416) 625 3843 (mobile); +1 (416) 531-9513 (landline)")) \
        == ('<span class="unbroken">+1 (416) 625 3843</span> (mobile); '
            '<span class="unbroken">+1 (416) 531-9513</span> (landline)')
    assert str(render.phone_breaks("0800 123 456 / 0800 654 321")) == \
        '<span class="unbroken">0800 123 456</span> / <span class="unbroken">0800 654 321</span>'
    assert str(render.phone_breaks("<b>+1 555 0100</b>")) == \
        '&lt;b&gt;<span class="unbroken">+1 555 0100</span>&lt;/b&gt;'


def test_the_long_phone_line_wraps_inside_its_contact_card(stressed):
    _, _, kit = stressed
    page = overprint.words(kit)[-1]            # Media contacts, two cards a row
    assert any(w.text == "Media" for w in page)
    neighbour = next(w for w in page if w.text == "Dr.")      # the card beside Sam Press's
    numbers = [w for w in page if w.text in ("(mobile);", "(landline)")]
    assert len(numbers) == 2 and all(w.x1 < neighbour.x0 for w in numbers)
    assert numbers[0].y0 != numbers[1].y0     # the two numbers on lines of their own
