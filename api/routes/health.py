"""Liveness, readiness and metrics, without authentication."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import RuntimeDep
from infrastructure.store_health import storage_failure

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    """Prometheus text format: request counts and latencies, projection positions and lag."""
    registry = request.app.state.metrics.registry
    return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/readyz")
def readyz(runtime: RuntimeDep) -> JSONResponse:
    """Ready when the database answers and takes writes, and no view is failing or more
    than NUANXIN_READY_MAX_LAG events behind the log; shows each view's position and lag,
    and every reason it is not ready."""
    try:
        head = runtime.app.recorder.max_notification_id() or 0
    except Exception as error:  # noqa: BLE001 -- any failure to reach the store means not ready
        return JSONResponse(
            {
                "status": "unavailable",
                "database": f"{type(error).__name__}: {error}",
                "reasons": [storage_failure(error)],
            },
            status_code=503,
        )
    writes = runtime.write_probe.failure()
    reasons = [writes] if writes else []
    max_lag = runtime.settings.ready_max_lag
    projections: dict[str, Any] = {}
    for name, projection in runtime.projections.items():
        position = projection.view.max_tracking_id(runtime.app.name) or 0
        runner = runtime.runners.get(name)
        lag = max(head - position, 0)
        failing = runner.last_error if runner else None
        projections[name] = {
            "position": position,
            "lag": lag,
            "running_here": runner is not None,
            "error": failing,
        }
        if failing:
            reasons.append(f"the {name} view is failing: {failing}")
        if lag > max_lag:
            reasons.append(
                f"the {name} view is {lag} events behind the log "
                f"(more than NUANXIN_READY_MAX_LAG={max_lag})"
            )
    return JSONResponse(
        {
            "status": "degraded" if reasons else "ready",
            "database": "ok",
            "writes": writes or "ok",
            "log_position": head,
            "projections": projections,
            "reasons": reasons,
        },
        status_code=503 if reasons else 200,
    )
