"""The auditor's tools over the stored fund ledger: verify, seal, export, verify offline, replay.

Everything here reads the application's event log itself, never a projection: a check that
trusted a view would only check the view. One checker (`LedgerChecker`) runs over plain event
records, whether they come from the store (decrypted by the application's mapper) or from an
exported bundle (JSON, no key needed), so the online and the offline verifier are the same code.

What verification recomputes, per DESIGN.md section 4:
- every stored row decodes (AES-GCM refuses a changed byte);
- each account's and transfer's versions run 1..n without gaps or repeats;
- each entry's hash recomputes from its own fields, the account it is stored under and its
  version, and chains to the entry before it (a row copied in from another account or another
  version fails here, though it decrypts: the cipher does not bind a row to its place);
- every entry a transfer implies is on both of its accounts and every entry belongs to a
  transfer that implies it (this finds the deletion of an account's last row, which leaves no gap);
- accounts that may not go negative never do; total debits equal total credits;
- every seal's root hash recomputes at its position and the seals form one chain;
- every stored snapshot of an account holds what the account's events give at its version
  (the application loads accounts from snapshots; a bundle has none, its events suffice);
- optionally, the posted balance of every projected fund equals the one the events give.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from eventsourcing.persistence import MapperDeserialisationError, Notification
from eventsourcing.utils import get_topic

from application.base import CommandResult, Decision, NuanxinBase
from application.errors import ConcurrencyError
from application.principal import Principal
from domain.errors import RuleViolatedError
from domain.ledger import (
    _PHASE_EFFECT,  # the domain's own table: replay and the aggregate cannot disagree
    _ROUTES,  # the kinds of account each kind of transfer connects, as the domain enforces
    GENESIS_HASH,
    Account,
    AccountKind,
    EntryPhase,
    Side,
    Transfer,
    TransferKind,
    TransferState,
    ledger_entry_hash,
)
from domain.money import yuan_from_fen
from domain.seal import GENESIS_SEAL_HASH, LedgerSeal, ledger_root_hash, seal_chain_hash
from domain.values import Role

PAGE_SIZE = 1000
"""Notifications read per query: large pages keep a full pass fast, small ones keep memory low."""

BUNDLE_FORMAT = "nuanxin-ledger-bundle"
BUNDLE_FORMAT_VERSION = 1

Progress = Callable[[int, int], None]
"""Told (position reached, last position to read) after each page."""


def _topic(aggregate_class: type[Any], event_name: str) -> str:
    # The library defines the event classes at run time, so they are looked up by name.
    return get_topic(getattr(aggregate_class, event_name))


ACCOUNT_OPENED = _topic(Account, "Opened")
ENTRY_RECORDED = _topic(Account, "EntryRecorded")
TRANSFER_RECORDED = _topic(Transfer, "Recorded")
TRANSFER_POSTED = _topic(Transfer, "Posted")
TRANSFER_VOIDED = _topic(Transfer, "Voided")
TRANSFER_REVERSED = _topic(Transfer, "Reversed")
SEAL_SEALED = _topic(LedgerSeal, "Sealed")

ACCOUNT_TOPICS = (ACCOUNT_OPENED, ENTRY_RECORDED)
TRANSFER_TOPICS = (TRANSFER_RECORDED, TRANSFER_POSTED, TRANSFER_VOIDED, TRANSFER_REVERSED)
LEDGER_TOPICS = ACCOUNT_TOPICS + TRANSFER_TOPICS
SEAL_TOPICS = (SEAL_SEALED,)

_UNREADABLE_HASH = "unreadable"
"""An account head whose last row could not be read: it matches no sealed hash."""


class ProblemKind(StrEnum):
    CHANGED = "changed"
    INSERTED = "inserted"
    DELETED = "deleted"
    OVERDRAWN = "overdrawn"
    UNBALANCED = "unbalanced"
    BALANCE_MISMATCH = "balance_mismatch"
    SEAL_MISMATCH = "seal_mismatch"
    SEAL_CHAIN = "seal_chain"


class AggregateKind(StrEnum):
    ACCOUNT = "account"
    TRANSFER = "transfer"
    SEAL = "seal"
    SNAPSHOT = "snapshot"
    LEDGER = "ledger"


# -- records and reports ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One stored ledger event as plain JSON values: ids and dates as strings, money as
    integer fen. `state` is None when the stored row could not be decoded."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: dict[str, Any] | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "position": self.position,
            "originator_id": self.originator_id,
            "originator_version": self.originator_version,
            "topic": self.topic,
            "state": self.state,
        }
        if self.error is not None:
            body["error"] = self.error
        return body

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EventRecord:
        """Raises ValueError (or KeyError, TypeError) when `data` is not a record."""
        position = _whole_number(data["position"])
        version = _whole_number(data["originator_version"])
        state = data["state"]
        topic = data["topic"]
        error = data.get("error")
        if not isinstance(topic, str) or not (state is None or isinstance(state, dict)):
            raise ValueError("topic is text and state an object or null")
        return cls(
            position=position,
            originator_id=str(UUID(str(data["originator_id"]))),
            originator_version=version,
            topic=topic,
            state=state,
            error=None if error is None else str(error),
        )


@dataclass(frozen=True, slots=True)
class Problem:
    aggregate: AggregateKind
    account_id: str | None
    version: int | None
    problem: ProblemKind
    detail: str
    position: int
    """Where in the log the problem shows, which orders the report."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "version": self.version,
            "problem": self.problem.value,
            "detail": self.detail,
            "aggregate": self.aggregate.value,
            "position": self.position,
        }


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    problems: list[dict[str, Any]]
    position: int = 0
    """The last notification id the check covered."""
    seals: int = 0
    last_seal_hash: str | None = None
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The response body of DESIGN.md section 9."""
        return {"ok": self.ok, "checked": self.checked, "problems": self.problems}


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    events: int
    seals: int
    position: int
    sha256: str
    """Of the bundle file, for the exporter to send apart from the file itself."""
    seconds: float


@dataclass(frozen=True)
class LedgerReplay:
    as_of: dt.date | None
    known_at: dt.datetime | None
    funds: list[dict[str, Any]]
    """Per fund: fund_id, name, source, programme, region_code and the posted, pending
    (reserved for payments not yet posted) and available balances in fen."""
    totals: dict[str, int]
    """Over every account: posted and pending debits and credits, in fen."""


class BundleError(ValueError):
    """The file is not a ledger bundle that this verifier reads."""


class LedgerNotVerifiedError(RuleViolatedError):
    """A period is not closed over a ledger that fails verification: the seal would bless it."""


class LedgerUnreadableError(RuleViolatedError):
    """A stored ledger row cannot be read, so balances cannot be recomputed from the events."""


# -- balances -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Balance:
    """An account's totals per side, as the Account aggregate keeps them."""

    posted_debits: int = 0
    posted_credits: int = 0
    pending_debits: int = 0
    pending_credits: int = 0

    def enter(self, side: Side, phase: EntryPhase, amount_fen: int) -> None:
        posted_sign, pending_sign = _PHASE_EFFECT[phase]
        if side == Side.DEBIT:
            self.posted_debits += posted_sign * amount_fen
            self.pending_debits += pending_sign * amount_fen
        else:
            self.posted_credits += posted_sign * amount_fen
            self.pending_credits += pending_sign * amount_fen

    @property
    def posted(self) -> int:
        return self.posted_credits - self.posted_debits

    @property
    def reserved(self) -> int:
        """Debits pending: reserved for payments, not yet posted or voided."""
        return self.pending_debits

    @property
    def available(self) -> int:
        return self.posted - self.pending_debits


