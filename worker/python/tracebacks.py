"""Tracebacks the user can read: from their cell down, without the sandbox's or Pyodide's frames."""

from __future__ import annotations

import traceback

# Frames from the sandbox itself and from Pyodide's glue mean nothing to the user.
INTERNAL_PATH_MARKERS = ("/opt/sandbox/", "/_pyodide/", "/pyodide/")


def _is_internal(filename: str) -> bool:
    return any(marker in filename for marker in INTERNAL_PATH_MARKERS)


def _trim(te: traceback.TracebackException, seen: set[int]) -> None:
    if id(te) in seen:
        return
    seen.add(id(te))
    te.stack = traceback.StackSummary.from_list([f for f in te.stack if not _is_internal(f.filename)])
    for linked in (te.__cause__, te.__context__):
        if linked is not None:
            _trim(linked, seen)


def describe(error: BaseException) -> dict[str, str]:
    """Name, message and a traceback that starts at the user's cell and hides sandbox internals."""
    tb = error.__traceback__
    while tb is not None and not tb.tb_frame.f_code.co_filename.startswith("<cell "):
        tb = tb.tb_next
    if isinstance(error, SystemExit):
        line = f"SystemExit: {error.code}" if error.code not in (None, 0) else "SystemExit"
        return {"name": "SystemExit", "message": "" if error.code is None else str(error.code), "traceback": line + "\n"}
    te = traceback.TracebackException(type(error), error, tb)
    _trim(te, set())
    return {"name": type(error).__name__, "message": str(error), "traceback": "".join(te.format())}


def _format_once() -> None:
    """Formats one traceback, so that what the formatter imports lazily is imported now.

    Python 3.15's traceback.py imports ``_colorize`` lazily (``lazy import``), on the first
    traceback formatted. This module is imported before the boot snapshot is made, so the snapshot
    holds it; otherwise the first error after a restore whose standard library is still
    downloading (late_stdlib.py) imported it mid-error: waiting there for the zip, or raising a
    stop's KeyboardInterrupt inside the formatter, and the run's error came back as PythonError.
    """
    try:
        raise ValueError("formatted once at import")
    except ValueError as error:
        list(traceback.TracebackException(type(error), error, error.__traceback__).format())


_format_once()
