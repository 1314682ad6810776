"""The Account aggregate: a fund, external or beneficiary account, its opening, and its
hash-chained entries, one per side of each transfer it takes part in."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TypedDict, TypeVar, Unpack
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.ledger.balances import DatedAvailable, SideTotals
from domain.ledger.errors import InsufficientFundsError
from domain.ledger.hashing import account_opening_hash, ledger_entry_hash
from domain.ledger.vocabulary import (
    SETTLING_PHASES,
    AccountKind,
    EntryPhase,
    FundSource,
    Programme,
    Side,
)
from domain.money import yuan_from_fen
from domain.values import parse_region_code


class AccountOpening(TypedDict):
    """What an account is opened as; its opening hash covers all of it and the account's id."""

    kind: AccountKind
    name: str
    source: FundSource | None
    programme: Programme | None
    region_code: str | None
    family_id: UUID | None


class Account(NuanxinAggregate, SideTotals, DatedAvailable):
    """A fund, external or beneficiary account: its opening, then one entry per side of each
    transfer it takes part in, hash-chained from the opening on."""

    # Stored events and snapshots name their class by topic ("domain.ledger:Account.Opened"),
    # and subscriptions filter on it: the topic keeps the module this class was first in.
    __module__ = "domain.ledger"

    class_version = 2
    """Version 2 keeps `available_by_date`, which snapshots of version 1 lack."""

    @staticmethod
    def upcast_v1_v2(state: dict[str, object]) -> None:
        """A snapshot taken before dates were kept: its history counts as of one date before
        any, which still holds every later debit to the account's balance now, as before."""
        available = _int(state["posted_credits"]) - _int(state["posted_debits"])
        available -= _int(state["pending_debits"])
        state["available_by_date"] = {dt.date.min.isoformat(): [available, available]}

    @staticmethod
    def external_id(name: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/nuanxin/ledger/external/{name.strip()}")

    @staticmethod
    def beneficiary_id(family_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"/nuanxin/ledger/beneficiary/{family_id}")

    @classmethod
    def open_fund(
        cls,
        fund_id: UUID,
        *,
        name: str,
        source: FundSource | str,
        programme: Programme | str,
        region_code: str,
    ) -> Account:
        return cls._opened_as(
            fund_id,
            kind=AccountKind.FUND,
            name=_check_name(name),
            source=_parse(FundSource, source, field="source"),
            programme=_parse(Programme, programme, field="programme"),
            region_code=parse_region_code(region_code),
            family_id=None,
        )

    @classmethod
    def open_external(cls, name: str) -> Account:
        """Donors, the treasury, insurers: opened on first use under an id derived from the
        name, so that two requests naming the same payer reach the same account."""
        name = _check_name(name, field="payer")
        return cls._opened_as(
            cls.external_id(name),
            kind=AccountKind.EXTERNAL,
            name=name,
            source=None,
            programme=None,
            region_code=None,
            family_id=None,
        )

    @classmethod
    def open_beneficiary(cls, family_id: UUID) -> Account:
        return cls._opened_as(
            cls.beneficiary_id(family_id),
            kind=AccountKind.BENEFICIARY,
            # The ledger names a family by its id only: no personal data in the ledger.
            name=f"family {family_id}",
            source=None,
            programme=None,
            region_code=None,
            family_id=family_id,
        )

    @classmethod
    def _opened_as(cls, account_id: UUID, **opening: Unpack[AccountOpening]) -> Account:
        """The opening carries the hash of its fields, which starts the account's chain."""
        return cls(
            id=account_id,
            **opening,
            opening_hash=account_opening_hash(account_id=account_id, **opening),
        )

    @event("Opened")
    def __init__(
        self,
        id: UUID,
        kind: AccountKind,
        name: str,
        source: FundSource | None,
        programme: Programme | None,
        region_code: str | None,
        family_id: UUID | None,
        opening_hash: str,
    ) -> None:
        self.kind = AccountKind(kind)
        self.name = name
        self.source = None if source is None else FundSource(source)
        self.programme = None if programme is None else Programme(programme)
        self.region_code = region_code
        self.family_id = family_id
        self.posted_debits = 0
        self.posted_credits = 0
        self.pending_debits = 0
        self.pending_credits = 0
        self.available_by_date = {}
        self.last_hash = opening_hash

    @property
    def may_go_negative(self) -> bool:
        return self.kind == AccountKind.EXTERNAL

    def check_can_pay(self, amount_fen: int, occurred_on: dt.date | str) -> None:
        """A debit dated `occurred_on` must leave the account non-negative as of that date and
        as of every later date, not only today: a backdated debit would otherwise overdraw the
        days before the money came in."""
        if self.may_go_negative:
            return
        lowest, lowest_on = self.lowest_available_from(occurred_on)
        if amount_fen > lowest:
            # The date is named when what binds is not what the account has available now.
            as_of = lowest_on if lowest < self.available else None
            raise InsufficientFundsError(self.id, self.name, lowest, amount_fen, as_of=as_of)

    def enter(
        self,
        side: Side,
        *,
        transfer_id: UUID,
        counterparty_id: UUID,
        amount_fen: int,
        occurred_on: dt.date,
        transfer_digest: str,
        phase: EntryPhase = EntryPhase.POSTED,
        region_code: str | None = None,
    ) -> None:
        """One side of a transfer; `transfer_digest` is the transfer's `terms_digest()`,
        `region_code` the region the entry counts in (`the_region_a_leg_counts_in`). Only a
        debit spends, so only a debit is checked against what is available; settling a
        reservation needs no funds check, since they were checked when it was made (and a
        reservation is settled on or after its own date, so it only ever raises `available`
        as of a date)."""
        _check_amount(amount_fen)
        if phase in SETTLING_PHASES:
            pending_fen = self.pending_debits if side == Side.DEBIT else self.pending_credits
            self._check_pending(side, pending_fen, amount_fen)
        elif side == Side.DEBIT:
            self.check_can_pay(amount_fen, occurred_on)
        # The hash is computed before the event exists, on the version the event will get.
        entry_hash = ledger_entry_hash(
            account_id=self.id,
            version=self.version + 1,
            transfer_id=transfer_id,
            side=side,
            phase=phase,
            amount_fen=amount_fen,
            occurred_on=occurred_on,
            counterparty_id=counterparty_id,
            transfer_digest=transfer_digest,
            previous_hash=self.last_hash,
        )
        self._entry_recorded(
            transfer_id=transfer_id,
            counterparty_id=counterparty_id,
            side=side,
            phase=phase,
            amount_fen=amount_fen,
            occurred_on=occurred_on,
            transfer_digest=transfer_digest,
            previous_hash=self.last_hash,
            entry_hash=entry_hash,
            region_code=region_code,
        )

    def _check_pending(self, side: Side, pending_fen: int, amount_fen: int) -> None:
        """Settling more than is pending would leave a negative pending total."""
        if amount_fen > pending_fen:
            raise RuleViolatedError(
                f"account {self.id} has only {yuan_from_fen(pending_fen)} of pending {side}s, "
                f"less than the {yuan_from_fen(amount_fen)} to settle"
            )

    @event("EntryRecorded")
    def _entry_recorded(
        self,
        transfer_id: UUID,
        counterparty_id: UUID,
        side: Side,
        phase: EntryPhase,
        amount_fen: int,
        occurred_on: dt.date,
        transfer_digest: str,
        previous_hash: str,
        entry_hash: str,
        # Where the entry counts, for the region's journal; absent from entries recorded
        # before it was recorded. Under the event chain like every field, not under the
        # ledger's own entry hash, which keeps the form auditors' verifiers recompute.
        region_code: str | None = None,
    ) -> None:
        self.add_entry(Side(side), EntryPhase(phase), amount_fen)
        self.add_dated_entry(Side(side), EntryPhase(phase), amount_fen, occurred_on)
        self.last_hash = entry_hash


def _check_amount(amount_fen: int) -> None:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise InvalidValueError("an amount must be a positive whole number of fen", field="amount")


def _check_name(name: str, *, field: str = "name") -> str:
    if not name.strip():
        raise InvalidValueError(f"{field} must not be empty", field=field)
    return name.strip()


def _int(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"expected a whole number of fen, not {value!r}")
    return value


_E = TypeVar("_E", bound=StrEnum)


def _parse(vocabulary: type[_E], value: str, *, field: str) -> _E:
    try:
        return vocabulary(value)
    except ValueError:
        raise InvalidValueError(
            f"{field} is one of: {', '.join(vocabulary)}", field=field
        ) from None
