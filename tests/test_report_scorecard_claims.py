"""The scorecard's "claims decided within 30 days" (30天内办结率) through the HTTP API, against
figures worked out by hand: in county 430121 two claims submitted on 2025-03-01, one approved
ten days later and one rejected forty days later, a third still undecided, and a fourth
submitted on 2025-12-15 and rejected on 2026-01-20 (36 days) — 2025: one of two decided in
time, 50%; 2026: none of one, 0%."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.claim_steps import County, county, step, submitted
from tests.conftest import UserFactory
from tests.steps import FAMILIES

REPORTS = "/api/v1/reports"


class Calendar:
    """The application's business clock, set by the test: claims are submitted today."""

    def __init__(self, day: str) -> None:
        self.day = dt.date.fromisoformat(day)

    def today(self) -> dt.date:
        return self.day


@dataclass
class Claims:
    ten_days: str
    forty_days: str
    undecided: str
    next_year: str


def education_aid(c: County, member_id: str) -> dict[str, Any]:
    return {
        "kind": "education_aid",
        "member_id": member_id,
        "fund_id": c.education_fund,
        "amount": "500.00",
        "reason": "孙女考入大学",
    }


def decide(
    client: TestClient, supervisor: dict[str, str], claim_id: str, how: str, on: str
) -> None:
    body: dict[str, Any] = {f"{how}d_on" if how == "approve" else "rejected_on": on}
    if how == "reject":
        body["reason"] = "不符合条件"
    response = step(client, supervisor, claim_id, how, **body)
    assert response.status_code == 200, response.text


@pytest.fixture
def calendar(runtime: Runtime) -> Calendar:
    calendar = Calendar("2025-03-01")
    runtime.app.clock = calendar  # type: ignore[assignment]
    return calendar


@pytest.fixture
def claims(
    client: TestClient,
    calendar: Calendar,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
) -> Claims:
    c = county(client, admin, caseworker)
    ten_days = submitted(client, caseworker, c.family_id, education_aid(c, c.spouse_id))["id"]
    forty_days = submitted(client, caseworker, c.family_id, education_aid(c, c.head_id))["id"]
    undecided = submitted(client, caseworker, c.family_id, education_aid(c, c.head_id))["id"]
    calendar.day = dt.date(2025, 12, 15)
    next_year = submitted(client, caseworker, c.family_id, education_aid(c, c.spouse_id))["id"]
    calendar.day = dt.date(2026, 1, 31)
    decide(client, supervisor, ten_days, "approve", "2025-03-11")
    decide(client, supervisor, forty_days, "reject", "2025-04-10")
    decide(client, supervisor, next_year, "reject", "2026-01-20")
    return Claims(ten_days, forty_days, undecided, next_year)


def get(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(path, params=params or None, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def claims_indicator(
    client: TestClient, headers: dict[str, str], year: int, county_code: str = "430121"
) -> dict[str, Any]:
    card = get(client, f"{REPORTS}/scorecard", headers, year=year)
    (county_score,) = [c for c in card["counties"] if c["region_code"] == county_code]
    (indicator,) = [
        i for i in county_score["indicators"] if i["indicator"] == "claims_decided_30d_rate"
    ]
    return dict(indicator)


def test_claims_decided_within_30_days_is_the_share_of_the_years_decisions_made_in_time(
    client: TestClient, claims: Claims, supervisor: dict[str, str]
) -> None:
    indicator = claims_indicator(client, supervisor, 2025)

    # One of the two claims decided in 2025 was decided within 30 days; weight 10, target 100.
    assert (indicator["value"], indicator["weight"], indicator["score"]) == (50.0, 10.0, 5.0)


def test_a_claim_decided_the_next_year_counts_in_that_years_scorecard(
    client: TestClient, claims: Claims, supervisor: dict[str, str]
) -> None:
    indicator = claims_indicator(client, supervisor, 2026)

    assert (indicator["value"], indicator["score"]) == (0.0, 0.0)


def test_the_figures_drill_lists_the_claims_it_counts_with_their_days(
    client: TestClient, claims: Claims, supervisor: dict[str, str]
) -> None:
    indicator = claims_indicator(client, supervisor, 2025)

    listed = get(client, indicator["drill"], supervisor)

    assert [(i["claim_id"], i["decision"], i["days"], i["in_time"]) for i in listed["items"]] == [
        (claims.ten_days, "approved", 10, True),
        (claims.forty_days, "rejected", 40, False),
    ]
    assert (listed["total"], listed["in_time"], listed["in_time_rate"]) == (2, 1, 50.0)
    assert listed["items"][0]["claim"] == f"/api/v1/claims/{claims.ten_days}"


def test_the_weight_and_target_of_the_claims_figure_are_settings(
    client: TestClient, runtime: Runtime, claims: Claims, supervisor: dict[str, str]
) -> None:
    runtime.settings.scorecard_weights = {"claims_decided_30d_rate": 20}
    runtime.settings.scorecard_targets = {"claims_decided_30d_rate": 50}

    indicator = claims_indicator(client, supervisor, 2025)

    assert (indicator["weight"], indicator["target"], indicator["score"]) == (20.0, 50.0, 20.0)


def test_a_claim_counts_in_the_county_its_family_was_in_when_decided(
    client: TestClient,
    calendar: Calendar,
    admin: dict[str, str],
    caseworker: dict[str, str],
    supervisor: dict[str, str],
    user_headers: UserFactory,
) -> None:
    c = county(client, admin, caseworker)
    claim_id = submitted(client, caseworker, c.family_id, education_aid(c, c.head_id))["id"]
    calendar.day = dt.date(2025, 3, 20)
    moved = client.post(
        f"{FAMILIES}/{c.family_id}/transfer",
        json={"to_region_code": "430181001001", "reason": "随子女迁居浏阳"},
        headers=user_headers("caseworker", "430100"),
    )
    assert moved.status_code == 200, moved.text

    decide(client, supervisor, claim_id, "reject", "2025-03-20")

    assert claims_indicator(client, supervisor, 2025, "430181")["value"] == 100.0
    listed = get(client, f"{REPORTS}/scorecard/claims", supervisor, region="430121", year=2025)
    assert listed["total"] == 0


def test_rebuilding_the_reports_view_gives_the_same_claims_figure(
    client: TestClient, runtime: Runtime, claims: Claims, supervisor: dict[str, str]
) -> None:
    before = get(client, f"{REPORTS}/scorecard/claims", supervisor, year=2025)

    runtime.runners["reports"].stop()  # no live runner racing the rebuild
    runtime.reports.clear(runtime.app.name)
    runtime.runner_for("reports").catch_up()

    assert get(client, f"{REPORTS}/scorecard/claims", supervisor, year=2025) == before
    assert claims_indicator(client, supervisor, 2025)["value"] == 50.0
