"""The newsroom's rebuild: `python -m bench.site [N]` (1000 releases by default).

Makes the benchmark's invented organization (example.org) with N short releases over three
years, builds its site once (cold: every PDF, page and picture), then measures, each command
its own process as a user runs it (best of three): `presskit site` with nothing changed,
and after one release is edited. The
figures say how much of a rebuild is the one change and how much is reading the project and
rendering the pages that list every release (the front page, feed, search index, sitemap).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.__main__ import edit_release, presskit, run
from bench.project import make_project

NOW = "2030-01-01T00:00:00Z"


def site(project: Path) -> tuple[float, str]:
    done = run(presskit("--project", str(project), "site", "--now", NOW,
                        "--base-url", "https://example.org/newsroom/"))
    if done.returncode:
        raise SystemExit(done.stderr)
    return done.seconds, done.stderr.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    n = int(args[0]) if args else 1000
    with tempfile.TemporaryDirectory(prefix="presskit-bench-site-") as folder:
        project = Path(folder) / "newsroom"
        make_project(project, n, year=2023, paragraphs=(2, 3))
        cold, summary = site(project)
        print(f"site of {n} releases, cold (every PDF): {cold:.1f} s  [{summary}]")
        unchanged = [site(project) for _ in range(3)]
        best = min(unchanged)
        print(f"site rebuilt, nothing changed: {best[0]:.2f} s (best of 3)  [{best[1]}]")
        edits = []
        for count in range(3):
            edit_release(project, (count + 1) * n // 4)
            edits.append(site(project))
        best = min(edits)
        print(f"site rebuilt, one release edited: {best[0]:.2f} s (best of 3)  [{best[1]}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
