"""The double-entry fund ledger: accounts, transfers between them, and the rules that guard both.

Every transfer is one debit entry on the account money leaves and one credit entry, of the same
amount and phase, on the account it reaches; so total debits equal total credits after every
transfer. The application saves both accounts and the transfer in one atomic save.

Each account's hash chain starts from a hash of its opening (its id, kind, name, source,
programme, region and family), and each entry is an event of its account carrying a hash over
its own fields, the digest of its transfer's terms (kind, accounts, amount, memo, date, cause)
and the hash of the account's previous entry (or of the opening). So a changed, inserted or
deleted entry breaks the chain, and so does a change to an opening or to a transfer's terms.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TypedDict, TypeVar, Unpack
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.hashing import sha256_of_canonical_json
from domain.money import yuan_from_fen
from domain.values import parse_region_code, region_scope

Cause = dict[str, str]
"""What a transfer was made for, for the journal's link: {"type": "receipt" | "allocation" |
"service" | "claim" | "policy", "id": ...} plus whatever else names it (a receipt's reference)."""


class FundSource(StrEnum):
    PROVINCIAL_BUDGET = "provincial_budget"
    NATIONAL_PROJECT = "national_project"
    FOUNDATION_DONATION = "foundation_donation"
    FERTILITY_CARE_FUND = "fertility_care_fund"
    LOCAL_MATCHING = "local_matching"


class Programme(StrEnum):
    WARM_HEART = "warm_heart"
    NURSING_SUBSIDY = "nursing_subsidy"
    ACCIDENT_INSURANCE = "accident_insurance"
    EDUCATION_AID = "education_aid"
    HARDSHIP_GRANT = "hardship_grant"
    OTHER = "other"


class AccountKind(StrEnum):
    FUND = "fund"
    EXTERNAL = "external"
    BENEFICIARY = "beneficiary"


class TransferKind(StrEnum):
    RECEIPT = "receipt"
    ALLOCATION = "allocation"
    SERVICE_PAYMENT = "service_payment"
    CLAIM_PAYMENT = "claim_payment"
    PREMIUM = "premium"
    INSURER_PAYMENT = "insurer_payment"
    REVERSAL = "reversal"


class TransferState(StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    VOIDED = "voided"


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class EntryPhase(StrEnum):
    """How an entry changes its account: `posted` moves money at once, `pending` reserves it,
    `post_pending` turns a reservation into a posted amount, `void_pending` releases it."""

    POSTED = "posted"
    PENDING = "pending"
    POST_PENDING = "post_pending"
    VOID_PENDING = "void_pending"


# How much each phase adds to the posted and to the pending total of the entry's side.
PHASE_EFFECT: dict[EntryPhase, tuple[int, int]] = {
    EntryPhase.POSTED: (1, 0),
    EntryPhase.PENDING: (0, 1),
    EntryPhase.POST_PENDING: (1, -1),
    EntryPhase.VOID_PENDING: (0, -1),
}
_SETTLING_PHASES = frozenset({EntryPhase.POST_PENDING, EntryPhase.VOID_PENDING})

# The accounts each kind of transfer may connect. Beneficiary accounts appear only as the
# receiving side: money leaves a family's account only when a payment to it is reversed.
TRANSFER_ROUTES: dict[TransferKind, tuple[AccountKind, AccountKind]] = {
    TransferKind.RECEIPT: (AccountKind.EXTERNAL, AccountKind.FUND),
    TransferKind.ALLOCATION: (AccountKind.FUND, AccountKind.FUND),
    TransferKind.SERVICE_PAYMENT: (AccountKind.FUND, AccountKind.BENEFICIARY),
    TransferKind.CLAIM_PAYMENT: (AccountKind.FUND, AccountKind.BENEFICIARY),
    # An insurance premium leaves a fund for the insurer; the insurer pays claims on it
    # straight to the family, and the ledger records both.
    TransferKind.PREMIUM: (AccountKind.FUND, AccountKind.EXTERNAL),
    TransferKind.INSURER_PAYMENT: (AccountKind.EXTERNAL, AccountKind.BENEFICIARY),
}


# -- errors ---------------------------------------------------------------------------------


class InsufficientFundsError(RuleViolatedError):
    """`as_of` names the business date whose balance binds, when it is not the account's
    balance now: a backdated debit must leave every later date non-negative too."""

    def __init__(
        self,
        account_id: UUID,
        account_name: str,
        available_fen: int,
        asked_fen: int,
        *,
        as_of: str | None = None,
    ) -> None:
        when = f" as of {as_of}" if as_of is not None else ""
        super().__init__(
            f"account {account_id} ({account_name}) has {yuan_from_fen(available_fen)} "
            f"available{when}, less than the {yuan_from_fen(asked_fen)} asked"
        )
        self.account_id = account_id
        self.available_fen = available_fen
        self.asked_fen = asked_fen
        self.as_of = as_of


class RingFenceViolatedError(RuleViolatedError):
    """Ring-fencing (专款专用): fund money stays in its source and programme and flows down."""


class AccountKindMismatchError(RuleViolatedError):
    """Receipts come from outside into a fund, allocations go between funds, payments go from a
    fund to a family; nothing else moves money."""


class TransferNotPendingError(RuleViolatedError):
    def __init__(self, transfer_id: UUID, state: TransferState) -> None:
        super().__init__(f"transfer {transfer_id} is {state}, not pending; it is settled once")
        self.transfer_id = transfer_id
        self.state = state


class TransferNotReversibleError(RuleViolatedError):
    """Only a posted transfer that is not itself a reversal is reversed, and only once."""


# -- the hash chain -------------------------------------------------------------------------


def ledger_entry_hash(
    *,
    account_id: UUID | str,
    version: int,
    transfer_id: UUID | str,
    side: Side | str,
    phase: EntryPhase | str,
    amount_fen: int,
    occurred_on: dt.date | str,
    counterparty_id: UUID | str,
    transfer_digest: str,
    previous_hash: str,
) -> str:
    """The sha256 (hex) of one entry. Accepts ids and dates as objects or as the strings an
    exported bundle holds, and normalises both, so an offline verifier gets the same hash."""
    canonical = {
        "account_id": str(UUID(str(account_id))),
        "version": version,
        "transfer_id": str(UUID(str(transfer_id))),
        "side": Side(side).value,
        "phase": EntryPhase(phase).value,
        "amount_fen": amount_fen,
        "occurred_on": dt.date.fromisoformat(str(occurred_on)).isoformat(),
        "counterparty_id": str(UUID(str(counterparty_id))),
        "transfer_digest": transfer_digest,
        "previous_hash": previous_hash,
    }
    return sha256_of_canonical_json(canonical)


def account_opening_hash(
    *,
    account_id: UUID | str,
    kind: AccountKind | str,
    name: str,
    source: FundSource | str | None,
    programme: Programme | str | None,
    region_code: str | None,
    family_id: UUID | str | None,
) -> str:
    """The sha256 (hex) of an account's opening, which its first entry chains to: an opening
    changed, or swapped with another account's, no longer hashes to it. Normalised as
    `ledger_entry_hash` is."""
    canonical = {
        "account_id": str(UUID(str(account_id))),
        "kind": AccountKind(kind).value,
        "name": name,
        "source": None if source is None else FundSource(source).value,
        "programme": None if programme is None else Programme(programme).value,
        "region_code": region_code,
        "family_id": None if family_id is None else str(UUID(str(family_id))),
    }
    return sha256_of_canonical_json(canonical)


def transfer_terms_digest(
    *,
    kind: TransferKind | str,
    from_account_id: UUID | str,
    to_account_id: UUID | str,
    amount_fen: int,
    memo: str,
    occurred_on: dt.date | str,
    cause: Cause,
    reverses: UUID | str | None,
) -> str:
    """The sha256 (hex) of what a transfer was recorded as, which both of its accounts' entries
    carry in their hashes: a transfer's memo or cause changed after the fact no longer matches
    its entries. Normalised as `ledger_entry_hash` is; the memo and the cause are taken as
    they are, so that a change of type changes the digest too."""
    canonical = {
        "kind": TransferKind(kind).value,
        "from_account_id": str(UUID(str(from_account_id))),
        "to_account_id": str(UUID(str(to_account_id))),
        "amount_fen": amount_fen,
        "memo": memo,
        "occurred_on": dt.date.fromisoformat(str(occurred_on)).isoformat(),
        "cause": cause,
        "reverses": None if reverses is None else str(UUID(str(reverses))),
    }
    return sha256_of_canonical_json(canonical)


# -- accounts -------------------------------------------------------------------------------


class AccountOpening(TypedDict):
    """What an account is opened as; its opening hash covers all of it and the account's id."""

    kind: AccountKind
    name: str
    source: FundSource | None
    programme: Programme | None
    region_code: str | None
    family_id: UUID | None


class SideTotals:
    """An account's totals kept per side, as TigerBeetle does, so that the double-entry
    invariant (all debits equal all credits) can be checked by summing them. Shared by the
    Account aggregate and by an auditor recomputing balances from the stored events, so that
    the two cannot count an entry differently."""

    posted_debits: int
    posted_credits: int
    pending_debits: int
    pending_credits: int

    def add_entry(self, side: Side, phase: EntryPhase, amount_fen: int) -> None:
        posted_sign, pending_sign = PHASE_EFFECT[phase]
        if side == Side.DEBIT:
            self.posted_debits += posted_sign * amount_fen
            self.pending_debits += pending_sign * amount_fen
        else:
            self.posted_credits += posted_sign * amount_fen
            self.pending_credits += pending_sign * amount_fen

    @property
    def posted(self) -> int:
        """As a fund sees it: money in is a credit, so the balance is credits less debits."""
        return self.posted_credits - self.posted_debits

    @property
    def pending(self) -> int:
        return self.pending_credits - self.pending_debits

    @property
    def available(self) -> int:
        """Reserved debits count against what can be spent; reserved credits do not count
        until posted, since they may yet be voided."""
        return self.posted - self.pending_debits


def available_change(side: Side, phase: EntryPhase, amount_fen: int) -> int:
    """How an entry changes its account's `available`: a posted or reserved debit lowers it, a
    voided reservation gives it back, posting a reservation leaves it (the reservation already
    counted); a credit raises it once posted, not while pending."""
    posted_sign, pending_sign = PHASE_EFFECT[phase]
    if side == Side.DEBIT:
        return -(posted_sign + pending_sign) * amount_fen
    return posted_sign * amount_fen


class DatedAvailable:
    """An account's `available` per business date, so that a backdated debit is held to every
    date from its own on: the balances and the journal are read as of a date, and no fund may
    show a negative amount as of any date, nor at any posting of its journal (which runs in
    date order, then in the order entries were recorded).

    Per date (an ISO string, so that a snapshot keeps it as it is): the net change the day's
    entries make to `available`, and the lowest running change after each of them in the order
    they were recorded. A new entry dated D comes after every entry already dated D. Shared by
    the Account aggregate and by an auditor, so that the two cannot judge a date differently."""

    available_by_date: dict[str, list[int]]

    def add_dated_entry(
        self, side: Side, phase: EntryPhase, amount_fen: int, occurred_on: dt.date | str
    ) -> None:
        change = available_change(side, phase, amount_fen)
        day = _iso_day(occurred_on)
        totals = self.available_by_date.get(day)
        if totals is None:
            self.available_by_date[day] = [change, change]
        else:
            totals[0] += change
            totals[1] = min(totals[1], totals[0])

    def lowest_available_from(self, occurred_on: dt.date | str) -> tuple[int, str]:
        """The least the account has available, from the end of `occurred_on` on, and the date
        it is at: what a debit dated `occurred_on` may take at most. O(number of dates)."""
        day = _iso_day(occurred_on)
        running = 0
        lowest: int | None = None
        lowest_on = day
        for date in sorted(self.available_by_date):
            net, low = self.available_by_date[date]
            if date > day:
                if lowest is None:
                    lowest = running  # as of `occurred_on`: every entry up to its end
                if running + low < lowest:
                    lowest, lowest_on = running + low, date
            running += net
        if lowest is None:
            lowest = running
        return lowest, lowest_on


class Account(NuanxinAggregate, SideTotals, DatedAvailable):
    """A fund, external or beneficiary account: its opening, then one entry per side of each
    transfer it takes part in, hash-chained from the opening on."""

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
    ) -> None:
        """One side of a transfer; `transfer_digest` is the transfer's `terms_digest()`. Only a
        debit spends, so only a debit is checked against what is available; settling a
        reservation needs no funds check, since they were checked when it was made (and a
        reservation is settled on or after its own date, so it only ever raises `available`
        as of a date)."""
        _check_amount(amount_fen)
        if phase in _SETTLING_PHASES:
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
        )

    def _check_pending(self, side: Side, pending_fen: int, amount_fen: int) -> None:
        """Settling more than is reserved would leave a negative pending total."""
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
    ) -> None:
        self.add_entry(Side(side), EntryPhase(phase), amount_fen)
        self.add_dated_entry(Side(side), EntryPhase(phase), amount_fen, occurred_on)
        self.last_hash = entry_hash


