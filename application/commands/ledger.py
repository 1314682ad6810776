"""Commands on the fund ledger: funds, receipts, allocations, two-phase transfers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from application.commands import Command
from domain.ledger.vocabulary import FundSource, Programme


@dataclass(frozen=True, slots=True)
class OpenFund(Command):
    KIND: ClassVar[str] = "open_fund"
    source: FundSource
    region_code: str
    programme: Programme
    name: str


@dataclass(frozen=True, slots=True)
class RecordReceipt(Command):
    KIND: ClassVar[str] = "receipt"
    fund_id: UUID
    amount_fen: int
    payer: str
    received_on: dt.date | None
    reference: str


@dataclass(frozen=True, slots=True)
class Allocate(Command):
    """Moves money down to a sub-region's fund of the same source and programme; `pending`
    reserves it (two-phase) instead of posting it."""

    KIND: ClassVar[str] = "allocate"
    from_fund: UUID
    to_fund: UUID
    amount_fen: int
    memo: str
    occurred_on: dt.date | None
    pending: bool = False


@dataclass(frozen=True, slots=True)
class PostTransfer(Command):
    KIND: ClassVar[str] = "post_transfer"
    transfer_id: UUID
    posted_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class VoidTransfer(Command):
    KIND: ClassVar[str] = "void_transfer"
    transfer_id: UUID
    reason: str
    voided_on: dt.date | None = None
