"""Pyodide settles a future awaiting a JavaScript promise through ``set_exception``; no promise exists here."""


def set_exception(fut, val):
    fut.set_exception(val)
