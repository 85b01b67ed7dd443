"""presskit's benchmark: `python -m bench` (or `make bench`). Figures, not a test.

Makes an invented organization (example.org) with 24 and 100 releases in a temporary folder and
measures, in one run so the ratios compare like with like on a shared machine:

- a cold `presskit build` of 24 releases (no `.presskit/`, no `dist/`; what presskit keeps in
  the user's cache folder there as after any first build on a machine, and once without)
  against the engine floor (the same HTML rendered by WeasyPrint alone in one warm process on
  one core, bench/floor.py) and against one `weasyprint` process per release; and the same
  cold build with presskit/engine's tricks left out (PRESSKIT_ENGINE_SKIP=all);
- a rebuild with nothing changed, after one release is edited (a `presskit build`, and under
  `presskit serve`: three edits a few seconds apart, each until the served PDF is the new
  one), after a template is edited;
- 24 one-page releases: the cold build against its floor (the engine's start weighs more);
- 100 releases: a cold build and `presskit kit --year` (time and peak memory);
- 24 releases with a photo each: `presskit kit` after the build, which takes each release's
  photo places from it, against the same kit with the places tried again (no build cache);
- `presskit send` of one release to 1000 addresses on a local aiosmtpd, rate limit off;
- `presskit --help` against `python -c "import click"`.

Every command runs as its own process, as a user would run it. Best of five, alternated, for the
cold builds of 24 and their floors, best of two for 100 (this machine's speed swings by a third
from minute to minute, and one core can be a third slower than the other for a while); best of
five for the no-op rebuild; medians of nine for the start-up figures.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.project import make_project, write_media_list

BIN = Path(sys.executable).parent
YEAR = 2025


@dataclass
class Run:
    seconds: float
    peak_mb: float          # the largest resident set of the process or any child it waited for
    returncode: int
    stdout: str
    stderr: str


def run(args: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run a command, timing it and reading its peak memory from wait4()."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err,
                                env={**os.environ, **env} if env else None)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, proc.returncode,
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def presskit(*args: str) -> list[str]:
    script = BIN / "presskit"
    return [str(script)] + list(args) if script.exists() else \
        [sys.executable, "-m", "presskit", *args]


def build(project: Path, *args: str, env: dict | None = None) -> Run:
    result = run(presskit("--project", str(project), "build", *args), env=env)
    if result.returncode != 0:
        sys.exit(f"bench: presskit build failed:\n{result.stderr[-3000:]}")
    return result


def built_count(result: Run) -> int:
    """N from the build's last line, 'N built, M up to date'."""
    last = result.stderr.strip().splitlines()[-1]
    return int(last.split(" built")[0])


def clean(project: Path) -> None:
    shutil.rmtree(project / "dist", ignore_errors=True)
    shutil.rmtree(project / ".presskit", ignore_errors=True)


