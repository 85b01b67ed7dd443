"""A release PDF read back: every element the contract lists, metadata, fonts, same bytes."""
from __future__ import annotations

import io
import re
import subprocess
import sys

import overprint
from PIL import Image
from pypdf import PdfReader

from presskit.render import running_heads

from conftest import REPO, SAMPLE_SLUG, pdf_pages, pdffonts, pdfinfo, pdftotext, run

LONG_BODY = "\n\n".join(
    f"Paragraph {i} of a long release, which goes on about mobile clinics, the roads to them "
    f"and the people who run them, long enough to need several pages in print." for i in range(60))


def words(text: str) -> list[str]:
    """Words in order, hyphenation undone, so PDF text compares with the YAML."""
    text = re.sub(r"\u2010\s*\n\s*", "", text)  # pdftotext marks hyphenation breaks with U+2010
    return re.findall(r"[\w’'$]+", text)


def build(project_root, *args):
    result = run("build", *args, project_dir=project_root)
    assert result.exit_code == 0, result.stderr
    return project_root / "dist" / "releases"


def test_sample_release_shows_every_element_in_reading_order(sample_built):
    import yaml

    pdf = sample_built / "dist" / "releases" / f"{SAMPLE_SLUG}.pdf"
    data = yaml.safe_load((sample_built / "releases" / f"{SAMPLE_SLUG}.yaml").read_text())
    text = pdftotext(pdf)
    flat = " ".join(text.split())
    assert "FOR IMMEDIATE RELEASE" in flat
    assert "Physicians for Human Rights" in flat
    assert " ".join(data["title"].split()) in flat
    assert "Cambridge, MA — December 28, 2012 — Today’s acquittal" in flat
    assert "About Physicians for Human Rights" in flat   # a name as it is spelt
    # The body's words in order, the furniture of the page between its pages taken out (its
    # last lines go with the About text onto the last page).
    furniture = {"- more -", "Physicians for Human Rights",
                 *running_heads("letter", "PHR", data["title"])}
    body = "\n".join(line for line in text.splitlines() if line.strip() not in furniture
                     and not re.fullmatch(r"Page \d+ of \d+", line.strip()))
    assert words(data["body"]) == words(body)[words(body).index("Today’s"):][:len(
        words(data["body"]))]
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    assert "- more -" in pages[0] and "- more -" not in pages[-1]
    assert "###" in pages[-1]
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page


def test_metadata_outline_and_language(sample_built):
    pdf = sample_built / "dist" / "releases" / f"{SAMPLE_SLUG}.pdf"
    info = pdfinfo(pdf)
    assert info["Title"] == ("Acquittal of Russian Doctor in Magnitsky Case Sparks "
                             "Disappointment, Not Surprise")
    assert info["Author"] == "Physicians for Human Rights"
    assert info["Keywords"] == "Russia, Magnitsky, impunity"
    assert info["Tagged"] == "yes"
    reader = PdfReader(pdf)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert [item.title for item in reader.outline] == [info["Title"]]


def test_fonts_are_embedded_and_subset(sample_built):
    fonts = pdffonts(sample_built / "dist" / "releases" / f"{SAMPLE_SLUG}.pdf")
    assert fonts
    assert all(font["emb"] == "yes" and font["sub"] == "yes" for font in fonts)


def test_same_input_gives_the_same_bytes(sample):
    pdf = build(sample, "--force") / f"{SAMPLE_SLUG}.pdf"
    first = pdf.read_bytes()
    pdf.unlink()
    assert (build(sample, "--force") / f"{SAMPLE_SLUG}.pdf").read_bytes() == first


def test_long_release_says_more_on_every_page_but_the_last(project):
    project.release(body=LONG_BODY, subtitle="A subheadline under the headline",
                    notes="Photos are available on request.", tags=["clinics", "health"])
    pdf = build(project.root) / "2024-03-05-clinics-open.pdf"
    pages = pdf_pages(pdf)
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page
        assert ("- more -" in page) == (number < len(pages))
    text = " ".join(pdftotext(pdf).split())
    assert "A subheadline under the headline" in text
    assert "NOTES TO EDITORS Photos are available on request." in text
    assert text.index("###") < text.index("NOTES TO EDITORS")
    assert "MEDIA CONTACT Sam Press, Press officer · +1 555 0100 · press@example.org" in text


