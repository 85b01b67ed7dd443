"""Pages a press officer would not retouch, read back from the PDFs: no word printed over
another, the About text whole on the last page with the body's last lines, photos where they
leave no hole with their captions under them, tables kept whole with their title and source.

Most tests read one stress release (tests/stress.py), built once on Letter and once on A4.
"""
from __future__ import annotations

import re
import subprocess

import overprint
import pytest
import stress
from PIL import Image

from presskit import markdown, render
from presskit.load import load_project
from presskit.theme import readable_roots

from conftest import SAMPLE_SLUG, pdf_pages, run

PT = 72 / 2.54            # points a centimetre
MARGINS = (2.2 * PT, 3.7 * PT, 2.4 * PT)   # top, sides, bottom (release.css @page)
PAGE = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}


@pytest.fixture(scope="session", params=["letter", "a4"])
def stressed(request, built_once):
    """The stress release's PDF and the kit holding it, on one paper."""
    def make(folder):
        maker = stress.stress_project(folder / "project", request.param)
        for args in (["build", "--html"], ["kit", "--year", "2024"]):
            result = run(*args, project_dir=maker.root)
            assert result.exit_code == 0, result.stderr

    dist = built_once(f"stress-{request.param}", make) / "project" / "dist"
    return (request.param, dist / "releases" / f"{stress.SLUG}.pdf",
            dist / "kits" / "press-kit-2024.pdf")


def test_no_word_is_printed_over_another(stressed, sample_built):
    _, release, kit = stressed
    sample = sample_built / "dist"
    for pdf in (release, kit, sample / "releases" / f"{SAMPLE_SLUG}.pdf",
                sample / "kits" / "press-kit-2012.pdf"):
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


def last_page_holds_the_closing_with_the_bodys_end(pdf, about: str, body_end: str) -> None:
    pages = pdf_pages(pdf)
    last = " ".join(pages[-1].split())
    assert about in last and "###" in last
    before_about = last.split(about)[0]
    assert " ".join(body_end.split()) in before_about, before_about
    assert about not in " ".join(" ".join(pages[:-1]).split())


def test_the_about_text_is_whole_on_the_last_page_with_the_bodys_last_lines(stressed,
                                                                             sample_built):
    _, release, kit = stressed
    last_page_holds_the_closing_with_the_bodys_end(
        release, "About Northwind Refugee Health Alliance",
        "when the weather turns, which is when people need it most.\u201d")
    # The sample's About text was alone on its second page.
    sample = sample_built / "dist" / "releases" / f"{SAMPLE_SLUG}.pdf"
    last_page_holds_the_closing_with_the_bodys_end(
        sample, "About Physicians for Human Rights",
        "to protect the human rights of its citizens,” Hogrefe said.")
    assert len(pdf_pages(sample)) == 2


def test_a_release_is_set_tighter_rather_than_spill_a_page_for_its_closing_matter(project):
    """A release that just overflows a page with its closing matter is laid out a little
    tighter instead (the lengths tried find one, whatever the fonts)."""
    lines = ("The Alliance's clinics saw more patients at the crossing this week, most of them "
             "families with small children. ")
    from weasyprint import HTML

    from presskit.pdf import render_pdf
    from presskit.placement import Placing

    for paragraphs in range(8, 16):
        project.release(body="\n\n".join([lines * 3] * paragraphs))
        loaded = load_project(project.root)
        release = next(iter(loaded.releases.values()))
        placing = Placing()
        render_pdf(render.release_html(loaded, release), loaded.root,
                   readable_roots(loaded.root), placing=placing)
        html = placing.html
        if 'class="release tight"' in html:
            assert placing.decided[f"release-{release.slug}"].tight
            break
    else:
        pytest.fail("no length of release was set tighter: change the lengths tried")

    def pages(text: str) -> int:     # laid out as written, nothing placed
        return len(HTML(string=text, base_url=str(loaded.root) + "/").render().pages)

    loose = pages(html.replace('class="release tight"', 'class="release"'))
    assert pages(html) == loose - 1
    pdf = project.root / "dist" / "releases" / "2024-03-05-clinics-open.pdf"
    assert run("build", project_dir=project.root).exit_code == 0
    assert len(pdf_pages(pdf)) == loose - 1 and "###" in pdf_pages(pdf)[-1]


def photo_box(pdf, page: int, colour) -> tuple[float, float, float, float] | None:
    """Where a photo of one colour lies on a page, in points (x0, y0, x1, y1), or None."""
    out = subprocess.run(["pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), "-png",
                          str(pdf)], capture_output=True, check=True).stdout
    import io

    from PIL import ImageChops

    image = Image.open(io.BytesIO(out)).convert("RGB")
    near = [channel.point(lambda v: 255 if v < 16 else 0) for channel in
            ImageChops.difference(image, Image.new("RGB", image.size, colour)).split()]
    box = ImageChops.multiply(ImageChops.multiply(near[0], near[1]), near[2]).getbbox()
    return tuple(float(v) for v in box) if box else None


