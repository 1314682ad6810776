"""Reads served from the projections, scoped to the caller and current with the log."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from api.runtime import Runtime
from application.cases import family_in_scope
from application.principal import Principal
from application.resident_index import families_holding_resident
from domain.permissions import Action
from domain.regions import county_code, region_name
from projections.timeline import DirectoryQuery, FamilyOrder, TimelineProjection


def family_timeline(
    runtime: Runtime,
    principal: Principal,
    family_id: UUID,
    *,
    as_of: dt.date | None,
    known_at: dt.datetime | None,
) -> dict[str, Any]:
    principal.require(Action.READ_CASES)
    family = family_in_scope(runtime.app, principal, family_id)
    runtime.reads_of(TimelineProjection.name).wait_until_current()
    rows = runtime.timeline.timeline(str(family_id), as_of=as_of, known_at=known_at)
    return {
        "family_id": str(family_id),
        "region_code": family.region_code,  # for the access log, not the response
        "as_of": as_of,
        "known_at": known_at,
        "entries": [row.__dict__ for row in rows],
    }


def list_families(
    runtime: Runtime,
    principal: Principal,
    *,
    region: str | None,
    category: str | None = None,
    status: str | None = None,
    not_served_since: dt.date | None = None,
    name: str | None = None,
    resident_id: str | None = None,
    sort: FamilyOrder | None = None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    principal.require(Action.READ_CASES)
    if name is not None or resident_id is not None:
        principal.require(Action.SEARCH_BY_PERSONAL_DATA)
    prefix = principal.visible_scope(region)
    runtime.reads_of(TimelineProjection.name).wait_until_current()
    if prefix is None:
        return {"items": [], "total": 0, "limit": limit, "offset": offset}
    # A resident ID is looked up by its keyed hash in the resident index; the region scope
    # below decides whether the caller may see the family it names.
    holders = (
        tuple(str(f) for f in families_holding_resident(runtime.app, resident_id))
        if resident_id is not None
        else None
    )
    page = runtime.timeline.directory(
        DirectoryQuery(
            region_prefix=prefix,
            category=category,
            status=status,
            not_served_since=not_served_since,
            name_fragment=name,
            family_ids=holders,
            order=sort,
            limit=limit,
            offset=offset,
        )
    )
    return {
        "items": [
            {
                "id": row.family_id,
                "region_code": row.region_code,
                "region_name": region_name(county_code(row.region_code)),
                "category": row.category,
                "status": row.status,
                "head_name": row.head_name,
                "registered_on": row.registered_on,
                "last_service_on": row.last_service_on,
            }
            for row in page.rows
        ],
        "total": page.total,
        "limit": limit,
        "offset": offset,
    }
