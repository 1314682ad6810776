"""A claim for money for a family member, and its lifecycle:
`submitted -> approved | rejected`, `approved -> paid`, and `cancelled` before payment.

Segregation of duties (四权分离): the person who submitted a claim neither approves, rejects
nor pays it. A claim paid by a fund reserves its amount on the fund when approved (a pending
transfer) and posts it when paid; a claim on a policy is paid by the insurer."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.claims.errors import (
    ClaimStepOutOfOrderError,
    NotAllowedOnThisClaimError,
    SegregationOfDutiesError,
)
from domain.claims.pricing import ClaimKind
from domain.errors import InvalidValueError


class ClaimStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"
    CANCELLED = "cancelled"


def a_claim_is_decided_by_someone_other_than_its_submitter(
    submitter_id: str, decider_id: str, step: str
) -> None:
    if submitter_id == decider_id:
        raise SegregationOfDutiesError(
            f"you submitted this claim, so someone else must {step} it (四权分离)"
        )


def a_claim_is_cancelled_by_its_submitter_or_a_supervisor(
    submitter_id: str, canceller_id: str, *, is_supervisor: bool
) -> None:
    if canceller_id != submitter_id and not is_supervisor:
        raise NotAllowedOnThisClaimError(
            "only the caseworker who submitted this claim, or a supervisor, may cancel it"
        )


def a_step_is_not_dated_before_the_one_before_it(
    day: dt.date, earliest: dt.date, *, field: str, before: str
) -> None:
    if day < earliest:
        raise InvalidValueError(
            f"{field} cannot be before the claim was {before} ({earliest})", field=field
        )


def _check_reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidValueError("a reason is required", field="reason")
    return reason.strip()


class Claim(NuanxinAggregate):
    @staticmethod
    def id_for(scope: str, idempotency_key: str | None) -> UUID:
        """A retried request carries the same key and so names the same claim."""
        if idempotency_key is None:
            return uuid4()
        return uuid5(NAMESPACE_URL, f"/nuanxin/claims/{scope}/{idempotency_key}")

    @staticmethod
    def payment_transfer_id(claim_id: UUID) -> UUID:
        """One payment per claim: the fund's reservation, later posted, or the insurer's
        payment. Two supervisors paying at once both make this id; only one is saved."""
        return uuid5(NAMESPACE_URL, f"/nuanxin/transfers/claim/{claim_id}")

    @event("Submitted")
    def __init__(
        self,
        id: UUID,
        family_id: UUID,
        region_code: str,
        member_id: str,
        kind: ClaimKind,
        amount_fen: int,
        rule: dict[str, Any],
        priced_on: dt.date,
        fund_id: UUID | None,
        policy_id: UUID | None,
        insurer: str | None,
        particulars: dict[str, Any],
        submitted_on: dt.date,
        submitted_by: str,
        submitted_by_name: str,
    ) -> None:
        self.family_id = family_id
        self.region_code = region_code
        self.member_id = member_id
        self.kind = ClaimKind(kind)
        self.amount_fen = amount_fen
        self.rule = dict(rule)
        self.priced_on = priced_on
        self.fund_id = fund_id
        self.policy_id = policy_id
        self.insurer = insurer
        self.particulars = dict(particulars)
        self.submitted_on = submitted_on
        self.submitted_by = submitted_by
        self.submitted_by_name = submitted_by_name
        self.status = ClaimStatus.SUBMITTED
        self.decided_by: str | None = None
        self.decided_on: dt.date | None = None
        self.transfer_id: UUID | None = None
        self.paid_on: dt.date | None = None
        self.paid_by: str | None = None
        self.reference: str | None = None
        self.reason: str | None = None
        self.cancelled_on: dt.date | None = None

    @property
    def paid_by_insurer(self) -> bool:
        return self.policy_id is not None

    def _check_status(self, step: str, *allowed: ClaimStatus) -> None:
        if self.status not in allowed:
            wanted = " or ".join(str(status) for status in allowed)
            raise ClaimStepOutOfOrderError(
                f"claim {self.id} is {self.status}, so it cannot be {step}: a claim is {step} "
                f"only when {wanted}"
            )

    # -- decisions ----------------------------------------------------------------------------

    def approve(self, *, by: str, by_name: str, on: dt.date) -> None:
        self._check_status("approved", ClaimStatus.SUBMITTED)
        a_claim_is_decided_by_someone_other_than_its_submitter(self.submitted_by, by, "approve")
        a_step_is_not_dated_before_the_one_before_it(
            on, self.submitted_on, field="approved_on", before="submitted"
        )
        reservation = None if self.paid_by_insurer else self.payment_transfer_id(self.id)
        self._approved(
            family_id=self.family_id,
            approved_by=by,
            approved_by_name=by_name,
            approved_on=on,
            amount_fen=self.amount_fen,
            reservation_id=reservation,
        )

    @event("Approved")
    def _approved(
        self,
        family_id: UUID,
        approved_by: str,
        approved_by_name: str,
        approved_on: dt.date,
        amount_fen: int,
        reservation_id: UUID | None,
    ) -> None:
        self.status = ClaimStatus.APPROVED
        self.decided_by = approved_by_name
        self.decided_on = approved_on
        self.transfer_id = reservation_id

    def reject(self, *, by: str, by_name: str, on: dt.date, reason: str) -> None:
        self._check_status("rejected", ClaimStatus.SUBMITTED)
        a_claim_is_decided_by_someone_other_than_its_submitter(self.submitted_by, by, "reject")
        a_step_is_not_dated_before_the_one_before_it(
            on, self.submitted_on, field="rejected_on", before="submitted"
        )
        self._rejected(
            family_id=self.family_id,
            rejected_by_name=by_name,
            rejected_on=on,
            reason=_check_reason(reason),
        )

    @event("Rejected")
    def _rejected(
        self, family_id: UUID, rejected_by_name: str, rejected_on: dt.date, reason: str
    ) -> None:
        self.status = ClaimStatus.REJECTED
        self.decided_by = rejected_by_name
        self.decided_on = rejected_on
        self.reason = reason

    # -- payment and cancellation -------------------------------------------------------------

    def pay(self, *, by: str, by_name: str, paid_on: dt.date, reference: str) -> None:
        self._check_status("paid", ClaimStatus.APPROVED)
        a_claim_is_decided_by_someone_other_than_its_submitter(self.submitted_by, by, "pay")
        # The bank's date may precede the day the approval was entered (records are often
        # entered after the fact), but not the stay, incident or claim it pays for.
        a_step_is_not_dated_before_the_one_before_it(
            paid_on, self.priced_on, field="paid_on", before="dated"
        )
        if not reference.strip():
            raise InvalidValueError("the bank reference is required", field="reference")
        self._paid(
            family_id=self.family_id,
            paid_by_name=by_name,
            paid_on=paid_on,
            reference=reference.strip(),
            amount_fen=self.amount_fen,
            transfer_id=self.payment_transfer_id(self.id),
        )

    @event("Paid")
    def _paid(
        self,
        family_id: UUID,
        paid_by_name: str,
        paid_on: dt.date,
        reference: str,
        amount_fen: int,
        transfer_id: UUID,
    ) -> None:
        self.status = ClaimStatus.PAID
        self.paid_by = paid_by_name
        self.paid_on = paid_on
        self.reference = reference
        self.transfer_id = transfer_id

    def cancel(self, *, by: str, is_supervisor: bool, on: dt.date, reason: str) -> None:
        self._check_status("cancelled", ClaimStatus.SUBMITTED, ClaimStatus.APPROVED)
        a_claim_is_cancelled_by_its_submitter_or_a_supervisor(
            self.submitted_by, by, is_supervisor=is_supervisor
        )
        earliest = self.decided_on or self.submitted_on
        a_step_is_not_dated_before_the_one_before_it(
            on, earliest, field="cancelled_on", before=str(self.status)
        )
        self._cancelled(
            family_id=self.family_id,
            cancelled_on=on,
            reason=_check_reason(reason),
            voided_reservation_id=self.transfer_id,
        )

    @event("Cancelled")
    def _cancelled(
        self,
        family_id: UUID,
        cancelled_on: dt.date,
        reason: str,
        voided_reservation_id: UUID | None,
    ) -> None:
        self.status = ClaimStatus.CANCELLED
        self.cancelled_on = cancelled_on
        self.reason = reason
