"""The working directory: which files a run created or changed, and listing."""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import time

SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints"}


def _walk(root: str, limit: int):
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            yield os.path.relpath(path, root).replace(os.sep, "/"), st
            count += 1
            if count >= limit:
                return


def _past_newest_stamp(state: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Returns ``state`` once the clock has passed the newest file's stamp.

    The file system stamps files with the time in whole milliseconds: a file rewritten at the same
    size within the millisecond of the walk would look unchanged to the next one. Waiting for the
    next millisecond (only when a file was written in this one) makes every later write show. A
    stamp set by ``os.utime`` can be anywhere; only one within a millisecond of now is waited for.
    """
    newest = max((mtime for mtime, _ in state.values()), default=0)
    now = time.time_ns()
    if now - 1_000_000 <= newest <= now + 1_000_000:
        # time_ns() is a float in milliseconds underneath; 999 µs on means the next whole one.
        while time.time_ns() < newest + 999_000:
            pass
    return state


def snapshot(root: str, limit: int) -> dict[str, tuple[int, int]]:
    return _past_newest_stamp({path: (st.st_mtime_ns, st.st_size) for path, st in _walk(root, limit)})


def list_files(root: str, limit: int) -> list[dict]:
    return [{"path": path, "size": st.st_size} for path, st in _walk(root, limit)]


def mime_type(path: str) -> str:
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


def written_paths(root: str, changes: str | None) -> set[str] | None:
    """The paths under ``root`` (relative) that the file-change watch saw written, from its answer
    (see file-changes.ts): None when it cannot say which, so every file counts as written."""
    if changes == "*":
        return None
    prefix = root.rstrip("/") + "/"
    written = set()
    for path in json.loads(changes) if changes else []:
        full = os.path.normpath(os.path.join(root, path))
        if full.startswith(prefix):
            written.add(full[len(prefix) :])
    return written


def changed_files(
    root: str,
    before: dict[str, tuple[int, int]],
    max_file: int,
    max_total: int,
    max_files: int,
    written: set[str] | None = None,
) -> tuple[list[dict], list[str], list[str] | None, dict[str, tuple[int, int]]]:
    """Files new or changed since ``before``, with contents up to the caps; notes on what was
    capped; the paths removed since ``before`` (None when the walk hit its cap and cannot tell);
    and the directory as it is now (what ``snapshot`` would return), for the next run's ``before``.

    A file in ``written`` (None: every file) counts as changed even when its stamp and size are
    as before: both can be put back (``os.utime``) after rewriting it.
    """
    files: list[dict] = []
    notes: list[str] = []
    now: dict[str, tuple[int, int]] = {}
    total = 0
    for path, st in _walk(root, max_files):
        now[path] = state = (st.st_mtime_ns, st.st_size)
        if before.get(path) == state and written is not None and path not in written:
            continue
        entry = {"path": path, "mimeType": mime_type(path), "size": st.st_size, "data": ""}
        if st.st_size > max_file:
            entry["omitted"] = f"larger than the {max_file:,}-byte limit per file"
        elif total + st.st_size > max_total:
            entry["omitted"] = f"over the {max_total:,}-byte limit for all files of one run"
        else:
            with open(os.path.join(root, path), "rb") as f:
                entry["data"] = base64.b64encode(f.read()).decode("ascii")
            total += st.st_size
        if "omitted" in entry:
            notes.append(f"[file {path} ({st.st_size:,} bytes) not returned: {entry['omitted']}]")
        files.append(entry)
    removed = None if len(now) >= max_files or len(before) >= max_files else sorted(set(before) - set(now))
    return files, notes, removed, _past_newest_stamp(now)
