"""Ledger reads served from the ledger projection, scoped to the caller's region."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.runtime import Runtime
from api.spreadsheets import CellKind, Column
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
    Column("position", "日志序号", CellKind.INTEGER),
    Column("occurred_on", "业务日期", CellKind.DATE),
    Column("recorded_at", "记录时间", CellKind.DATETIME),
    Column("account_id", "账户编号"),
    Column("account_kind", "账户类型"),
    Column("account_name", "账户名称"),
    Column("region_code", "区划代码"),
    Column("transfer_id", "转账编号"),
    Column("transfer_kind", "转账类型"),
    Column("side", "借贷方向"),
    Column("phase", "状态"),
    Column("amount", "金额（元）", CellKind.YUAN),
    Column("balance", "余额（元）", CellKind.YUAN),
    Column("counterparty_id", "对方账户"),
    Column("memo", "摘要"),
    Column("cause_type", "来源类型"),
    Column("cause_id", "来源编号"),
    Column("entry_hash", "分录哈希"),
)


def journal_sheet_rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Journal entries as the caller sees them, the cause split into two columns."""
    return [
        entry | {"cause_type": entry["cause"].get("type"), "cause_id": entry["cause"].get("id")}
        for entry in entries
    ]