# -- transfers ------------------------------------------------------------------------------


class Transfer(NuanxinAggregate):
    """Made only through the functions below, which enter both of its sides on the accounts."""

    @staticmethod
    def id_for(scope: str, idempotency_key: str | None) -> UUID:
        """A retried request carries the same key and so names the same transfer, which the
        event store then refuses to record twice."""
        if idempotency_key is None:
            return uuid4()
        return uuid5(NAMESPACE_URL, f"/nuanxin/transfers/{scope}/{idempotency_key}")

    @staticmethod
    def reversal_id(original_id: UUID) -> UUID:
        """One possible id per original, so that two concurrent reversals conflict on save."""
        return uuid5(NAMESPACE_URL, f"/nuanxin/transfers/reversal/{original_id}")

    @event("Recorded")
    def __init__(
        self,
        id: UUID,
        kind: TransferKind,
        from_account_id: UUID,
        to_account_id: UUID,
        amount_fen: int,
        memo: str,
        occurred_on: dt.date,
        cause: Cause,
        state: TransferState,
        reverses: UUID | None,
    ) -> None:
        self.kind = TransferKind(kind)
        self.from_account_id = from_account_id
        self.to_account_id = to_account_id
        self.amount_fen = amount_fen
        self.memo = memo
        self.occurred_on = occurred_on
        self.cause = dict(cause)
        self.state = TransferState(state)
        self.posted_on = occurred_on if self.state == TransferState.POSTED else None
        self.voided_on: dt.date | None = None
        self.void_reason: str | None = None
        self.reverses = reverses
        self.reversed_by: UUID | None = None

    def terms_digest(self) -> str:
        """The digest of what the transfer was recorded as, which its entries carry."""
        return transfer_terms_digest(
            kind=self.kind,
            from_account_id=self.from_account_id,
            to_account_id=self.to_account_id,
            amount_fen=self.amount_fen,
            memo=self.memo,
            occurred_on=self.occurred_on,
            cause=self.cause,
            reverses=self.reverses,
        )

    def check_pending(self) -> None:
        if self.state != TransferState.PENDING:
            raise TransferNotPendingError(self.id, self.state)

    def post(self, posted_on: dt.date) -> None:
        self.check_pending()
        _check_not_before(posted_on, self.occurred_on, field="posted_on")
        self._posted(posted_on=posted_on)

    @event("Posted")
    def _posted(self, posted_on: dt.date) -> None:
        self.state = TransferState.POSTED
        self.posted_on = posted_on

    def void(self, voided_on: dt.date, reason: str) -> None:
        self.check_pending()
        _check_not_before(voided_on, self.occurred_on, field="voided_on")
        if not reason.strip():
            raise InvalidValueError("a void needs a reason", field="reason")
        self._voided(voided_on=voided_on, reason=reason)

    @event("Voided")
    def _voided(self, voided_on: dt.date, reason: str) -> None:
        self.state = TransferState.VOIDED
        self.voided_on = voided_on
        self.void_reason = reason

    def mark_reversed(self, reversal_id: UUID, reversed_on: dt.date) -> None:
        posted_on = self.posted_on
        if self.state != TransferState.POSTED or posted_on is None:
            hint = "; void it instead" if self.state == TransferState.PENDING else ""
            raise TransferNotReversibleError(
                f"transfer {self.id} is {self.state}; only a posted transfer is reversed{hint}"
            )
        if self.kind == TransferKind.REVERSAL:
            # Reversing a reversal would loop; a fresh transfer says what is meant.
            raise TransferNotReversibleError(
                f"transfer {self.id} is itself a reversal; record a new transfer instead"
            )
        if self.reversed_by is not None:
            raise TransferNotReversibleError(
                f"transfer {self.id} is already reversed by transfer {self.reversed_by}"
            )
        _check_not_before(reversed_on, posted_on, field="reversed_on")
        self._reversed(reversal_id=reversal_id, reversed_on=reversed_on)

    @event("Reversed")
    def _reversed(self, reversal_id: UUID, reversed_on: dt.date) -> None:
        self.reversed_by = reversal_id


