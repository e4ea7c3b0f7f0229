"""Awaiting a JavaScript promise that rejects with something Python cannot raise.

Pyodide settles the awaiting future with the rejection value as it converts it. A value that
is not an Error (``Promise.reject(1)``), or an Error Pyodide does not take as one (WebKit's
failed module import), is not an exception: ``set_exception`` refuses it with a TypeError
printed nowhere useful, and the future never settles, so the cell hangs until its deadline.
Here any such value becomes ``JsRejection`` carrying its text, and the await fails at once.
"""

from __future__ import annotations

from typing import Any

import _pyodide._future_helper as future_helper


class JsRejection(Exception):
    """A JavaScript promise rejected with a value that is not a Python exception."""


_original_set_exception = future_helper.set_exception


def _set_exception(fut: Any, val: Any) -> None:
    if not isinstance(val, BaseException):
        val = JsRejection(f"JavaScript promise rejected with {_describe(val)}")
    _original_set_exception(fut, val)


def _describe(val: Any) -> str:
    try:
        return str(val)[:1000]
    except Exception:  # a hostile toString is still a rejection
        return f"a value of type {type(val).__name__}"


def install() -> None:
    # get_future_resolvers looks this name up on every await.
    future_helper.set_exception = _set_exception
