"""The build cache: nothing changed, nothing rendered; one release edited, only it; a template
or the organization edited, all; --force, deleted releases, --html, a damaged cache."""
import json

import pytest

from presskit.build import build_project

from conftest import run

A, B, C = "2024-03-05-clinics-open", "2024-04-10-second-clinic", "2024-05-20-winter-appeal"


@pytest.fixture
def three(project):
    project.release(B, title="A second clinic opens at the ferry port")
    project.release(C, title="Winter appeal for blankets and medicine")
    return project


def built(result) -> list[str]:
    """The slugs a build reported as built, from its plain (non-terminal) lines."""
    return sorted(line.split("/")[-1][:-4] for line in result.stderr.splitlines()
                  if line.startswith("built dist/releases/"))


def fresh(result) -> list[str]:
    return sorted(line.split("/")[-1][:-4] for line in result.stderr.splitlines()
                  if line.startswith("up to date dist/releases/"))


def build(maker, *args):
    result = run("build", "--jobs", "1", *args, project_dir=maker.root)
    assert result.exit_code == 0, result.stderr
    return result


def pdf(maker, slug):
    return maker.root / "dist" / "releases" / f"{slug}.pdf"


def test_nothing_changed_renders_nothing_and_touches_no_file(three):
    assert built(build(three)) == [A, B, C]
    stamps = {s: pdf(three, s).stat().st_mtime_ns for s in (A, B, C)}
    again = build(three)
    assert built(again) == [] and fresh(again) == [A, B, C]
    assert again.stderr.strip().endswith("0 built, 3 up to date")
    assert {s: pdf(three, s).stat().st_mtime_ns for s in (A, B, C)} == stamps


def test_one_release_edited_rebuilds_exactly_that_one(three):
    build(three)
    before = pdf(three, A).read_bytes()
    three.release(B, title="A second clinic opens at the ferry port, a day late")
    result = build(three)
    assert built(result) == [B] and fresh(result) == [A, C]
    assert pdf(three, A).read_bytes() == before


def test_a_template_or_style_or_the_organization_edited_rebuilds_all(three):
    build(three)
    three.write("styles/release.css", "@import url(nothing.css);\n")  # a project override
    assert built(build(three)) == [A, B, C]
    three.write("styles/release.css", "h1 { color: #123456; }\n")
    assert built(build(three)) == [A, B, C]
    three.organization(location="Bangor, ME")
    assert built(build(three)) == [A, B, C]
    three.write("presskit.yaml", {"paper": "a4"})
    assert built(build(three)) == [A, B, C]
    assert built(build(three)) == []


def test_an_image_edited_rebuilds_only_the_release_that_shows_it(three):
    from PIL import Image

    def photo(colour):
        path = three.root / "assets" / "photo.png"
        path.parent.mkdir(exist_ok=True)
        Image.new("RGB", (60, 40), colour).save(path)

    photo("navy")
    three.release(C, title="Winter appeal", images=[{"src": "assets/photo.png",
                                                     "caption": "Blankets"}])
    build(three)
    photo("darkred")
    assert built(build(three)) == [C]


def test_force_rebuilds_everything(three):
    build(three)
    assert built(build(three, "--force")) == [A, B, C]


def test_a_slug_builds_only_that_release(three):
    result = build(three, B)
    assert built(result) == [B]
    assert not pdf(three, A).exists()
    assert built(build(three, f"releases/{C}.yaml")) == [C]   # as a shell completes it
    assert built(build(three)) == [A]


def test_a_deleted_release_loses_its_pdf_and_html(three):
    build(three, "--html")
    (three.root / "releases" / f"{B}.yaml").unlink()
    result = build(three)
    assert f"removed dist/releases/{B}.pdf" in result.stderr
    assert not pdf(three, B).exists() and not pdf(three, B).with_suffix(".html").exists()
    assert fresh(result) == [A, C]
    cache = json.loads((three.root / ".presskit" / "build-cache.json").read_text())
    assert sorted(cache["releases"]) == [A, C]


def test_a_pdf_deleted_or_replaced_by_hand_is_rebuilt(three):
    build(three)
    pdf(three, A).unlink()
    pdf(three, C).write_bytes(b"not a pdf")
    assert built(build(three)) == [A, C]
    assert pdf(three, C).read_bytes().startswith(b"%PDF-")


def test_html_is_self_contained_and_written_for_current_pdfs_without_rendering(three):
    three.organization(logo="assets/logo.png")
    from PIL import Image

    (three.root / "assets").mkdir()
    Image.new("RGB", (90, 30), "teal").save(three.root / "assets" / "logo.png")
    build(three)
    pdf_bytes = pdf(three, A).read_bytes()
    result = build(three, "--html")
    assert built(result) == []            # the PDFs were current: only HTML written
    html = pdf(three, A).with_suffix(".html").read_text(encoding="utf-8")
    assert "<style>" in html and 'src="data:image/png;base64,' in html
    assert "<link" not in html and "assets/logo.png" not in html
    assert pdf(three, A).read_bytes() == pdf_bytes
    assert built(build(three, "--html")) == []


def test_a_rebuilt_pdf_does_not_keep_an_html_that_no_longer_matches(three):
    build(three, "--html")
    three.release(A, title="Clinics open at the northern crossing, updated")
    build(three)
    assert not pdf(three, A).with_suffix(".html").exists()
    assert pdf(three, B).with_suffix(".html").exists()


def test_a_damaged_cache_means_a_full_build_not_a_crash(three):
    build(three)
    (three.root / ".presskit" / "build-cache.json").write_text("{not json", encoding="utf-8")
    assert built(build(three)) == [A, B, C]
    assert built(build(three)) == []


def test_a_new_invalid_release_stops_the_build_with_its_line(three):
    build(three)
    three.write("releases/2024-06-01-bad.yaml", "title: Bad\ndate: 2024-06-01\n")
    result = run("build", project_dir=three.root)
    assert result.exit_code == 1
    assert "releases/2024-06-01-bad.yaml:1:1:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_release_named_builds_while_another_is_a_broken_draft(three):
    three.write("releases/2024-06-01-draft.yaml", 'title: "Half-written\nbody: x\n')
    result = build(three, B)      # the draft is not read: a colleague's work in progress
    assert built(result) == [B]
    whole = run("build", project_dir=three.root)
    assert whole.exit_code == 1 and "releases/2024-06-01-draft.yaml:1:8:" in whole.stderr
    named = run("build", "2024-06-01-draft", project_dir=three.root)
    assert named.exit_code == 1 and "releases/2024-06-01-draft.yaml:1:8:" in named.stderr
    unknown = run("build", "2024-06-01-daft", project_dir=three.root)
    assert unknown.exit_code == 1
    assert "no release '2024-06-01-daft'" in unknown.stderr and "2024-06-01-draft" in unknown.stderr


def test_a_template_error_writes_no_pdf(three):
    three.write("templates/_release.html", "{{ release.no_such_field }}")
    result = run("build", project_dir=three.root)
    assert result.exit_code == 1, result.stderr
    assert "template error" in result.stderr
    assert not (three.root / "dist" / "releases").exists()
    assert not (three.root / ".presskit" / "build-cache.json").exists() or \
        json.loads((three.root / ".presskit" / "build-cache.json").read_text())["releases"] == {}


def test_the_library_call_reports_what_it_did(three):
    results = build_project(three.root, jobs=1)
    assert [(r.slug, r.built) for r in results] == [(A, True), (B, True), (C, True)]
    results = build_project(three.root, jobs=1)
    assert [r.built for r in results] == [False, False, False]
