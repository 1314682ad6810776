"""The resident index's keyed ids, and the check that every process holds the store's key."""

from __future__ import annotations

from contextlib import suppress
from functools import cached_property
from uuid import UUID

from eventsourcing.persistence import RecordConflictError

from application.base import NuanxinBase
from application.resident_ids import ResidentIdHasher, legacy_index_id
from domain.resident_index import ResidentIndex, ResidentIndexKey


class ResidentIndexes(NuanxinBase):
    @cached_property
    def resident_ids(self) -> ResidentIdHasher:
        return ResidentIdHasher.from_base64(self.env["RESIDENT_INDEX_KEY"])

    def holds_the_stores_index_key(self) -> bool:
        """Whether this process derives resident-index ids with the key the store was
        written with; the first process to ask records its key as the store's."""
        ours = self.resident_ids.fingerprint()
        marker_id = ResidentIndexKey.create_id()
        if not self.exists(marker_id):
            # Another process may record its key first: then ours is compared with that one.
            with suppress(RecordConflictError):
                self.save(ResidentIndexKey(fingerprint=ours))
        marker: ResidentIndexKey = self.load(marker_id, ResidentIndexKey, "index key")
        return bool(marker.fingerprint == ours)

    def resident_is_registered(self, id_number: str) -> bool:
        """Whether a resident ID was ever claimed by a family."""
        return self.exists(self.resident_ids.index_id(id_number)) or self.exists(
            legacy_index_id(id_number)
        )

    def families_holding_resident(self, id_number: str) -> list[UUID]:
        """The families the resident's index points at, found by the keyed id alone: the one
        that last claimed the number and, in a store written before ids were keyed, the one
        its unkeyed index still names. No region check: callers scope what they show."""
        holders: list[UUID] = []
        for index_id in (self.resident_ids.index_id(id_number), legacy_index_id(id_number)):
            if self.exists(index_id):
                index: ResidentIndex = self.load(index_id, ResidentIndex, "resident index")
                holders.append(index.family_id)
        return list(dict.fromkeys(holders))
