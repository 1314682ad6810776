"""/api/v1 insurance policies: a member enrolled, the premium paid to the insurer in the same
save (DESIGN.md section 10)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import AppDep, FamilyId, MoneyIdempotencyKeyDep, PolicyId, PrincipalDep
from api.responses import created, shown
from api.schemas.policies import PolicyCreate, PolicyPublic
from application.policies import get_policy as policy_of

router = APIRouter(tags=["insurance"])

CREATED: dict[int | str, dict[str, Any]] = {
    201: {"model": PolicyPublic},
    200: {"model": PolicyPublic},
}


@router.post("/families/{family_id}/policies", status_code=201, responses=CREATED)
def enrol_policy(
    family_id: FamilyId,
    body: PolicyCreate,
    app: AppDep,
    principal: PrincipalDep,
    key: MoneyIdempotencyKeyDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(family_id), idempotency_key=key)
    return created(result, PolicyPublic, principal)


@router.get("/policies/{policy_id}", response_model=PolicyPublic)
def get_policy(policy_id: PolicyId, app: AppDep, principal: PrincipalDep) -> JSONResponse:
    return shown(policy_of(app, principal, policy_id), PolicyPublic, principal, versioned=True)
