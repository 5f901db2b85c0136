"""The progress bar `seed_demo` draws on stderr."""

import sys
import time


class Progress:
    """A small progress bar on a stream (stderr): redrawn in place on a terminal, one line per
    10 % elsewhere (logs), silent when disabled."""

    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())

    def step(self, label: str, total: int) -> "_Bar":
        return _Bar(self, label, total)


class _Bar:
    WIDTH = 30

    def __init__(self, progress: Progress, label: str, total: int):
        self.progress, self.label, self.total = progress, label, max(total, 1)
        self.done, self.started, self.last_draw, self.last_tenth = 0, time.monotonic(), 0.0, 0

    def __enter__(self):
        self._draw(force=True)
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.done = self.total
            self._draw(force=True, end=True)
        elif self.progress.enabled and self.progress.tty:
            self._write("\n")

    def add(self, n: int) -> None:
        self.done = min(self.total, self.done + n)
        self._draw()

    def _write(self, text: str) -> None:
        self.progress.stream.write(text)
        flush = getattr(self.progress.stream, "flush", None)
        if flush:
            flush()

    def _draw(self, force: bool = False, end: bool = False) -> None:
        if not self.progress.enabled:
            return
        fraction = self.done / self.total
        now = time.monotonic()
        filled = int(self.WIDTH * fraction)
        line = (
            f"{self.label:<9} [{'#' * filled}{'-' * (self.WIDTH - filled)}] {fraction:4.0%} "
            f"{self.done:>11,}/{self.total:,}  {now - self.started:6.1f}s"
        )
        if self.progress.tty:
            if force or now - self.last_draw >= 0.2:
                self.last_draw = now
                self._write("\r" + line + ("\n" if end else ""))
        else:
            tenth = int(fraction * 10)
            if end or tenth > self.last_tenth:
                self.last_tenth = 10 if end else tenth
                if end or tenth < 10:
                    self._write(line + "\n")