def test_a_long_web_address_wraps_inside_the_page(project):
    address = "https://example.org/reports/2024/" + "annex-" * 40 + "final"
    project.release(body=f"Read [the report](https://example.org/{'a' * 300}) at {address}. "
                         f"Then {'x' * 150} ends.\n", notes=f"See {address}.")
    pdf = build(project.root) / "2024-03-05-clinics-open.pdf"
    width = float(pdfinfo(pdf)["Page size"].split()[0])
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    right_edges = [float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" '
                                                 r'xMax="([\d.]+)"', boxes)]
    assert right_edges and max(right_edges) < width - 50   # inside the right margin
    assert "annex-annex" in " ".join(pdftotext(pdf).split())


def test_bare_web_and_email_addresses_are_links_and_never_hyphenated(project):
    project.release(body="Details at https://nrha.example.org/reports/characteristically-"
                         "incomprehensible-annexes and www.example.org; write to "
                         "press.office@example.org. The file report.md and Node.js are not "
                         "addresses, nor the sponsor Harbor.com; nrha.example.org is.\n")
    pdf = build(project.root) / "2024-03-05-clinics-open.pdf"
    uris = [a["/A"]["/URI"] for page in PdfReader(str(pdf)).pages
            for a in (x.get_object() for x in page.get("/Annots", [])) if "/A" in a]
    assert "https://nrha.example.org/reports/characteristically-incomprehensible-annexes" in uris
    assert "http://www.example.org" in uris
    assert "mailto:press.office@example.org" in uris
    assert "http://nrha.example.org" in uris
    assert not [u for u in uris if "report.md" in u or "Node.js" in u or "Harbor" in u]
    assert "\u2010" not in pdftotext(pdf)      # no hyphen added inside an address


def test_a_numbered_list_resumed_after_a_paragraph_goes_on_counting(project):
    project.release(body="1. First step\n2. Second step\n\nA paragraph between.\n\n"
                         "3. Third step\n4. Fourth step\n")
    text = pdftotext(build(project.root) / "2024-03-05-clinics-open.pdf")
    assert re.search(r"1\.\s+First step\s+2\.\s+Second step", text)
    assert re.search(r"3\.\s+Third step\s+4\.\s+Fourth step", text)


def test_body_lines_are_60_to_75_characters(sample):
    """DESIGN: long lines are hard to follow; a full line of the sample's body is 60 to 75
    characters, on Letter and on A4."""
    for paper in ("letter", "a4"):
        (sample / "presskit.yaml").write_text(f"paper: {paper}\n", encoding="utf-8")
        pdf = build(sample, "--force") / f"{SAMPLE_SLUG}.pdf"
        lines = [line for page in pdf_pages(pdf) for line in page.splitlines()]
        body = [len(line) for line in lines[lines.index(next(
            line for line in lines if line.startswith("Cambridge, MA"))):]
            if len(line) > 50]
        average = sum(body) / len(body)
        assert 60 <= average <= 75, (paper, average)


def test_a_table_of_figures_prints_as_a_table_with_its_numbers_aligned(project):
    project.release(body="Figures for November.\n\n| Region | Deaths | Injuries |\n"
                         "|---|---:|---:|\n| Northern districts | 12 | 40 |\n"
                         "| Capital region | 1,204 | 3,880 |\n\nThe figures are provisional.\n")
    out = build(project.root, "--html")
    html = (out / "2024-03-05-clinics-open.html").read_text(encoding="utf-8")
    assert '<th class="align-right">Deaths</th>' in html and "|---" not in html
    rows = {line.split()[0]: line for line in pdftotext(out / "2024-03-05-clinics-open.pdf",
                                                        "-layout").splitlines()
            if line.strip().startswith(("Region", "Northern", "Capital"))}
    assert set(rows) == {"Region", "Northern", "Capital"}
    # Right-aligned columns: each number ends where its heading ends (measured on the page:
    # pdftotext -layout's character grid moves with whatever else the page holds).
    assert rows["Northern"].rstrip().endswith("40")
    ends = {word.text: word.x1 for page in overprint.words(out / "2024-03-05-clinics-open.pdf")
            for word in page if word.text in ("40", "3,880", "Injuries")}
    assert max(ends.values()) - min(ends.values()) < 0.5, ends


