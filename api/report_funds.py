"""The funds report (全过程公开): per source and programme of the region's funds, what was
received, allocated in and out, paid and spent on premiums in a period, and what is available
at its end; each row drills to the postings that make it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.report_postings import ledger_reports
from api.report_queries import drill_url, period
from api.runtime import Runtime
from application.principal import Principal
from domain.money import yuan_from_fen
from domain.permissions import Action
from domain.regions import region_code_of
from projections.ledger_reports import FundFlows

FLOW_FIGURES = ("received", "allocated_in", "allocated_out", "paid", "premiums", "available")


def _figures(flows: FundFlows) -> dict[str, int]:
    return {
        "received": flows.received_fen,
        "allocated_in": flows.allocated_in_fen,
        "allocated_out": flows.allocated_out_fen,
        "paid": flows.paid_fen,
        "premiums": flows.premiums_fen,
        "available": flows.available_fen,
    }


def funds_report(
    runtime: Runtime,
    principal: Principal,
    *,
    region: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    source: str | None,
) -> dict[str, Any]:
    principal.require(Action.READ_REPORTS)
    start, end = period(date_from, date_to, runtime.app.today())
    prefix = principal.visible_scope(region)
    reports = ledger_reports(runtime)
    position = runtime.ledger.max_tracking_id(runtime.app.name) or 0
    flows = (
        []
        if prefix is None
        else reports.fund_flows(region_prefix=prefix, date_from=start, date_to=end, source=source)
    )
    code = region_code_of(prefix) if prefix else None
    params = {"from": start.isoformat() if start else None, "to": end.isoformat(), "region": code}
    rows = []
    totals = dict.fromkeys(FLOW_FIGURES, 0)
    for row in flows:
        figures = _figures(row)
        for name, fen in figures.items():
            totals[name] += fen
        rows.append(
            {
                "source": row.source,
                "programme": row.programme,
                "funds": row.funds,
                **{name: yuan_from_fen(fen) for name, fen in figures.items()},
                "drill": {
                    "postings": drill_url(
                        "funds/postings", **params, source=row.source, programme=row.programme
                    )
                },
            }
        )
    return {
        "region": code,
        "from": start,
        "to": end,
        "source": source,
        "position": position,
        "rows": rows,
        "totals": {
            "funds": sum(row.funds for row in flows),
            **{name: yuan_from_fen(fen) for name, fen in totals.items()},
            "drill": {"postings": drill_url("funds/postings", **params, source=source)},
        },
    }


def funds_postings(
    runtime: Runtime,
    principal: Principal,
    *,
    region: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    source: str | None,
    programme: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """The postings of a funds figure, each naming the figure (`flow`) it adds to."""
    principal.require(Action.READ_REPORTS)
    start, end = period(date_from, date_to, runtime.app.today())
    prefix = principal.visible_scope(region)
    reports = ledger_reports(runtime)
    body: dict[str, Any] = {
        "position": runtime.ledger.max_tracking_id(runtime.app.name) or 0,
        "limit": limit,
        "offset": offset,
    }
    if prefix is None:
        return body | {"items": [], "total": 0}
    postings, total = reports.flow_postings(
        region_prefix=prefix,
        date_from=start,
        date_to=end,
        source=source,
        programme=programme,
        limit=limit,
        offset=offset,
    )
    items = [
        {
            "position": p.position,
            "occurred_on": p.occurred_on,
            "fund_id": p.fund_id,
            "fund_name": p.fund_name,
            "source": p.source,
            "programme": p.programme,
            "region_code": p.region_code,
            "transfer_id": p.transfer_id,
            "flow": p.flow,
            "amount": yuan_from_fen(p.amount_fen),
            "memo": p.memo,
        }
        for p in postings
    ]
    return body | {"items": items, "total": total}
