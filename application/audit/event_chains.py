"""The per-aggregate hash chain over every row of the log (`domain.event_chain`), recomputed in
log order: each aggregate's head after the rows read so far, for the seals' root hashes. The
rows of aggregates outside the ledger are also held to their versions here (1..n, no gap, no
repeat) and must decode; the ledger's own streams do that for accounts and transfers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from application.audit.records import ACCOUNT_TOPICS, TRANSFER_TOPICS, EventRecord, first_line
from application.audit.report import Findings, ProblemKind
from domain.event_chain import GENESIS_HASH, Head, event_chain_hash

UNREADABLE = "unreadable"
"""The head of an aggregate after a row that neither decodes nor carries a digest: it matches
no hash a seal fixed."""

_LEDGER_STREAM_TOPICS = frozenset(ACCOUNT_TOPICS + TRANSFER_TOPICS)


@lru_cache(maxsize=512)
def aggregate_kind(topic: str) -> str:
    """ "domain.service:ServiceRecord.Recorded" -> "service_record"; seals are "seal"."""
    class_name = topic.rpartition(":")[2].partition(".")[0]
    kind = re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower() or "aggregate"
    return "seal" if kind == "ledger_seal" else kind


@dataclass(slots=True)
class ChainHead:
    aggregate: str
    """The aggregate's kind as problems name it: "family", "service_record", "account", ..."""
    version: int = 0
    hash: str = GENESIS_HASH
    position: int = 0
    """Of its last row read."""


class EventChains:
    def __init__(self, findings: Findings) -> None:
        self.heads: dict[str, ChainHead] = {}
        self._findings = findings

    def row(self, record: EventRecord) -> str:
        """Chains one row; answers its aggregate's kind."""
        aggregate_id = record.originator_id
        topic = record.topic
        head = self.heads.get(aggregate_id)
        if head is None:
            head = self.heads[aggregate_id] = ChainHead(aggregate_kind(topic))
        version = record.originator_version
        outside_ledger = topic not in _LEDGER_STREAM_TOPICS
        if outside_ledger:
            self._check_sequence(head, record)
        digest = record.digest
        if digest is None:
            if outside_ledger:
                self._findings.add(
                    head.aggregate,
                    aggregate_id,
                    version,
                    ProblemKind.CHANGED,
                    f"the stored row does not decode: {first_line(record.error or '')}",
                    record.position,
                )
            head.hash = UNREADABLE
        else:
            head.hash = event_chain_hash(head.hash, aggregate_id, version, topic, digest)
        if version > head.version:
            head.version = version
        head.position = record.position
        return head.aggregate

    def current(self) -> list[Head]:
        """Every aggregate's head as the rows read so far leave it."""
        return [(key, head.version, head.hash) for key, head in self.heads.items()]

    def _check_sequence(self, head: ChainHead, record: EventRecord) -> None:
        version, expected = record.originator_version, head.version + 1
        if version < expected:
            detail = f"a second row of version {version}, after version {head.version}"
            problem, at = ProblemKind.INSERTED, version
        elif version > expected:
            missing = str(expected) if version == expected + 1 else f"{expected} to {version - 1}"
            detail = f"version {missing} is missing: the next stored row is version {version}"
            problem, at = ProblemKind.DELETED, expected
        else:
            return
        self._findings.add(
            head.aggregate, record.originator_id, at, problem, detail, record.position
        )
