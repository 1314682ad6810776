"""Balances recomputed from entry records, counted as the Account aggregate counts them."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.ledger.balances import DatedAvailable, SideTotals


@dataclass(slots=True)
class Balance(SideTotals):
    """An account's totals per side, or the totals over every account."""

    posted_debits: int = 0
    posted_credits: int = 0
    pending_debits: int = 0
    pending_credits: int = 0


@dataclass(slots=True)
class DatedBalance(DatedAvailable):
    """An account's `available` per business date, as the Account aggregate keeps it."""

    available_by_date: dict[str, list[int]] = field(default_factory=dict)
