"""How command results become HTTP responses."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from application.base import CommandResult


def created(result: CommandResult) -> JSONResponse:
    """201 for a new resource; 200 with the same body for a retried Idempotency-Key."""
    return JSONResponse(result.body, status_code=200 if result.replayed else 201)


def changed(result: CommandResult) -> JSONResponse:
    return JSONResponse(result.body, headers={"ETag": f'"{result.body["version"]}"'})
