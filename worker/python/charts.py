"""Charts from user code: Vega-Lite specs (v5 or v6), as dicts or as objects that render to one (Altair).

A chart goes to the host as JSON text, within the host's limits (count per run, characters each
and in all). The host checks each spec again before anything renders it (src/sandbox/charts/):
this side only finds, bounds and serializes them.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

MIME_TYPE = "application/vnd.vegalite.v{}+json"
# Altair's bundle key ("+json"; some versions and tools write ".json").
_BUNDLE_KEY = re.compile(r"^application/vnd\.vegalite\.v([56])(?:\+json|\.json)$")
_SCHEMA = re.compile(r"^https?://vega\.github\.io/schema/vega-lite/v([56])(?:\.[\w.-]*)?\.json$")
# Keys a Vega-Lite spec without a $schema has: a view (mark, layer) or a composition of views.
_VIEW_KEYS = ("mark", "layer", "concat", "hconcat", "vconcat", "spec")
_DATA_KEYS = ("data", "datasets", "encoding")


class _TooLong(Exception):
    pass


class ChartCollector:
    """The charts of one run, within the host's limits (count, characters each, characters in all)."""

    def __init__(self) -> None:
        self.charts: list[dict[str, str]] = []
        self.skipped = 0
        self.skip_reason = ""
        # Set by runner.setup from the host's limits (one home: src/sandbox/limits.ts); none before it.
        self.max_charts = self.max_chars = self.max_total_chars = 0
        self.total_chars = 0

    def limit(self, max_charts: int, max_chars: int, max_total_chars: int) -> None:
        self.max_charts, self.max_chars, self.max_total_chars = max_charts, max_chars, max_total_chars

    def begin(self) -> None:
        self.charts = []
        self.skipped = 0
        self.skip_reason = ""
        self.total_chars = 0

    def take(self, obj: Any, dicts: bool = True) -> bool:
        """Keeps ``obj`` as a chart if it is one (a spec dict when ``dicts``, or an object that renders to one)."""
        found = chart_spec(obj, dicts)
        if found is None:
            return False
        spec, version = found
        if len(self.charts) >= self.max_charts:
            self._skip(f"at most {self.max_charts} per run")
            return True
        room = min(self.max_chars, self.max_total_chars - self.total_chars)
        try:
            text = _serialize(spec, room)
        except _TooLong:
            if room < self.max_chars:
                self._skip(f"over the {self.max_total_chars:,}-character limit for all charts of one run (as JSON)")
            else:
                self._skip(f"larger than the {self.max_chars:,}-character limit per chart (as JSON)")
            return True
        except (TypeError, ValueError, RecursionError) as error:
            nan = "Out of range float" in str(error)
            self._skip("its data holds NaN or infinity, which JSON has not: use None" if nan else f"not JSON: {error!r}")
            return True
        self.total_chars += len(text)
        self.charts.append({"mimeType": MIME_TYPE.format(version), "spec": text})
        return True

    def _skip(self, reason: str) -> None:
        self.skipped += 1
        self.skip_reason = self.skip_reason or reason


def chart_spec(obj: Any, dicts: bool = True) -> tuple[dict, int] | None:
    """The Vega-Lite spec ``obj`` is or renders to, and its major version; None if it is no chart."""
    if isinstance(obj, dict):
        return _dict_spec(obj) if dicts else None
    if isinstance(obj, type):
        return None
    bundle_of = getattr(obj, "_repr_mimebundle_", None)
    if callable(bundle_of):
        try:
            bundle = bundle_of(include=None, exclude=None)
        except Exception:
            bundle = None
        if isinstance(bundle, tuple):  # (data, metadata), as IPython allows
            bundle = bundle[0] if bundle else None
        for key, value in (bundle or {}).items() if isinstance(bundle, dict) else ():
            match = _BUNDLE_KEY.match(str(key))
            if match:
                try:
                    spec = json.loads(value) if isinstance(value, str) else value
                except ValueError:
                    return None
                return (spec, int(match.group(1))) if isinstance(spec, dict) else None
    # Altair under its default renderer gives HTML, not a spec: its own to_dict() is the spec.
    if type(obj).__module__.split(".")[0] == "altair" and callable(getattr(obj, "to_dict", None)):
        try:
            spec = obj.to_dict()
        except Exception:
            return None
        return _dict_spec(spec) if isinstance(spec, dict) else None
    return None


def _dict_spec(spec: dict) -> tuple[dict, int] | None:
    schema = spec.get("$schema")
    if schema is not None:
        match = _SCHEMA.match(schema) if isinstance(schema, str) else None
        return (spec, int(match.group(1))) if match else None
    if any(key in spec for key in _VIEW_KEYS) and any(key in spec for key in _DATA_KEYS):
        return spec, 6
    return None


def _serialize(spec: dict, max_chars: int) -> str:
    """``spec`` as compact JSON text (ASCII, so characters are bytes), stopped once past ``max_chars``.

    The encoder is streamed so a huge spec costs at most ``max_chars`` of text, not its whole size.
    NaN and infinity are refused: they are not JSON, and the host could not read the spec.
    """
    encoder = json.JSONEncoder(separators=(",", ":"), allow_nan=False, default=_plain)
    parts: list[str] = []
    size = 0
    for part in encoder.iterencode(spec):
        size += len(part)
        if size > max_chars:
            raise _TooLong
        parts.append(part)
    return "".join(parts)


def _plain(value: Any) -> Any:
    """Values a spec's data often holds that JSON lacks: dates (ISO text) and numpy's numbers and arrays."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    for method in ("tolist", "item"):
        convert = getattr(value, method, None)
        if callable(convert):
            return convert()
    raise TypeError(f"{type(value).__name__} is not JSON")


collector = ChartCollector()
