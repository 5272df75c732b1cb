"""Who may run which command: read before any command module is imported (they are heavy)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from kudus_desktop.core.rules.codes import (
    can_approve,
    can_decide_doubles,
    can_edit_settings,
    can_enrol,
)


@dataclass(frozen=True, slots=True)
class Need:
    """What a command asks of the person running it; ``allowed`` names the roles for the refusal."""

    may: Callable[[str], bool]
    allowed: str


ANYONE = Need(lambda role: True, "setiap akun aktif")
MAKER = Need(can_enrol, "admin atau operator")
CHECKER = Need(can_approve, "admin atau verifikator")
ADMIN = Need(can_edit_settings, "admin")
DECIDER = Need(can_decide_doubles, "admin atau verifikator")

#: Who may run what, by command ("module:function"). Missing: free to anyone at the PC (reads,
#: NIKs masked); full NIKs need an account, any account (each showing is audited). A function:
#: the need depends on the options (a preview is free, its --commit is not).
NEEDS: dict[str, Need | Callable[[argparse.Namespace], Need | None]] = {
    "office:cmd_purge": lambda a: ADMIN if a.set_years is not None or a.confirm is not None else None,
    "participants:cmd_peserta_list": lambda a: ANYONE if a.show_nik else None,
    "participants:cmd_peserta_report": ANYONE,
    "participants:cmd_peserta_review": ANYONE,
    "participants:cmd_peserta_notice": ANYONE,
    "participants:cmd_peserta_print": ANYONE,
    "participants:cmd_cards": lambda a: None if a.calibration else ANYONE,
    "participants:cmd_cards_changed": ANYONE,
    "participants:cmd_import": lambda a: MAKER if a.commit else None,
    "participants:cmd_export": lambda a: ANYONE if a.kind == "roster" else MAKER,
    "office:cmd_backup": ADMIN,
    "office:cmd_restore": ADMIN,
    "sync:cmd_sync_setup_file": ADMIN,
    "sync:cmd_sync_join": ADMIN,
    "sync:cmd_sync_export": ANYONE,
    "sync:cmd_sync_import": lambda a: ADMIN if a.confirm_device else ANYONE,
    "sync:cmd_sync_receipts": ANYONE,
    "sync:cmd_sync_request_full": ANYONE,
    "sync:cmd_sync_push": ANYONE,
    "sync:cmd_sync_pull": ANYONE,
    "sync:cmd_sync_revoke": ADMIN,
    "sync:cmd_sync_rotate_keys": ADMIN,
    "sync:cmd_sync_limit": lambda a: ADMIN if a.payload_mb is not None else None,
    "sync:cmd_server_serve": ANYONE,
    "sync:cmd_server_confirm": ADMIN,
    "sync:cmd_store_copy": ADMIN,
    "updates:cmd_update_publish": ADMIN,
    "updates:cmd_update_receive": ADMIN,
    "updates:cmd_update_install": ADMIN,
    "regency:cmd_bpjs_export": MAKER,
    "regency:cmd_bpjs_import": lambda a: None if a.dry_run else MAKER,
    "premiums:cmd_iuran_pay": MAKER,
    "premiums:cmd_iuran_void": MAKER,
    "premiums:cmd_iuran_rates": lambda a: ADMIN if a.id is not None else None,
    "premiums:cmd_iuran_budget": lambda a: ADMIN if a.set is not None else None,
    "participants:cmd_approval_approve": CHECKER,
    "participants:cmd_approval_decline": CHECKER,
    "participants:cmd_approval_required": ADMIN,
    "regency:cmd_report_lost": CHECKER,
    "premiums:cmd_report_iuran": ANYONE,
    "regency:cmd_report_coverage": ANYONE,
    "regency:cmd_ganda_scan": ANYONE,
    "regency:cmd_ganda_decide": DECIDER,
    "regency:cmd_apbd_import": ANYONE,
}


def need_of(args: argparse.Namespace) -> Need | None:
    need = NEEDS.get(args.func)
    return need(args) if callable(need) and not isinstance(need, Need) else need
