"""Handlers and queries of 暖心行动 service records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from application.cases import family_in_scope
from application.commands.services import CorrectService, RecordService, VoidService
from application.handling import Decision, Handled, check_expected_version
from application.ledger import pay_for_service, reverse_service_payment, service_payment_id
from application.presenters import service_body
from application.principal import Principal
from domain.errors import NotFoundError
from domain.family import Family
from domain.permissions import Action
from domain.service import PaidCash, ServiceRecord, check_summary
from domain.values import check_not_future

if TYPE_CHECKING:
    from application.app import Nuanxin


def service_in_scope(app: Nuanxin, principal: Principal, service_id: UUID) -> ServiceRecord:
    service: ServiceRecord = app.load(service_id, ServiceRecord, "service record")
    family: Family = app.load(service.family_id, Family, "family")
    if not principal.covers(family.region_code):
        raise NotFoundError(f"service record {service_id} not found")
    return service


def get_service(app: Nuanxin, principal: Principal, service_id: UUID) -> dict[str, Any]:
    principal.require(Action.READ_CASES)
    return service_body(service_in_scope(app, principal, service_id))


def record_service(
    app: Nuanxin, principal: Principal, command: RecordService, key: str | None
) -> Handled:
    """Cash is paid to the family in the same atomic save as the record."""
    principal.require(Action.RECORD_CASES)
    check_not_future(command.occurred_on, app.today(), field="occurred_on")
    check_summary(command.summary)
    service_id = ServiceRecord.id_for(principal.user_id, key)
    cash = command.cash

    def decide() -> Decision:
        family = family_in_scope(app, principal, command.family_id)
        family.check_service_date_allowed(command.occurred_on)
        payment: list[Any] = []
        cash_record: PaidCash | None = None
        if cash is not None:
            family.a_payment_is_not_dated_before_registration(command.occurred_on)
            transfer, accounts = pay_for_service(
                app,
                principal,
                service_id=service_id,
                fund_id=cash.fund_id,
                family_id=family.id,
                family_region=family.region_code,
                amount_fen=cash.amount_fen,
                occurred_on=command.occurred_on,
            )
            payment = [*accounts, transfer]
            cash_record = {
                "amount_fen": cash.amount_fen,
                "fund_id": str(cash.fund_id),
                "transfer_id": str(service_payment_id(service_id)),
            }
        service = ServiceRecord(
            id=service_id,
            family_id=family.id,
            region_code=family.region_code,
            kind=command.kind,
            occasion=command.occasion,
            occurred_on=command.occurred_on,
            staff=list(command.staff),
            summary=command.summary,
            goods=list(command.goods),
            cash=cash_record,
        )
        return [service, *payment], service_body(service)

    return Handled(command, decide)


def correct_service(
    app: Nuanxin, principal: Principal, command: CorrectService, key: str | None
) -> Handled:
    principal.require(Action.RECORD_CASES)
    changes = command.changes
    if "occurred_on" in changes:
        check_not_future(changes["occurred_on"], app.today(), field="occurred_on")

    def decide() -> Decision:
        service = service_in_scope(app, principal, command.service_id)
        check_expected_version(service, command.expected_version)
        service.correct(command.reason, changes)
        if "occurred_on" in changes:
            # The new date must be one the family could have been served on (nothing is
            # saved when it is not).
            family: Family = app.load(service.family_id, Family, "family")
            family.check_service_date_allowed(service.occurred_on)
        return [service], service_body(service)

    return Handled(command, decide)


def void_service(
    app: Nuanxin, principal: Principal, command: VoidService, key: str | None
) -> Handled:
    principal.require(Action.RECORD_CASES)

    def decide() -> Decision:
        service = service_in_scope(app, principal, command.service_id)
        check_expected_version(service, command.expected_version)
        service.void(command.reason)
        reversal: list[Any] = []
        if service.cash:
            reversal = reverse_service_payment(
                app, UUID(service.cash["transfer_id"]), service_id=service.id, reason=command.reason
            )
        return [service, *reversal], service_body(service)

    return Handled(command, decide)
