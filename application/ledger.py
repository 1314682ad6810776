"""Handlers and queries of the fund ledger: funds, receipts, allocations, two-phase payments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from application.commands.ledger import (
    Allocate,
    OpenFund,
    PostTransfer,
    RecordReceipt,
    VoidTransfer,
)
from application.errors import PermissionDeniedError
from application.handling import Decision, Handled, past_or_today
from application.principal import Principal
from domain.errors import NotFoundError
from domain.ledger.account import Account
from domain.ledger.operations import (
    open_pending_transfer,
    post_pending_transfer,
    record_transfer,
    reverse_transfer,
    void_pending_transfer,
)
from domain.ledger.rules import (
    a_pending_transfer_is_settled_by_another_user_covering_its_source,
    transfer_needs_two_different_funds,
    visit_cash_comes_from_a_warm_heart_fund_covering_the_family,
)
from domain.ledger.transfer import Transfer
from domain.ledger.vocabulary import AccountKind, TransferKind
from domain.money import yuan_from_fen
from domain.permissions import Action

if TYPE_CHECKING:
    from application.app import Nuanxin


def fund_body(account: Account) -> dict[str, Any]:
    return {
        "id": str(account.id),
        "version": account.version,
        "name": account.name,
        # str(): a snapshot restores enum fields as their plain string values.
        "source": str(account.source) if account.source else None,
        "programme": str(account.programme) if account.programme else None,
        "region_code": account.region_code,
        "posted": yuan_from_fen(account.posted),
        "pending": yuan_from_fen(account.pending),
        "available": yuan_from_fen(account.available),
        "opened_at": account.created_on.isoformat(),
    }


def transfer_body(transfer: Transfer) -> dict[str, Any]:
    return {
        "id": str(transfer.id),
        "version": transfer.version,
        "kind": str(transfer.kind),
        "from_account": str(transfer.from_account_id),
        "to_account": str(transfer.to_account_id),
        "amount": yuan_from_fen(transfer.amount_fen),
        "memo": transfer.memo,
        "occurred_on": transfer.occurred_on.isoformat(),
        "state": str(transfer.state),
        "cause": transfer.cause,
        "posted_on": transfer.posted_on.isoformat() if transfer.posted_on else None,
        "voided_on": transfer.voided_on.isoformat() if transfer.voided_on else None,
        "void_reason": transfer.void_reason,
        "reverses": str(transfer.reverses) if transfer.reverses else None,
        "reversed_by": str(transfer.reversed_by) if transfer.reversed_by else None,
        "recorded_at": transfer.created_on.isoformat(),
    }


def service_payment_id(service_id: UUID) -> UUID:
    """A service pays at most once: its payment's id derives from the service's."""
    return uuid5(NAMESPACE_URL, f"/nuanxin/transfers/service/{service_id}")


# -- queries -------------------------------------------------------------------------------


def fund_in_scope(app: Nuanxin, principal: Principal, fund_id: UUID) -> Account:
    account: Account = app.load(fund_id, Account, "fund")
    if account.kind != AccountKind.FUND or account.region_code is None:
        raise NotFoundError(f"fund {fund_id} not found")
    if not principal.covers(account.region_code):
        raise NotFoundError(f"fund {fund_id} not found")
    return account


def get_fund(app: Nuanxin, principal: Principal, fund_id: UUID) -> dict[str, Any]:
    principal.require(Action.READ_FUNDS)
    return fund_body(fund_in_scope(app, principal, fund_id))


def get_transfer(app: Nuanxin, principal: Principal, transfer_id: UUID) -> dict[str, Any]:
    principal.require(Action.READ_LEDGER)
    transfer: Transfer = app.load(transfer_id, Transfer, "transfer")
    _check_transfer_in_scope(app, principal, transfer)
    return transfer_body(transfer)


# -- handlers ------------------------------------------------------------------------------


def open_fund(app: Nuanxin, principal: Principal, command: OpenFund, key: str | None) -> Handled:
    principal.require(Action.MANAGE_FUNDS)
    _require_region(principal, command.region_code, "region_code")

    def decide() -> Decision:
        fund = Account.open_fund(
            uuid4(),
            name=command.name,
            source=command.source,
            programme=command.programme,
            region_code=command.region_code,
        )
        return [fund], fund_body(fund)

    return Handled(command, decide)


def record_receipt(
    app: Nuanxin, principal: Principal, command: RecordReceipt, key: str | None
) -> Handled:
    principal.require(Action.MANAGE_FUNDS)
    on = past_or_today(app, command.received_on, "received_on")
    transfer_id = Transfer.id_for(principal.user_id, key)
    payer, reference = command.payer, command.reference

    def decide() -> Decision:
        fund = fund_in_scope(app, principal, command.fund_id)
        payer_account = external_account(app, payer)
        transfer = record_transfer(
            payer_account,
            fund,
            transfer_id=transfer_id,
            kind=TransferKind.RECEIPT,
            amount_fen=command.amount_fen,
            memo=f"{payer} {reference}".strip(),
            occurred_on=on,
            cause={"type": "receipt", "id": str(transfer_id), "reference": reference},
        )
        return [payer_account, fund, transfer], transfer_body(transfer) | {"fund": fund_body(fund)}

    return Handled(replace(command, received_on=on), decide)


def allocate(app: Nuanxin, principal: Principal, command: Allocate, key: str | None) -> Handled:
    principal.require(Action.MANAGE_FUNDS)
    on = past_or_today(app, command.occurred_on, "occurred_on")
    transfer_id = Transfer.id_for(principal.user_id, key)
    transfer_needs_two_different_funds(command.from_fund, command.to_fund)
    move = open_pending_transfer if command.pending else record_transfer

    def decide() -> Decision:
        source = fund_in_scope(app, principal, command.from_fund)
        target = fund_in_scope(app, principal, command.to_fund)
        transfer = move(
            source,
            target,
            transfer_id=transfer_id,
            kind=TransferKind.ALLOCATION,
            amount_fen=command.amount_fen,
            memo=command.memo,
            occurred_on=on,
            cause={"type": "allocation", "id": str(transfer_id)},
        )
        return [source, target, transfer], transfer_body(transfer)

    return Handled(replace(command, occurred_on=on), decide)


def post_transfer(
    app: Nuanxin, principal: Principal, command: PostTransfer, key: str | None
) -> Handled:
    principal.require(Action.SETTLE_TRANSFERS)
    on = past_or_today(app, command.posted_on, "posted_on")

    def post(transfer: Transfer, source: Account, target: Account) -> None:
        post_pending_transfer(transfer, source, target, posted_on=on)

    return Handled(
        replace(command, posted_on=on), lambda: _settled(app, principal, command.transfer_id, post)
    )


def void_transfer(
    app: Nuanxin, principal: Principal, command: VoidTransfer, key: str | None
) -> Handled:
    principal.require(Action.SETTLE_TRANSFERS)
    on = past_or_today(app, command.voided_on, "voided_on")

    def void(transfer: Transfer, source: Account, target: Account) -> None:
        void_pending_transfer(transfer, source, target, voided_on=on, reason=command.reason)

    return Handled(
        replace(command, voided_on=on), lambda: _settled(app, principal, command.transfer_id, void)
    )


# -- used by service records, policies and claims ------------------------------------------


def pay_for_service(
    app: Nuanxin,
    principal: Principal,
    *,
    service_id: UUID,
    fund_id: UUID,
    family_id: UUID,
    family_region: str,
    amount_fen: int,
    occurred_on: dt.date,
) -> tuple[Transfer, list[Account]]:
    """The payment a service record makes, to be saved in the same save as the record."""
    fund = fund_in_scope(app, principal, fund_id)
    visit_cash_comes_from_a_warm_heart_fund_covering_the_family(fund, family_region)
    family_account = beneficiary_account(app, family_id)
    transfer = record_transfer(
        fund,
        family_account,
        transfer_id=service_payment_id(service_id),
        kind=TransferKind.SERVICE_PAYMENT,
        amount_fen=amount_fen,
        memo="暖心行动慰问金",
        occurred_on=occurred_on,
        cause={"type": "service", "id": str(service_id)},
        family_region=family_region,
    )
    return transfer, [fund, family_account]


def reverse_service_payment(
    app: Nuanxin, transfer_id: UUID, *, service_id: UUID, reason: str
) -> list[Any]:
    """Voiding a service pays the money back to its fund by a new, linked transfer."""
    original: Transfer = app.load(transfer_id, Transfer, "transfer")
    family_account: Account = app.load(original.to_account_id, Account, "account")
    fund: Account = app.load(original.from_account_id, Account, "fund")
    reversal = reverse_transfer(
        original,
        family_account,
        fund,
        memo=f"作废服务记录：{reason}",
        reversed_on=app.today(),
        cause={"type": "service_void", "id": str(service_id)},
    )
    return [original, reversal, family_account, fund]


def external_account(app: Nuanxin, name: str) -> Account:
    account_id = Account.external_id(name)
    if app.exists(account_id):
        account: Account = app.load(account_id, Account, "account")
        return account
    return Account.open_external(name)


def beneficiary_account(app: Nuanxin, family_id: UUID) -> Account:
    account_id = Account.beneficiary_id(family_id)
    if app.exists(account_id):
        account: Account = app.load(account_id, Account, "account")
        return account
    return Account.open_beneficiary(family_id)


# -- helpers -------------------------------------------------------------------------------


def _require_region(principal: Principal, region_code: str, field: str) -> None:
    if not principal.covers(region_code):
        raise PermissionDeniedError(f"region {region_code} is outside your region", field=field)


def _settled(
    app: Nuanxin,
    principal: Principal,
    transfer_id: UUID,
    settle: Callable[[Transfer, Account, Account], None],
) -> Decision:
    """A pending transfer posted or voided by a user allowed to settle it."""
    transfer, source, target = _pending_parts(app, principal, transfer_id)
    a_pending_transfer_is_settled_by_another_user_covering_its_source(
        transfer, source, settler_id=principal.user_id, settler_scope=principal.scope
    )
    settle(transfer, source, target)
    return [source, target, transfer], transfer_body(transfer)


def _pending_parts(
    app: Nuanxin, principal: Principal, transfer_id: UUID
) -> tuple[Transfer, Account, Account]:
    transfer: Transfer = app.load(transfer_id, Transfer, "transfer")
    _check_transfer_in_scope(app, principal, transfer)
    source: Account = app.load(transfer.from_account_id, Account, "account")
    target: Account = app.load(transfer.to_account_id, Account, "account")
    return transfer, source, target


def _check_transfer_in_scope(app: Nuanxin, principal: Principal, transfer: Transfer) -> None:
    for account_id in (transfer.from_account_id, transfer.to_account_id):
        account: Account = app.load(account_id, Account, "account")
        if account.region_code is not None and principal.covers(account.region_code):
            return
    if principal.scope:
        raise NotFoundError(f"transfer {transfer.id} not found")
