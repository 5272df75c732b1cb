"""HTTP routes of the sync server. Everything but reading the request and writing the answer
happens in :class:`kudus_desktop.core.regency.sync_server.SyncServer`, on a worker thread.

A request is admitted in steps, each before the next costs anything: the client address's
rate limit, the headers' shape (a revoked device stops here), a free slot among the bodies
being received at once, then the body, read in chunks with its limit enforced while reading.
Only then is the request's signature checked and the device's own rate limit applied.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from kudus_desktop.core.errors import KudusError, StorageError
from kudus_desktop.core.regency.sync_server import (
    DEFAULT_ADDRESS_BURST,
    DEFAULT_ADDRESS_PER_MINUTE,
    DEFAULT_BURST,
    DEFAULT_MAX_BODIES,
    DEFAULT_MAX_BODY,
    DEFAULT_PER_MINUTE,
    Caller,
    RateLimiter,
    SyncServer,
    SyncServerError,
)
from kudus_desktop.core.sync import updates
from kudus_desktop.core.sync.protocol import (
    DEVICE_HEADER,
    HEALTH_PATH,
    PACKAGES_PATH,
    RECEIPT_PATH,
    SIGNATURE_HEADER,
    UPDATE_PATH,
)

log = logging.getLogger("kudus_desktop.server")

__all__ = ["DEFAULT_BURST", "DEFAULT_PER_MINUTE", "create_app", "error_response"]


def error_response(exc: KudusError, status: int) -> JSONResponse:
    """Errors are JSON: a stable code, the Indonesian reason, and the values it names."""
    params = {k: str(v) for k, v in exc.params.items()}
    return JSONResponse({"error": exc.code, "reason": str(exc), "params": params}, status_code=status)


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, never more than ``limit`` bytes of it held: the declared length is checked
    first, and a chunked or lying body is cut off as soon as it passes the limit."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit() or len(declared) > 12:
            raise SyncServerError(400, "hub_bad_request")
        if int(declared) > limit:
            raise SyncServerError(413, "hub_body_too_large", limit=max(1, limit // (1024 * 1024)))
    body = bytearray()
    try:
        async for chunk in request.stream():
            if len(body) + len(chunk) > limit:
                raise SyncServerError(413, "hub_body_too_large", limit=max(1, limit // (1024 * 1024)))
            body += chunk
    except ClientDisconnect:
        raise SyncServerError(400, "hub_bad_request") from None
    return bytes(body)


def create_app(
    service: SyncServer,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    limiter: RateLimiter | None = None,
    max_bodies: int = DEFAULT_MAX_BODIES,
) -> Starlette:
    """The server's routes over ``service``. ``limiter`` counts requests per client address
    before anything is verified (the service counts per verified device)."""
    limiter = limiter or RateLimiter(DEFAULT_ADDRESS_PER_MINUTE, DEFAULT_ADDRESS_BURST)
    bodies = asyncio.Semaphore(max_bodies)

    def by_address(request: Request) -> None:
        wait = limiter.take(f"ip:{request.client.host if request.client else '?'}")
        if wait:
            raise SyncServerError(429, "hub_rate_limited", seconds=max(1, round(wait)))

    async def health(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(service.health))

    async def packages(request: Request) -> Response:
        by_address(request)
        device = request.headers.get(DEVICE_HEADER)
        signature = request.headers.get(SIGNATURE_HEADER)
        await run_in_threadpool(service.admit, device, signature)
        if bodies.locked():
            raise SyncServerError(503, "hub_busy", seconds=5)
        async with bodies:
            body = await _read_body(request, max_body)
            status, reply = await run_in_threadpool(service.upload, device, signature, body)
        log.info("paket %s dari %s: %s", reply.get("seq"), reply.get("desa"), reply.get("status"))
        return JSONResponse(reply, status_code=status)

    async def signed_get(request: Request, path: str) -> Caller:
        """The registered device behind a GET, its headers checked before its (empty) body is read."""
        by_address(request)
        device = request.headers.get(DEVICE_HEADER)
        signature = request.headers.get(SIGNATURE_HEADER)
        await run_in_threadpool(service.admit, device, signature)
        body = await _read_body(request, 0)
        return await run_in_threadpool(service.authenticate, "GET", path, device, signature, body)

    async def receipt(request: Request) -> Response:
        caller = await signed_get(request, RECEIPT_PATH)
        reply = await run_in_threadpool(service.receipt, caller)
        if reply is None:
            return Response(status_code=204)
        headers = {"X-Kudus-Receipt-Seq": str(reply.seq), "Content-Disposition": f'attachment; filename="{reply.name}"'}
        return Response(reply.data, media_type="application/octet-stream", headers=headers)

    async def update(request: Request) -> Response:
        path = request.url.path
        caller = await signed_get(request, path)
        found = await run_in_threadpool(service.update, caller, str(request.path_params["platform"]))
        if found is None:
            return Response(status_code=204)
        file, info = found
        headers = {"X-Kudus-Update-Version": info.version}
        if path.endswith("/head"):
            head = await run_in_threadpool(updates.head_bytes, file)
            return Response(head, media_type="application/octet-stream", headers=headers)
        log.info("pembaruan %s untuk %s", info.version, caller.desa)
        return FileResponse(file, media_type="application/octet-stream", filename=file.name, headers=headers)

    async def on_hub_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SyncServerError)
        response = error_response(exc, exc.status)
        if exc.code in ("hub_rate_limited", "hub_busy"):
            response.headers["Retry-After"] = str(exc.params["seconds"])
        return response

    async def on_storage_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, KudusError)
        log.error("penyimpanan: %s", exc)
        response = error_response(exc, 503)
        response.headers["Retry-After"] = "60"
        return response

    async def on_other(request: Request, exc: Exception) -> Response:
        log.exception("kesalahan tak terduga pada %s", request.url.path, exc_info=exc)
        return error_response(SyncServerError(500, "hub_internal"), 500)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        return error_response(SyncServerError(status, "hub_not_found", path=request.url.path[:100]), status)

    handlers: dict[Any, Any] = {
        SyncServerError: on_hub_error,
        StorageError: on_storage_error,
        404: not_found,
        405: not_found,
        Exception: on_other,
    }
    routes = [
        Route(HEALTH_PATH, health, methods=["GET"]),
        Route(PACKAGES_PATH, packages, methods=["POST"]),
        Route(RECEIPT_PATH, receipt, methods=["GET"]),
        Route(UPDATE_PATH + "/{platform}", update, methods=["GET"]),
        Route(UPDATE_PATH + "/{platform}/head", update, methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers=handlers)
