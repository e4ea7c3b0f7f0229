"""Nothing of a run outlives it: the asyncio tasks a run starts end with the run.

Every task made while run N goes on (``asyncio.create_task``, ``ensure_future``, ``gather``, a
task group; a task's own tasks too) carries N in its context. When the run ends, its tasks that
are still pending are cancelled, and take their ``CancelledError`` in the event loop's next turn,
which is still the run's.

That a run's tasks never run again after it is not this module's doing: the worker drops every
event-loop callback that comes due after the run that scheduled it, and every one scheduled
between runs (worker/stops/run-turns.ts), in its own scope, out of Python's reach. So a cell that
rewrites this module, its tasks' tags or the loop's methods only spares its tasks the
cancellation: they stay pending, never woken again.

The run's own top-level ``await`` is a task of the run too; it ends the run itself (``end`` is
called from its last step).
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

# The run a task was made in (None outside any task made during a run).
_RUN: contextvars.ContextVar[int | None] = contextvars.ContextVar("sandbox_run", default=None)
# The run going on now, or None between runs.
_active: int | None = None
_count = 0
# Whether the active run has made a task.
_made_tasks = False


def begin() -> None:
    """A run begins: tasks made from now on belong to it."""
    global _active, _count, _made_tasks
    _count += 1
    _active = _count
    _made_tasks = False


def end() -> None:
    """The run ends: its pending tasks are cancelled (but the one calling this)."""
    global _active
    run = _active
    _active = None
    if run is None or not _made_tasks:
        return  # most runs make no task: nothing to cancel
    loop = asyncio.get_event_loop()
    current = asyncio.current_task(loop)
    for task in asyncio.all_tasks(loop):
        if task is not current and task.get_context().get(_RUN) == run:
            task.cancel("the run that made this task has ended")


def install() -> None:
    """Tags new tasks with their run."""
    loop = asyncio.get_event_loop()
    if getattr(loop, "_sandbox_run_tasks", False):
        return  # restored from a snapshot that already has it (and this module's state with it)
    create_task = loop.create_task

    def tagged_create_task(coro: Any, *, context: contextvars.Context | None = None, **kwargs: Any) -> asyncio.Task:
        if context is None:
            context = contextvars.copy_context()
        if context.get(_RUN) is None and _active is not None:
            global _made_tasks
            _made_tasks = True
            context.run(_RUN.set, _active)
        return create_task(coro, context=context, **kwargs)

    loop.create_task = tagged_create_task  # type: ignore[method-assign]
    loop._sandbox_run_tasks = True  # type: ignore[attr-defined]
