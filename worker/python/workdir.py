"""The working directory: which files a run created or changed, and listing."""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import stat
import time

SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints"}


def _walk(root: str, limit: int):
    """Every entry under ``root`` but folders, as ``(path, lstat)``, at most ``limit`` of them.

    Nothing is followed: a symlink (to a device that never ends, or out of the folder) is an entry
    of its own, which the callers pass over as they do devices (see ``is_file``).
    """
    count = 0
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        inner = []
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                if entry.name not in SKIP_DIRS:
                    inner.append(entry.path)
                continue
            yield os.path.relpath(entry.path, root).replace(os.sep, "/"), st
            count += 1
            if count >= limit:
                return
        # Depth first, in name order (as os.walk gives them).
        folders.extend(reversed(inner))


def is_file(st: os.stat_result) -> bool:
    return stat.S_ISREG(st.st_mode)


def _kind(st: os.stat_result) -> str:
    if stat.S_ISLNK(st.st_mode):
        return "a symbolic link"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "a device"
    if stat.S_ISFIFO(st.st_mode):
        return "a named pipe"
    if stat.S_ISSOCK(st.st_mode):
        return "a socket"
    return "not a file"


def _state(st: os.stat_result) -> tuple[int, int]:
    """What the next walk compares; an entry that is not a regular file has size -1."""
    return st.st_mtime_ns, st.st_size if is_file(st) else -1


def _read_at_most(path: str, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it holds more than ``max_bytes`` (never more is read)."""
    with open(path, "rb", opener=lambda name, flags: os.open(name, flags | getattr(os, "O_NOFOLLOW", 0))) as f:
        data = f.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


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
    return _past_newest_stamp({path: _state(st) for path, st in _walk(root, limit)})


def list_files(root: str, limit: int) -> list[dict]:
    return [{"path": path, "size": st.st_size} for path, st in _walk(root, limit) if is_file(st)]


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


def _file_entry(root: str, path: str, size: int, max_file: int, max_total: int, total: int) -> dict:
    """A changed file as the run returns it: its contents when it fits ``max_file`` and what is left
    of ``max_total`` after ``total``, else why it was omitted. Never reads more than fits."""
    entry = {"path": path, "mimeType": mime_type(path), "size": size, "data": ""}
    if size > max_file:
        entry["omitted"] = f"larger than the {max_file:,}-byte limit per file"
        return entry
    if total + size > max_total:
        entry["omitted"] = f"over the {max_total:,}-byte limit for all files of one run"
        return entry
    try:
        data = _read_at_most(os.path.join(root, path), min(max_file, max_total - total))
    except OSError as error:  # chmod 000, say: this file's problem, not the walk's
        entry["omitted"] = f"could not be read ({error.strerror or repr(error)})"
        return entry
    if data is None:
        entry["omitted"] = "grew past the limits while it was read"
    else:
        entry.update(size=len(data), data=base64.b64encode(data).decode("ascii"))
    return entry


def merge_changes(earlier: str | None, later: str | None) -> str | None:
    """Two answers of the file-change watch (see ``written_paths``) as one."""
    # JavaScript's null arrives as pyodide's JsNull, not None.
    earlier, later = (answer if isinstance(answer, str) else None for answer in (earlier, later))
    if earlier is None or later is None:
        return later if earlier is None else earlier
    if "*" in (earlier, later):
        return "*"
    merged = set(json.loads(earlier)) | set(json.loads(later))
    # As many as the watch names in one answer (MAX_NAMED in file-changes.ts).
    return "*" if len(merged) > 10_000 else json.dumps(sorted(merged))


def changed_files(
    root: str,
    before: dict[str, tuple[int, int]],
    max_file: int,
    max_total: int,
    max_files: int,
    written: set[str] | None = None,
) -> tuple[list[dict], list[str], list[str] | None, dict[str, tuple[int, int]]]:
    """Files new or changed since ``before``, with contents up to the caps; notes on what was
    capped and on new entries passed over (symlinks, devices); the files removed since ``before``
    (None when the walk hit its cap and cannot tell);
    and the directory as it is now (what ``snapshot`` would return), for the next run's ``before``.

    A file in ``written`` (None: every file) counts as changed even when its stamp and size are
    as before: both can be put back (``os.utime``) after rewriting it.
    """
    files: list[dict] = []
    notes: list[str] = []
    now: dict[str, tuple[int, int]] = {}
    total = 0
    for path, st in _walk(root, max_files):
        now[path] = state = _state(st)
        unchanged = before.get(path) == state
        if not is_file(st):
            if not unchanged:
                notes.append(f"[{path} not returned: {_kind(st)}, not a regular file]")
            continue
        if unchanged and written is not None and path not in written:
            continue
        entry = _file_entry(root, path, st.st_size, max_file, max_total, total)
        if "omitted" in entry:
            notes.append(f"[file {path} ({st.st_size:,} bytes) not returned: {entry['omitted']}]")
        else:
            total += entry["size"]
        files.append(entry)
    removed = None if len(now) >= max_files or len(before) >= max_files else sorted(p for p in set(before) - set(now) if before[p][1] >= 0)
    return files, notes, removed, _past_newest_stamp(now)
