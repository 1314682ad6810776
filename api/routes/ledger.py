"""/api/v1/ledger: the journal and balances, as of a business date and as known at a time."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime

from api.deps import PrincipalDep, RuntimeDep
from api.ledger_queries import (
    LEDGER_AUDIENCE,
    balance_body,
    fund_balances,
    journal_csv,
    journal_entry,
    journal_rows,
    journal_totals,
    journal_xlsx,
    region_totals,
    scoped_query,
)
from api.schemas.ledger import Balances, Journal

router = APIRouter(prefix="/ledger", tags=["ledger"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/journal",
    response_model=Journal,
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
def get_journal(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    fund: str | None = None,
    date_from: Annotated[dt.date | None, Query(alias="from")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to")] = None,
    as_of: dt.date | None = None,
    known_at: AwareDatetime | None = None,
    region: str | None = None,
    accept: Annotated[str, Header()] = "application/json",
) -> Response:
    """Every posting with its account's running balance and a link to its cause. Send
    `Accept: text/csv` or the XLSX media type for a spreadsheet."""
    principal.require(*LEDGER_AUDIENCE)
    query = scoped_query(principal, region=region, as_of=as_of, known_at=known_at)
    rows = journal_rows(runtime, query, fund=fund, date_from=date_from, date_to=date_to)
    if "text/csv" in accept:
        return Response(journal_csv(rows), media_type="text/csv; charset=utf-8")
    if XLSX in accept:
        return Response(
            journal_xlsx(rows),
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="journal.xlsx"'},
        )
    body: dict[str, Any] = {
        "as_of": as_of.isoformat() if as_of else None,
        "known_at": known_at.isoformat() if known_at else None,
        "entries": [journal_entry(row) for row in rows],
        **journal_totals(rows),
    }
    return JSONResponse(body)


@router.get("/balances", response_model=Balances)
def get_balances(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    as_of: dt.date | None = None,
    known_at: AwareDatetime | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    """Per fund: posted, pending and available, with totals by region level."""
    principal.require(*LEDGER_AUDIENCE)
    query = scoped_query(principal, region=region, as_of=as_of, known_at=known_at)
    balances = fund_balances(runtime, query)
    return {
        "as_of": as_of,
        "known_at": known_at,
        "funds": [balance_body(balance) for balance in balances],
        "totals": region_totals(balances),
    }
