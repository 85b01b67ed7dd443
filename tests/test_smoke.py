from conftest import SAMPLE_SLUG, pdf_pages


def test_sample_builds_with_every_page_but_the_last_saying_more(sample_built):
    pages = pdf_pages(sample_built / "dist" / "releases" / f"{SAMPLE_SLUG}.pdf")
    assert all("- more -" in page for page in pages[:-1])
    assert "- more -" not in pages[-1]
    assert "###" in pages[-1]
