"""Images inlined into the HTML, scaled down to at most 300 dpi at their printed size.

A camera photo is often 6000 px wide; printed 16 cm wide it needs 1900 px. Scaling before
WeasyPrint sees it keeps the PDF small enough to email, and inlining as a data: URI keeps the
HTML self-contained (the same bytes feed the PDF and the --html output).
"""
from __future__ import annotations

import base64
import io
import mimetypes
from functools import lru_cache
from pathlib import Path

from .errors import BuildError

MAX_DPI = 300


def data_uri(path: Path, max_width_in: float, max_height_in: float = 0) -> str:
    stat = path.stat()
    return _data_uri(path, stat.st_mtime_ns, stat.st_size, max_width_in, max_height_in)


@lru_cache(maxsize=256)
def _data_uri(path: Path, _mtime: int, _size: int, max_width_in: float,
              max_height_in: float) -> str:
    raw = path.read_bytes()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mime != "image/svg+xml":
        raw, mime = _downscale(path, raw, max_width_in, max_height_in)
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def _downscale(path: Path, raw: bytes, max_width_in: float, max_height_in: float):
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise BuildError(f"{path}: not an image presskit can read ({exc})") from None
    fmt = image.format or ""
    mime = Image.MIME.get(fmt, "image/png")
    limit_w = int(max_width_in * MAX_DPI)
    limit_h = int(max_height_in * MAX_DPI) if max_height_in else limit_w * 4
    if image.width <= limit_w and image.height <= limit_h and fmt in ("JPEG", "PNG"):
        return raw, mime
    image = ImageOps.exif_transpose(image)
    image.thumbnail((limit_w, limit_h), Image.LANCZOS)
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P") or fmt == "PNG":
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), "image/jpeg"
