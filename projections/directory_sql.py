"""The family list's queries over the timeline view's directory, for SQLite and PostgreSQL:
the filter a query makes, the orders it can ask for, and the page it reads back."""

from __future__ import annotations

from typing import Any

from projections.name_grams import NameGrams
from projections.sealing import Sealer
from projections.sql import (
    REGION_SCANNED,
    is_wide_scope,
    placeholders,
    region_range,
    region_scanned_params,
)
from projections.timeline import DirectoryPage, DirectoryQuery, DirectoryRow, FamilyOrder

LISTED_COLUMNS = (
    "family_id, region_code, category, status, head_name, registered_on, last_service_on, "
    "updated_at"
)

DIRECTORY_ORDER: dict[FamilyOrder | None, str] = {
    None: "position",
    FamilyOrder.LAST_SERVICE_ON: "last_service_on, position",
    FamilyOrder.REGISTERED_ON: "registered_on, position",
    FamilyOrder.REGION_CODE: "region_code, position",
}
"""Each order ends with the position of the family's registration in the log: unique, so the
order is total and the same after a rebuild."""


def directory_filter(query: DirectoryQuery, grams: NameGrams) -> tuple[str, dict[str, Any]]:
    """The WHERE clause that selects the query's families, and its parameters."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if query.region_prefix and is_wide_scope(query.region_prefix):
        conditions.append(REGION_SCANNED.format(a=""))
        params |= region_scanned_params(query.region_prefix)
    elif query.region_prefix:
        # Without a prefix (every region) no condition at all, for the reason of REGION_SCANNED.
        conditions.append("region_code >= :region_low AND region_code < :region_high")
        params |= region_range(query.region_prefix)
    if query.category:
        conditions.append("category = :category")
        params["category"] = query.category
    if query.status:
        conditions.append("status = :status")
        params["status"] = query.status
    if query.not_served_since:
        conditions.append("last_service_on < :not_served_since")
        params["not_served_since"] = query.not_served_since.isoformat()
    if query.family_ids is not None:
        families = {f"family_{i}": family_id for i, family_id in enumerate(query.family_ids)}
        # `IN (NULL)` is true of no row: an empty list of families selects none.
        conditions.append(f"family_id IN ({placeholders(families) or 'NULL'})")
        params |= families
    if query.name_fragment:
        fragment = {f"gram_{i}": gram for i, gram in enumerate(grams.of(query.name_fragment))}
        # The grams are distinct and (gram, family) is the key: a family holding every gram of
        # the fragment has exactly as many rows among them.
        conditions.append(
            "family_id IN (SELECT g.family_id FROM {t}family_name_grams g "
            f"WHERE g.gram IN ({placeholders(fragment)}) "
            f"GROUP BY g.family_id HAVING COUNT(*) = {len(fragment)})"
        )
        params |= fragment
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), params


def directory_page(rows: list[Any], total: int, sealer: Sealer) -> DirectoryPage:
    return DirectoryPage(
        rows=[
            DirectoryRow(
                family_id=row["family_id"],
                region_code=row["region_code"],
                category=row["category"],
                status=row["status"],
                head_name=sealer.open(row["head_name"]),
                registered_on=row["registered_on"],
                last_service_on=row["last_service_on"] or None,
                updated_at=row["updated_at"],
            )
            for row in rows
        ],
        total=total,
    )
