"""The FastAPI application: routers, problem+json errors, request ids in every log line."""

from __future__ import annotations

import importlib.metadata
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import structlog
from fastapi import APIRouter, Depends, FastAPI, Request, Response

from api.auth_throttle import FailedAuthentications
from api.body_limit import BodyLimit
from api.deps import reject_unknown_query_parameters
from api.docs import install_docs
from api.metrics import Metrics
from api.problems import install_problem_handlers, unexpected
from api.routes import (
    access_log,
    audit,
    claims,
    families,
    funds,
    health,
    ledger,
    policies,
    reports,
    rules,
    services,
    transfers,
)
from api.runtime import Runtime, open_runtime
from api.schemas.problems import problem_responses
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings

log = structlog.get_logger(__name__)


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    """The service. Given a runtime, it serves that one and leaves closing it to the caller."""
    settings = settings or (runtime.settings if runtime else Settings())
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        app.state.runtime = runtime or open_runtime(
            settings, run_projections=settings.run_projections
        )
        app.state.metrics.watch(app.state.runtime)
        log.info("service_started", backend="postgres" if settings.uses_postgres else "sqlite")
        try:
            yield
        finally:
            if own:
                app.state.runtime.close()

    app = FastAPI(
        title="Nuanxin 暖心",
        version=importlib.metadata.version("nuanxin"),
        description="Event-sourced case management and fund ledger for special families.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    app.state.metrics = Metrics()
    app.state.failed_authentications = FailedAuthentications(
        limit=settings.auth_failure_limit, window_seconds=settings.auth_failure_window
    )
    install_problem_handlers(app)
    app.middleware("http")(bind_request_id)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    api = APIRouter(
        prefix="/api/v1",
        responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 429, 503),
        dependencies=[Depends(reject_unknown_query_parameters)],
    )
    api.include_router(families.router)
    api.include_router(services.router)
    api.include_router(funds.router)
    api.include_router(transfers.router)
    api.include_router(ledger.router)
    api.include_router(audit.router)
    api.include_router(reports.router)
    api.include_router(access_log.router)
    api.include_router(claims.router)
    api.include_router(policies.router)
    api.include_router(rules.router)
    app.include_router(api)
    app.include_router(health.router)
    return app


async def bind_request_id(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    request_id = _client_request_id(request) or uuid.uuid4().hex
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)
    started = time.perf_counter()
    try:
        response = await call_next(request)
    except Exception as error:  # noqa: BLE001 -- answered as problem+json, logged with the id
        response = await unexpected(request, error)
    response.headers["X-Request-ID"] = request_id
    elapsed = time.perf_counter() - started
    # The route's template, not the path, so that ids do not each make a new time series.
    route = getattr(request.scope.get("route"), "path", "unmatched")
    metrics: Metrics = request.app.state.metrics
    metrics.requests.labels(request.method, route, str(response.status_code)).inc()
    metrics.latency.labels(request.method, route).observe(elapsed)
    log.info(
        "request",
        method=request.method,
        path=request.url.path,
        status=response.status_code,
        ms=round(elapsed * 1000, 1),
    )
    return response


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def _client_request_id(request: Request) -> str | None:
    """A client's X-Request-ID is echoed and logged only when it is short and plain; anything
    else (a 10 MB header, a line break for a forged log line) is replaced by our own."""
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.fullmatch(given) else None
