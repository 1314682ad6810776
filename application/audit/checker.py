"""The log checker: one pass over every event record in log order, from the store or from a
bundle, recomputing what DESIGN.md section 4 asks of the ledger:
- every aggregate's events chain, every field of each bound to its aggregate, version and type
  (`event_chains`), and every seal's signature verifies with the auditors' key and its root
  hash over the chains' heads recomputes at its position (`seal_checks`);
- every stored row decodes (AES-GCM refuses a changed byte);
- each account's and transfer's versions run 1..n without gaps or repeats;
- each account's entries recompute and chain (`account_chains`);
- every entry a transfer implies is on both of its accounts and every entry belongs to a
  transfer that implies it (`transfer_rows`, `entry_pairing`);
- accounts that may not go negative never do; total debits equal total credits;
- the seals form one chain, which holds the seal an auditor kept (`seal_checks`);
- every stored snapshot of an account holds what the account's events give at its version
  (`snapshot_checks`; the application loads accounts from snapshots, a bundle has none);
- optionally, the posted balance of every projected fund equals the one the events give.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from application.audit.account_chains import AccountChains
from application.audit.entry_pairing import EntryPairing
from application.audit.event_chains import EventChains
from application.audit.records import ACCOUNT_TOPICS, TRANSFER_TOPICS, EventRecord
from application.audit.report import AggregateKind, Findings, ProblemKind, VerifyReport
from application.audit.seal_checks import SealChecks
from application.audit.snapshot_checks import SnapshotChecks
from application.audit.streams import AccountStream, Stream, TransferStream
from application.audit.transfer_rows import TransferRows
from domain.money import yuan_from_fen


class LedgerChecker:
    """Checks the log's event records fed in log order. The seals come first, at construction,
    so that the pass can recompute each one's root hash as it crosses the seal's position.
    `public_key` is the auditors' (base64), `expect_seal` the hash of a seal they kept."""

    def __init__(
        self,
        seals: Iterable[EventRecord] = (),
        *,
        projected_posted: Mapping[UUID, int] | Mapping[str, int] | None = None,
        projected_at: int | None = None,
        snapshot_every: int | None = None,
        findings: Findings | None = None,
        public_key: str | None = None,
        expect_seal: str | None = None,
    ) -> None:
        self.findings = findings or Findings()
        self.chains = EventChains(self.findings)
        self.seals = SealChecks(
            seals, self.findings, public_key=public_key, expect_seal=expect_seal
        )
        self.snapshots = SnapshotChecks(snapshot_every, self.findings)
        self.accounts = AccountChains(self.findings, self.snapshots)
        self.transfers = TransferRows(self.findings)
        self._pairing = EntryPairing(self.findings)
        self.checked = 0
        self.position = 0
        self._projected = (
            {str(UUID(str(key))): value for key, value in projected_posted.items()}
            if projected_posted is not None
            else None
        )
        self._projected_at = projected_at
        self._due_from = self._next_due()
        self._after_seal = False
        self._finished = False
        self.withheld = False
        """Some ledger rows were read by their digests only (a regional bundle)."""

    def feed(self, record: EventRecord) -> None:
        # Per row, only what is due: a seal's root or the projected balances once the pass is
        # past their positions, the seals' dating of rows once it is past the first seal.
        position = record.position
        if position > self._due_from:
            self._cross(position - 1)
        self.checked += 1
        if position > self.position:
            self.position = position
        aggregate = self.chains.row(record)
        if self._after_seal or position > self.seals.first_made_at:
            self._after_seal = True
            self.seals.check_recorded_after(record, aggregate)
        if record.state is None and record.digest is not None:
            self._withheld(record)
        elif record.topic in ACCOUNT_TOPICS:
            entry = self.accounts.row(record)
            if entry is not None:
                self._pairing.pair(entry, stored=True)
        elif record.topic in TRANSFER_TOPICS:
            for implied in self.transfers.row(record):
                self._pairing.pair(implied, stored=False)

    def _withheld(self, record: EventRecord) -> None:
        """A ledger row that a regional bundle carries by its digest only: its chain is checked,
        but not what needs its fields, nor anything that needs every account (the totals)."""
        stream: Stream | None
        if record.topic in ACCOUNT_TOPICS:
            stream = self.accounts.streams.get(record.originator_id)
            if stream is None:
                stream = self.accounts.streams[record.originator_id] = AccountStream(
                    record.originator_id
                )
        elif record.topic in TRANSFER_TOPICS:
            stream = self.transfers.streams.get(record.originator_id)
            if stream is None:
                stream = self.transfers.streams[record.originator_id] = TransferStream(
                    record.originator_id
                )
        else:
            return
        self.withheld = True
        if stream.in_sequence(record, self.findings):
            stream.troubled = stream.link_unknown = True

    def feed_all(self, records: Iterable[EventRecord]) -> None:
        for record in records:
            self.feed(record)

    def check_snapshot(
        self, account_id: str, version: int, state: Mapping[str, Any] | None, error: str | None
    ) -> None:
        """A stored snapshot of an account, its state as plain JSON (or None and why, when it
        does not decode), checked against the account's events fed before."""
        account = self.accounts.streams.get(account_id)
        self.snapshots.check(account_id, account, version, state, error, position=self.position)

    def finish(self, *, seconds: float = 0.0) -> VerifyReport:
        """Runs the checks that need the whole pass; answers the report. Call once."""
        if self._finished:
            raise RuntimeError("a checker finishes once")
        self._finished = True
        self._cross(self.position)
        self.seals.finish(self.accounts.heads, self.chains)
        if self._projected is not None:
            self._compare_projected(self._projected, self._projected_at or self.position)
        self._pairing.finish(self.accounts, self.transfers)
        self.transfers.check_reversals()
        self.transfers.check_routes(self.accounts)
        if not self.withheld:
            self._check_balanced()
        return self.findings.report(
            checked=self.checked,
            position=self.position,
            seals=self.seals.count,
            last_seal_hash=self.seals.last_seal_hash,
            seconds=seconds,
        )

    def _cross(self, reached: int) -> None:
        """Everything up to `reached` has been fed: seals and projected balances at or
        before it are checked against the state now."""
        self.seals.cross(reached, self.accounts.heads, self.chains)
        if self._projected is not None and (
            self._projected_at is not None and self._projected_at <= reached
        ):
            self._compare_projected(self._projected, self._projected_at)
            self._projected = None
        self._due_from = self._next_due()

    def _next_due(self) -> int:
        """The position after which `_cross` has something to check."""
        due = self.seals.next_covers
        if self._projected is not None and self._projected_at is not None:
            due = min(due, self._projected_at)
        return due

    def _check_balanced(self) -> None:
        totals = self.accounts.totals
        for what, debits, credits in (
            ("posted", totals.posted_debits, totals.posted_credits),
            ("pending", totals.pending_debits, totals.pending_credits),
        ):
            if debits != credits:
                self.findings.add(
                    AggregateKind.LEDGER,
                    None,
                    None,
                    ProblemKind.UNBALANCED,
                    f"{what} debits total {yuan_from_fen(debits)} but {what} credits total "
                    f"{yuan_from_fen(credits)} over the entries that could be read",
                    self.position + 1,
                )

    def _compare_projected(self, projected: Mapping[str, int], position: int) -> None:
        for account_id, posted in projected.items():
            account = self.accounts.streams.get(account_id)
            if account is None:
                self.findings.add(
                    AggregateKind.ACCOUNT,
                    account_id,
                    None,
                    ProblemKind.BALANCE_MISMATCH,
                    f"the ledger view shows {yuan_from_fen(posted)} posted on an account that "
                    f"has no stored events up to position {position}",
                    position,
                )
            elif not account.troubled and account.balance.posted != posted:
                self.findings.add(
                    AggregateKind.ACCOUNT,
                    account_id,
                    account.last_version,
                    ProblemKind.BALANCE_MISMATCH,
                    f"the ledger view shows {yuan_from_fen(posted)} posted at position "
                    f"{position}; the events give {yuan_from_fen(account.balance.posted)}",
                    position,
                )
