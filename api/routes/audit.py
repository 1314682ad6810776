"""/api/v1/ledger verify and seals: the auditor's checks of the stored ledger over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.audit_queries import verify_with_views
from api.deps import AppDep, IdempotencyKeyDep, PrincipalDep, RuntimeDep
from api.responses import created, shown
from api.schemas.audit import SealList, SealPublic, VerifyResult
from application.audit.seals import count_seals, list_seals, record_seal
from domain.permissions import Action

router = APIRouter(prefix="/ledger", tags=["ledger"])


@router.get("/verify", response_model=VerifyResult)
def verify(runtime: RuntimeDep, principal: PrincipalDep) -> JSONResponse:
    """Recomputes every hash, link and balance of the ledger from the stored events and
    names the first account and version where something was changed, inserted or deleted.
    Always 200: a failed verification is a finding, not an error."""
    principal.require(Action.VERIFY_LEDGER)
    return shown(verify_with_views(runtime, wait_for_views=True).to_dict(), VerifyResult, principal)


@router.post(
    "/seals",
    status_code=201,
    responses={201: {"model": SealPublic}, 200: {"model": SealPublic}},
)
def create_seal(app: AppDep, principal: PrincipalDep, key: IdempotencyKeyDep) -> JSONResponse:
    """Closes the ledger up to now (admins): verifies it, then records its root hash, chained
    to the previous seal. A ledger that does not verify is not sealed (409)."""
    return created(record_seal(app, principal, idempotency_key=key), SealPublic, principal)


@router.get("/seals", response_model=SealList)
def get_seals(
    app: AppDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> JSONResponse:
    """The seals in the order they were made, each naming the one before it."""
    principal.require(Action.READ_SEALS)
    body = {
        "items": list_seals(app, offset=offset, limit=limit),
        "total": count_seals(app),
        "limit": limit,
        "offset": offset,
    }
    return shown(body, SealList, principal)
