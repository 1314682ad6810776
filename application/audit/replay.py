"""Replay: every fund's balances rebuilt from the account events alone, as of a business date
and as known at a system time, from the store or from any records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from application.audit.balance import Balance
from application.audit.records import ACCOUNT_OPENED, ACCOUNT_TOPICS, ENTRY_RECORDED, EventRecord
from application.audit.store import Progress, log_head, stored_records
from domain.errors import RuleViolatedError
from domain.ledger.vocabulary import AccountKind, EntryPhase, Side


@dataclass(frozen=True)
class LedgerReplay:
    as_of: dt.date | None
    known_at: dt.datetime | None
    funds: list[dict[str, Any]]
    """Per fund: fund_id, name, source, programme, region_code and the posted, pending
    (held for transfers not yet posted or voided) and available balances in fen."""
    totals: dict[str, int]
    """Over every account: posted and pending debits and credits, in fen."""


class LedgerUnreadableError(RuleViolatedError):
    """A stored ledger row cannot be read, so balances cannot be recomputed from the events."""


def replay_records(
    records: Iterable[EventRecord],
    *,
    as_of: dt.date | None = None,
    known_at: dt.datetime | None = None,
) -> LedgerReplay:
    """Balances from account events alone: entries of business dates up to `as_of` (the
    whole day), as recorded by `known_at` (what would have been reported then)."""
    known_at_utc = _aware(known_at) if known_at is not None else None
    opened: dict[str, dict[str, Any]] = {}
    balances: dict[str, Balance] = {}
    totals = Balance()
    for record in records:
        state = record.state
        if state is None:
            raise LedgerUnreadableError(
                f"the stored row of account {record.originator_id} version "
                f"{record.originator_version} cannot be read; run `nuanxin audit verify`"
            )
        if (
            known_at_utc is not None
            and _aware(dt.datetime.fromisoformat(str(state["timestamp"]))) > known_at_utc
        ):
            continue
        if record.topic == ACCOUNT_OPENED:
            opened[record.originator_id] = state
        elif record.topic == ENTRY_RECORDED:
            if as_of is not None and dt.date.fromisoformat(str(state["occurred_on"])) > as_of:
                continue
            side, phase = Side(state["side"]), EntryPhase(state["phase"])
            amount_fen = int(state["amount_fen"])
            balances.setdefault(record.originator_id, Balance()).add_entry(side, phase, amount_fen)
            totals.add_entry(side, phase, amount_fen)
    funds = []
    for account_id, account in opened.items():
        if account["kind"] != AccountKind.FUND:
            continue
        balance = balances.get(account_id, Balance())
        funds.append(
            {
                "fund_id": account_id,
                "name": account["name"],
                "source": account["source"],
                "programme": account["programme"],
                "region_code": account["region_code"],
                "posted": balance.posted,
                "pending": balance.pending,
                "available": balance.available,
            }
        )
    funds.sort(key=lambda f: (f["region_code"], f["source"], f["name"], f["fund_id"]))
    return LedgerReplay(
        as_of=as_of,
        known_at=known_at,
        funds=funds,
        totals={
            "posted_debits": totals.posted_debits,
            "posted_credits": totals.posted_credits,
            "pending_debits": totals.pending_debits,
            "pending_credits": totals.pending_credits,
        },
    )


def replay_ledger(
    app: Application[UUID],
    as_of: dt.date | None = None,
    *,
    known_at: dt.datetime | None = None,
    progress: Progress | None = None,
) -> LedgerReplay:
    stop = log_head(app)
    return replay_records(
        stored_records(app, ACCOUNT_TOPICS, stop=stop, progress=progress),
        as_of=as_of,
        known_at=known_at,
    )


def replay_balances(
    app: Application[UUID], as_of: dt.date | None = None, *, known_at: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Every fund's posted, pending and available balance (fen) rebuilt from the events."""
    return replay_ledger(app, as_of, known_at=known_at).funds


def debits_equal_credits(totals: Mapping[str, int]) -> bool:
    return (
        totals["posted_debits"] == totals["posted_credits"]
        and totals["pending_debits"] == totals["pending_credits"]
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    """A time without an offset is taken as UTC, the offset events are recorded in."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
