"""One index aggregate per resident ID, so that a person is in at most one open family."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate


class ResidentIndex(NuanxinAggregate):
    """Points a resident ID (by a uuid5 of it, never the ID itself) at its family."""

    @staticmethod
    def create_id(id_number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/nuanxin/residents/{id_number}")

    @event("Claimed")
    def __init__(self, id_number: str, family_id: UUID) -> None:
        self.family_id = family_id

    @event("Reassigned")
    def reassign(self, family_id: UUID) -> None:
        self.family_id = family_id
