"""The sync server's wire protocol, as both ends speak it: paths, headers, the signed request.

Every request but health carries the device id and an Ed25519 signature by the device's key
over the method, path, device and the SHA-256 of the body: no shared passwords. The regency's
side is :mod:`kudus_desktop.core.regency.sync_server`, the village's :mod:`.online`; the whole
protocol is in ``docs/sync-server.md``.
"""

from __future__ import annotations

import base64
import hashlib

from kudus_desktop.core.storage.signing import Identity

PROTOCOL = "kudus-hub-1"  # in every signed message: fixed for the devices already out there
DEVICE_HEADER = "X-Kudus-Device"
SIGNATURE_HEADER = "X-Kudus-Signature"
PACKAGES_PATH = "/v1/packages"
RECEIPT_PATH = "/v1/receipt"
HEALTH_PATH = "/v1/health"
#: ``/v1/update/<platform>`` is the newest update file, ``.../head`` its signed manifest alone.
UPDATE_PATH = "/v1/update"


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_message(method: str, path: str, device: str, digest: str) -> bytes:
    """The bytes a device signs for one request."""
    return f"{PROTOCOL}\n{method.upper()}\n{path}\n{device}\n{digest}".encode("ascii")


def sign_request(me: Identity, device: str, method: str, path: str, body: bytes = b"") -> dict[str, str]:
    """The headers that authenticate a request from this device."""
    signature = me.sign.sign(request_message(method, path, device, body_digest(body)))
    return {DEVICE_HEADER: device, SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii")}
