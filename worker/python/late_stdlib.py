"""Imports from a standard library that is still downloading (worker/boot/late-stdlib.ts).

On a first visit the interpreter is restored before the standard library's zip has arrived, with
an empty zip in its place. Modules the snapshot holds need nothing from it; an import of any
other module in it waits here until the real zip is written in. Waiting takes JavaScript promise
integration (JSPI: the run was entered through ``callPromising``); without it the import fails
with a message saying why, and the worker lets no run start that could get there. Source lines
are not waited for: a traceback through the standard library shows none of its lines until the
zip is in (reading them from the empty zip would break the traceback itself).
"""

from __future__ import annotations

import linecache
import sys
import zipimport
from typing import Any

# In the snapshot (Pyodide imports it at startup): nothing here may need the missing zip.
from pyodide.ffi import can_run_sync, run_sync


class LateStdlibFinder:
    """First on ``sys.meta_path`` while the zip is missing: holds an import of a module in it until it is in."""

    def __init__(self, arrival: Any):
        # A JS function returning a promise: true if the run was stopped first, false once the
        # real zip is written; it rejects if the zip cannot be.
        self.arrival = arrival
        # Why the zip will not come, once that is known.
        self.failure: str | None = None
        self.archive = next((p for p in sys.path if p.startswith("/lib/python") and p.endswith(".zip")), None)

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if self.archive is None or not self._in_archive(name):
            return None
        if self.failure is not None:
            raise ImportError(f"cannot import {name!r}: Python's standard library could not be loaded ({self.failure})", name=name)
        if not can_run_sync():
            raise ImportError(f"cannot import {name!r} yet: Python's standard library is still downloading", name=name)
        try:
            stopped = run_sync(self.arrival())
        except Exception as error:
            raise ImportError(f"cannot import {name!r}: Python's standard library could not be loaded ({error})", name=name) from None
        if stopped:
            raise KeyboardInterrupt
        return None  # the path finders now find it in the real zip

    def _in_archive(self, name: str) -> bool:
        # zipimport's table of the zip came with the snapshot; asking zipimport itself for a spec
        # would read the module's bytes, which are not there.
        table = zipimport._zip_directory_cache.get(self.archive, {})
        stem = name.replace(".", "/")
        return any(stem + end in table for end in (".py", ".pyc", "/__init__.py", "/__init__.pyc"))


_finder: LateStdlibFinder | None = None
_getlines = linecache.getlines


def _getlines_while_missing(filename: str, module_globals: Any = None) -> list[str]:
    if _finder is not None and _finder.archive is not None and filename.startswith(_finder.archive + "/"):
        return []
    return _getlines(filename, module_globals)


def wait_for(arrival: Any) -> None:
    """Holds imports from the standard library until the promise ``arrival()`` returns settles (see the module's doc)."""
    global _finder
    done()
    _finder = LateStdlibFinder(arrival)
    sys.meta_path.insert(0, _finder)
    linecache.getlines = _getlines_while_missing


def failed(message: str) -> None:
    """The zip will not come: an import from it fails at once, saying ``message``."""
    if _finder is not None:
        _finder.failure = message


def done() -> None:
    """The real zip is in: imports go straight to the path finders again."""
    global _finder
    if _finder is not None:
        # A new list, not a removal: an import that waited in the finder is still iterating the old one.
        sys.meta_path = [finder for finder in sys.meta_path if finder is not _finder]
        linecache.getlines = _getlines
        _finder.arrival = None
        _finder = None
