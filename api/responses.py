"""How bodies become HTTP responses: each checked against its declared model (one shape per
resource, enforced) and disclosed to the caller (`api.disclosure`) on the way out."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.disclosure import disclose
from application.handling import CommandResult
from application.principal import Principal


def public(body: dict[str, Any], model: type[BaseModel], principal: Principal) -> dict[str, Any]:
    """The body as the model declares it and as the caller may see it."""
    shaped: dict[str, Any] = disclose(model.model_validate(body), principal).model_dump(mode="json")
    return shaped


def public_json(
    body: dict[str, Any],
    model: type[BaseModel],
    principal: Principal,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """`public` as a JSON response, encoded by pydantic straight from the model: no
    intermediate dict and no second pass through `json.dumps` (the bulk of a long timeline's
    read in profiles)."""
    content = disclose(model.model_validate(body), principal).model_dump_json().encode()
    return EncodedJSONResponse(content, status_code, headers)


class EncodedJSONResponse(JSONResponse):
    """A JSON response whose body pydantic has already encoded."""

    def render(self, content: Any) -> bytes:
        encoded: bytes = content
        return encoded


def shown(
    body: dict[str, Any], model: type[BaseModel], principal: Principal, *, versioned: bool = False
) -> JSONResponse:
    """A read; `versioned` for one aggregate, whose version is its ETag."""
    headers = {"ETag": f'"{body["version"]}"'} if versioned else None
    return public_json(body, model, principal, headers=headers)


def created(result: CommandResult, model: type[BaseModel], principal: Principal) -> JSONResponse:
    """201 for a new resource; 200 with the same body for a retried Idempotency-Key."""
    status = 200 if result.replayed else 201
    return public_json(result.body, model, principal, status_code=status)


def changed(result: CommandResult, model: type[BaseModel], principal: Principal) -> JSONResponse:
    return shown(result.body, model, principal, versioned=True)
