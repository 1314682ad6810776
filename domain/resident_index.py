"""One index aggregate per resident ID, so that a person is in at most one open family."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate


class ResidentIndex(NuanxinAggregate):
    """Points a resident ID at its family. Its id is given by the application, derived from
    the number with a keyed hash: never the number, nor anything the number alone yields."""

    @event("Claimed")
    def __init__(self, id: UUID, id_number: str, family_id: UUID) -> None:
        self.family_id = family_id

    @event("Reassigned")
    def reassign(self, family_id: UUID) -> None:
        self.family_id = family_id


class ResidentIndexKey(NuanxinAggregate):
    """Names the key a store's resident-index ids are derived with, by a fingerprint (a keyed
    hash of a fixed text): a process holding another key would find no duplicates."""

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "/nuanxin/resident-index-key")

    @event("Chosen")
    def __init__(self, fingerprint: str) -> None:
        self.fingerprint = fingerprint
