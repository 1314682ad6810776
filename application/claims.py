"""Claims: submitted by a caseworker and priced by the rule in force; approved or rejected by
another person of the region; paid (posted, or the insurer's payment recorded) or cancelled
(the reservation voided). Each step saves the claim and its money in one save."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from application.cases import family_in_scope
from application.claim_bodies import claim_body
from application.commands.claims import (
    ApproveClaim,
    CancelClaim,
    ClaimRequest,
    PayClaim,
    RejectClaim,
    SubmitClaim,
)
from application.errors import PermissionDeniedError
from application.handling import Decision, Handled, check_expected_version, past_or_today
from application.ledger import beneficiary_account, external_account
from application.policies import member_benefits, member_of, paying_fund, policy_of_family
from application.principal import Principal
from application.rules import rule_in_force
from domain.claims.claim import Claim, ClaimStatus
from domain.claims.labels import CLAIM_KIND_LABELS
from domain.claims.member_benefits import MemberBenefits
from domain.claims.policy import InsurancePolicy
from domain.claims.pricing import (
    POLICY_PROGRAMME_OF_KIND,
    RULE_OF_KIND,
    ClaimKind,
    a_claim_draws_on_a_fund_of_its_programme,
    claimed_days_fit_the_stay,
    hospital_meets_the_minimum_tier,
    nothing_is_claimed_after_the_member_died,
    nursing_subsidy_amount,
)
from domain.claims.rules import RuleVersion
from domain.errors import InvalidValueError, NotFoundError
from domain.family import Family
from domain.ledger.account import Account
from domain.ledger.operations import (
    open_pending_transfer,
    post_pending_transfer,
    record_transfer,
    void_pending_transfer,
)
from domain.ledger.transfer import Transfer
from domain.ledger.vocabulary import TransferKind
from domain.permissions import Action
from domain.values import Role

if TYPE_CHECKING:
    from application.app import Nuanxin


def _required(value: Any, field: str, kind: ClaimKind) -> Any:
    if value is None:
        raise InvalidValueError(f"a {kind} claim needs {field}", field=field)
    return value


# -- queries -------------------------------------------------------------------------------


def claim_in_scope(app: Nuanxin, principal: Principal, claim_id: UUID) -> Claim:
    claim: Claim = app.load(claim_id, Claim, "claim")
    family: Family = app.load(claim.family_id, Family, "family")
    if not principal.covers(family.region_code):
        raise NotFoundError(f"claim {claim_id} not found")
    return claim


def get_claim(app: Nuanxin, principal: Principal, claim_id: UUID) -> dict[str, Any]:
    principal.require(Action.READ_CLAIMS)
    return claim_body(claim_in_scope(app, principal, claim_id))


# -- submission ----------------------------------------------------------------------------


def submit_claim(
    app: Nuanxin, principal: Principal, command: SubmitClaim, key: str | None
) -> Handled:
    principal.require(Action.SUBMIT_CLAIMS)
    request = command.request
    on = past_or_today(app, command.submitted_on, "submitted_on")
    priced_on, date_field = request.pricing_date(on)
    past_or_today(app, priced_on, date_field)
    claim_id = Claim.id_for(principal.user_id, key)

    def decide() -> Decision:
        family = family_in_scope(app, principal, command.family_id)
        family.check_open()
        member = member_of(family, request.member_id)
        nothing_is_claimed_after_the_member_died(member, priced_on, field=date_field)
        book, rule = rule_in_force(app, RULE_OF_KIND[request.kind], priced_on)
        benefits = member_benefits(app, request.member_id, family.id)
        policy = _paying_policy(app, request, family, priced_on, date_field)
        if policy is None:
            _check_paying_fund(app, request, family)
        amount_fen = _priced(app, claim_id, request, rule, benefits, policy, priced_on)
        claim = Claim(
            id=claim_id,
            family_id=family.id,
            region_code=family.region_code,
            member_id=request.member_id,
            kind=request.kind,
            amount_fen=amount_fen,
            rule=rule.reference,
            priced_on=priced_on,
            fund_id=None if policy else request.fund_id,
            policy_id=policy.id if policy else None,
            insurer=policy.insurer if policy else None,
            particulars=request.particulars(),
            submitted_on=on,
            submitted_by=principal.user_id,
            submitted_by_name=principal.name,
        )
        return [book, benefits, claim], claim_body(claim)

    return Handled(replace(command, submitted_on=on), decide)


def _paying_policy(
    app: Nuanxin, request: ClaimRequest, family: Family, day: dt.date, date_field: str
) -> InsurancePolicy | None:
    if request.policy_id is None:
        if request.kind == ClaimKind.INSURANCE:
            raise InvalidValueError("an insurance claim names its policy", field="policy_id")
        return None
    programme = POLICY_PROGRAMME_OF_KIND.get(request.kind)
    if programme is None:
        raise InvalidValueError(f"a {request.kind} claim is paid by a fund", field="policy_id")
    policy = policy_of_family(app, request.policy_id, family)
    policy.a_claim_on_the_policy_is_for_its_member_programme_and_period(
        request.member_id, programme, day, field=date_field
    )
    return policy


def _check_paying_fund(app: Nuanxin, request: ClaimRequest, family: Family) -> None:
    fund = paying_fund(app, _required(request.fund_id, "fund_id", request.kind), "fund_id")
    a_claim_draws_on_a_fund_of_its_programme(
        request.kind,
        fund.id,
        str(fund.programme) if fund.programme else None,
        fund.region_code,
        family.region_code,
    )


def _priced(
    app: Nuanxin,
    claim_id: UUID,
    request: ClaimRequest,
    rule: RuleVersion,
    benefits: MemberBenefits,
    policy: InsurancePolicy | None,
    priced_on: dt.date,
) -> int:
    """The claim's amount in fen, noted on the member's record against the caps."""
    kind = request.kind
    if kind == ClaimKind.NURSING_SUBSIDY:
        admitted_on = _required(request.admitted_on, "admitted_on", kind)
        discharged_on = past_or_today(
            app, _required(request.discharged_on, "discharged_on", kind), "discharged_on"
        )
        days = _required(request.days, "days", kind)
        claimed_days_fit_the_stay(days, admitted_on, discharged_on)
        hospital_meets_the_minimum_tier(
            _required(request.hospital_tier, "hospital_tier", kind), rule
        )
        amount = nursing_subsidy_amount(days, rule)
        benefits.claim_nursing_days(
            claim_id,
            admitted_on=admitted_on,
            discharged_on=discharged_on,
            days=days,
            max_days=rule.count("max_days_per_year"),
            amount_fen=amount,
            policy=policy,
        )
        return amount
    amount = _required(request.amount_fen, "amount", kind)
    if kind == ClaimKind.INSURANCE:
        assert policy is not None  # an insurance claim names its policy
        benefits.claim_insurance(
            claim_id,
            policy=policy,
            amount_fen=amount,
            cap_fen=rule.money("max_per_claim"),
            incident_on=priced_on,
        )
    else:
        benefits.claim_aid(
            claim_id,
            kind=kind,
            claimed_on=priced_on,
            amount_fen=amount,
            cap_fen=rule.money("max_per_member_per_year"),
        )
    return int(amount)


# -- the lifecycle -------------------------------------------------------------------------


def _claim_to_act_on(
    app: Nuanxin,
    principal: Principal,
    claim_id: UUID,
    action: Action,
    expected_version: int | None,
) -> tuple[Claim, Family]:
    """Acting on a claim takes the role and a region covering the claim's family; answers the
    claim and its family."""
    principal.require(action)
    claim: Claim = app.load(claim_id, Claim, "claim")
    family: Family = app.load(claim.family_id, Family, "family")
    if not principal.covers(family.region_code):
        raise PermissionDeniedError(
            f"claim {claim_id} is of a family outside your region ({principal.region_code})"
        )
    check_expected_version(claim, expected_version)
    return claim, family


def approve_claim(
    app: Nuanxin, principal: Principal, command: ApproveClaim, key: str | None
) -> Handled:
    on = past_or_today(app, command.approved_on, "approved_on")

    def decide() -> Decision:
        claim, family = _claim_to_act_on(
            app, principal, command.claim_id, Action.DECIDE_CLAIMS, command.expected_version
        )
        claim.approve(by=principal.user_id, by_name=principal.name, on=on)
        if claim.transfer_id is None:
            return [claim], claim_body(claim)
        assert claim.fund_id is not None  # a claim not paid by an insurer names its fund
        fund: Account = app.load(claim.fund_id, Account, "fund")
        family_account = beneficiary_account(app, claim.family_id)
        reservation = open_pending_transfer(
            fund,
            family_account,
            transfer_id=claim.transfer_id,
            kind=TransferKind.CLAIM_PAYMENT,
            amount_fen=claim.amount_fen,
            memo=CLAIM_KIND_LABELS[claim.kind],
            occurred_on=on,
            cause={"type": "claim", "id": str(claim.id)},
            family_region=family.region_code,
        )
        return [claim, fund, family_account, reservation], claim_body(claim)

    return Handled(replace(command, approved_on=on), decide)


def reject_claim(
    app: Nuanxin, principal: Principal, command: RejectClaim, key: str | None
) -> Handled:
    on = past_or_today(app, command.rejected_on, "rejected_on")

    def decide() -> Decision:
        claim, _ = _claim_to_act_on(
            app, principal, command.claim_id, Action.DECIDE_CLAIMS, command.expected_version
        )
        claim.reject(by=principal.user_id, by_name=principal.name, on=on, reason=command.reason)
        benefits = member_benefits(app, claim.member_id, claim.family_id)
        benefits.release_claim(claim.id)
        return [claim, benefits], claim_body(claim)

    return Handled(replace(command, rejected_on=on), decide)


def pay_claim(app: Nuanxin, principal: Principal, command: PayClaim, key: str | None) -> Handled:
    on = past_or_today(app, command.paid_on, "paid_on")
    reference = command.reference

    def decide() -> Decision:
        claim, family = _claim_to_act_on(
            app, principal, command.claim_id, Action.PAY_CLAIMS, command.expected_version
        )
        claim.pay(by=principal.user_id, by_name=principal.name, paid_on=on, reference=reference)
        family_account = beneficiary_account(app, claim.family_id)
        payment_id = Claim.payment_transfer_id(claim.id)
        if claim.paid_by_insurer:
            assert claim.insurer is not None  # a claim on a policy names its insurer
            insurer = external_account(app, claim.insurer)
            payment = record_transfer(
                insurer,
                family_account,
                transfer_id=payment_id,
                kind=TransferKind.INSURER_PAYMENT,
                amount_fen=claim.amount_fen,
                memo=f"{CLAIM_KIND_LABELS[claim.kind]} {reference}".strip(),
                occurred_on=on,
                cause={"type": "claim", "id": str(claim.id), "reference": reference},
                family_region=family.region_code,
            )
            return [claim, insurer, family_account, payment], claim_body(claim)
        reservation: Transfer = app.load(payment_id, Transfer, "transfer")
        fund: Account = app.load(reservation.from_account_id, Account, "fund")
        # The ledger never posts a reservation before the day it was made; the claim keeps
        # the bank's date.
        posted_on = max(on, reservation.occurred_on)
        post_pending_transfer(reservation, fund, family_account, posted_on=posted_on)
        return [claim, fund, family_account, reservation], claim_body(claim)

    return Handled(replace(command, paid_on=on), decide)


def cancel_claim(
    app: Nuanxin, principal: Principal, command: CancelClaim, key: str | None
) -> Handled:
    on = past_or_today(app, command.cancelled_on, "cancelled_on")
    reason = command.reason

    def decide() -> Decision:
        claim, _ = _claim_to_act_on(
            app, principal, command.claim_id, Action.CANCEL_CLAIMS, command.expected_version
        )
        was_approved = claim.status == ClaimStatus.APPROVED
        claim.cancel(
            by=principal.user_id,
            is_supervisor=principal.role == Role.SUPERVISOR,
            on=on,
            reason=reason,
        )
        benefits = member_benefits(app, claim.member_id, claim.family_id)
        benefits.release_claim(claim.id)
        changed: list[Any] = [claim, benefits]
        if was_approved and claim.transfer_id is not None:
            reservation: Transfer = app.load(claim.transfer_id, Transfer, "transfer")
            fund: Account = app.load(reservation.from_account_id, Account, "fund")
            family_account = beneficiary_account(app, claim.family_id)
            void_pending_transfer(
                reservation, fund, family_account, voided_on=on, reason=f"撤销申请：{reason}"
            )
            changed += [reservation, fund, family_account]
        return changed, claim_body(claim)

    return Handled(replace(command, cancelled_on=on), decide)
