"""/api/v1/transfers: allocations between funds, single-phase or two-phase."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import AppDep, MoneyIdempotencyKeyDep, PrincipalDep, TransferId
from api.responses import created, shown
from api.schemas.ledger import TransferCreate, TransferPost, TransferPublic, TransferVoid
from application.commands.ledger import PostTransfer
from application.ledger import get_transfer as transfer_of

router = APIRouter(prefix="/transfers", tags=["funds"])


@router.post(
    "",
    status_code=201,
    responses={
        201: {"model": TransferPublic},
        200: {"model": TransferPublic, "description": "a retried Idempotency-Key"},
    },
)
def allocate(
    body: TransferCreate, app: AppDep, principal: PrincipalDep, key: MoneyIdempotencyKeyDep
) -> JSONResponse:
    result = app.handle(principal, body.command(), idempotency_key=key)
    return created(result, TransferPublic, principal)


@router.get("/{transfer_id}", response_model=TransferPublic)
def get_transfer(transfer_id: TransferId, app: AppDep, principal: PrincipalDep) -> JSONResponse:
    return shown(transfer_of(app, principal, transfer_id), TransferPublic, principal)


@router.post("/{transfer_id}/post", response_model=TransferPublic)
def post_transfer(
    transfer_id: TransferId,
    app: AppDep,
    principal: PrincipalDep,
    key: MoneyIdempotencyKeyDep,
    body: TransferPost | None = None,
) -> JSONResponse:
    posted_on = body.posted_on if body else None
    result = app.handle(principal, PostTransfer(transfer_id, posted_on), idempotency_key=key)
    return shown(result.body, TransferPublic, principal)


@router.post("/{transfer_id}/void", response_model=TransferPublic)
def void_transfer(
    transfer_id: TransferId,
    body: TransferVoid,
    app: AppDep,
    principal: PrincipalDep,
    key: MoneyIdempotencyKeyDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(transfer_id), idempotency_key=key)
    return shown(result.body, TransferPublic, principal)
