"""What long core jobs take: a progress callback and a cancel check, both plain callables.

Core code calls ``progress(done, total)`` now and then and ``cancelled()`` between rows,
raising :class:`~kudus_desktop.core.errors.CancelledError` when it returns true; the GUI
wraps them around a progress dialog, the command line passes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def never_cancelled() -> bool:
    return False
