"""The page's functions for the current run (``RunOptions.functions``).

``default_api.get_sales_data(region="north")`` sends the call to the page (worker/code-calls/default-api.ts)
and returns the handler's value, decoded from JSON. Called from async code (an ``async def``, or a
cell that uses ``await``) a call is awaitable, so ``await``, ``asyncio.gather`` and tasks work;
called from plain code (a cell without ``await``, a helper, a loop, a ``lambda``) it waits for the
answer in place, where the engine can pause Python for JavaScript (JSPI: the worker enters such
runs through ``callPromising``) or, without JSPI, where the worker's thread can block until the
answer comes (worker/code-calls/blocking-wait.ts: Node, WebKit on a cross-origin-isolated page). Where
neither, such a call is an awaitable inside a task (a cell that uses ``await``) and raises
``AwaitRequired`` elsewhere, both saying to ``await`` it.

The module persists between runs; each run sets which functions are available, so a helper from
an earlier cell keeps working as long as the later run passes its function again. Once a run has
functions, ``default_api`` is a builtin name: no import is needed.
"""

from __future__ import annotations

import asyncio as _asyncio
import builtins as _builtins
import inspect as _inspect
import json as _json
import sys as _sys
from collections.abc import Callable as _Callable
from collections.abc import Coroutine as _Coroutine
from typing import Any as _Any

from pyodide.ffi import can_run_sync as _can_run_sync
from pyodide.ffi import run_sync as _run_sync

# Set by the worker: (name, args_json, in_place) -> the call's number, whose answer the worker hands
# to `_answer`, or an answer at once (no run, or a stopped one). An answer is text, as the host
# writes it (src/protocol.ts `functionAnswer`): "r" and the result's JSON, "n" (None), "e" and why
# the call failed, or "s" once the run is stopped (a call waited for in place).
_call: _Callable[[str, str, bool], int | str] | None = None
# Set by the worker: called once Python is back from waiting in place (interrupts are off meanwhile).
_resumed: _Callable[[], None] | None = None
# Set by the worker where its thread can block (no JSPI needed): returns once the call just sent is
# answered or the run is stopped, its answer handed to `_answer` as usual.
_block: _Callable[[], None] | None = None
# Calls sent, by number: each waits on a plain asyncio Future the worker resolves through `_answer`.
# Not on a JS Promise: Pyodide turns a returned Promise into a future of the event loop, and its
# resolution then takes two more scheduled callbacks (about 0.1 ms of each call's round trip).
_waiting: dict[int, _asyncio.Future[str]] = {}
# Made once: `json.dumps(..., allow_nan=False)` builds an encoder on every call.
_ENCODER = _json.JSONEncoder(allow_nan=False)
# Code whose calls are awaitable: coroutines and async generators (a cell using `await` is one).
_ASYNC_CODE = _inspect.CO_COROUTINE | _inspect.CO_ASYNC_GENERATOR | _inspect.CO_ITERABLE_COROUTINE
# This run's functions: name -> parameter names in order (where positional arguments go).
_current: dict[str, list[str]] = {}
_made: dict[str, _Callable[..., _Any]] = {}
# The module's own names (src/default-api-names.ts, handed over by the worker): the host refuses a
# function of one, so none of them is ever replaced by a run's function.
_own: frozenset[str] = frozenset()


class FunctionCallError(RuntimeError):
    """A function of the page failed: it raised, its arguments were refused, or a limit was reached."""


class AwaitRequired(RuntimeError):
    """A call from plain code where this engine cannot wait for the page in place: it must be awaited."""


def _connect(call: _Callable[[str, str, bool], _Any], resumed: _Callable[[], None], block: _Callable[[], None] | None, own_names_json: str) -> None:
    global _call, _resumed, _block, _own
    _call = call
    _resumed = resumed
    _block = block
    _own = frozenset(_json.loads(own_names_json))


def _begin_run(specs_json: str) -> None:
    global _current
    specs = _json.loads(specs_json)
    _current = {spec["name"]: list(spec["params"]) for spec in specs}
    module = _sys.modules[__name__]
    # Gemini's code names `default_api` without importing it; a cell may still shadow the name.
    _builtins.default_api = module
    for spec in specs:
        name = spec["name"]
        function = _made.get(name) or _make(name)
        function.__doc__ = spec.get("description")
        _made[name] = function
        setattr(module, name, function)


def __getattr__(name: str) -> _Any:
    available = ", ".join(sorted(_current)) or "none"
    raise AttributeError(f"default_api has no function {name!r} in this run (available: {available})")


