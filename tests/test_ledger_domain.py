"""The fund ledger's domain rules, without a database."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.utils import get_topic, resolve_topic

from domain.errors import InvalidValueError, RuleViolatedError
from domain.ledger.account import Account
from domain.ledger.errors import (
    AccountKindMismatchError,
    InsufficientFundsError,
    RingFenceViolatedError,
    SameFundTransferError,
    TransferNotPendingError,
    TransferNotReversibleError,
    VisitCashFromWrongFundError,
)
from domain.ledger.hashing import account_opening_hash, ledger_entry_hash, transfer_terms_digest
from domain.ledger.operations import (
    open_pending_transfer,
    post_pending_transfer,
    record_transfer,
    reverse_transfer,
    void_pending_transfer,
)
from domain.ledger.rules import (
    transfer_needs_two_different_funds,
    visit_cash_comes_from_a_warm_heart_fund_covering_the_family,
)
from domain.ledger.transfer import Transfer
from domain.ledger.vocabulary import (
    AccountKind,
    EntryPhase,
    FundSource,
    Programme,
    Side,
    TransferKind,
    TransferState,
)

DAY = dt.date(2024, 2, 8)
PROVINCE = "430000"
CITY = "430100"
COUNTY = "430121"
OTHER_COUNTY = "430124"
FAMILY_REGION = "430121101001"


def fund(
    region_code: str = CITY,
    source: FundSource = FundSource.PROVINCIAL_BUDGET,
    programme: Programme = Programme.WARM_HEART,
) -> Account:
    return Account.open_fund(
        uuid4(),
        name=f"{source} {programme} {region_code}",
        source=source,
        programme=programme,
        region_code=region_code,
    )


def receive(account: Account, amount_fen: int, treasury: Account | None = None) -> Transfer:
    return record_transfer(
        treasury or Account.open_external("provincial treasury"),
        account,
        transfer_id=uuid4(),
        kind=TransferKind.RECEIPT,
        amount_fen=amount_fen,
        memo="budget",
        occurred_on=DAY,
        cause={"type": "receipt", "reference": "2024-001"},
    )


def funded(amount_fen: int, region_code: str = CITY) -> Account:
    account = fund(region_code)
    receive(account, amount_fen)
    return account


def allocate(from_account: Account, to_account: Account, amount_fen: int) -> Transfer:
    return record_transfer(
        from_account,
        to_account,
        transfer_id=uuid4(),
        kind=TransferKind.ALLOCATION,
        amount_fen=amount_fen,
        memo="allocation",
        occurred_on=DAY,
        cause={"type": "allocation"},
    )


def pay(from_account: Account, family: Account, amount_fen: int) -> Transfer:
    return record_transfer(
        from_account,
        family,
        transfer_id=uuid4(),
        kind=TransferKind.SERVICE_PAYMENT,
        amount_fen=amount_fen,
        memo="spring festival visit",
        occurred_on=DAY,
        cause={"type": "service", "id": str(uuid4())},
        family_region=FAMILY_REGION,
    )


def reserve(from_account: Account, family: Account, amount_fen: int) -> Transfer:
    return open_pending_transfer(
        from_account,
        family,
        transfer_id=uuid4(),
        kind=TransferKind.CLAIM_PAYMENT,
        amount_fen=amount_fen,
        memo="nursing subsidy",
        occurred_on=DAY,
        cause={"type": "claim", "id": str(uuid4())},
        family_region=FAMILY_REGION,
    )


def family_account() -> Account:
    return Account.open_beneficiary(uuid4())


def entries(account: Account) -> list[Any]:
    return [e for e in account.collect_events() if isinstance(e, Account.EntryRecorded)]


# -- funds ----------------------------------------------------------------------------------


def test_a_fund_account_refuses_a_debit_that_would_overdraw_it() -> None:
    account = funded(50_000)

    with pytest.raises(InsufficientFundsError) as refused:
        pay(account, family_account(), 50_001)

    assert refused.value.account_id == account.id
    assert refused.value.available_fen == 50_000


def test_a_refused_transfer_leaves_the_balance_as_it_was() -> None:
    account = funded(50_000)

    with pytest.raises(InsufficientFundsError):
        pay(account, family_account(), 50_001)

    assert (account.posted, account.available) == (50_000, 50_000)


def test_a_fund_account_may_be_spent_to_exactly_zero() -> None:
    account = funded(50_000)

    pay(account, family_account(), 50_000)

    assert account.available == 0


def test_an_external_account_may_go_negative() -> None:
    treasury = Account.open_external("provincial treasury")

    receive(fund(), 1_000_000, treasury)

    assert treasury.posted == -1_000_000


def test_a_payment_credits_the_family_account() -> None:
    family = family_account()

    pay(funded(50_000), family, 30_000)

    assert family.posted == 30_000


def test_money_cannot_leave_a_family_account_except_by_reversal() -> None:
    family = family_account()
    pay(funded(50_000), family, 30_000)

    with pytest.raises(AccountKindMismatchError):
        record_transfer(
            family,
            fund(),
            transfer_id=uuid4(),
            kind=TransferKind.ALLOCATION,
            amount_fen=10_000,
            memo="",
            occurred_on=DAY,
            cause={"type": "allocation"},
        )


def test_a_receipt_must_come_from_an_external_account() -> None:
    with pytest.raises(AccountKindMismatchError):
        receive(fund(), 10_000, treasury=fund(PROVINCE))


def test_an_amount_must_be_positive() -> None:
    with pytest.raises(InvalidValueError) as refused:
        pay(funded(50_000), family_account(), 0)

    assert refused.value.field == "amount"


def test_a_fund_account_needs_a_known_source() -> None:
    with pytest.raises(InvalidValueError) as refused:
        Account.open_fund(
            uuid4(), name="f", source="lottery", programme="warm_heart", region_code=CITY
        )

    assert refused.value.field == "source"


def test_a_fund_account_needs_a_valid_region_code() -> None:
    with pytest.raises(InvalidValueError) as refused:
        Account.open_fund(
            uuid4(), name="f", source="provincial_budget", programme="warm_heart", region_code="43"
        )

    assert refused.value.field == "region_code"


def test_implicit_accounts_have_ids_derived_from_what_they_stand_for() -> None:
    family_id = uuid4()

    treasury = Account.open_external(" provincial treasury ")
    family = Account.open_beneficiary(family_id)

    assert treasury.id == Account.external_id("provincial treasury")
    assert family.id == Account.beneficiary_id(family_id)


# -- ring-fencing ---------------------------------------------------------------------------


def test_an_allocation_to_a_sub_region_moves_the_money() -> None:
    city, county = funded(100_000, CITY), fund(COUNTY)

    allocate(city, county, 40_000)

    assert (city.posted, county.posted) == (60_000, 40_000)


def test_an_allocation_to_a_fund_of_another_source_is_refused() -> None:
    city = funded(100_000, CITY)
    county = fund(COUNTY, source=FundSource.FOUNDATION_DONATION)

    with pytest.raises(RingFenceViolatedError):
        allocate(city, county, 40_000)


def test_an_allocation_to_a_fund_of_another_programme_is_refused() -> None:
    city = funded(100_000, CITY)
    county = fund(COUNTY, programme=Programme.NURSING_SUBSIDY)

    with pytest.raises(RingFenceViolatedError):
        allocate(city, county, 40_000)


def test_an_allocation_to_a_region_outside_the_subtree_is_refused() -> None:
    county, other_county = funded(100_000, COUNTY), fund(OTHER_COUNTY)

    with pytest.raises(RingFenceViolatedError):
        allocate(county, other_county, 40_000)


def test_an_allocation_up_to_a_parent_region_is_refused() -> None:
    county, city = funded(100_000, COUNTY), fund(CITY)

    with pytest.raises(RingFenceViolatedError):
        allocate(county, city, 40_000)


def test_an_allocation_within_the_same_region_is_refused() -> None:
    city, other_city_fund = funded(100_000, CITY), fund(CITY)

    with pytest.raises(RingFenceViolatedError):
        allocate(city, other_city_fund, 40_000)


def test_a_province_may_allocate_to_a_township_several_levels_down() -> None:
    province, township = funded(100_000, PROVINCE), fund("430121001")

    allocate(province, township, 40_000)

    assert township.posted == 40_000


def test_a_transfer_from_a_fund_to_itself_is_refused() -> None:
    fund_id = uuid4()

    with pytest.raises(SameFundTransferError) as refused:
        transfer_needs_two_different_funds(fund_id, fund_id)

    assert refused.value.field == "to_fund"


def test_a_transfer_between_two_funds_is_allowed() -> None:
    transfer_needs_two_different_funds(uuid4(), uuid4())


def test_visit_cash_may_come_from_a_warm_heart_fund_of_the_familys_region_or_above() -> None:
    visit_cash_comes_from_a_warm_heart_fund_covering_the_family(fund(CITY), COUNTY)


def test_visit_cash_from_a_fund_of_another_programme_is_refused() -> None:
    nursing = fund(CITY, programme=Programme.NURSING_SUBSIDY)

    with pytest.raises(VisitCashFromWrongFundError) as refused:
        visit_cash_comes_from_a_warm_heart_fund_covering_the_family(nursing, COUNTY)

    assert refused.value.field == "cash.fund_id"


def test_visit_cash_from_a_fund_of_a_region_not_covering_the_family_is_refused() -> None:
    county_fund = fund(COUNTY)

    with pytest.raises(VisitCashFromWrongFundError) as refused:
        visit_cash_comes_from_a_warm_heart_fund_covering_the_family(county_fund, OTHER_COUNTY)

    assert refused.value.field == "cash.fund_id"


# -- two phases -----------------------------------------------------------------------------


def test_a_pending_debit_reduces_available_but_not_posted() -> None:
    account = funded(50_000)

    reserve(account, family_account(), 20_000)

    assert (account.posted, account.pending, account.available) == (50_000, 20_000, 30_000)


def test_a_pending_credit_is_not_available_until_posted() -> None:
    family = family_account()

    reserve(funded(50_000), family, 20_000)

    assert (family.posted, family.pending_credits, family.available) == (0, 20_000, 0)


def test_a_pending_debit_that_would_overdraw_is_refused() -> None:
    account = funded(50_000)
    reserve(account, family_account(), 40_000)

    with pytest.raises(InsufficientFundsError) as refused:
        reserve(account, family_account(), 20_000)

    assert refused.value.available_fen == 10_000


def test_posting_a_pending_transfer_moves_the_reserved_amount() -> None:
    account, family = funded(50_000), family_account()
    transfer = reserve(account, family, 20_000)

    post_pending_transfer(transfer, account, family, posted_on=DAY)

    assert (account.posted, account.pending, account.available) == (30_000, 0, 30_000)
    assert (family.posted, family.pending_credits) == (20_000, 0)
    assert transfer.state == TransferState.POSTED


def test_voiding_a_pending_transfer_releases_the_reserved_amount() -> None:
    account, family = funded(50_000), family_account()
    transfer = reserve(account, family, 20_000)

    void_pending_transfer(transfer, account, family, voided_on=DAY, reason="claim withdrawn")

    assert (account.posted, account.available) == (50_000, 50_000)
    assert (family.posted, family.pending_credits) == (0, 0)
    assert transfer.state == TransferState.VOIDED


def test_a_pending_transfer_cannot_be_posted_twice() -> None:
    account, family = funded(50_000), family_account()
    transfer = reserve(account, family, 20_000)
    post_pending_transfer(transfer, account, family, posted_on=DAY)

    with pytest.raises(TransferNotPendingError):
        post_pending_transfer(transfer, account, family, posted_on=DAY)


def test_a_voided_transfer_cannot_be_posted() -> None:
    account, family = funded(50_000), family_account()
    transfer = reserve(account, family, 20_000)
    void_pending_transfer(transfer, account, family, voided_on=DAY, reason="withdrawn")

    with pytest.raises(TransferNotPendingError):
        post_pending_transfer(transfer, account, family, posted_on=DAY)


def test_a_posted_transfer_cannot_be_voided() -> None:
    account, family = funded(50_000), family_account()
    transfer = reserve(account, family, 20_000)
    post_pending_transfer(transfer, account, family, posted_on=DAY)

    with pytest.raises(TransferNotPendingError):
        void_pending_transfer(transfer, account, family, voided_on=DAY, reason="too late")


def test_a_single_phase_transfer_is_created_posted_and_cannot_be_posted_again() -> None:
    account, family = funded(50_000), family_account()
    transfer = pay(account, family, 20_000)

    with pytest.raises(TransferNotPendingError):
        post_pending_transfer(transfer, account, family, posted_on=DAY)


def test_a_pending_transfer_cannot_be_posted_before_it_was_opened() -> None:
    account, family = funded(50_000), family_account()
    transfer = reserve(account, family, 20_000)

    with pytest.raises(InvalidValueError) as refused:
        post_pending_transfer(transfer, account, family, posted_on=DAY - dt.timedelta(days=1))

    assert refused.value.field == "posted_on"


# -- reversals ------------------------------------------------------------------------------


def test_a_reversal_moves_the_money_back_and_links_to_the_original() -> None:
    account, family = funded(50_000), family_account()
    payment = pay(account, family, 20_000)

    reversal = reverse_transfer(payment, family, account, memo="service voided", reversed_on=DAY)

    assert (account.posted, family.posted) == (50_000, 0)
    assert (reversal.reverses, payment.reversed_by) == (payment.id, reversal.id)
    assert reversal.cause == payment.cause


def test_a_transfer_cannot_be_reversed_twice() -> None:
    account, family = funded(50_000), family_account()
    payment = pay(account, family, 20_000)
    reverse_transfer(payment, family, account, memo="service voided", reversed_on=DAY)

    with pytest.raises(TransferNotReversibleError):
        reverse_transfer(payment, family, account, memo="again", reversed_on=DAY)


def test_a_pending_transfer_is_voided_not_reversed() -> None:
    account, family = funded(50_000), family_account()
    transfer = reserve(account, family, 20_000)

    with pytest.raises(TransferNotReversibleError):
        reverse_transfer(transfer, family, account, memo="", reversed_on=DAY)


def test_reversing_an_allocation_returns_the_money_up_the_regions() -> None:
    city, county = funded(100_000, CITY), fund(COUNTY)
    allocation = allocate(city, county, 40_000)

    reverse_transfer(allocation, county, city, memo="allocated in error", reversed_on=DAY)

    assert (city.posted, county.posted) == (100_000, 0)


def test_an_allocation_already_spent_below_cannot_be_reversed() -> None:
    city, county = funded(100_000, CITY), fund(COUNTY)
    allocation = allocate(city, county, 40_000)
    pay(county, family_account(), 30_000)

    with pytest.raises(InsufficientFundsError) as refused:
        reverse_transfer(allocation, county, city, memo="allocated in error", reversed_on=DAY)

    assert (refused.value.account_id, refused.value.available_fen) == (county.id, 10_000)


# -- the hash chain -------------------------------------------------------------------------


def test_the_first_entry_of_an_account_chains_to_the_hash_of_its_opening() -> None:
    account = funded(50_000)

    opened, first = account.collect_events()[:2]

    assert opened.opening_hash == account_opening_hash(
        account_id=account.id,
        kind=account.kind,
        name=account.name,
        source=account.source,
        programme=account.programme,
        region_code=account.region_code,
        family_id=None,
    )
    assert first.previous_hash == opened.opening_hash


def test_an_opening_hash_recomputes_from_its_event_and_heads_an_account_without_entries() -> None:
    account = family_account()
    (opened,) = account.collect_events()

    # Ids as strings, the way an exported bundle holds them.
    recomputed = account_opening_hash(
        account_id=opened.originator_id.hex,
        kind=str(opened.kind),
        name=opened.name,
        source=None,
        programme=None,
        region_code=None,
        family_id=str(opened.family_id),
    )

    assert recomputed == opened.opening_hash == account.last_hash


OPENING_FIELDS: dict[str, Any] = {
    "account_id": UUID("6f1c1f38-6f5e-4f2e-9d1b-2f1f0c9a2b11"),
    "kind": "fund",
    "name": "长沙县暖心行动（基金会捐赠）",
    "source": "foundation_donation",
    "programme": "warm_heart",
    "region_code": COUNTY,
    "family_id": None,
}


@pytest.mark.parametrize(
    ("field", "changed"),
    [
        ("account_id", uuid4()),
        ("kind", "external"),
        ("name", "长沙市暖心行动（基金会捐赠）"),
        ("source", "local_matching"),
        ("programme", "education_aid"),
        ("region_code", CITY),
        ("family_id", uuid4()),
    ],
)
def test_the_opening_hash_changes_when_any_field_of_the_opening_changes(
    field: str, changed: Any
) -> None:
    original = account_opening_hash(**OPENING_FIELDS)

    tampered = account_opening_hash(**{**OPENING_FIELDS, field: changed})

    assert tampered != original


def test_each_entry_links_to_the_hash_of_the_entry_before_it() -> None:
    account = funded(50_000)
    pay(account, family_account(), 10_000)
    reserve(account, family_account(), 10_000)

    chained = entries(account)

    assert [e.previous_hash for e in chained[1:]] == [e.entry_hash for e in chained[:-1]]
    assert account.last_hash == chained[-1].entry_hash


def test_an_entry_hash_can_be_recomputed_from_the_fields_of_its_event() -> None:
    account = funded(50_000)
    pay(account, family_account(), 10_000)
    chained = entries(account)

    # Ids and dates as strings, the way an exported bundle holds them.
    recomputed = [
        ledger_entry_hash(
            account_id=e.originator_id.hex,
            version=e.originator_version,
            transfer_id=str(e.transfer_id),
            side=str(e.side),
            phase=str(e.phase),
            amount_fen=e.amount_fen,
            occurred_on=e.occurred_on.isoformat(),
            counterparty_id=e.counterparty_id.hex,
            transfer_digest=e.transfer_digest,
            previous_hash=e.previous_hash,
        )
        for e in chained
    ]

    assert recomputed == [e.entry_hash for e in chained]


HASH_FIELDS: dict[str, Any] = {
    "account_id": UUID("6f1c1f38-6f5e-4f2e-9d1b-2f1f0c9a2b11"),
    "version": 2,
    "transfer_id": UUID("0b7e3f4a-3c1d-4a8e-8f5e-6a7b8c9d0e1f"),
    "side": "debit",
    "phase": "posted",
    "amount_fen": 50_000,
    "occurred_on": DAY,
    "counterparty_id": UUID("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
    "transfer_digest": "d" * 64,
    "previous_hash": "0" * 64,
}


@pytest.mark.parametrize(
    ("field", "changed"),
    [
        ("account_id", uuid4()),
        ("version", 3),
        ("transfer_id", uuid4()),
        ("side", "credit"),
        ("phase", "pending"),
        ("amount_fen", 50_001),
        ("occurred_on", DAY + dt.timedelta(days=1)),
        ("counterparty_id", uuid4()),
        ("transfer_digest", "e" * 64),
        ("previous_hash", "1" * 64),
    ],
)
def test_the_entry_hash_changes_when_any_field_changes(field: str, changed: Any) -> None:
    original = ledger_entry_hash(**HASH_FIELDS)

    tampered = ledger_entry_hash(**{**HASH_FIELDS, field: changed})

    assert tampered != original


def test_both_entries_of_every_phase_carry_the_digest_of_their_transfers_terms() -> None:
    treasury, account, family = Account.open_external("treasury"), fund(), family_account()
    receipt = receive(account, 50_000, treasury)
    claim = reserve(account, family, 10_000)
    post_pending_transfer(claim, account, family, posted_on=DAY)
    payment = pay(account, family, 5_000)
    reversal = reverse_transfer(payment, family, account, memo="voided", reversed_on=DAY)
    transfers = {t.id: t for t in (receipt, claim, payment, reversal)}

    carried = [
        (e.transfer_id, e.phase, e.transfer_digest)
        for e in entries(treasury) + entries(account) + entries(family)
    ]

    assert len(carried) == 2 * 5  # each of 5 recordings and postings enters both sides
    assert all(digest == transfers[t].terms_digest() for t, _, digest in carried)
    assert len({digest for _, _, digest in carried}) == len(transfers)


def test_a_transfer_digest_can_be_recomputed_from_its_recorded_event() -> None:
    account, family = funded(50_000), family_account()
    payment = pay(account, family, 10_000)
    reversal = reverse_transfer(payment, family, account, memo="voided", reversed_on=DAY)

    for transfer in (payment, reversal):
        recorded = transfer.collect_events()[0]
        # Ids and dates as strings, the way an exported bundle holds them.
        recomputed = transfer_terms_digest(
            kind=str(recorded.kind),
            from_account_id=recorded.from_account_id.hex,
            to_account_id=str(recorded.to_account_id),
            amount_fen=recorded.amount_fen,
            memo=recorded.memo,
            occurred_on=recorded.occurred_on.isoformat(),
            cause=dict(recorded.cause),
            reverses=None if recorded.reverses is None else str(recorded.reverses),
        )
        assert recomputed == transfer.terms_digest()


TERMS: dict[str, Any] = {
    "kind": "allocation",
    "from_account_id": UUID("6f1c1f38-6f5e-4f2e-9d1b-2f1f0c9a2b11"),
    "to_account_id": UUID("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
    "amount_fen": 300_000,
    "memo": "下拨长沙县",
    "occurred_on": DAY,
    "cause": {"type": "allocation", "id": "0b7e3f4a-3c1d-4a8e-8f5e-6a7b8c9d0e1f"},
    "reverses": None,
}


@pytest.mark.parametrize(
    ("term", "changed"),
    [
        ("kind", "service_payment"),
        ("from_account_id", uuid4()),
        ("to_account_id", uuid4()),
        ("amount_fen", 300_001),
        ("memo", "下拨长沙县（补）"),
        ("occurred_on", DAY + dt.timedelta(days=1)),
        ("cause", {"type": "allocation", "id": str(uuid4())}),
        ("reverses", uuid4()),
    ],
)
def test_the_transfer_digest_changes_when_any_term_changes(term: str, changed: Any) -> None:
    original = transfer_terms_digest(**TERMS)

    tampered = transfer_terms_digest(**{**TERMS, term: changed})

    assert tampered != original


# -- stored names -----------------------------------------------------------------------------


def test_ledger_events_keep_the_topics_existing_stores_hold() -> None:
    account, family = funded(50_000), family_account()
    transfer = pay(account, family, 10_000)

    topics = {get_topic(type(event)) for event in account.collect_events()}
    topics |= {get_topic(type(event)) for event in transfer.collect_events()}

    assert topics == {
        "domain.ledger:Account.Opened",
        "domain.ledger:Account.EntryRecorded",
        "domain.ledger:Transfer.Recorded",
    }
    assert resolve_topic("domain.ledger:Account") is Account


# -- replay and the double-entry invariant ----------------------------------------------------


def test_an_account_rebuilt_from_its_events_has_the_same_balances_and_last_hash() -> None:
    account, family = funded(50_000), family_account()
    pay(account, family, 10_000)
    reserve(account, family, 5_000)

    replayed: Account | None = None
    for stored in account.collect_events():
        replayed = stored.mutate(replayed)

    assert replayed is not None
    assert (replayed.posted, replayed.pending, replayed.available, replayed.last_hash) == (
        account.posted,
        account.pending,
        account.available,
        account.last_hash,
    )


def test_debits_equal_credits_after_a_sequence_of_transfers() -> None:
    treasury = Account.open_external("provincial treasury")
    province, city, county = fund(PROVINCE), fund(CITY), fund(COUNTY)
    family_a, family_b = family_account(), family_account()
    receive(province, 1_000_000, treasury)
    allocate(province, city, 600_000)
    allocate(city, county, 400_000)
    payment = pay(county, family_a, 50_000)
    claim = reserve(county, family_b, 30_000)
    post_pending_transfer(claim, county, family_b, posted_on=DAY)
    reserve(county, family_a, 20_000)
    reverse_transfer(payment, family_a, county, memo="service voided", reversed_on=DAY)
    accounts = [treasury, province, city, county, family_a, family_b]

    posted_debits = sum(a.posted_debits for a in accounts)
    posted_credits = sum(a.posted_credits for a in accounts)
    pending_debits = sum(a.pending_debits for a in accounts)
    pending_credits = sum(a.pending_credits for a in accounts)

    assert (posted_debits, pending_debits) == (posted_credits, pending_credits)
    assert sum(a.posted for a in accounts) == 0
    assert county.available == 400_000 - 30_000 - 20_000


def test_a_settling_entry_cannot_release_more_than_is_pending() -> None:
    account = funded(50_000)

    with pytest.raises(RuleViolatedError):
        account.enter(
            Side.DEBIT,
            transfer_id=uuid4(),
            counterparty_id=uuid4(),
            amount_fen=10_000,
            occurred_on=DAY,
            transfer_digest="d" * 64,
            phase=EntryPhase.POST_PENDING,
        )


# -- funds as of each business date -----------------------------------------------------------


def days_before(days: int) -> dt.date:
    return DAY - dt.timedelta(days=days)


def move(
    from_account: Account,
    to_account: Account,
    amount_fen: int,
    on: dt.date,
    *,
    kind: TransferKind = TransferKind.SERVICE_PAYMENT,
    pending: bool = False,
) -> Transfer:
    """A transfer dated `on`: a payment to a family unless `kind` says otherwise."""
    make = open_pending_transfer if pending else record_transfer
    return make(
        from_account,
        to_account,
        transfer_id=uuid4(),
        kind=kind,
        amount_fen=amount_fen,
        memo="dated",
        occurred_on=on,
        cause={"type": str(kind), "id": str(uuid4())},
        family_region=FAMILY_REGION if to_account.kind == AccountKind.BENEFICIARY else None,
    )


def receive_on(account: Account, amount_fen: int, on: dt.date) -> Transfer:
    return move(
        Account.open_external("provincial treasury"),
        account,
        amount_fen,
        on,
        kind=TransferKind.RECEIPT,
    )


def test_a_backdated_debit_from_a_fund_funded_later_is_refused() -> None:
    account = fund()
    receive_on(account, 50_000, DAY)
    versions = account.version

    with pytest.raises(InsufficientFundsError) as refused:
        move(account, family_account(), 50_000, days_before(5))

    assert (refused.value.account_id, refused.value.available_fen) == (account.id, 0)
    assert refused.value.as_of == days_before(5).isoformat()
    assert f"as of {days_before(5).isoformat()}" in str(refused.value)
    assert (account.version, account.available) == (versions, 50_000)


def test_a_backdated_debit_from_a_fund_funded_earlier_is_allowed() -> None:
    account = fund()
    receive_on(account, 50_000, days_before(10))

    move(account, family_account(), 50_000, days_before(5))

    assert account.available == 0


def test_a_backdated_debit_that_would_overdraw_a_later_date_is_refused() -> None:
    account, family = fund(), family_account()
    receive_on(account, 50_000, days_before(10))
    move(account, family, 40_000, days_before(2))
    receive_on(account, 100_000, DAY)

    with pytest.raises(InsufficientFundsError) as refused:
        # As of its own date 500.00 are there, but as of two days ago only 100.00 are left.
        move(account, family, 20_000, days_before(5))

    assert refused.value.available_fen == 10_000
    assert refused.value.as_of == days_before(2).isoformat()
    move(account, family, 10_000, days_before(5))
    assert account.lowest_available_from(days_before(10)) == (0, days_before(2).isoformat())


def test_the_binding_amount_is_named_without_a_date_when_it_is_what_is_available_now() -> None:
    account = fund()
    receive_on(account, 50_000, days_before(10))
    move(account, family_account(), 40_000, days_before(2))

    with pytest.raises(InsufficientFundsError) as refused:
        move(account, family_account(), 20_000, days_before(5))

    assert (refused.value.available_fen, refused.value.as_of) == (10_000, None)
    assert "as of" not in str(refused.value)


def test_a_backdated_debit_may_not_dip_a_later_days_journal_below_zero() -> None:
    """The journal runs in date order, then in the order entries were recorded: the 100.00 paid
    on DAY came before the 50.00 received on DAY, so 50.00 more taken before DAY would show the
    fund at -50.00 after that payment, though DAY ends at 0.00."""
    account, family = fund(), family_account()
    receive_on(account, 10_000, days_before(1))
    move(account, family, 10_000, DAY)
    receive_on(account, 5_000, DAY)

    with pytest.raises(InsufficientFundsError) as refused:
        move(account, family, 5_000, days_before(1))

    assert (refused.value.available_fen, refused.value.as_of) == (0, DAY.isoformat())


def test_a_reservation_and_its_posting_keep_each_date_non_negative() -> None:
    account, family = fund(), family_account()
    receive_on(account, 100_000, days_before(10))
    claim = move(account, family, 60_000, days_before(5), pending=True)

    with pytest.raises(InsufficientFundsError) as before_posting:
        move(account, family, 50_000, days_before(8))
    post_pending_transfer(claim, account, family, posted_on=days_before(2))
    with pytest.raises(InsufficientFundsError) as after_posting:
        move(account, family, 50_000, days_before(8))
    with pytest.raises(InsufficientFundsError):
        move(account, family, 50_000, days_before(8), pending=True)
    move(account, family, 40_000, days_before(8))

    assert before_posting.value.available_fen == after_posting.value.available_fen == 40_000
    assert (account.posted, account.pending, account.available) == (0, 0, 0)


def test_a_voided_reservation_gives_back_only_from_the_date_it_is_voided() -> None:
    account, family = fund(), family_account()
    receive_on(account, 100_000, days_before(10))
    claim = move(account, family, 60_000, days_before(5), pending=True)
    void_pending_transfer(claim, account, family, voided_on=days_before(3), reason="withdrawn")

    with pytest.raises(InsufficientFundsError) as refused:
        move(account, family, 50_000, days_before(6))
    move(account, family, 50_000, days_before(3))

    assert refused.value.as_of == days_before(5).isoformat()
    assert refused.value.available_fen == 40_000


def test_a_pending_credit_counts_only_from_the_date_it_is_posted() -> None:
    city, county, family = fund(CITY), fund(COUNTY), family_account()
    receive_on(city, 100_000, days_before(10))
    allocation = move(
        city, county, 100_000, days_before(5), kind=TransferKind.ALLOCATION, pending=True
    )
    post_pending_transfer(allocation, city, county, posted_on=days_before(2))

    with pytest.raises(InsufficientFundsError):
        move(county, family, 100_000, days_before(4))
    move(county, family, 100_000, days_before(2))

    assert county.available == 0


def test_an_external_account_may_pay_backdated_whatever_it_holds() -> None:
    treasury = Account.open_external("provincial treasury")
    move(treasury, fund(), 1_000, DAY, kind=TransferKind.RECEIPT)

    move(treasury, fund(), 1_000, days_before(30), kind=TransferKind.RECEIPT)
    treasury.check_can_pay(10**9, days_before(60))

    assert treasury.available == -2_000
    assert treasury.lowest_available_from(days_before(30)) == (-2_000, DAY.isoformat())


def test_an_accounts_dates_survive_a_snapshot_and_an_older_snapshot_is_upcast() -> None:
    account, family = fund(), family_account()
    receive_on(account, 50_000, days_before(10))
    move(account, family, 20_000, days_before(5))

    restored = Account.Snapshot.take(account).mutate(None)
    older_state = dict(Account.Snapshot.take(account).state)
    del older_state["available_by_date"], older_state["class_version"]
    older = Account.Snapshot(
        originator_id=account.id,
        originator_version=account.version,
        timestamp=Account.Snapshot.create_timestamp(),
        topic=Account.Snapshot.take(account).topic,
        state=older_state,
    ).mutate(None)

    assert isinstance(restored, Account)
    assert isinstance(older, Account)
    assert restored.available_by_date == account.available_by_date
    with pytest.raises(InsufficientFundsError):
        move(restored, family, 30_001, days_before(8))
    assert older.lowest_available_from(days_before(8)) == (30_000, days_before(8).isoformat())
