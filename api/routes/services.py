"""/api/v1 service records: recorded on a family, corrected and voided by later events."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import PersonalDataReadsDep
from api.deps import (
    AppDep,
    ExpectedVersionDep,
    FamilyId,
    IdempotencyKeyDep,
    PrincipalDep,
    ServiceId,
    ServiceIdempotencyKeyDep,
)
from api.responses import changed, created, shown
from api.schemas.services import ServiceCorrection, ServiceCreate, ServicePublic, ServiceVoid
from application.services import get_service as service_of

router = APIRouter(tags=["services"])

CREATED: dict[int | str, dict[str, Any]] = {
    201: {"model": ServicePublic},
    200: {"model": ServicePublic},
}


@router.post("/families/{family_id}/services", status_code=201, responses=CREATED)
def record_service(
    family_id: FamilyId,
    body: ServiceCreate,
    app: AppDep,
    principal: PrincipalDep,
    key: ServiceIdempotencyKeyDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(family_id), idempotency_key=key)
    return created(result, ServicePublic, principal)


@router.get("/services/{service_id}", response_model=ServicePublic)
def get_service(
    service_id: ServiceId, app: AppDep, principal: PrincipalDep, reads: PersonalDataReadsDep
) -> JSONResponse:
    body = service_of(app, principal, service_id)
    reads.record([(body["family_id"], body["region_code"])])
    return shown(body, ServicePublic, principal, versioned=True)


@router.post("/services/{service_id}/corrections", status_code=201, responses=CREATED)
def correct_service(
    service_id: ServiceId,
    body: ServiceCorrection,
    app: AppDep,
    principal: PrincipalDep,
    key: IdempotencyKeyDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(service_id, version), idempotency_key=key)
    return created(result, ServicePublic, principal)


@router.post("/services/{service_id}/void", response_model=ServicePublic)
def void_service(
    service_id: ServiceId,
    body: ServiceVoid,
    app: AppDep,
    principal: PrincipalDep,
    key: IdempotencyKeyDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(service_id, version), idempotency_key=key)
    return changed(result, ServicePublic, principal)