def floor(project: Path, html_dir: Path) -> dict:
    result = run([sys.executable, "-m", "bench.floor", str(project), str(html_dir)],
                 cwd=Path(__file__).resolve().parent.parent)
    if result.returncode != 0:
        sys.exit(f"bench: the engine floor failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def weasyprint_cli(html_dir: Path, sample: int | None) -> tuple[float, int, int]:
    """Seconds for one `weasyprint` process per release (a sample, scaled, when asked)."""
    files = sorted(html_dir.glob("*.html"))
    chosen = files if not sample or sample >= len(files) else \
        [files[i * len(files) // sample] for i in range(sample)]
    exe = BIN / "weasyprint"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "weasyprint"]
    total = 0.0
    for html in chosen:
        result = run(command + [str(html), str(html.with_suffix(".pdf"))])
        if result.returncode != 0:
            sys.exit(f"bench: weasyprint failed on {html.name}:\n{result.stderr[-2000:]}")
        total += result.seconds
    return total * len(files) / len(chosen), len(chosen), len(files)


def cold_and_floor(project: Path, html_dir: Path, n: int, times: int) -> tuple[list, list]:
    """`times` cold builds of `project`, each followed by the engine floor of its HTML:
    alternated, so that best of each comes from the same stretch of a shared machine."""
    colds, floors = [], []
    for _ in range(times):
        clean(project)
        cold = build(project)
        if built_count(cold) != n:
            sys.exit(f"bench: the cold build built {built_count(cold)} of {n}")
        colds.append(cold)
        floors.append(floor(project, html_dir))
    return colds, floors


def median_of(n: int, make) -> float:
    return statistics.median(make().seconds for _ in range(n))


def runs(seconds) -> str:
    return ", ".join(f"{value:.2f}" for value in seconds)


def paired(colds: list[Run], floors: list[dict]) -> str:
    """Each cold build against the floor measured right after it: how far the machine's
    speed moved while the best-of figures were taken."""
    return ", ".join(f"{c.seconds / f['seconds']:.3g}" for c, f in zip(colds, floors))


def one_edits(project: Path, n: int, count: int = 3) -> list[float]:
    """The times of `count` builds, each after a different release is edited."""
    edits = []
    for i in range(count):
        edit_release(project, i * n // count)
        edited = build(project)
        if built_count(edited) != 1:
            sys.exit(f"bench: one edited release rebuilt {built_count(edited)} PDFs")
        edits.append(edited.seconds)
    return edits


def serve_edits(project: Path, n: int, count: int = 3) -> list[float]:
    """Seconds from saving an edit to `presskit serve` answering with the new PDF, for
    `count` edits three seconds apart (each one makes the year's kit stale again)."""
    import urllib.request

    port = free_port()
    server = subprocess.Popen(presskit("--project", str(project), "serve", "--port", str(port)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        slugs = sorted(p.stem for p in (project / "releases").glob("*.yaml"))
        for slug in slugs[:2]:          # the first request warms the engine up
            urllib.request.urlopen(f"{base}/releases/{slug}.pdf", timeout=120).read()
        times = []
        for i in range(count):
            time.sleep(3)
            index = (i + 1) * n // (count + 1)
            edit_release(project, index)
            start = time.perf_counter()
            urllib.request.urlopen(f"{base}/releases/{slugs[index]}.pdf", timeout=120).read()
            times.append(time.perf_counter() - start)
        return times
    finally:
        server.terminate()
        server.wait(timeout=30)


def edit_release(project: Path, index: int) -> None:
    path = sorted((project / "releases").glob("*.yaml"))[index]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["body"] += "\nA paragraph added by the benchmark, as an editor would add one.\n"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def edit_template(project: Path) -> None:
    """A project override of a built-in template, as a press office would make one."""
    from presskit import theme

    source = theme.builtin_root() / "templates" / "_letterhead.html"
    target = project / "templates" / source.name
    target.parent.mkdir(exist_ok=True)
    target.write_text(source.read_text(encoding="utf-8") + "{# edited by the benchmark #}\n",
                      encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send_bench(project: Path, count: int) -> dict | str:
    """Send one release to `count` addresses on a local aiosmtpd; messages a second."""
    if run(presskit("send", "--help")).returncode != 0:
        return "skipped: this presskit has no `send` command yet"
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        return "skipped: aiosmtpd is not installed (pip install -e '.[test]')"

    class Counter:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Counter.received += len(envelope.rcpt_tos)
            return "250 OK"

    write_media_list(project, "bench", count)
    port = free_port()
    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        slug = sorted((project / "releases").glob("*.yaml"))[0].stem
        result = run(presskit("--project", str(project), "-q", "send", slug, "--to", "bench",
                              "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
                              "--smtp-security", "none"))
    finally:
        controller.stop()
    if result.returncode != 0:
        return f"failed (exit {result.returncode}): {result.stderr.strip()[-300:]}"
    return {"seconds": result.seconds, "received": Counter.received,
            "rate": Counter.received / result.seconds}


def kit_bench(project: Path) -> Run | str:
    if run(presskit("kit", "--help")).returncode != 0:
        return "skipped: this presskit has no `kit` command yet"
    result = run(presskit("--project", str(project), "-q", "kit", "--year", str(YEAR)))
    if result.returncode != 0:
        return f"failed (exit {result.returncode}): {result.stderr.strip()[-300:]}"
    return result


def photo_kits(project: Path, n: int, times: int = 2) -> str:
    """`presskit kit` of `n` releases with a photo each after `presskit build`: its photo
    places taken from the build, against decided again by trial (the build cache set aside),
    alternated, best of `times`; and whether the two PDFs are the same."""
    make_project(project, n, year=YEAR, photos=True)
    build(project)
    cache = project / ".presskit" / "build-cache.json"
    recorded = cache.read_bytes()
    seconds: dict[str, list[float]] = {"decided": [], "trial": []}
    for _ in range(times):
        for way in seconds:
            if way == "decided":
                cache.write_bytes(recorded)
            else:
                cache.unlink()
            result = run(presskit("--project", str(project), "-q", "kit", "--year", str(YEAR),
                                  "-o", str(project / f"{way}.pdf")))
            if result.returncode != 0:
                return f"failed (exit {result.returncode}): {result.stderr.strip()[-300:]}"
            seconds[way].append(result.seconds)
    same = (project / "decided.pdf").read_bytes() == (project / "trial.pdf").read_bytes()
    return (f"{min(seconds['decided']):.2f} s against {min(seconds['trial']):.2f} s by trial "
            f"(best of {runs(seconds['decided'])} / {runs(seconds['trial'])}; "
            f"{'the same PDF' if same else 'PDFs DIFFER'})")


class Table:
    def __init__(self):
        self.rows: list[tuple[str, str, str, str]] = []
        self.verdicts: list[bool] = []

    def figure(self, name: str, value: str) -> None:
        self.rows.append((name, value, "", ""))
        print(f"  {name}: {value}", flush=True)

    def ratio(self, name: str, value: float, limit: float, *, at_least: bool = False,
              unit: str = "") -> None:
        ok = value >= limit if at_least else value <= limit
        self.verdicts.append(ok)
        target = f"{'>=' if at_least else '<='} {limit:g}{unit}"
        self.rows.append((name, f"{value:.3g}{unit}", target, "PASS" if ok else "MISS"))
        print(f"  {name}: {value:.3g}{unit} (target {target}) {'PASS' if ok else 'MISS'}",
              flush=True)

    def print(self) -> None:
        width = max(len(r[0]) for r in self.rows)
        print()
        print(f"{'figure':<{width}}  {'value':>12}  {'target':>10}  result")
        for name, value, target, verdict in self.rows:
            print(f"{name:<{width}}  {value:>12}  {target:>10}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=24, help="releases in the small project")
    parser.add_argument("--large", type=int, default=100, help="releases in the large project")
    parser.add_argument("--messages", type=int, default=1000, help="messages to send")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    table = Table()
    tmp = Path(tempfile.mkdtemp(prefix="presskit-bench-"))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"presskit benchmark in {tmp}: {cores} cores, load average "
          f"{os.getloadavg()[0]:.2f} at the start (the machine may be shared)", flush=True)
    try:
        # Start-up first, while nothing else of ours runs.
        click_s = median_of(9, lambda: run([sys.executable, "-c", "import click"]))
        help_s = median_of(9, lambda: run(presskit("--help")))
        table.figure("python -c 'import click'", f"{click_s * 1000:.0f} ms")
        table.figure("presskit --help", f"{help_s * 1000:.0f} ms")
        table.ratio("--help / import click", help_s / click_s, 2.0)

        n = args.small
        small = tmp / f"org-{n}"
        make_project(small, n, year=YEAR)
        html_dir = tmp / f"html-{n}"
        colds, floors = cold_and_floor(small, html_dir, n, 5)
        cold = min(colds, key=lambda r: r.seconds)
        engine = min(floors, key=lambda f: f["seconds"])
        cold_runs = runs(r.seconds for r in colds)
        floor_runs = runs(f["seconds"] for f in floors)
        table.figure(f"cold build, {n} releases", f"{cold.seconds:.2f} s "
                     f"(runs {cold_runs}; peak {cold.peak_mb:.0f} MB a process)")
        table.figure(f"engine floor, {n} (1 warm process, 1 core)",
                     f"{engine['seconds']:.2f} s (runs {floor_runs}; "
                     f"{engine['seconds'] / n * 1000:.0f} ms a release; "
                     f"{engine['differ']} PDFs differ from the build's)")
        cli_s, sampled, total = weasyprint_cli(html_dir, None)
        table.figure(f"one weasyprint process per release, {n}", f"{cli_s:.1f} s")
        table.ratio(f"cold build / engine floor ({n})", cold.seconds / engine["seconds"], 0.6)
        table.figure(f"each cold run / the floor after it ({n})", paired(colds, floors))
        table.figure(f"cold build / weasyprint per release ({n})", f"{cold.seconds / cli_s:.3g}")
        # The cold builds above read C declarations and compiled templates from the user's
        # cache folder (files.cache_folder), as every build does after the first on a machine.
        clean(small)
        first = build(small, env={"XDG_CACHE_HOME": str(tmp / "empty-cache")})
        table.figure(f"cold build, first on the machine ({n})",
                     f"{first.seconds:.2f} s, {first.seconds / engine['seconds']:.3g} of the "
                     f"floor (the user's cache empty: C declarations and templates made anew)")
        # What presskit/engine's tricks on WeasyPrint's start save: the same cold build with
        # all of them left out, alternated with one that has them.
        plain, tricked = [], []
        for _ in range(3):
            clean(small)
            tricked.append(build(small).seconds)
            clean(small)
            plain.append(build(small, env={"PRESSKIT_ENGINE_SKIP": "all"}).seconds)
        table.figure(f"cold build, {n}, engine tricks left out",
                     f"{min(plain):.2f} s against {min(tricked):.2f} s with them (best of "
                     f"{runs(plain)} / {runs(tricked)}; PRESSKIT_ENGINE_SKIP=all)")

        # The rebuilds are compared with the cold build as it is taken, best of several: a
        # median against a best-of would set a typical minute of this machine against its
        # fastest one (its speed swings by half from one minute to the next).
        noops = [build(small).seconds for _ in range(5)]
        noop = min(noops)
        table.figure("no-op rebuild", f"{noop * 1000:.0f} ms (best of {runs(noops)}; "
                     f"median {statistics.median(noops) * 1000:.0f} ms)")
        table.ratio("no-op / cold", noop / cold.seconds, 0.05)

        edits = one_edits(small, n)
        edit = statistics.median(edits)
        table.figure("one release edited, presskit build", f"{edit:.2f} s (median of "
                     f"{runs(edits)}; exactly 1 PDF each)")
        table.figure("one edit, presskit build / cold", f"{edit / cold.seconds:.3g}")
        served = serve_edits(small, n)
        table.figure("one release edited, under presskit serve",
                     f"{max(served):.2f} s the slowest ({runs(served)}; edits 3 s apart, each "
                     f"until the served PDF is the new one)")
        table.ratio("slowest edit under serve / cold", max(served) / cold.seconds, 0.2)

        edit_template(small)
        template = build(small)
        table.figure("template edited", f"{template.seconds:.2f} s "
                     f"({built_count(template)} PDFs rebuilt)")
        table.figure("template edit / cold", f"{template.seconds / cold.seconds:.3g}")
        table.figure(f"template edit / engine floor ({n})",
                     f"{template.seconds / engine['seconds']:.3g} (every PDF rebuilt)")

        # The same number of releases, one page each: the engine's start (about half a second
        # here, paid once a build) weighs twice as much against a floor half as long.
        short = tmp / f"org-{n}-short"
        make_project(short, n, year=YEAR, paragraphs=(2, 3))
        shorts, floors_short = cold_and_floor(short, tmp / f"html-{n}-short", n, 5)
        best = min(shorts, key=lambda r: r.seconds)
        engine_short = min(floors_short, key=lambda f: f["seconds"])
        table.figure(f"cold build, {n} one-page releases",
                     f"{best.seconds:.2f} s (runs {runs(r.seconds for r in shorts)}); floor "
                     f"{engine_short['seconds']:.2f} s (runs "
                     f"{runs(f['seconds'] for f in floors_short)}; "
                     f"{engine_short['seconds'] / n * 1000:.0f} ms a release)")
        table.ratio(f"cold build / engine floor ({n} one-page releases)",
                    best.seconds / engine_short["seconds"], 0.6)
        table.figure(f"each cold run / the floor after it ({n} one-page)",
                     paired(shorts, floors_short))

        n = args.large
        large = tmp / f"org-{n}"
        make_project(large, n, year=YEAR)
        html_large = tmp / f"html-{n}"
        bigs, floors_large = cold_and_floor(large, html_large, n, 2)
        big = min(bigs, key=lambda r: r.seconds)
        engine_large = min(floors_large, key=lambda f: f["seconds"])
        table.figure(f"cold build, {n} releases", f"{big.seconds:.2f} s (runs "
                     f"{runs(r.seconds for r in bigs)}; peak {big.peak_mb:.0f} MB a process)")
        cli_large, sampled, total = weasyprint_cli(html_large, 8)
        floor_runs = runs(f["seconds"] for f in floors_large)
        table.figure(f"engine floor, {n}", f"{engine_large['seconds']:.2f} s (runs {floor_runs})")
        table.figure(f"one weasyprint process per release, {n}",
                     f"{cli_large:.1f} s (timed {sampled} of {total}, scaled)")
        table.ratio(f"cold build / engine floor ({n})", big.seconds / engine_large["seconds"],
                    0.6)
        table.figure(f"each cold run / the floor after it ({n})", paired(bigs, floors_large))
        kit = kit_bench(large)
        if isinstance(kit, str):
            table.figure(f"kit of {n} releases", kit)
        else:
            table.figure(f"kit of {n} releases", f"{kit.seconds:.1f} s, peak {kit.peak_mb:.0f} MB")
            table.ratio(f"kit of {n}: peak memory", kit.peak_mb, 400, unit=" MB")
        table.figure(f"kit of {args.small} releases with photos, after the build",
                     photo_kits(tmp / f"org-{args.small}-photos", args.small))

        sent = send_bench(small, args.messages)
        if isinstance(sent, str):
            table.figure(f"send {args.messages} messages", sent)
        else:
            table.figure(f"send {args.messages} messages",
                         f"{sent['seconds']:.1f} s, {sent['received']} received")
            table.ratio("send rate", sent["rate"], 100, at_least=True, unit="/s")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end; {cores} cores "
          f"(other engineers' work shares them)")
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
