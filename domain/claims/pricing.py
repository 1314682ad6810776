"""How a claim is priced and what makes it payable at all: the kinds of claim, the rule and
programme of each, the nursing subsidy's days and tier, the member's death, the paying fund."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from uuid import UUID

from domain.claims.errors import DatedAfterDeathError, HospitalTierTooLowError
from domain.claims.policy import PolicyProgramme
from domain.claims.rules import RuleId, RuleVersion
from domain.errors import InvalidValueError, RuleViolatedError
from domain.family import MemberData
from domain.ledger.vocabulary import Programme
from domain.values import region_scope


class ClaimKind(StrEnum):
    NURSING_SUBSIDY = "nursing_subsidy"
    INSURANCE = "insurance"
    EDUCATION_AID = "education_aid"
    HARDSHIP_GRANT = "hardship_grant"


RULE_OF_KIND: dict[ClaimKind, RuleId] = {
    ClaimKind.NURSING_SUBSIDY: RuleId.NURSING_SUBSIDY,
    ClaimKind.INSURANCE: RuleId.ACCIDENT_INSURANCE,
    ClaimKind.EDUCATION_AID: RuleId.EDUCATION_AID,
    ClaimKind.HARDSHIP_GRANT: RuleId.HARDSHIP_GRANT,
}
"""The rule that prices each kind of claim."""

FUND_PROGRAMME_OF_KIND: dict[ClaimKind, Programme] = {
    ClaimKind.NURSING_SUBSIDY: Programme.NURSING_SUBSIDY,
    ClaimKind.EDUCATION_AID: Programme.EDUCATION_AID,
    ClaimKind.HARDSHIP_GRANT: Programme.HARDSHIP_GRANT,
}
"""The programme whose funds pay each kind of claim that a fund pays."""

POLICY_PROGRAMME_OF_KIND: dict[ClaimKind, PolicyProgramme] = {
    ClaimKind.NURSING_SUBSIDY: PolicyProgramme.NURSING_SUBSIDY,
    ClaimKind.INSURANCE: PolicyProgramme.ACCIDENT_INSURANCE,
}
"""The programme of the policy that pays each kind of claim that an insurer pays."""


def nights_in_hospital(admitted_on: dt.date, discharged_on: dt.date) -> int:
    """The nights between admission and discharge; a same-day stay counts 1."""
    if discharged_on < admitted_on:
        raise InvalidValueError(
            f"discharged_on cannot be before admitted_on ({admitted_on})", field="discharged_on"
        )
    return max(1, (discharged_on - admitted_on).days)


def claimed_days_fit_the_stay(days: int, admitted_on: dt.date, discharged_on: dt.date) -> None:
    nights = nights_in_hospital(admitted_on, discharged_on)
    if days < 1 or days > nights:
        raise InvalidValueError(
            f"days is 1 to {nights}, the nights between admission and discharge", field="days"
        )


def hospital_meets_the_minimum_tier(hospital_tier: int, rule: RuleVersion) -> None:
    minimum = rule.count("min_hospital_tier")
    if hospital_tier < minimum:
        raise HospitalTierTooLowError(
            f"a tier-{hospital_tier} hospital is below the nursing subsidy's minimum: "
            f"only stays in tier-{minimum} hospitals or above are paid",
            field="hospital_tier",
        )


def nursing_subsidy_amount(days: int, rule: RuleVersion) -> int:
    """Days × the rule's rate per day, in fen: computed, never typed in."""
    return days * rule.money("per_day")


def nothing_is_claimed_after_the_member_died(
    member: MemberData, day: dt.date, *, field: str
) -> None:
    died_on = member.get("deceased_on")
    if died_on and day > dt.date.fromisoformat(str(died_on)):
        raise DatedAfterDeathError(
            f"the member died on {died_on}; nothing dated {day}, after the death, is paid",
            field=field,
        )


def a_claim_draws_on_a_fund_of_its_programme(
    kind: ClaimKind,
    fund_id: UUID,
    fund_programme: str | None,
    fund_region: str | None,
    family_region: str,
) -> None:
    """Ring-fencing (专款专用): a claim is paid from a fund of its programme covering the
    family's region."""
    programme = FUND_PROGRAMME_OF_KIND.get(kind)
    if programme is None:
        raise InvalidValueError(f"a {kind} claim is paid by its policy's insurer", field="fund_id")
    if fund_programme != programme.value:
        raise RuleViolatedError(
            f"fund {fund_id} belongs to the {fund_programme} programme; a {kind} claim is paid "
            f"from a {programme} fund",
            field="fund_id",
        )
    if fund_region is None or not family_region.startswith(region_scope(fund_region)):
        raise RuleViolatedError(
            f"fund {fund_id} of region {fund_region} cannot pay a family in region {family_region}",
            field="fund_id",
        )
