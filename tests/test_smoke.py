from conftest import SAMPLE_SLUG, pdf_pages, run


def test_sample_builds_with_every_page_but_the_last_saying_more(sample):
    result = run("build", project_dir=sample)
    assert result.exit_code == 0, result.stderr
    pages = pdf_pages(sample / "dist" / "releases" / f"{SAMPLE_SLUG}.pdf")
    assert all("- more -" in page for page in pages[:-1])
    assert "- more -" not in pages[-1]
    assert "###" in pages[-1]