# -- the checker --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    """An entry as stored (with the account's version that holds it), or as a transfer
    implies it (with the version of the transfer's event that implies it)."""

    account_id: str
    side: Side
    phase: EntryPhase
    amount_fen: int
    occurred_on: str
    """The business date: the transfer's, or the date it was posted, voided or reversed."""
    position: int
    version: int

    @property
    def key(self) -> tuple[str, Side, EntryPhase, int, str]:
        return (self.account_id, self.side, self.phase, self.amount_fen, self.occurred_on)

    def describe(self, transfer_id: str) -> str:
        return (
            f"the {self.side} entry ({self.phase}, {yuan_from_fen(self.amount_fen)}, "
            f"{self.occurred_on}) of transfer {transfer_id}"
        )


@dataclass(slots=True)
class _Unmatched:
    """A transfer's entries not yet paired with the transfer events that imply them. The
    entries and the transfer of one save are adjacent in the log, so this stays small."""

    implied: list[_Entry] = field(default_factory=list)
    stored: list[_Entry] = field(default_factory=list)


@dataclass(slots=True)
class _Stream:
    """What the checker knows of one aggregate's rows so far."""

    aggregate_id: str
    last_version: int = 0
    troubled: bool = False
    """A row of it was changed, inserted or deleted: the checks that need its whole history
    (balances, matching entries) are skipped, since that problem is already reported."""
    link_unknown: bool = False
    """The row before could not be trusted, so the next row's link to it is not judged."""


@dataclass(slots=True)
class _AccountStream(_Stream):
    kind: AccountKind | None = None
    opening: dict[str, Any] | None = None
    last_hash: str = GENESIS_HASH
    balance: Balance = field(default_factory=Balance)
    overdrawn: bool = False


@dataclass(slots=True)
class _TransferStream(_Stream):
    kind: TransferKind | None = None
    from_account_id: str = ""
    to_account_id: str = ""
    amount_fen: int = 0
    reverses: str | None = None
    reversed_by: str | None = None
    position: int = 0


@dataclass(frozen=True, slots=True)
class _Suspect:
    """An entry whose hash or link does not check out; whether it was changed in place or
    inserted is decided at the end, when it is known which entries are missing."""

    account_id: str
    version: int
    position: int
    detail: str


@dataclass(frozen=True, slots=True)
class _Checkpoint:
    """An account as its events leave it at a version the application snapshots."""

    position: int
    state: dict[str, Any]
    troubled: bool


_OPENING_FIELDS = ("kind", "name", "source", "programme", "region_code", "family_id")
_BALANCE_FIELDS = ("posted_debits", "posted_credits", "pending_debits", "pending_credits")


@dataclass(frozen=True, slots=True)
class _DueSeal:
    seal_id: str
    sequence: int
    covers: int
    root_hash: str
    accounts: int
    position: int


class LedgerChecker:
    """Checks ledger event records fed in log order. The seals come first, at construction,
    so that the pass can recompute each one's root hash as it crosses the seal's position."""

    def __init__(
        self,
        seals: Iterable[EventRecord] = (),
        *,
        projected_posted: Mapping[UUID, int] | Mapping[str, int] | None = None,
        projected_at: int | None = None,
        snapshot_every: int | None = None,
    ) -> None:
        self.checked = 0
        self.position = 0
        self._accounts: dict[str, _AccountStream] = {}
        self._transfers: dict[str, _TransferStream] = {}
        self._unmatched: dict[str, _Unmatched] = {}
        self._suspects: list[_Suspect] = []
        self._problems: list[Problem] = []
        self._totals = Balance()
        self._projected = (
            {str(UUID(str(key))): value for key, value in projected_posted.items()}
            if projected_posted is not None
            else None
        )
        self._projected_at = projected_at
        self._snapshot_every = snapshot_every
        self._checkpoints: dict[tuple[str, int], _Checkpoint] = {}
        self.seal_count = 0
        self.last_seal_hash: str | None = None
        self._due_seals = self._check_seal_chain(sorted(seals, key=lambda r: r.position))
        self._finished = False

    # -- feeding ----------------------------------------------------------------------------

    def feed(self, record: EventRecord) -> None:
        self._cross(record.position - 1)
        self.checked += 1
        self.position = max(self.position, record.position)
        if record.topic in ACCOUNT_TOPICS:
            self._account_row(record)
        elif record.topic in TRANSFER_TOPICS:
            self._transfer_row(record)
        else:
            self._report(
                AggregateKind.LEDGER,
                record.originator_id,
                record.originator_version,
                ProblemKind.INSERTED,
                f"a row of topic {record.topic} is not a ledger event",
                record.position,
            )

    def feed_all(self, records: Iterable[EventRecord]) -> None:
        for record in records:
            self.feed(record)

    def _cross(self, reached: int) -> None:
        """Everything up to `reached` has been fed: seals and projected balances at or
        before it are checked against the state now."""
        while self._due_seals and self._due_seals[0].covers <= reached:
            self._check_seal_root(self._due_seals.pop(0))
        if self._projected is not None and (
            self._projected_at is not None and self._projected_at <= reached
        ):
            self._compare_projected(self._projected, self._projected_at)
            self._projected = None

    # -- accounts -----------------------------------------------------------------------------

    def _account_row(self, record: EventRecord) -> None:
        account = self._accounts.get(record.originator_id)
        if account is None:
            account = self._accounts[record.originator_id] = _AccountStream(record.originator_id)
        if not self._in_sequence(account, record, AggregateKind.ACCOUNT):
            return
        state = record.state
        if state is None:
            self._unreadable(account, record, AggregateKind.ACCOUNT)
            account.last_hash = _UNREADABLE_HASH
            return
        try:
            if record.topic == ACCOUNT_OPENED:
                self._opened(account, record, state)
            else:
                self._entry(account, record, state)
        except (KeyError, ValueError, TypeError) as error:
            account.troubled = account.link_unknown = True
            account.last_hash = _UNREADABLE_HASH
            self._report(
                AggregateKind.ACCOUNT,
                account.aggregate_id,
                record.originator_version,
                ProblemKind.CHANGED,
                f"its fields do not read as a {_event_name(record.topic)} event: {error!r}",
                record.position,
            )

    def _opened(self, account: _AccountStream, record: EventRecord, state: dict[str, Any]) -> None:
        kind = AccountKind(state["kind"])
        problem = None
        if record.originator_version != 1:
            problem = f"an account is opened at version 1, not {record.originator_version}"
        elif kind == AccountKind.EXTERNAL and record.originator_id != str(
            Account.external_id(str(state["name"]))
        ):
            problem = f"an external account named {state['name']!r} has another id"
        elif kind == AccountKind.BENEFICIARY and record.originator_id != str(
            Account.beneficiary_id(UUID(str(state["family_id"])))
        ):
            problem = f"the account of family {state['family_id']} has another id"
        if problem is not None:
            # An opening copied in from another account: its name and kind are not this one's.
            account.troubled = True
            self._report(
                AggregateKind.ACCOUNT,
                account.aggregate_id,
                record.originator_version,
                ProblemKind.CHANGED,
                problem,
                record.position,
            )
            return
        account.kind = kind
        account.opening = {name: state.get(name) for name in _OPENING_FIELDS}

    def _entry(self, account: _AccountStream, record: EventRecord, state: dict[str, Any]) -> None:
        version = record.originator_version
        transfer_id = str(UUID(str(state["transfer_id"])))
        side = Side(state["side"])
        phase = EntryPhase(state["phase"])
        amount_fen = _positive_fen(state["amount_fen"])
        previous_hash = str(state["previous_hash"])
        stored_hash = str(state["entry_hash"])
        occurred_on = _iso_date(state["occurred_on"])
        recomputed = ledger_entry_hash(
            account_id=record.originator_id,
            version=version,
            transfer_id=transfer_id,
            side=side,
            phase=phase,
            amount_fen=amount_fen,
            occurred_on=occurred_on,
            counterparty_id=str(state["counterparty_id"]),
            previous_hash=previous_hash,
        )
        hash_holds = recomputed == stored_hash
        link_holds = account.link_unknown or previous_hash == account.last_hash
        if version == 1:
            hash_holds = False  # version 1 is the opening: an entry there was put in its place
        if not (hash_holds and link_holds):
            account.troubled = True
            reasons = []
            if not hash_holds:
                reasons.append("its hash does not recompute from its fields, account and version")
            if not link_holds:
                reasons.append("it does not chain to the entry before it")
            self._suspects.append(
                _Suspect(account.aggregate_id, version, record.position, "; ".join(reasons))
            )
        account.link_unknown = not hash_holds
        account.last_hash = stored_hash
        entry = _Entry(
            account.aggregate_id, side, phase, amount_fen, occurred_on, record.position, version
        )
        self._match(transfer_id, stored=entry)
        account.balance.enter(side, phase, amount_fen)
        self._totals.enter(side, phase, amount_fen)
        if self._snapshot_every and version % self._snapshot_every == 0:
            self._checkpoints[(account.aggregate_id, version)] = _Checkpoint(
                record.position, self._account_state(account), account.troubled
            )
        if (
            account.kind is not None
            and account.kind != AccountKind.EXTERNAL
            and account.balance.available < 0
            and not account.troubled
            and not account.overdrawn
        ):
            account.overdrawn = True
            self._report(
                AggregateKind.ACCOUNT,
                account.aggregate_id,
                version,
                ProblemKind.OVERDRAWN,
                f"a {account.kind} account has "
                f"{yuan_from_fen(account.balance.available)} available after this entry",
                record.position,
            )

    # -- transfers ----------------------------------------------------------------------------

    def _transfer_row(self, record: EventRecord) -> None:
        transfer = self._transfers.get(record.originator_id)
        if transfer is None:
            transfer = self._transfers[record.originator_id] = _TransferStream(
                record.originator_id, position=record.position
            )
        if not self._in_sequence(transfer, record, AggregateKind.TRANSFER):
            return
        state = record.state
        if state is None:
            self._unreadable(transfer, record, AggregateKind.TRANSFER)
            return
        try:
            self._transfer_event(transfer, record, state)
        except (KeyError, ValueError, TypeError) as error:
            transfer.troubled = True
            self._report(
                AggregateKind.TRANSFER,
                transfer.aggregate_id,
                record.originator_version,
                ProblemKind.CHANGED,
                f"its fields do not read as a {_event_name(record.topic)} event: {error!r}",
                record.position,
            )

    def _transfer_event(
        self, transfer: _TransferStream, record: EventRecord, state: dict[str, Any]
    ) -> None:
        is_opening = record.topic == TRANSFER_RECORDED
        if is_opening != (record.originator_version == 1):
            transfer.troubled = True
            self._report(
                AggregateKind.TRANSFER,
                transfer.aggregate_id,
                record.originator_version,
                ProblemKind.CHANGED,
                f"a transfer is recorded at version 1 only, not a {_event_name(record.topic)} "
                f"event at version {record.originator_version}",
                record.position,
            )
            return
        if is_opening:
            transfer.kind = TransferKind(state["kind"])
            transfer.from_account_id = str(UUID(str(state["from_account_id"])))
            transfer.to_account_id = str(UUID(str(state["to_account_id"])))
            transfer.amount_fen = _positive_fen(state["amount_fen"])
            reverses = state["reverses"]
            transfer.reverses = None if reverses is None else str(UUID(str(reverses)))
            opened_as = TransferState(state["state"])
            if opened_as == TransferState.VOIDED:
                raise ValueError("a transfer is recorded posted or pending, never voided")
            phase = EntryPhase.PENDING if opened_as == TransferState.PENDING else EntryPhase.POSTED
            self._imply(transfer, phase, _iso_date(state["occurred_on"]), record.position)
        elif record.topic == TRANSFER_POSTED:
            on = _iso_date(state["posted_on"])
            self._imply(transfer, EntryPhase.POST_PENDING, on, record.position)
        elif record.topic == TRANSFER_VOIDED:
            on = _iso_date(state["voided_on"])
            self._imply(transfer, EntryPhase.VOID_PENDING, on, record.position)
        else:
            transfer.reversed_by = str(UUID(str(state["reversal_id"])))

    def _imply(
        self, transfer: _TransferStream, phase: EntryPhase, occurred_on: str, position: int
    ) -> None:
        amount = transfer.amount_fen
        for account_id, side in (
            (transfer.from_account_id, Side.DEBIT),
            (transfer.to_account_id, Side.CREDIT),
        ):
            entry = _Entry(
                account_id, side, phase, amount, occurred_on, position, transfer.last_version
            )
            self._match(transfer.aggregate_id, implied=entry)

    def _match(
        self, transfer_id: str, *, stored: _Entry | None = None, implied: _Entry | None = None
    ) -> None:
        """Pairs a stored entry with the transfer event implying it, whichever comes first."""
        unmatched = self._unmatched.get(transfer_id)
        if unmatched is None:
            unmatched = self._unmatched[transfer_id] = _Unmatched()
        mine, theirs = (
            (unmatched.stored, unmatched.implied)
            if stored is not None
            else (unmatched.implied, unmatched.stored)
        )
        entry = stored or implied
        if entry is None:
            return
        for index, other in enumerate(theirs):
            if other.key == entry.key:
                del theirs[index]
                if not unmatched.stored and not unmatched.implied:
                    del self._unmatched[transfer_id]
                return
        mine.append(entry)

    # -- rows of any aggregate ----------------------------------------------------------------

    def _in_sequence(self, stream: _Stream, record: EventRecord, aggregate: AggregateKind) -> bool:
        """Versions run 1..n: a gap is a deleted row, a repeat an inserted one (the database
        refuses a repeat, but a bundle is a file)."""
        version = record.originator_version
        expected = stream.last_version + 1
        if version < expected:
            stream.troubled = True
            self._report(
                aggregate,
                stream.aggregate_id,
                version,
                ProblemKind.INSERTED,
                f"a second row of version {version}, after version {stream.last_version}",
                record.position,
            )
            return False
        if version > expected:
            stream.troubled = stream.link_unknown = True
            missing = str(expected) if version == expected + 1 else f"{expected} to {version - 1}"
            self._report(
                aggregate,
                stream.aggregate_id,
                expected,
                ProblemKind.DELETED,
                f"version {missing} is missing: the next stored row is version {version}",
                record.position,
            )
        stream.last_version = version
        return True

    def _unreadable(self, stream: _Stream, record: EventRecord, aggregate: AggregateKind) -> None:
        stream.troubled = stream.link_unknown = True
        self._report(
            aggregate,
            stream.aggregate_id,
            record.originator_version,
            ProblemKind.CHANGED,
            f"the stored {_event_name(record.topic)} row does not decode: "
            f"{_first_line(record.error or 'no readable state')}",
            record.position,
        )

    def _report(
        self,
        aggregate: AggregateKind,
        aggregate_id: str | None,
        version: int | None,
        problem: ProblemKind,
        detail: str,
        position: int,
    ) -> None:
        self._problems.append(Problem(aggregate, aggregate_id, version, problem, detail, position))

    # -- seals ----------------------------------------------------------------------------------

    def _check_seal_chain(self, seals: Sequence[EventRecord]) -> list[_DueSeal]:
        """Checks each seal's own hash and its link to the seal before it; answers the seals
        whose root hashes the pass is to recompute, in the order of the positions they cover."""
        due: list[_DueSeal] = []
        expected_sequence = 1
        previous_id: str | None = None
        previous_hash = GENESIS_SEAL_HASH
        previous_covers = 0
        chain_known = True
        for record in seals:
            self.checked += 1
            self.seal_count += 1
            seal = self._readable_seal(record)
            if seal is None:
                chain_known = False
                expected_sequence += 1
                continue
            if record.originator_version != 1 or record.originator_id != str(
                LedgerSeal.create_id(seal.sequence)
            ):
                self._seal_problem(
                    record, seal, ProblemKind.CHANGED, "a seal is one event under its number's id"
                )
            if seal.sequence > expected_sequence:
                self._report(
                    AggregateKind.SEAL,
                    str(LedgerSeal.create_id(expected_sequence)),
                    1,
                    ProblemKind.DELETED,
                    f"seal {expected_sequence} is missing: the next stored seal is {seal.sequence}",
                    record.position,
                )
                chain_known = False
            elif seal.sequence < expected_sequence:
                self._seal_problem(record, seal, ProblemKind.INSERTED, "its number is taken")
            recomputed = seal_chain_hash(
                previous_seal_hash=seal.previous_seal_hash,
                root_hash=seal.root_hash,
                position=seal.covers,
                sealed_at=seal.sealed_at,
            )
            if recomputed != seal.seal_hash:
                self._seal_problem(
                    record, seal, ProblemKind.CHANGED, "its hash does not recompute from its fields"
                )
            if chain_known and (
                seal.previous_seal_hash != previous_hash or seal.previous_seal_id != previous_id
            ):
                self._seal_problem(
                    record, seal, ProblemKind.SEAL_CHAIN, "it does not name the seal before it"
                )
            if not previous_covers <= seal.covers < record.position:
                self._seal_problem(
                    record,
                    seal,
                    ProblemKind.CHANGED,
                    f"it covers position {seal.covers}, not between the previous seal's "
                    f"{previous_covers} and its own {record.position}",
                )
            due.append(
                _DueSeal(
                    record.originator_id,
                    seal.sequence,
                    seal.covers,
                    seal.root_hash,
                    seal.accounts,
                    record.position,
                )
            )
            expected_sequence = max(expected_sequence, seal.sequence + 1)
            previous_id, previous_hash = record.originator_id, seal.seal_hash
            previous_covers = max(previous_covers, seal.covers)
            chain_known = True
            self.last_seal_hash = seal.seal_hash
        due.sort(key=lambda seal: seal.covers)
        return due

    def _readable_seal(self, record: EventRecord) -> _SealFields | None:
        if record.state is None:
            detail = f"the stored seal row does not decode: {_first_line(record.error or '')}"
        else:
            try:
                return _seal_fields(record.state)
            except (KeyError, ValueError, TypeError) as error:
                detail = f"its fields do not read as a seal: {error!r}"
        self._report(
            AggregateKind.SEAL,
            record.originator_id,
            record.originator_version,
            ProblemKind.CHANGED,
            detail,
            record.position,
        )
        return None

    def _seal_problem(
        self, record: EventRecord, seal: _SealFields, problem: ProblemKind, detail: str
    ) -> None:
        self._report(
            AggregateKind.SEAL,
            record.originator_id,
            record.originator_version,
            problem,
            f"seal {seal.sequence}: {detail}",
            record.position,
        )

    def _check_seal_root(self, seal: _DueSeal) -> None:
        heads = self.heads()
        recomputed = ledger_root_hash(heads, seal.covers)
        if recomputed != seal.root_hash or len(heads) != seal.accounts:
            self._report(
                AggregateKind.SEAL,
                seal.seal_id,
                1,
                ProblemKind.SEAL_MISMATCH,
                f"seal {seal.sequence} fixed {seal.accounts} accounts and root hash "
                f"{seal.root_hash} at position {seal.covers}; the stored events give "
                f"{len(heads)} accounts and {recomputed}: an event up to that position was "
                "changed, inserted or deleted",
                seal.position,
            )

    # -- snapshots ------------------------------------------------------------------------------

    @staticmethod
    def _account_state(account: _AccountStream) -> dict[str, Any]:
        balance = account.balance
        return {
            **(account.opening or {}),
            "posted_debits": balance.posted_debits,
            "posted_credits": balance.posted_credits,
            "pending_debits": balance.pending_debits,
            "pending_credits": balance.pending_credits,
            "last_hash": account.last_hash,
        }

    def accounts_reaching(self, version: int) -> list[str]:
        return [a.aggregate_id for a in self._accounts.values() if a.last_version >= version]

    def check_snapshot(
        self, account_id: str, version: int, state: Mapping[str, Any] | None, error: str | None
    ) -> None:
        """The application loads an account from its latest snapshot, not from its events:
        a snapshot row copied in from another account would hand it that account's balances.
        So each snapshot must hold what the account's events give at its version."""

        def report(problem: ProblemKind, detail: str, position: int) -> None:
            self._report(AggregateKind.SNAPSHOT, account_id, version, problem, detail, position)

        account = self._accounts.get(account_id)
        last_version = account.last_version if account is not None else 0
        checkpoint = self._checkpoints.get((account_id, version))
        if version > last_version:
            report(
                ProblemKind.DELETED,
                f"a snapshot of version {version} exists, but the account's stored rows end at "
                f"version {last_version}",
                self.position,
            )
        elif checkpoint is None:
            report(
                ProblemKind.INSERTED,
                f"the application snapshots accounts every {self._snapshot_every} versions; "
                f"it did not take this one",
                self.position,
            )
        elif state is None:
            report(
                ProblemKind.CHANGED,
                f"the stored snapshot does not decode: {_first_line(error or '')}",
                checkpoint.position,
            )
        elif not checkpoint.troubled:
            differing = sorted(
                name
                for name in (*_OPENING_FIELDS, *_BALANCE_FIELDS, "last_hash")
                if name in checkpoint.state and _plain(state.get(name)) != checkpoint.state[name]
            )
            if differing:
                report(
                    ProblemKind.CHANGED,
                    f"the snapshot's {', '.join(differing)} differ from what the account's "
                    "events give at its version",
                    checkpoint.position,
                )

    def heads(self) -> list[tuple[str, int, str]]:
        """Every account's head as the events fed so far leave it, for a seal's root hash."""
        return [
            (account.aggregate_id, account.last_version, account.last_hash)
            for account in self._accounts.values()
        ]

    # -- the end of the pass --------------------------------------------------------------------

    def finish(self, *, seconds: float = 0.0) -> VerifyReport:
        """Runs the checks that need the whole pass; answers the report. Call once."""
        if self._finished:
            raise RuntimeError("a checker finishes once")
        self._finished = True
        end = self.position + 1
        self._cross(self.position)
        for seal in self._due_seals:
            self._check_seal_root(seal)
        self._due_seals = []
        if self._projected is not None:
            self._compare_projected(self._projected, self._projected_at or self.position)
        self._check_unmatched()
        self._check_reversals()
        self._check_routes()
        totals = self._totals
        for what, debits, credits in (
            ("posted", totals.posted_debits, totals.posted_credits),
            ("pending", totals.pending_debits, totals.pending_credits),
        ):
            if debits != credits:
                self._report(
                    AggregateKind.LEDGER,
                    None,
                    None,
                    ProblemKind.UNBALANCED,
                    f"{what} debits total {yuan_from_fen(debits)} but {what} credits total "
                    f"{yuan_from_fen(credits)} over the entries that could be read",
                    end,
                )
        problems: dict[tuple[str, str | None, int | None, str, str], Problem] = {}
        for problem in sorted(
            self._problems, key=lambda p: (p.position, p.account_id or "", p.version or 0)
        ):
            # One finding per place and kind: a deleted reversal shows both from the
            # transfer it reverses and from its entries, but it is one deletion.
            place = problem.detail if problem.account_id is None else ""
            key = (problem.aggregate, problem.account_id, problem.version, problem.problem, place)
            problems.setdefault(key, problem)
        return VerifyReport(
            ok=not problems,
            checked=self.checked,
            problems=[p.to_dict() for p in problems.values()],
            position=self.position,
            seals=self.seal_count,
            last_seal_hash=self.last_seal_hash,
            seconds=seconds,
        )

    def _check_unmatched(self) -> None:
        for transfer_id, unmatched in self._unmatched.items():
            self._pair_by_all_but_date(transfer_id, unmatched)
        missing_by_account: dict[str, list[tuple[_Entry, str]]] = {}
        extra: set[tuple[str, int]] = set()
        for transfer_id, unmatched in self._unmatched.items():
            for entry in unmatched.implied:
                missing_by_account.setdefault(entry.account_id, []).append((entry, transfer_id))
            extra.update((entry.account_id, entry.version) for entry in unmatched.stored)
        # A suspect entry that no transfer implies, on an account missing nothing, was put
        # there as an extra row; otherwise it stands where another entry was.
        suspect_at = {(s.account_id, s.version) for s in self._suspects}
        for suspect in self._suspects:
            inserted = (suspect.account_id, suspect.version) in extra and not (
                missing_by_account.get(suspect.account_id)
            )
            self._report(
                AggregateKind.ACCOUNT,
                suspect.account_id,
                suspect.version,
                ProblemKind.INSERTED if inserted else ProblemKind.CHANGED,
                suspect.detail,
                suspect.position,
            )
        for transfer_id, unmatched in self._unmatched.items():
            self._stored_without_transfer_event(transfer_id, unmatched, suspect_at)
        for account_id, missing in missing_by_account.items():
            account = self._accounts.get(account_id)
            if account is not None and account.troubled:
                continue
            last_version = account.last_version if account is not None else 0
            missing.sort(key=lambda item: item[0].position)
            for offset, (entry, transfer_id) in enumerate(missing, start=1):
                if self._transfer_troubled(transfer_id):
                    continue
                self._report(
                    AggregateKind.ACCOUNT,
                    account_id,
                    last_version + offset,
                    ProblemKind.DELETED,
                    f"{entry.describe(transfer_id)} is not on the account, whose rows end at "
                    f"version {last_version}",
                    entry.position,
                )

    def _pair_by_all_but_date(self, transfer_id: str, unmatched: _Unmatched) -> None:
        """A transfer whose entries are all there but dated otherwise than its events say:
        its row (or theirs) was changed, or swapped with another transfer's of the same
        accounts and amount. One finding, on the transfer."""
        for implied in list(unmatched.implied):
            stored = next(
                (e for e in unmatched.stored if e.key[:4] == implied.key[:4]),
                None,
            )
            if stored is None:
                continue
            unmatched.implied.remove(implied)
            unmatched.stored.remove(stored)
            transfer = self._transfers.get(transfer_id)
            if transfer is None or transfer.troubled:
                continue
            self._report(
                AggregateKind.TRANSFER,
                transfer_id,
                implied.version,
                ProblemKind.CHANGED,
                f"it dates its {implied.phase} entries {implied.occurred_on}, but account "
                f"{stored.account_id} version {stored.version} holds one dated "
                f"{stored.occurred_on}",
                implied.position,
            )

    def _stored_without_transfer_event(
        self, transfer_id: str, unmatched: _Unmatched, suspect_at: set[tuple[str, int]]
    ) -> None:
        """Entries that no transfer event implies: the transfer's event was deleted, or the
        entries were inserted."""
        extras = [
            entry
            for entry in unmatched.stored
            if (entry.account_id, entry.version) not in suspect_at
            and not self._accounts[entry.account_id].troubled
        ]
        if not extras or self._transfer_troubled(transfer_id):
            return
        transfer = self._transfers.get(transfer_id)
        where = ", ".join(f"account {e.account_id} version {e.version}" for e in extras)
        if transfer is None:
            self._report(
                AggregateKind.TRANSFER,
                transfer_id,
                1,
                ProblemKind.DELETED,
                f"entries ({where}) belong to transfer {transfer_id}, which has no stored rows",
                min(e.position for e in extras),
            )
            return
        # A debit on the paying and a credit on the receiving account, of one phase and the
        # transfer's amount: the transfer's own event that made them is gone.
        debits = {
            e.phase: e
            for e in extras
            if e.side == Side.DEBIT
            and e.account_id == transfer.from_account_id
            and e.amount_fen == transfer.amount_fen
        }
        for credit in [e for e in extras if e.side == Side.CREDIT]:
            debit = debits.pop(credit.phase, None)
            if debit is None or credit.account_id != transfer.to_account_id:
                continue
            extras.remove(debit)
            extras.remove(credit)
            self._report(
                AggregateKind.TRANSFER,
                transfer_id,
                transfer.last_version + 1,
                ProblemKind.DELETED,
                f"its {credit.phase} entries (account {debit.account_id} version "
                f"{debit.version}, account {credit.account_id} version {credit.version}) "
                f"have no transfer event after version {transfer.last_version}",
                min(debit.position, credit.position),
            )
        for entry in extras:
            self._report(
                AggregateKind.ACCOUNT,
                entry.account_id,
                entry.version,
                ProblemKind.INSERTED,
                f"{entry.describe(transfer_id)} is not one that the transfer made",
                entry.position,
            )

    def _transfer_troubled(self, transfer_id: str) -> bool:
        transfer = self._transfers.get(transfer_id)
        return transfer is not None and transfer.troubled

    def _check_reversals(self) -> None:
        for transfer in self._transfers.values():
            reversal_id = transfer.reversed_by
            if reversal_id is None or transfer.troubled:
                continue
            reversal = self._transfers.get(reversal_id)
            if reversal is None:
                self._report(
                    AggregateKind.TRANSFER,
                    reversal_id,
                    1,
                    ProblemKind.DELETED,
                    f"transfer {transfer.aggregate_id} is reversed by transfer {reversal_id}, "
                    "which has no stored rows",
                    transfer.position,
                )
            elif not reversal.troubled and (
                reversal.reverses != transfer.aggregate_id
                or reversal.kind != TransferKind.REVERSAL
                or reversal.amount_fen != transfer.amount_fen
                or (reversal.from_account_id, reversal.to_account_id)
                != (transfer.to_account_id, transfer.from_account_id)
            ):
                self._report(
                    AggregateKind.TRANSFER,
                    reversal_id,
                    1,
                    ProblemKind.CHANGED,
                    f"it does not move transfer {transfer.aggregate_id}'s amount back between "
                    "its accounts, as its reversal must",
                    reversal.position,
                )

    def _check_routes(self) -> None:
        """Each transfer connects the kinds of account the domain allows. An account's
        opening is not hash-chained, so this is what finds one copied in from another kind."""
        for transfer in self._transfers.values():
            if transfer.troubled or transfer.kind is None or transfer.kind not in _ROUTES:
                continue
            expected = _ROUTES[transfer.kind]
            for account_id, kind in zip(
                (transfer.from_account_id, transfer.to_account_id), expected, strict=True
            ):
                account = self._accounts.get(account_id)
                if account is None or account.troubled or account.kind in (None, kind):
                    continue
                self._report(
                    AggregateKind.ACCOUNT,
                    account_id,
                    1,
                    ProblemKind.CHANGED,
                    f"it is opened as a {account.kind} account, but {transfer.kind} "
                    f"{transfer.aggregate_id} connects it as a {kind} account",
                    transfer.position,
                )

    def _compare_projected(self, projected: Mapping[str, int], position: int) -> None:
        for account_id, posted in projected.items():
            account = self._accounts.get(account_id)
            if account is None:
                self._report(
                    AggregateKind.ACCOUNT,
                    account_id,
                    None,
                    ProblemKind.BALANCE_MISMATCH,
                    f"the ledger view shows {yuan_from_fen(posted)} posted on an account that "
                    f"has no stored events up to position {position}",
                    position,
                )
            elif not account.troubled and account.balance.posted != posted:
                self._report(
                    AggregateKind.ACCOUNT,
                    account_id,
                    account.last_version,
                    ProblemKind.BALANCE_MISMATCH,
                    f"the ledger view shows {yuan_from_fen(posted)} posted at position "
                    f"{position}; the events give {yuan_from_fen(account.balance.posted)}",
                    position,
                )


@dataclass(frozen=True, slots=True)
class _SealFields:
    sequence: int
    covers: int
    root_hash: str
    accounts: int
    previous_seal_id: str | None
    previous_seal_hash: str
    sealed_at: str
    seal_hash: str


def _seal_fields(state: Mapping[str, Any]) -> _SealFields:
    previous_id = state["previous_seal_id"]
    return _SealFields(
        sequence=_whole_number(state["sequence"]),
        covers=_whole_number(state["position"]),
        root_hash=str(state["root_hash"]),
        accounts=_whole_number(state["accounts"]),
        previous_seal_id=None if previous_id is None else str(UUID(str(previous_id))),
        previous_seal_hash=str(state["previous_seal_hash"]),
        sealed_at=str(state["sealed_at"]),
        seal_hash=str(state["seal_hash"]),
    )


def _whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} is not a whole number")
    return value


