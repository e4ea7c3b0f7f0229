"""Standard input: the sandbox has none, and says so at once.

Without this, ``input()`` fails deep in Pyodide with an ``OSError: [Errno 29] I/O error`` (and,
in Node, a JavaScript stack trace on the host's console), which tells a model nothing useful.
"""

from __future__ import annotations

import io

MESSAGE = "there is no standard input in the sandbox: input() cannot be answered; put the data in the code or in a file"


class NoInput(io.TextIOBase):
    """``sys.stdin`` for a sandbox: readable, but every read ends with a clear ``EOFError``."""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def readable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def read(self, size: int | None = -1) -> str:
        raise EOFError(MESSAGE)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        raise EOFError(MESSAGE)
