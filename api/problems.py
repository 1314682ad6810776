"""Every error answers RFC 9457 problem+json; domain errors map to HTTP here, in one place."""

from __future__ import annotations

from typing import Any

import structlog
from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from application.errors import (
    ConcurrencyError,
    IdempotencyKeyRequiredError,
    IdempotencyKeyReusedError,
    PermissionDeniedError,
    TooManyFailedAuthenticationsError,
    UnauthenticatedError,
    VersionMismatchError,
)
from domain.claims.errors import NotAllowedOnThisClaimError
from domain.errors import (
    DomainError,
    DuplicateResidentError,
    InvalidValueError,
    NotAllowedError,
    NotFoundError,
    RuleViolatedError,
)
from domain.ledger.errors import InsufficientFundsError
from domain.money import yuan_from_fen
from infrastructure.store_health import storage_failure
from projections.runner import ProjectionLagError

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"

STATUS_BY_ERROR: tuple[tuple[type[DomainError], int, str], ...] = (
    (UnauthenticatedError, 401, "Not authenticated"),
    (TooManyFailedAuthenticationsError, 429, "Too many failed authentications"),
    (PermissionDeniedError, 403, "Not allowed"),
    (NotAllowedError, 403, "Not allowed"),
    (NotAllowedOnThisClaimError, 403, "Not allowed"),
    (NotFoundError, 404, "Not found"),
    (VersionMismatchError, 412, "Version mismatch"),
    (InvalidValueError, 422, "Invalid request"),
    (IdempotencyKeyReusedError, 422, "Idempotency-Key reused"),
    (IdempotencyKeyRequiredError, 428, "Idempotency-Key required"),
    (DuplicateResidentError, 409, "Resident already in an open family"),
    (RuleViolatedError, 409, "Conflict with the current state"),
    (ConcurrencyError, 409, "Concurrent change"),
)


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = _problem_body(status, title, detail, **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _problem_body(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}


def field_name(location: tuple[Any, ...] | list[Any]) -> str:
    """('body', 'head', 'id_number') -> 'head.id_number'; ('header', 'if-match') -> 'If-Match'."""
    parts = list(location)
    if parts and parts[0] == "header":
        return "-".join(word.capitalize() for word in str(parts[-1]).split("-"))
    if parts and parts[0] in ("body", "query", "path"):
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or "body"


async def validation_failed(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    body = validation_problem(list(error.errors()))
    return JSONResponse(body, status_code=422, media_type=PROBLEM_JSON)


def validation_problem(items: list[Any]) -> dict[str, Any]:
    """The 422 problem for pydantic's errors, from a request or from a model validated in
    code (an offline sync record's body)."""
    errors = [
        {
            "field": "body" if item.get("type") == "json_invalid" else field_name(item["loc"]),
            "message": _message(item),
        }
        for item in items
    ]
    fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return _problem_body(422, "Invalid request", f"invalid fields: {fields}", errors=errors)


def _message(item: dict[str, Any]) -> str:
    if item.get("type") == "json_invalid":
        return "the request body is not valid JSON"
    message = str(item.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


async def domain_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    body, headers = domain_problem(error)
    return JSONResponse(
        body, status_code=body["status"], media_type=PROBLEM_JSON, headers=headers or None
    )


def domain_problem(error: DomainError) -> tuple[dict[str, Any], dict[str, str]]:
    """The problem body (and headers) that answers a domain error, by the table above."""
    status, title = next(
        ((status, title) for kind, status, title in STATUS_BY_ERROR if isinstance(error, kind)),
        (400, "Bad request"),
    )
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if error.field is not None:
        extra["errors"] = [{"field": error.field, "message": error.message}]
    if isinstance(error, DuplicateResidentError) and error.existing_family_id:
        extra["existing_family_id"] = error.existing_family_id
    if isinstance(error, InsufficientFundsError):
        extra["account_id"] = str(error.account_id)
        extra["available"] = yuan_from_fen(error.available_fen)
    if isinstance(error, VersionMismatchError):
        extra["current_version"] = error.actual
    if isinstance(error, UnauthenticatedError):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, TooManyFailedAuthenticationsError):
        headers["Retry-After"] = str(error.retry_after_seconds)
    return _problem_body(status, title, error.message, **extra), headers


async def http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400:
        # FastAPI's only 400 is a body it cannot decode (not UTF-8): malformed JSON, like any.
        message = "the request body is not valid JSON"
        errors = [{"field": "body", "message": message}]
        return problem(422, "Invalid request", message, errors=errors)
    return problem(
        error.status_code,
        str(error.detail) if error.status_code < 500 else "Server error",
        str(error.detail),
        headers=dict(error.headers or {}),
    )


async def projections_behind(_: Request, error: Exception) -> JSONResponse:
    return problem(503, "Views are catching up", str(error), headers={"Retry-After": "1"})


async def storage_unavailable(_: Request, error: Exception) -> JSONResponse:
    log.error("storage_unavailable", error=str(error))
    return problem(503, "Storage unavailable", storage_failure(error), headers={"Retry-After": "2"})


async def unexpected(_: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected_error", error_type=type(error).__name__)
    # This answer is made outside the middleware that stamps the request id on responses,
    # so it names the id itself: the client needs it to find the logged error.
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    return problem(
        500,
        "Server error",
        "an unexpected error was logged with this request's id",
        headers={"X-Request-ID": request_id} if request_id else None,
        request_id=request_id,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_failed)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(ProjectionLagError, projections_behind)
    app.add_exception_handler(PersistenceError, storage_unavailable)
    app.add_exception_handler(Exception, unexpected)
