"""Commands on insurance policies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from application.commands import Command
from domain.claims.policy import PolicyProgramme


@dataclass(frozen=True)
class PolicyTerms:
    """Not slotted, and named as it was: its repr is part of stored fingerprints."""

    member_id: str
    programme: PolicyProgramme
    insurer: str
    policy_number: str
    starts_on: dt.date
    ends_on: dt.date
    premium_fen: int
    premium_fund: UUID
    cover_fen: int
    enrolled_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class EnrolPolicy(Command):
    """The fingerprint holds the terms as given (an omitted enrolment date stays None)."""

    KIND: ClassVar[str] = "enrol_policy"
    family_id: UUID
    terms: PolicyTerms
