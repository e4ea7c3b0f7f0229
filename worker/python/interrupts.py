"""KeyboardInterrupt only where it can land safely: in the user's code, and between slices of ``time.sleep``.

The host stops a run by writing SIGINT into the interrupt buffer, and re-sends it until the run
ends; these keep a late one from breaking the runner, and let a sleeping cell be stopped.
"""

from __future__ import annotations

import _signal  # the C functions: signal.signal's enum wrapping is a cost on every run
import contextlib
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

import capture


def _ignore_sigint(signum: int, frame: Any) -> None:
    """SIGINT outside the user's code is ignored.

    The host re-sends an interrupt until a stopped run ends (Pyodide can drop one), so a late one
    may arrive while the runner is packing up the result; it must not break that.
    """


def ignore() -> None:
    """From now on SIGINT is ignored (the runner's own code runs)."""
    _signal.signal(signal.SIGINT, _ignore_sigint)


# Whether the user's code is running (inside ``interruptible``); stops.py yields only then.
user_code = False
# Called as the user's code ends (stops.py disarms its events and puts its handler back there).
on_leave: list[Callable[[], None]] = []


@contextlib.contextmanager
def interruptible():
    """KeyboardInterrupt is raised only while the user's code runs."""
    global user_code
    _signal.signal(signal.SIGINT, signal.default_int_handler)
    user_code = True
    try:
        yield
    finally:
        user_code = False
        ignore()
        for leave in on_leave:
            leave()


try:
    # Pyodide's time.sleep waits through run_sync(asyncio.sleep) where Python can wait for JS (a run
    # entered through callPromising); a KeyboardInterrupt landing in that event-loop machinery
    # wedged the run. Its own blocking sleep, kept here, has no such machinery.
    from pyodide.webloop import _orig_sleep as _original_sleep
except ImportError:  # outside Pyodide (the real-library tests)
    _original_sleep = time.sleep
SLEEP_SLICE_S = 0.05


def sliced_sleep(seconds: float) -> None:
    """``time.sleep`` that flushes pending output first and can be interrupted.

    Pyodide's sleep blocks without checking the interrupt buffer; sleeping in slices lets
    KeyboardInterrupt land between them, so a timeout keeps the interpreter.
    """
    if isinstance(sys.stdout, capture.CapturedStream):
        sys.stdout.flush()
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        _original_sleep(min(left, SLEEP_SLICE_S))
        _check_for_interrupt()


def _check_for_interrupt() -> None:
    """Lets a KeyboardInterrupt the host asked for land now.

    Pyodide reads the interrupt buffer only every 50th time the interpreter checks for events,
    which a loop of sleeps reaches only every few hundred milliseconds. Setting a signal handler
    reads it first (CPython runs pending handlers before it replaces one), so re-setting the
    current handler raises KeyboardInterrupt here if the host wrote SIGINT.
    """
    handler = _signal.getsignal(signal.SIGINT)
    if handler is not None:  # None: set outside Python, and it cannot be set again from here
        _signal.signal(signal.SIGINT, handler)


def install() -> None:
    """SIGINT ignored outside user code; ``time.sleep`` in slices."""
    ignore()
    time.sleep = sliced_sleep
