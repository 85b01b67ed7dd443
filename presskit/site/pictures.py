"""A release's pictures for the web and for the press.

Each picture gets web sizes for the page's srcset (scaled once, then kept in
.presskit/site-pictures/ under a hash of the source), its original file for "full size", and
a place in the release's ZIP: the original's very pixels, the caption and credit written into
the file as XMP (dc:description, photoshop:Credit), so that they travel with the picture into
a newspaper's picture desk. The XMP packet is inserted as a JPEG APP1 segment or a PNG iTXt
chunk, byte for byte around the picture: saving it again through Pillow (whose save takes
xmp= for both) would re-encode a JPEG, and a photo desk wants the photographer's file.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from ..files import write_atomic
from ..images import cut_to_shape
from ..model import Image as ReleaseImage
from . import addresses

WIDTHS = (480, 960, 1600)      # px: a phone, a desktop's column at 2x, a large screen
JPEG_QUALITY = 82
XMP_JPEG_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"


@dataclass
class WebPicture:
    """One picture as the page shows it."""

    src: str                      # the srcset's middle size, relative to the site's root
    srcset: list[tuple[str, int]]  # (path, width)
    width: int
    height: int
    original: str                 # the full-size file, relative to the site's root
    original_bytes: int
    caption: str
    credit: str
    alt: str


def file_stem(index: int, source: Path) -> str:
    """'01-clinic-at-dawn': numbered, so two pictures called photo.jpg in two folders differ,
    and lower-case words only, so the address is the same on every host."""
    words = re.sub(r"[^a-z0-9]+", "-", source.stem.lower()).strip("-") or "picture"
    return f"{index + 1:02d}-{words}"


def web_pictures(slug: str, images: list[ReleaseImage], cache: Path, files) -> list[WebPicture]:
    """Add each picture's web sizes and original to `files`; return what the page shows."""
    pictures = []
    folder = addresses.release_folder(slug)
    for index, image in enumerate(images):
        stem = file_stem(index, image.src)
        original = f"{folder}/{stem}{image.src.suffix.lower()}"
        files.copy(original, image.src)
        raw = image.src.read_bytes()
        if image.src.suffix.lower() == ".svg":
            width = height = 0
            srcset = [(original, 0)]
        else:
            sizes, (width, height) = _sizes(raw, cache)
            srcset = []
            for size_width, ext, data in sizes:
                path = f"{folder}/{stem}-{size_width}.{ext}"
                files.add(path, data)
                srcset.append((path, size_width))
        middle = srcset[min(1, len(srcset) - 1)][0]
        pictures.append(WebPicture(src=middle, srcset=srcset, width=width, height=height,
                                   original=original, original_bytes=len(raw),
                                   caption=image.caption, credit=image.credit, alt=image.alt))
    return pictures


def _sizes(raw: bytes, cache: Path) -> tuple[list[tuple[int, str, bytes]], tuple[int, int]]:
    """The web sizes of a raster picture (no wider than the original), from the cache when
    this very picture was scaled before."""
    digest = hashlib.sha256(raw).hexdigest()
    index = cache / f"{digest}.txt"
    try:
        lines = index.read_text(encoding="ascii").split()
        size = tuple(int(n) for n in lines[0].split("x"))
        sizes = [(int(w), ext, (cache / f"{digest}-{w}.{ext}").read_bytes())
                 for w, ext in (entry.split(".") for entry in lines[1:])]
        return sizes, size   # type: ignore[return-value]
    except (OSError, ValueError, IndexError):
        pass
    sizes, size = _scale(raw)
    try:
        for width, ext, data in sizes:
            write_atomic(cache / f"{digest}-{width}.{ext}", data)
        listing = " ".join([f"{size[0]}x{size[1]}", *(f"{w}.{e}" for w, e, _ in sizes)])
        write_atomic(index, listing.encode("ascii"))
    except OSError:
        pass   # a read-only project still builds, only more slowly
    return sizes, size


