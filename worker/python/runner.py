"""Runs one cell of user code and returns its record as JSON.

The TypeScript side calls ``setup`` once after boot, then ``execute`` per run. A record is
plain JSON so nothing but a string crosses into JavaScript (no PyProxy to leak).
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import json
import linecache
import os
import sys
import types
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import capture
import cells
import charts
import figures
import interrupts
import rejections
import restored
import run_tasks
import stdin
import tracebacks
import workdir

# Set by the worker (src/pyodide-defaults.ts), the one home of the fact.
WORKDIR = os.environ["HOME"]
MAX_RESULT_REPR = 10_000
# Tracebacks show the source of cells (a function defined in an earlier cell included), but
# keeping every cell ever run would grow memory without bound: recent cells are kept, up to a budget.
CELL_SOURCE_BUDGET_CHARS = 256 * 1024
CELL_SOURCES_MAX = 500
CELL_SOURCES_ALWAYS_KEPT = 5


@dataclass(frozen=True)
class Limits:
    """What one run may return; the host checks the same numbers and stops a worker that exceeds them."""

    max_output_bytes: int
    max_file_bytes: int
    max_total_file_bytes: int
    max_images: int
    max_files: int
    max_charts: int
    max_chart_chars: int
    max_total_chart_chars: int
    recursion_limit: int


class Runner:
    def __init__(
        self,
        emit: Callable[[str, str], object],
        limits: Limits,
        files_changed: Callable[[], str | None],
        take_below: Callable[[], str] | None = None,
    ):
        self.capture = capture.OutputCapture(limits.max_output_bytes, emit, take_below)
        self.stdout = capture.CapturedStream(self.capture, "stdout")
        self.stderr = capture.CapturedStream(self.capture, "stderr")
        self.limits = limits
        self.cell_count = 0
        self.task: asyncio.Task | None = None
        # Whether the task has taken its first step, and whether a cancel came before it did.
        self.task_started = False
        self.cancel_before_start = False
        self.cell_sources: deque[tuple[str, int]] = deque()
        self.cell_source_chars = 0
        # The working directory as the last run left it (None: walk it again before the next run).
        self.before: dict[str, tuple[int, int]] | None = None
        # What changed in runs whose walk failed (files_changed's answer): the next walk returns it.
        self.unwalked: str | None = None
        # Whether any file may have changed since the last call (worker/files/file-changes.ts): a run
        # that changed none needs no walk to find its files.
        self.files_changed = files_changed
        self.reset()

    def rebind(
        self,
        emit: Callable[[str, str], object],
        limits: Limits,
        files_changed: Callable[[], str | None],
        take_below: Callable[[], str] | None,
    ) -> None:
        """A restored interpreter's runner: the new host's callbacks; the working directory is walked again."""
        self.capture = capture.OutputCapture(limits.max_output_bytes, emit, take_below)
        self.stdout = capture.CapturedStream(self.capture, "stdout")
        self.stderr = capture.CapturedStream(self.capture, "stderr")
        self.limits = limits
        self.files_changed = files_changed
        self.task = None
        self.before = None
        self.unwalked = None

    def reset(self) -> None:
        """Fresh globals: a new ``__main__`` module (so pickling and class definitions behave)."""
        module = types.ModuleType("__main__")
        module.__dict__["display"] = figures.display
        sys.modules["__main__"] = module
        self.namespace = module.__dict__
        figures.collector.capture_pyplot()  # drop figures left open
        figures.collector.begin()
        charts.collector.begin()

    # -- one run ---------------------------------------------------------------------------

    def execute(self, code: str, may_await: bool) -> str | asyncio.Task:
        """Runs ``code``. Returns the JSON record, or a Task for code with top-level ``await``.

        ``may_await`` is the host's rule (``RunRequest.mayAwait``): top-level await needs a compiler
        flag that costs ~10% of a compile, so only code that may use it gets it.
        """
        self.cell_count += 1
        filename = f"<cell {self.cell_count}>"
        self._begin()
        try:
            flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if may_await else 0
            cell = cells.Cell(code, filename, flags)
        except BaseException as error:  # SyntaxError, or an interrupt while compiling
            return self._finish(error=error)
        # Tracebacks show the source of "<cell N>" from linecache.
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        self._forget_old_cells(filename, len(code))
        if cell.is_async:
            self.task_started = self.cancel_before_start = False
            self.task = asyncio.ensure_future(self._run_async(cell))
            return self.task
        try:
            with interrupts.interruptible():
                value = cell.run(self.namespace)
        except BaseException as error:
            return self._finish(error=error)
        return self._finish(value=value)

    async def _run_async(self, cell: cells.Cell) -> str:
        self.task_started = True
        try:
            if self.cancel_before_start:
                raise asyncio.CancelledError("stopped before the cell started")
            with interrupts.interruptible():
                value = await cell.run_async(self.namespace)
        except BaseException as error:  # CancelledError (a stopped await) included
            return self._finish(error=error)
        finally:
            self.task = None
        return self._finish(value=value)

    def cancel(self) -> bool:
        """Cancels the pending top-level ``await`` of the current run, if there is one.

        A task cancelled before its first step never enters its body, so it would end without
        the run's record; such a cancel is noted instead, and the body ends the run at once.
        """
        if self.task is None:
            return False
        if not self.task_started:
            self.cancel_before_start = True
            return True
        return self.task.cancel()

    def _forget_old_cells(self, filename: str, size: int) -> None:
        self.cell_sources.append((filename, size))
        self.cell_source_chars += size
        while len(self.cell_sources) > CELL_SOURCES_ALWAYS_KEPT and (
            self.cell_source_chars > CELL_SOURCE_BUDGET_CHARS or len(self.cell_sources) > CELL_SOURCES_MAX
        ):
            old, old_size = self.cell_sources.popleft()
            self.cell_source_chars -= old_size
            linecache.cache.pop(old, None)

    def _begin(self) -> None:
        run_tasks.begin()
        self.capture.begin()
        figures.collector.begin()
        charts.collector.begin()
        sys.stdout, sys.stderr = self.stdout, self.stderr
        try:
            os.chdir(WORKDIR)
        except OSError:
            pass
        if self.before is None:
            self.files_changed()  # the walk below is the new starting point
            self.before = workdir.snapshot(WORKDIR, self.limits.max_files)

    def _finish(self, value: Any = None, error: BaseException | None = None) -> str:
        interrupts.ignore()  # again, in case one struck mid-switch
        run_tasks.end()
        record: dict[str, Any] = {"status": "ok"}
        try:
            figures.collector.capture_pyplot()
        except Exception as figure_error:  # a broken figure must not lose the run
            self.stderr.write(f"[could not render a figure: {figure_error!r}]\n")
        if error is not None:
            record["status"] = "interrupted" if isinstance(error, (KeyboardInterrupt, asyncio.CancelledError)) else "error"
            record["error"] = tracebacks.describe(error)
            self.stderr.write(record["error"]["traceback"])
        elif value is not None and charts.collector.take(value, dicts=False):
            pass  # a chart as the last expression is shown as a chart, as a notebook does; a dict stays data
        elif value is not None:
            try:
                text = repr(value)
            except Exception as repr_error:
                text = f"<repr failed: {repr_error!r}>"
            if len(text) > MAX_RESULT_REPR:
                text = text[:MAX_RESULT_REPR] + f"... [repr truncated: {len(text):,} characters]"
            record["result"] = text
        removed: list[str] | None = None
        changes = "*"
        try:
            before = self.before or {}
            changes = workdir.merge_changes(self.unwalked, self.files_changed())
            if self.before is not None and changes is None:
                files, notes = [], []
                removed = None if len(before) >= self.limits.max_files else []
            else:
                # The walk that finds this run's changes is also the next run's starting point.
                files, notes, removed, self.before = workdir.changed_files(
                    WORKDIR,
                    before,
                    self.limits.max_file_bytes,
                    self.limits.max_total_file_bytes,
                    self.limits.max_files,
                    workdir.written_paths(WORKDIR, changes),
                )
            self.unwalked = None
        except Exception as files_error:
            # Nothing is known removed: no removedFiles would tell the host the walk hit its cap,
            # and it would count every file it keeps as lost. The next walk starts from the same
            # ``before``, with this run's changes, so it returns what this run changed.
            files, notes, removed = [], [f"[could not list changed files: {files_error!r}]"], []
            self.unwalked = changes
        if figures.collector.skipped:
            notes.append(f"[{figures.collector.skipped} more images not returned: {figures.collector.skip_reason}]")
        if charts.collector.skipped:
            skipped = charts.collector.skipped
            notes.append(f"[{skipped} chart{'s' if skipped > 1 else ''} not returned: {charts.collector.skip_reason}]")
        for note in notes:
            self.stderr.write(note + "\n")
        self.capture.flush()
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        record.update(self.capture.result())
        record["images"] = figures.collector.images
        record["charts"] = charts.collector.charts
        record["files"] = files
        if removed is not None:
            record["removedFiles"] = removed
        return json.dumps(record)

    # -- files -----------------------------------------------------------------------------

    def forget_workdir(self) -> None:
        """The host wrote a file between runs: the next run walks the directory again, so the file
        is not reported as the run's."""
        self.before = None

    def mark_restored(self, path: str) -> None:
        """The host wrote ``path`` back after a restart, as a run of the replaced interpreter left
        it: it is not imported until a cell writes it (see restored.py)."""
        restored.finder.add(path)

    def list_files(self) -> str:
        return json.dumps(workdir.list_files(WORKDIR, self.limits.max_files))


