"""The operations the application saves atomically. Each changes the transfer and both
accounts in memory; the caller saves all three in one save, so that either both entries and
the transfer are recorded, or none of them. Every transfer is one debit entry on the account
money leaves and one credit entry, of the same amount and phase, on the account it reaches; so
total debits equal total credits after every transfer."""

from __future__ import annotations

import datetime as dt
from typing import NotRequired, TypedDict, Unpack
from uuid import UUID

from domain.actor import current_actor
from domain.ledger.account import Account
from domain.ledger.rules import (
    a_transfer_to_a_family_records_the_familys_region,
    allocation_goes_down_to_a_sub_region,
    allocation_stays_within_source_and_programme,
    the_region_a_leg_counts_in,
    transfer_connects_the_right_kinds_of_account,
)
from domain.ledger.transfer import Transfer
from domain.ledger.vocabulary import Cause, EntryPhase, Side, TransferKind, TransferState


class NewTransfer(TypedDict):
    """What a caller gives of a new transfer, besides the two accounts it connects."""

    transfer_id: UUID
    kind: TransferKind
    amount_fen: int
    memo: str
    occurred_on: dt.date
    cause: Cause
    family_region: NotRequired[str | None]
    """The region of the family a transfer pays, when it pays one."""


def record_transfer(
    from_account: Account, to_account: Account, **new: Unpack[NewTransfer]
) -> Transfer:
    """A single-phase transfer: posted at once."""
    return _open(from_account, to_account, TransferState.POSTED, **new)


def open_pending_transfer(
    from_account: Account, to_account: Account, **new: Unpack[NewTransfer]
) -> Transfer:
    """Reserves the amount on `from_account`, reducing what it has available, until the
    transfer is posted or voided."""
    return _open(from_account, to_account, TransferState.PENDING, **new)


def post_pending_transfer(
    transfer: Transfer, from_account: Account, to_account: Account, *, posted_on: dt.date
) -> None:
    _check_accounts(transfer, from_account, to_account)
    transfer.post(posted_on)
    _enter_both(transfer, from_account, to_account, posted_on, EntryPhase.POST_PENDING)


def void_pending_transfer(
    transfer: Transfer,
    from_account: Account,
    to_account: Account,
    *,
    voided_on: dt.date,
    reason: str,
) -> None:
    _check_accounts(transfer, from_account, to_account)
    transfer.void(voided_on, reason)
    _enter_both(transfer, from_account, to_account, voided_on, EntryPhase.VOID_PENDING)


def reverse_transfer(
    original: Transfer,
    from_account: Account,
    to_account: Account,
    *,
    memo: str,
    reversed_on: dt.date,
    cause: Cause | None = None,
) -> Transfer:
    """A new transfer, linked to `original`, moving its amount back: `from_account` is the
    original's receiving account and `to_account` its paying one. Ring-fencing does not apply,
    since the money returns exactly where it came from; the funds check does, so an allocation
    already spent below cannot be taken back. The cause defaults to the original's."""
    if from_account.id != original.to_account_id or to_account.id != original.from_account_id:
        raise ValueError(f"a reversal of transfer {original.id} runs between its own accounts")
    reversal_id = Transfer.reversal_id(original.id)
    original.mark_reversed(reversal_id, reversed_on)
    reversal = Transfer(
        id=reversal_id,
        kind=TransferKind.REVERSAL,
        from_account_id=from_account.id,
        to_account_id=to_account.id,
        amount_fen=original.amount_fen,
        memo=memo,
        occurred_on=reversed_on,
        cause=original.cause if cause is None else cause,
        state=TransferState.POSTED,
        reverses=original.id,
        recorded_by=current_actor().user_id,
        # The money goes back in the region it was paid in, wherever the family is now.
        family_region=original.family_region,
    )
    _enter_both(reversal, from_account, to_account, reversed_on, EntryPhase.POSTED)
    return reversal


def _open(
    from_account: Account,
    to_account: Account,
    state: TransferState,
    *,
    transfer_id: UUID,
    kind: TransferKind,
    amount_fen: int,
    memo: str,
    occurred_on: dt.date,
    cause: Cause,
    family_region: str | None = None,
) -> Transfer:
    kind = TransferKind(kind)
    if kind == TransferKind.REVERSAL:
        raise ValueError("a reversal is made by reverse_transfer, which links it to its original")
    transfer_connects_the_right_kinds_of_account(kind, from_account, to_account)
    a_transfer_to_a_family_records_the_familys_region(to_account, family_region)
    if kind == TransferKind.ALLOCATION:
        allocation_stays_within_source_and_programme(from_account, to_account)
        allocation_goes_down_to_a_sub_region(from_account, to_account)
    # Made before its entries, which carry the digest of its terms; if an entry is refused,
    # the caller saves nothing, so neither is the transfer recorded.
    transfer = Transfer(
        id=transfer_id,
        kind=kind,
        from_account_id=from_account.id,
        to_account_id=to_account.id,
        amount_fen=amount_fen,
        memo=memo,
        occurred_on=occurred_on,
        cause=cause,
        state=state,
        reverses=None,
        recorded_by=current_actor().user_id,
        family_region=family_region,
    )
    phase = EntryPhase.PENDING if state == TransferState.PENDING else EntryPhase.POSTED
    _enter_both(transfer, from_account, to_account, occurred_on, phase)
    return transfer


def _enter_both(
    transfer: Transfer,
    from_account: Account,
    to_account: Account,
    occurred_on: dt.date,
    phase: EntryPhase,
) -> None:
    """The transfer's debit and credit entries of `phase`, dated `occurred_on`."""
    transfer_digest = transfer.terms_digest()
    # The debit first: if it overdraws, the refusal comes before anything is entered.
    for account, side, counterparty in (
        (from_account, Side.DEBIT, to_account),
        (to_account, Side.CREDIT, from_account),
    ):
        account.enter(
            side,
            transfer_id=transfer.id,
            counterparty_id=counterparty.id,
            amount_fen=transfer.amount_fen,
            occurred_on=occurred_on,
            transfer_digest=transfer_digest,
            phase=phase,
            region_code=the_region_a_leg_counts_in(account, counterparty, transfer.family_region),
        )


def _check_accounts(transfer: Transfer, from_account: Account, to_account: Account) -> None:
    # A mismatch is the caller's mistake, not a refusal the user could act on.
    if (from_account.id, to_account.id) != (transfer.from_account_id, transfer.to_account_id):
        raise ValueError(f"transfer {transfer.id} runs between other accounts")
