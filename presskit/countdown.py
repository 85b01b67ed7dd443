"""The countdown of `send --at-lift` while it waits for an embargo to lift.

On a terminal, one line redrawn in place each second; written to a file or a pipe (a log of
a send started by cron, say), a plain line when the wait starts and once a minute after, so
the log is not a line a second; nothing with -q.
"""
from __future__ import annotations

import datetime as dt
from typing import TextIO

from .i18n import embargo_when


class Countdown:
    """Called as countdown(seconds_left, lift) by mail.send.wait_for."""

    def __init__(self, stream: TextIO, *, quiet: bool = False, office_zone: str = ""):
        self.stream = stream
        self.quiet = quiet
        self.office_zone = office_zone
        self.redraw = _is_terminal(stream)
        self.last_minute: int | None = None
        self.drawn = False

    def __call__(self, left: float, lift: dt.datetime) -> None:
        if self.quiet:
            return
        seconds = max(0, int(left + 0.999))
        text = (f"waiting for the embargo to lift at {embargo_when(lift, self.office_zone)}: "
                f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d} left")
        if self.redraw:
            self.stream.write("\r" + text + "\x1b[K")
            self.drawn = True
        elif self.last_minute != seconds // 60:
            self.last_minute = seconds // 60
            self.stream.write(text + "\n")
        self.stream.flush()

    def done(self) -> None:
        """End the redrawn line, so what follows starts on its own."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
