"""`presskit import`: a release drafted in Word, LibreOffice or a text file, made a release
file. Three stages, one module each: read (the document as neutral blocks), recognize (which
block is which field) and write (the YAML and the pictures)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PresskitError
from ..files import display_path, write_atomic
from .read import ImportError_, read_document
from .recognize import recognize
from .write import picture_name, release_data, release_yaml, slug_words

__all__ = ["ImportError_", "Imported", "import_document", "import_upload"]

# What `presskit serve` takes as a dropped document.
UPLOAD_SUFFIXES = (".docx", ".odt", ".txt", ".md")
UPLOAD_LIMIT = 50 * 1024 * 1024


@dataclass
class Imported:
    """What one import found and wrote."""

    source: Path
    path: Path                                   # releases/<slug>.yaml
    text: str                                    # its YAML
    notes: list[str] = field(default_factory=list)   # what could not be placed, where
    pictures: list[Path] = field(default_factory=list)
    written: bool = False


def import_document(root: Path, source: Path, *, slug: str | None = None, force: bool = False,
                    dry_run: bool = False, shown: str | None = None) -> Imported:
    """Read `source`, recognize its release and write releases/<slug>.yaml in the project at
    `root` (with its pictures in assets/). Refuses (ImportError_) to replace a release file
    without `force`; with `dry_run` writes nothing. `shown` names the document in what is
    said of it (an upload's own name, not where it was put)."""
    from ..load import SLUG_RE, load_project

    project = load_project(root, only=[])
    organization = project.organization
    document = read_document(source)
    if not any(block.text or block.image for block in document.blocks):
        raise ImportError_(f"{shown or display_path(source)}: no text in it; nothing written")
    found = recognize(document.blocks, doc_lang=document.lang, org_lang=organization.lang,
                      office_zone=project.settings.timezone,
                      org_names=(organization.name, organization.short_name))
    if slug is None:
        # A release with no date found is named by today's, and check names the missing date.
        slug = f"{found.date or dt.date.today()}-{slug_words(found.title)}"
    elif not SLUG_RE.match(slug):
        raise ImportError_(f"--slug {slug}: a release is named <YYYY-MM-DD>-<words> (lower-case "
                           f"words joined by hyphens)")
    data = release_data(found, slug=slug, org_lang=organization.lang,
                        org_boilerplate=organization.boilerplate)
    text = release_yaml(data)
    target = project.root / "releases" / f"{slug}.yaml"
    where = shown or display_path(source)
    result = Imported(source, target, text, notes=[f"{where}: {n}" for n in found.unplaced])
    if dry_run:
        return result
    existing = [p for p in (target, target.with_suffix(".yml")) if p.exists()]
    if existing and not force:
        raise ImportError_(f"{display_path(existing[0])}: already exists (imported before?); "
                           f"nothing written. Give --force to replace it, or --slug to name "
                           f"another release")
    for picture in found.pictures:
        path = project.root / picture_name(slug, picture)
        # Named by its bytes: a file of that name already holds this very picture.
        if not path.exists():
            write_atomic(path, picture.data, root=project.root)
        result.pictures.append(path)
    # Confined: a releases/ or assets/ that is a link out of the project is not written through.
    write_atomic(target, text.encode("utf-8"), root=project.root)
    result.written = True
    return result


def import_upload(root: Path, name: str, data: bytes) -> Imported:
    """Import a document given as bytes (dropped on `presskit serve`'s front page): kept in
    the project's own .presskit/ while it is read (presskit writes nowhere else), then
    removed."""
    base = Path(name.replace("\\", "/")).name or "document"
    suffix = Path(base).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ImportError_(f"{base}: presskit imports .docx, .odt, .txt and .md files")
    if len(data) > UPLOAD_LIMIT:
        raise ImportError_(f"{base}: larger than {UPLOAD_LIMIT // 2**20} MB")
    held = Path(root).resolve() / ".presskit" / "imports" / f"upload{suffix}"
    write_atomic(held, data, root=Path(root).resolve())
    try:
        return import_document(root, held, shown=base)
    except ImportError_ as exc:
        raise ImportError_(str(exc).replace(display_path(held), base)) from None
    finally:
        held.unlink(missing_ok=True)


class ImportProblems(PresskitError):
    """Some of several documents could not be imported; each says why on its line."""

    def __init__(self, lines: list[str]):
        self._lines = lines
        super().__init__("\n".join(lines))

    def lines(self) -> list[str]:
        return list(self._lines)
