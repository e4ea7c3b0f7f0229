"""Files the host wrote back after a restart are data, not code, until a cell writes them again.

A replacement interpreter gets the working directory's files back (see the host's
workdir-mirror.ts), and they come from the cells of the interpreter that was replaced, which may
have been hostile. The working directory is last on ``sys.path``, so a restored ``csv.py`` cannot
replace the standard library's, but a name the standard library imports only if present
(``_hashlib`` from hashlib, ``_uuid`` from uuid, ``grp`` from shutil: absent from Pyodide) would
still resolve to a restored file, and so would a module a package imports optionally. This finder
refuses any module whose file was restored and is unchanged since: the new interpreter imports
no code it did not write itself.

One exemption, on purpose: the ``skills`` package (``skills/`` in the working directory), where
the model keeps helpers for later calls. ``import skills.summary`` imports a restored
``skills/summary.py``; nothing imports a name in that package unless a cell asks for it by name,
and no standard-library or optional module is named ``skills.*``, so it re-infects nothing that
did not ask. A restored top-level ``skills.py`` is still refused: the exemption is the folder; and
so is a restored ``skills/__init__.py`` (any dunder file), which would run on every such import.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys

SKILLS = "skills"


def _is_skill(name: str, origin: str) -> bool:
    """``name`` is a helper in the skills package, found in a ``skills`` folder.

    Not a dunder file: a restored ``skills/__init__.py`` would run on every ``import skills.<any>``,
    whatever the cell asked for, so it is refused like any other restored module.
    """
    if name.partition(".")[0] != SKILLS:
        return False
    base = os.path.basename(origin)
    if base.startswith("__") and base.endswith("__.py"):
        return False
    return SKILLS in os.path.normpath(origin).split(os.sep)[:-1]


class RestoredFiles(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        # path -> (mtime_ns, size) as the host wrote it back
        self._stamps: dict[str, tuple[int, int]] = {}

    def add(self, path: str) -> None:
        """``path`` (absolute) was just written back by the host after a restart."""
        try:
            st = os.stat(path)
        except OSError:
            return
        self._stamps[os.path.normpath(path)] = (st.st_mtime_ns, st.st_size)

    def _unchanged(self, origin: str) -> bool:
        origin = os.path.normpath(origin)
        stamp = self._stamps.get(origin)
        if stamp is None:
            return False
        try:
            st = os.stat(origin)
        except OSError:
            del self._stamps[origin]
            return False
        if (st.st_mtime_ns, st.st_size) != stamp:
            # Written since the restore: by this interpreter's own cells.
            del self._stamps[origin]
            return False
        return True

    def find_spec(self, name, path=None, target=None):
        if not self._stamps:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or not spec.origin or _is_skill(name, spec.origin) or not self._unchanged(spec.origin):
            return None
        raise ModuleNotFoundError(
            f"No module named {name!r}: {spec.origin} was written back after the interpreter was replaced, "
            "and is not imported until a cell writes it again (helpers kept in skills/ import as skills.<name>)",
            name=name,
        )


finder = RestoredFiles()


def install() -> None:
    """Puts the finder before the path finder (after the built-in and frozen importers)."""
    if finder in sys.meta_path:
        return
    at = next((i for i, f in enumerate(sys.meta_path) if f is importlib.machinery.PathFinder), len(sys.meta_path))
    sys.meta_path.insert(at, finder)
