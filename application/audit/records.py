"""Stored ledger events as plain records, the one form that the checker, the bundle and the
replay read: ids and dates as strings, money as integer fen, whether the events come from the
store or from an exported bundle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.ledger.account import Account
from domain.ledger.transfer import Transfer
from domain.seal import LedgerSeal


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
EVERY_TOPIC: tuple[str, ...] = ()
"""Every event of the log, of every aggregate: what the per-aggregate chains cover."""


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One stored ledger event as plain JSON values. `state` is None when the stored row could
    not be decoded, and `error` then says why."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: dict[str, Any] | None
    error: str | None = None
    digest: str | None = None
    """In a bundle, the digest of an event whose fields are withheld (case events hold
    personal data): enough to chain it, not to read it."""

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
        if self.digest is not None:
            body["digest"] = self.digest
        return body

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EventRecord:
        """Raises ValueError (or KeyError, TypeError) when `data` is not a record."""
        position = whole_number(data["position"])
        version = whole_number(data["originator_version"])
        state = data["state"]
        topic = data["topic"]
        error = data.get("error")
        digest = data.get("digest")
        if not isinstance(topic, str) or not (state is None or isinstance(state, dict)):
            raise ValueError("topic is text and state an object or null")
        if digest is not None and not (isinstance(digest, str) and len(digest) == 64):
            raise ValueError("a digest is 64 hex digits")
        return cls(
            position=position,
            originator_id=str(UUID(str(data["originator_id"]))),
            originator_version=version,
            topic=topic,
            state=state,
            error=None if error is None else str(error),
            digest=digest,
        )


# -- reading a record's fields: each raises ValueError on a field that is not what it says ------


def whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} is not a whole number")
    return value


def positive_fen(value: Any) -> int:
    if whole_number(value) == 0:
        raise ValueError("an amount is a positive number of fen")
    return int(value)


def iso_date(value: Any) -> str:
    """A business date in its one text form, so that dates compare as strings."""
    return dt.date.fromisoformat(str(value)).isoformat()


def event_name(topic: str) -> str:
    return topic.rpartition(":")[2]


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