def test_a_16_bit_grey_scan_without_caption_or_alt_prints_as_its_grey(project):
    scan = Image.new("I;16", (400, 100))
    scan.putdata([int(x / 399 * 65535) for _ in range(100) for x in range(400)])
    out = io.BytesIO()
    scan.save(out, format="PNG")
    project.write("assets/scan-of-the-letter.png", out.getvalue())
    project.release(images=[{"src": "assets/scan-of-the-letter.png"}])
    result = run("build", project_dir=project.root)
    assert result.exit_code == 0 and "warning" not in result.stderr, result.stderr[:500]
    pdf = project.root / "dist" / "releases" / "2024-03-05-clinics-open.pdf"
    [image] = [img for page in PdfReader(pdf).pages for img in page.images]
    grey = image.image.convert("L")
    middle = grey.height // 2
    assert grey.getpixel((1, middle)) < 10 and grey.getpixel((grey.width - 2, middle)) > 245
    assert 110 < grey.getpixel((grey.width // 2, middle)) < 145   # scaled, not clipped
    # The picture's text in the tagged PDF: its file's name, failing an alt and a caption.
    assert "scan of the letter" in _alt_texts(PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"])


def _alt_texts(node) -> list[str]:
    """Every /Alt in a tagged PDF's structure tree."""
    node = node.get_object()
    found = [str(node["/Alt"])] if hasattr(node, "get") and "/Alt" in node else []
    kids = node.get("/K", []) if hasattr(node, "get") else node if isinstance(node, list) else []
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object") and not isinstance(kid.get_object(), int):
            found += _alt_texts(kid)
    return found


def test_an_svg_that_links_another_file_is_told_how_to_mend_it(project):
    project.write("assets/linked.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="100" '
                                       'height="50"><rect width="100" height="50"/>'
                                       '<image href="small.jpg" width="50" height="50"/></svg>')
    project.release(images=[{"src": "assets/linked.svg", "caption": "A chart"}])
    result = run("build", project_dir=project.root)
    assert result.exit_code == 0
    assert "small.jpg, which presskit cannot follow from inside it: embed that file in the " \
           "image" in result.stderr and "network" not in result.stderr


def test_embargoed_release_states_date_time_and_zone(project):
    project.release(embargo="2024-03-05T09:00:00-05:00")
    text = " ".join(pdftotext(build(project.root) / "2024-03-05-clinics-open.pdf").split())
    assert "EMBARGOED UNTIL March 5, 2024, 9:00 AM UTC-5" in text
    assert "FOR IMMEDIATE RELEASE" not in text


def test_an_english_release_draws_symbols_from_text_fonts_not_cjk(project):
    # Debian's Noto lacks − ≤ → ✓ and the nested list's ◦: a CJK font drew them full-width.
    project.release(embargo="2024-03-05T09:00:00-05:00",
                    body="Costs fell by −3% (≤ 5 → ✓).\n\n- one\n  - nested\n")
    fonts = [f["name"].split("+")[-1] for f in pdffonts(build(project.root) /
                                                        "2024-03-05-clinics-open.pdf")]
    assert not [name for name in fonts if "CJK" in name], fonts


def test_a_table_of_many_columns_fits_the_page_and_keeps_every_column(project):
    # Sixteen columns ran off the page, the last eight cut away without a word (QA pass).
    head = "| " + " | ".join(f"Column {i}" for i in range(16)) + " |"
    row = "| " + " | ".join(f"alpha{i:02d}" for i in range(16)) + " |"
    project.release(body=f"Figures.\n\n{head}\n|{'---|' * 16}\n{row}\n")
    out = build(project.root, "--html")
    html = (out / "2024-03-05-clinics-open.html").read_text(encoding="utf-8")
    assert '<table class="wide tight">' in html
    boxes = pdftotext(out / "2024-03-05-clinics-open.pdf", "-bbox")
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes)[1])
    words = re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', boxes)
    assert max(float(x) for x, _ in words) <= page_width - 36   # within the right margin
    firsts = [word for _, word in words if word.startswith("alph")]
    assert len(firsts) == 16, firsts   # every column's value, if broken, begins on the page


def test_a_table_that_fits_keeps_its_words_whole(project):
    """'Released' was printed 'Releas' / 'ed' in a five-column table of figures (a QA pass)."""
    project.release(body="Figures.\n\n| Region | Held without charge | Released | Deaths in "
                         "custody | Change vs 2024 |\n|---|---:|---:|---:|---:|\n"
                         "| Middle East and North Africa | 3,904 | 1,210 | 41 | +22% |\n"
                         "| Eastern Europe and Central Asia | 2,517 | 640 | 17 | +31% |\n")
    out = build(project.root, "--html")
    html = (out / "2024-03-05-clinics-open.html").read_text(encoding="utf-8")
    assert "<table>" in html
    words = pdftotext(out / "2024-03-05-clinics-open.pdf").split()
    for word in ("Released", "Eastern", "Middle", "custody"):
        assert word in words, words


def test_a_picture_in_the_body_prints_as_its_description(project):
    project.release(body="See ![the new clinic](assets/clinic.jpg) at the crossing.\n")
    text = " ".join(pdftotext(build(project.root) / "2024-03-05-clinics-open.pdf").split())
    assert "See the new clinic at the crossing." in text
    assert "!the" not in text


def test_a_short_address_is_never_broken_in_a_contact_line(project):
    # It broke at its @ at the end of a contact line: copied out of the PDF, it was two words.
    from presskit.render import email_breaks

    assert email_breaks("snibhriain@example.org") == \
        '<span class="unbroken">snibhriain@example.org</span>'
    assert "<wbr>" in email_breaks("jonas.exampleman-placeholderson@example.org")
    project.release(contacts=[
        {"name": "Siobhán Ní Bhriain", "title": "Media Officer, School of Environmental "
         "Sciences", "email": "snibhriain@example.org", "phone": "+1 555 0100"}])
    text = pdftotext(build(project.root) / "2024-03-05-clinics-open.pdf")
    assert "snibhriain@example.org" in text.split()
    # A release's contact line holds 60 characters of an address: one of 30 is not split at
    # the line's end (press@lanternwatch / .example.org, found by an NGO's QA pass).
    project.release(contacts=[
        {"name": "Amélie Duchêne", "title": "Head of media, Geneva office (CET)",
         "email": "press@lanternwatch.example.org", "phone": "+41 22 555 01 42"}])
    text = pdftotext(build(project.root) / "2024-03-05-clinics-open.pdf")
    assert "press@lanternwatch.example.org" in text.split()


def test_an_email_address_breaks_only_before_a_dot_or_its_at(project):
    # Broken at its own hyphen, the address read, and copied out of the PDF, as another one
    # (pdftotext joined the halves): this contact line broke there (found by a QA pass).
    address = "jonas.exampleman-placeholderson@example.org"
    project.release(contacts=[
        {"name": "Ada Example", "title": "Press officer", "email": "press@example.org",
         "phone": "+1 555 0199"},
        {"name": "Jonas Exampleman-Placeholderson", "title": "Deputy Head of Communications "
         "and Media Relations for the Northern and Eastern Districts", "email": address,
         "phone": "+1 555 0100 ext. 4242"}])
    text = pdftotext(build(project.root) / "2024-03-05-clinics-open.pdf")
    assert "exampleman-\n" not in text
    assert address in "".join(text.split())


def test_a_run_that_fills_its_line_but_for_its_space_is_not_broken_after_its_first_word(project):
    # WeasyPrint 70 set "The" alone on a line and the rest of the paragraph on the next when
    # the text before a link filled the line all but its last space (presskit/line_breaks.py).
    project.release(body="The Alliance opened two clinics today.\n\n"
                         "The detailed report of the wells survey, with maps, can be downloaded "
                         "at https://example.org/wells. It covers every district.\n")
    lines = pdftotext(build(project.root) / "2024-03-05-clinics-open.pdf").splitlines()
    first = next(line for line in lines if line.startswith("The detailed"))
    assert first.startswith("The detailed report of the wells survey, with maps, can be"), lines


def test_the_press_offices_zone_names_the_embargos_zone(project):
    project.write("presskit.yaml", "timezone: America/New_York\n")
    project.release(embargo="2024-03-05T09:00:00-05:00")
    text = " ".join(pdftotext(build(project.root) / "2024-03-05-clinics-open.pdf").split())
    assert "EMBARGOED UNTIL March 5, 2024, 9:00 AM EST" in text
    # An embargo written in another zone keeps its offset: EST would be a lie.
    project.release(embargo="2024-03-05T09:00:00+01:00")
    text = " ".join(pdftotext(build(project.root) / "2024-03-05-clinics-open.pdf").split())
    assert "EMBARGOED UNTIL March 5, 2024, 9:00 AM UTC+1" in text


def test_a4_paper(project):
    project.write("presskit.yaml", "paper: a4\n")
    info = pdfinfo(build(project.root) / "2024-03-05-clinics-open.pdf")
    assert info["Page size"].startswith("595")


def test_russian_release_renders_with_no_missing_glyph(project):
    project.release(lang="ru", title="Мобильные клиники открылись на северном переходе",
                    dateline="Москва",
                    body="«Каждый человек заслуживает помощи», — сказала Ада. Ελληνικά: "
                         "Καλημέρα. Ça va, Zoë, Łódź.")
    result = run("build", project_dir=project.root)
    assert result.exit_code == 0
    assert "no installed font" not in result.stderr
    pdf = project.root / "dist" / "releases" / "2024-03-05-clinics-open.pdf"
    text = " ".join(pdftotext(pdf).split())
    assert "Москва — 5 марта 2024 г. — «Каждый человек заслуживает помощи»" in text
    assert "ДЛЯ НЕМЕДЛЕННОЙ ПУБЛИКАЦИИ" in text
    assert "Καλημέρα. Ça va, Zoë, Łódź." in text
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "ru"


def test_camera_size_photo_is_scaled_to_300_dpi_with_caption_and_credit(project):
    photo = project.root / "assets" / "clinic.jpg"
    photo.parent.mkdir()
    noise = Image.effect_noise((4000, 3000), 60).convert("RGB")
    noise.save(photo, quality=95)
    project.release(images=[{"src": "assets/clinic.jpg", "caption": "The clinic at dawn",
                             "credit": "Ada Example"}])
    pdf = build(project.root) / "2024-03-05-clinics-open.pdf"
    text = " ".join(pdftotext(pdf).split())
    assert "The clinic at dawn Photo: Ada Example" in text
    images = [img for page in PdfReader(pdf).pages for img in page.images]
    assert len(images) == 1
    width, height = Image.open(io.BytesIO(images[0].data)).size
    assert width <= 6.5 * 300 and height <= 4.3 * 300
    assert pdf.stat().st_size < photo.stat().st_size / 2


def test_raw_html_in_yaml_is_shown_as_text_never_interpreted(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    project.release(body=f'Before <script>alert(1)</script> <img src="file://{secret}"> '
                         f'<b>bold?</b> [a link](file://{secret}) and '
                         f'<iframe src="https://example.org"></iframe> after.',
                    title="<em>Headline</em> & more")
    pdf = build(project.root) / "2024-03-05-clinics-open.pdf"
    text = " ".join(pdftotext(pdf).split())
    assert "<em>Headline</em> & more" in text
    assert "<script>alert(1)</script>" in text
    assert "<b>bold?</b>" in text
    assert "TOP SECRET" not in text
    reader = PdfReader(pdf)
    assert not [img for page in reader.pages for img in page.images]
    links = [a.get_object().get("/A", {}).get("/URI") for page in reader.pages
             for a in page.get("/Annots") or []]
    assert not any(str(uri).startswith("file:") for uri in links if uri)
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})


