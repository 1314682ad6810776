"""The rules that say which transfers may be made: which accounts connect, and ring-fencing
(专款专用): fund money stays in its source and programme and flows down the regions; and the
rule that says in which region each leg of a transfer counts."""

from __future__ import annotations

from uuid import UUID

from domain.ledger.account import Account
from domain.ledger.errors import (
    AccountKindMismatchError,
    RingFenceViolatedError,
    SameFundTransferError,
    SettledByItsRecorderError,
    SettlerOutsideSourceRegionError,
    VisitCashFromWrongFundError,
)
from domain.ledger.transfer import Transfer
from domain.ledger.vocabulary import TRANSFER_ROUTES, AccountKind, Programme, TransferKind
from domain.values import region_scope


def transfer_connects_the_right_kinds_of_account(
    kind: TransferKind, from_account: Account, to_account: Account
) -> None:
    expected_from, expected_to = TRANSFER_ROUTES[kind]
    if from_account.kind != expected_from or to_account.kind != expected_to:
        raise AccountKindMismatchError(
            f"a {kind} goes from a {expected_from} account to a {expected_to} account, "
            f"not from a {from_account.kind} account to a {to_account.kind} account"
        )


def a_transfer_to_a_family_records_the_familys_region(
    to_account: Account, family_region: str | None
) -> None:
    """Without it the family's leg would count in no region, and a region's journal would
    show the fund paying its family but never the family being paid."""
    if to_account.kind == AccountKind.BENEFICIARY and not family_region:
        # The application always knows the family; a caller that forgets it is a bug.
        raise ValueError(f"a transfer to account {to_account.id} names the family's region")


def the_region_a_leg_counts_in(
    account: Account, counterparty: Account, family_region: str | None
) -> str | None:
    """A fund's leg counts in the fund's region. A family's leg counts in the region the
    family was in when the transfer was recorded (`family_region`, which the transfer keeps),
    so that a region's journal shows both legs of a payment to its family, and keeps showing
    them after the family moves away. An external account (a payer, an insurer) belongs to no
    region: its leg counts where the transfer's other leg does, so that a region's journal
    shows receipts into its funds and insurers' payments to its families whole. Every leg
    counts in one region at most, so a region's journal is the sum of its sub-regions'."""
    if account.kind == AccountKind.FUND:
        return account.region_code
    if account.kind == AccountKind.BENEFICIARY:
        return family_region
    if counterparty.kind == AccountKind.EXTERNAL:
        return None  # no route connects two external accounts
    return the_region_a_leg_counts_in(counterparty, account, family_region)


def allocation_stays_within_source_and_programme(
    from_account: Account, to_account: Account
) -> None:
    if (from_account.source, from_account.programme) != (to_account.source, to_account.programme):
        raise RingFenceViolatedError(
            f"money of {from_account.source} for {from_account.programme} cannot go to a fund "
            f"of {to_account.source} for {to_account.programme}: "
            "ring-fenced money stays in its source and programme"
        )


def allocation_goes_down_to_a_sub_region(from_account: Account, to_account: Account) -> None:
    """Strictly down: a move within one region would shift money between two of its funds (two
    donors' projects, say) with no allocation decision behind it, and a move sideways or up
    takes money from the region it was given to. Money goes back up only by reversing the
    allocation that brought it, which stays linked to it."""
    to_region = to_account.region_code or ""
    if to_region == from_account.region_code or not to_region.startswith(
        region_scope(from_account.region_code)
    ):
        raise RingFenceViolatedError(
            f"money of region {from_account.region_code} goes only to its sub-regions, "
            f"not to {to_region}"
        )


def transfer_needs_two_different_funds(from_fund_id: UUID, to_fund_id: UUID) -> None:
    if from_fund_id == to_fund_id:
        raise SameFundTransferError("a transfer needs two different funds", field="to_fund")


def visit_cash_comes_from_a_warm_heart_fund_covering_the_family(
    fund: Account, family_region: str
) -> None:
    """Ring-fencing (专款专用): money of another programme is not spent on visits, and a
    region's money is not spent on families outside it."""
    if fund.programme != Programme.WARM_HEART:
        raise VisitCashFromWrongFundError(
            f"fund {fund.id} belongs to the {fund.programme} programme; "
            "暖心行动 services pay only from warm_heart funds",
            field="cash.fund_id",
        )
    if fund.region_code is None or not family_region.startswith(region_scope(fund.region_code)):
        raise VisitCashFromWrongFundError(
            f"fund {fund.id} of region {fund.region_code} cannot pay a family in region "
            f"{family_region}",
            field="cash.fund_id",
        )


def a_pending_transfer_is_settled_by_another_user_covering_its_source(
    transfer: Transfer, source: Account, *, settler_id: str, settler_scope: str
) -> None:
    """Posting or voiding a reservation needs a user whose region (`settler_scope`, a region
    prefix, "" for all) covers the fund it draws on, and who did not record it: segregation of
    duties (DESIGN.md section 3)."""
    if not (source.region_code or "").startswith(settler_scope):
        raise SettlerOutsideSourceRegionError(
            f"transfer {transfer.id} draws on a fund of region {source.region_code}, which "
            "your region does not cover"
        )
    if transfer.recorded_by is not None and transfer.recorded_by == settler_id:
        raise SettledByItsRecorderError(
            f"you recorded transfer {transfer.id}; another user posts or voids it"
        )
