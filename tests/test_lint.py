"""Lint: valid but probably wrong releases give warnings in `check`, errors with --strict."""
from __future__ import annotations

import datetime as dt

from presskit.lint import lint_project
from presskit.load import load_project

from conftest import run

TODAY = dt.date(2024, 6, 1)


def warnings_of(maker, today=TODAY) -> list[str]:
    return [str(w) for w in lint_project(load_project(maker.root), today=today)]


def line_of(path, prefix: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(prefix))


def test_a_clean_project_has_no_warning(project):
    assert warnings_of(project) == []
    result = run("check", "--strict", project_dir=project.root)
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_a_long_headline_is_pointed_at_its_line(project):
    path = project.release(title="Mobile clinics " + "open at the northern crossing " * 4)
    [warning] = warnings_of(project)
    assert warning.startswith(f"{path}:{line_of(path, 'title:')}:1: warning: the headline has ")
    assert "over 100" in warning


def test_a_headline_of_exactly_100_characters_passes(project):
    project.release(title="x" * 100)
    assert warnings_of(project) == []


def test_a_future_date_without_embargo_warns_and_with_embargo_does_not(project):
    path = project.release("2024-07-01-clinics-open")
    [warning] = warnings_of(project)
    assert warning.startswith(f"{path}:{line_of(path, 'date:')}:1: warning: the date 2024-07-01")
    assert "no embargo" in warning
    project.release("2024-07-01-clinics-open", embargo="2024-07-01T09:00:00-04:00")
    assert warnings_of(project) == []


def test_an_embargo_before_the_date_warns(project):
    path = project.release(embargo="2024-03-04T09:00:00+00:00")
    [warning] = warnings_of(project)
    assert warning.startswith(f"{path}:{line_of(path, 'embargo:')}:1: warning: the embargo "
                              f"(2024-03-04) lifts before the release's date (2024-03-05)")


def test_an_embargo_after_the_date_warns(project):
    path = project.release(embargo="2024-03-07T09:00:00+00:00")
    [warning] = warnings_of(project)
    assert warning == (f"{path}:{line_of(path, 'embargo:')}:1: warning: the embargo "
                       f"(2024-03-07) lifts after the release's date (2024-03-05); a release "
                       f"is dated the day it goes public")


def test_an_embargo_an_hour_off_the_offices_zone_warns_of_summer_time(project):
    project.write("presskit.yaml", "timezone: America/New_York\n")
    path = project.release("2024-06-10-clinics-open", embargo="2024-06-10T09:00:00-05:00")
    [warning] = warnings_of(project, today=dt.date(2024, 6, 1))
    assert warning == (f"{path}:{line_of(path, 'embargo:')}:1: warning: the embargo's offset "
                       f"-05:00 is not America/New_York's on 2024-06-10 (-04:00): summer time? "
                       f"The PDF reads UTC-5, not the zone's name")
    project.release("2024-06-10-clinics-open", embargo="2024-06-10T09:00:00-04:00")
    assert warnings_of(project, today=dt.date(2024, 6, 1)) == []
    project.release("2024-06-10-clinics-open", embargo="2024-06-10T09:00:00+02:00")
    assert warnings_of(project, today=dt.date(2024, 6, 1)) == []   # another zone, on purpose
    # Found by a QA pass: UTC is a choice (the warning read "offset  is not"), and the second
    # 01:30 of the night New York's clocks go back is -05:00, as rightly as the first is -04:00.
    project.release("2024-06-10-clinics-open", embargo="2024-06-10T13:00:00Z")
    assert warnings_of(project, today=dt.date(2024, 6, 1)) == []
    for offset in ("-04:00", "-05:00"):
        project.release("2024-11-03-clinics-open", date="2024-11-03",
                        embargo=f"2024-11-03T01:30:00{offset}")
        project.root.joinpath("releases/2024-06-10-clinics-open.yaml").unlink(missing_ok=True)
        assert warnings_of(project, today=dt.date(2024, 11, 1)) == []


def test_a_link_no_reader_can_follow_warns_and_prints_as_its_text(project):
    path = project.release(body="See [the annex](annex.pdf) and [our site](https://example.org)"
                                " – and [a script](javascript:alert(1)).\n")
    [warning] = warnings_of(project)
    assert warning == (f"{path}:{line_of(path, 'body:')}:1: warning: the link to 'annex.pdf' is "
                       f"not a web or e-mail address (https://…, mailto:…): the PDF prints its "
                       f"text alone; link to a page journalists can open")
    from presskit.markdown import to_html
    assert to_html(load_project(project.root).releases[path.stem].body) == (
        '<p>See the annex and <a href="https://example.org">our site</a>\u00a0– and a '
        'script.</p>\n')


def test_no_media_contact_anywhere_warns_and_the_organizations_suffice(project):
    project.organization(contacts=None)
    path = project.release()
    [warning] = warnings_of(project)
    assert warning == f"{path}:1:1: warning: no media contact: give 'contacts' in the release " \
                      f"or in organization.yaml"
    project.release(contacts=[{"name": "Lee Example", "email": "lee@example.org"}])
    assert warnings_of(project) == []


def test_an_image_without_caption_or_credit_is_pointed_at_its_entry(project):
    project.write("assets/a.png", _png())
    project.write("assets/b.png", _png())
    path = project.release(images=[
        {"src": "assets/a.png", "caption": "A clinic.", "credit": "NRHA"},
        {"src": "assets/b.png", "caption": "A queue at the door."},
    ])
    [warning] = warnings_of(project)
    text = path.read_text(encoding="utf-8").splitlines()
    second = [n for n, line in enumerate(text, 1) if "assets/b.png" in line][0]
    assert warning == f"{path}:{second}:1: warning: image 2 (b.png) has no credit"


