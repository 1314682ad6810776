"""/api/v1/ledger: the journal and balances, as of a business date and as known at a time."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime

from api.deps import PrincipalDep, RuntimeDep
from api.ledger_queries import (
    JOURNAL_COLUMNS,
    balance_body,
    fund_balances,
    journal_entry,
    journal_rows,
    journal_sheet_rows,
    journal_totals,
    region_totals,
    scoped_query,
)
from api.responses import public, shown
from api.schemas.common import CalendarDate
from api.schemas.ledger import Balances, Journal
from api.spreadsheets import XLSX, spreadsheet_response
from domain.permissions import Action

router = APIRouter(prefix="/ledger", tags=["ledger"])


@router.get(
    "/journal",
    response_model=Journal,
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
def get_journal(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    fund: UUID | None = None,
    date_from: Annotated[CalendarDate | None, Query(alias="from")] = None,
    date_to: Annotated[CalendarDate | None, Query(alias="to")] = None,
    as_of: CalendarDate | None = None,
    known_at: AwareDatetime | None = None,
    region: str | None = None,
    accept: Annotated[str, Header()] = "application/json",
) -> Response:
    """Every posting with its account's running balance and a link to its cause. Send
    `Accept: text/csv` or the XLSX media type for a spreadsheet."""
    principal.require(Action.READ_LEDGER)
    query = scoped_query(principal, region=region, as_of=as_of, known_at=known_at)
    account = str(fund) if fund else None
    rows = journal_rows(runtime, query, fund=account, date_from=date_from, date_to=date_to)
    body = public(
        {
            "as_of": as_of.isoformat() if as_of else None,
            "known_at": known_at.isoformat() if known_at else None,
            "entries": [journal_entry(row) for row in rows],
            **journal_totals(rows),
        },
        Journal,
        principal,
    )
    sheet = spreadsheet_response(
        accept, JOURNAL_COLUMNS, journal_sheet_rows(body["entries"]), name="journal"
    )
    return sheet or JSONResponse(body)


@router.get("/balances", response_model=Balances)
def get_balances(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    as_of: CalendarDate | None = None,
    known_at: AwareDatetime | None = None,
    region: str | None = None,
) -> JSONResponse:
    """Per fund: posted, pending and available, with totals by region level."""
    principal.require(Action.READ_LEDGER)
    query = scoped_query(principal, region=region, as_of=as_of, known_at=known_at)
    balances = fund_balances(runtime, query)
    body = {
        "as_of": as_of,
        "known_at": known_at,
        "funds": [balance_body(balance) for balance in balances],
        "totals": region_totals(balances),
    }
    return shown(body, Balances, principal)
