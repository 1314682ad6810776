"""Ledger reads served from the ledger projection, scoped to the caller's region."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from openpyxl import Workbook

from api.runtime import Runtime
from application.principal import Principal
from domain.money import yuan_from_fen
from projections.ledger import FundBalance, JournalRow, LedgerProjection, LedgerQuery

# Region levels of the totals: province, city, county, township, village prefixes.
ROLLUP_LENGTHS = (2, 4, 6, 9, 12)


def scoped_query(
    principal: Principal,
    *,
    region: str | None,
    as_of: dt.date | None,
    known_at: dt.datetime | None,
) -> LedgerQuery | None:
    """None when the requested region lies outside the caller's."""
    prefix = principal.visible_scope(region)
    if prefix is None:
        return None
    return LedgerQuery(as_of=as_of, known_at=known_at, region_prefix=prefix)


def fund_balances(runtime: Runtime, query: LedgerQuery | None) -> list[FundBalance]:
    if query is None:
        return []
    runtime.reads_of(LedgerProjection.name).wait_until_current()
    return runtime.ledger.fund_balances(query)


def balance_body(balance: FundBalance) -> dict[str, Any]:
    return {
        "fund_id": balance.fund_id,
        "name": balance.name,
        "source": balance.source,
        "programme": balance.programme,
        "region_code": balance.region_code,
        "posted": yuan_from_fen(balance.posted_fen),
        "pending": yuan_from_fen(balance.pending_fen),
        "available": yuan_from_fen(balance.available_fen),
    }


def region_totals(balances: list[FundBalance]) -> list[dict[str, Any]]:
    """Totals for every region level that holds funds, as 6-digit codes down to county
    (43 -> 430000) and as they are below it."""
    sums: dict[str, list[int]] = {}
    for balance in balances:
        # A set: 430000's province, city and county prefixes all pad to one code.
        codes = {
            balance.region_code[:length].ljust(6, "0")
            for length in ROLLUP_LENGTHS
            if length <= len(balance.region_code)
        }
        for code in codes:
            total = sums.setdefault(code, [0, 0, 0])
            total[0] += 1
            total[1] += balance.posted_fen
            total[2] += balance.pending_fen
    return [
        {
            "region_code": code,
            "funds": count,
            "posted": yuan_from_fen(posted),
            "pending": yuan_from_fen(pending),
            "available": yuan_from_fen(posted - pending),
        }
        for code, (count, posted, pending) in sorted(sums.items())
    ]


def journal_rows(
    runtime: Runtime,
    query: LedgerQuery | None,
    *,
    fund: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> list[JournalRow]:
    if query is None:
        return []
    runtime.reads_of(LedgerProjection.name).wait_until_current()
    return runtime.ledger.journal(query, account_id=fund, date_from=date_from, date_to=date_to)


def journal_entry(row: JournalRow) -> dict[str, Any]:
    return {
        "position": row.position,
        "occurred_on": row.occurred_on,
        "recorded_at": row.recorded_at,
        "account_id": row.account_id,
        "account_kind": row.account_kind,
        "account_name": row.account_name,
        "fund_id": row.account_id if row.account_kind == "fund" else None,
        "region_code": row.region_code,
        "transfer_id": row.transfer_id,
        "transfer_kind": row.transfer_kind,
        "side": row.side,
        "phase": row.phase,
        "amount": yuan_from_fen(row.amount_fen),
        "balance": yuan_from_fen(row.balance_fen),
        "counterparty_id": row.counterparty_id,
        "memo": row.memo,
        "cause": row.cause,
        "entry_hash": row.entry_hash,
    }


def journal_totals(rows: list[JournalRow]) -> dict[str, str]:
    debits = sum(r.amount_fen for r in rows if r.side == "debit")
    credits = sum(r.amount_fen for r in rows if r.side == "credit")
    return {"total_debits": yuan_from_fen(debits), "total_credits": yuan_from_fen(credits)}


JOURNAL_COLUMNS = (
    "position", "occurred_on", "recorded_at", "account_id", "account_kind", "account_name",
    "region_code", "transfer_id", "transfer_kind", "side", "phase", "amount", "balance",
    "counterparty_id", "memo", "cause_type", "cause_id", "entry_hash",
)  # fmt: skip


def _flat(row: JournalRow) -> list[Any]:
    entry = journal_entry(row)
    entry["cause_type"] = row.cause.get("type")
    entry["cause_id"] = row.cause.get("id")
    return [entry[column] for column in JOURNAL_COLUMNS]


def journal_csv(rows: list[JournalRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(JOURNAL_COLUMNS)
    writer.writerows(_flat(row) for row in rows)
    return buffer.getvalue()


def journal_xlsx(rows: list[JournalRow]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("journal")
    sheet.append(list(JOURNAL_COLUMNS))
    for row in rows:
        sheet.append(_flat(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
