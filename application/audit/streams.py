"""What the checker keeps of each aggregate's rows as the pass goes, and the checks that the
rows of every aggregate share: versions run 1..n, and every row decodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from application.audit.balance import Balance, DatedBalance
from application.audit.records import EventRecord, event_name, first_line
from application.audit.report import AggregateKind, Findings, ProblemKind
from domain.ledger.vocabulary import AccountKind, EntryPhase, Side, TransferKind
from domain.money import yuan_from_fen

UNKNOWN_HASH = "unknown"
"""The head of an account whose opening is missing or whose last row could not be read: it
matches no hash that was recorded or sealed."""

OPENING_FIELDS = ("kind", "name", "source", "programme", "region_code", "family_id")
"""The fields of an account's opening that its state keeps."""


@dataclass(slots=True)
class Entry:
    """An entry as stored (with the account's version that holds it), or as a transfer
    implies it (with the version of the transfer's event that implies it). Never changed;
    not frozen, for the reason `EventRecord` is not (two per entry of the log are made)."""

    transfer_id: str
    account_id: str
    side: Side
    phase: EntryPhase
    amount_fen: int
    occurred_on: str
    """The business date: the transfer's, or the date it was posted, voided or reversed."""
    transfer_digest: str
    """The digest of the terms the transfer was recorded with."""
    position: int
    version: int

    @property
    def key(self) -> tuple[str, Side, EntryPhase, int, str, str]:
        """Alike in all of these, a stored and an implied entry pair up. The first four say
        which entry it is; the date and the digest, what it was made for."""
        return (
            self.account_id,
            self.side,
            self.phase,
            self.amount_fen,
            self.occurred_on,
            self.transfer_digest,
        )

    def describe(self) -> str:
        return (
            f"the {self.side} entry ({self.phase}, {yuan_from_fen(self.amount_fen)}, "
            f"{self.occurred_on}) of transfer {self.transfer_id}"
        )


@dataclass(slots=True)
class Stream:
    """What the checker knows of one aggregate's rows so far."""

    aggregate: ClassVar[AggregateKind]

    aggregate_id: str
    last_version: int = 0
    troubled: bool = False
    """A row of it was changed, inserted or deleted: the checks that need its whole history
    (balances, matching entries) are skipped, since that problem is already reported."""
    link_unknown: bool = False
    """The row before could not be trusted, so the next row's link to it is not judged."""

    def in_sequence(self, record: EventRecord, findings: Findings) -> bool:
        """Versions run 1..n: a gap is a deleted row, a repeat an inserted one (the database
        refuses a repeat, but a bundle is a file). False for a repeat, which is not read."""
        version = record.originator_version
        expected = self.last_version + 1
        if version < expected:
            self.troubled = True
            findings.add(
                self.aggregate,
                self.aggregate_id,
                version,
                ProblemKind.INSERTED,
                f"a second row of version {version}, after version {self.last_version}",
                record.position,
            )
            return False
        if version > expected:
            self.troubled = self.link_unknown = True
            missing = str(expected) if version == expected + 1 else f"{expected} to {version - 1}"
            findings.add(
                self.aggregate,
                self.aggregate_id,
                expected,
                ProblemKind.DELETED,
                f"version {missing} is missing: the next stored row is version {version}",
                record.position,
            )
        self.last_version = version
        return True

    def unreadable(self, record: EventRecord, findings: Findings) -> None:
        self.troubled = self.link_unknown = True
        findings.add(
            self.aggregate,
            self.aggregate_id,
            record.originator_version,
            ProblemKind.CHANGED,
            f"the stored {event_name(record.topic)} row does not decode: "
            f"{first_line(record.error or 'no readable state')}",
            record.position,
        )

    def misread(self, record: EventRecord, error: Exception, findings: Findings) -> None:
        """The row decodes, but its fields are not those of its event."""
        self.troubled = True
        findings.add(
            self.aggregate,
            self.aggregate_id,
            record.originator_version,
            ProblemKind.CHANGED,
            f"its fields do not read as a {event_name(record.topic)} event: {error!r}",
            record.position,
        )


@dataclass(slots=True)
class AccountStream(Stream):
    aggregate: ClassVar[AggregateKind] = AggregateKind.ACCOUNT

    kind: AccountKind | None = None
    opening: dict[str, Any] | None = None
    claimed_region: str | None = None
    """The fund region its opening row names, even when that row fails its hash: where a
    regional verification reports its problems."""
    entry_regions: set[str] = field(default_factory=set)
    """The regions its entries say they count in (a family's and a payer's account have no
    region of their own): where else a regional verification reports its problems."""
    last_hash: str = UNKNOWN_HASH
    balance: Balance = field(default_factory=Balance)
    dated: DatedBalance = field(default_factory=DatedBalance)
    overdrawn: bool = False


@dataclass(slots=True)
class TransferStream(Stream):
    aggregate: ClassVar[AggregateKind] = AggregateKind.TRANSFER

    kind: TransferKind | None = None
    from_account_id: str = ""
    to_account_id: str = ""
    amount_fen: int = 0
    digest: str = ""
    """Of the terms it was recorded with, which its entries carry."""
    reverses: str | None = None
    reversed_by: str | None = None
    position: int = 0
