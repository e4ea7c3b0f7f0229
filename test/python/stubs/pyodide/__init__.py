"""Stand-in for Pyodide's ``pyodide`` package under native CPython: only what the worker's modules import."""
