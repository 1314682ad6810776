"""The answer to a request made with an Idempotency-Key, saved with the changes it made."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate


class IdempotentResponse(NuanxinAggregate):
    @staticmethod
    def create_id(scope: str, key: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/nuanxin/idempotency/{scope}/{key}")

    @event("Stored")
    def __init__(self, scope: str, key: str, fingerprint: str, body: dict[str, Any]) -> None:
        self.fingerprint = fingerprint
        self.body = body