def test_a_headline_that_closes_the_stylesheet_stays_text(project):
    """The running head carries the headline inside a <style> element."""
    title = 'Q</style><i>ZZ "quoted" \\ end'
    project.release(title=title, body=LONG_BODY)
    result = run("build", "--html", project_dir=project.root)
    assert result.exit_code == 0 and "warning" not in result.stderr, result.stderr
    out = project.root / "dist" / "releases"
    assert "</style><i>" not in (out / "2024-03-05-clinics-open.html").read_text("utf-8")
    pages = pdf_pages(out / "2024-03-05-clinics-open.pdf")
    printed = title.replace('"quoted"', "“quoted”")   # with its typographic quotes
    assert len(pages) >= 2 and printed in " ".join(pages[0].split())
    assert printed in pages[1] and "Page 2 of" in pages[1]   # the running head, the page count


def test_project_stylesheet_cannot_reach_outside_files(project, tmp_path):
    outside = tmp_path / "outside.png"
    Image.new("RGB", (50, 50), "red").save(outside)
    (project.root / "styles").mkdir()
    builtin = (REPO / "styles" / "release.css").read_text()
    project.write("styles/release.css", builtin
                  + f"\nbody {{ background: url('file://{outside}') }}"
                  "\nh1::before { content: url('https://example.org/x.png') }\n")
    result = run("build", project_dir=project.root)
    assert result.exit_code == 0
    assert "presskit reads no file outside the project" in result.stderr
    assert "presskit reads no network resource" in result.stderr
    pdf = project.root / "dist" / "releases" / "2024-03-05-clinics-open.pdf"
    assert not [img for page in PdfReader(pdf).pages for img in page.images]


