"""The summarised province and city figures against the drill lists (which read the rows)
after many changes projected in one batch: several corrections to one service across months
and years, voids after corrections, a service recorded and voided together, a move; after a
rebuild; for periods of single days, across year ends, without a start, and at the ends of
the calendar. Coverage's visit measures against the visits themselves, and the overdue list
of a province against its counties' lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.conftest import UserFactory
from tests.steps import FAMILIES, SERVICES, register_family
from tests.test_report_summaries import FILTERS, REPORTS, _drilled, _figures, get, post

PERIODS = (
    {"from": "2025-01-01", "to": "2025-12-31"},
    {"from": "2024-12-31", "to": "2024-12-31"},
    {"from": "2025-01-01", "to": "2025-01-01"},
    {"from": "2025-02-15", "to": "2025-02-15"},
    {"from": "2025-02-01", "to": "2025-02-28"},
    {"from": "2024-12-01", "to": "2025-01-31"},
    {"from": "2024-12-15", "to": "2025-01-10"},
    {"from": "2024-12-15", "to": "2025-01-31"},
    {"from": "2024-12-01", "to": "2025-01-10"},
    {"from": "2024-01-01", "to": "2026-12-31"},
    {"from": "2023-06-15", "to": "2026-02-03"},
    {"to": "2025-01-31"},
    {"to": "2025-02-14"},
    {"to": "2026-01-01"},
)


def _check_every_figure(client: TestClient, headers: dict[str, str]) -> None:
    for period in PERIODS:
        for filters in FILTERS:
            for region in (None, "430100", "430200"):
                params = period | filters | ({"region": region} if region else {})
                report = get(client, f"{REPORTS}/services", headers, **params)
                for row in [report["totals"], *report["rows"]]:
                    expected = _drilled(client, row["drill"]["families"], headers)
                    assert _figures(row) == expected, (params, row["drill"]["families"])


@pytest.fixture
def batched(client: TestClient, runtime: Runtime, user_headers: UserFactory) -> dict[str, str]:
    """Everything recorded while the reports runner is stopped, then projected in one batch.
    Answers the supervisor's headers (users made after would leave the stopped view behind)."""
    worker = user_headers("caseworker", "430000")
    supervisor = user_headers("supervisor", "430000")
    runtime.runners["reports"].stop()

    def family(region: str) -> str:
        return str(register_family(client, worker, region_code=region)["id"])

    def service(family_id: str, on: str, **fields: Any) -> str:
        body = {"kind": "visit", "occasion": "spring_festival", "occurred_on": on,
                "staff": ["张敏"], "summary": "走访慰问",
                "goods": [{"description": "米油", "value": "10.00"}], **fields}  # fmt: skip
        headers = worker | {"Idempotency-Key": f"{family_id}-{on}-{len(fields)}"}
        return str(post(client, f"{FAMILIES}/{family_id}/services", body, headers)["id"])

    def correct(service_id: str, **changes: Any) -> None:
        post(client, f"{SERVICES}/{service_id}/corrections", {"reason": "更正", **changes}, worker)

    def void(service_id: str) -> None:
        post(client, f"{SERVICES}/{service_id}/void", {"reason": "重复"}, worker)

    f = {
        "A": family("430121101001"),
        "B": family("430121101002"),
        "C": family("430181001001"),
        "D": family("430202001001"),
        "E": family("430102001001"),
    }
    a1 = service(f["A"], "2024-12-31")
    correct(a1, occurred_on="2025-01-01")
    correct(a1, occurred_on="2025-02-15", kind="comfort")
    correct(a1, goods=[{"description": "米油", "value": "33.00"}], occasion="routine")
    a2 = service(f["A"], "2025-03-10")
    correct(a2, occasion="routine")
    void(a2)
    b1 = service(f["B"], "2025-05-31")
    void(b1)
    b2 = service(f["B"], "2025-06-01")
    correct(b2, goods=[{"description": "米油", "value": "25.00"}])
    c1 = service(f["C"], "2025-01-31")
    post(
        client,
        f"{FAMILIES}/{f['C']}/transfer",
        {"to_region_code": "430202001001", "transferred_on": "2025-02-01", "reason": "迁居"},
        worker,
    )
    service(f["C"], "2025-02-01", occasion="routine")
    correct(c1, occurred_on="2024-12-01")
    service(f["D"], "2025-12-31")
    d2 = service(f["D"], "2026-01-01")
    correct(d2, occurred_on="2025-01-01")
    service(f["E"], "2025-07-15", kind="comfort")
    runtime.runner_for("reports").catch_up()
    return supervisor


def test_one_batch_of_many_changes_gives_the_figures_the_rows_give(
    client: TestClient, batched: dict[str, str]
) -> None:
    _check_every_figure(client, batched)


def test_a_rebuild_gives_the_figures_the_rows_give(
    client: TestClient, runtime: Runtime, batched: dict[str, str]
) -> None:
    runtime.reports.clear(runtime.app.name)
    runtime.runner_for("reports").catch_up()
    _check_every_figure(client, batched)


