"""An insurance policy bought for a family member (保险保障): a nursing-subsidy policy for
special-assistance parents or an accident policy for one-child and two-daughter households.
Its premium is paid from a fund of the same programme to the insurer, in the same save."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.claims.errors import PolicyNotInForceError
from domain.errors import InvalidValueError
from domain.money import yuan_from_fen
from domain.values import region_scope


class PolicyProgramme(StrEnum):
    NURSING_SUBSIDY = "nursing_subsidy"
    ACCIDENT_INSURANCE = "accident_insurance"


def a_policy_period_ends_after_it_starts(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on <= starts_on:
        raise InvalidValueError(f"ends_on must be after starts_on ({starts_on})", field="ends_on")


def a_premium_comes_from_a_fund_of_the_policy_programme(
    programme: PolicyProgramme,
    fund_id: UUID,
    fund_programme: str | None,
    fund_region: str | None,
    family_region: str,
) -> None:
    """Ring-fencing (专款专用): a programme's money buys that programme's cover, for families of
    the fund's region."""
    if fund_programme != programme.value:
        raise PolicyNotInForceError(
            f"fund {fund_id} belongs to the {fund_programme} programme; the premium of a "
            f"{programme} policy comes from a {programme} fund",
            field="premium_fund",
        )
    if fund_region is None or not family_region.startswith(region_scope(fund_region)):
        raise PolicyNotInForceError(
            f"fund {fund_id} of region {fund_region} cannot pay for a family in region "
            f"{family_region}",
            field="premium_fund",
        )


class InsurancePolicy(NuanxinAggregate):
    @staticmethod
    def id_for(scope: str, idempotency_key: str | None) -> UUID:
        """A retried request carries the same key and so names the same policy."""
        if idempotency_key is None:
            return uuid4()
        return uuid5(NAMESPACE_URL, f"/nuanxin/policies/{scope}/{idempotency_key}")

    @staticmethod
    def premium_payment_id(policy_id: UUID) -> UUID:
        """A policy's premium is paid once: its transfer's id derives from the policy's."""
        return uuid5(NAMESPACE_URL, f"/nuanxin/transfers/premium/{policy_id}")

    @event("Enrolled")
    def __init__(
        self,
        id: UUID,
        family_id: UUID,
        region_code: str,
        member_id: str,
        programme: PolicyProgramme,
        insurer: str,
        policy_number: str,
        starts_on: dt.date,
        ends_on: dt.date,
        premium_fen: int,
        premium_fund_id: UUID,
        cover_fen: int,
        premium_transfer_id: UUID,
        enrolled_on: dt.date,
    ) -> None:
        self.family_id = family_id
        self.region_code = region_code
        self.member_id = member_id
        self.programme = PolicyProgramme(programme)
        self.insurer = insurer
        self.policy_number = policy_number
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.premium_fen = premium_fen
        self.premium_fund_id = premium_fund_id
        self.cover_fen = cover_fen
        self.premium_transfer_id = premium_transfer_id
        self.enrolled_on = enrolled_on

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def a_claim_on_the_policy_is_for_its_member_programme_and_period(
        self, member_id: str, programme: PolicyProgramme, day: dt.date, *, field: str
    ) -> None:
        if member_id != self.member_id:
            raise PolicyNotInForceError(
                f"policy {self.id} insures another member of the family", field="policy_id"
            )
        if programme != self.programme:
            raise PolicyNotInForceError(
                f"policy {self.id} is a {self.programme} policy; this claim needs a "
                f"{programme} policy",
                field="policy_id",
            )
        if not self.covers(day):
            raise PolicyNotInForceError(
                f"policy {self.policy_number} covers {self.starts_on} to {self.ends_on}, not {day}",
                field=field,
            )

    @property
    def cover(self) -> str:
        return yuan_from_fen(self.cover_fen)
