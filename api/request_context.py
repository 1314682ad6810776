"""Every request gets an id (the client's, when it is short and plain), bound to each log line
and echoed in `X-Request-ID`, and is counted and timed for the metrics.

Plain ASGI rather than Starlette's `BaseHTTPMiddleware`: that one runs the application in a
separate task and streams the response through memory queues, which the profile of the write
path showed as a large share of every request's time."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import Metrics
from api.problems import unexpected

log = structlog.get_logger(__name__)

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _client_request_id(scope) or uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        responding = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, responding
            if message["type"] == "http.response.start":
                responding = True
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            if responding:
                raise
            response = await unexpected(Request(scope), error)
            await response(scope, receive, send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    @staticmethod
    def _record(scope: Scope, status: int, elapsed: float) -> None:
        # The route's template, not the path, so that ids do not each make a new time series.
        route = getattr(scope.get("route"), "path", "unmatched")
        metrics: Metrics = scope["app"].state.metrics
        metrics.requests.labels(scope["method"], route, str(status)).inc()
        metrics.latency.labels(scope["method"], route).observe(elapsed)
        log.info(
            "request",
            method=scope["method"],
            path=scope["path"],
            status=status,
            ms=round(elapsed * 1000, 1),
        )


def _client_request_id(scope: Scope) -> str | None:
    """A client's X-Request-ID is echoed and logged only when it is short and plain; anything
    else (a 10 MB header, a line break for a forged log line) is replaced by our own."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            given = value.decode("latin-1")
            return given if _REQUEST_ID.fullmatch(given) else None
    return None
