"""The RFC 9457 problem document every error answers with, for the OpenAPI description."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        401: "no bearer token, or an unknown one",
        403: "the caller's role may not do this",
        404: "not found, or outside the caller's region",
        409: "refused by a business rule, or a conflicting change",
        412: "If-Match names a version that is not the current one",
        413: "the request body is larger than the service accepts",
        422: "invalid fields, each named in `errors`, or an unknown field or query parameter",
        503: "the database or the views are not ready; retry",
    }
    return {
        status: {
            "model": Problem,
            "description": descriptions[status],
            "content": {"application/problem+json": {}},
        }
        for status in statuses
    }
