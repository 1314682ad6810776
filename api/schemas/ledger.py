"""Fund ledger requests and responses: money is a string of yuan, never a JSON number."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from pydantic import Field

from api.schemas.common import CalendarDate, Fen, Name, OptionalText, RegionCode, StrictModel, Text
from application.commands import ledger
from domain.ledger.vocabulary import FundSource, Programme


class FundCreate(StrictModel):
    source: FundSource
    region_code: RegionCode
    programme: Programme
    name: Name

    def command(self) -> ledger.OpenFund:
        return ledger.OpenFund(self.source, self.region_code, self.programme, self.name)


class FundPublic(StrictModel):
    id: str
    version: int
    name: str
    source: FundSource
    programme: Programme
    region_code: str
    posted: str
    pending: str
    available: str
    opened_at: dt.datetime


class FundSummary(StrictModel):
    id: str
    name: str
    source: FundSource
    programme: Programme
    region_code: str
    posted: str
    pending: str
    available: str


class FundList(StrictModel):
    items: list[FundSummary]


class ReceiptCreate(StrictModel):
    amount: Fen
    payer: Name
    received_on: CalendarDate | None = None
    reference: OptionalText = ""

    def command(self, fund_id: UUID) -> ledger.RecordReceipt:
        return ledger.RecordReceipt(
            fund_id, self.amount, self.payer, self.received_on, self.reference
        )


class TransferCreate(StrictModel):
    from_fund: UUID
    to_fund: UUID
    amount: Fen
    memo: Text
    occurred_on: CalendarDate | None = None
    pending: bool = Field(default=False, description="reserve now, post or void later")

    def command(self) -> ledger.Allocate:
        return ledger.Allocate(
            self.from_fund, self.to_fund, self.amount, self.memo, self.occurred_on, self.pending
        )


class TransferPost(StrictModel):
    posted_on: CalendarDate | None = None


class TransferVoid(StrictModel):
    reason: Text
    voided_on: CalendarDate | None = None

    def command(self, transfer_id: UUID) -> ledger.VoidTransfer:
        return ledger.VoidTransfer(transfer_id, self.reason, self.voided_on)


class TransferPublic(StrictModel):
    id: str
    version: int
    kind: str
    from_account: str
    to_account: str
    amount: str
    memo: str
    occurred_on: dt.date
    state: str
    cause: dict[str, Any]
    posted_on: dt.date | None
    voided_on: dt.date | None
    void_reason: str | None
    reverses: str | None
    reversed_by: str | None
    recorded_at: dt.datetime
    fund: FundPublic | None = None


class FundBalancePublic(StrictModel):
    fund_id: str
    name: str
    source: str
    programme: str
    region_code: str
    posted: str
    pending: str
    available: str


class RegionTotal(StrictModel):
    region_code: str
    funds: int
    posted: str
    pending: str
    available: str


class Balances(StrictModel):
    as_of: dt.date | None
    known_at: dt.datetime | None
    funds: list[FundBalancePublic]
    totals: list[RegionTotal]


class JournalEntry(StrictModel):
    position: int
    occurred_on: dt.date
    recorded_at: dt.datetime
    account_id: str
    account_kind: str
    account_name: str
    fund_id: str | None
    region_code: str | None
    transfer_id: str
    transfer_kind: str | None
    side: str
    phase: str
    amount: str
    balance: str
    counterparty_id: str
    memo: str | None
    cause: dict[str, Any]
    entry_hash: str


class Journal(StrictModel):
    as_of: dt.date | None
    known_at: dt.datetime | None
    entries: list[JournalEntry]
    total_debits: str
    total_credits: str