def __dir__() -> list[str]:
    return sorted({*_current, *_own})


def search_tools(query: str = "") -> list[str]:
    """This run's functions whose name or description has every word of ``query`` (any case).

    One line each: the call, then the first line of what it does (cut at 150 characters). Where
    run_python's description has too many functions to list, this is how the model finds one
    without reading every description (help() then shows the whole of it).
    """
    words = str(query).lower().split()
    found = []
    for name in sorted(_current):
        doc = getattr(_made.get(name), "__doc__", None) or name
        if not all(word in doc.lower() for word in words):
            continue
        call, _, about = doc.partition("\n\n")
        first = next((line.strip() for line in about.splitlines() if line.strip()), "")
        found.append(f"{call}: {first[:150]}" if first else call)
    return found


def _make(name: str) -> _Callable[..., _Any]:
    def function(*args: _Any, **kwargs: _Any) -> _Any:
        # Inside a task (a cell using `await`) plain code cannot wait in place either: an awaitable
        # is what can still work there, and it says to `await` it if used as a value.
        if _sys._getframe(1).f_code.co_flags & _ASYNC_CODE or (not _can_run_sync() and _in_task()):
            return _PendingCall(name, _invoke(name, args, kwargs))
        return _invoke_in_place(name, args, kwargs)

    function.__name__ = function.__qualname__ = name
    function.__module__ = __name__
    return function


def _answer(number: int, answer: str) -> None:
    future = _waiting.pop(number, None)
    # A cancelled task has cancelled its future: the answer has no one left to take it.
    if future is None or future.done():
        return
    if not isinstance(future, _AwaitedCall):
        future.set_result(answer)
        return
    _STEPS.taken = taken = []
    try:
        # The run is being stopped ("s"): the awaiting task ends as a stopped task does, with
        # CancelledError, whether this answer or the run's own cancel reaches the worker first.
        if answer == "s":
            future.cancel()
        else:
            future.set_result(answer)
    finally:
        _STEPS.taken = None
    loop = future.get_loop()
    # As Pyodide's webloop does before each callback (pyodide/webloop.py `run_handle`): each entry
    # through JSPI runs on a thread state of its own, which must know its running loop.
    getattr(loop, "_install_running_loop", lambda: None)()
    getattr(loop, "_install_asyncgen_hooks", lambda: None)()
    for callback, args, context in taken:
        _asyncio.Handle(callback, args, loop, context=context)._run()


class _AtOnce:
    """The loop of a future waited for in place: runs its done callbacks as soon as it is resolved.

    `run_sync` waits on a future through a done callback that resolves the JS Promise Python is
    suspended on. A future of the event loop schedules that callback (Pyodide's webloop: two
    MessageChannel hops and a JSPI entry, about 0.25 ms in Chromium); this one calls it when the
    worker hands in the answer. Nothing else holds such a future, and the event loop is idle while
    Python waits in place, so nothing runs out of turn.
    """

    def get_debug(self) -> bool:
        return False

    def call_soon(self, callback: _Callable[..., _Any], *args: _Any, context: _Any = None) -> None:
        if context is None:
            callback(*args)
        else:
            context.run(callback, *args)


_AT_ONCE = _AtOnce()


class _Steps:
    """Where an awaited call's future schedules its done callbacks (the awaiting task's wakeup).

    While `_answer` resolves the future they are taken, and `_answer` runs them then: the worker
    calls it through JSPI (`callPromising`), so the task goes on as from the event loop, able to
    wait in place. Through Pyodide's webloop the wakeup took about 0.25 ms more (call_soon makes a
    JS callback, then two MessageChannel hops and a JSPI entry). At any other time (a cancelled
    call) they go to the event loop as usual.
    """

    taken: list[tuple[_Callable[..., _Any], tuple[_Any, ...], _Any]] | None = None

    def get_debug(self) -> bool:
        return False

    def call_soon(self, callback: _Callable[..., _Any], *args: _Any, context: _Any = None) -> None:
        if self.taken is not None:
            self.taken.append((callback, args, context))
        else:
            self.loop.call_soon(callback, *args, context=context)

    @property
    def loop(self) -> _asyncio.AbstractEventLoop:
        return _asyncio.get_event_loop()


_STEPS = _Steps()


class _AwaitedCall(_asyncio.Future):
    """An awaited call's future: of the event loop for whoever awaits it, its callbacks through `_STEPS`."""

    def __init__(self) -> None:
        super().__init__(loop=_STEPS)  # type: ignore[arg-type]
        self._event_loop = _STEPS.loop

    def get_loop(self) -> _asyncio.AbstractEventLoop:
        return self._event_loop


