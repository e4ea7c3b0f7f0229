"""Output capture: stdout and stderr interleaved, capped (head and tail kept), streamed live in batches.

Everything here is plain Python so it runs (and is tested) in any interpreter.
"""

from __future__ import annotations

import io
import json
from array import array
from collections import deque
from collections.abc import Callable
from time import monotonic

# Batches live output: one message per write would flood the worker's message queue.
STREAM_INTERVAL_S = 0.025
# Writes queued before they are counted against the cap (bounded memory, few Python steps per print).
QUEUE_BATCH = 256
# Output written below sys.stdout (C code, os.write) that the worker streamed at once comes under
# these names (OutputCapture.absorb_below): it is recorded, and not streamed again.
STREAMED_BELOW = {"stdout/streamed": "stdout", "stderr/streamed": "stderr"}


def _size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "replace"))


class OutputCapture:
    """Collects one run's output.

    Keeps the first half of ``max_bytes`` and the last half; what falls between is dropped and
    replaced by a visible note. Live output (``emit``) carries only the head, then one note.
    """

    def __init__(
        self,
        max_bytes: int,
        emit: Callable[[str, str], object] | None = None,
        take_below: Callable[[], str] | None = None,
    ):
        self.max_bytes = max_bytes
        self.emit = emit
        # Output written below sys.stdout reaches the worker while the write has released the GIL,
        # so the worker cannot call in; it holds the output and sets this byte in the WebAssembly
        # memory (at below_address). Each write checks it, so that output keeps its place.
        self.take_below = take_below
        self.below = array("B", [0])
        self.begin()

    @property
    def below_address(self) -> int:
        return self.below.buffer_info()[0]

    def absorb_below(self) -> None:
        """Queues what the worker holds from below sys.stdout (JSON [name, text] pairs), before what comes next."""
        self.below[0] = 0
        if self.take_below is not None:
            self.queued.extend(json.loads(self.take_below()))

    def begin(self) -> None:
        self.head: list[tuple[str, str]] = []
        self.head_bytes = 0
        self.tail: deque[tuple[str, str]] = deque()
        self.tail_bytes = 0
        self.dropped_bytes = 0
        self.pending: list[tuple[str, str]] = []
        self.queued: list[tuple[str, str]] = []
        self.below[0] = 0
        self.streamed_note = False
        self.last_flush = 0.0

    @property
    def _half(self) -> int:
        return self.max_bytes // 2

    def _absorb(self) -> None:
        """Moves queued writes into head and tail, neighbours of the same stream joined."""
        queued = self.queued
        if not queued:
            return
        self.queued = []
        stream, parts = queued[0][0], []
        for s, t in queued:
            if s != stream:
                self._store(stream, "".join(parts))
                stream, parts = s, []
            parts.append(t)
        self._store(stream, "".join(parts))

    def _store(self, stream: str, text: str) -> None:
        live = stream not in STREAMED_BELOW
        if not live:
            stream = STREAMED_BELOW[stream]
        size = _size(text)
        if not self.tail and self.head_bytes + size <= self._half:
            self.head.append((stream, text))
            self.head_bytes += size
            if live:
                self.pending.append((stream, text))
        else:
            if not self.tail and self.head_bytes < self._half:
                # Split the chunk that crosses the head's edge (by characters; close enough for a cap).
                room = self._half - self.head_bytes
                self.head.append((stream, text[:room]))
                if live:
                    self.pending.append((stream, text[:room]))
                self.head_bytes += room
                text = text[room:]
                size = _size(text)
            self.tail.append((stream, text))
            self.tail_bytes += size
            while self.tail_bytes > self._half and self.tail:
                s, t = self.tail[0]
                excess = self.tail_bytes - self._half
                if _size(t) <= excess:
                    self.tail.popleft()
                    self.tail_bytes -= _size(t)
                    self.dropped_bytes += _size(t)
                else:
                    self.tail[0] = (s, t[excess:])
                    self.tail_bytes -= excess
                    self.dropped_bytes += excess
            if self.dropped_bytes and not self.streamed_note:
                self.streamed_note = True
                self.pending.append(("stderr", "\n[output is being truncated; its end is shown when the run finishes]\n"))

    def flush(self) -> None:
        """Sends pending live output now (also called before blocking sleeps and at the end)."""
        if self.below[0]:
            self.absorb_below()
        self._absorb()
        self.last_flush = monotonic()
        if not self.pending or self.emit is None:
            self.pending = []
            return
        batch = self.pending
        self.pending = []
        # Merge neighbours of the same stream: fewer messages, same order.
        merged: list[list[str]] = []
        for stream, text in batch:
            if merged and merged[-1][0] == stream:
                merged[-1][1] += text
            else:
                merged.append([stream, text])
        for stream, text in merged:
            self.emit(stream, text)

    def chunks(self) -> list[tuple[str, str]]:
        """Head, the truncation note if anything was dropped, then tail."""
        self._absorb()
        if not self.dropped_bytes:
            return self.head + list(self.tail)
        note = f"\n[... {self.dropped_bytes:,} bytes of output omitted: the output limit is {self.max_bytes:,} bytes; the first and last parts are shown ...]\n"
        return self.head + [("stderr", note)] + list(self.tail)

    def result(self) -> dict[str, str]:
        chunks = self.chunks()
        return {
            "output": "".join(t for _, t in chunks),
            "stdout": "".join(t for s, t in chunks if s == "stdout"),
            "stderr": "".join(t for s, t in chunks if s == "stderr"),
        }


class CapturedStream(io.TextIOBase):
    """A text stream (``sys.stdout``/``sys.stderr``) that writes into an ``OutputCapture``."""

    def __init__(self, capture: OutputCapture, name: str):
        self._capture = capture
        self._name = name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        # The hot path of every print (two writes each): queue the write, and account for it in
        # batches (OutputCapture._absorb). Kept to one Python call.
        if type(text) is not str and not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            capture = self._capture
            if capture.below[0]:
                capture.absorb_below()
            queued = capture.queued
            queued.append((self._name, text))
            # The clock is read on the first write after a flush and on every 32nd, not on each:
            # in a browser it is a call out of WebAssembly, the costliest step of a print.
            queued_count = len(queued)
            if queued_count >= QUEUE_BATCH or (queued_count & 31 == 1 and monotonic() - capture.last_flush >= STREAM_INTERVAL_S):
                capture.flush()
        return len(text)

    def flush(self) -> None:
        self._capture.flush()
