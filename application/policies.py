"""Insurance policies: a member enrolled, the premium paid from a fund of the programme to the
insurer in the same save (DESIGN.md section 10)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from application.cases import family_in_scope
from application.commands.policies import EnrolPolicy
from application.handling import Decision, Handled, past_or_today
from application.ledger import external_account
from application.principal import Principal
from domain.claims.member_benefits import MemberBenefits
from domain.claims.policy import (
    InsurancePolicy,
    a_policy_period_ends_after_it_starts,
    a_premium_comes_from_a_fund_of_the_policy_programme,
)
from domain.claims.pricing import nothing_is_claimed_after_the_member_died
from domain.errors import InvalidValueError, NotFoundError
from domain.family import Family, MemberData
from domain.ledger.account import Account
from domain.ledger.operations import record_transfer
from domain.ledger.vocabulary import AccountKind, TransferKind
from domain.money import yuan_from_fen
from domain.permissions import Action

if TYPE_CHECKING:
    from application.app import Nuanxin


def policy_body(policy: InsurancePolicy, claimed_fen: int) -> dict[str, Any]:
    return {
        "id": str(policy.id),
        "version": policy.version,
        "family_id": str(policy.family_id),
        "member_id": policy.member_id,
        "programme": policy.programme.value,
        "insurer": policy.insurer,
        "policy_number": policy.policy_number,
        "starts_on": policy.starts_on.isoformat(),
        "ends_on": policy.ends_on.isoformat(),
        "premium": yuan_from_fen(policy.premium_fen),
        "premium_fund": str(policy.premium_fund_id),
        "premium_transfer_id": str(policy.premium_transfer_id),
        "cover": yuan_from_fen(policy.cover_fen),
        "cover_left": yuan_from_fen(max(0, policy.cover_fen - claimed_fen)),
        "enrolled_on": policy.enrolled_on.isoformat(),
        "recorded_at": policy.created_on.isoformat(),
    }


def member_of(family: Family, member_id: str) -> MemberData:
    try:
        return family.member(member_id)
    except NotFoundError:
        raise InvalidValueError(
            f"family {family.id} has no member {member_id}", field="member_id"
        ) from None


def member_benefits(app: Nuanxin, member_id: str, family_id: UUID) -> MemberBenefits:
    benefits_id = MemberBenefits.id_for(member_id)
    if app.exists(benefits_id):
        benefits: MemberBenefits = app.load(benefits_id, MemberBenefits, "member")
        return benefits
    return MemberBenefits.opened_for(member_id, family_id)


def policy_of_family(app: Nuanxin, policy_id: UUID, family: Family) -> InsurancePolicy:
    """A policy named in a claim must be one of the claim's family."""
    try:
        policy: InsurancePolicy = app.load(policy_id, InsurancePolicy, "policy")
    except NotFoundError:
        raise InvalidValueError(f"policy {policy_id} not found", field="policy_id") from None
    if policy.family_id != family.id:
        raise InvalidValueError(f"policy {policy_id} insures another family", field="policy_id")
    return policy


def paying_fund(app: Nuanxin, fund_id: UUID, field: str) -> Account:
    """A fund named to pay for a family: the rules check that it covers the family's region,
    which the caller covers; the fund itself may be of a region above theirs (a county's
    fund pays a village's family)."""
    try:
        fund: Account = app.load(fund_id, Account, "fund")
    except NotFoundError:
        raise InvalidValueError(f"fund {fund_id} not found", field=field) from None
    if fund.kind != AccountKind.FUND:
        raise InvalidValueError(f"{fund_id} is not a fund", field=field)
    return fund


def get_policy(app: Nuanxin, principal: Principal, policy_id: UUID) -> dict[str, Any]:
    principal.require(Action.READ_CLAIMS)
    policy: InsurancePolicy = app.load(policy_id, InsurancePolicy, "policy")
    family: Family = app.load(policy.family_id, Family, "family")
    if not principal.covers(family.region_code):
        raise NotFoundError(f"policy {policy_id} not found")
    claimed = member_benefits(app, policy.member_id, policy.family_id).claimed_on(policy.id)
    return policy_body(policy, claimed)


def enrol_policy(
    app: Nuanxin, principal: Principal, command: EnrolPolicy, key: str | None
) -> Handled:
    principal.require(Action.ENROL_POLICIES)
    terms = command.terms
    a_policy_period_ends_after_it_starts(terms.starts_on, terms.ends_on)
    enrolled_on = past_or_today(app, terms.enrolled_on, "enrolled_on")
    policy_id = InsurancePolicy.id_for(principal.user_id, key)

    def decide() -> Decision:
        family = family_in_scope(app, principal, command.family_id)
        family.check_open()
        member = member_of(family, terms.member_id)
        nothing_is_claimed_after_the_member_died(member, terms.starts_on, field="starts_on")
        fund = paying_fund(app, terms.premium_fund, "premium_fund")
        a_premium_comes_from_a_fund_of_the_policy_programme(
            terms.programme,
            fund.id,
            str(fund.programme) if fund.programme else None,
            fund.region_code,
            family.region_code,
        )
        policy = InsurancePolicy(
            id=policy_id,
            family_id=family.id,
            region_code=family.region_code,
            member_id=terms.member_id,
            programme=terms.programme,
            insurer=terms.insurer,
            policy_number=terms.policy_number,
            starts_on=terms.starts_on,
            ends_on=terms.ends_on,
            premium_fen=terms.premium_fen,
            premium_fund_id=fund.id,
            cover_fen=terms.cover_fen,
            premium_transfer_id=InsurancePolicy.premium_payment_id(policy_id),
            enrolled_on=enrolled_on,
        )
        benefits = member_benefits(app, terms.member_id, family.id)
        benefits.hold_policy(policy)
        insurer = external_account(app, terms.insurer)
        premium = record_transfer(
            fund,
            insurer,
            transfer_id=policy.premium_transfer_id,
            kind=TransferKind.PREMIUM,
            amount_fen=terms.premium_fen,
            memo=f"{terms.insurer} 保单{terms.policy_number}保费",
            occurred_on=enrolled_on,
            cause={"type": "policy", "id": str(policy_id)},
        )
        return [policy, benefits, fund, insurer, premium], policy_body(policy, 0)

    # The fingerprint holds the terms as given: stored answers were keyed so.
    return Handled(command, decide)