def test_a_period_to_the_last_representable_day_is_answered_for_a_province_and_a_city(
    client: TestClient, batched: dict[str, str]
) -> None:
    for region in ("430121", "430100", "430000"):
        for period in (
            {"to": "9999-12-31"},
            {"from": "9999-12-02", "to": "9999-12-31"},
            {"to": "0001-01-15"},
        ):
            response = client.get(
                f"{REPORTS}/services", params=period | {"region": region}, headers=batched
            )
            assert response.status_code == 200, (region, period, response.text)
            totals = response.json()["totals"]
            assert _figures(totals) == _drilled(client, totals["drill"]["families"], batched)


def test_coverage_visit_measures_are_what_the_visits_themselves_give(
    client: TestClient, runtime: Runtime, user_headers: UserFactory
) -> None:
    """Expected values computed here from the visits, independently of the view: visits after
    as_of, voided visits, a visit corrected to a later date, a visit corrected to another kind."""
    worker = user_headers("caseworker", "430000")
    supervisor = user_headers("supervisor", "430000")
    families = {
        name: str(register_family(client, worker, region_code=region)["id"])
        for name, region in (("A", "430121101001"), ("B", "430121101002"), ("C", "430202001001"))
    }
    visits: dict[str, dict[str, Any]] = {}

    def visit(name: str, on: str) -> str:
        body = {"kind": "visit", "occasion": "routine", "occurred_on": on, "staff": ["张敏"],
                "summary": "走访", "goods": []}  # fmt: skip
        headers = worker | {"Idempotency-Key": f"{name}-{on}"}
        service = str(post(client, f"{FAMILIES}/{families[name]}/services", body, headers)["id"])
        visits[service] = {"family": name, "on": on, "kind": "visit", "voided": False}
        return service

    a = [visit("A", on) for on in ("2025-01-10", "2025-02-10", "2025-03-10", "2025-04-10")]
    a5 = visit("A", "2025-05-10")
    post(client, f"{SERVICES}/{a5}/void", {"reason": "重复"}, worker)
    visits[a5]["voided"] = True
    post(client, f"{SERVICES}/{a[0]}/corrections", {"reason": "更正", "occurred_on": "2025-08-01"},
         worker)  # fmt: skip
    visits[a[0]]["on"] = "2025-08-01"
    b1 = visit("B", "2025-03-01")
    post(client, f"{SERVICES}/{b1}/corrections", {"reason": "更正", "kind": "comfort"}, worker)
    visits[b1]["kind"] = "comfort"
    visit("B", "2025-06-15")
    for on in ("2024-12-01", "2025-01-01", "2025-02-01", "2025-03-01"):
        visit("C", on)

    def expected(as_of: str) -> tuple[int, int]:
        day = dt.date.fromisoformat(as_of)
        quarter, year = (
            (day - dt.timedelta(days=90)).isoformat(),
            (day - dt.timedelta(days=365)).isoformat(),
        )
        counted = [v for v in visits.values() if v["kind"] == "visit" and not v["voided"]]
        in_90 = {v["family"] for v in counted if quarter <= v["on"] <= as_of}
        per_family = {
            name: sum(1 for v in counted if v["family"] == name and year <= v["on"] <= as_of)
            for name in families
        }
        return len(in_90), sum(1 for n in per_family.values() if n >= 4)

    for as_of in ("2024-12-31", "2025-03-01", "2025-04-30", "2025-05-10", "2025-07-01",
                  "2025-08-01", "2025-12-31", "2026-06-30"):  # fmt: skip
        for region in (None, "430100", "430121"):
            params = {"as_of": as_of} | ({"region": region} if region else {})
            totals = get(client, f"{REPORTS}/coverage", supervisor, **params)["totals"]
            if region is None:
                assert (totals["visited_90d"], totals["visited_4_in_365d"]) == expected(as_of), (
                    as_of
                )


def test_the_overdue_list_of_a_province_is_its_counties_lists_merged(
    client: TestClient, batched: dict[str, str]
) -> None:
    for days in (0, 90, 400, 36_500):
        province = get(client, f"{REPORTS}/overdue", batched, days=days, limit=500)
        merged = []
        for county in ("430102", "430121", "430181", "430202"):
            merged += get(client, f"{REPORTS}/overdue", batched, days=days, region=county,
                          limit=500)["items"]  # fmt: skip
        merged.sort(key=lambda item: (item["last_service_on"] or "",))
        assert province["total"] == len(merged)
        assert sorted(i["family_id"] for i in province["items"]) == sorted(
            i["family_id"] for i in merged
        )
        dates = [item["last_service_on"] or "" for item in province["items"]]
        assert dates == sorted(dates)


def test_coverage_as_of_the_calendars_first_days_is_answered(
    client: TestClient, batched: dict[str, str]
) -> None:
    for path in ("coverage", "coverage/families"):
        response = client.get(f"{REPORTS}/{path}", params={"as_of": "0001-01-05"}, headers=batched)

        assert response.status_code == 200, response.text
