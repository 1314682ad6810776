"""Seals held to the log: each seal's own hash, its signature and its link to the seal before
it are checked when the pass starts; its root hash when the pass has read every event up to the
position it covers, from the aggregates' chain heads as those events leave them (a legacy seal:
from the ledger accounts' heads).

The verifier trusts only what the auditors give it: their public key, and the hash of a seal
they kept. A seal's own claim of the key that signed it is compared with theirs, never taken
for it; without their key the signatures are only checked against the keys the seals name."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from application.audit.event_chains import EventChains
from application.audit.records import EventRecord, first_line, whole_number
from application.audit.report import AggregateKind, Findings, ProblemKind
from domain.event_chain import Head, log_root_hash
from domain.hashing import canonical_uuid
from domain.seal import (
    GENESIS_SEAL_HASH,
    LedgerSeal,
    ledger_root_hash,
    seal_chain_hash,
    seal_message,
    signed_seal_hash,
)
from infrastructure.seal_keys import signature_verifies

IN_FLIGHT = dt.timedelta(minutes=15)
"""How much earlier than a seal a row stored after it may be dated: a command whose events were
made while the seal was being made saves them after it (a long import batch, say)."""

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
    sealed_by: str
    sealed_by_id: str
    aggregates: int | None
    touched: tuple[Head, ...] | None
    public_key: str | None
    signature: str | None

    @property
    def legacy(self) -> bool:
        """Made before seals were signed: it fixes the ledger accounts' heads only."""
        return self.aggregates is None and self.touched is None and self.public_key is None

    def recomputed_hash(self) -> str:
        if self.legacy:
            return seal_chain_hash(
                previous_seal_hash=self.previous_seal_hash,
                root_hash=self.root_hash,
                position=self.covers,
                sealed_at=self.sealed_at,
            )
        return signed_seal_hash(
            sequence=self.sequence,
            position=self.covers,
            root_hash=self.root_hash,
            accounts=self.accounts,
            aggregates=self.aggregates or 0,
            touched=self.touched or (),
            previous_seal_id=self.previous_seal_id,
            previous_seal_hash=self.previous_seal_hash,
            sealed_at=self.sealed_at,
            sealed_by=self.sealed_by,
            sealed_by_id=self.sealed_by_id,
            public_key=self.public_key or "",
        )


def _heads(value: Any) -> tuple[Head, ...] | None:
    if value is None:
        return None
    return tuple((canonical_uuid(a), whole_number(v), str(h)) for a, v, h in value)


def _seal_fields(state: Mapping[str, Any]) -> _SealFields:
    previous_id = state["previous_seal_id"]
    aggregates = state.get("aggregates")
    return _SealFields(
        sequence=whole_number(state["sequence"]),
        covers=whole_number(state["position"]),
        root_hash=str(state["root_hash"]),
        accounts=whole_number(state["accounts"]),
        previous_seal_id=None if previous_id is None else canonical_uuid(previous_id),
        previous_seal_hash=str(state["previous_seal_hash"]),
        sealed_at=dt.datetime.fromisoformat(str(state["sealed_at"])).isoformat(),
        seal_hash=str(state["seal_hash"]),
        sealed_by=str(state["sealed_by"]),
        sealed_by_id=str(state["sealed_by_id"]),
        aggregates=None if aggregates is None else whole_number(aggregates),
        touched=_heads(state.get("touched")),
        public_key=_text_or_none(state.get("public_key")),
        signature=_text_or_none(state.get("signature")),
    )


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class _DueSeal:
    seal_id: str
    fields: _SealFields
    previous_covers: int | None
    """The position the seal before it covered: what changed after it is in `touched`; None
    when the seal before it could not be read."""
    position: int


