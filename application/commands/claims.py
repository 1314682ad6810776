"""Commands on claims: submitted, approved or rejected, paid or cancelled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar
from uuid import UUID

from application.commands import NOT_FINGERPRINTED, Command
from domain.claims.pricing import ClaimKind


@dataclass(frozen=True)
class ClaimRequest:
    """A claim as submitted: the fields of its kind (DESIGN.md section 10), the rest None.
    Not slotted, and named as it was: its repr is part of stored fingerprints."""

    kind: ClaimKind
    member_id: str
    fund_id: UUID | None = None
    policy_id: UUID | None = None
    hospital: str | None = None
    hospital_tier: int | None = None
    admitted_on: dt.date | None = None
    discharged_on: dt.date | None = None
    days: int | None = None
    incident_on: dt.date | None = None
    description: str | None = None
    amount_fen: int | None = None
    reason: str | None = None
    claimed_on: dt.date | None = None

    def pricing_date(self, submitted_on: dt.date) -> tuple[dt.date, str]:
        """The date whose rule prices the claim, and the field that gives it."""
        if self.kind == ClaimKind.NURSING_SUBSIDY and self.admitted_on:
            return self.admitted_on, "admitted_on"
        if self.kind == ClaimKind.INSURANCE and self.incident_on:
            return self.incident_on, "incident_on"
        return self.claimed_on or submitted_on, "claimed_on"

    def particulars(self) -> dict[str, Any]:
        fields = {
            "hospital": self.hospital,
            "hospital_tier": self.hospital_tier,
            "admitted_on": self.admitted_on and self.admitted_on.isoformat(),
            "discharged_on": self.discharged_on and self.discharged_on.isoformat(),
            "days": self.days,
            "incident_on": self.incident_on and self.incident_on.isoformat(),
            "description": self.description,
            "reason": self.reason,
            "claimed_on": self.claimed_on and self.claimed_on.isoformat(),
        }
        return {name: value for name, value in fields.items() if value is not None}


@dataclass(frozen=True, slots=True)
class SubmitClaim(Command):
    KIND: ClassVar[str] = "submit_claim"
    family_id: UUID
    request: ClaimRequest
    submitted_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ApproveClaim(Command):
    KIND: ClassVar[str] = "approve_claim"
    claim_id: UUID
    approved_on: dt.date | None = None
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class RejectClaim(Command):
    KIND: ClassVar[str] = "reject_claim"
    claim_id: UUID
    reason: str
    rejected_on: dt.date | None = None
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class PayClaim(Command):
    KIND: ClassVar[str] = "pay_claim"
    claim_id: UUID
    paid_on: dt.date
    reference: str
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class CancelClaim(Command):
    KIND: ClassVar[str] = "cancel_claim"
    claim_id: UUID
    reason: str
    cancelled_on: dt.date | None = None
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)
