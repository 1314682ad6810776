"""/api/v1 claims: submitted on a family, approved or rejected, paid or cancelled
(DESIGN.md section 10). Steps that move money require an Idempotency-Key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse

from api.claim_queries import list_claims
from api.deps import (
    AppDep,
    ClaimId,
    ExpectedVersionDep,
    FamilyId,
    IdempotencyKeyDep,
    MoneyIdempotencyKeyDep,
    PrincipalDep,
    RuntimeDep,
)
from api.responses import changed, created, shown
from api.schemas.claims import (
    ClaimApprove,
    ClaimCancel,
    ClaimCreate,
    ClaimList,
    ClaimPay,
    ClaimPublic,
    ClaimReject,
)
from application.claims import get_claim as claim_of
from domain.claims.claim import ClaimStatus
from domain.claims.pricing import ClaimKind

router = APIRouter(tags=["claims"])

CREATED: dict[int | str, dict[str, Any]] = {
    201: {"model": ClaimPublic},
    200: {"model": ClaimPublic},
}


@router.post("/families/{family_id}/claims", status_code=201, responses=CREATED)
def submit_claim(
    family_id: FamilyId,
    body: ClaimCreate,
    app: AppDep,
    principal: PrincipalDep,
    key: IdempotencyKeyDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(family_id), idempotency_key=key)
    return created(result, ClaimPublic, principal)


@router.get("/claims", response_model=ClaimList)
def get_claims(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    status: ClaimStatus | None = None,
    region: str | None = None,
    kind: ClaimKind | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> JSONResponse:
    page = list_claims(
        runtime, principal, region=region, status=status, kind=kind, limit=limit, offset=offset
    )
    return shown(page, ClaimList, principal)


@router.get("/claims/{claim_id}", response_model=ClaimPublic)
def get_claim(claim_id: ClaimId, app: AppDep, principal: PrincipalDep) -> JSONResponse:
    return shown(claim_of(app, principal, claim_id), ClaimPublic, principal, versioned=True)


@router.post("/claims/{claim_id}/approve", response_model=ClaimPublic)
def approve_claim(
    claim_id: ClaimId,
    app: AppDep,
    principal: PrincipalDep,
    key: MoneyIdempotencyKeyDep,
    version: ExpectedVersionDep,
    body: Annotated[ClaimApprove | None, Body()] = None,
) -> JSONResponse:
    approve = body or ClaimApprove()
    result = app.handle(principal, approve.command(claim_id, version), idempotency_key=key)
    return changed(result, ClaimPublic, principal)


@router.post("/claims/{claim_id}/reject", response_model=ClaimPublic)
def reject_claim(
    claim_id: ClaimId,
    body: ClaimReject,
    app: AppDep,
    principal: PrincipalDep,
    key: IdempotencyKeyDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(claim_id, version), idempotency_key=key)
    return changed(result, ClaimPublic, principal)


@router.post("/claims/{claim_id}/pay", response_model=ClaimPublic)
def pay_claim(
    claim_id: ClaimId,
    body: ClaimPay,
    app: AppDep,
    principal: PrincipalDep,
    key: MoneyIdempotencyKeyDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(claim_id, version), idempotency_key=key)
    return changed(result, ClaimPublic, principal)


@router.post("/claims/{claim_id}/cancel", response_model=ClaimPublic)
def cancel_claim(
    claim_id: ClaimId,
    body: ClaimCancel,
    app: AppDep,
    principal: PrincipalDep,
    key: MoneyIdempotencyKeyDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(claim_id, version), idempotency_key=key)
    return changed(result, ClaimPublic, principal)
