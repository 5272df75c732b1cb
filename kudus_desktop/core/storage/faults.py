"""Named points inside the writes that must be all or nothing, where a crash test stops the
process for certain.

A crash test kills a process while it is inside the write it tests. A fixed delay lands
anywhere (often before the write begins or after it ends), so such a test can pass against a
build that half-writes. With ``KUDUS_CRASH_POINT`` naming a point and ``KUDUS_CRASH_MARKER`` a
file in its environment, a process reaching that point writes the marker and waits there to be
killed. Without them a point is one comparison; nothing else reads these variables.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

_POINT = os.environ.get("KUDUS_CRASH_POINT", "")


def point(name: str) -> None:
    """Stop here, for good, when the environment names this point (see the module)."""
    if not _POINT or name != _POINT:
        return
    Path(os.environ["KUDUS_CRASH_MARKER"]).write_text(name, encoding="utf-8")
    while True:  # the test kills the process now
        time.sleep(3600)
