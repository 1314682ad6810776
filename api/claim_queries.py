"""The claims queue, served from its projection, scoped to the caller and current with the
log."""

from __future__ import annotations

from typing import Any

from api.runtime import Runtime
from application.principal import Principal
from domain.money import yuan_from_fen
from domain.permissions import Action
from projections.claims import ClaimQuery, ClaimsProjection


def list_claims(
    runtime: Runtime,
    principal: Principal,
    *,
    region: str | None,
    status: str | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    principal.require(Action.READ_CLAIMS)
    prefix = principal.visible_scope(region)
    runtime.reads_of(ClaimsProjection.name).wait_until_current()
    if prefix is None:
        return {"items": [], "total": 0, "limit": limit, "offset": offset}
    page = runtime.claims.claims(
        ClaimQuery(region_prefix=prefix, status=status, kind=kind, limit=limit, offset=offset)
    )
    return {
        "items": [
            {
                "id": row.claim_id,
                "family_id": row.family_id,
                "region_code": row.region_code,
                "member_id": row.member_id,
                "kind": row.kind,
                "status": row.status,
                "amount": yuan_from_fen(row.amount_fen),
                "rule": {"id": row.rule_id, "version": row.rule_version},
                "priced_on": row.priced_on,
                "submitted_by": row.submitted_by,
                "submitted_on": row.submitted_on,
                "updated_at": row.updated_at,
            }
            for row in page.rows
        ],
        "total": page.total,
        "limit": limit,
        "offset": offset,
    }
