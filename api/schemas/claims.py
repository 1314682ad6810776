"""Claim requests and responses (DESIGN.md section 10). One request shape for every kind, so
that a field of another kind is named in a 422 ("amount" on a nursing subsidy: the amount is
computed, never given) at the field itself."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

from pydantic import Field, StringConstraints

from api.schemas.common import Fen, Name, StrictModel, Text
from api.schemas.personal import HealthDetail
from application.commands.claims import (
    ApproveClaim,
    CancelClaim,
    ClaimRequest,
    PayClaim,
    RejectClaim,
    SubmitClaim,
)
from domain.claims.claim import ClaimStatus
from domain.claims.pricing import ClaimKind
from domain.errors import InvalidValueError

MemberId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]

FIELDS_OF_KIND: dict[ClaimKind, tuple[frozenset[str], frozenset[str]]] = {
    ClaimKind.NURSING_SUBSIDY: (
        frozenset({"hospital", "hospital_tier", "admitted_on", "discharged_on", "days"}),
        frozenset({"fund_id", "policy_id"}),
    ),
    ClaimKind.INSURANCE: (
        frozenset({"policy_id", "incident_on", "description", "amount"}),
        frozenset(),
    ),
    ClaimKind.EDUCATION_AID: (
        frozenset({"fund_id", "amount", "reason"}),
        frozenset({"claimed_on"}),
    ),
    ClaimKind.HARDSHIP_GRANT: (
        frozenset({"fund_id", "amount", "reason"}),
        frozenset({"claimed_on"}),
    ),
}
"""For each kind: the fields it requires and those it may also have, besides kind and member."""


class ClaimCreate(StrictModel):
    kind: ClaimKind
    member_id: MemberId
    fund_id: UUID | None = None
    policy_id: UUID | None = None
    hospital: Name | None = None
    hospital_tier: int | None = Field(default=None, ge=1, le=3)
    admitted_on: dt.date | None = None
    discharged_on: dt.date | None = None
    days: int | None = Field(default=None, ge=1, le=366)
    incident_on: dt.date | None = None
    description: Text | None = None
    amount: Fen | None = None
    reason: Text | None = None
    claimed_on: dt.date | None = None

    def request(self) -> ClaimRequest:
        """The claim as the application takes it; a field missing or foreign to the kind is
        refused naming it."""
        required, optional = FIELDS_OF_KIND[self.kind]
        given = {name for name in self.model_fields_set if getattr(self, name) is not None}
        given -= {"kind", "member_id"}
        for name in sorted(given - required - optional):
            note = "; its amount is computed from the days" if name == "amount" else ""
            raise InvalidValueError(f"a {self.kind} claim has no {name}{note}", field=name)
        if self.kind == ClaimKind.NURSING_SUBSIDY:
            if self.fund_id is not None and self.policy_id is not None:
                raise InvalidValueError(
                    "a nursing subsidy is paid by a fund or by a policy, not both",
                    field="policy_id",
                )
            if self.fund_id is None and self.policy_id is None:
                raise InvalidValueError(
                    "a nursing subsidy names the fund_id or the policy_id that pays it",
                    field="fund_id",
                )
            required = required - {"fund_id", "policy_id"}
        for name in sorted(required - given):
            raise InvalidValueError(f"a {self.kind} claim needs {name}", field=name)
        return ClaimRequest(
            kind=self.kind,
            member_id=self.member_id,
            fund_id=self.fund_id,
            policy_id=self.policy_id,
            hospital=self.hospital,
            hospital_tier=self.hospital_tier,
            admitted_on=self.admitted_on,
            discharged_on=self.discharged_on,
            days=self.days,
            incident_on=self.incident_on,
            description=self.description,
            amount_fen=self.amount,
            reason=self.reason,
            claimed_on=self.claimed_on,
        )

    def command(self, family_id: UUID) -> SubmitClaim:
        return SubmitClaim(family_id, self.request())


class ClaimApprove(StrictModel):
    approved_on: dt.date | None = None

    def command(self, claim_id: UUID, expected_version: int | None) -> ApproveClaim:
        return ApproveClaim(claim_id, self.approved_on, expected_version)


class ClaimReject(StrictModel):
    reason: Text
    rejected_on: dt.date | None = None

    def command(self, claim_id: UUID, expected_version: int | None) -> RejectClaim:
        return RejectClaim(claim_id, self.reason, self.rejected_on, expected_version)


class ClaimPay(StrictModel):
    paid_on: dt.date
    reference: Name = Field(description="the bank's reference of the payment")

    def command(self, claim_id: UUID, expected_version: int | None) -> PayClaim:
        return PayClaim(claim_id, self.paid_on, self.reference, expected_version)


class ClaimCancel(StrictModel):
    reason: Text
    cancelled_on: dt.date | None = None

    def command(self, claim_id: UUID, expected_version: int | None) -> CancelClaim:
        return CancelClaim(claim_id, self.reason, self.cancelled_on, expected_version)


class RuleReference(StrictModel):
    id: str
    version: int


class ClaimPublic(StrictModel):
    id: str
    version: int
    family_id: str
    region_code: str
    member_id: str
    kind: ClaimKind
    status: ClaimStatus
    amount: str
    rule: RuleReference
    priced_on: dt.date
    fund_id: str | None
    policy_id: str | None
    insurer: str | None
    hospital: HealthDetail
    hospital_tier: int | None
    admitted_on: dt.date | None
    discharged_on: dt.date | None
    days: int | None
    incident_on: dt.date | None
    description: HealthDetail
    reason: HealthDetail
    claimed_on: dt.date | None
    submitted_by: str
    submitted_on: dt.date
    approved_by: str | None
    approved_on: dt.date | None
    rejected_by: str | None
    rejected_on: dt.date | None
    rejection_reason: str | None
    paid_by: str | None
    paid_on: dt.date | None
    reference: str | None
    cancelled_on: dt.date | None
    cancellation_reason: str | None
    transfer_id: str | None
    recorded_at: dt.datetime
    modified_at: dt.datetime


class ClaimSummary(StrictModel):
    id: str
    family_id: str
    region_code: str
    member_id: str
    kind: ClaimKind
    status: ClaimStatus
    amount: str
    rule: RuleReference
    priced_on: dt.date
    submitted_by: str
    submitted_on: dt.date
    updated_at: dt.datetime


class ClaimList(StrictModel):
    items: list[ClaimSummary]
    total: int
    limit: int
    offset: int
