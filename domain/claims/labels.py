"""Claim kinds and policy programmes as the associations write them in Chinese."""

from __future__ import annotations

from domain.claims.policy import PolicyProgramme
from domain.claims.pricing import ClaimKind

CLAIM_KIND_LABELS: dict[ClaimKind, str] = {
    ClaimKind.NURSING_SUBSIDY: "住院护理补贴",
    ClaimKind.INSURANCE: "意外伤害保险理赔",
    ClaimKind.EDUCATION_AID: "金秋助学",
    ClaimKind.HARDSHIP_GRANT: "困难救助金",
}

POLICY_PROGRAMME_LABELS: dict[PolicyProgramme, str] = {
    PolicyProgramme.NURSING_SUBSIDY: "住院护理补贴保险",
    PolicyProgramme.ACCIDENT_INSURANCE: "意外伤害保险",
}
