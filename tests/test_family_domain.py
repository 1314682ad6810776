"""A family case file's rules, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.errors import InvalidValueError, RuleViolatedError
from domain.family import (
    AlreadyAMemberError,
    Contact,
    Family,
    FamilyIsClosedError,
    MemberData,
    RepeatedResidentIdError,
    ServiceAfterClosureError,
    a_resident_id_appears_at_most_once_in_a_family,
)
from domain.values import FamilyCategory, FamilyStatus
from tests.support import resident_id

REGISTERED_ON = dt.date(2024, 3, 1)


def member(relation: str, birth_date: str = "1962-03-15", name: str = "王秀英") -> MemberData:
    return {
        "member_id": Family.new_member_id(),
        "name": name,
        "id_number": resident_id(dt.date.fromisoformat(birth_date)),
        "birth_date": birth_date,
        "gender": "female",
        "relation": relation,
        "phone": None,
    }


def family(*members: MemberData) -> Family:
    return Family(
        region_code="430121101001",
        category=FamilyCategory.BEREAVED,
        members=[member("head"), *members],
        address="长沙县黄兴镇蓝田村3组12号",
        registered_on=REGISTERED_ON,
    )


def closed_family(closed_on: dt.date = dt.date(2024, 9, 1)) -> Family:
    case = family()
    case.close("户主去世", closed_on)
    return case


def contact(name: str) -> Contact:
    return {"name": name, "phone": "13800000000", "position": "村妇女主任"}


# -- registration ---------------------------------------------------------------------------


def test_a_registered_family_is_open() -> None:
    assert family().status == FamilyStatus.OPEN


def test_the_head_is_the_member_related_as_head() -> None:
    spouse = member("spouse", name="李建国")

    case = family(spouse)

    assert case.head["relation"] == "head"
    assert case.head["member_id"] != spouse["member_id"]


def test_a_resident_id_given_twice_for_one_family_is_refused_naming_the_second() -> None:
    with pytest.raises(RepeatedResidentIdError) as refused:
        a_resident_id_appears_at_most_once_in_a_family(
            [("head.id_number", "A"), ("members.0.id_number", "B"), ("members.1.id_number", "A")]
        )

    assert refused.value.field == "members.1.id_number"


def test_different_resident_ids_make_one_family() -> None:
    a_resident_id_appears_at_most_once_in_a_family(
        [("head.id_number", "A"), ("members.0.id_number", "B")]
    )


# -- members --------------------------------------------------------------------------------


def test_an_added_member_joins_the_family() -> None:
    case = family()
    child = member("child", "1990-05-01", "王小明")

    case.add_member(child, dt.date(2024, 4, 1))

    assert case.member(child["member_id"])["name"] == "王小明"


def test_a_resident_already_in_the_family_is_not_added_again() -> None:
    case = family()
    again = member("child") | {"id_number": case.head["id_number"]}

    with pytest.raises(AlreadyAMemberError) as refused:
        case.add_member(again, dt.date(2024, 4, 1))

    assert refused.value.field == "id_number"


def test_a_member_is_recorded_deceased_with_the_date() -> None:
    case = family()

    case.mark_member_deceased(case.head["member_id"], dt.date(2024, 5, 1))

    assert case.head["deceased_on"] == "2024-05-01"


def test_a_member_is_recorded_deceased_only_once() -> None:
    case = family()
    case.mark_member_deceased(case.head["member_id"], dt.date(2024, 5, 1))

    with pytest.raises(RuleViolatedError):
        case.mark_member_deceased(case.head["member_id"], dt.date(2024, 5, 2))


def test_a_member_cannot_die_before_being_born() -> None:
    case = family()

    with pytest.raises(InvalidValueError) as refused:
        case.mark_member_deceased(case.head["member_id"], dt.date(1960, 1, 1))

    assert refused.value.field == "died_on"


# -- contacts and care ----------------------------------------------------------------------


def test_assigned_contacts_are_kept_with_their_date() -> None:
    case = family()

    case.assign_contacts(contact("张敏"), contact("刘芳"), dt.date(2024, 4, 1))

    assert case.contacts == {
        "township_contact": contact("张敏"),
        "village_contact": contact("刘芳"),
        "assigned_on": "2024-04-01",
    }


def test_a_family_doctor_contract_must_end_after_it_is_signed() -> None:
    with pytest.raises(InvalidValueError) as refused:
        family().sign_family_doctor(
            "李医生", "黄兴镇卫生院", dt.date(2024, 4, 1), dt.date(2024, 4, 1)
        )

    assert refused.value.field == "expires_on"


# -- moves, closure and reopening -----------------------------------------------------------


def test_a_family_moves_to_another_region() -> None:
    case = family()

    case.transfer("430121102001", dt.date(2024, 6, 1), "随子女迁居")

    assert case.region_code == "430121102001"


def test_a_family_does_not_move_to_the_region_it_is_in() -> None:
    with pytest.raises(RuleViolatedError) as refused:
        family().transfer("430121101001", dt.date(2024, 6, 1), "")

    assert refused.value.field == "to_region_code"


def test_a_closed_family_refuses_changes_until_reopened() -> None:
    case = closed_family()

    with pytest.raises(FamilyIsClosedError):
        case.add_member(member("child", "1990-05-01"), dt.date(2024, 10, 1))


def test_a_closed_family_records_services_delivered_before_its_closure() -> None:
    closed_family(dt.date(2024, 9, 1)).check_service_date_allowed(dt.date(2024, 8, 31))


def test_a_closed_family_refuses_services_from_its_closure_on() -> None:
    with pytest.raises(ServiceAfterClosureError) as refused:
        closed_family(dt.date(2024, 9, 1)).check_service_date_allowed(dt.date(2024, 9, 1))

    assert refused.value.field == "occurred_on"


def test_reopening_clears_the_closure() -> None:
    case = closed_family(dt.date(2024, 9, 1))

    case.reopen("误销户", dt.date(2024, 9, 2))

    assert (case.status, case.closed_on, case.close_reason) == (FamilyStatus.OPEN, None, None)


def test_a_family_is_not_reopened_before_it_was_closed() -> None:
    with pytest.raises(InvalidValueError) as refused:
        closed_family(dt.date(2024, 9, 1)).reopen("误销户", dt.date(2024, 8, 31))

    assert refused.value.field == "reopened_on"


def test_an_open_family_is_not_reopened() -> None:
    with pytest.raises(RuleViolatedError):
        family().reopen("误销户", dt.date(2024, 9, 2))
