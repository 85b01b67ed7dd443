"""Images inlined into the HTML, scaled down to at most 300 dpi at their printed size.

A camera photo is often 6000 px wide; printed 16 cm wide it needs 1900 px. Scaling before
WeasyPrint sees it keeps the PDF small enough to email, and inlining as a data: URI keeps the
HTML self-contained (the same bytes feed the PDF and the --html output).
"""
from __future__ import annotations

import base64
import hashlib
import io
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

from .errors import BuildError
from .files import display_path

MAX_DPI = 300
MIN_DPI = 150
EXIF_ORIENTATION = 0x0112
TURNED = (5, 6, 7, 8)    # orientations that turn the picture a quarter
# Modes WeasyPrint embeds as they are; others (16-bit grey) are converted first.
READY_MODES = ("1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "YCbCr")


class ImageTooLarge(BuildError):
    """A picture of more pixels than Pillow will unpack (a decompression bomb, or a scan at
    a printer's full resolution); `reason` says so without the path."""

    def __init__(self, path: Path, reason: str):
        self.reason = reason
        super().__init__(f"{display_path(path)}: {reason}")


def data_uri(path: Path, max_width_in: float, max_height_in: float = 0,
             cache_dir: Path | None = None, crop: bool = False, exact: bool = False) -> str:
    """The image as a data: URI, scaled to fit the box at 300 dpi; with `crop`, cut to the
    box's shape first (a portrait: the box filled, at the resolution the source allows); with
    `exact`, scaled up or down to fill the box, which has the picture's shape, at 300 dpi.

    With `cache_dir`, the result is kept on disk under a hash of the image and the box, so a
    later process neither imports Pillow nor scales the photo again.
    """
    stat = path.stat()
    if cache_dir is None:
        return _data_uri(path, stat.st_mtime_ns, stat.st_size, max_width_in, max_height_in,
                         crop, exact)
    key = hashlib.sha256(path.read_bytes())
    key.update(f"{max_width_in:.4f}x{max_height_in:.4f}@{MAX_DPI}{' crop' * crop}"
               f"{' exact' * exact}".encode())
    cached = cache_dir / f"{key.hexdigest()}.uri"
    try:
        return cached.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        pass
    uri = _data_uri(path, stat.st_mtime_ns, stat.st_size, max_width_in, max_height_in, crop,
                    exact)
    try:
        from .files import write_atomic

        write_atomic(cached, uri.encode("ascii"))
    except OSError:
        pass  # a read-only project still builds, just without the cache
    return uri


def printed_size(width_px: int, height_px: int, max_width_in: float,
                 max_height_in: float) -> tuple[float, float]:
    """How large a photo of these pixels prints, in inches: as large as the box allows, but
    at no fewer than MIN_DPI (a small picture printed across the page looks soft)."""
    scale = min(max_width_in / width_px, max_height_in / height_px, 1 / MIN_DPI)
    return width_px * scale, height_px * scale


def photo_uri(path: Path, max_width_in: float, max_height_in: float,
              cache_dir: Path | None = None) -> tuple[str, float, float]:
    """A release photo as a data: URI of exactly MAX_DPI at its printed size, and that size
    in inches. The stylesheet reads every photo at MAX_DPI (image-resolution), so the picture's
    own size is its printed size, and its figure, and caption, can be exactly as wide."""
    if path.suffix.lower() == ".svg":
        return data_uri(path, max_width_in, max_height_in, cache_dir), 0.0, 0.0
    from PIL import Image

    try:
        with Image.open(path) as image:      # the header alone
            width, height = image.size
            if image.getexif().get(EXIF_ORIENTATION, 1) in TURNED:
                width, height = height, width     # a camera held upright
    except (OSError, Image.DecompressionBombError):
        width = height = 0     # data_uri says what is wrong with it
    if not width or not height:
        return data_uri(path, max_width_in, max_height_in, cache_dir), 0.0, 0.0
    width_in, height_in = printed_size(width, height, max_width_in, max_height_in)
    uri = data_uri(path, width_in, height_in, cache_dir, exact=True)
    return uri, width_in, height_in


@lru_cache(maxsize=256)
def _data_uri(path: Path, _mtime: int, _size: int, max_width_in: float,
              max_height_in: float, crop: bool = False, exact: bool = False) -> str:
    raw = path.read_bytes()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mime != "image/svg+xml":
        raw, mime = _downscale(path, raw, max_width_in, max_height_in, crop, exact)
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def _downscale(path: Path, raw: bytes, max_width_in: float, max_height_in: float,
               crop: bool = False, exact: bool = False):
    from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

    # WeasyPrint, once imported, lets Pillow fill a file cut short with grey: a photo half
    # copied would print so in a background renderer and be refused by `check`.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except Image.DecompressionBombError as exc:
        # 30000 x 30000 pixels unpack to gigabytes; Pillow refuses before it reads them.
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"has {int(pixels[1]) / 1e6:,.0f} million pixels" if pixels else \
            "has too many pixels"
        raise ImageTooLarge(path, f"{size}, more than presskit reads in a picture "
                                  f"({Image.MAX_IMAGE_PIXELS * 2 / 1e6:,.0f} million); scale "
                                  f"it down to what it prints at (a page's width at 300 dpi is "
                                  f"some 2500 pixels)") from None
    except (UnidentifiedImageError, OSError):
        raise BuildError(f"{display_path(path)}: not an image presskit can read (damaged, or "
                         f"of a kind Pillow does not know)") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    fmt = image.format or ""
    mime = Image.MIME.get(fmt, "image/png")
    limit_w = int(max_width_in * MAX_DPI)
    limit_h = int(max_height_in * MAX_DPI) if max_height_in else limit_w * 4
    shaped = not crop or abs(image.width * limit_h - image.height * limit_w) <= \
        0.01 * image.height * limit_w
    if exact:
        limit_w, limit_h = round(max_width_in * MAX_DPI), round(max_height_in * MAX_DPI)
    if (shaped and image.width <= limit_w and image.height <= limit_h
            and (not exact or image.size == (limit_w, limit_h))
            and fmt in ("JPEG", "PNG") and image.mode in READY_MODES):
        return raw, mime
    image = ImageOps.exif_transpose(image)
    if crop:
        image = cut_to_shape(image, limit_w / limit_h)
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        # 16-bit or float grey (scanners, Photoshop), which the PDF writer cannot take: to
        # 8 bits, scaled, not clipped (a plain convert turns most of the range white).
        if image.mode.startswith("I;16"):
            image, top = image.convert("I"), 65535
        else:
            top = max(image.getextrema()[1], 1)
        image = image.point(lambda value: value * (255 / top)).convert("L")
    if exact:
        image = image.resize((limit_w, limit_h), Image.LANCZOS)
    else:
        image.thumbnail((limit_w, limit_h), Image.LANCZOS)
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P") or fmt == "PNG":
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), "image/jpeg"