def _positive_fen(value: Any) -> int:
    if _whole_number(value) == 0:
        raise ValueError("an amount is a positive number of fen")
    return int(value)


def _iso_date(value: Any) -> str:
    """A business date in its one text form, so that dates compare as strings."""
    return dt.date.fromisoformat(str(value)).isoformat()


def _event_name(topic: str) -> str:
    return topic.rpartition(":")[2]


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


# -- reading the store --------------------------------------------------------------------------


_AS_IS = frozenset({str, int, bool, float, type(None)})


def _plain(value: Any) -> Any:
    """An event field as JSON: ids and dates as their standard strings."""
    kind = type(value)
    # Exact types first: this runs for every field of every event.
    if kind in _AS_IS:
        return value
    if kind is UUID:
        return str(value)
    if kind is dt.date or kind is dt.datetime:  # a datetime keeps its offset
        return value.isoformat()
    if kind is dict:
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, str | int | float):
        return value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return str(value)


def record_from_notification(app: NuanxinBase, notification: Notification) -> EventRecord:
    """Decodes one stored row; a row that does not decode gives a record without state."""
    state: dict[str, Any] | None = None
    error: str | None = None
    try:
        event = app.mapper.to_domain_event(notification)
    except MapperDeserialisationError as failure:
        error = str(failure)
    else:
        state = {
            key: _plain(value)
            for key, value in vars(event).items()
            if key not in ("originator_id", "originator_version")
        }
    return EventRecord(
        position=notification.id,
        originator_id=str(notification.originator_id),
        originator_version=notification.originator_version,
        topic=notification.topic,
        state=state,
        error=error,
    )