# -- rules ----------------------------------------------------------------------------------


def transfer_connects_the_right_kinds_of_account(
    kind: TransferKind, from_account: Account, to_account: Account
) -> None:
    expected_from, expected_to = TRANSFER_ROUTES[kind]
    if from_account.kind != expected_from or to_account.kind != expected_to:
        raise AccountKindMismatchError(
            f"a {kind} goes from a {expected_from} account to a {expected_to} account, "
            f"not from a {from_account.kind} account to a {to_account.kind} account"
        )


def allocation_stays_within_source_and_programme(
    from_account: Account, to_account: Account
) -> None:
    if (from_account.source, from_account.programme) != (to_account.source, to_account.programme):
        raise RingFenceViolatedError(
            f"money of {from_account.source} for {from_account.programme} cannot go to a fund "
            f"of {to_account.source} for {to_account.programme}: "
            "ring-fenced money stays in its source and programme"
        )


def allocation_goes_down_to_a_sub_region(from_account: Account, to_account: Account) -> None:
    """Strictly down: a move within one region would shift money between two of its funds (two
    donors' projects, say) with no allocation decision behind it, and a move sideways or up
    takes money from the region it was given to. Money goes back up only by reversing the
    allocation that brought it, which stays linked to it."""
    to_region = to_account.region_code or ""
    if to_region == from_account.region_code or not to_region.startswith(
        region_scope(from_account.region_code)
    ):
        raise RingFenceViolatedError(
            f"money of region {from_account.region_code} goes only to its sub-regions, "
            f"not to {to_region}"
        )


