"""The region each leg of a transfer counts in, as the domain records it on the entries."""

from __future__ import annotations

from typing import Any

import pytest

from domain.ledger.account import Account
from domain.ledger.operations import post_pending_transfer, record_transfer, reverse_transfer
from domain.ledger.vocabulary import TransferKind
from tests.test_ledger_domain import (
    COUNTY,
    DAY,
    FAMILY_REGION,
    entries,
    family_account,
    fund,
    funded,
    pay,
    receive,
    reserve,
)


def regions(account: Account) -> list[Any]:
    return [entry.region_code for entry in entries(account)]


def test_a_payments_fund_leg_counts_in_the_funds_region_and_its_family_leg_in_the_familys() -> None:
    county, family = funded(50_000, COUNTY), family_account()

    pay(county, family, 20_000)

    assert regions(county)[-1] == COUNTY
    assert regions(family) == [FAMILY_REGION]


def test_a_payment_to_a_family_that_does_not_name_the_familys_region_is_a_bug() -> None:
    with pytest.raises(ValueError, match="names the family's region"):
        record_transfer(
            funded(50_000),
            family_account(),
            transfer_id=Account.external_id("x"),
            kind=TransferKind.SERVICE_PAYMENT,
            amount_fen=100,
            memo="",
            occurred_on=DAY,
            cause={"type": "service"},
        )


def test_a_payers_leg_of_a_receipt_counts_in_the_region_of_the_fund_it_pays() -> None:
    treasury, county = Account.open_external("provincial treasury"), fund(COUNTY)

    receive(county, 50_000, treasury)

    assert regions(treasury) == regions(county) == [COUNTY]


def test_an_insurers_leg_of_its_payment_to_a_family_counts_in_the_familys_region() -> None:
    insurer, family = Account.open_external("中国人寿长沙分公司"), family_account()

    record_transfer(
        insurer,
        family,
        transfer_id=Account.external_id("claim"),
        kind=TransferKind.INSURER_PAYMENT,
        amount_fen=800_000,
        memo="意外伤害保险理赔",
        occurred_on=DAY,
        cause={"type": "claim"},
        family_region=FAMILY_REGION,
    )

    assert regions(insurer) == regions(family) == [FAMILY_REGION]


def test_a_reservation_settled_later_counts_every_leg_where_it_was_made() -> None:
    county, family = funded(50_000, COUNTY), family_account()
    reservation = reserve(county, family, 20_000)

    post_pending_transfer(reservation, county, family, posted_on=DAY)

    assert regions(county)[-2:] == [COUNTY, COUNTY]
    assert regions(family) == [FAMILY_REGION, FAMILY_REGION]


def test_a_reversal_counts_where_the_payment_it_reverses_did() -> None:
    county, family = funded(50_000, COUNTY), family_account()
    payment = pay(county, family, 20_000)

    reversal = reverse_transfer(payment, family, county, memo="service voided", reversed_on=DAY)

    assert reversal.family_region == FAMILY_REGION
    assert regions(family) == [FAMILY_REGION, FAMILY_REGION]
    assert regions(county)[-1] == COUNTY