def stored_records(
    app: NuanxinBase,
    topics: Sequence[str],
    *,
    stop: int,
    progress: Progress | None = None,
) -> Iterator[EventRecord]:
    """The application's events of `topics` up to notification `stop`, in log order, read a
    page at a time."""
    after = 0
    while after < stop:
        page = app.recorder.select_notifications(
            start=after, limit=PAGE_SIZE, stop=stop, topics=topics, inclusive_of_start=False
        )
        for notification in page:
            yield record_from_notification(app, notification)
        after = page[-1].id if len(page) == PAGE_SIZE else stop
        if progress is not None:
            progress(after, stop)


def _head(app: NuanxinBase) -> int:
    return int(app.recorder.max_notification_id() or 0)


def _check_store(
    app: NuanxinBase,
    *,
    stop: int,
    projected_posted: Mapping[UUID, int] | None = None,
    projected_at: int | None = None,
    progress: Progress | None = None,
) -> LedgerChecker:
    snapshot_every = _snapshot_interval(app)
    checker = LedgerChecker(
        stored_records(app, SEAL_TOPICS, stop=stop),
        projected_posted=projected_posted,
        projected_at=projected_at,
        snapshot_every=snapshot_every,
    )
    checker.feed_all(stored_records(app, LEDGER_TOPICS, stop=stop, progress=progress))
    if snapshot_every:
        for account_id, version, state, error in _account_snapshots(
            app, checker.accounts_reaching(snapshot_every)
        ):
            checker.check_snapshot(account_id, version, state, error)
    return checker


