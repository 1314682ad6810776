"""The rules of subsidies, policies and claims, judged without a database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from uuid import uuid4

import pytest

from domain.claims.claim import Claim, ClaimStatus
from domain.claims.errors import (
    ClaimStepOutOfOrderError,
    CoverExceededError,
    DatedAfterDeathError,
    HospitalTierTooLowError,
    NoRuleInForceError,
    NotAllowedOnThisClaimError,
    OverlappingPolicyError,
    PolicyNotInForceError,
    SegregationOfDutiesError,
    StayOverlapsAnotherClaimError,
    YearlyCapExceededError,
)
from domain.claims.member_benefits import MemberBenefits
from domain.claims.policy import InsurancePolicy, PolicyProgramme
from domain.claims.pricing import (
    ClaimKind,
    claimed_days_fit_the_stay,
    hospital_meets_the_minimum_tier,
    nothing_is_claimed_after_the_member_died,
    nursing_subsidy_amount,
)
from domain.claims.rules import RuleBook, RuleId, shipped_versions
from domain.errors import InvalidValueError, RuleViolatedError

RULE_FILE = Path(__file__).parent.parent / "domain" / "claims" / "shipped_rules.json"
D = dt.date.fromisoformat


def shipped() -> dict[RuleId, list]:  # type: ignore[type-arg]
    return shipped_versions(json.loads(RULE_FILE.read_text(encoding="utf-8")))


def nursing_book() -> RuleBook:
    return RuleBook.seeded(RuleId.NURSING_SUBSIDY, shipped()[RuleId.NURSING_SUBSIDY])


def policy(**overrides: object) -> InsurancePolicy:
    values: dict[str, object] = {
        "id": uuid4(),
        "family_id": uuid4(),
        "region_code": "430121101001",
        "member_id": "m1",
        "programme": PolicyProgramme.NURSING_SUBSIDY,
        "insurer": "中国人寿长沙分公司",
        "policy_number": "P-1",
        "starts_on": D("2025-01-01"),
        "ends_on": D("2025-12-31"),
        "premium_fen": 15000,
        "premium_fund_id": uuid4(),
        "cover_fen": 900000,
        "premium_transfer_id": uuid4(),
        "enrolled_on": D("2024-12-20"),
    } | overrides
    return InsurancePolicy(**values)  # type: ignore[arg-type]


def claim(submitted_by: str = "caseworker-1") -> Claim:
    return Claim(
        id=uuid4(),
        family_id=uuid4(),
        region_code="430121101001",
        member_id="m1",
        kind=ClaimKind.NURSING_SUBSIDY,
        amount_fen=90000,
        rule={"id": "nursing_subsidy", "version": 1},
        priced_on=D("2025-03-01"),
        fund_id=uuid4(),
        policy_id=None,
        insurer=None,
        particulars={},
        submitted_on=D("2025-03-20"),
        submitted_by=submitted_by,
        submitted_by_name="李敏",
    )


def test_the_shipped_nursing_subsidy_pays_100_yuan_a_day_for_90_days_in_tier_2() -> None:
    version = nursing_book().in_force_on(D("2025-03-01"))

    assert (version.version, version.terms) == (
        1,
        {"per_day": "100.00", "max_days_per_year": 90, "min_hospital_tier": 2},
    )


def test_a_claim_is_priced_by_the_version_in_force_on_its_date() -> None:
    book = nursing_book()
    book.add_version(
        D("2026-01-01"), {"per_day": "120", "max_days_per_year": 90, "min_hospital_tier": 2}
    )

    before, after = book.in_force_on(D("2025-12-31")), book.in_force_on(D("2026-01-01"))

    assert (before.version, after.version, after.terms["per_day"]) == (1, 2, "120.00")


def test_a_new_version_must_take_effect_after_the_last() -> None:
    book = nursing_book()

    with pytest.raises(RuleViolatedError):
        book.add_version(
            D("2018-01-01"), {"per_day": "120.00", "max_days_per_year": 90, "min_hospital_tier": 2}
        )


def test_a_version_with_a_missing_term_is_refused_naming_it() -> None:
    with pytest.raises(InvalidValueError) as refused:
        nursing_book().add_version(D("2026-01-01"), {"per_day": "120.00"})

    assert refused.value.field == "terms.max_days_per_year"


def test_nothing_is_in_force_before_the_first_version() -> None:
    with pytest.raises(NoRuleInForceError):
        nursing_book().in_force_on(D("2018-12-31"))


def test_the_nursing_subsidy_is_days_times_the_rate() -> None:
    version = nursing_book().in_force_on(D("2025-03-01"))

    assert nursing_subsidy_amount(9, version) == 90000


def test_claimed_days_are_at_most_the_nights_of_the_stay() -> None:
    with pytest.raises(InvalidValueError):
        claimed_days_fit_the_stay(5, D("2025-03-01"), D("2025-03-05"))


def test_a_same_day_stay_counts_one_day() -> None:
    claimed_days_fit_the_stay(1, D("2025-03-01"), D("2025-03-01"))


def test_a_tier_1_hospital_is_below_the_minimum() -> None:
    with pytest.raises(HospitalTierTooLowError):
        hospital_meets_the_minimum_tier(1, nursing_book().in_force_on(D("2025-03-01")))


def test_nothing_dated_after_a_death_is_claimed() -> None:
    with pytest.raises(DatedAfterDeathError):
        nothing_is_claimed_after_the_member_died(
            {"deceased_on": "2025-02-01"}, D("2025-02-02"), field="admitted_on"
        )


def benefits() -> MemberBenefits:
    return MemberBenefits.opened_for("m1", uuid4())


def test_nursing_days_over_the_yearly_cap_say_how_many_are_left() -> None:
    record = benefits()
    record.claim_nursing_days(
        uuid4(),
        admitted_on=D("2025-01-01"),
        discharged_on=D("2025-03-27"),
        days=85,
        max_days=90,
        amount_fen=850000,
        policy=None,
    )

    with pytest.raises(YearlyCapExceededError, match="5 days left"):
        record.claim_nursing_days(
            uuid4(),
            admitted_on=D("2025-05-01"),
            discharged_on=D("2025-05-10"),
            days=9,
            max_days=90,
            amount_fen=90000,
            policy=None,
        )


def test_a_stay_overlapping_another_claim_is_refused() -> None:
    record = benefits()
    record.claim_nursing_days(
        uuid4(),
        admitted_on=D("2025-03-01"),
        discharged_on=D("2025-03-10"),
        days=9,
        max_days=90,
        amount_fen=90000,
        policy=None,
    )

    with pytest.raises(StayOverlapsAnotherClaimError):
        record.claim_nursing_days(
            uuid4(),
            admitted_on=D("2025-03-09"),
            discharged_on=D("2025-03-12"),
            days=3,
            max_days=90,
            amount_fen=30000,
            policy=None,
        )


def test_a_stay_starting_on_the_day_another_ends_does_not_overlap() -> None:
    record = benefits()
    record.claim_nursing_days(
        uuid4(),
        admitted_on=D("2025-03-01"),
        discharged_on=D("2025-03-10"),
        days=9,
        max_days=90,
        amount_fen=90000,
        policy=None,
    )

    record.claim_nursing_days(
        uuid4(),
        admitted_on=D("2025-03-10"),
        discharged_on=D("2025-03-12"),
        days=2,
        max_days=90,
        amount_fen=20000,
        policy=None,
    )


def test_a_released_claim_frees_its_days() -> None:
    record = benefits()
    first = uuid4()
    record.claim_nursing_days(
        first,
        admitted_on=D("2025-01-01"),
        discharged_on=D("2025-04-01"),
        days=90,
        max_days=90,
        amount_fen=900000,
        policy=None,
    )
    record.release_claim(first)

    record.claim_nursing_days(
        uuid4(),
        admitted_on=D("2025-01-01"),
        discharged_on=D("2025-01-05"),
        days=4,
        max_days=90,
        amount_fen=40000,
        policy=None,
    )


def test_an_insurance_claim_over_the_cover_left_is_refused() -> None:
    record = benefits()
    held = policy(programme=PolicyProgramme.ACCIDENT_INSURANCE, cover_fen=100000)
    record.claim_insurance(
        uuid4(), policy=held, amount_fen=60000, cap_fen=10**9, incident_on=D("2025-04-01")
    )

    with pytest.raises(CoverExceededError, match=r"400\.00 left"):
        record.claim_insurance(
            uuid4(), policy=held, amount_fen=50000, cap_fen=10**9, incident_on=D("2025-05-01")
        )


def test_aid_over_the_yearly_cap_is_refused() -> None:
    record = benefits()
    record.claim_aid(
        uuid4(),
        kind=ClaimKind.EDUCATION_AID,
        claimed_on=D("2025-09-01"),
        amount_fen=200000,
        cap_fen=300000,
    )

    with pytest.raises(CoverExceededError, match=r"1000\.00 left"):
        record.claim_aid(
            uuid4(),
            kind=ClaimKind.EDUCATION_AID,
            claimed_on=D("2025-10-01"),
            amount_fen=150000,
            cap_fen=300000,
        )


def test_a_member_holds_one_policy_per_programme_and_period() -> None:
    record = benefits()
    record.hold_policy(policy())

    with pytest.raises(OverlappingPolicyError):
        record.hold_policy(policy(starts_on=D("2025-06-01"), ends_on=D("2026-05-31")))


def test_a_policy_does_not_cover_a_date_outside_its_period() -> None:
    with pytest.raises(PolicyNotInForceError):
        policy().a_claim_on_the_policy_is_for_its_member_programme_and_period(
            "m1", PolicyProgramme.NURSING_SUBSIDY, D("2026-01-02"), field="admitted_on"
        )


def test_the_submitter_may_not_approve_their_own_claim() -> None:
    with pytest.raises(SegregationOfDutiesError):
        claim("u1").approve(by="u1", by_name="李敏", on=D("2025-03-21"))


def test_a_claim_is_approved_once() -> None:
    submitted = claim()
    submitted.approve(by="s1", by_name="周强", on=D("2025-03-21"))

    with pytest.raises(ClaimStepOutOfOrderError):
        submitted.approve(by="s2", by_name="陈静", on=D("2025-03-21"))


def test_a_claim_is_paid_only_after_approval() -> None:
    with pytest.raises(ClaimStepOutOfOrderError):
        claim().pay(by="s1", by_name="周强", paid_on=D("2025-03-22"), reference="B-1")


def test_a_paid_claim_cannot_be_cancelled() -> None:
    paid = claim()
    paid.approve(by="s1", by_name="周强", on=D("2025-03-21"))
    paid.pay(by="s1", by_name="周强", paid_on=D("2025-03-22"), reference="B-1")

    with pytest.raises(ClaimStepOutOfOrderError):
        paid.cancel(by="s1", is_supervisor=True, on=D("2025-03-23"), reason="重复")

    assert paid.status == ClaimStatus.PAID


def test_another_caseworker_may_not_cancel_a_claim() -> None:
    with pytest.raises(NotAllowedOnThisClaimError):
        claim("u1").cancel(by="u2", is_supervisor=False, on=D("2025-03-21"), reason="重复")
