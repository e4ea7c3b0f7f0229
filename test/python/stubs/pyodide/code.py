"""``pyodide.code.should_quiet`` as Pyodide 314.0.7 defines it (``_pyodide/_base.py``): a cell
whose last token is ``;`` shows no result."""

from __future__ import annotations

import tokenize
from io import StringIO

_SKIPPED = (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)


def should_quiet(source: str, /) -> bool:
    for token in reversed(list(tokenize.generate_tokens(StringIO(source).readline))):
        if token.type not in _SKIPPED:
            return token.type == tokenize.OP and token.string == ";"
    return False
