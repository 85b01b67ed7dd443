"""Reading a document as blocks, each format by its own module: Word (.docx) through
python-docx in word.py, OpenDocument (.odt) through odfpy in opendocument.py, plain text and
Markdown as they are typed in plain.py. No hand-written parsing of the formats' XML: the
libraries give paragraphs, styles, runs and pictures; their element trees are only asked for
what they do not model (list numbering, pending tracked changes, a picture's id)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PresskitError
from ..files import display_path
from .blocks import Block


class ImportError_(PresskitError):
    """A document that cannot be imported as it is (exit 1, one line)."""


@dataclass
class Document:
    path: Path
    blocks: list[Block]
    lang: str = ""                  # the document's own language setting, when it has one
    markdown: bool = False          # blocks carry Markdown typed by hand
    notes: list[str] = field(default_factory=list)


def read_document(path: Path) -> Document:
    """The document at `path` as blocks; ImportError_ for a format or file it cannot read."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportError_(f"{display_path(path)}: no such file")
    from .opendocument import read_odt
    from .plain import read_text
    from .word import read_docx

    readers = {".docx": read_docx, ".odt": read_odt, ".txt": read_text, ".md": read_text,
               ".markdown": read_text, ".text": read_text}
    if suffix not in readers:
        advice = {".doc": "save it from Word as .docx (Word Document)",
                  ".rtf": "save it as .docx or .odt", ".pdf": "import the Word or LibreOffice "
                  "document it was made from", ".pages": "export it from Pages as Word (.docx)"}
        raise ImportError_(f"{display_path(path)}: presskit imports .docx, .odt, .txt and .md "
                           f"files; {advice.get(suffix, 'save it as one of those')}")
    return readers[suffix](path)
