"""The fund ledger's journal and balances, projected from account and transfer events."""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic

from domain.ledger.account import Account
from domain.ledger.transfer import Transfer
from domain.ledger.vocabulary import PHASE_EFFECT, EntryPhase, Side
from projections.batching import BatchProjection, PositionedEvent, ProjectionView
from projections.sql import region_range
from projections.timeline import utc_text


@dataclass
class LedgerChanges:
    accounts: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    transfer_updates: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class FundBalance:
    fund_id: str
    name: str
    source: str
    programme: str
    region_code: str
    posted_fen: int
    pending_fen: int

    @property
    def available_fen(self) -> int:
        return self.posted_fen - self.pending_fen


@dataclass(frozen=True)
class JournalRow:
    position: int
    occurred_on: str
    recorded_at: str
    account_id: str
    account_kind: str
    account_name: str
    region_code: str | None
    """The region the entry counts in; for a fund's, the fund's."""
    transfer_id: str
    transfer_kind: str | None
    side: str
    phase: str
    amount_fen: int
    balance_fen: int
    counterparty_id: str
    memo: str | None
    cause: dict[str, Any]
    entry_hash: str


@dataclass(frozen=True)
class LedgerQuery:
    """`as_of` keeps entries of business dates up to that day; `known_at` keeps what had been
    recorded by then; `region_prefix` keeps the fund accounts of that region subtree, and the
    journal entries that count in it (`the_region_a_leg_counts_in`)."""

    as_of: dt.date | None = None
    known_at: dt.datetime | None = None
    region_prefix: str = ""

    def params(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat() if self.as_of else "9999-12-31",
            "known_at": utc_text(self.known_at) if self.known_at else "9999-12-31",
            **region_range(self.region_prefix),
        }


class LedgerView(ProjectionView, ABC):
    @abstractmethod
    def apply(self, changes: LedgerChanges, tracking: Tracking) -> None:
        """Writes the changes and the tracking position in one transaction."""

    @abstractmethod
    def fund_balances(self, query: LedgerQuery) -> list[FundBalance]:
        """Every fund account of the region subtree, with its balances as the query sees them."""

    @abstractmethod
    def journal(
        self,
        query: LedgerQuery,
        *,
        account_id: str | None,
        date_from: dt.date | None,
        date_to: dt.date | None,
    ) -> list[JournalRow]:
        """Postings in business-date order, each with its account's running posted balance."""


def _opened(event: Any, position: int, changes: LedgerChanges) -> None:
    changes.accounts.append(
        {
            "account_id": str(event.originator_id),
            "kind": str(event.kind),
            "name": event.name,
            "source": str(event.source) if event.source else None,
            "programme": str(event.programme) if event.programme else None,
            "region_code": event.region_code,
            "family_id": str(event.family_id) if event.family_id else None,
            "opened_at": utc_text(event.timestamp),
            "position": position,
        }
    )


def _entry_recorded(event: Any, position: int, changes: LedgerChanges) -> None:
    phase = EntryPhase(event.phase)
    is_debit = Side(event.side) == Side.DEBIT
    amount = int(event.amount_fen)
    posted_sign, pending_sign = PHASE_EFFECT[phase]
    changes.entries.append(
        {
            "position": position,
            "account_id": str(event.originator_id),
            "version": event.originator_version,
            "transfer_id": str(event.transfer_id),
            "counterparty_id": str(event.counterparty_id),
            "side": str(event.side),
            "phase": phase.value,
            "amount_fen": amount,
            # As a fund sees it (credits in, debits out), as `SideTotals` counts it; only debits
            # are pending for the account, since pending credits are not its until posted.
            "posted_delta": (-amount if is_debit else amount) * posted_sign,
            "pending_delta": (amount if is_debit else 0) * pending_sign,
            "occurred_on": event.occurred_on.isoformat(),
            "recorded_at": utc_text(event.timestamp),
            "entry_hash": event.entry_hash,
            # Absent from entries recorded before entries named it: the view then takes it from
            # the accounts (`OLD_ENTRY_REGION`).
            "region_code": getattr(event, "region_code", None),
        }
    )


def _transfer_recorded(event: Any, position: int, changes: LedgerChanges) -> None:
    changes.transfers.append(
        {
            "transfer_id": str(event.originator_id),
            "kind": str(event.kind),
            "memo": event.memo,
            "cause": json.dumps(event.cause, ensure_ascii=False, sort_keys=True),
            "occurred_on": event.occurred_on.isoformat(),
            "state": str(event.state),
            "reverses": str(event.reverses) if event.reverses else None,
            "position": position,
        }
    )


def _transfer_state(state: str) -> Callable[[Any, int, LedgerChanges], None]:
    def update(event: Any, _: int, changes: LedgerChanges) -> None:
        changes.transfer_updates.append({"transfer_id": str(event.originator_id), "state": state})

    return update


def _transfer_reversed(event: Any, _: int, changes: LedgerChanges) -> None:
    changes.transfer_updates.append({"transfer_id": str(event.originator_id), "state": "reversed"})


Describer = Callable[[Any, int, LedgerChanges], None]

DESCRIBERS: dict[type[Any], Describer] = {
    getattr(Account, "Opened"): _opened,
    getattr(Account, "EntryRecorded"): _entry_recorded,
    getattr(Transfer, "Recorded"): _transfer_recorded,
    getattr(Transfer, "Posted"): _transfer_state("posted"),
    getattr(Transfer, "Voided"): _transfer_state("voided"),
    getattr(Transfer, "Reversed"): _transfer_reversed,
}


class LedgerProjection(BatchProjection[LedgerView]):
    name = "ledger"
    topics = tuple(get_topic(event_class) for event_class in DESCRIBERS)

    def process_batch(self, events: Sequence[PositionedEvent], tracking: Tracking) -> None:
        changes = LedgerChanges()
        for domain_event, position in events:
            DESCRIBERS[type(domain_event)](domain_event, position, changes)
        self.view.apply(changes, tracking)
