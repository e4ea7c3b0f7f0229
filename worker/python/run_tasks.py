"""Nothing of a run outlives it: the asyncio tasks a run starts end with the run.

Every task made while run N goes on (``asyncio.create_task``, ``ensure_future``, ``gather``, a
task group; a task's own tasks too) carries N in its context. When the run ends, its tasks that
are still pending are cancelled, and from then on the event loop schedules nothing for them: a
task that catches ``CancelledError`` and goes on is simply never woken again. So a cell's
leftover task neither computes between runs nor calls the page's functions as a later run
(``default_api`` refuses a call from another run's task: see ``left_over``).

The run's own top-level ``await`` is a task of the run too; it ends the run itself (``end`` is
called from its last step, and the worker's wait for it was registered outside any run).
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
# The event loop's own call_later, which schedules whatever the run (set by ``install``).
_schedule: Any = None


def begin() -> None:
    """A run begins: tasks made from now on belong to it."""
    global _active, _count, _made_tasks
    _count += 1
    _active = _count
    _made_tasks = False


def end() -> None:
    """The run ends: its pending tasks are cancelled (but the one calling this), then never scheduled again.

    Called from the run's last step: the steps that finish it (the top-level ``await``'s task
    completing, whose done callbacks are scheduled in its context) are still scheduled, and the
    run counts as ended from the next turn of the event loop on.
    """
    global _active
    run = _active
    if run is None or _schedule is None:
        return
    if not _made_tasks:
        # Most runs make no task: nothing to cancel, and no turn of the event loop to wait for.
        _active = None
        return
    loop = asyncio.get_event_loop()
    current = asyncio.current_task(loop)
    for task in asyncio.all_tasks(loop):
        if task is not current and task.get_context().get(_RUN) == run:
            # While the run is active, so the task's next step is scheduled: it raises CancelledError.
            task.cancel("the run that made this task has ended")
    _schedule(0, _ended, run)


def _ended(run: int) -> None:
    global _active
    if _active == run:  # not if the next run has begun meanwhile
        _active = None


def left_over() -> bool:
    """Whether the code running now is a task of a run that has ended."""
    run = _RUN.get()
    return run is not None and run != _active


def install() -> None:
    """Tags new tasks with their run and stops scheduling steps of tasks whose run has ended."""
    loop = asyncio.get_event_loop()
    if getattr(loop, "_sandbox_run_tasks", False):
        return  # restored from a snapshot that already has it (and this module's state with it)
    global _schedule
    create_task = loop.create_task
    call_later = _schedule = loop.call_later

    def tagged_create_task(coro: Any, *, context: contextvars.Context | None = None, **kwargs: Any) -> asyncio.Task:
        if context is None:
            context = contextvars.copy_context()
        if context.get(_RUN) is None and _active is not None:
            global _made_tasks
            _made_tasks = True
            context.run(_RUN.set, _active)
        return create_task(coro, context=context, **kwargs)

    def guarded_call_later(delay: float, callback: Any, *args: Any, context: contextvars.Context | None = None) -> asyncio.Handle:
        run = context.get(_RUN) if context is not None else _RUN.get()
        if run is not None and run != _active:
            handle = asyncio.Handle(callback, args, loop, context=context)
            handle.cancel()
            return handle
        return call_later(delay, callback, *args, context=context)

    loop.create_task = tagged_create_task  # type: ignore[method-assign]
    loop.call_later = guarded_call_later  # type: ignore[method-assign]
    loop._sandbox_run_tasks = True  # type: ignore[attr-defined]
