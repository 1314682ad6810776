"""Timeline entries for claims and policies: each claim, each of its steps and its money, on
the family's timeline, linked to the ledger by the transfer's id (the journal links back by
its cause). Summaries name no person and no health detail."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from domain.claims.claim import Claim
from domain.claims.labels import CLAIM_KIND_LABELS, POLICY_PROGRAMME_LABELS
from domain.claims.policy import InsurancePolicy, PolicyProgramme
from domain.claims.pricing import ClaimKind
from domain.money import yuan_from_fen

if TYPE_CHECKING:  # the timeline imports this module to collect its describers
    from projections.timeline import Envelope, TimelineChanges


def _label(kind: str) -> str:
    return CLAIM_KIND_LABELS[ClaimKind(kind)]


def _claim_entry(
    on: Envelope,
    changes: TimelineChanges,
    name: str,
    event: Any,
    occurred: Any,
    summary: str,
    details: dict[str, Any],
) -> None:
    changes.entries.append(
        on.entry(name, occurred, summary, details, family_id=str(event.family_id))
    )


def _submitted(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    amount = yuan_from_fen(int(event.amount_fen))
    days = event.particulars.get("days")
    stay = f"，住院{days}天" if days else ""
    _claim_entry(
        on,
        changes,
        "ClaimSubmitted",
        event,
        event.submitted_on,
        f"申请{_label(event.kind)}{amount}元{stay}",
        {
            "kind": str(event.kind),
            "member_id": event.member_id,
            "amount": amount,
            "rule": dict(event.rule),
            "fund_id": str(event.fund_id) if event.fund_id else None,
            "policy_id": str(event.policy_id) if event.policy_id else None,
        },
    )


def _approved(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    amount = yuan_from_fen(int(event.amount_fen))
    reservation = str(event.reservation_id) if event.reservation_id else None
    _claim_entry(
        on,
        changes,
        "ClaimApproved",
        event,
        event.approved_on,
        f"审批通过，{amount}元" + ("，资金已预留" if reservation else "，由保险公司赔付"),
        {"amount": amount, "transfer_id": reservation},
    )


def _rejected(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    _claim_entry(
        on,
        changes,
        "ClaimRejected",
        event,
        event.rejected_on,
        f"未予批准：{event.reason}",
        {"reason": event.reason},
    )


def _paid(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    amount = yuan_from_fen(int(event.amount_fen))
    _claim_entry(
        on,
        changes,
        "ClaimPaid",
        event,
        event.paid_on,
        f"已发放{amount}元（{event.reference}）",
        {"amount": amount, "reference": event.reference, "transfer_id": str(event.transfer_id)},
    )


def _cancelled(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    voided = str(event.voided_reservation_id) if event.voided_reservation_id else None
    _claim_entry(
        on,
        changes,
        "ClaimCancelled",
        event,
        event.cancelled_on,
        f"撤销申请：{event.reason}",
        {"reason": event.reason, "transfer_id": voided},
    )


def _enrolled(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    premium, cover = yuan_from_fen(int(event.premium_fen)), yuan_from_fen(int(event.cover_fen))
    label = POLICY_PROGRAMME_LABELS[PolicyProgramme(str(event.programme))]
    _claim_entry(
        on,
        changes,
        "PolicyEnrolled",
        event,
        event.enrolled_on,
        f"参加{label}（{event.insurer}，保单{event.policy_number}，"
        f"{event.starts_on}至{event.ends_on}），保费{premium}元，保额{cover}元",
        {
            "programme": str(event.programme),
            "member_id": event.member_id,
            "insurer": event.insurer,
            "policy_number": event.policy_number,
            "starts_on": event.starts_on.isoformat(),
            "ends_on": event.ends_on.isoformat(),
            "premium": premium,
            "cover": cover,
            "transfer_id": str(event.premium_transfer_id),
        },
    )


CLAIM_DESCRIBERS: dict[type[Any], Callable[[Any, Envelope, TimelineChanges], None]] = {
    getattr(Claim, "Submitted"): _submitted,
    getattr(Claim, "Approved"): _approved,
    getattr(Claim, "Rejected"): _rejected,
    getattr(Claim, "Paid"): _paid,
    getattr(Claim, "Cancelled"): _cancelled,
    getattr(InsurancePolicy, "Enrolled"): _enrolled,
}
"""The claim and policy events a family's timeline shows."""