def _snapshot_interval(app: NuanxinBase) -> int | None:
    if app.snapshots is None:
        return None
    interval = type(app).snapshotting_intervals.get(Account)
    return int(interval) if interval else None


def _account_snapshots(
    app: NuanxinBase, account_ids: Iterable[str]
) -> Iterator[tuple[str, int, dict[str, Any] | None, str | None]]:
    """Each stored snapshot of the accounts: (account id, version, the account's state as
    plain JSON, or None and why when the row does not decode)."""
    if app.snapshots is None:
        return
    for account_id in account_ids:
        for stored in app.snapshots.recorder.select_events(UUID(account_id)):
            try:
                snapshot: Any = app.mapper.to_domain_event(stored)
            except MapperDeserialisationError as failure:
                yield account_id, stored.originator_version, None, str(failure)
                continue
            yield account_id, stored.originator_version, _plain(snapshot.state), None


# -- verify -------------------------------------------------------------------------------------


def verify_ledger(
    app: NuanxinBase,
    projected_posted: Mapping[UUID, int] | None = None,
    *,
    projected_at: int | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    """Recomputes every hash, link, match and balance of the ledger from the stored events, up
    to the log's position when it starts. `projected_posted` gives a view's posted balance per
    account as of log position `projected_at` (default: that starting position)."""
    started = time.perf_counter()
    stop = _head(app)
    checker = _check_store(
        app,
        stop=stop,
        projected_posted=projected_posted,
        projected_at=stop if projected_at is None else min(projected_at, stop),
        progress=progress,
    )
    checker.position = max(checker.position, stop)
    return checker.finish(seconds=time.perf_counter() - started)


# -- seals --------------------------------------------------------------------------------------


SEAL_WRITERS = (Role.ADMIN,)
SEAL_READERS = (Role.ADMIN, Role.AUDITOR, Role.SUPERVISOR)


def seal_body(seal: LedgerSeal) -> dict[str, Any]:
    return {
        "id": str(seal.id),
        "version": seal.version,
        "sequence": seal.sequence,
        "position": seal.position,
        "accounts": seal.accounts,
        "root_hash": seal.root_hash,
        "previous_seal_id": str(seal.previous_seal_id) if seal.previous_seal_id else None,
        "previous_seal_hash": seal.previous_seal_hash,
        "seal_hash": seal.seal_hash,
        "sealed_at": seal.sealed_at.isoformat(),
        "sealed_by": seal.sealed_by,
        "sealed_by_id": seal.sealed_by_id,
    }


def _seal_exists(app: NuanxinBase, sequence: int) -> bool:
    return app.exists(LedgerSeal.create_id(sequence))


def latest_seal(app: NuanxinBase) -> LedgerSeal | None:
    """Seals are numbered 1..n with ids derived from the numbers, so the last one is found
    in about 2·log2(n) look-ups: double the number until one is missing, then bisect."""
    if not _seal_exists(app, 1):
        return None
    present, absent = 1, 2
    while _seal_exists(app, absent):
        present, absent = absent, absent * 2
    while absent - present > 1:
        middle = (present + absent) // 2
        if _seal_exists(app, middle):
            present = middle
        else:
            absent = middle
    return _load_seal(app, present)


def _load_seal(app: NuanxinBase, sequence: int) -> LedgerSeal:
    seal: LedgerSeal = app.load(LedgerSeal.create_id(sequence), LedgerSeal, "seal")
    return seal


SEAL_ATTEMPTS = 5


class _SealOvertakenError(Exception):
    """Another seal was recorded while this one's ledger was being verified."""


def record_seal(
    app: NuanxinBase, principal: Principal, *, idempotency_key: str | None = None
) -> CommandResult:
    """Closes the ledger up to the log's current position: verifies it up to there, then
    records a seal over its root hash, chained to the previous seal.

    The verification, a pass over the whole ledger, runs before the command's decision, which
    holds the application's decision lock and so must stay short. The decision then checks
    that no seal came in meanwhile; if one did, the ledger is verified again after it. A seal
    from another process takes the same number and is refused by the event store."""
    principal.require(*SEAL_WRITERS)
    for _ in range(SEAL_ATTEMPTS):
        previous = latest_seal(app)
        # Read after the previous seal, so the position covers at least what that seal did.
        position = _head(app)
        checker = _check_store(app, stop=position)
        report = checker.finish()
        if not report.ok:
            first = report.problems[0]
            raise LedgerNotVerifiedError(
                f"the ledger does not verify, so it is not sealed: {first['problem']} at "
                f"{first['aggregate']} {first['account_id']} version {first['version']}: "
                f"{first['detail']} ({len(report.problems)} problems; see GET /ledger/verify)"
            )
        decide = _seal_decision(app, principal, previous, position, checker.heads())
        try:
            return app.execute(
                principal, decide, idempotency_key=idempotency_key, fingerprint=("seal_ledger",)
            )
        except _SealOvertakenError:
            continue
    raise ConcurrencyError("other seals kept being recorded meanwhile; try again")


def _seal_decision(
    app: NuanxinBase,
    principal: Principal,
    previous: LedgerSeal | None,
    position: int,
    heads: list[tuple[str, int, str]],
) -> Callable[[], Decision]:
    def decide() -> Decision:
        latest = latest_seal(app)
        if (latest.id if latest else None) != (previous.id if previous else None):
            raise _SealOvertakenError()
        seal = LedgerSeal.close_period(
            previous=previous,
            position=position,
            root_hash=ledger_root_hash(heads, position),
            accounts=len(heads),
            sealed_at=dt.datetime.now(dt.UTC),
            sealed_by=principal.name,
            sealed_by_id=principal.user_id,
        )
        return [seal], seal_body(seal)

    return decide


def seal_ledger(app: NuanxinBase, principal: Principal) -> dict[str, Any]:
    """Records a seal (admins only) and answers its body."""
    return record_seal(app, principal).body


def count_seals(app: NuanxinBase) -> int:
    seal = latest_seal(app)
    return 0 if seal is None else seal.sequence


def list_seals(
    app: NuanxinBase, *, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """Seals in the order they were made, each naming the one before it."""
    last = count_seals(app)
    end = last if limit is None else min(last, offset + limit)
    return [seal_body(_load_seal(app, sequence)) for sequence in range(offset + 1, end + 1)]


# -- bundles ------------------------------------------------------------------------------------


def export_bundle(
    app: NuanxinBase, path: Path | str, *, progress: Progress | None = None
) -> ExportSummary:
    """Writes every ledger event and seal up to the log's current position, decoded to plain
    JSON, as JSON lines (gzip when the name ends in .gz): a header, the seals, the events in
    log order, and an end line with the counts. The file appears whole or not at all."""
    started = time.perf_counter()
    target = Path(path)
    stop = _head(app)
    partial = target.with_name(f".{target.name}.partial")
    events = seals = 0
    try:
        with _open_for_writing(partial, compress=target.name.endswith(".gz")) as out:
            _write_line(
                out,
                {
                    "format": BUNDLE_FORMAT,
                    "format_version": BUNDLE_FORMAT_VERSION,
                    "application": app.name,
                    "exported_at": dt.datetime.now(dt.UTC).isoformat(),
                    "position": stop,
                    "money": "integer fen",
                },
            )
            for record in stored_records(app, SEAL_TOPICS, stop=stop):
                _write_line(out, {"section": "seal", **record.to_json()})
                seals += 1
            for record in stored_records(app, LEDGER_TOPICS, stop=stop, progress=progress):
                _write_line(out, {"section": "event", **record.to_json()})
                events += 1
            _write_line(out, {"section": "end", "events": events, "seals": seals})
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return ExportSummary(
        path=target,
        events=events,
        seals=seals,
        position=stop,
        sha256=_file_sha256(target),
        seconds=time.perf_counter() - started,
    )


def verify_bundle(path: Path | str) -> VerifyReport:
    """Verifies an exported bundle with the same checks as `verify_ledger`, from the file
    alone: no database, no service, no cipher key."""
    started = time.perf_counter()
    reader = _BundleReader()
    with _open_for_reading(Path(path)) as lines:
        header = _bundle_header(next(lines, ""))
        for number, line in enumerate(lines, start=2):
            if line.strip():
                reader.read(number, line)
    checker = reader.checker or LedgerChecker(reader.seals)
    checker.position = max(checker.position, _whole_number(header.get("position", 0)))
    end = reader.end
    if end is None or end.get("events") != reader.events or end.get("seals") != len(reader.seals):
        reader.problem(
            None,
            None,
            ProblemKind.DELETED,
            f"the bundle does not end with the line counting its {reader.events} events and "
            f"{len(reader.seals)} seals: lines were cut off or added",
            checker.position + 1,
        )
    report = checker.finish(seconds=time.perf_counter() - started)
    if not reader.problems:
        return report
    problems = sorted(
        [p.to_dict() for p in reader.problems] + report.problems,
        key=lambda p: (p["position"], p["account_id"] or "", p["version"] or 0),
    )
    return VerifyReport(
        ok=False,
        checked=report.checked,
        problems=problems,
        position=report.position,
        seals=report.seals,
        last_seal_hash=report.last_seal_hash,
        seconds=report.seconds,
    )


class _BundleReader:
    """Feeds a bundle's lines to a checker: the seals, which come first, make the checker;
    then each event is checked as it is read, so a bundle of any size takes little memory."""

    def __init__(self) -> None:
        self.seals: list[EventRecord] = []
        self.checker: LedgerChecker | None = None
        self.events = 0
        self.end: dict[str, Any] | None = None
        self.problems: list[Problem] = []
        self._last_position = {"seal": 0, "event": 0}

    def read(self, number: int, line: str) -> None:
        try:
            item = json.loads(line)
            section = item["section"]
            if self.end is not None:
                raise ValueError("a line after the end line")
            if section == "end":
                self.end = item
                return
            if section not in self._last_position:
                raise ValueError(f"no section {section!r} in a bundle")
            record = EventRecord.from_json(item)
        except (ValueError, KeyError, TypeError) as error:
            self.problem(
                None,
                None,
                ProblemKind.CHANGED,
                f"line {number} of the bundle is not a ledger record: {error!r}",
                self._last_position["event"],
            )
            return
        if record.position <= self._last_position[section]:
            self.problem(
                record.originator_id,
                record.originator_version,
                ProblemKind.INSERTED,
                f"line {number} is at position {record.position}, out of log order",
                record.position,
            )
        self._last_position[section] = max(self._last_position[section], record.position)
        if section == "seal":
            if self.checker is None:
                self.seals.append(record)
            else:
                self.problem(
                    record.originator_id,
                    record.originator_version,
                    ProblemKind.INSERTED,
                    f"line {number} is a seal among the events, where none is written",
                    record.position,
                )
            return
        if self.checker is None:
            self.checker = LedgerChecker(self.seals)
        self.events += 1
        self.checker.feed(record)

    def problem(
        self,
        aggregate_id: str | None,
        version: int | None,
        problem: ProblemKind,
        detail: str,
        position: int,
    ) -> None:
        self.problems.append(
            Problem(AggregateKind.LEDGER, aggregate_id, version, problem, detail, position)
        )


def _bundle_header(line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"not a {BUNDLE_FORMAT} file (its first line is not the header)")
    if header.get("format_version") != BUNDLE_FORMAT_VERSION:
        raise BundleError(
            f"bundle format version {header.get('format_version')} is not "
            f"{BUNDLE_FORMAT_VERSION}, which this verifier reads"
        )
    return header


def bundle_records(path: Path | str) -> Iterator[EventRecord]:
    """The event records of a bundle, seals excluded, for replaying it offline."""
    with _open_for_reading(Path(path)) as lines:
        _bundle_header(next(lines, ""))
        for line in lines:
            if not line.strip():
                continue
            item = json.loads(line)
            if item.get("section") == "event":
                yield EventRecord.from_json(item)


@contextlib.contextmanager
def _open_for_writing(path: Path, *, compress: bool) -> Iterator[IO[str]]:
    if compress:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            yield handle
    else:
        with path.open("w", encoding="utf-8") as handle:
            yield handle


@contextlib.contextmanager
def _open_for_reading(path: Path) -> Iterator[Iterator[str]]:
    """Lines of a bundle, gzip or not (an auditor may have unpacked it to read it)."""
    with contextlib.ExitStack() as stack:
        try:
            with path.open("rb") as probe:
                compressed = probe.read(2) == b"\x1f\x8b"
            opener = gzip.open if compressed else open
            handle: IO[str] = stack.enter_context(opener(path, "rt", encoding="utf-8"))
        except OSError as error:
            raise BundleError(f"cannot read {path}: {error.strerror or error}") from None
        try:
            yield iter(handle)
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise BundleError(f"{path} is damaged: {error}") from None


def _write_line(out: IO[str], item: Mapping[str, Any]) -> None:
    out.write(json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    out.write("\n")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- replay -------------------------------------------------------------------------------------


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
            balances.setdefault(record.originator_id, Balance()).enter(side, phase, amount_fen)
            totals.enter(side, phase, amount_fen)
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
                "pending": balance.reserved,
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
    app: NuanxinBase,
    as_of: dt.date | None = None,
    *,
    known_at: dt.datetime | None = None,
    progress: Progress | None = None,
) -> LedgerReplay:
    stop = _head(app)
    return replay_records(
        stored_records(app, ACCOUNT_TOPICS, stop=stop, progress=progress),
        as_of=as_of,
        known_at=known_at,
    )


def replay_balances(
    app: NuanxinBase, as_of: dt.date | None = None, *, known_at: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Every fund's posted, pending and available balance (fen) rebuilt from the events."""
    return replay_ledger(app, as_of, known_at=known_at).funds


def _aware(moment: dt.datetime) -> dt.datetime:
    """A time without an offset is taken as UTC, the offset events are recorded in."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def debits_equal_credits(totals: Mapping[str, int]) -> bool:
    return (
        totals["posted_debits"] == totals["posted_credits"]
        and totals["pending_debits"] == totals["pending_credits"]
    )
