"""An invented organization (example.org) with N releases of varied length, for the benchmark.

The text is generated from a fixed seed, so every run measures the same documents. Nothing here
quotes or names a real organization or person.
"""
from __future__ import annotations

import random
import struct
import zlib
from datetime import date, timedelta
from pathlib import Path

import yaml

ORGANIZATION = {
    "name": "Harbourlight Coastal Health Network",
    "short_name": "HCHN",
    "location": "Lisbon, Portugal",
    "website": "https://hchn.example.org",
    "logo": "assets/logo.png",
    "lang": "en",
    "boilerplate": "The Harbourlight Coastal Health Network is an invented organization made "
                   "for presskit's benchmark. It runs clinics in fishing towns along an "
                   "imaginary coast and trains community health workers.",
    "facts": [{"label": "Founded", "value": "2004"}, {"label": "Clinics", "value": "31"},
              {"label": "Staff", "value": "420"}],
    "history": [{"year": str(2004 + 2 * i), "text": f"Milestone number {i + 1} of the network."}
                for i in range(8)],
    "people": [{"name": "Rui Example", "title": "Director",
                "bio": "Rui has led the network since its invented founding."},
               {"name": "Mara Sample", "title": "Medical lead",
                "bio": "Mara trains the network's community health workers."}],
    "contacts": [{"name": "Lena Press", "title": "Media officer", "email": "press@example.org",
                  "phone": "+351 555 0100"}],
}

WORDS = ("clinic coast health network boats harbour village nurse doctor training water "
         "vaccine season storm families community fishing workers report survey district "
         "mobile supplies winter outreach children elders access care funding partners "
         "ministry volunteers night ferry island road bridge school radio").split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 22))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def release_data(index: int, rng: random.Random, day: date,
                 paragraphs: tuple[int, int] = (3, 16)) -> tuple[str, dict]:
    """One release: between 3 and 16 paragraphs (one to four pages) by default, a quote, and
    a subhead and a list when it is longer than six."""
    words = [rng.choice(WORDS) for _ in range(3)]
    slug = f"{day.isoformat()}-{'-'.join(words)}-{index:03d}"
    paragraphs = [_paragraph(rng) for _ in range(rng.randint(*paragraphs))]
    paragraphs.insert(1, f"“{_sentence(rng)}” said Rui Example, the network’s director.")
    if len(paragraphs) > 6:
        paragraphs.insert(4, "## What happens next")
        paragraphs.insert(6, "- " + _sentence(rng) + "\n- " + _sentence(rng))
    data = {
        "title": f"Network {words[0]} {words[1]} update number {index + 1} for the {words[2]}",
        "subtitle": _sentence(rng),
        "date": day,
        "dateline": "Lisbon, Portugal",
        "body": "\n\n".join(paragraphs) + "\n",
        "tags": words[:2],
    }
    if index % 5 == 0:
        data["notes"] = "Interviews are available on request."
    return slug, data


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small solid-colour PNG, written by hand so the benchmark needs no image files."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def make_project(root: Path, n: int, *, seed: int = 7, year: int = 2025,
                 paragraphs: tuple[int, int] = (3, 16), photos: bool = False) -> list[str]:
    """Write an invented project with `n` releases of between paragraphs[0] and
    paragraphs[1] paragraphs into `root`, each with a photo if `photos`; return the release
    slugs."""
    rng = random.Random(seed)
    (root / "releases").mkdir(parents=True, exist_ok=True)
    (root / "assets").mkdir(exist_ok=True)
    (root / "media").mkdir(exist_ok=True)
    (root / "assets" / "logo.png").write_bytes(png(300, 90, (20, 70, 120)))
    if photos:
        (root / "assets" / "boats.png").write_bytes(png(1200, 800, (40, 110, 140)))
    _dump(root / "organization.yaml", ORGANIZATION)
    _dump(root / "presskit.yaml", {"paper": "a4", "email": {
        "from": "HCHN Press <press@example.org>", "per_minute": 0}})
    # Spread over the year (every release dated in `year`, for the kit), in date order.
    spacing = max(1, 360 // max(n, 1))
    slugs = []
    for i in range(n):
        slug, data = release_data(i, rng, date(year, 1, 2) + timedelta(days=i * spacing),
                                  paragraphs)
        if photos:
            data["images"] = [{"src": "assets/boats.png", "caption": "Boats in the harbour.",
                               "credit": "Invented for the benchmark"}]
        _dump(root / "releases" / f"{slug}.yaml", data)
        slugs.append(slug)
    return slugs


def write_media_list(root: Path, name: str, count: int) -> Path:
    """A media list of `count` invented example.org journalists."""
    path = root / "media" / f"{name}.csv"
    lines = ["email,name,outlet"]
    lines += [f"reporter{i:04d}@example.org,Reporter {i},Outlet {i % 40}" for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _dump(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