# -- the operations the application saves atomically ------------------------------------------
# Each changes the transfer and both accounts in memory; the caller saves all three in one save,
# so that either both entries and the transfer are recorded, or none of them.


class NewTransfer(TypedDict):
    """What a caller gives of a new transfer, besides the two accounts it connects."""

    transfer_id: UUID
    kind: TransferKind
    amount_fen: int
    memo: str
    occurred_on: dt.date
    cause: Cause


def record_transfer(
    from_account: Account, to_account: Account, **new: Unpack[NewTransfer]
) -> Transfer:
    """A single-phase transfer: posted at once."""
    return _open(from_account, to_account, TransferState.POSTED, **new)


def open_pending_transfer(
    from_account: Account, to_account: Account, **new: Unpack[NewTransfer]
) -> Transfer:
    """Reserves the amount on `from_account`, reducing what it has available, until the
    transfer is posted or voided."""
    return _open(from_account, to_account, TransferState.PENDING, **new)


def post_pending_transfer(
    transfer: Transfer, from_account: Account, to_account: Account, *, posted_on: dt.date
) -> None:
    _check_accounts(transfer, from_account, to_account)
    transfer.post(posted_on)
    _enter_both(transfer, from_account, to_account, posted_on, EntryPhase.POST_PENDING)


