"""/api/v1/ledger verify, seals and bundle: the auditor's checks of the stored log over HTTP.

Sealing is two steps so that the private key never reaches the server: the server prepares the
draft (`/ledger/seals/draft`), the auditor signs its `message` on their own machine (`nuanxin
audit sign-draft`), and `POST /ledger/seals` records the signature once it verifies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, StreamingResponse

from api.audit_queries import verify_with_views
from api.deps import AppDep, IdempotencyKeyDep, PrincipalDep, RuntimeDep
from api.responses import created, shown
from api.schemas.audit import (
    PublicKeyText,
    SealDraft,
    SealDraftRequest,
    SealList,
    SealPublic,
    SealSigned,
    VerifyResult,
)
from application.audit.bundle import bundle_lines
from application.audit.seals import (
    count_seals,
    draft_body,
    draft_seal,
    list_seals,
    record_signed_seal,
)
from application.audit.verify import trusted_key
from application.principal import Principal
from domain.permissions import Action

router = APIRouter(prefix="/ledger", tags=["ledger"])


def _sealer(principal: PrincipalDep) -> Principal:
    """Refused before the body is read: a caller who may not seal learns nothing of it."""
    principal.require(Action.SEAL_LEDGER)
    return principal


SealerDep = Annotated[Principal, Depends(_sealer)]

SealHash = Annotated[str, Query(min_length=64, max_length=64, pattern="^[0-9a-fA-F]{64}$")]


@router.get("/verify", response_model=VerifyResult)
def verify(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    public_key: Annotated[PublicKeyText | None, Query()] = None,
    expect_seal: SealHash | None = None,
) -> JSONResponse:
    """Recomputes every chain, hash, link and balance from the stored events and names the
    aggregate and version where something was changed, inserted or deleted. With the auditors'
    `public_key`, every seal's signature is checked with it; with `expect_seal`, that the log
    still holds the seal of that hash. A regional caller gets the findings of its region's
    funds and their transfers, and of the seals. Always 200: a failed verification is a
    finding."""
    principal.require(Action.VERIFY_LEDGER)
    report = verify_with_views(
        runtime,
        wait_for_views=True,
        public_key=trusted_key(public_key),
        expect_seal=expect_seal,
        scope=principal.scope,
    )
    return shown(report.to_dict(), VerifyResult, principal)


@router.get("/seals/draft", response_model=SealDraft)
def get_seal_draft(
    app: AppDep, principal: SealerDep, public_key: Annotated[PublicKeyText, Query()]
) -> JSONResponse:
    """What an auditor signs to seal the log up to now with the key `public_key`: verifies
    the log first (409 if it does not verify). Nothing is recorded."""
    return shown(draft_body(draft_seal(app, principal, public_key)), SealDraft, principal)


@router.post("/seals/draft", response_model=SealDraft)
def post_seal_draft(body: SealDraftRequest, app: AppDep, principal: PrincipalDep) -> JSONResponse:
    """The same draft as GET, for clients that send the key in a body."""
    return shown(draft_body(draft_seal(app, principal, body.public_key)), SealDraft, principal)


@router.post(
    "/seals",
    status_code=201,
    responses={201: {"model": SealPublic}, 200: {"model": SealPublic}},
)
def create_seal(
    body: SealSigned, app: AppDep, principal: SealerDep, key: IdempotencyKeyDep
) -> JSONResponse:
    """Records a seal signed on the auditor's machine (auditors only): the draft's terms are
    made again from the log and the signature must verify over them with `public_key` (422
    otherwise); a seal recorded since the draft makes it stale (409: draft again)."""
    result = record_signed_seal(
        app,
        principal,
        position=body.position,
        sealed_at=body.sealed_at.isoformat(),
        public_key=body.public_key,
        signature=body.signature,
        idempotency_key=key,
    )
    return created(result, SealPublic, principal)


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


@router.get(
    "/bundle",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def get_bundle(app: AppDep, principal: PrincipalDep) -> StreamingResponse:
    """The audit bundle (JSON lines), streamed, for `nuanxin audit verify-bundle`. Region-scoped
    as the journal is: the ledger events of funds outside the caller's region, and every case
    event, are carried by their digests only, which keeps every chain and seal checkable."""
    principal.require(Action.EXPORT_LEDGER)
    lines = bundle_lines(app, scope=principal.scope)
    return StreamingResponse(
        (line + "\n" for line in lines),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="ledger-bundle.jsonl"'},
    )