def test_an_empty_boilerplate_in_a_release_warns(project):
    path = project.release(boilerplate="   ")
    [warning] = warnings_of(project)
    assert warning.startswith(f"{path}:{line_of(path, 'boilerplate:')}:1: warning: the "
                              f"boilerplate is empty")


def test_an_image_in_the_body_warns_that_it_is_not_printed(project):
    path = project.release(body="Text.\n\n![The clinic](assets/clinic.jpg)\n")
    [warning] = warnings_of(project)
    assert warning == (f"{path}:{line_of(path, 'body:')}:1: warning: the body has an image "
                       f"(![The clinic](assets/clinic.jpg)), printed as text, not as a "
                       f"picture: list it under 'images:', with caption and credit")
    path = project.release(body="![A](a.jpg) and ![B](b.jpg)\n")
    [warning] = warnings_of(project)
    assert "the body has 2 images (![A](a.jpg), ![B](b.jpg))" in warning


def test_a_date_whose_year_is_far_from_the_file_names_warns(project):
    path = project.release("2024-03-05-clinics-open", date="2021-03-05")
    [warning] = warnings_of(project)
    assert "the date (2021-03-05) is 1096 days from the file name's (2024-03-05)" in warning
    assert warning.startswith(f"{path}:{line_of(path, 'date:')}:1: warning:")


def test_a_release_moved_without_renaming_its_file_warns(project):
    project.release("2024-03-05-clinics-open", date="2024-03-19")
    [warning] = warnings_of(project)
    assert "the date (2024-03-19) is 14 days from the file name's (2024-03-05); rename" in warning
    project.release("2024-03-05-clinics-open", date="2024-03-07")
    assert warnings_of(project) == []


def test_a_date_just_across_new_year_is_not_far(project):
    project.release("2023-12-31-clinics-open", date="2024-01-02")
    assert warnings_of(project, today=dt.date(2024, 6, 1)) == []


def test_check_prints_warnings_and_strict_fails_on_them(project):
    path = project.release(title="y" * 120)
    result = run("check", project_dir=project.root)
    assert result.exit_code == 0
    assert f"{path}:{line_of(path, 'title:')}:1: warning: the headline has 120 characters" \
        in result.output
    assert "1 warning" in result.output
    strict = run("check", "--strict", project_dir=project.root)
    assert strict.exit_code == 1
    assert "warning: the headline has 120 characters" in strict.stderr
    assert "Traceback" not in strict.output


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 90, 140)).save(out, "PNG")
    return out.getvalue()


def test_a_language_presskit_has_no_labels_for_warns_until_the_project_gives_them(project):
    path = project.release(lang="ko", body="연합은 오늘 두 개의 이동 진료소를 열었다.")
    [warning] = warnings_of(project)
    assert warning.startswith(f"{path}:{line_of(path, 'lang:')}:1: warning: presskit has no "
                              f"labels in 'ko': FOR IMMEDIATE RELEASE")
    assert "under 'labels: ko:'" in warning
    project.write("presskit.yaml", {"labels": {"ko": {"immediate": "즉시 배포"}}})
    assert warnings_of(project) == []
    project.release(lang="ja", body="本日、二つの移動診療所を開設しました。")
    assert warnings_of(project) == []    # built in


def test_markup_in_a_headline_warns_that_it_prints_as_written(project):
    """A journal's name in a headline, typed *Nature* as in the body (a QA pass)."""
    path = project.release(title="Study in *Nature* maps the northern crossing",
                           subtitle="A <b>first</b> survey")
    assert warnings_of(project) == [
        f"{path}:{line_of(path, 'title:')}:1: warning: the headline is plain text: '*Nature*' "
        f"prints as it is written, in the PDF, its metadata and the e-mail's subject",
        f"{path}:{line_of(path, 'subtitle:')}:1: warning: the subheadline is plain text: "
        f"'<b>' prints as it is written, in the PDF, its metadata and the e-mail's subject"]
    project.release(title="Five * ratings, 2 * 3 = 6, and C++ at the crossing")
    assert warnings_of(project) == []


def test_a_release_file_in_capitals_is_said_not_to_be_read(project):
    (project.root / "releases" / "2024-03-06-more.YAML").write_text("title: x\n")
    [warning] = warnings_of(project)
    assert warning == (f"{project.root / 'releases' / '2024-03-06-more.YAML'}: warning: not "
                       f"read: a release file's name ends in .yaml, in lower case")
    result = run("check", project_dir=project.root)
    assert result.exit_code == 0 and "2024-03-06-more.YAML: warning: not read" in result.stderr


def test_a_typed_more_or_end_mark_warns(project):
    path = project.release(body="First part.\n\n-more-\n\nSecond part.\n\n-30-\n")
    [warning] = warnings_of(project)
    assert warning == (f"{path}:{line_of(path, 'body:')}:1: warning: the body has '-more-' "
                       f"typed on a line of its own: the PDF sets - more - at the foot of each "
                       f"page but the last itself; remove it, or it prints where it stands")
    project.release(body="Second part.\n\n- 30 -\n")
    assert "the end mark ###" in warnings_of(project)[0]
    project.release(body="There is more to come - more than before.\n")
    assert warnings_of(project) == []


def test_quiet_check_prints_no_warning(project):
    project.release(title="Mobile clinics " + "open at the northern crossing " * 4)
    assert run("-q", "check", project_dir=project.root).stderr == ""
    strict = run("-q", "check", "--strict", project_dir=project.root)
    assert strict.exit_code == 1 and "warning: the headline has" in strict.stderr
