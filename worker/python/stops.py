"""Stops from outside on a page without a shared interrupt buffer, where Python can wait for JavaScript (JSPI).

Nothing from outside reaches running Python there, so Python lets the worker's event loop run now
and then: the worker's interrupt object answers ``YIELD_SIGNAL`` every ``YIELD_EVERY_MS`` while a run
goes (worker/stops/deadline-signal.ts), the handler below arms ``sys.monitoring`` line and jump events on
the running frames' code only, and the first such event waits one macrotask through ``run_sync``.
A ``cancel`` the worker received meanwhile makes that wait answer True, and KeyboardInterrupt is
raised right there, in the user's code. The events are disarmed at once, so code runs
uninstrumented between yields (arming only the running code objects, not all code, is what keeps
the cost near 2%). A stop, once taken, stays: its code stays armed, and KeyboardInterrupt is raised
again at the next line or jump outside an exception handler until the run ends, so a loop that
catches it and goes on (``except BaseException: pass``) is stopped past its handler.

Never from a signal handler (``run_sync`` cannot switch stacks there) and never inside the wait's
own machinery (``_busy``). A yield that cannot switch stacks (C code calling back into Python
through the JS trampoline) is skipped; the next one will do.
"""

from __future__ import annotations

import _signal
import signal
import sys
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any

from pyodide.ffi import run_sync

import interrupts

# A tool id sys.monitoring leaves free (0-2 and 5 are named for debuggers, coverage, profilers, optimizers).
TOOL_ID = 4
YIELD_SIGNAL = signal.SIGUSR1
# How many frames up the stack are armed: the loop may be in a callee that returns before its next line.
ARMED_DEPTH = 4
# Code that must never raise KeyboardInterrupt or yield: the sandbox's own modules and Pyodide's
# (in the standard library's zip, named after the running Python: /lib/python314.zip).
_STDLIB_ZIP = f"/lib/python{sys.version_info.major}{sys.version_info.minor}.zip"
_NOT_USER = ("/opt/sandbox/", f"{_STDLIB_ZIP}/pyodide/", f"{_STDLIB_ZIP}/_pyodide/")

_monitoring = sys.monitoring
_EVENTS = _monitoring.events.LINE | _monitoring.events.JUMP

_wait: Callable[[], Any] | None = None
_armed: list[CodeType] = []
_busy = False
# A stop was taken in this run: raised again at every armed event outside a handler (see above).
_stopping = False


def connect(wait: Callable[[], Any]) -> bool:
    """``wait()``: a JS promise settling after one macrotask, True if the run must stop. False if the tool id is taken."""
    global _wait
    try:
        _monitoring.use_tool_id(TOOL_ID, "sandbox stops")
    except ValueError:
        return False
    _monitoring.register_callback(TOOL_ID, _monitoring.events.LINE, _on_event)
    _monitoring.register_callback(TOOL_ID, _monitoring.events.JUMP, _on_event)
    _signal.signal(YIELD_SIGNAL, _on_signal)
    interrupts.on_leave.append(_leave)
    _wait = wait
    return True


def _leave() -> None:
    # As the user's code ends, not per run from the worker (a call into Python cost about 0.1 ms of
    # every run). Only runs that yield are sent the signal (the worker's interrupt object), so the
    # handler can stay between runs; the cell may have replaced it.
    global _stopping
    _stopping = False
    _disarm()
    _signal.signal(YIELD_SIGNAL, _on_signal)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    # Only in the user's code: the runner's own work after it (formatting a traceback in the
    # standard library) must not yield, nor raise.
    if _busy or not interrupts.user_code:
        return
    depth = 0
    while frame is not None and depth < ARMED_DEPTH:
        code = frame.f_code
        if not code.co_filename.startswith(_NOT_USER):
            _arm(code)
        frame = frame.f_back
        depth += 1


def _on_event(code: CodeType, *_: Any) -> None:
    global _busy, _stopping
    if _busy or code not in _armed:
        return
    # While an exception is being handled (a KeyboardInterrupt unwinding through a comprehension's
    # cleanup, say), a second one would only add "During handling..." to the traceback: wait.
    if sys.exception() is not None:
        return
    if _stopping:
        if interrupts.user_code:
            raise KeyboardInterrupt
        return
    armed = list(_armed)
    _disarm()
    if _wait is None or not interrupts.user_code:
        return
    _busy = True
    # A deadline's SIGINT must not raise inside the wait's own machinery (that wedged the run): it
    # is noted meanwhile and raised here, back in the user's frame.
    sigints: list[int] = []
    previous = _signal.signal(signal.SIGINT, lambda signum, _frame: sigints.append(signum))
    try:
        stop = run_sync(_wait())
    except Exception:  # noqa: BLE001  (no stack to switch here: the next yield will do)
        stop = False
    finally:
        _signal.signal(signal.SIGINT, previous)
        _busy = False
    if stop or sigints:
        _stopping = True
        for armed_code in armed:
            _arm(armed_code)
        raise KeyboardInterrupt


def _arm(code: CodeType) -> None:
    if code not in _armed:
        _monitoring.set_local_events(TOOL_ID, code, _EVENTS)
        _armed.append(code)


def _disarm() -> None:
    for code in _armed:
        _monitoring.set_local_events(TOOL_ID, code, 0)
    _armed.clear()
