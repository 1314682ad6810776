"""A claim as its response body: JSON-ready, money as yuan strings (DESIGN.md section 10)."""

from __future__ import annotations

from typing import Any

from domain.claims.claim import Claim, ClaimStatus
from domain.money import yuan_from_fen

PARTICULARS = (
    "hospital", "hospital_tier", "admitted_on", "discharged_on", "days", "incident_on",
    "description", "reason", "claimed_on",
)  # fmt: skip


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def claim_body(claim: Claim) -> dict[str, Any]:
    status = claim.status
    decided = status in (ClaimStatus.APPROVED, ClaimStatus.PAID) or (
        status == ClaimStatus.CANCELLED and claim.decided_on is not None
    )
    return {
        "id": str(claim.id),
        "version": claim.version,
        "family_id": str(claim.family_id),
        "region_code": claim.region_code,
        "member_id": claim.member_id,
        "kind": claim.kind.value,
        "status": status.value,
        "amount": yuan_from_fen(claim.amount_fen),
        "rule": {"id": claim.rule["id"], "version": int(claim.rule["version"])},
        "priced_on": claim.priced_on.isoformat(),
        "fund_id": str(claim.fund_id) if claim.fund_id else None,
        "policy_id": str(claim.policy_id) if claim.policy_id else None,
        "insurer": claim.insurer,
        **{name: claim.particulars.get(name) for name in PARTICULARS},
        "submitted_by": claim.submitted_by_name,
        "submitted_on": claim.submitted_on.isoformat(),
        "approved_by": claim.decided_by if decided else None,
        "approved_on": _iso(claim.decided_on) if decided else None,
        "rejected_by": claim.decided_by if status == ClaimStatus.REJECTED else None,
        "rejected_on": _iso(claim.decided_on) if status == ClaimStatus.REJECTED else None,
        "rejection_reason": claim.reason if status == ClaimStatus.REJECTED else None,
        "paid_by": claim.paid_by,
        "paid_on": _iso(claim.paid_on),
        "reference": claim.reference,
        "cancelled_on": _iso(claim.cancelled_on),
        "cancellation_reason": claim.reason if status == ClaimStatus.CANCELLED else None,
        "transfer_id": str(claim.transfer_id) if claim.transfer_id else None,
        "recorded_at": claim.created_on.isoformat(),
        "modified_at": claim.modified_on.isoformat(),
    }
