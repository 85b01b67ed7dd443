"""A release that asks everything of the layout, by the invented Northwind Alliance: a long
headline, subheads, lists, a block quote, a table with a title and a source, a landscape and
a portrait photo, three contacts (one with two phone numbers), notes to editors; and an
organization with every kit section. Used by tests/test_page_layout.py and for a look:

    python tests/stress.py DIR [letter|a4]     # writes the project, builds its PDF and kit
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

from conftest import ProjectMaker

SLUG = "2024-06-12-northern-clinics-report"
PHOTO_COLOURS = {"landscape": (46, 110, 78), "portrait": (120, 52, 96)}

CONTACTS = [
    {"name": "Sam Press", "title": "Press officer", "email": "press@nrha.example.org",
     "phone": "+1 (416) 625 3843 (mobile); +1 (416) 531-9513 (landline)"},
    {"name": "Dr. Amara Okonkwo-Lindqvist", "title": "Head of Field Communications and "
     "Community Liaison, Northern Crossings", "email": "amara.okonkwo-lindqvist@field-office."
     "nrha.example.org", "phone": "+44 20 7946 0958 ext. 204"},
    {"name": "Night desk", "email": "nightdesk@example.org", "phone": "+1 555 0199"},
]

BODY = """\
The Alliance today published its first full report on the clinics it runs at the northern \
crossings, covering 41,200 consultations over twelve months, and asked the regional \
authorities to keep the crossings' medical posts open through the winter.

"The numbers tell a simple story: where a clinic opens, people who had nowhere to turn now \
have somewhere to go," said Ada Example, the Alliance's director. "Closing the posts for the \
winter would undo a year of work in a week."

## What the report found

The report follows patients from their first visit to the end of their treatment, and \
compares the crossings with and without a permanent post. Its main findings:

- Consultations rose by a third where a post stayed open at night.
- Most patients were seen for injuries from the road, respiratory infections and chronic \
illness left untreated on the journey:
  - one in five had gone without medication for more than a month;
  - one in ten needed a referral to a hospital.
- Waiting times fell from three hours to forty minutes once a second team joined.

Table: Consultations by crossing, June 2023 to May 2024

| Crossing | Consultations | Referrals | Share seen at night |
|---|---:|---:|---:|
| Northern gate | 14,820 | 1,310 | 38% |
| River ford | 9,455 | 806 | 22% |
| Old customs post | 7,930 | 655 | 31% |
| Mountain road | 5,214 | 498 | 12% |
| Rail yard | 3,781 | 301 | 9% |

Source: Northwind Refugee Health Alliance clinic records, June 2023 to May 2024.

> We walked for nine days. At the gate there was a tent with a light on, and a nurse who \
asked my daughter's name before she asked for our papers.
>
> — A patient at the northern gate, quoted with her consent

## What the Alliance asks

The Alliance asks the regional authorities to keep the medical posts open through the winter, \
to allow a second team at the two busiest crossings, and to publish the number of people \
turned back at each crossing every month, so that clinics can plan for them.

1. Keep every post open from November to March.
2. Fund a second team at the northern gate and the river ford.
3. Publish monthly figures for each crossing.

The report, its methods and its anonymized data are published today at nrha.example.org, \
with a summary in four languages. The Alliance will present it to the regional health \
committee on 20 June.

"We are not asking for anything new," said Ada Example. "We are asking that what works be \
allowed to go on working when the weather turns, which is when people need it most."
"""


def photo(kind: str) -> bytes:
    """A photo made at test time: a solid colour with a lighter band, so a look finds it."""
    from PIL import Image, ImageDraw

    size = (2400, 1600) if kind == "landscape" else (1200, 1800)
    image = Image.new("RGB", size, PHOTO_COLOURS[kind])
    ImageDraw.Draw(image).rectangle((0, size[1] // 3, size[0], size[1] // 2), (200, 200, 190))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def stress_project(root: Path, paper: str = "letter") -> ProjectMaker:
    maker = ProjectMaker(root)
    maker.write("presskit.yaml", f"paper: {paper}\n")
    maker.write("assets/landscape.jpg", photo("landscape"))
    maker.write("assets/portrait.jpg", photo("portrait"))
    maker.write("assets/ada.jpg", photo("portrait"))
    maker.organization(
        facts=[{"label": "Founded", "value": "2009"},
               {"label": "Clinics", "value": "14 mobile clinics at 6 crossings"},
               {"label": "Gesundheitsversorgungseinrichtungen",   # a long label, in German
                "value": "A word longer than its column, which must wrap inside it"},
               {"label": "Staff", "value": "212 doctors, nurses, drivers and interpreters"}],
        people=[{"name": "Ada Example", "title": "Director", "photo": "assets/ada.jpg",
                 "bio": "Ada has led the Alliance since 2015."},
                {"name": "Ben Example", "title": "Medical lead, northern crossings",
                 "bio": "Ben runs the clinics' medical teams."}],
        contacts=CONTACTS,
    )
    maker.release(
        SLUG,
        title="Alliance report finds clinics at the northern crossings saw 41,200 patients in "
              "a year, and asks that their medical posts stay open through the winter",
        subtitle="The first full account of a year of consultations, referrals and waiting "
                 "times at six crossings",
        dateline="Portland, ME",
        body=BODY,
        contacts=CONTACTS,
        images=[{"src": "assets/landscape.jpg", "caption": "The clinic at the northern gate "
                 "at dawn, before the first patients arrive.", "credit": "Ben Example"},
                {"src": "assets/portrait.jpg", "caption": "A nurse of the night team checks "
                 "the supplies of the river ford post, which stays open until midnight.",
                 "credit": "Ada Example"}],
        notes="The full report and its data: nrha.example.org/report-2024. Photos may be used "
              "with their credit.",
        tags=["clinics", "report"],
    )
    return maker


if __name__ == "__main__":

    from presskit.cli import main

    target = Path(sys.argv[1])
    stress_project(target, sys.argv[2] if len(sys.argv) > 2 else "letter")
    for args in (["build"], ["kit", "--year", "2024"]):
        try:
            main(["--project", str(target), *args])
        except SystemExit as exit:
            if exit.code:
                raise