def _scale(raw: bytes) -> tuple[list[tuple[int, str, bytes]], tuple[int, int]]:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(raw)) as opened:
        picture = ImageOps.exif_transpose(opened)
        picture.load()
    transparent = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    picture = picture.convert("RGBA" if transparent else "RGB")
    widths = [w for w in WIDTHS if w < picture.width] + [min(picture.width, WIDTHS[-1])]
    sizes = []
    for width in sorted(set(widths)):
        height = max(1, round(picture.height * width / picture.width))
        scaled = picture if width == picture.width else picture.resize(
            (width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if transparent:
            scaled.save(out, "PNG", optimize=True)
            sizes.append((width, "png", out.getvalue()))
        else:
            scaled.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
            sizes.append((width, "jpg", out.getvalue()))
    return sizes, picture.size


def pictures_zip(release_date: dt.date, images: list[ReleaseImage], organization: str) -> bytes:
    """The release's pictures at full size, each with its caption and credit inside, in a ZIP
    whose every byte follows from the pictures (entries in order, dated the release's day)."""
    out = io.BytesIO()
    stamp = (max(release_date.year, 1980), release_date.month, release_date.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w") as archive:
        for index, image in enumerate(images):
            data = with_metadata(image.src.read_bytes(), image.src.suffix.lower(),
                                 image.caption, image.credit, organization)
            info = zipfile.ZipInfo(file_stem(index, image.src) + image.src.suffix.lower(),
                                   date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED   # pictures are compressed already
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def xmp_packet(caption: str, credit: str, source: str) -> bytes:
    """An XMP packet with the caption (dc:description), the credit (photoshop:Credit, and as
    dc:rights when it is a copyright line) and the source."""
    parts = []
    if caption:
        parts.append("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"
                     f"{escape(caption)}</rdf:li></rdf:Alt></dc:description>")
    if credit:
        parts.append(f"<photoshop:Credit>{escape(credit)}</photoshop:Credit>")
        if credit.lstrip().startswith(("©", "(c)", "Copyright")):
            parts.append("<dc:rights><rdf:Alt><rdf:li xml:lang=\"x-default\">"
                         f"{escape(credit)}</rdf:li></rdf:Alt></dc:rights>")
    if source:
        parts.append(f"<photoshop:Source>{escape(source)}</photoshop:Source>")
    return ("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">"
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
            "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
            "xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\">"
            + "".join(parts) +
            "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>").encode("utf-8")


def with_metadata(raw: bytes, suffix: str, caption: str, credit: str, source: str) -> bytes:
    """The picture's bytes with an XMP packet in place of any it had (JPEG and PNG); other
    kinds (SVG, GIF, WebP) as they are."""
    if not (caption or credit):
        return raw
    packet = xmp_packet(caption, credit, source)
    if suffix in (".jpg", ".jpeg") and raw[:2] == b"\xff\xd8":
        return _jpeg_with_xmp(raw, packet)
    if suffix == ".png" and raw[:8] == b"\x89PNG\r\n\x1a\n":
        return _png_with_xmp(raw, packet)
    return raw


def _jpeg_with_xmp(raw: bytes, packet: bytes) -> bytes:
    """The JPEG with its XMP APP1 segment replaced (or added after its JFIF/EXIF headers)."""
    segment_data = XMP_JPEG_HEADER + packet
    if len(segment_data) + 2 > 0xFFFF:
        return raw
    segment = b"\xff\xe1" + struct.pack(">H", len(segment_data) + 2) + segment_data
    position, kept = 2, [raw[:2]]
    while position + 4 <= len(raw) and raw[position] == 0xFF:
        marker = raw[position + 1]
        if marker in (0xD9, 0xDA) or not 0xE0 <= marker <= 0xEF:
            break   # the image data (or a table) begins: the metadata segments are behind us
        length = struct.unpack(">H", raw[position + 2:position + 4])[0]
        chunk = raw[position:position + 2 + length]
        if not (marker == 0xE1 and chunk[4:4 + len(XMP_JPEG_HEADER)] == XMP_JPEG_HEADER):
            kept.append(chunk)
        position += 2 + length
    kept.append(segment)
    kept.append(raw[position:])
    return b"".join(kept)


def _png_with_xmp(raw: bytes, packet: bytes) -> bytes:
    """The PNG with an iTXt XML:com.adobe.xmp chunk after its header, any earlier one gone."""
    chunks, position = [raw[:8]], 8
    keyword = b"XML:com.adobe.xmp\x00"
    while position + 8 <= len(raw):
        length = struct.unpack(">I", raw[position:position + 4])[0]
        kind = raw[position + 4:position + 8]
        chunk = raw[position:position + 12 + length]
        if not (kind == b"iTXt" and chunk[8:8 + len(keyword)] == keyword):
            chunks.append(chunk)
        if kind == b"IHDR":
            body = b"iTXt" + keyword + b"\x00\x00\x00\x00" + packet
            chunks.append(struct.pack(">I", len(body) - 4) + body
                          + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF))
        position += 12 + length
    return b"".join(chunks)


def small_image(source: Path, cache: Path, max_width: int, max_height: int,
                ratio: float = 0) -> tuple[bytes, str, int, int]:
    """A logo or a portrait at the size a page shows it at twice (for sharp screens): bytes,
    extension, width, height. With `ratio` (width / height) it is cut to that shape first, as
    the kit cuts a portrait (images.cut_to_shape). An SVG is returned as it is (width and
    height 0)."""
    raw = source.read_bytes()
    if source.suffix.lower() == ".svg":
        return raw, "svg", 0, 0
    key = hashlib.sha256(raw + f"{max_width}x{max_height}/{ratio:.4f}/face".encode()).hexdigest()
    for ext in ("jpg", "png"):
        kept = cache / f"{key}.{ext}"
        if kept.is_file():
            from PIL import Image

            with Image.open(kept) as image:
                return kept.read_bytes(), ext, image.width, image.height
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(raw)) as opened:
        picture = ImageOps.exif_transpose(opened)
        picture.load()
    if ratio:
        picture = cut_to_shape(picture, ratio)
    transparent = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    picture = picture.convert("RGBA" if transparent else "RGB")
    picture.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    ext = "png" if transparent else "jpg"
    if transparent:
        picture.save(out, "PNG", optimize=True)
    else:
        picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    try:
        write_atomic(cache / f"{key}.{ext}", out.getvalue())
    except OSError:
        pass
    return out.getvalue(), ext, picture.width, picture.height


