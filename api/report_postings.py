"""The journal postings behind a services figure: the reports view names the services' cash
transfers, the ledger view holds their postings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.report_queries import period, report_scope
from api.runtime import Runtime
from application.principal import Principal
from domain.money import yuan_from_fen
from projections.ledger import LedgerProjection
from projections.ledger_reports import LedgerReports
from projections.ledger_sql import SQLLedgerView
from projections.reports import ServiceFilter


def ledger_reports(runtime: Runtime) -> LedgerReports:
    runtime.reads_of(LedgerProjection.name).wait_until_current()
    view = runtime.ledger
    assert isinstance(view, SQLLedgerView)
    return LedgerReports(view)


def service_postings(
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
    start, end = period(date_from, date_to, runtime.app.today())
    scope = report_scope(runtime, principal, region)
    body: dict[str, Any] = {"position": scope.position}
    if scope.prefix is None:
        return body | {"items": [], "total": 0, "amount": "0.00", "limit": limit, "offset": offset}
    query = ServiceFilter(scope.prefix, start, end, occasion, kind)
    page = runtime.reports.service_payments(query, limit, offset)
    service_of = dict(page.payments)
    postings = ledger_reports(runtime).fund_debits_of([t for t, _ in page.payments])
    items = [
        {
            "position": posting.position,
            "occurred_on": posting.occurred_on,
            "fund_id": posting.fund_id,
            "account_name": posting.account_name,
            "region_code": posting.region_code,
            "transfer_id": posting.transfer_id,
            "service_id": service_of.get(posting.transfer_id),
            "amount": yuan_from_fen(posting.amount_fen),
            "memo": posting.memo,
        }
        for posting in postings
    ]
    return body | {
        "items": items,
        "total": page.total,
        "amount": yuan_from_fen(page.amount_fen),
        "limit": limit,
        "offset": offset,
    }
