"""A delivered 暖心行动 service, corrected or voided only by later events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypedDict, cast
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.errors import InvalidValueError, RuleViolatedError
from domain.money import yuan_from_fen
from domain.values import Occasion, ServiceKind

# Recorded values are plain dicts, so that events stay plain JSON and the events of existing
# stores load as they were written.


class Goods(TypedDict):
    """Goods in kind given with the service."""

    description: str
    value_fen: int


class PaidCash(TypedDict):
    """Cash paid with the service, and the ledger transfer that paid it."""

    amount_fen: int
    fund_id: str
    transfer_id: str


class ServiceChanges(TypedDict, total=False):
    """What a correction replaces; every other field of a record stays as recorded."""

    kind: ServiceKind
    occasion: Occasion
    occurred_on: dt.date
    staff: list[str]
    summary: str
    goods: list[Goods]


CORRECTABLE_FIELDS = frozenset(ServiceChanges.__optional_keys__)


class ServiceIsVoidedError(RuleViolatedError):
    def __init__(self, service_id: UUID) -> None:
        super().__init__(f"service record {service_id} is voided")


class UncorrectableFieldError(InvalidValueError):
    def __init__(self, field: str) -> None:
        super().__init__(
            f"a correction may change only {', '.join(sorted(CORRECTABLE_FIELDS))}; "
            f"{field} stays as recorded",
            field=field,
        )


class PaidCashIsFinalError(RuleViolatedError):
    def __init__(self, cash: PaidCash) -> None:
        super().__init__(
            f"this service paid {yuan_from_fen(cash['amount_fen'])} yuan, which no correction "
            "changes or removes: void the service (the payment is reversed) and record it again",
            field="cash",
        )


class PaidServiceKeepsItsDateError(RuleViolatedError):
    def __init__(self) -> None:
        super().__init__(
            "this service paid cash: void it and record it again with the right date",
            field="occurred_on",
        )


class ServiceStatus(StrEnum):
    ACTIVE = "active"
    CORRECTED = "corrected"
    VOIDED = "voided"


def check_summary(summary: str) -> str:
    if not summary.strip():
        raise InvalidValueError("summary must not be empty", field="summary")
    return summary


def a_correction_changes_only_correctable_fields(requested: Mapping[str, Any]) -> ServiceChanges:
    """The family, region and cash of a record are facts of its recording: a record of the
    wrong family or with the wrong payment is voided and recorded again."""
    if not requested:
        raise InvalidValueError("a correction must change at least one field", field="body")
    for name in requested:
        if name not in CORRECTABLE_FIELDS:
            raise UncorrectableFieldError(name)
    return cast(ServiceChanges, dict(requested))


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
        goods: list[Goods],
        cash: PaidCash | None = None,
    ) -> None:
        self.family_id = family_id
        self.region_code = region_code
        self.kind = ServiceKind(kind)
        self.occasion = Occasion(occasion)
        self.occurred_on = occurred_on
        self.staff = list(staff)
        self.summary = summary
        self.goods = [Goods(**g) for g in goods]
        self.cash = PaidCash(**cash) if cash else None
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
            raise ServiceIsVoidedError(self.id)

    def paid_cash_is_never_corrected(self, requested: Mapping[str, Any]) -> None:
        """The ledger paid exactly what the record says; a void reverses it, nothing else."""
        if "cash" in requested and self.cash:
            raise PaidCashIsFinalError(self.cash)

    def a_paid_service_keeps_its_date(self, requested: Mapping[str, Any]) -> None:
        """The payment carries the service's date; moving one without the other would split
        the record from the ledger."""
        if "occurred_on" in requested and self.cash:
            raise PaidServiceKeepsItsDateError()

    def correct(self, reason: str, requested: Mapping[str, Any]) -> None:
        """`requested` names each field the correction replaces, with its new value."""
        self.check_not_voided()
        if not reason.strip():
            raise InvalidValueError("a correction needs a reason", field="reason")
        self.paid_cash_is_never_corrected(requested)
        changes = a_correction_changes_only_correctable_fields(requested)
        self.a_paid_service_keeps_its_date(changes)
        if "summary" in changes:
            check_summary(changes["summary"])
        self._corrected(reason=reason, changes=changes)

    @event("Corrected")
    def _corrected(self, reason: str, changes: ServiceChanges) -> None:
        # Only correctable fields apply: a store written before the rule may hold a correction
        # naming another field (`cash: null`), and paid cash stays as paid, so that a void
        # reverses it.
        if "kind" in changes:
            self.kind = ServiceKind(changes["kind"])
        if "occasion" in changes:
            self.occasion = Occasion(changes["occasion"])
        if "occurred_on" in changes:
            self.occurred_on = _as_date(changes["occurred_on"])
        if "staff" in changes:
            self.staff = list(changes["staff"])
        if "summary" in changes:
            self.summary = changes["summary"]
        if "goods" in changes:
            self.goods = [Goods(**g) for g in changes["goods"]]
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


def _as_date(value: dt.date | str) -> dt.date:
    """Dates decode as dates; a change given as an ISO string is read as one too."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
