"""The FastAPI application: routers, problem+json errors, request ids in every log line."""

from __future__ import annotations

import importlib.metadata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import APIRouter, Depends, FastAPI

from api.auth_throttle import FailedAuthentications
from api.body_limit import BodyLimit
from api.deps import reject_unknown_query_parameters
from api.docs import install_docs
from api.metrics import Metrics
from api.problems import install_problem_handlers
from api.request_context import RequestContext
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
    sync,
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
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # Added last, so outermost: even a refused body answers with a request id.
    app.add_middleware(RequestContext)
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
    api.include_router(sync.router)
    app.include_router(api)
    app.include_router(health.router)
    return app
