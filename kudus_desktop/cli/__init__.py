"""The ``kudus-desktop`` command: no subcommand opens the window; subcommands run headless.

Every subcommand calls the same core services as the window, exits non-zero with a
one-line reason on bad input, and prints machine-readable JSON with ``--json``. The options are
in :mod:`.parser`; each area's commands in a module of their own (:mod:`.office`,
:mod:`.participants`, :mod:`.premiums`, :mod:`.sync`, :mod:`.regency`), imported only when run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from typing import Any

EXIT_BAD_INPUT = 2


def _emit(args: argparse.Namespace, ok: bool, payload: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps({"ok": ok, **payload}, ensure_ascii=False, default=str))
    elif ok:
        print(payload.get("message", ""))
    elif "error" in payload:
        print(f"Galat: {payload['message']}", file=sys.stderr)
    else:
        print(payload.get("message", ""), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    from kudus_desktop.cli.parser import build_parser

    args = build_parser().parse_args(argv)
    args.data_dir = args.sub_data_dir or args.data_dir
    args.json = args.sub_json or args.json
    args.db = args.sub_db or args.db
    args.user = args.sub_user or args.user
    args.password_file = args.sub_password_file or args.password_file
    args.actor = None
    if args.func is None:
        from kudus_desktop.cli.common import data_folder
        from kudus_desktop.gui.app import run_gui

        return run_gui(data_folder(args))
    args.command_line = " ".join(
        str(v) for k, v in sorted(vars(args).items()) if k.endswith("command") and isinstance(v, str)
    )
    # The command's own module, imported now: the others are never loaded.
    from kudus_desktop.core.errors import KudusError
    from kudus_desktop.core.rules.dates import check_clock
    from kudus_desktop.core.storage import instance

    module, name = str(args.func).split(":")
    command = getattr(importlib.import_module(f"kudus_desktop.cli.{module}"), name)
    instance.set_role(f"perintah '{args.command}'")
    try:
        check_clock()
        result = command(args)
    except KudusError as exc:
        message = " ".join(str(exc).split())
        _emit(args, False, {"error": exc.code, "message": message})
        return EXIT_BAD_INPUT
    code = int(result.pop("exit_code", 0))
    _emit(args, code == 0, result)
    return code
