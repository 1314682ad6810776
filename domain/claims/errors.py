"""The refusals of subsidies, policies and claims, each named for what it guards."""

from __future__ import annotations

from domain.errors import DomainError, RuleViolatedError


class NotAllowedOnThisClaimError(DomainError):
    """The caller's role may act on claims, but not on this one (403)."""


class SegregationOfDutiesError(NotAllowedOnThisClaimError):
    """四权分离: whoever submitted a claim neither decides nor pays it."""


class ClaimStepOutOfOrderError(RuleViolatedError):
    """Each step of a claim's lifecycle happens at most once, and only in its turn."""


class YearlyCapExceededError(RuleViolatedError):
    """More nursing days, or more aid, than a member's yearly allowance has left."""


class StayOverlapsAnotherClaimError(RuleViolatedError):
    """A member is in one hospital at a time: two claims cannot cover the same night."""


class HospitalTierTooLowError(RuleViolatedError):
    """The nursing subsidy pays for stays in hospitals of the rule's minimum tier or above."""


class DatedAfterDeathError(RuleViolatedError):
    """Nothing is claimed or insured for a member after their recorded death (冒领)."""


class PolicyNotInForceError(RuleViolatedError):
    """A claim on a policy is for a date within the policy's period, of its programme and
    member; a policy's premium comes from a fund of its programme."""


class OverlappingPolicyError(RuleViolatedError):
    """One policy per member, programme and period."""


class CoverExceededError(RuleViolatedError):
    """A claim asks for more than the policy's cover or the rule's cap has left."""


class NoRuleInForceError(RuleViolatedError):
    """The date precedes every version of the rule: nothing can price the claim."""
