"""/api/v1/families: the case file and its commands (DESIGN.md section 6)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from api.access import PersonalDataReadsDep
from api.deps import (
    AppDep,
    ExpectedVersionDep,
    FamilyId,
    IdempotencyKeyDep,
    PrincipalDep,
    RuntimeDep,
)
from api.queries import family_timeline, list_families
from api.responses import changed, created, shown
from api.schemas.common import CalendarDate, ResidentId
from api.schemas.families import (
    ContactsAssign,
    FamilyClose,
    FamilyCreate,
    FamilyDoctorSign,
    FamilyList,
    FamilyPublic,
    FamilyReopen,
    FamilyTransfer,
    GreenChannelGrant,
    MemberCreate,
    MemberDeceased,
    NameFragment,
    Timeline,
)
from application.cases import get_family as family_of
from domain.values import FamilyCategory, FamilyStatus
from projections.timeline import FamilyOrder

router = APIRouter(prefix="/families", tags=["families"])

CREATED: dict[int | str, dict[str, Any]] = {
    201: {"model": FamilyPublic},
    200: {"model": FamilyPublic},
}


@router.post("", status_code=201, responses=CREATED)
def register_family(
    body: FamilyCreate, app: AppDep, principal: PrincipalDep, key: IdempotencyKeyDep
) -> JSONResponse:
    result = app.handle(principal, body.command(), idempotency_key=key)
    return created(result, FamilyPublic, principal)


@router.get("", response_model=FamilyList)
def get_families(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    reads: PersonalDataReadsDep,
    region: str | None = None,
    category: FamilyCategory | None = None,
    status: FamilyStatus | None = None,
    not_served_since: CalendarDate | None = None,
    name: NameFragment | None = None,
    resident_id: ResidentId | None = None,
    sort: FamilyOrder | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> JSONResponse:
    """Families within the caller's region, each with its county's name and its last service
    (voided services left out, corrections applied).

    - `not_served_since=DATE`: no service on or after DATE; never-served families included.
    - `name`: a fragment of the head's name (one character or more); `resident_id`: any
      member's full resident ID. Both only for caseworkers and supervisors, who see names.
    - `sort`: `last_service_on` (never served first, then the longest unserved),
      `registered_on` or `region_code`, each ascending; without it, registration order. Ties
      keep registration order, so pages neither repeat nor skip a family.
    """
    page = list_families(
        runtime,
        principal,
        region=region,
        category=category,
        status=status,
        not_served_since=not_served_since,
        name=name,
        resident_id=resident_id,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    reads.record((item["id"], item["region_code"]) for item in page["items"])
    return shown(page, FamilyList, principal)


@router.get("/{family_id}", response_model=FamilyPublic)
def get_family(
    family_id: FamilyId, app: AppDep, principal: PrincipalDep, reads: PersonalDataReadsDep
) -> JSONResponse:
    body = family_of(app, principal, family_id)
    reads.record([(body["id"], body["region_code"])])
    return shown(body, FamilyPublic, principal, versioned=True)


@router.get("/{family_id}/timeline", response_model=Timeline)
def get_timeline(
    family_id: FamilyId,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    reads: PersonalDataReadsDep,
    as_of: CalendarDate | None = None,
    known_at: AwareDatetime | None = None,
) -> JSONResponse:
    body = family_timeline(runtime, principal, family_id, as_of=as_of, known_at=known_at)
    reads.record([(body["family_id"], body.pop("region_code"))])
    return shown(body, Timeline, principal)


@router.post("/{family_id}/members", status_code=201, responses=CREATED)
def add_member(
    family_id: FamilyId,
    body: MemberCreate,
    app: AppDep,
    principal: PrincipalDep,
    key: IdempotencyKeyDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(family_id, version), idempotency_key=key)
    return created(result, FamilyPublic, principal)


@router.post("/{family_id}/members/{member_id}/deceased", response_model=FamilyPublic)
def mark_member_deceased(
    family_id: FamilyId,
    member_id: str,
    body: MemberDeceased,
    app: AppDep,
    principal: PrincipalDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(family_id, member_id, version))
    return changed(result, FamilyPublic, principal)


@router.post("/{family_id}/contacts", response_model=FamilyPublic)
def assign_contacts(
    family_id: FamilyId,
    body: ContactsAssign,
    app: AppDep,
    principal: PrincipalDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(family_id, version))
    return changed(result, FamilyPublic, principal)


@router.post("/{family_id}/family-doctor", response_model=FamilyPublic)
def sign_family_doctor(
    family_id: FamilyId,
    body: FamilyDoctorSign,
    app: AppDep,
    principal: PrincipalDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(family_id, version))
    return changed(result, FamilyPublic, principal)


@router.post("/{family_id}/green-channel", response_model=FamilyPublic)
def grant_green_channel(
    family_id: FamilyId,
    body: GreenChannelGrant,
    app: AppDep,
    principal: PrincipalDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(family_id, version))
    return changed(result, FamilyPublic, principal)


@router.post("/{family_id}/transfer", response_model=FamilyPublic)
def transfer_family(
    family_id: FamilyId,
    body: FamilyTransfer,
    app: AppDep,
    principal: PrincipalDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(family_id, version))
    return changed(result, FamilyPublic, principal)


@router.post("/{family_id}/close", response_model=FamilyPublic)
def close_family(
    family_id: FamilyId,
    body: FamilyClose,
    app: AppDep,
    principal: PrincipalDep,
    version: ExpectedVersionDep,
) -> JSONResponse:
    result = app.handle(principal, body.command(family_id, version))
    return changed(result, FamilyPublic, principal)


@router.post("/{family_id}/reopen", response_model=FamilyPublic)
def reopen_family(
    family_id: FamilyId,
    app: AppDep,
    principal: PrincipalDep,
    version: ExpectedVersionDep,
    body: Annotated[FamilyReopen | None, Body()] = None,
) -> JSONResponse:
    reopen = body or FamilyReopen()
    result = app.handle(principal, reopen.command(family_id, version))
    return changed(result, FamilyPublic, principal)
