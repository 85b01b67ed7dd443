"""Turn the real releases in ../shared/corpus (another format) into presskit projects.

Used by tests that run only where ../shared/corpus exists, and by `python tests/corpus.py DIR`
to build them all for a look. Nothing of the corpus is copied into the repository.
"""
from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("[0-9]*.yaml")) if CORPUS.is_dir() else []


def body_markdown(text: str) -> str:
    """Plain text with '- item' lists and one-line subheads, as CommonMark."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        block = block.strip()
        one_line = "\n" not in block
        if (one_line and len(block) < 90 and not block.startswith(("- ", "* ", "“", '"'))
                and not re.search(r"[.:;,!?”\"»)]$", block)):
            blocks.append("## " + block)
        else:
            blocks.append(block)
    return "\n\n".join(blocks) + "\n"


@functools.cache
def source_data(source: Path) -> dict:
    """A corpus file read once a test process, with libyaml where present (read again for
    every test by the pure-Python parser, the files took about two seconds of the suite).
    Shared: not to be changed."""
    return yaml.load(source.read_text(encoding="utf-8"),
                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def to_project(source: Path, root: Path) -> str:
    """Write a presskit project for one corpus release; return the release's slug."""
    data = source_data(source)
    root.mkdir(parents=True, exist_ok=True)
    contacts = [{k: str(c[k]) for k in ("name", "title", "email", "phone") if c.get(k)}
                for c in (data.get("contacts") or [])]
    organization = {
        "name": data["organization"],
        "boilerplate": data.get("boilerplate") or data["organization"],
        "lang": data.get("lang") or "en",
    }
    (root / "organization.yaml").write_text(
        yaml.safe_dump(organization, allow_unicode=True, sort_keys=False), encoding="utf-8")
    release = {
        "title": data["title"],
        "date": str(data["date"]),
        # Some sources give no place; presskit requires one, so a neutral word stands in.
        "dateline": data.get("dateline") or "Worldwide",
        "body": body_markdown(data["body"]),
    }
    if data.get("subtitle"):
        release["subtitle"] = data["subtitle"]
    if contacts:
        release["contacts"] = contacts
    words = re.sub(r"[^a-z0-9]+", "-", source.stem.split("-", 1)[1].lower()).strip("-")
    slug = f"{data['date']}-{words}"
    (root / "releases").mkdir(exist_ok=True)
    (root / "releases" / f"{slug}.yaml").write_text(
        yaml.safe_dump(release, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    return slug


@dataclass
class Built:
    """A corpus release built, with the kit of its year, once for the whole test run."""

    data: dict
    slug: str
    release: Path        # its PDF
    kit: Path | None     # None where another release stands for it (with_kits)
    build_stderr: str


@functools.cache
def with_kits() -> set[Path]:
    """The corpus releases the tests lay a kit out for too: for each language the corpus has
    and, in each, the longest release of each organization. A kit lays the release out again
    in the kit's frame, so the longest one shows all a shorter one of the same house would
    (its heads, lists, contacts), at a second of the suite's time a kit."""
    longest: dict[tuple[str, str], tuple[int, Path]] = {}
    for path in corpus_files():
        data = source_data(path)
        house = (data.get("lang") or "en", data["organization"])
        longest[house] = max(longest.get(house, (0, path)), (path.stat().st_size, path))
    return {path for _, path in longest.values()}


def built(source: Path, built_once) -> Built:
    """`source` as a project, built (`build`, then `kit --year` where with_kits) by the
    first test asking."""
    from conftest import run

    data = source_data(source)
    year = str(data["date"])[:4]
    kit = source in with_kits()
    steps = [["build"]] + ([["kit", "--year", year]] if kit else [])

    def make(folder: Path) -> None:
        to_project(source, folder / "project")
        for args in steps:
            result = run(*args, project_dir=folder / "project")
            assert result.exit_code == 0, result.stderr
            (folder / f"{args[0]}.stderr").write_text(result.stderr, encoding="utf-8")

    folder = built_once(f"corpus-{source.stem}", make)
    slug = next((folder / "project" / "releases").glob("*.yaml")).stem
    return Built(data, slug, folder / "project" / "dist" / "releases" / f"{slug}.pdf",
                 folder / "project" / "dist" / "kits" / f"press-kit-{year}.pdf" if kit else None,
                 (folder / "build.stderr").read_text(encoding="utf-8"))


if __name__ == "__main__":
    from presskit.build import build_releases
    from presskit.load import load_project

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/corpus")
    for source in corpus_files():
        folder = out / source.stem
        slug = to_project(source, folder)
        result = build_releases(load_project(folder), [slug])[0]
        print(result.pdf, *result.warnings, sep="\n  ")
