"""Users of the system and the index that finds one by the hash of its bearer token."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.values import Role


class User(NuanxinAggregate):
    @event("Created")
    def __init__(self, name: str, role: Role, region_code: str | None, token_hash: str) -> None:
        self.name = name
        self.role = Role(role)
        self.region_code = region_code
        self.token_hash = token_hash


class TokenIndex(NuanxinAggregate):
    @staticmethod
    def create_id(token_hash: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/nuanxin/tokens/{token_hash}")

    @event("Issued")
    def __init__(self, token_hash: str, user_id: UUID) -> None:
        self.user_id = user_id
