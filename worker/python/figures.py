"""Images from user code: matplotlib figures and objects with ``_repr_png_`` / ``_repr_jpeg_``.

Written against duck types (a pyplot-like module, objects with ``_repr_png_``) so it is testable
without matplotlib.
"""

from __future__ import annotations

import base64
import io
import sys
from typing import Any

MAX_IMAGES_PER_RUN = 20


class ImageCollector:
    def __init__(self) -> None:
        self.images: list[dict[str, str]] = []
        self.skipped = 0

    def begin(self) -> None:
        self.images = []
        self.skipped = 0

    def add(self, mime_type: str, data: bytes) -> None:
        if len(self.images) >= MAX_IMAGES_PER_RUN:
            self.skipped += 1
            return
        self.images.append({"mimeType": mime_type, "data": base64.b64encode(data).decode("ascii")})

    def capture_pyplot(self, pyplot: Any = None) -> None:
        """Saves every open figure as PNG, in figure order, then closes them all.

        Called by ``plt.show()`` (through the sandbox backend) and at the end of every run.
        """
        pyplot = pyplot if pyplot is not None else sys.modules.get("matplotlib.pyplot")
        if pyplot is None:
            return
        for number in list(pyplot.get_fignums()):
            figure = pyplot.figure(number)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", bbox_inches="tight")
            self.add("image/png", buffer.getvalue())
        pyplot.close("all")

    def display(self, *objects: Any) -> None:
        """Shows objects the way a notebook would: images as images, anything else as its repr."""
        for obj in objects:
            if _is_figure(obj):
                buffer = io.BytesIO()
                obj.savefig(buffer, format="png", bbox_inches="tight")
                self.add("image/png", buffer.getvalue())
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


def _is_figure(obj: Any) -> bool:
    return type(obj).__name__ == "Figure" and callable(getattr(obj, "savefig", None))


collector = ImageCollector()
display = collector.display
