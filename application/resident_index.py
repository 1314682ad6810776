"""Reads of the resident index, and the check that every process holds the store's key."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.persistence import RecordConflictError

from application.resident_ids import legacy_index_id
from domain.resident_index import ResidentIndex, ResidentIndexKey

if TYPE_CHECKING:
    from application.app import Nuanxin


def holds_the_stores_index_key(app: Nuanxin) -> bool:
    """Whether this process derives resident-index ids with the key the store was written
    with; the first process to ask records its key as the store's."""
    ours = app.resident_ids.fingerprint()
    marker_id = ResidentIndexKey.create_id()
    if not app.exists(marker_id):
        # Another process may record its key first: then ours is compared with that one.
        with suppress(RecordConflictError):
            app.save(ResidentIndexKey(fingerprint=ours))
    marker: ResidentIndexKey = app.load(marker_id, ResidentIndexKey, "index key")
    return bool(marker.fingerprint == ours)


def resident_is_registered(app: Nuanxin, id_number: str) -> bool:
    """Whether a resident ID was ever claimed by a family."""
    return app.exists(app.resident_ids.index_id(id_number)) or app.exists(
        legacy_index_id(id_number)
    )


def families_holding_resident(app: Nuanxin, id_number: str) -> list[UUID]:
    """The families the resident's index points at, found by the keyed id alone: the one that
    last claimed the number and, in a store written before ids were keyed, the one its unkeyed
    index still names. No region check: callers scope what they show."""
    holders: list[UUID] = []
    for index_id in (app.resident_ids.index_id(id_number), legacy_index_id(id_number)):
        if app.exists(index_id):
            index: ResidentIndex = app.load(index_id, ResidentIndex, "resident index")
            holders.append(index.family_id)
    return list(dict.fromkeys(holders))
