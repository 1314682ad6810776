"""The ledger's vocabularies: what accounts, transfers and entries can be, how each entry phase
changes an account's totals, and which accounts each kind of transfer connects."""

from __future__ import annotations

from enum import StrEnum

Cause = dict[str, str]
"""What a transfer was made for, for the journal's link: {"type": "receipt" | "allocation" |
"service" | "claim" | "policy", "id": ...} plus whatever else names it (a receipt's reference)."""


class FundSource(StrEnum):
    PROVINCIAL_BUDGET = "provincial_budget"
    NATIONAL_PROJECT = "national_project"
    FOUNDATION_DONATION = "foundation_donation"
    FERTILITY_CARE_FUND = "fertility_care_fund"
    LOCAL_MATCHING = "local_matching"


class Programme(StrEnum):
    WARM_HEART = "warm_heart"
    NURSING_SUBSIDY = "nursing_subsidy"
    ACCIDENT_INSURANCE = "accident_insurance"
    EDUCATION_AID = "education_aid"
    HARDSHIP_GRANT = "hardship_grant"
    OTHER = "other"


class AccountKind(StrEnum):
    FUND = "fund"
    EXTERNAL = "external"
    BENEFICIARY = "beneficiary"


class TransferKind(StrEnum):
    RECEIPT = "receipt"
    ALLOCATION = "allocation"
    SERVICE_PAYMENT = "service_payment"
    CLAIM_PAYMENT = "claim_payment"
    PREMIUM = "premium"
    INSURER_PAYMENT = "insurer_payment"
    REVERSAL = "reversal"


class TransferState(StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    VOIDED = "voided"


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class EntryPhase(StrEnum):
    """How an entry changes its account: `posted` moves money at once, `pending` reserves it,
    `post_pending` turns a reservation into a posted amount, `void_pending` releases it."""

    POSTED = "posted"
    PENDING = "pending"
    POST_PENDING = "post_pending"
    VOID_PENDING = "void_pending"


# How much each phase adds to the posted and to the pending total of the entry's side: the
# one table by which the aggregates, the auditor and the projections count an entry.
PHASE_EFFECT: dict[EntryPhase, tuple[int, int]] = {
    EntryPhase.POSTED: (1, 0),
    EntryPhase.PENDING: (0, 1),
    EntryPhase.POST_PENDING: (1, -1),
    EntryPhase.VOID_PENDING: (0, -1),
}
SETTLING_PHASES = frozenset({EntryPhase.POST_PENDING, EntryPhase.VOID_PENDING})

# The accounts each kind of transfer may connect. Beneficiary accounts appear only as the
# receiving side: money leaves a family's account only when a payment to it is reversed.
TRANSFER_ROUTES: dict[TransferKind, tuple[AccountKind, AccountKind]] = {
    TransferKind.RECEIPT: (AccountKind.EXTERNAL, AccountKind.FUND),
    TransferKind.ALLOCATION: (AccountKind.FUND, AccountKind.FUND),
    TransferKind.SERVICE_PAYMENT: (AccountKind.FUND, AccountKind.BENEFICIARY),
    TransferKind.CLAIM_PAYMENT: (AccountKind.FUND, AccountKind.BENEFICIARY),
    # An insurance premium leaves a fund for the insurer; the insurer pays claims on it
    # straight to the family, and the ledger records both.
    TransferKind.PREMIUM: (AccountKind.FUND, AccountKind.EXTERNAL),
    TransferKind.INSURER_PAYMENT: (AccountKind.EXTERNAL, AccountKind.BENEFICIARY),
}
