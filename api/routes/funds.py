"""/api/v1/funds: fund accounts and the money received into them."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import (
    AppDep,
    FundId,
    IdempotencyKeyDep,
    MoneyIdempotencyKeyDep,
    PrincipalDep,
    RuntimeDep,
)
from api.ledger_queries import balance_body, fund_balances, scoped_query
from api.responses import created, shown
from api.schemas.ledger import FundCreate, FundList, FundPublic, ReceiptCreate, TransferPublic
from application.ledger import get_fund as fund_of
from domain.permissions import Action

router = APIRouter(prefix="/funds", tags=["funds"])

RETRIED = "a retried Idempotency-Key: nothing new recorded"


@router.post(
    "",
    status_code=201,
    responses={201: {"model": FundPublic}, 200: {"model": FundPublic, "description": RETRIED}},
)
def open_fund(
    body: FundCreate, app: AppDep, principal: PrincipalDep, key: IdempotencyKeyDep
) -> JSONResponse:
    result = app.handle(principal, body.command(), idempotency_key=key)
    return created(result, FundPublic, principal)


@router.get("", response_model=FundList)
def list_funds(
    runtime: RuntimeDep, principal: PrincipalDep, region: str | None = None
) -> JSONResponse:
    principal.require(Action.READ_FUNDS)
    query = scoped_query(principal, region=region, as_of=None, known_at=None)
    funds = [
        {"id": balance.fund_id, **balance_body(balance)}
        for balance in fund_balances(runtime, query)
    ]
    return shown({"items": funds}, FundList, principal)


@router.get("/{fund_id}", response_model=FundPublic)
def get_fund(fund_id: FundId, app: AppDep, principal: PrincipalDep) -> JSONResponse:
    return shown(fund_of(app, principal, fund_id), FundPublic, principal, versioned=True)


@router.post(
    "/{fund_id}/receipts",
    status_code=201,
    responses={
        201: {"model": TransferPublic},
        200: {"model": TransferPublic, "description": RETRIED},
    },
)
def record_receipt(
    fund_id: FundId,
    body: ReceiptCreate,
    app: AppDep,
    principal: PrincipalDep,
    key: MoneyIdempotencyKeyDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(fund_id), idempotency_key=key)
    return created(result, TransferPublic, principal)
