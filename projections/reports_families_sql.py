"""What the reports ask of families, in SQL for SQLite and PostgreSQL: which are counted by
coverage and what each measure asks of them, the overdue order, and the facts kept per family
from its services (last service, last and fourth-last visit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from projections.reports import SPECIAL_CATEGORIES
from projections.sql import IN_REGION, region_range

FAMILIES_COUNTED = (
    IN_REGION.format(a="f.")
    + " AND f.category IN ("
    + ", ".join(f"'{category}'" for category in SPECIAL_CATEGORIES)
    + ") AND f.registered_on <= :as_of "
    "AND (f.status = 'open' OR f.closed_on > :as_of)"
)

_VISITS = (
    "FROM {t}report_services s WHERE s.family_id = f.family_id AND s.kind = 'visit' "
    "AND s.voided = 0 AND s.occurred_on <= :as_of AND s.occurred_on >= "
)
_NO_VISIT_AFTER = "(f.last_visit_on IS NULL OR f.last_visit_on <= :as_of)"
"""A family none of whose visits came after `as_of` (every family, as of today): its last
and fourth-last visits answer the visit measures, without reading its visits."""

MEASURE_CONDITIONS = {
    "with_contacts": "f.contacts_on <= :as_of",
    "with_family_doctor": "f.doctor_signed_on <= :as_of AND f.doctor_expires_on >= :as_of",
    "with_green_channel": "f.green_channel_on <= :as_of",
    "insured": (
        "EXISTS (SELECT 1 FROM {t}report_policies p WHERE p.family_id = f.family_id "
        "AND p.programme = 'nursing_subsidy' AND p.starts_on <= :as_of AND p.ends_on >= :as_of)"
    ),
    "visited_90d": (
        f"(CASE WHEN {_NO_VISIT_AFTER} THEN f.last_visit_on >= :quarter_start "
        f"ELSE EXISTS (SELECT 1 {_VISITS}:quarter_start) END)"
    ),
    "visited_4_in_365d": (
        f"(CASE WHEN {_NO_VISIT_AFTER} THEN f.fourth_last_visit_on >= :year_start "
        f"ELSE (SELECT COUNT(*) {_VISITS}:year_start) >= 4 END)"
    ),
}
"""What each coverage measure asks of an open special family on `as_of`. A visit is a service
of kind `visit`; "within 90 days" includes the day 90 days before."""


def coverage_params(prefix: str, as_of: dt.date) -> dict[str, Any]:
    return {
        **region_range(prefix),
        "as_of": as_of.isoformat(),
        "quarter_start": _days_before(as_of, 90).isoformat(),
        "year_start": _days_before(as_of, 365).isoformat(),
    }


def _days_before(day: dt.date, days: int) -> dt.date:
    """The calendar's first day where `days` before `day` would be before it (as_of=0001-01-05
    was a 500)."""
    return day - dt.timedelta(days=days) if (day - dt.date.min).days >= days else dt.date.min


OVERDUE_ORDER = {
    True: "COALESCE(f.last_service_on, '') < :served_since",
    False: "(f.last_service_on IS NULL OR f.last_service_on < :served_since)",
}
"""Families not served since a date, as a province or a city asks (True: walking the overdue
index in its order, where most families match) and as a county or smaller asks (False: the
few families of its region found first, then sorted)."""

REFRESH_FAMILY_SERVICES = (
    "UPDATE {t}report_families SET "
    "last_service_on = (SELECT MAX(s.occurred_on) FROM {t}report_services s "
    "WHERE s.family_id = :family_id AND s.voided = 0), "
    "last_visit_on = (SELECT MAX(s.occurred_on) FROM {t}report_services s "
    "WHERE s.family_id = :family_id AND s.kind = 'visit' AND s.voided = 0), "
    "fourth_last_visit_on = (SELECT s.occurred_on FROM {t}report_services s "
    "WHERE s.family_id = :family_id AND s.kind = 'visit' AND s.voided = 0 "
    "ORDER BY s.occurred_on DESC LIMIT 1 OFFSET 3) "
    "WHERE family_id = :family_id"
)
"""A family's last service and its last and fourth-last visits, voided ones left out."""
