"""The yearly performance scorecard of a county (绩效评价): each indicator scores its weight in
proportion to how far its value reaches its target; the weights and targets are settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from domain.errors import InvalidValueError

INDICATORS: dict[str, str] = {
    "budget_execution": "预算执行率（%）",
    "with_contacts_rate": "双岗联系人落实率（%）",
    "with_family_doctor_rate": "家庭医生签约率（%）",
    "with_green_channel_rate": "就医绿色通道开通率（%）",
    "insured_rate": "住院护理保险参保率（%）",
    "visited_90d_rate": "90天内走访率（%）",
    "visits_per_family": "户均走访次数",
    "claims_decided_30d_rate": "30天内办结率（%）",
}
"""Indicator ids and their headings, in the order a scorecard shows them."""

DEFAULT_WEIGHTS: dict[str, float] = {
    "budget_execution": 20,
    "with_contacts_rate": 15,
    "with_family_doctor_rate": 15,
    "with_green_channel_rate": 10,
    "insured_rate": 10,
    "visited_90d_rate": 10,
    "visits_per_family": 10,
    "claims_decided_30d_rate": 10,
}

DEFAULT_TARGETS: dict[str, float] = {
    "budget_execution": 90,
    "with_contacts_rate": 100,
    "with_family_doctor_rate": 90,
    "with_green_channel_rate": 100,
    "insured_rate": 80,
    "visited_90d_rate": 100,
    "visits_per_family": 4,
    "claims_decided_30d_rate": 100,
}


CLAIM_DECISION_DAYS = 30
"""30天内办结: a claim is decided in time when approved or rejected within 30 days of its
submission."""


def claim_decision_due_on(submitted_on: dt.date) -> dt.date:
    """The last day a claim submitted on `submitted_on` is decided in time: submitted on
    March 1st, decided by March 31st."""
    return submitted_on + dt.timedelta(days=CLAIM_DECISION_DAYS)


@dataclass(frozen=True)
class IndicatorScore:
    indicator: str
    value: float | None
    weight: float
    target: float
    score: float | None


def check_scorecard_settings(weights: Mapping[str, float], targets: Mapping[str, float]) -> None:
    """Every indicator has a weight of zero or more and a positive target."""
    for indicator in INDICATORS:
        if weights.get(indicator, -1) < 0:
            raise InvalidValueError(f"scorecard weight of {indicator} is missing or negative")
        if targets.get(indicator, 0) <= 0:
            raise InvalidValueError(f"scorecard target of {indicator} is missing or not positive")


def indicator_score(
    indicator: str, value: float | None, weight: float, target: float
) -> IndicatorScore:
    """The weight in proportion to the value's share of the target, at most the weight. An
    indicator without a value (no families, no claims) scores nothing and counts nothing."""
    score = None if value is None else round(weight * min(value / target, 1.0), 2)
    return IndicatorScore(indicator, value, weight, target, score)


def total_score(scores: list[IndicatorScore]) -> float | None:
    """Out of 100, over the indicators that have a value: a county with no claims to decide
    is scored on the rest."""
    counted = [score for score in scores if score.score is not None]
    weight = sum(score.weight for score in counted)
    if not weight:
        return None
    return round(100 * sum(score.score or 0.0 for score in counted) / weight, 2)