def test_photos_leave_no_hole_and_the_lead_photo_is_on_the_first_page(stressed):
    paper, release, _ = stressed
    width, height = PAGE[paper]
    bottom = height - MARGINS[2]
    text_height = bottom - MARGINS[0]
    pages = overprint.words(release)
    for number, words in enumerate(pages[:-1], 1):
        lowest = max(w.y1 for w in words if w.y1 < bottom + 4)        # not the page's foot
        for colour in stress.PHOTO_COLOURS.values():
            box = photo_box(release, number, colour)
            if box:
                lowest = max(lowest, box[3])
        assert bottom - lowest < 0.15 * text_height, (paper, number, bottom - lowest)
    assert photo_box(release, 1, stress.PHOTO_COLOURS["landscape"]), paper


def test_captions_begin_and_end_under_their_photos(stressed):
    paper, release, _ = stressed
    pages = overprint.words(release)
    captions = {"landscape": "The clinic at the northern gate", "portrait": "A nurse of the"}
    for kind, colour in stress.PHOTO_COLOURS.items():
        number, box = next((n, b) for n in range(1, len(pages) + 1)
                           if (b := photo_box(release, n, colour)))
        words = pages[number - 1]
        first = captions[kind].split()[0]
        caption = [w for w in words if w.y0 > box[3] and w.y0 < box[3] + 60]
        start = next(w for w in caption if w.text == first)
        assert abs(start.x0 - box[0]) < 1.5, (paper, kind, start, box)
        assert max(w.x1 for w in caption if w.y0 < start.y1 + 40) <= box[2] + 1.5, (paper, kind)


def test_a_short_table_is_whole_across_the_page_with_its_title_and_source(stressed):
    paper, release, _ = stressed
    pages = pdf_pages(release)
    holding = [" ".join(p.split()) for p in pages if "Northern gate 14,820" in " ".join(p.split())]
    assert len(holding) == 1
    page = holding[0]
    assert re.search(r"Consultations by crossing, June 2023 to May 2024 Crossing Consultations "
                     r"Referrals Share seen at night Northern gate 14,820 .* Rail yard 3,781 301 "
                     r"9% Source: Northwind Refugee Health Alliance clinic records", page)
    assert "Table:" not in page
    words = [w for p in overprint.words(release) for w in p if w.text in ("38%", "Crossing")]
    width = PAGE[paper][0]
    assert abs(max(w.x1 for w in words) - (width - MARGINS[1])) < 1, paper   # the full width
    assert abs(min(w.x0 for w in words) - MARGINS[1]) < 1, paper


def test_a_long_table_repeats_its_header_and_leaves_three_rows_a_page(project):
    # Leads of these lengths start the table at the foot of the first page (without the rule,
    # two rows were left there, and one alone on the last page).
    rows = "\n".join(f"| District {n} | {n * 37} |" for n in range(1, 31))
    for lead in range(19, 23):
        project.release(body="\n\n".join(["The figures by district follow."] * lead) +
                        f"\n\n| District | Patients |\n|---|---:|\n{rows}\n")
        assert run("build", project_dir=project.root).exit_code == 0
        pages = pdf_pages(project.root / "dist" / "releases" / "2024-03-05-clinics-open.pdf")
        counts = [len(re.findall(r"^District \d+$", page, re.M)) for page in pages]
        assert sum(counts) == 30 and all(count == 0 or count >= 3 for count in counts), \
            (lead, counts)
        for page, count in zip(pages, counts):
            # The header on every page with rows, and never alone at a page's foot.
            header = re.search(r"District Patients District \d+", " ".join(page.split()))
            assert bool(header) == (count > 0) and ("Patients" in page) == (count > 0), \
                (lead, counts)


def test_table_and_source_lines_become_a_caption_and_a_source_kept_with_the_table():
    html = markdown.to_html("Table: Deaths by *region*, 2012\n\n| Region | Deaths |\n|---|--:|\n"
                            "| North | 12 |\n\nSource: Ministry of Health.\n\nAfter.")
    assert html.startswith('<div class="table-block short">\n<table>\n<caption>Deaths by '
                           '<em>region</em>, 2012</caption>')
    assert '</table>\n<p class="table-source">Source: Ministry of Health.</p>\n</div>\n' \
        '<p>After.</p>' in html
    # Not next to a table, they are paragraphs like any other; other languages' words too.
    assert markdown.to_html("Table: none here") == "<p>Table: none here</p>\n"
    assert "<caption>Todesfälle</caption>" in markdown.to_html(
        "Tabelle: Todesfälle\n\n| a |\n|---|\n| 1 |", lang="de")
    many = "\n".join(f"| {n} |" for n in range(16))
    assert '<div class="table-block">' in markdown.to_html(f"| a |\n|---|\n{many}")
