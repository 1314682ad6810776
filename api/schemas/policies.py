"""Insurance policy requests and responses (DESIGN.md section 10)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from api.schemas.claims import MemberId
from api.schemas.common import Fen, Name, StrictModel
from application.commands.policies import EnrolPolicy, PolicyTerms
from domain.claims.policy import PolicyProgramme


class PolicyCreate(StrictModel):
    member_id: MemberId
    programme: PolicyProgramme
    insurer: Name
    policy_number: Name
    starts_on: dt.date
    ends_on: dt.date
    premium: Fen
    premium_fund: UUID
    cover: Fen
    enrolled_on: dt.date | None = None

    def command(self, family_id: UUID) -> EnrolPolicy:
        return EnrolPolicy(family_id, self.terms())

    def terms(self) -> PolicyTerms:
        return PolicyTerms(
            member_id=self.member_id,
            programme=self.programme,
            insurer=self.insurer,
            policy_number=self.policy_number,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            premium_fen=self.premium,
            premium_fund=self.premium_fund,
            cover_fen=self.cover,
            enrolled_on=self.enrolled_on,
        )


class PolicyPublic(StrictModel):
    id: str
    version: int
    family_id: str
    member_id: str
    programme: PolicyProgramme
    insurer: str
    policy_number: str
    starts_on: dt.date
    ends_on: dt.date
    premium: str
    premium_fund: str
    premium_transfer_id: str
    cover: str
    cover_left: str
    enrolled_on: dt.date
    recorded_at: dt.datetime
