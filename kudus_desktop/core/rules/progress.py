"""What long core jobs take: a progress callback and a cancel check, both plain callables.

Core code calls ``progress(done, total)`` now and then and ``cancelled()`` between rows,
raising :class:`~kudus_desktop.core.errors.CancelledError` when it returns true; the GUI
wraps them around a progress dialog, the command line passes nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def never_cancelled() -> bool:
    return False


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector around a job that makes objects by the hundred
    thousand and no reference cycles (an import's rows): otherwise the collector re-scans every
    object made so far, again and again, as they pile up. Reference counting still frees
    everything; the collector resumes as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
