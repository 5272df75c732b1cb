"""HTTP routes of the sync server. Everything but reading the request and writing the answer
happens in :class:`kudus_desktop.core.hub.HubService`, on a worker thread."""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kudus_desktop.core.errors import KudusError, StorageError
from kudus_desktop.core.hub import (
    DEFAULT_MAX_BODY,
    DEVICE_HEADER,
    HEALTH_PATH,
    PACKAGES_PATH,
    RECEIPT_PATH,
    SIGNATURE_HEADER,
    HubError,
    HubService,
    RateLimiter,
)

log = logging.getLogger("kudus_desktop.server")

#: Each village may send this many requests at once, then this many a minute.
DEFAULT_BURST = 20
DEFAULT_PER_MINUTE = 60.0


def error_response(exc: KudusError, status: int) -> JSONResponse:
    """Errors are JSON: a stable code, the Indonesian reason, and the values it names."""
    params = {k: str(v) for k, v in exc.params.items()}
    return JSONResponse({"error": exc.code, "reason": str(exc), "params": params}, status_code=status)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HubError(413, "hub_body_too_large", limit=limit // (1024 * 1024))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HubError(413, "hub_body_too_large", limit=limit // (1024 * 1024))
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(
    service: HubService,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    limiter: RateLimiter | None = None,
) -> Starlette:
    limiter = limiter or RateLimiter(DEFAULT_PER_MINUTE, DEFAULT_BURST)

    def limit(request: Request) -> None:
        key = request.headers.get(DEVICE_HEADER) or (request.client.host if request.client else "?")
        wait = limiter.take(key)
        if wait:
            raise HubError(429, "hub_rate_limited", seconds=max(1, round(wait)))

    async def health(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(service.health))

    async def packages(request: Request) -> Response:
        limit(request)
        body = await _read_body(request, max_body)
        device = request.headers.get(DEVICE_HEADER)
        status, reply = await run_in_threadpool(service.upload, device, request.headers.get(SIGNATURE_HEADER), body)
        log.info("paket %s dari %s: %s", reply.get("seq"), reply.get("desa"), reply.get("status"))
        return JSONResponse(reply, status_code=status)

    async def receipt(request: Request) -> Response:
        limit(request)
        body = await _read_body(request, 0)
        caller = await run_in_threadpool(
            service.authenticate, "GET", RECEIPT_PATH, request.headers.get(DEVICE_HEADER),
            request.headers.get(SIGNATURE_HEADER), body,
        )  # fmt: skip
        reply = await run_in_threadpool(service.receipt, caller)
        if reply is None:
            return Response(status_code=204)
        headers = {"X-Kudus-Receipt-Seq": str(reply.seq), "Content-Disposition": f'attachment; filename="{reply.name}"'}
        return Response(reply.data, media_type="application/octet-stream", headers=headers)

    async def on_hub_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HubError)
        headers = {"Retry-After": str(exc.params["seconds"])} if exc.code == "hub_rate_limited" else None
        response = error_response(exc, exc.status)
        if headers:
            response.headers.update(headers)
        return response

    async def on_storage_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, KudusError)
        log.error("penyimpanan: %s", exc)
        return error_response(exc, 503)

    async def on_other(request: Request, exc: Exception) -> Response:
        log.exception("kesalahan tak terduga pada %s", request.url.path, exc_info=exc)
        return error_response(HubError(500, "hub_internal"), 500)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        return error_response(HubError(status, "hub_not_found", path=request.url.path), status)

    handlers: dict[Any, Any] = {
        HubError: on_hub_error,
        StorageError: on_storage_error,
        404: not_found,
        405: not_found,
        Exception: on_other,
    }
    routes = [
        Route(HEALTH_PATH, health, methods=["GET"]),
        Route(PACKAGES_PATH, packages, methods=["POST"]),
        Route(RECEIPT_PATH, receipt, methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers=handlers)
