"""A delivered 暖心行动 service, corrected or voided only by later events."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.values import Occasion, ServiceKind

GoodsData = dict[str, Any]
"""Goods in kind as recorded: description and value_fen."""

CashData = dict[str, Any]
"""Cash paid with the service: amount_fen, fund_id and the ledger's transfer_id."""


class ServiceStatus(StrEnum):
    ACTIVE = "active"
    CORRECTED = "corrected"
    VOIDED = "voided"


def check_summary(summary: str) -> str:
    if not summary.strip():
        raise InvalidValueError("summary must not be empty", field="summary")
    return summary


class ServiceRecord(NuanxinAggregate):
    @staticmethod
    def id_for(scope: str, idempotency_key: str | None) -> UUID:
        """A retried request carries the same key and so names the same record."""
        if idempotency_key is None:
            return uuid4()
        return uuid5(NAMESPACE_URL, f"/nuanxin/services/{scope}/{idempotency_key}")

    @event("Recorded")
    def __init__(
        self,
        id: UUID,
        family_id: UUID,
        region_code: str,
        kind: ServiceKind,
        occasion: Occasion,
        occurred_on: dt.date,
        staff: list[str],
        summary: str,
        goods: list[GoodsData],
        cash: CashData | None = None,
    ) -> None:
        self.family_id = family_id
        self.region_code = region_code
        self.kind = ServiceKind(kind)
        self.occasion = Occasion(occasion)
        self.occurred_on = occurred_on
        self.staff = list(staff)
        self.summary = summary
        self.goods = [dict(g) for g in goods]
        self.cash = dict(cash) if cash else None
        self.voided = False
        self.void_reason: str | None = None
        self.corrections = 0

    @property
    def status(self) -> ServiceStatus:
        if self.voided:
            return ServiceStatus.VOIDED
        return ServiceStatus.CORRECTED if self.corrections else ServiceStatus.ACTIVE

    @property
    def goods_value_fen(self) -> int:
        return sum(int(g["value_fen"]) for g in self.goods)

    def check_not_voided(self) -> None:
        if self.voided:
            raise RuleViolatedError(f"service record {self.id} is voided")

    def correct(self, reason: str, changes: dict[str, Any]) -> None:
        """`changes` holds only the fields that the correction replaces."""
        self.check_not_voided()
        if not reason.strip():
            raise InvalidValueError("a correction needs a reason", field="reason")
        if not changes:
            raise InvalidValueError("a correction must change at least one field", field="body")
        if "summary" in changes:
            check_summary(changes["summary"])
        self._corrected(reason=reason, changes=changes)

    @event("Corrected")
    def _corrected(self, reason: str, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            if name == "occurred_on":
                value = dt.date.fromisoformat(value) if isinstance(value, str) else value
            elif name == "kind":
                value = ServiceKind(value)
            elif name == "occasion":
                value = Occasion(value)
            setattr(self, name, value)
        self.corrections += 1

    def void(self, reason: str) -> None:
        self.check_not_voided()
        if not reason.strip():
            raise InvalidValueError("a void needs a reason", field="reason")
        self._voided(reason=reason)

    @event("Voided")
    def _voided(self, reason: str) -> None:
        self.voided = True
        self.void_reason = reason
