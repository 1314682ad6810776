"""The effective-dated rules that price claims (DESIGN.md section 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from api.schemas.common import StrictModel
from application.commands.rules import AddRuleVersion


class RuleCreate(StrictModel):
    id: str = Field(max_length=64, examples=["nursing_subsidy"])
    effective_from: dt.date
    terms: dict[str, Any] = Field(
        examples=[{"per_day": "120.00", "max_days_per_year": 90, "min_hospital_tier": 2}]
    )

    def command(self) -> AddRuleVersion:
        return AddRuleVersion(self.id, self.effective_from, self.terms)


class RulePublic(StrictModel):
    id: str
    version: int
    effective_from: dt.date
    terms: dict[str, Any]
    in_force: bool = Field(description="the version that prices claims dated today")


class RuleList(StrictModel):
    rules: list[RulePublic]
