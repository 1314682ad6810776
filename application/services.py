"""Commands and queries on 暖心行动 service records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from application.base import CommandResult, Decision, check_expected_version
from application.cases import CaseCommands
from application.ledger import LedgerCommands, service_payment_id
from application.presenters import service_body
from application.principal import Principal
from domain.errors import NotFoundError
from domain.family import Family
from domain.permissions import Action
from domain.service import Goods, PaidCash, ServiceRecord, check_summary
from domain.values import Occasion, ServiceKind, check_not_future


class ServiceCommands(CaseCommands, LedgerCommands):
    def service_in_scope(self, principal: Principal, service_id: UUID) -> ServiceRecord:
        service: ServiceRecord = self.load(service_id, ServiceRecord, "service record")
        family: Family = self.load(service.family_id, Family, "family")
        if not principal.covers(family.region_code):
            raise NotFoundError(f"service record {service_id} not found")
        return service

    def get_service(self, principal: Principal, service_id: UUID) -> dict[str, Any]:
        principal.require(Action.READ_CASES)
        return service_body(self.service_in_scope(principal, service_id))

    def record_service(
        self,
        principal: Principal,
        family_id: UUID,
        *,
        kind: ServiceKind,
        occasion: Occasion,
        occurred_on: dt.date,
        staff: list[str],
        summary: str,
        goods: list[Goods],
        cash: tuple[int, UUID] | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        """`cash` is (amount in fen, fund id), paid to the family in the same atomic save as
        the record."""
        principal.require(Action.RECORD_CASES)
        check_not_future(occurred_on, self.today(), field="occurred_on")
        check_summary(summary)
        service_id = ServiceRecord.id_for(principal.user_id, idempotency_key)

        def decide() -> Decision:
            family = self.family_in_scope(principal, family_id)
            family.check_service_date_allowed(occurred_on)
            payment: list[Any] = []
            cash_record: PaidCash | None = None
            if cash is not None:
                family.a_payment_is_not_dated_before_registration(occurred_on)
                amount_fen, fund_id = cash
                transfer, accounts = self.pay_for_service(
                    principal,
                    service_id=service_id,
                    fund_id=fund_id,
                    family_id=family.id,
                    family_region=family.region_code,
                    amount_fen=amount_fen,
                    occurred_on=occurred_on,
                )
                payment = [*accounts, transfer]
                cash_record = {
                    "amount_fen": amount_fen,
                    "fund_id": str(fund_id),
                    "transfer_id": str(service_payment_id(service_id)),
                }
            service = ServiceRecord(
                id=service_id,
                family_id=family.id,
                region_code=family.region_code,
                kind=kind,
                occasion=occasion,
                occurred_on=occurred_on,
                staff=staff,
                summary=summary,
                goods=goods,
                cash=cash_record,
            )
            return [service, *payment], service_body(service)

        return self.execute(
            principal,
            decide,
            idempotency_key=idempotency_key,
            fingerprint=(
                "record_service",
                str(family_id),
                kind,
                occasion,
                occurred_on,
                staff,
                summary,
                goods,
                cash and (cash[0], str(cash[1])),
            ),
        )

    def correct_service(
        self,
        principal: Principal,
        service_id: UUID,
        *,
        reason: str,
        changes: Mapping[str, Any],
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        principal.require(Action.RECORD_CASES)
        if "occurred_on" in changes:
            check_not_future(changes["occurred_on"], self.today(), field="occurred_on")

        def decide() -> Decision:
            service = self.service_in_scope(principal, service_id)
            check_expected_version(service, expected_version)
            service.correct(reason, changes)
            if "occurred_on" in changes:
                # The new date must be one the family could have been served on (nothing is
                # saved when it is not).
                family: Family = self.load(service.family_id, Family, "family")
                family.check_service_date_allowed(service.occurred_on)
            return [service], service_body(service)

        return self.execute(
            principal,
            decide,
            idempotency_key=idempotency_key,
            fingerprint=("correct_service", str(service_id), reason, changes),
        )

    def void_service(
        self,
        principal: Principal,
        service_id: UUID,
        *,
        reason: str,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        principal.require(Action.RECORD_CASES)

        def decide() -> Decision:
            service = self.service_in_scope(principal, service_id)
            check_expected_version(service, expected_version)
            service.void(reason)
            reversal: list[Any] = []
            if service.cash:
                reversal = self.reverse_service_payment(
                    UUID(service.cash["transfer_id"]), service_id=service.id, reason=reason
                )
            return [service, *reversal], service_body(service)

        return self.execute(
            principal,
            decide,
            idempotency_key=idempotency_key,
            fingerprint=("void_service", str(service_id), reason),
        )
