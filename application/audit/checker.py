"""The ledger checker: one pass over ledger event records in log order, from the store or from
a bundle, recomputing what DESIGN.md section 4 asks of the ledger:
- every stored row decodes (AES-GCM refuses a changed byte);
- each account's and transfer's versions run 1..n without gaps or repeats;
- each account's entries recompute and chain (`account_chains`);
- every entry a transfer implies is on both of its accounts and every entry belongs to a
  transfer that implies it (`transfer_rows`, `entry_pairing`);
- accounts that may not go negative never do; total debits equal total credits;
- every seal's root hash recomputes at its position and the seals form one chain
  (`seal_checks`);
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
from application.audit.records import ACCOUNT_TOPICS, TRANSFER_TOPICS, EventRecord
from application.audit.report import AggregateKind, Findings, ProblemKind, VerifyReport
from application.audit.seal_checks import SealChecks
from application.audit.snapshot_checks import SnapshotChecks
from application.audit.transfer_rows import TransferRows
from domain.money import yuan_from_fen


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
        findings: Findings | None = None,
    ) -> None:
        self.findings = findings or Findings()
        self.seals = SealChecks(seals, self.findings)
        self.snapshots = SnapshotChecks(snapshot_every, self.findings)
        self.accounts = AccountChains(self.findings, self.snapshots)
        self.transfers = TransferRows(self.findings)
        self._pairing = EntryPairing(self.findings)
        self.checked = self.seals.count
        self.position = 0
        self._projected = (
            {str(UUID(str(key))): value for key, value in projected_posted.items()}
            if projected_posted is not None
            else None
        )
        self._projected_at = projected_at
        self._finished = False

    def feed(self, record: EventRecord) -> None:
        self._cross(record.position - 1)
        self.checked += 1
        self.position = max(self.position, record.position)
        if record.topic in ACCOUNT_TOPICS:
            entry = self.accounts.row(record)
            if entry is not None:
                self._pairing.pair(entry, stored=True)
        elif record.topic in TRANSFER_TOPICS:
            for implied in self.transfers.row(record):
                self._pairing.pair(implied, stored=False)
        else:
            self.findings.add(
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
        self.seals.finish(self.accounts.heads)
        if self._projected is not None:
            self._compare_projected(self._projected, self._projected_at or self.position)
        self._pairing.finish(self.accounts, self.transfers)
        self.transfers.check_reversals()
        self.transfers.check_routes(self.accounts)
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
        self.seals.cross(reached, self.accounts.heads)
        if self._projected is not None and (
            self._projected_at is not None and self._projected_at <= reached
        ):
            self._compare_projected(self._projected, self._projected_at)
            self._projected = None

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
