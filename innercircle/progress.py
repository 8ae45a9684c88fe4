"""A process-wide progress sink, so ``innercircle run`` can draw one live status line
while Dagster runs the job in the same process. Assets report here and to their log."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

Sink = Callable[[str, int, int, int], None]
_sink: Sink | None = None


def set_sink(sink: Sink | None) -> None:
    global _sink
    _sink = sink


def report(stage: str, done: int, total: int, errors: int) -> None:
    if _sink is not None:
        _sink(stage, done, total, errors)


class TerminalProgress:
    """One status line, redrawn in place on a terminal; plain lines otherwise."""

    def __init__(self, stream=None, min_interval_s: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.min_interval_s = min_interval_s if self.tty else 5.0
        self._last = 0.0
        self._lock = threading.Lock()
        self._width = 0

    def __call__(self, stage: str, done: int, total: int, errors: int) -> None:
        now = time.monotonic()
        final = done >= total
        with self._lock:
            if not final and done and now - self._last < self.min_interval_s:
                return
            self._last = now
            line = f"{stage:<13} {done:>6}/{total:<6} errors so far: {errors}"
            if self.tty:
                pad = " " * max(0, self._width - len(line))
                self._width = len(line)
                self.stream.write("\r" + line + pad + ("\n" if final else ""))
            elif final or done == 0 or now - self._last >= 0:
                self.stream.write(line + "\n")
            self.stream.flush()
            if final:
                self._width = 0
