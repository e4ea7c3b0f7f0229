"""matplotlib backend for the sandbox (``MPLBACKEND=module://sandbox_mpl_backend``).

Draws with Agg (a worker has no ``document``); ``plt.show()`` hands the open figures to the
image collector and closes them, so each ``show()`` yields its own images.
"""

from matplotlib.backend_bases import _Backend
from matplotlib.backends.backend_agg import _BackendAgg

import figures


@_Backend.export
class _BackendSandbox(_BackendAgg):
    @classmethod
    def show(cls, *args, **kwargs):
        figures.collector.capture_pyplot()
