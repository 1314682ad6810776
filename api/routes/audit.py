"""/api/v1/ledger verify and seals: the auditor's checks of the stored ledger over HTTP."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.audit_queries import verify_with_views
from api.deps import AppDep, IdempotencyKeyDep, PrincipalDep, RuntimeDep
from api.responses import created
from application.audit.seals import SEAL_READERS, count_seals, list_seals, record_seal
from domain.values import Role

router = APIRouter(prefix="/ledger", tags=["ledger"])

VERIFIERS = (Role.AUDITOR, Role.ADMIN)


class VerifyProblem(BaseModel):
    account_id: str | None
    """The aggregate the problem is in: an account, or for transfer and seal problems that
    transfer or seal (see `aggregate`)."""
    version: int | None
    problem: str
    detail: str
    aggregate: str
    position: int


class VerifyResult(BaseModel):
    ok: bool
    checked: int
    problems: list[VerifyProblem]


class SealPublic(BaseModel):
    id: str
    version: int
    sequence: int
    position: int
    accounts: int
    root_hash: str
    previous_seal_id: str | None
    previous_seal_hash: str
    seal_hash: str
    sealed_at: str
    sealed_by: str
    sealed_by_id: str


class SealList(BaseModel):
    items: list[SealPublic]
    total: int
    limit: int
    offset: int


@router.get("/verify", response_model=VerifyResult)
def verify(runtime: RuntimeDep, principal: PrincipalDep) -> dict[str, Any]:
    """Recomputes every hash, link and balance of the ledger from the stored events and
    names the first account and version where something was changed, inserted or deleted.
    Always 200: a failed verification is a finding, not an error."""
    principal.require(*VERIFIERS)
    return verify_with_views(runtime, wait_for_views=True).to_dict()


@router.post(
    "/seals",
    status_code=201,
    responses={201: {"model": SealPublic}, 200: {"model": SealPublic}},
)
def create_seal(app: AppDep, principal: PrincipalDep, key: IdempotencyKeyDep) -> JSONResponse:
    """Closes the ledger up to now (admins): verifies it, then records its root hash, chained
    to the previous seal. A ledger that does not verify is not sealed (409)."""
    return created(record_seal(app, principal, idempotency_key=key))


@router.get("/seals", response_model=SealList)
def get_seals(
    app: AppDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> dict[str, Any]:
    """The seals in the order they were made, each naming the one before it."""
    principal.require(*SEAL_READERS)
    return {
        "items": list_seals(app, offset=offset, limit=limit),
        "total": count_seals(app),
        "limit": limit,
        "offset": offset,
    }
