"""Liveness, readiness and metrics, without authentication."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import RuntimeDep

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
    """Ready when the database answers; shows each projection's position and lag."""
    try:
        head = runtime.app.recorder.max_notification_id() or 0
    except Exception as error:  # noqa: BLE001 -- any failure to reach the store means not ready
        return JSONResponse(
            {"status": "unavailable", "database": f"{type(error).__name__}: {error}"},
            status_code=503,
        )
    projections: dict[str, Any] = {}
    for name, projection in runtime.projections.items():
        position = projection.view.max_tracking_id(runtime.app.name) or 0
        runner = runtime.runners.get(name)
        projections[name] = {
            "position": position,
            "lag": max(head - position, 0),
            "running_here": runner is not None,
            "error": runner.last_error if runner else None,
        }
    failing = any(view["error"] for view in projections.values())
    return JSONResponse(
        {
            "status": "degraded" if failing else "ready",
            "database": "ok",
            "log_position": head,
            "projections": projections,
        },
        status_code=503 if failing else 200,
    )