def void_pending_transfer(
    transfer: Transfer,
    from_account: Account,
    to_account: Account,
    *,
    voided_on: dt.date,
    reason: str,
) -> None:
    _check_accounts(transfer, from_account, to_account)
    transfer.void(voided_on, reason)
    _enter_both(transfer, from_account, to_account, voided_on, EntryPhase.VOID_PENDING)


def reverse_transfer(
    original: Transfer,
    from_account: Account,
    to_account: Account,
    *,
    memo: str,
    reversed_on: dt.date,
    cause: Cause | None = None,
) -> Transfer:
    """A new transfer, linked to `original`, moving its amount back: `from_account` is the
    original's receiving account and `to_account` its paying one. Ring-fencing does not apply,
    since the money returns exactly where it came from; the funds check does, so an allocation
    already spent below cannot be taken back. The cause defaults to the original's."""
    if from_account.id != original.to_account_id or to_account.id != original.from_account_id:
        raise ValueError(f"a reversal of transfer {original.id} runs between its own accounts")
    reversal_id = Transfer.reversal_id(original.id)
    original.mark_reversed(reversal_id, reversed_on)
    reversal = Transfer(
        id=reversal_id,
        kind=TransferKind.REVERSAL,
        from_account_id=from_account.id,
        to_account_id=to_account.id,
        amount_fen=original.amount_fen,
        memo=memo,
        occurred_on=reversed_on,
        cause=original.cause if cause is None else cause,
        state=TransferState.POSTED,
        reverses=original.id,
    )
    _enter_both(reversal, from_account, to_account, reversed_on, EntryPhase.POSTED)
    return reversal


