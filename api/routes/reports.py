"""/api/v1/reports: what supervisors report upward, each figure with the lists that make it
(DESIGN.md section 11). JSON, or CSV and XLSX by the Accept header."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse, Response

from api import report_queries as reports
from api.deps import PrincipalDep, RuntimeDep
from api.report_exports import report_response
from api.report_funds import funds_postings, funds_report
from api.report_postings import service_postings
from api.report_scorecard import scorecard, scorecard_claims
from api.report_sheets import COVERAGE, FUNDS, OVERDUE, SCORECARD, SERVICES
from api.responses import shown
from api.schemas.reports import (
    CoverageReport,
    FlowPostingList,
    FundsReport,
    OverdueReport,
    PostingList,
    ReportFamilyList,
    Scorecard,
    ScorecardClaimList,
    ServedFamilyList,
    ServicesReport,
)
from api.spreadsheets import XLSX
from domain.ledger.vocabulary import FundSource, Programme
from domain.values import Occasion, ServiceKind
from projections.reports import COVERAGE_MEASURES

router = APIRouter(prefix="/reports", tags=["reports"])

SPREADSHEETS: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}, XLSX: {}}}}

From = Annotated[dt.date | None, Query(alias="from")]
To = Annotated[dt.date | None, Query(alias="to")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
Accept = Annotated[str, Header()]
Year = Annotated[int | None, Query(ge=2000, le=2100)]
Measure = Annotated[str | None, Query(pattern="^(" + "|".join(COVERAGE_MEASURES) + ")$")]


@router.get("/services", response_model=ServicesReport, responses=SPREADSHEETS)
def get_services_report(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    date_from: From = None,
    date_to: To = None,
    region: str | None = None,
    occasion: Occasion | None = None,
    kind: ServiceKind | None = None,
    accept: Accept = "application/json",
) -> Response:
    """Households served, services, cash, goods and their total per child region, for a
    period (default: this year to today). Voided services are left out, corrections applied."""
    body = reports.services_report(
        runtime,
        principal,
        region=region,
        date_from=date_from,
        date_to=date_to,
        occasion=occasion,
        kind=kind,
    )
    return report_response(body, ServicesReport, principal, accept, SERVICES)


@router.get("/services/families", response_model=ServedFamilyList)
def get_served_families(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    date_from: From = None,
    date_to: To = None,
    region: str | None = None,
    occasion: Occasion | None = None,
    kind: ServiceKind | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """The households a services figure counts, each with its services, cash and goods."""
    body = reports.served_families(
        runtime,
        principal,
        region=region,
        date_from=date_from,
        date_to=date_to,
        occasion=occasion,
        kind=kind,
        limit=limit,
        offset=offset,
    )
    return shown(body, ServedFamilyList, principal)


@router.get("/services/postings", response_model=PostingList)
def get_service_postings(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    date_from: From = None,
    date_to: To = None,
    region: str | None = None,
    occasion: Occasion | None = None,
    kind: ServiceKind | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """The journal's postings of the cash a services figure sums: each takes a service's
    condolence money out of its fund."""
    body = service_postings(
        runtime,
        principal,
        region=region,
        date_from=date_from,
        date_to=date_to,
        occasion=occasion,
        kind=kind,
        limit=limit,
        offset=offset,
    )
    return shown(body, PostingList, principal)


@router.get("/coverage", response_model=CoverageReport, responses=SPREADSHEETS)
def get_coverage_report(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    region: str | None = None,
    as_of: dt.date | None = None,
    accept: Accept = "application/json",
) -> Response:
    """Open special families per child region on `as_of` (default today), and how many have
    dual contacts, a family doctor, the green channel, a nursing-subsidy policy in force, a
    visit within 90 days, and at least 4 visits within 365 days."""
    body = reports.coverage_report(runtime, principal, region=region, as_of=as_of)
    return report_response(body, CoverageReport, principal, accept, COVERAGE)


@router.get("/coverage/families", response_model=ReportFamilyList)
def get_covered_families(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    region: str | None = None,
    as_of: dt.date | None = None,
    measure: Measure = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """The families a coverage figure counts: all open special families, or those meeting
    `measure`."""
    body = reports.covered_families(
        runtime,
        principal,
        region=region,
        as_of=as_of,
        measure=measure,
        limit=limit,
        offset=offset,
    )
    return shown(body, ReportFamilyList, principal)


@router.get("/overdue", response_model=OverdueReport, responses=SPREADSHEETS)
def get_overdue_report(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    region: str | None = None,
    days: Annotated[int, Query(ge=0, le=36_500)] = 90,
    limit: Limit = 100,
    offset: Offset = 0,
    accept: Accept = "application/json",
) -> Response:
    """Open special families with no service within `days` before today: never served first,
    then the longest unserved, with their dual contacts."""
    body = reports.overdue_report(
        runtime, principal, region=region, days=days, limit=limit, offset=offset
    )
    return report_response(body, OverdueReport, principal, accept, OVERDUE)


@router.get("/funds", response_model=FundsReport, responses=SPREADSHEETS)
def get_funds_report(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    date_from: From = None,
    date_to: To = None,
    region: str | None = None,
    source: FundSource | None = None,
    accept: Accept = "application/json",
) -> Response:
    """Per source and programme of the region's funds: received, allocated in and out, paid
    to families, premiums, within the period; available at its end."""
    body = funds_report(
        runtime, principal, region=region, date_from=date_from, date_to=date_to, source=source
    )
    return report_response(body, FundsReport, principal, accept, FUNDS)


@router.get("/funds/postings", response_model=FlowPostingList)
def get_funds_postings(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    date_from: From = None,
    date_to: To = None,
    region: str | None = None,
    source: FundSource | None = None,
    programme: Programme | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """The postings behind a funds row, each naming the figure it adds to."""
    body = funds_postings(
        runtime,
        principal,
        region=region,
        date_from=date_from,
        date_to=date_to,
        source=source,
        programme=programme,
        limit=limit,
        offset=offset,
    )
    return shown(body, FlowPostingList, principal)


@router.get("/scorecard", response_model=Scorecard, responses=SPREADSHEETS)
def get_scorecard(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    region: str | None = None,
    year: Year = None,
    accept: Accept = "application/json",
) -> Response:
    """Per county for a year: each indicator's value, weight, target and score, and a total
    out of 100. Weights and targets: NUANXIN_SCORECARD_WEIGHTS / _TARGETS."""
    body = scorecard(runtime, principal, region=region, year=year)
    return report_response(body, Scorecard, principal, accept, SCORECARD)


@router.get("/scorecard/claims", response_model=ScorecardClaimList)
def get_scorecard_claims(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    region: str | None = None,
    year: Year = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """The claims the scorecard's "decided within 30 days" counts: decided (approved or
    rejected) in the year, each with its days from submission to decision."""
    body = scorecard_claims(
        runtime, principal, region=region, year=year, limit=limit, offset=offset
    )
    return shown(body, ScorecardClaimList, principal)