def cut_to_shape(image, ratio: float):
    """The largest part of `image` of width/height `ratio`: centred across, and a fifth of
    the way down, where a portrait's face is (the box then shows the face, not the chin)."""
    width, height = image.size
    if width / height > ratio:        # too wide: trim the sides evenly
        keep = round(height * ratio)
        left = (width - keep) // 2
        return image.crop((left, 0, left + keep, height))
    keep = round(width / ratio)       # too tall: trim mostly from the bottom
    top = (height - keep) // 5
    return image.crop((0, top, width, top + keep))


# An inlined raster image: PNG, GIF and WebP can hold transparency; JPEG cannot.
RASTER_URI_RE = re.compile(r"data:image/(png|gif|webp);base64,([A-Za-z0-9+/=]+)")


def flatten_transparency(html: str) -> str:
    """Every inlined image with transparency laid on white, as PDF/A-1 requires (it allows no
    soft mask): a logo with a transparent background looks the same on a white page, and an
    archive's validator accepts the file. Images without transparency are left as they are."""
    from PIL import Image

    def flattened(match: re.Match) -> str:
        raw = base64.b64decode(match[2])
        with Image.open(io.BytesIO(raw)) as image:
            if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
                return match[0]
            rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, "white")
        out = io.BytesIO()
        Image.alpha_composite(white, rgba).convert("RGB").save(out, "PNG", optimize=True)
        return f"data:image/png;base64,{base64.b64encode(out.getvalue()).decode('ascii')}"

    return RASTER_URI_RE.sub(flattened, html)