def _open(
    from_account: Account,
    to_account: Account,
    state: TransferState,
    *,
    transfer_id: UUID,
    kind: TransferKind,
    amount_fen: int,
    memo: str,
    occurred_on: dt.date,
    cause: Cause,
) -> Transfer:
    kind = TransferKind(kind)
    if kind == TransferKind.REVERSAL:
        raise ValueError("a reversal is made by reverse_transfer, which links it to its original")
    transfer_connects_the_right_kinds_of_account(kind, from_account, to_account)
    if kind == TransferKind.ALLOCATION:
        allocation_stays_within_source_and_programme(from_account, to_account)
        allocation_goes_down_to_a_sub_region(from_account, to_account)
    # Made before its entries, which carry the digest of its terms; if an entry is refused,
    # the caller saves nothing, so neither is the transfer recorded.
    transfer = Transfer(
        id=transfer_id,
        kind=kind,
        from_account_id=from_account.id,
        to_account_id=to_account.id,
        amount_fen=amount_fen,
        memo=memo,
        occurred_on=occurred_on,
        cause=cause,
        state=state,
        reverses=None,
    )
    phase = EntryPhase.PENDING if state == TransferState.PENDING else EntryPhase.POSTED
    _enter_both(transfer, from_account, to_account, occurred_on, phase)
    return transfer


def _enter_both(
    transfer: Transfer,
    from_account: Account,
    to_account: Account,
    occurred_on: dt.date,
    phase: EntryPhase,
) -> None:
    """The transfer's debit and credit entries of `phase`, dated `occurred_on`."""
    transfer_digest = transfer.terms_digest()
    # The debit first: if it overdraws, the refusal comes before anything is entered.
    for account, side, counterparty in (
        (from_account, Side.DEBIT, to_account),
        (to_account, Side.CREDIT, from_account),
    ):
        account.enter(
            side,
            transfer_id=transfer.id,
            counterparty_id=counterparty.id,
            amount_fen=transfer.amount_fen,
            occurred_on=occurred_on,
            transfer_digest=transfer_digest,
            phase=phase,
        )


def _check_accounts(transfer: Transfer, from_account: Account, to_account: Account) -> None:
    # A mismatch is the caller's mistake, not a refusal the user could act on.
    if (from_account.id, to_account.id) != (transfer.from_account_id, transfer.to_account_id):
        raise ValueError(f"transfer {transfer.id} runs between other accounts")


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


def _iso_day(day: dt.date | str) -> str:
    return dt.date.fromisoformat(str(day)).isoformat()


def _check_not_before(day: dt.date, earliest: dt.date, *, field: str) -> None:
    if day < earliest:
        raise InvalidValueError(f"{field} cannot be before {earliest}", field=field)


_E = TypeVar("_E", bound=StrEnum)


def _parse(vocabulary: type[_E], value: str, *, field: str) -> _E:
    try:
        return vocabulary(value)
    except ValueError:
        raise InvalidValueError(
            f"{field} is one of: {', '.join(vocabulary)}", field=field
        ) from None
