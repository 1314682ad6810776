"""Users of the system and the index that finds one by the hash of its bearer token."""

from __future__ import annotations

import datetime as dt
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.errors import RuleViolatedError
from domain.values import Role


class TokenRevokedError(RuleViolatedError):
    """A revoked token is refused at once, and cannot be revoked twice."""


class User(NuanxinAggregate):
    @event("Created")
    def __init__(
        self,
        name: str,
        role: Role,
        region_code: str | None,
        token_hash: str,
        expires_at: dt.datetime | None = None,
    ) -> None:
        self.name = name
        self.role = Role(role)
        self.region_code = region_code
        self.token_hash = token_hash
        self.expires_at = expires_at
        self.revoked_at: dt.datetime | None = None

    def revoke(self) -> None:
        if self.revoked_at is not None:
            raise TokenRevokedError(f"user {self.name} was already revoked")
        self._revoked()

    @event("Revoked")
    def _revoked(self) -> None:
        self.revoked_at = self.modified_on

    def may_authenticate_at(self, moment: dt.datetime) -> bool:
        """A token works until it is revoked or, if it has an expiry, until then."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or moment < self.expires_at


class TokenIndex(NuanxinAggregate):
    @staticmethod
    def create_id(token_hash: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/nuanxin/tokens/{token_hash}")

    @event("Issued")
    def __init__(self, token_hash: str, user_id: UUID) -> None:
        self.user_id = user_id
