"""Running the sync server on uvicorn: ``kudus-desktop server serve``."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from kudus_desktop.core.regency.sync_server import (
    DEFAULT_ADDRESS_BURST,
    DEFAULT_ADDRESS_PER_MINUTE,
    DEFAULT_BURST,
    DEFAULT_MAX_BODIES,
    DEFAULT_MAX_BODY,
    DEFAULT_PER_MINUTE,
    RateLimiter,
    SyncServer,
)
from kudus_desktop.core.storage.db import Database
from kudus_desktop.server.app import create_app


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8443
    certfile: Path | None = None  # TLS directly; or leave TLS to a reverse proxy in front
    keyfile: Path | None = None
    max_body: int = DEFAULT_MAX_BODY
    per_minute: float = DEFAULT_PER_MINUTE
    burst: int = DEFAULT_BURST
    max_bodies: int = DEFAULT_MAX_BODIES


def serve(db: Database, options: ServeOptions) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM), then finish the requests in flight."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    service = SyncServer(db, limiter=RateLimiter(options.per_minute, options.burst))
    app = create_app(
        service, max_body=options.max_body, limiter=RateLimiter(DEFAULT_ADDRESS_PER_MINUTE, DEFAULT_ADDRESS_BURST),
        max_bodies=options.max_bodies,
    )  # fmt: skip
    config = uvicorn.Config(
        app,
        host=options.host,
        port=options.port,
        ssl_certfile=str(options.certfile) if options.certfile else None,
        ssl_keyfile=str(options.keyfile) if options.keyfile else None,
        log_level="info",
        timeout_graceful_shutdown=30,
        # A stuck village connection must not hold a worker forever.
        timeout_keep_alive=15,
        # Connections beyond this wait in the kernel's queue instead of costing memory here.
        limit_concurrency=64,
        h11_max_incomplete_event_size=16 * 1024,
    )
    # uvicorn finishes the requests in flight on Ctrl+C or SIGTERM, then raises the signal again
    # for the caller: both end the command normally here, after the due scan.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        uvicorn.Server(config).run()
    except KeyboardInterrupt:
        pass
    finally:
        service.flush()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt
