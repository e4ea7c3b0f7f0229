"""Runs cells through the sandbox's own runner (worker/python/runner.py) under native CPython.

Reads ``{"limits": {...}, "scenarios": [{"name": ..., "cells": [code, ...]}]}`` on stdin and writes
``{name: [record, ...]}`` on stdout: each record is the JSON the worker hands the host. Each
scenario starts with fresh globals and no open figure (``Runner.reset``), as after ``reset()``;
a cell that is just ``%reset`` calls it (its record: ``status`` ok, or error with the message).
PYTHONPATH must hold the worker's modules, the stand-ins in ``stubs/`` and the real libraries.
"""

import json
import os
import sys
import tempfile

# As the worker sets them (worker/boot/boot.ts): the working directory, and the sandbox's backend.
os.environ["HOME"] = tempfile.mkdtemp(prefix="sandbox-home-")
os.environ["MPLBACKEND"] = "module://sandbox_mpl_backend"

import runner  # noqa: E402  (after HOME: the runner reads it on import)


def reset(run: runner.Runner) -> dict:
    try:
        run.reset()
    except Exception as error:
        return {"status": "error", "error": {"message": repr(error)}}
    finally:
        # A scenario's failure stays its own: the next one starts with no figure open.
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")
    return {"status": "ok"}


def main() -> None:
    request = json.load(sys.stdin)
    live: list[tuple[str, str]] = []
    run = runner.setup(lambda stream, text: live.append((stream, text)), json.dumps(request["limits"]))
    records = {}
    # The scenarios never await: the host's rule (RunRequest.mayAwait) would send False for each.
    for scenario in request["scenarios"]:
        reset(run)
        records[scenario["name"]] = [reset(run) if code == "%reset" else json.loads(run.execute(code, False)) for code in scenario["cells"]]
    json.dump(records, sys.__stdout__)


main()
