"""What one family member holds and has claimed: their policies and their live claims. The
yearly caps, overlapping stays, overlapping policies and the cover left are judged against it,
and since every claim and policy of the member changes it, two that would together break a
cap cannot both be saved: the second conflicts on this aggregate's version and is judged
again on what the first left."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.claims.errors import (
    CoverExceededError,
    OverlappingPolicyError,
    StayOverlapsAnotherClaimError,
    YearlyCapExceededError,
)
from domain.claims.policy import InsurancePolicy
from domain.claims.pricing import ClaimKind
from domain.money import yuan_from_fen

Stay = tuple[dt.date, dt.date]
"""A hospital stay as the nights it covers: from admission up to (not including) the day
after its last night, so that a discharge and a new admission on the same day do not meet."""


def stay_of(admitted_on: dt.date, discharged_on: dt.date) -> Stay:
    return admitted_on, max(discharged_on, admitted_on + dt.timedelta(days=1))


def nursing_days_stay_within_the_yearly_cap(
    year: int, days_claimed: int, days: int, max_days: int
) -> None:
    left = max(0, max_days - days_claimed)
    if days > left:
        raise YearlyCapExceededError(
            f"{left} days left: the member has claimed {days_claimed} of the {max_days} "
            f"nursing days a year allows in {year}, fewer than the {days} asked",
            field="days",
        )


def a_stay_does_not_overlap_another_claim_of_the_member(
    stay: Stay, others: list[tuple[str, Stay]]
) -> None:
    for claim_id, (start, end) in others:
        if stay[0] < end and start < stay[1]:
            raise StayOverlapsAnotherClaimError(
                f"the stay overlaps claim {claim_id} of the same member, from {start} to "
                f"{end - dt.timedelta(days=1)}",
                field="admitted_on",
            )


def aid_stays_within_the_yearly_cap(
    kind: ClaimKind, year: int, claimed_fen: int, amount_fen: int, cap_fen: int
) -> None:
    left = max(0, cap_fen - claimed_fen)
    if amount_fen > left:
        raise CoverExceededError(
            f"{yuan_from_fen(left)} left of the {yuan_from_fen(cap_fen)} of {kind} a member "
            f"may receive in {year}, less than the {yuan_from_fen(amount_fen)} asked",
            field="amount",
        )


def a_claim_stays_within_the_cover_left(
    policy: InsurancePolicy, claimed_fen: int, amount_fen: int
) -> None:
    left = max(0, policy.cover_fen - claimed_fen)
    if amount_fen > left:
        raise CoverExceededError(
            f"{yuan_from_fen(left)} left of policy {policy.policy_number}'s "
            f"{yuan_from_fen(policy.cover_fen)} cover, less than the {yuan_from_fen(amount_fen)} "
            "asked",
            field="amount",
        )


def a_claim_stays_within_the_cap_per_claim(amount_fen: int, cap_fen: int) -> None:
    if amount_fen > cap_fen:
        raise CoverExceededError(
            f"{yuan_from_fen(amount_fen)} is over the {yuan_from_fen(cap_fen)} one claim may ask",
            field="amount",
        )


def a_member_has_one_policy_per_programme_and_period(
    policy_id: UUID,
    programme: str,
    starts_on: dt.date,
    ends_on: dt.date,
    others: dict[str, dict[str, Any]],
) -> None:
    for other_id, other in others.items():
        if other["programme"] != programme or other_id == str(policy_id):
            continue
        other_start = dt.date.fromisoformat(other["starts_on"])
        other_end = dt.date.fromisoformat(other["ends_on"])
        if starts_on <= other_end and other_start <= ends_on:
            raise OverlappingPolicyError(
                f"the member already holds {programme} policy {other_id} from {other_start} "
                f"to {other_end}",
                field="starts_on",
            )


class MemberBenefits(NuanxinAggregate):
    @staticmethod
    def id_for(member_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/nuanxin/member-benefits/{member_id}")

    @event("Opened")
    def __init__(self, id: UUID, member_id: str, family_id: UUID) -> None:
        self.member_id = member_id
        self.family_id = family_id
        self.policies: dict[str, dict[str, Any]] = {}
        self.claims: dict[str, dict[str, Any]] = {}
        """Live claims (submitted, approved or paid) by id: kind, year, days, amount_fen,
        policy_id and, for a stay, admitted_on and discharged_on (ISO dates)."""

    @classmethod
    def opened_for(cls, member_id: str, family_id: UUID) -> MemberBenefits:
        return cls(id=cls.id_for(member_id), member_id=member_id, family_id=family_id)

    # -- policies -----------------------------------------------------------------------------

    def hold_policy(self, policy: InsurancePolicy) -> None:
        a_member_has_one_policy_per_programme_and_period(
            policy.id, policy.programme.value, policy.starts_on, policy.ends_on, self.policies
        )
        self._policy_held(
            policy_id=str(policy.id),
            programme=policy.programme.value,
            starts_on=policy.starts_on.isoformat(),
            ends_on=policy.ends_on.isoformat(),
        )

    @event("PolicyHeld")
    def _policy_held(self, policy_id: str, programme: str, starts_on: str, ends_on: str) -> None:
        self.policies[policy_id] = {
            "programme": programme,
            "starts_on": starts_on,
            "ends_on": ends_on,
        }

    # -- claims -------------------------------------------------------------------------------

    def claim_nursing_days(
        self,
        claim_id: UUID,
        *,
        admitted_on: dt.date,
        discharged_on: dt.date,
        days: int,
        max_days: int,
        amount_fen: int,
        policy: InsurancePolicy | None,
    ) -> None:
        year = admitted_on.year
        a_stay_does_not_overlap_another_claim_of_the_member(
            stay_of(admitted_on, discharged_on),
            [
                (
                    other_id,
                    stay_of(*map(dt.date.fromisoformat, (c["admitted_on"], c["discharged_on"]))),
                )
                for other_id, c in self._live(ClaimKind.NURSING_SUBSIDY)
            ],
        )
        days_claimed = sum(
            int(c["days"]) for _, c in self._live(ClaimKind.NURSING_SUBSIDY) if c["year"] == year
        )
        nursing_days_stay_within_the_yearly_cap(year, days_claimed, days, max_days)
        if policy is not None:
            a_claim_stays_within_the_cover_left(policy, self.claimed_on(policy.id), amount_fen)
        self._claim_noted(
            claim_id=str(claim_id),
            kind=ClaimKind.NURSING_SUBSIDY.value,
            year=year,
            amount_fen=amount_fen,
            days=days,
            policy_id=str(policy.id) if policy else None,
            admitted_on=admitted_on.isoformat(),
            discharged_on=discharged_on.isoformat(),
        )

    def claim_insurance(
        self,
        claim_id: UUID,
        *,
        policy: InsurancePolicy,
        amount_fen: int,
        cap_fen: int,
        incident_on: dt.date,
    ) -> None:
        a_claim_stays_within_the_cap_per_claim(amount_fen, cap_fen)
        a_claim_stays_within_the_cover_left(policy, self.claimed_on(policy.id), amount_fen)
        self._claim_noted(
            claim_id=str(claim_id),
            kind=ClaimKind.INSURANCE.value,
            year=incident_on.year,
            amount_fen=amount_fen,
            days=0,
            policy_id=str(policy.id),
            admitted_on=None,
            discharged_on=None,
        )

    def claim_aid(
        self,
        claim_id: UUID,
        *,
        kind: ClaimKind,
        claimed_on: dt.date,
        amount_fen: int,
        cap_fen: int,
    ) -> None:
        year = claimed_on.year
        claimed = sum(int(c["amount_fen"]) for _, c in self._live(kind) if c["year"] == year)
        aid_stays_within_the_yearly_cap(kind, year, claimed, amount_fen, cap_fen)
        self._claim_noted(
            claim_id=str(claim_id),
            kind=kind.value,
            year=year,
            amount_fen=amount_fen,
            days=0,
            policy_id=None,
            admitted_on=None,
            discharged_on=None,
        )

    @event("ClaimNoted")
    def _claim_noted(
        self,
        claim_id: str,
        kind: str,
        year: int,
        amount_fen: int,
        days: int,
        policy_id: str | None,
        admitted_on: str | None,
        discharged_on: str | None,
    ) -> None:
        self.claims[claim_id] = {
            "kind": kind,
            "year": year,
            "amount_fen": amount_fen,
            "days": days,
            "policy_id": policy_id,
            "admitted_on": admitted_on,
            "discharged_on": discharged_on,
        }

    def release_claim(self, claim_id: UUID) -> None:
        """A rejected or cancelled claim no longer counts against caps, stays or cover."""
        if str(claim_id) in self.claims:
            self._claim_released(claim_id=str(claim_id))

    @event("ClaimReleased")
    def _claim_released(self, claim_id: str) -> None:
        self.claims.pop(claim_id, None)

    def claimed_on(self, policy_id: UUID) -> int:
        """The fen that live claims on the policy take from its cover."""
        return sum(
            int(c["amount_fen"]) for c in self.claims.values() if c["policy_id"] == str(policy_id)
        )

    def _live(self, kind: ClaimKind) -> list[tuple[str, dict[str, Any]]]:
        return [(claim_id, c) for claim_id, c in self.claims.items() if c["kind"] == kind.value]