def _send(name: str, args_json: str, in_place: bool) -> str | _asyncio.Future[str]:
    ticket = _call(name, args_json, in_place)
    if isinstance(ticket, str):
        return ticket
    future = _waiting[ticket] = _asyncio.Future(loop=_AT_ONCE) if in_place else _AwaitedCall()
    return future


async def _invoke(name: str, args: tuple[_Any, ...], kwargs: dict[str, _Any]) -> _Any:
    sent = _send(name, _encode(name, args, kwargs), False)
    return _decode(name, sent if isinstance(sent, str) else await sent)


def _in_task() -> bool:
    try:
        return _asyncio.current_task() is not None
    except RuntimeError:  # no running event loop
        return False


def _invoke_in_place(name: str, args: tuple[_Any, ...], kwargs: dict[str, _Any]) -> _Any:
    jspi = _can_run_sync()
    if not jspi and _block is None:
        raise AwaitRequired(
            f"default_api.{name}(...) must be awaited here: this JavaScript engine cannot pause Python to wait for the page (it lacks JSPI). "
            f"Write `await default_api.{name}(...)`, and make a function that calls it `async def` and await that too."
        )
    args_json = _encode(name, args, kwargs)
    try:
        sent = _send(name, args_json, True)
        answer = sent if isinstance(sent, str) else _run_sync(sent) if jspi else _wait_blocked(sent)
    finally:
        # Back in this frame: a stop's KeyboardInterrupt lands here, not in the machinery of the wait.
        if _resumed is not None:
            _resumed()
    return _decode(name, answer)


def _wait_blocked(future: _asyncio.Future[str]) -> str:
    _block()
    # Answered, or stopped ("s"); a wait that ended otherwise is taken as a stop too.
    return future.result() if future.done() else "s"


def _encode(name: str, args: tuple[_Any, ...], kwargs: dict[str, _Any]) -> str:
    params = _current.get(name)
    if params is None or _call is None:
        available = ", ".join(sorted(_current)) or "none"
        raise FunctionCallError(f"default_api.{name} is not available in this run (available: {available})")
    if len(args) > len(params):
        raise TypeError(f"{name}() takes {len(params)} positional arguments but {len(args)} were given")
    merged = dict(zip(params, args, strict=False))
    for key in kwargs:
        if key in merged:
            raise TypeError(f"{name}() got multiple values for argument {key!r}")
    merged.update(kwargs)
    try:
        return _ENCODER.encode(merged)
    except (TypeError, ValueError) as error:
        raise TypeError(f"the arguments of {name}() must be JSON values: {error}") from None


def _decode(name: str, answer: str) -> _Any:
    kind = answer[:1]
    if kind == "r":
        return _json.loads(answer[1:])
    if kind == "s":
        raise KeyboardInterrupt
    if kind == "e":
        raise FunctionCallError(f"{name}: {answer[1:]}")
    return None


def _hint(name: str) -> str:
    return f"default_api.{name}(...) was called without await, so it did not run: write `await default_api.{name}(...)`"


class _PendingCall(_Coroutine):
    """A call not yet awaited. Used as a value it raises a hint; never awaited, it prints one (and nothing was sent)."""

    __slots__ = ("_awaited", "_coro", "_name")

    def __init__(self, name: str, coro: _Coroutine) -> None:
        self._name = name
        self._coro = coro
        self._awaited = False

    def __await__(self):  # noqa: ANN204
        self._awaited = True
        return (yield from self._coro.__await__())

    def send(self, value: _Any) -> _Any:
        self._awaited = True
        return self._coro.send(value)

    def throw(self, *args: _Any) -> _Any:
        self._awaited = True
        return self._coro.throw(*args)

    def close(self) -> None:
        self._awaited = True
        self._coro.close()

    def __del__(self) -> None:
        if not self._awaited:
            self._coro.close()
            print(f"Warning: {_hint(self._name)}", file=_sys.stderr)

    def __repr__(self) -> str:
        return f"<{_hint(self._name)}>"

    def _misused(self, *_args: _Any) -> _Any:
        raise TypeError(_hint(self._name))

    def __getattr__(self, attribute: str) -> _Any:
        # An AttributeError, so `hasattr` (the runner's display checks, for one) still answers.
        raise AttributeError(f"{attribute!r}: {_hint(self._name)}")

    __getitem__ = __iter__ = __len__ = __bool__ = __contains__ = _misused
