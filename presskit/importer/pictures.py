"""The pictures of a release as the document holds them, made something a PDF can print."""
from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass
class Picture:
    data: bytes
    kind: str
    caption: str = ""
    credit: str = ""
    alt: str = ""


def printable(data: bytes, kind: str) -> tuple[bytes | None, str]:
    """The picture as a format a PDF can hold: as it is, or made a PNG by Pillow (a BMP, a
    TIFF); (None, kind) when Pillow cannot read it (a Windows metafile drawing)."""
    if kind in ("png", "jpeg", "gif", "webp"):
        return data, kind
    if kind in ("svg+xml", "svg"):
        return data, "svg"
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            image.save(out, "PNG")
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None, kind
    return out.getvalue(), "png"
