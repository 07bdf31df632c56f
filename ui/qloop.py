"""The qasync event loop, with what qasync leaves out.

qasync never installs asyncio's async-generator hooks, so a status stream abandoned mid-way
(an SSE generator the engine stops reading) is finalised by the garbage collector instead of
by `aclose()` on the loop, and its connection's clean-up runs with no loop at all. Installing
the base loop's own hooks restores what `asyncio.run` would do.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from qasync import QEventLoop


def make_loop(app: Any) -> QEventLoop:
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    sys.set_asyncgen_hooks(
        firstiter=loop._asyncgen_firstiter_hook,
        finalizer=loop._asyncgen_finalizer_hook,
    )
    return loop


def settle_garbage() -> None:
    """Move everything alive after start-up out of the collector's sight.

    A full (generation 2) collection walks every object; after start-up that is mostly
    modules, Qt wrappers and classes that live forever, and one walk stalled the GUI for
    50-80 ms in the streaming benchmark. Frozen objects are skipped by later collections.
    """
    import gc

    gc.collect()
    gc.freeze()