def _order_sys_path() -> None:
    """The sandbox's own folder first, the working directory last.

    Files in the working directory come from cells, and come back after a restart (the host
    restores them): first on the path, a ``csv.py`` there would run in place of the standard
    library's in every later interpreter. Last, a cell can still import its own helper modules.
    Pyodide puts ``''`` first on every start, a restore from a snapshot included, so this runs on each.
    """
    own = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in dict.fromkeys(sys.path) if p not in (own, "", ".", WORKDIR)]
    sys.path[:] = [own, *rest, ""]


def setup(
    emit: Callable[[str, str], object],
    limits_json: str,
    files_changed: Callable[[], str | None] = lambda: "*",
    take_below: Callable[[], str] | None = None,
) -> Runner:
    """Installs the sandbox's patches (sleep, stdin, display, SIGINT, promise rejections) and returns the runner.

    ``files_changed`` says what may have changed since it was last asked (None: nothing; "*":
    unknown; else the JSON list of paths written: see file-changes.ts); without it, every run walks
    the working directory and counts every file as written. ``take_below`` hands over the output written below
    sys.stdout (see capture.OutputCapture).
    """
    limits = Limits(**json.loads(limits_json))
    _order_sys_path()
    restored.install()
    sys.setrecursionlimit(limits.recursion_limit)
    figures.collector.limit(limits.max_images, limits.max_file_bytes, limits.max_total_file_bytes)
    charts.collector.limit(limits.max_charts, limits.max_chart_chars, limits.max_total_chart_chars)
    interrupts.install()
    rejections.install()
    run_tasks.install()
    sys.stdin = stdin.NoInput()
    builtins.display = figures.display  # also reachable from user modules
    os.makedirs(WORKDIR, exist_ok=True)
    global _runner
    # An interpreter restored from a saved state (saved-state.ts) keeps its runner and its
    # ``__main__``: only the new host's callbacks and limits replace the saved ones.
    if _runner is None:
        _runner = Runner(emit, limits, files_changed, take_below)
    else:
        _runner.rebind(emit, limits, files_changed, take_below)
    return _runner


_runner: Runner | None = None
