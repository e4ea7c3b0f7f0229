"""Stand-in for Pyodide's private ``_pyodide`` package under native CPython."""
