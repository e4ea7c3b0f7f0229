"""Whether Python can wait for a JavaScript promise in place (``pyodide.ffi.run_sync``, JSPI)."""

from __future__ import annotations

from typing import Any

from pyodide.ffi import can_run_sync, run_sync


def can_wait(resolved: Any) -> bool:
    """Whether this call (entered through ``callPromising``) can wait for a JS promise: ``resolved`` is one that has settled.

    ``run_sync`` is bound once, when the interpreter first starts: a snapshot made where there was
    no JSPI keeps one that always fails (scripts/make-snapshot.mjs makes the shipped one with JSPI).
    """
    if not can_run_sync():
        return False
    try:
        run_sync(resolved)
    except RuntimeError:
        return False
    return True
