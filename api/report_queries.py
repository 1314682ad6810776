"""Reports served from the reports projection (DESIGN.md section 11): figures per child region,
the log position they were computed at, and the drill-down lists that make each figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from api.runtime import Runtime
from application.cases import family_in_scope
from application.principal import Principal
from domain.errors import InvalidValueError
from domain.money import yuan_from_fen
from domain.permissions import Action
from domain.regions import child_level, region_code_of, region_name
from projections.reports import (
    COVERAGE_MEASURES,
    CoverageFigures,
    FamilyFacts,
    ReportsProjection,
    ServiceFigures,
    ServiceFilter,
)

REPORTS = "/api/v1/reports"
FAMILIES = "/api/v1/families"


@dataclass(frozen=True)
class ReportScope:
    """The region prefix a report covers (None: outside the caller's region, so nothing) and
    the log position of the view it reads."""

    prefix: str | None
    position: int

    @property
    def region(self) -> str | None:
        return region_code_of(self.prefix) if self.prefix else None


def report_scope(runtime: Runtime, principal: Principal, region: str | None) -> ReportScope:
    principal.require(Action.READ_REPORTS)
    prefix = principal.visible_scope(region)
    runtime.reads_of(ReportsProjection.name).wait_until_current()
    position = runtime.reports.max_tracking_id(runtime.app.name) or 0
    return ReportScope(prefix, position)


def period(
    date_from: dt.date | None, date_to: dt.date | None, today: dt.date
) -> tuple[dt.date | None, dt.date]:
    """Without `from`, everything up to `to`; without `to`, up to today."""
    end = date_to or today
    if date_from is not None and date_from > end:
        raise InvalidValueError("`from` must not be after `to`", field="from")
    return date_from, end


def drill_url(path: str, **params: Any) -> str:
    given = {name: str(value) for name, value in params.items() if value is not None}
    return f"{REPORTS}/{path}?{urlencode(given)}"


def percent(count: int, of: int) -> float | None:
    return round(100 * count / of, 2) if of else None


# -- services ---------------------------------------------------------------------------------


def _service_params(query: ServiceFilter, region: str | None) -> dict[str, Any]:
    return {
        "from": query.date_from.isoformat() if query.date_from else None,
        "to": query.date_to.isoformat(),
        "region": region,
        "occasion": query.occasion,
        "kind": query.kind,
    }


def _service_figures(
    figures: ServiceFigures | None, query: ServiceFilter, region: str | None
) -> dict[str, Any]:
    households = figures.households if figures else 0
    services = figures.services if figures else 0
    cash = figures.cash_fen if figures else 0
    goods = figures.goods_fen if figures else 0
    params = _service_params(query, region)
    return {
        "households": households,
        "services": services,
        "cash": yuan_from_fen(cash),
        "goods": yuan_from_fen(goods),
        "total": yuan_from_fen(cash + goods),
        "drill": {
            "families": drill_url("services/families", **params),
            "postings": drill_url("services/postings", **params),
        },
    }


def services_report(
    runtime: Runtime,
    principal: Principal,
    *,
    region: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    occasion: str | None,
    kind: str | None,
) -> dict[str, Any]:
    start, end = period(date_from, date_to, runtime.app.today())
    scope = report_scope(runtime, principal, region)
    query = ServiceFilter(scope.prefix or "", start, end, occasion, kind)
    rows: list[dict[str, Any]] = []
    totals = None
    if scope.prefix is not None:
        view = runtime.reports
        for figures in view.service_figures(query, child_level(scope.prefix)):
            code = region_code_of(figures.region_code)
            rows.append(
                {
                    "region_code": code,
                    "region_name": region_name(code),
                    **_service_figures(figures, query, code),
                }
            )
        totals = next(iter(view.service_figures(query, len(scope.prefix))), None)
    return {
        "region": scope.region,
        "from": start,
        "to": end,
        "occasion": occasion,
        "kind": kind,
        "position": scope.position,
        "rows": rows,
        "totals": _service_figures(totals, query, scope.region),
    }


def family_item(facts: FamilyFacts) -> dict[str, Any]:
    return {
        "family_id": facts.family_id,
        "region_code": facts.region_code,
        "region_name": region_name(facts.region_code),
        "category": facts.category,
        "status": facts.status,
        "last_service_on": facts.last_service_on,
        "family": f"{FAMILIES}/{facts.family_id}",
    }


def served_families(
    runtime: Runtime,
    principal: Principal,
    *,
    region: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    occasion: str | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """The households a services figure counts, each with the services, cash and goods it
    received: the items of all pages add up to the figure."""
    start, end = period(date_from, date_to, runtime.app.today())
    scope = report_scope(runtime, principal, region)
    body: dict[str, Any] = {"position": scope.position, "limit": limit, "offset": offset}
    if scope.prefix is None:
        return body | {"items": [], "total": 0, "services": 0, "cash": "0.00", "goods": "0.00"}
    query = ServiceFilter(scope.prefix, start, end, occasion, kind)
    page = runtime.reports.served_families(query, limit, offset)
    totals = next(iter(runtime.reports.service_figures(query, len(scope.prefix))), None)
    items = [
        family_item(facts)
        | {
            "services": facts.services,
            "cash": yuan_from_fen(facts.cash_fen),
            "goods": yuan_from_fen(facts.goods_fen),
            "total": yuan_from_fen(facts.cash_fen + facts.goods_fen),
        }
        for facts in page.rows
    ]
    return body | {
        "items": items,
        "total": page.total,
        "services": totals.services if totals else 0,
        "cash": yuan_from_fen(totals.cash_fen if totals else 0),
        "goods": yuan_from_fen(totals.goods_fen if totals else 0),
    }


# -- coverage ---------------------------------------------------------------------------------


def _coverage_figures(
    figures: CoverageFigures | None, as_of: dt.date, region: str | None
) -> dict[str, Any]:
    families = figures.families if figures else 0
    body: dict[str, Any] = {"families": families}
    for measure in COVERAGE_MEASURES:
        count = figures.counts.get(measure, 0) if figures else 0
        body[measure] = count
        body[f"{measure}_rate"] = percent(count, families)
    params = {"region": region, "as_of": as_of.isoformat()}
    body["drill"] = {
        "families": drill_url("coverage/families", **params),
        **{
            measure: drill_url("coverage/families", **params, measure=measure)
            for measure in COVERAGE_MEASURES
        },
    }
    return body


def coverage_report(
    runtime: Runtime, principal: Principal, *, region: str | None, as_of: dt.date | None
) -> dict[str, Any]:
    day = as_of or runtime.app.today()
    scope = report_scope(runtime, principal, region)
    rows: list[dict[str, Any]] = []
    totals = None
    if scope.prefix is not None:
        children = runtime.reports.coverage_figures(scope.prefix, day, child_level(scope.prefix))
        for figures in children:
            code = region_code_of(figures.region_code)
            rows.append(
                {
                    "region_code": code,
                    "region_name": region_name(code),
                    **_coverage_figures(figures, day, code),
                }
            )
        totals = CoverageFigures.summed(scope.prefix, children)
    return {
        "region": scope.region,
        "as_of": day,
        "position": scope.position,
        "rows": rows,
        "totals": _coverage_figures(totals, day, scope.region),
    }


def covered_families(
    runtime: Runtime,
    principal: Principal,
    *,
    region: str | None,
    as_of: dt.date | None,
    measure: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    day = as_of or runtime.app.today()
    scope = report_scope(runtime, principal, region)
    body: dict[str, Any] = {"position": scope.position, "limit": limit, "offset": offset}
    if scope.prefix is None:
        return body | {"items": [], "total": 0}
    page = runtime.reports.covered_families(scope.prefix, day, measure, limit, offset)
    return body | {"items": [family_item(facts) for facts in page.rows], "total": page.total}


# -- overdue ----------------------------------------------------------------------------------


def overdue_report(
    runtime: Runtime,
    principal: Principal,
    *,
    region: str | None,
    days: int,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """Open special families with no service within `days` before today, never served first,
    with their dual contacts so that the supervisor can send someone."""
    today = runtime.app.today()
    served_since = today - dt.timedelta(days=days)
    scope = report_scope(runtime, principal, region)
    body: dict[str, Any] = {
        "region": scope.region,
        "days": days,
        "served_since": served_since,
        "position": scope.position,
        "limit": limit,
        "offset": offset,
    }
    if scope.prefix is None:
        return body | {"items": [], "total": 0}
    page = runtime.reports.overdue_families(scope.prefix, served_since, limit, offset)
    items = []
    for facts in page.rows:
        last = dt.date.fromisoformat(facts.last_service_on) if facts.last_service_on else None
        # Contacts are personal data: they stay in the events and are read per family shown.
        family = family_in_scope(runtime.app, principal, UUID(facts.family_id))
        items.append(
            family_item(facts)
            | {
                "days_since_last_service": (today - last).days if last else None,
                "contacts": family.contacts,
            }
        )
    return body | {"items": items, "total": page.total}
