"""Reading the application's event store as plain records: ledger events a page of
notifications at a time, and account snapshots, decoded by the application's mapper (which
holds the cipher key). A row that does not decode becomes a record without state, for the
checker to report."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.application import Application
from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import MapperDeserialisationError, Notification

from application.audit.records import EventRecord, decode_payload
from domain.event_chain import payload_digest
from domain.hashing import canonical_uuid
from domain.ledger.account import Account

PAGE_SIZE = 1000
"""Notifications read per query: large pages keep a full pass fast, small ones keep memory low."""

Progress = Callable[[int, int], None]
"""Told (position reached, last position to read) after each page."""

_AS_IS = frozenset({str, int, bool, float, type(None)})


def plain(value: Any) -> Any:
    """An event field as JSON: ids and dates as their standard strings."""
    kind = type(value)
    # Exact types first: this runs for every field of every event.
    if kind in _AS_IS:
        return value
    if kind is UUID:
        return canonical_uuid(value)
    if kind is dt.date or kind is dt.datetime:  # a datetime keeps its offset
        return value.isoformat()
    if kind is dict:
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, str | int | float):
        return value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return str(value)


class RowDecoder:
    """Decodes stored rows for one pass: decrypted and decompressed by the application's own
    cipher and compressor, then read as plain JSON (no event object is made: the audit reads
    what is stored, whatever class it names). A row that does not decode gives a record
    without state, and `error` says why.

    When the application's cipher is exactly the library's AES-GCM cipher, one AES-GCM object
    serves the whole pass, reading the library's layout (nonce | tag | ciphertext), instead of
    one made per row; any other cipher decrypts through its own `decrypt`."""

    def __init__(self, app: Application[UUID]) -> None:
        mapper = app.mapper
        cipher = mapper.cipher
        self._decrypt: Callable[[bytes], bytes] | None
        if type(cipher) is AESCipher:
            self._decrypt = _aes_gcm_decrypt(AESGCM(cipher.key))
        else:
            self._decrypt = None if cipher is None else cipher.decrypt
        compressor = mapper.compressor
        self._decompress = None if compressor is None else compressor.decompress

    def record(self, notification: Notification) -> EventRecord:
        try:
            payload = notification.state
            if self._decrypt is not None:
                payload = self._decrypt(payload)
            if self._decompress is not None:
                payload = self._decompress(payload)
            text = payload.decode("utf-8")
            state = decode_payload(text)
        except (ValueError, zlib.error) as failure:  # UnicodeDecodeError is a ValueError
            return EventRecord(
                position=notification.id,
                originator_id=canonical_uuid(notification.originator_id),
                originator_version=notification.originator_version,
                topic=notification.topic,
                state=None,
                error=str(failure) or type(failure).__name__,
            )
        return EventRecord(
            position=notification.id,
            originator_id=canonical_uuid(notification.originator_id),
            originator_version=notification.originator_version,
            topic=notification.topic,
            state=state,
            digest=payload_digest(payload),
            payload=text,
        )


def _aes_gcm_decrypt(aes_gcm: AESGCM) -> Callable[[bytes], bytes]:
    """`AESCipher.decrypt` with one AES-GCM object: the same checks, the same errors."""

    def decrypt(ciphertext: bytes) -> bytes:
        nonce = ciphertext[:12]
        if len(nonce) != 12:
            raise ValueError("Damaged cipher text: invalid nonce length")
        tag = ciphertext[12:28]
        if len(tag) != 16:
            raise ValueError("Damaged cipher text: invalid tag length")
        try:
            return aes_gcm.decrypt(nonce, ciphertext[28:] + tag, None)
        except InvalidTag as error:
            raise ValueError("Invalid cipher tag") from error

    return decrypt


def stored_records(
    app: Application[UUID],
    topics: Sequence[str],
    *,
    stop: int,
    progress: Progress | None = None,
) -> Iterator[EventRecord]:
    """The application's events of `topics` up to notification `stop`, in log order, read a
    page at a time."""
    decode = RowDecoder(app).record
    after = 0
    while after < stop:
        page = app.recorder.select_notifications(
            start=after, limit=PAGE_SIZE, stop=stop, topics=topics, inclusive_of_start=False
        )
        # The page decoded whole, then handed on: decoding and checking row by row in turn
        # made a verification about 7% slower (each loop evicting the other from the caches).
        yield from [decode(notification) for notification in page]
        after = page[-1].id if len(page) == PAGE_SIZE else stop
        if progress is not None:
            progress(after, stop)


def log_head(app: Application[UUID]) -> int:
    """The position of the log's last event: what a pass started now reads up to."""
    return int(app.recorder.max_notification_id() or 0)


def snapshot_interval(app: Application[UUID]) -> int | None:
    """Every how many versions the application snapshots an account, if it does."""
    if app.snapshots is None:
        return None
    interval = type(app).snapshotting_intervals.get(Account)
    return int(interval) if interval else None


def account_snapshots(
    app: Application[UUID], account_ids: Iterable[str]
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
            yield account_id, stored.originator_version, plain(snapshot.state), None
