"""Typed dependencies: the runtime, the authenticated caller, and the command headers."""

from __future__ import annotations

import json
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth_throttle import FailedAuthentications
from api.runtime import Runtime
from application.app import Nuanxin
from application.errors import (
    IdempotencyKeyRequiredError,
    TooManyFailedAuthenticationsError,
    UnauthenticatedError,
)
from application.principal import Principal
from domain.errors import InvalidValueError, NotFoundError

MAX_VERSION_DIGITS = 12

bearer = HTTPBearer(auto_error=False, description="a token from `nuanxin users add`")


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_application(runtime: RuntimeDep) -> Nuanxin:
    return runtime.app


AppDep = Annotated[Nuanxin, Depends(get_application)]


def get_principal(
    request: Request,
    app: AppDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    failures: FailedAuthentications = request.app.state.failed_authentications
    address = request.client.host if request.client else "unknown"
    retry_after = failures.retry_after(address)
    if retry_after is not None:
        raise TooManyFailedAuthenticationsError(retry_after)
    if credentials is None or not credentials.credentials:
        raise UnauthenticatedError("an Authorization: Bearer token is required")
    try:
        return app.users.authenticate(credentials.credentials)
    except UnauthenticatedError:
        failures.record_failure(address)
        raise


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_idempotency_key(
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> str | None:
    if idempotency_key is None:
        return None
    key = idempotency_key.strip()
    if not key or len(key) > 255:
        raise InvalidValueError(
            "an Idempotency-Key is 1 to 255 characters", field="Idempotency-Key"
        )
    return key


IdempotencyKeyDep = Annotated[str | None, Depends(get_idempotency_key)]


def require_idempotency_key(key: IdempotencyKeyDep) -> str:
    """Commands that move money require the key (DESIGN.md section 7): a retry without one
    after a lost response would pay twice."""
    if key is None:
        raise IdempotencyKeyRequiredError()
    return key


MoneyIdempotencyKeyDep = Annotated[str, Depends(require_idempotency_key)]
"""The key of a command that always moves money: receipts, transfers, posting, voiding."""


async def get_service_idempotency_key(request: Request, key: IdempotencyKeyDep) -> str | None:
    """A service that pays cash moves money and requires the key; one without may omit it.
    The body is read as sent (FastAPI has read it already); its validation is the route's."""
    if key is None and _pays_cash(await request.body()):
        return require_idempotency_key(key)
    return key


def _pays_cash(body: bytes) -> bool:
    try:
        sent = json.loads(body)
    except ValueError:
        return False
    return isinstance(sent, dict) and sent.get("cash") is not None


ServiceIdempotencyKeyDep = Annotated[str | None, Depends(get_service_idempotency_key)]


async def get_expected_version(
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> int | None:
    """`If-Match: 3`, `"3"` or `W/"3"`: the version the client last read."""
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    # ASCII digits only ("²" is a digit to str.isdigit), and no more than a version can be.
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_VERSION_DIGITS):
        raise InvalidValueError("If-Match must be a version number", field="If-Match")
    return int(text)


ExpectedVersionDep = Annotated[int | None, Depends(get_expected_version)]


async def reject_unknown_query_parameters(request: Request) -> None:
    """A parameter the endpoint does not know is a mistake, not something to ignore: a
    misspelt filter would otherwise answer everything (DESIGN.md section 7)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_parameters(route)
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        raise InvalidValueError(
            f"unknown query parameter; this endpoint takes: {', '.join(sorted(known)) or 'none'}",
            field=unknown[0],
        )


def _query_parameters(route: APIRoute) -> frozenset[str]:
    """Those of the route and of every dependency it declares, under their aliases."""
    names: set[str] = set()
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(param.alias for param in dependant.query_params)
        pending.extend(dependant.dependencies)
    return frozenset(names)


def _uuid_or_not_found(value: str, what: str) -> UUID:
    """An id that is not even a UUID names nothing: 404, like an unknown one."""
    try:
        return UUID(value)
    except ValueError:
        raise NotFoundError(f"{what} {value} not found") from None


# Each id in a path is read only after the caller is authenticated (the principal is solved
# once per request), so that a request without a valid token answers 401 whatever its path.


async def get_family_id(family_id: str, _: PrincipalDep) -> UUID:
    return _uuid_or_not_found(family_id, "family")


async def get_service_id(service_id: str, _: PrincipalDep) -> UUID:
    return _uuid_or_not_found(service_id, "service record")


async def get_fund_id(fund_id: str, _: PrincipalDep) -> UUID:
    return _uuid_or_not_found(fund_id, "fund")


async def get_transfer_id(transfer_id: str, _: PrincipalDep) -> UUID:
    return _uuid_or_not_found(transfer_id, "transfer")


def get_claim_id(claim_id: str, _: PrincipalDep) -> UUID:
    return _uuid_or_not_found(claim_id, "claim")


def get_policy_id(policy_id: str, _: PrincipalDep) -> UUID:
    return _uuid_or_not_found(policy_id, "policy")


FamilyId = Annotated[UUID, Depends(get_family_id)]
ClaimId = Annotated[UUID, Depends(get_claim_id)]
PolicyId = Annotated[UUID, Depends(get_policy_id)]
FundId = Annotated[UUID, Depends(get_fund_id)]
TransferId = Annotated[UUID, Depends(get_transfer_id)]
ServiceId = Annotated[UUID, Depends(get_service_id)]