class SealChecks:
    def __init__(
        self,
        seals: Iterable[EventRecord],
        findings: Findings,
        *,
        public_key: str | None = None,
        expect_seal: str | None = None,
    ) -> None:
        self._findings = findings
        self._public_key = public_key
        self.count = 0
        self.last_seal_hash: str | None = None
        ordered = sorted(seals, key=lambda r: r.position)
        self._made: list[tuple[int, int, dt.datetime]] = []
        """(position of the seal's row, its number, when it was made), in log order."""
        self._latest_made: tuple[int, int, dt.datetime] | None = None
        self._due = self._check_chain(ordered)
        self.first_made_at = self._made[0][0] if self._made else sys.maxsize
        """The position of the first seal's row: rows up to it need no `check_recorded_after`."""
        if expect_seal is not None:
            self._expect(expect_seal.strip().lower(), ordered)

    @property
    def next_covers(self) -> int:
        """The position the next seal to cross covers (`sys.maxsize` when none is left)."""
        return self._due[0].fields.covers if self._due else sys.maxsize

    def cross(self, reached: int, heads: Heads, chains: EventChains) -> None:
        """Every event up to position `reached` has been read: the root hashes of the seals
        covering up to there are checked."""
        while self._due and self._due[0].fields.covers <= reached:
            self._check_root(self._due.pop(0), heads, chains)

    def finish(self, heads: Heads, chains: EventChains) -> None:
        """The pass has read every event: the seals not yet crossed are checked."""
        for seal in self._due:
            self._check_root(seal, heads, chains)
        self._due = []

    def check_recorded_after(self, record: EventRecord, aggregate: str) -> None:
        """A row stored after a seal was made is not dated before it: rows appended later with
        an earlier time would pass for history the seal had fixed."""
        while self._made and self._made[0][0] < record.position:
            self._latest_made = self._made.pop(0)
        if self._latest_made is None or record.state is None:
            return
        _, sequence, made_at = self._latest_made
        try:
            recorded_at = dt.datetime.fromisoformat(str(record.state["timestamp"]))
            earlier = recorded_at < made_at - IN_FLIGHT
        except (KeyError, ValueError, TypeError):
            recorded_at, earlier = None, True
        if earlier:
            self._findings.add(
                aggregate,
                record.originator_id,
                record.originator_version,
                ProblemKind.INSERTED,
                f"stored after seal {sequence} was made at {made_at.isoformat()}, but dated "
                f"{recorded_at.isoformat() if recorded_at else 'without a time'}: a row "
                "written in afterwards as if it were older",
                record.position,
            )

    def _expect(self, kept: str, seals: Sequence[EventRecord]) -> None:
        """The seal an auditor kept the hash of is still in the log; since each seal's hash
        covers the one before it, the chain checks then hold everything up to it to that hash."""
        for record in seals:
            if record.state is not None and str(record.state.get("seal_hash")) == kept:
                return
        self._findings.add(
            AggregateKind.SEAL,
            None,
            None,
            ProblemKind.DELETED,
            f"no seal with the hash {kept} that the auditor kept: that seal was deleted or "
            "changed, and what it fixed can no longer be shown unchanged",
            0,
        )

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
            if seal.recomputed_hash() != seal.seal_hash:
                self._problem(
                    record, seal, ProblemKind.CHANGED, "its hash does not recompute from its fields"
                )
            self._check_signature(record, seal)
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
            self._made.append(
                (record.position, seal.sequence, dt.datetime.fromisoformat(seal.sealed_at))
            )
            since = previous_covers if chain_known else None
            due.append(_DueSeal(record.originator_id, seal, since, record.position))
            expected_sequence = max(expected_sequence, seal.sequence + 1)
            previous_id, previous_hash = record.originator_id, seal.seal_hash
            previous_covers = max(previous_covers, seal.covers)
            chain_known = True
            self.last_seal_hash = seal.seal_hash
        due.sort(key=lambda seal: seal.fields.covers)
        return due

    def _check_signature(self, record: EventRecord, seal: _SealFields) -> None:
        if seal.legacy:
            self._problem(
                record,
                seal,
                ProblemKind.LEGACY_SEAL,
                "legacy seal, unsigned: made before seals were signed, it fixes the ledger "
                "accounts only and anyone with the server could have made it",
            )
            return
        if seal.signature is None or seal.public_key is None:
            self._problem(record, seal, ProblemKind.UNSIGNED, "unsigned: it carries no signature")
            return
        trusted = self._public_key or seal.public_key
        if seal.public_key != trusted:
            self._problem(
                record,
                seal,
                ProblemKind.BAD_SIGNATURE,
                f"signed with the key {seal.public_key}, not with the auditors' key",
            )
        elif not signature_verifies(trusted, seal_message(seal.seal_hash), seal.signature):
            self._problem(
                record,
                seal,
                ProblemKind.BAD_SIGNATURE,
                "its signature does not verify with the auditors' public key",
            )

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

    def _check_root(self, due: _DueSeal, heads: Heads, chains: EventChains) -> None:
        seal = due.fields
        if seal.legacy:
            account_heads = heads()
            recomputed = ledger_root_hash(account_heads, seal.covers)
            counted, what = len(account_heads), "accounts"
            expected_count = seal.accounts
        else:
            chain_heads = chains.current()
            recomputed = log_root_hash(chain_heads, seal.covers)
            counted, what = len(chain_heads), "aggregates"
            expected_count = seal.aggregates or 0
            if recomputed != seal.root_hash:
                self._name_changed(due, chains)
        if recomputed != seal.root_hash or counted != expected_count:
            self._findings.add(
                AggregateKind.SEAL,
                due.seal_id,
                1,
                ProblemKind.SEAL_MISMATCH,
                f"seal {seal.sequence} fixed {expected_count} {what} and root hash "
                f"{seal.root_hash} at position {seal.covers}; the stored events give "
                f"{counted} {what} and {recomputed}: an event up to that position was "
                "changed, inserted or deleted",
                due.position,
            )

    def _name_changed(self, due: _DueSeal, chains: EventChains) -> None:
        """The aggregates whose heads differ from those the seal fixed for the aggregates that
        changed since the seal before it: where the change is."""
        seal = due.fields
        fixed = {
            aggregate_id: (version, head) for aggregate_id, version, head in seal.touched or ()
        }
        for aggregate_id, (version, head) in fixed.items():
            now = chains.heads.get(aggregate_id)
            if now is None:
                self._findings.add(
                    "aggregate",
                    aggregate_id,
                    version,
                    ProblemKind.DELETED,
                    f"seal {seal.sequence} fixed it at version {version}; it has no stored rows",
                    seal.covers,
                )
            elif (now.version, now.hash) != (version, head):
                changed = now.version == version
                self._findings.add(
                    now.aggregate,
                    aggregate_id,
                    version if changed else min(version, now.version + 1),
                    ProblemKind.CHANGED
                    if changed
                    else ProblemKind.DELETED
                    if now.version < version
                    else ProblemKind.INSERTED,
                    f"seal {seal.sequence} fixed it at version {version} and head {head}; its "
                    f"stored rows up to there give version {now.version} and {now.hash}: a row "
                    "of it (any field, its timestamp and actor included) was "
                    + ("changed, moved or swapped" if changed else "deleted or inserted"),
                    now.position,
                )
        if due.previous_covers is None:
            return
        for aggregate_id, now in chains.heads.items():
            if aggregate_id not in fixed and now.position > due.previous_covers:
                self._findings.add(
                    now.aggregate,
                    aggregate_id,
                    now.version,
                    ProblemKind.INSERTED,
                    f"it has rows after seal {seal.sequence - 1} and up to seal "
                    f"{seal.sequence}, which that seal did not see",
                    now.position,
                )
