"""Progress of long jobs (builds, sends) on stderr: a one-line bar on a terminal, lines otherwise.

    with progress(len(items), "building") as p:
        for item in items:
            ...
            p.advance(item.name, f"built {item.path}")

On a terminal the bar shows the counts, the elapsed time and the item just finished; the lines
given to advance() and note() scroll above it. When stderr is a file or a pipe (CI logs, tests)
only those lines are written, one each, and no control characters. quiet=True writes nothing.
"""
from __future__ import annotations

import shutil
import sys
import time
from contextlib import contextmanager
from typing import IO, Iterator

BAR_WIDTH = 24


class Progress:
    """Counts done against a total and shows them on `stream` (stderr by default)."""

    def __init__(self, total: int = 0, label: str = "", *, stream: IO[str] | None = None,
                 quiet: bool = False, live: bool | None = None):
        self.total = total
        self.label = label
        self.done = 0
        self.current = ""
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.live = (not quiet and _isatty(self.stream)) if live is None else live and not quiet
        self.started = time.monotonic()
        self._shown = False
        self._noted: set[str] = set()

    def set_total(self, total: int) -> None:
        """Set (or correct) how many items there are, once the caller knows."""
        self.total = total
        self._draw()

    def note(self, message: str) -> None:
        """A line that stays: above the bar on a terminal, on its own line otherwise."""
        if self.quiet or not message:
            return
        from .errors import printable

        self._clear()
        self.stream.write(printable(message) + "\n")
        self._draw()

    def note_once(self, message: str) -> None:
        """note(), unless the same line was noted already: a warning about a stylesheet every
        release uses is told once, not once a release."""
        if message not in self._noted:
            self._noted.add(message)
            self.note(message)

    def advance(self, name: str = "", message: str = "") -> None:
        """One more item done; `name` is shown in the bar, `message` as a line that stays."""
        self.done += 1
        self.current = name
        self.note(message) if message else self._draw()

    def close(self) -> None:
        """Take the bar off the screen."""
        self._clear()
        self.stream.flush()

    def line(self) -> str:
        """The bar as text, e.g. 'building [######......] 6/24 2.1s 2024-03-05-clinics-open'."""
        total = max(self.total, self.done)
        filled = BAR_WIDTH * self.done // total if total else 0
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        elapsed = time.monotonic() - self.started
        text = f"{self.label} [{bar}] {self.done}/{total} {elapsed:.1f}s {self.current}".strip()
        width = shutil.get_terminal_size((80, 24)).columns - 1
        return text[:width]

    def _draw(self) -> None:
        if not self.live or not self.total:
            return
        self.stream.write("\r\x1b[2K" + self.line())
        self.stream.flush()
        self._shown = True

    def _clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self._shown = False


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress(total: int = 0, label: str = "", *, quiet: bool = False,
             stream: IO[str] | None = None) -> Iterator[Progress]:
    """A Progress for the block, its bar removed at the end (also on errors)."""
    bar = Progress(total, label, stream=stream, quiet=quiet)
    try:
        yield bar
    finally:
        bar.close()
