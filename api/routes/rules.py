"""/api/v1/rules: the effective-dated rules that price claims; admins of every region add
versions (DESIGN.md section 10)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import AppDep, IdempotencyKeyDep, PrincipalDep
from api.responses import created, shown
from api.schemas.rules import RuleCreate, RuleList, RulePublic
from application.rules import list_rules

router = APIRouter(prefix="/rules", tags=["rules"])

CREATED: dict[int | str, dict[str, Any]] = {
    201: {"model": RulePublic},
    200: {"model": RulePublic},
}


@router.get("", response_model=RuleList)
def get_rules(app: AppDep, principal: PrincipalDep) -> JSONResponse:
    return shown(list_rules(app, principal), RuleList, principal)


@router.post("", status_code=201, responses=CREATED)
def add_rule_version(
    body: RuleCreate, app: AppDep, principal: PrincipalDep, key: IdempotencyKeyDep
) -> JSONResponse:
    result = app.handle(principal, body.command(), idempotency_key=key)
    return created(result, RulePublic, principal)
