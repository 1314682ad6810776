"""Seals held to the ledger: each seal's own hash and its link to the seal before it are
checked when the pass starts; its root hash when the pass has read every ledger event up to the
position it covers, from the account heads as those events leave them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.audit.records import EventRecord, first_line, whole_number
from application.audit.report import AggregateKind, Findings, ProblemKind
from domain.seal import GENESIS_SEAL_HASH, LedgerSeal, ledger_root_hash, seal_chain_hash

Heads = Callable[[], list[tuple[str, int, str]]]
"""Answers every account's (id, last version, last hash) as the events read so far leave it."""


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
        sequence=whole_number(state["sequence"]),
        covers=whole_number(state["position"]),
        root_hash=str(state["root_hash"]),
        accounts=whole_number(state["accounts"]),
        previous_seal_id=None if previous_id is None else str(UUID(str(previous_id))),
        previous_seal_hash=str(state["previous_seal_hash"]),
        sealed_at=dt.datetime.fromisoformat(str(state["sealed_at"])).isoformat(),
        seal_hash=str(state["seal_hash"]),
    )


@dataclass(frozen=True, slots=True)
class _DueSeal:
    seal_id: str
    sequence: int
    covers: int
    root_hash: str
    accounts: int
    position: int


class SealChecks:
    def __init__(self, seals: Iterable[EventRecord], findings: Findings) -> None:
        self._findings = findings
        self.count = 0
        self.last_seal_hash: str | None = None
        self._due = self._check_chain(sorted(seals, key=lambda r: r.position))

    def cross(self, reached: int, heads: Heads) -> None:
        """Every ledger event up to position `reached` has been read: the root hashes of the
        seals covering up to there are checked."""
        while self._due and self._due[0].covers <= reached:
            self._check_root(self._due.pop(0), heads())

    def finish(self, heads: Heads) -> None:
        """The pass has read every ledger event: the seals not yet crossed are checked."""
        for seal in self._due:
            self._check_root(seal, heads())
        self._due = []

    def _check_chain(self, seals: Sequence[EventRecord]) -> list[_DueSeal]:
        """Checks each seal's own hash and its link to the seal before it; answers the seals
        whose root hashes the pass is to recompute, in the order of the positions they cover."""
        due: list[_DueSeal] = []
        expected_sequence = 1
        previous_id: str | None = None
        previous_hash = GENESIS_SEAL_HASH
        previous_covers = 0
        chain_known = True
        for record in seals:
            self.count += 1
            seal = self._readable(record)
            if seal is None:
                chain_known = False
                expected_sequence += 1
                continue
            if record.originator_version != 1 or record.originator_id != str(
                LedgerSeal.create_id(seal.sequence)
            ):
                self._problem(
                    record, seal, ProblemKind.CHANGED, "a seal is one event under its number's id"
                )
            if seal.sequence > expected_sequence:
                self._findings.add(
                    AggregateKind.SEAL,
                    str(LedgerSeal.create_id(expected_sequence)),
                    1,
                    ProblemKind.DELETED,
                    f"seal {expected_sequence} is missing: the next stored seal is {seal.sequence}",
                    record.position,
                )
                chain_known = False
            elif seal.sequence < expected_sequence:
                self._problem(record, seal, ProblemKind.INSERTED, "its number is taken")
            recomputed = seal_chain_hash(
                previous_seal_hash=seal.previous_seal_hash,
                root_hash=seal.root_hash,
                position=seal.covers,
                sealed_at=seal.sealed_at,
            )
            if recomputed != seal.seal_hash:
                self._problem(
                    record, seal, ProblemKind.CHANGED, "its hash does not recompute from its fields"
                )
            if chain_known and (
                seal.previous_seal_hash != previous_hash or seal.previous_seal_id != previous_id
            ):
                self._problem(
                    record, seal, ProblemKind.SEAL_CHAIN, "it does not name the seal before it"
                )
            if not previous_covers <= seal.covers < record.position:
                self._problem(
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

    def _readable(self, record: EventRecord) -> _SealFields | None:
        if record.state is None:
            detail = f"the stored seal row does not decode: {first_line(record.error or '')}"
        else:
            try:
                return _seal_fields(record.state)
            except (KeyError, ValueError, TypeError) as error:
                detail = f"its fields do not read as a seal: {error!r}"
        self._findings.add(
            AggregateKind.SEAL,
            record.originator_id,
            record.originator_version,
            ProblemKind.CHANGED,
            detail,
            record.position,
        )
        return None

    def _problem(
        self, record: EventRecord, seal: _SealFields, problem: ProblemKind, detail: str
    ) -> None:
        self._findings.add(
            AggregateKind.SEAL,
            record.originator_id,
            record.originator_version,
            problem,
            f"seal {seal.sequence}: {detail}",
            record.position,
        )

    def _check_root(self, seal: _DueSeal, heads: list[tuple[str, int, str]]) -> None:
        recomputed = ledger_root_hash(heads, seal.covers)
        if recomputed != seal.root_hash or len(heads) != seal.accounts:
            self._findings.add(
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
