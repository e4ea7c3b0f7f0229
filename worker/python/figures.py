"""Images from user code: matplotlib figures and objects with ``_repr_png_`` / ``_repr_jpeg_``.

``display()`` also takes charts (Vega-Lite specs and objects that render to one: charts.py).

Written against duck types (a pyplot-like module, objects with ``_repr_png_``) so it is testable
without matplotlib.
"""

from __future__ import annotations

import base64
import io
import sys
from typing import Any

import charts


class ImageCollector:
    """The images of one run, within the host's limits (count, bytes each, bytes in all)."""

    def __init__(self) -> None:
        self.images: list[dict[str, str]] = []
        self.skipped = 0
        self.skip_reason = ""
        # Set by runner.setup from the host's limits (one home: src/sandbox/limits.ts); none before it.
        self.max_images = self.max_bytes = self.max_total_bytes = 0
        self.total_bytes = 0

    def limit(self, max_images: int, max_bytes: int, max_total_bytes: int) -> None:
        self.max_images, self.max_bytes, self.max_total_bytes = max_images, max_bytes, max_total_bytes

    def begin(self) -> None:
        self.images = []
        self.skipped = 0
        self.skip_reason = ""
        self.total_bytes = 0

    def add(self, mime_type: str, data: bytes) -> None:
        if len(self.images) >= self.max_images:
            self._skip(f"at most {self.max_images} per run")
        elif len(data) > self.max_bytes:
            self._skip(f"larger than the {self.max_bytes:,}-byte limit per image")
        elif self.total_bytes + len(data) > self.max_total_bytes:
            self._skip(f"over the {self.max_total_bytes:,}-byte limit for all images of one run")
        else:
            self.total_bytes += len(data)
            self.images.append({"mimeType": mime_type, "data": base64.b64encode(data).decode("ascii")})

    def _skip(self, reason: str) -> None:
        self.skipped += 1
        self.skip_reason = self.skip_reason or reason

    def capture_pyplot(self, pyplot: Any = None) -> None:
        """Saves every open figure as PNG, in figure order, then closes them all.

        Called by ``plt.show()`` (through the sandbox backend) and at the end of every run.
        """
        pyplot = pyplot if pyplot is not None else sys.modules.get("matplotlib.pyplot")
        if pyplot is None:
            return
        # A figure that cannot be drawn (bad mathtext, say) is reported once, by the caller; the
        # others are still captured, and all are closed, or every later run (and reset) would fail on it.
        failure: Exception | None = None
        try:
            for number in list(pyplot.get_fignums()):
                try:
                    buffer = io.BytesIO()
                    pyplot.figure(number).savefig(buffer, format="png", bbox_inches="tight")
                    self.add("image/png", buffer.getvalue())
                except Exception as error:
                    failure = failure or error
        finally:
            pyplot.close("all")
        if failure is not None:
            raise failure

    def display(self, *objects: Any) -> None:
        """Shows objects the way a notebook would: images as images, charts as charts, anything else as its repr."""
        for obj in objects:
            if charts.collector.take(obj):
                continue
            if _is_figure(obj):
                buffer = io.BytesIO()
                obj.savefig(buffer, format="png", bbox_inches="tight")
                self.add("image/png", buffer.getvalue())
                _forget_in_pyplot(obj)
                continue
            for method, mime_type in (("_repr_png_", "image/png"), ("_repr_jpeg_", "image/jpeg")):
                render = getattr(obj, method, None)
                if callable(render):
                    data = render()
                    if isinstance(data, str):
                        data = base64.b64decode(data)
                    if data:
                        self.add(mime_type, bytes(data))
                        break
            else:
                print(repr(obj))


def _forget_in_pyplot(figure: Any) -> None:
    """A figure shown by ``display`` is closed in pyplot: the end of the run would show it again."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and getattr(figure, "number", None) in pyplot.get_fignums():
        pyplot.close(figure)


def _is_figure(obj: Any) -> bool:
    return type(obj).__name__ == "Figure" and callable(getattr(obj, "savefig", None))


collector = ImageCollector()
display = collector.display