def test_project_templates_override_built_in_ones(project):
    project.write("templates/_letterhead.html", "<header class='letterhead'><p>OUR OWN "
                  "LETTERHEAD for {{ organization.name }}</p></header>")
    text = pdftotext(build(project.root) / "2024-03-05-clinics-open.pdf")
    assert "OUR OWN LETTERHEAD for Northwind Refugee Health Alliance" in text


def test_a_failed_build_leaves_the_good_pdf_in_place(project):
    pdf = build(project.root) / "2024-03-05-clinics-open.pdf"
    good = pdf.read_bytes()
    project.write("templates/_letterhead.html", "<p>{{ organization.nmae }}</p>\n")
    result = run("build", "--force", project_dir=project.root)
    assert result.exit_code == 1
    assert result.stderr.endswith("_letterhead.html:1:1: template error: 'organization' has "
                                  "no 'nmae'; did you mean 'name'?\n")
    assert pdf.read_bytes() == good
    assert not [p for p in pdf.parent.iterdir() if p.name.endswith(".tmp")]


def test_unknown_slug(project):
    result = run("build", "2024-01-01-nothing", project_dir=project.root)
    assert result.exit_code == 1
    assert "no release '2024-01-01-nothing' (releases: 2024-03-05-clinics-open)" in result.stderr


def test_python_dash_m_and_version():
    out = subprocess.run([sys.executable, "-m", "presskit", "--version"], capture_output=True,
                         text=True, check=True).stdout
    assert re.fullmatch(r"presskit, version \d+\.\d+\.\d+\n", out)


def test_a_headline_takes_its_direction_from_its_first_strong_character():
    from presskit.render import text_direction

    assert text_direction("PostgreSQL 17 Released!", "rtl") == "ltr"
    assert text_direction("«שלום» world", "ltr") == "rtl"
    assert text_direction("2024 — ١٢", "rtl") == "rtl"
