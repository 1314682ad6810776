"""Reads served from the projections, scoped to the caller and current with the log."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from api.runtime import Runtime
from application.principal import Principal
from domain.permissions import Action
from projections.timeline import TimelineProjection


def family_timeline(
    runtime: Runtime,
    principal: Principal,
    family_id: UUID,
    *,
    as_of: dt.date | None,
    known_at: dt.datetime | None,
) -> dict[str, Any]:
    principal.require(Action.READ_CASES)
    family = runtime.app.family_in_scope(principal, family_id)
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
    category: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    principal.require(Action.READ_CASES)
    prefix = principal.visible_scope(region)
    runtime.reads_of(TimelineProjection.name).wait_until_current()
    if prefix is None:
        return {"items": [], "total": 0, "limit": limit, "offset": offset}
    page = runtime.timeline.directory(
        region_prefix=prefix, category=category, status=status, limit=limit, offset=offset
    )
    return {
        "items": [
            {
                "id": row.family_id,
                "region_code": row.region_code,
                "category": row.category,
                "status": row.status,
                "head_name": row.head_name,
                "registered_on": row.registered_on,
            }
            for row in page.rows
        ],
        "total": page.total,
        "limit": limit,
        "offset": offset,
    }
