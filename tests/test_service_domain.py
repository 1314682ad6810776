"""A service record's rules, without a database."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import InvalidValueError
from domain.service import (
    PaidCash,
    PaidCashIsFinalError,
    PaidServiceKeepsItsDateError,
    ServiceIsVoidedError,
    ServiceRecord,
    ServiceStatus,
    UncorrectableFieldError,
)
from domain.values import Occasion, ServiceKind

DAY = dt.date(2025, 1, 27)


def paid_cash(amount_fen: int = 50_000) -> PaidCash:
    return {"amount_fen": amount_fen, "fund_id": str(uuid4()), "transfer_id": str(uuid4())}


def service(cash: PaidCash | None = None) -> ServiceRecord:
    return ServiceRecord(
        id=uuid4(),
        family_id=uuid4(),
        region_code="430121101001",
        kind=ServiceKind.VISIT,
        occasion=Occasion.SPRING_FESTIVAL,
        occurred_on=DAY,
        staff=["张敏", "刘洋"],
        summary="春节走访慰问",
        goods=[{"description": "大米一袋", "value_fen": 8_000}],
        cash=cash,
    )


def replayed(record: ServiceRecord) -> ServiceRecord:
    """The record as a repository rebuilds it from its stored events."""
    rebuilt: Any = None
    for stored in record.collect_events():
        rebuilt = stored.mutate(rebuilt)
    assert isinstance(rebuilt, ServiceRecord)
    return rebuilt


# -- recording ------------------------------------------------------------------------------


def test_a_recorded_service_is_active() -> None:
    assert service().status == ServiceStatus.ACTIVE


def test_the_goods_value_is_the_sum_of_the_goods() -> None:
    record = service()

    record.correct(
        "漏记",
        {
            "goods": [
                {"description": "大米", "value_fen": 8_000},
                {"description": "油", "value_fen": 6_550},
            ]
        },
    )

    assert record.goods_value_fen == 14_550


def test_a_retried_idempotency_key_names_the_same_record() -> None:
    assert ServiceRecord.id_for("user-1", "visit-1") == ServiceRecord.id_for("user-1", "visit-1")


def test_the_same_key_of_two_users_names_two_records() -> None:
    assert ServiceRecord.id_for("user-1", "visit-1") != ServiceRecord.id_for("user-2", "visit-1")


# -- corrections ----------------------------------------------------------------------------


def test_a_correction_replaces_the_fields_it_names_and_keeps_the_others() -> None:
    record = service()

    record.correct("日期记错", {"occurred_on": DAY - dt.timedelta(days=1), "summary": "补记"})

    assert (record.occurred_on, record.summary) == (DAY - dt.timedelta(days=1), "补记")
    assert record.staff == ["张敏", "刘洋"]


def test_a_correction_marks_the_record_corrected() -> None:
    record = service()

    record.correct("补充", {"summary": "补记"})

    assert record.status == ServiceStatus.CORRECTED


def test_a_correction_needs_a_reason() -> None:
    with pytest.raises(InvalidValueError) as refused:
        service().correct("  ", {"summary": "补记"})

    assert refused.value.field == "reason"


def test_a_correction_must_change_at_least_one_field() -> None:
    with pytest.raises(InvalidValueError) as refused:
        service().correct("补充", {})

    assert refused.value.field == "body"


def test_a_correction_may_not_empty_the_summary() -> None:
    with pytest.raises(InvalidValueError) as refused:
        service().correct("补充", {"summary": " "})

    assert refused.value.field == "summary"


@pytest.mark.parametrize("name", ["family_id", "region_code", "voided", "corrections"])
def test_a_correction_may_not_change_what_was_fixed_when_the_service_was_recorded(
    name: str,
) -> None:
    with pytest.raises(UncorrectableFieldError) as refused:
        service().correct("改", {name: "430181"})

    assert refused.value.field == name


def test_a_correction_may_not_add_cash_to_a_service_that_paid_none() -> None:
    record = service()

    with pytest.raises(UncorrectableFieldError) as refused:
        record.correct("补发", {"cash": {"amount": 50_000, "fund_id": str(uuid4())}})

    assert refused.value.field == "cash"
    assert record.cash is None


def test_a_correction_may_not_remove_paid_cash() -> None:
    cash = paid_cash()
    record = service(cash)

    with pytest.raises(PaidCashIsFinalError) as refused:
        record.correct("没发钱", {"cash": None, "summary": "只送了米"})

    assert refused.value.field == "cash"
    assert record.cash == cash


def test_a_correction_may_not_change_the_amount_of_paid_cash() -> None:
    cash = paid_cash(50_000)
    record = service(cash)

    with pytest.raises(PaidCashIsFinalError):
        record.correct("金额记错", {"cash": {"amount": 60_000, "fund_id": cash["fund_id"]}})

    assert record.cash == cash


def test_a_paid_service_keeps_its_date() -> None:
    record = service(paid_cash())

    with pytest.raises(PaidServiceKeepsItsDateError) as refused:
        record.correct("日期记错", {"occurred_on": DAY - dt.timedelta(days=1)})

    assert refused.value.field == "occurred_on"
    assert record.occurred_on == DAY


def test_a_paid_service_may_have_its_goods_and_summary_corrected() -> None:
    record = service(paid_cash())

    record.correct("补充", {"summary": "补记", "goods": []})

    assert (record.summary, record.goods) == ("补记", [])


def test_paid_cash_outlives_a_stored_correction_that_removed_it() -> None:
    # Stores written before the rule may hold such an event: the record still shows, and a
    # void still reverses, what the ledger paid.
    cash = paid_cash()
    record = service(cash)
    record._corrected(reason="没发钱", changes={"cash": None})  # type: ignore[typeddict-unknown-key]

    assert replayed(record).cash == cash


# -- voids ----------------------------------------------------------------------------------


def test_a_void_marks_the_record_voided_with_its_reason() -> None:
    record = service()

    record.void("重复录入")

    assert (record.status, record.void_reason) == (ServiceStatus.VOIDED, "重复录入")


def test_a_void_needs_a_reason() -> None:
    with pytest.raises(InvalidValueError) as refused:
        service().void("")

    assert refused.value.field == "reason"


def test_a_voided_record_is_not_voided_again() -> None:
    record = service()
    record.void("重复录入")

    with pytest.raises(ServiceIsVoidedError):
        record.void("重复录入")


def test_a_voided_record_is_not_corrected() -> None:
    record = service()
    record.void("重复录入")

    with pytest.raises(ServiceIsVoidedError):
        record.correct("补充", {"summary": "补记"})


def test_a_voided_paid_record_still_names_the_payment_to_reverse() -> None:
    cash = paid_cash()
    record = service(cash)

    record.void("重复录入")

    assert replayed(record).cash == cash
