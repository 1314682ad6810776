"""The yearly scorecard per county (绩效评价): budget execution, coverage rates, visits per
family and claims decided within 30 days, each with its value, weight, target and score."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.report_postings import ledger_reports
from api.report_queries import FAMILIES, drill_url, percent, report_scope
from api.runtime import Runtime
from application.principal import Principal
from domain.regions import region_name
from domain.scorecard import (
    DEFAULT_TARGETS,
    DEFAULT_WEIGHTS,
    INDICATORS,
    IndicatorScore,
    check_scorecard_settings,
    indicator_score,
    total_score,
)
from projections.reports import COVERAGE_MEASURES, ClaimDecision

COUNTY = 6
RATED_MEASURES = tuple(m for m in COVERAGE_MEASURES if f"{m}_rate" in INDICATORS)
CLAIMS = "/api/v1/claims"


def is_county(code: str) -> bool:
    """A county-level code: six digits that do not end a province's or city's `00`."""
    return len(code) == COUNTY and not code.endswith("00")


def scorecard(
    runtime: Runtime, principal: Principal, *, region: str | None, year: int | None
) -> dict[str, Any]:
    today = runtime.app.today()
    year = year or today.year
    as_of = min(dt.date(year, 12, 31), today)
    settings = runtime.settings
    weights = DEFAULT_WEIGHTS | settings.scorecard_weights
    targets = DEFAULT_TARGETS | settings.scorecard_targets
    check_scorecard_settings(weights, targets)
    scope = report_scope(runtime, principal, region)
    body: dict[str, Any] = {
        "region": scope.region,
        "year": year,
        "as_of": as_of,
        "position": scope.position,
        "weights": weights,
        "targets": targets,
        "counties": [],
    }
    if scope.prefix is None:
        return body
    view = runtime.reports
    coverage = {c.region_code: c for c in view.coverage_figures(scope.prefix, as_of, COUNTY)}
    visits = view.visits_by_region(scope.prefix, year, COUNTY)
    claims = view.claims_decided(scope.prefix, year, COUNTY)
    budget = ledger_reports(runtime).budget_by_region(
        region_prefix=scope.prefix, year=year, group_length=COUNTY
    )
    codes = sorted(c for c in {*coverage, *visits, *claims, *budget} if is_county(c))
    for code in codes:
        families = coverage[code].families if code in coverage else 0
        allocated, paid = budget.get(code, (0, 0))
        in_time, decided = claims.get(code, (0, 0))
        values: dict[str, float | None] = {
            "budget_execution": percent(paid, allocated),
            **{
                f"{m}_rate": percent(coverage[code].counts[m], families) if families else None
                for m in RATED_MEASURES
            },
            "visits_per_family": round(visits.get(code, 0) / families, 2) if families else None,
            "claims_decided_30d_rate": percent(in_time, decided),
        }
        drills = {"claims_decided_30d_rate": drill_url("scorecard/claims", region=code, year=year)}
        scores = [
            indicator_score(name, values[name], weights[name], targets[name]) for name in INDICATORS
        ]
        body["counties"].append(
            {
                "region_code": code,
                "region_name": region_name(code),
                "indicators": [
                    {
                        "indicator": s.indicator,
                        "name": INDICATORS[s.indicator],
                        **_numbers(s),
                        "drill": drills.get(s.indicator),
                    }
                    for s in scores
                ],
                "total": total_score(scores),
            }
        )
    return body


def _numbers(score: IndicatorScore) -> dict[str, Any]:
    return {
        "value": score.value,
        "weight": score.weight,
        "target": score.target,
        "score": score.score,
    }


def scorecard_claims(
    runtime: Runtime,
    principal: Principal,
    *,
    region: str | None,
    year: int | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """The claims the "decided within 30 days" figure counts: those decided (approved or
    rejected) in the year, in the region their family was in when decided; `in_time` of them
    within 30 days of submission. `in_time` over `total` is the figure."""
    year = year or runtime.app.today().year
    scope = report_scope(runtime, principal, region)
    body: dict[str, Any] = {
        "region": scope.region,
        "year": year,
        "position": scope.position,
        "limit": limit,
        "offset": offset,
    }
    if scope.prefix is None:
        return body | {"items": [], "total": 0, "in_time": 0, "in_time_rate": None}
    page = runtime.reports.claim_decisions(scope.prefix, year, limit, offset)
    return body | {
        "items": [_claim_item(decision) for decision in page.rows],
        "total": page.total,
        "in_time": page.in_time,
        "in_time_rate": percent(page.in_time, page.total),
    }


def _claim_item(decision: ClaimDecision) -> dict[str, Any]:
    submitted_on = dt.date.fromisoformat(decision.submitted_on)
    decided_on = dt.date.fromisoformat(decision.decided_on)
    return {
        "claim_id": decision.claim_id,
        "family_id": decision.family_id,
        "region_code": decision.region_code,
        "region_name": region_name(decision.region_code),
        "kind": decision.kind,
        "decision": decision.decision,
        "submitted_on": submitted_on,
        "decided_on": decided_on,
        "days": (decided_on - submitted_on).days,
        "in_time": decision.in_time,
        "claim": f"{CLAIMS}/{decision.claim_id}",
        "family": f"{FAMILIES}/{decision.family_id}",
    }
