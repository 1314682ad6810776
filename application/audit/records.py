"""Stored ledger events as plain records, the one form that the checker, the bundle and the
replay read: ids and dates as strings, money as integer fen, whether the events come from the
store or from an exported bundle."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

from eventsourcing.utils import get_topic

from domain.event_chain import payload_digest
from domain.hashing import canonical_date, canonical_uuid
from domain.ledger.account import Account
from domain.ledger.transfer import Transfer
from domain.seal import LedgerSeal


def _topic(aggregate_class: type[Any], event_name: str) -> str:
    # The library defines the event classes at run time, so they are looked up by name.
    return get_topic(getattr(aggregate_class, event_name))


_Term = TypeVar("_Term", bound=StrEnum)

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


@dataclass(slots=True)
class EventRecord:
    """One stored ledger event as plain JSON values. `state` is None when the stored row could
    not be decoded, and `error` then says why. Read, never changed (`dataclasses.replace`
    makes another); not frozen, since a frozen dataclass sets each field through
    `object.__setattr__`, which made a pass over the log several per cent slower."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: dict[str, Any] | None
    error: str | None = None
    digest: str | None = None
    """Of the event's stored payload (`domain.event_chain.payload_digest`); in a bundle, all
    that is carried of an event whose fields are withheld (case events hold personal data):
    enough to chain it, not to read it."""
    payload: str | None = None
    """The stored payload, the JSON text the event's fields were stored as, from which `state`
    is read and `digest` taken; None where the row does not decode or is withheld."""

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
        if self.payload is not None:
            body["payload"] = self.payload
        elif self.digest is not None:
            body["digest"] = self.digest
        return body

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EventRecord:
        """Raises ValueError (or KeyError, TypeError) when `data` is not a record. The state
        and the digest of a record with a payload are read from the payload, never from what
        the record says beside it (`state_as_shown` compares the two)."""
        position = whole_number(data["position"])
        version = whole_number(data["originator_version"])
        topic = data["topic"]
        error = data.get("error")
        payload = data.get("payload")
        digest = data.get("digest")
        if not isinstance(topic, str):
            raise ValueError("topic is text")
        if payload is not None:
            if not isinstance(payload, str):
                raise ValueError("a payload is text")
            try:
                state: dict[str, Any] | None = decode_payload(payload)
            except ValueError:
                state, error = None, "its payload is not the JSON of an event's fields"
            digest = payload_digest(payload.encode("utf-8"))
        else:
            state = None
            if digest is not None and not (isinstance(digest, str) and len(digest) == 64):
                raise ValueError("a digest is 64 hex digits")
        return cls(
            position=position,
            originator_id=canonical_uuid(data["originator_id"]),
            originator_version=version,
            topic=topic,
            state=state,
            error=None if error is None else str(error),
            digest=digest,
            payload=payload,
        )


def state_as_shown(data: Mapping[str, Any], record: EventRecord) -> bool:
    """Whether a bundle line's readable `state` is what its payload holds (a reader of the
    bundle reads the former; the hashes cover the latter)."""
    return record.payload is None or data.get("state") == record.state


def _plain_value(fields: dict[str, Any]) -> Any:
    """The stored JSON's encoded values (`{"_type_": "uuid_hex", "_data_": ...}`) as plain
    JSON: ids in their one text form, times, dates and decimals as the text they were stored
    as (what `isoformat()` and `str()` make of them)."""
    if len(fields) == 2 and "_type_" in fields and "_data_" in fields:
        data = fields["_data_"]
        if fields["_type_"] == "uuid_hex":
            return canonical_uuid(data)
        return data
    return fields


_PAYLOAD_DECODER = json.JSONDecoder(object_hook=_plain_value)
# Made by `JSONDecoder.__init__` (the C scanner), but not in its type.
_SCAN_PAYLOAD: Callable[[str, int], tuple[Any, int]] = _PAYLOAD_DECODER.scan_once  # type: ignore[attr-defined]


def decode_payload(payload: str) -> dict[str, Any]:
    """An event's fields from its stored payload (its text), as plain JSON values (the form
    `state` takes everywhere in the audit); raises ValueError if it is not an event's JSON."""
    # The decoder's scanner at once: a stored payload is one JSON value with no space around
    # it. Anything else (space, extra text, no JSON) goes to the decoder, to be read or refused
    # as `json` reads or refuses it.
    try:
        fields, end = _SCAN_PAYLOAD(payload, 0)
    except StopIteration:
        fields, end = None, -1
    if end != len(payload):
        fields = _PAYLOAD_DECODER.decode(payload)
    if not isinstance(fields, dict):
        raise ValueError("an event's payload is a JSON object")
    fields.pop("class_version", None)
    return fields


# -- reading a record's fields: each raises ValueError on a field that is not what it says ------


def member(vocabulary: type[_Term], value: Any) -> _Term:
    """`vocabulary(value)`, by one look-up for a text the vocabulary holds (an Enum's own
    call costs several times that, for every entry of the log); anything else is refused by
    the vocabulary itself, with its own error."""
    if type(value) is str:
        found: _Term | None = _terms(vocabulary).get(value)
        if found is not None:
            return found
    term: _Term = vocabulary(value)
    return term


@cache
def _terms(vocabulary: type[_Term]) -> dict[str, _Term]:
    return {term.value: term for term in vocabulary}


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
    return canonical_date(value if isinstance(value, dt.date) else str(value))


def event_name(topic: str) -> str:
    return topic.rpartition(":")[2]


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text
