"""Account snapshots held to the events. The application loads an account from its latest
snapshot, not from its events: a snapshot row copied in from another account would hand it
that account's balances. So each snapshot must hold what the account's events give at its
version, which the pass notes as it crosses each version the application snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from application.audit.records import first_line
from application.audit.report import AggregateKind, Findings, ProblemKind
from application.audit.streams import OPENING_FIELDS, AccountStream

_BALANCE_FIELDS = ("posted_debits", "posted_credits", "pending_debits", "pending_credits")
_DATED_FIELD = "available_by_date"
"""Kept since the Account's class version 2; a snapshot of version 1 lacks it, and the
application upcasts such a snapshot from its totals, which are compared."""
_COMPARED_FIELDS = (*OPENING_FIELDS, *_BALANCE_FIELDS, _DATED_FIELD, "last_hash")


@dataclass(frozen=True, slots=True)
class _Checkpoint:
    """An account as its events leave it at a version the application snapshots."""

    position: int
    state: dict[str, Any]
    troubled: bool


class SnapshotChecks:
    def __init__(self, every: int | None, findings: Findings) -> None:
        self.every = every
        """Every how many versions the application snapshots an account; None: it does not."""
        self._findings = findings
        self._checkpoints: dict[tuple[str, int], _Checkpoint] = {}

    def note(self, account: AccountStream, version: int, position: int) -> None:
        """The account as its events leave it at `version`, which the application snapshots."""
        balance = account.balance
        state = {
            **(account.opening or {}),
            "posted_debits": balance.posted_debits,
            "posted_credits": balance.posted_credits,
            "pending_debits": balance.pending_debits,
            "pending_credits": balance.pending_credits,
            # Copied: the pass goes on changing the account's dates after this version.
            _DATED_FIELD: {
                day: list(totals) for day, totals in account.dated.available_by_date.items()
            },
            "last_hash": account.last_hash,
        }
        self._checkpoints[(account.aggregate_id, version)] = _Checkpoint(
            position, state, account.troubled
        )

    def check(
        self,
        account_id: str,
        account: AccountStream | None,
        version: int,
        state: Mapping[str, Any] | None,
        error: str | None,
        *,
        position: int,
    ) -> None:
        """One stored snapshot (its state as plain JSON, or None and why when it does not
        decode) of the account whose rows the pass read into `account`; `position` is where the
        pass ended."""

        def report(problem: ProblemKind, detail: str, at: int) -> None:
            self._findings.add(AggregateKind.SNAPSHOT, account_id, version, problem, detail, at)

        last_version = account.last_version if account is not None else 0
        checkpoint = self._checkpoints.get((account_id, version))
        if version > last_version:
            report(
                ProblemKind.DELETED,
                f"a snapshot of version {version} exists, but the account's stored rows end at "
                f"version {last_version}",
                position,
            )
        elif checkpoint is None:
            report(
                ProblemKind.INSERTED,
                f"the application snapshots accounts every {self.every} versions; "
                f"it did not take this one",
                position,
            )
        elif state is None:
            report(
                ProblemKind.CHANGED,
                f"the stored snapshot does not decode: {first_line(error or '')}",
                checkpoint.position,
            )
        elif not checkpoint.troubled:
            compared: tuple[str, ...] = _COMPARED_FIELDS
            if state.get("class_version", 1) < 2:
                compared = tuple(name for name in compared if name != _DATED_FIELD)
            differing = sorted(
                name
                for name in compared
                if name in checkpoint.state and state.get(name) != checkpoint.state[name]
            )
            if differing:
                report(
                    ProblemKind.CHANGED,
                    f"the snapshot's {', '.join(differing)} differ from what the account's "
                    "events give at its version",
                    checkpoint.position,
                )
