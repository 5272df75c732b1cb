"""The ``kudus-desktop`` command in a test.

:func:`cli` calls ``main([...])`` in this process, with its own environment and its output
captured: the same parser, services and exit codes as a real call, without a second of
imports per call. :func:`cli_process` runs a real process, for what only a process shows: a
lock another process holds, a kill, a wrong clock under ``faketime``, the installed entry point.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass


@dataclass(frozen=True)
class Ran:
    """What a command left: its exit code and what it printed (as ``CompletedProcess`` has it)."""

    returncode: int
    stdout: str
    stderr: str


@contextmanager
def environment(env: dict[str, str | None] | None) -> Iterator[None]:
    """``os.environ`` with ``env`` applied (``None`` removes a name), restored afterwards."""
    saved = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def cli(*args: str, env: dict[str, str | None] | None = None) -> Ran:
    """Run the command line in this process. An exception other than the exits the command
    line itself makes propagates: a traceback is a failed test, as it is a bug for a clerk."""
    from kudus_desktop.cli import main
    from kudus_desktop.core.storage import instance

    out, err = io.StringIO(), io.StringIO()
    with environment(env), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own refusals and --help / --version
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        finally:
            instance.set_role("Kudus Desktop")
    return Ran(code, out.getvalue(), err.getvalue())


def cli_process(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> Ran:
    """Run ``python -m kudus_desktop`` as its own process."""
    done = subprocess.run(
        [sys.executable, "-m", "kudus_desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)
