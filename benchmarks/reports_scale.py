"""The reports at 1,000, 10,000 and 100,000 families (10 services each), through the HTTP API:
a county's reports (a county holds ~1,000 families at every size, so they should stay flat)
and the province's (which read the view's summaries: months per county, a households row per
family and year, each family's last visits). Rows are generated straight into the reports
view, as a rebuild would leave them; the overdue list, which reads each shown family's
contacts from its events, is measured on the view.

    python -m benchmarks.reports_scale [--sizes 1000,10000,100000] [--postgres URL] [--repeat 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime
from benchmarks.workspace import settle, throwaway_runtime, throwaway_settings
from domain.values import Role
from projections.reports_sql import SQLReportsView
from projections.reports_summaries_sql import households_from

FAMILIES_PER_COUNTY = 1000
SERVICES_PER_FAMILY = 10
YEAR = 2025
CATEGORIES = ("bereaved", "disabled_child", "surgery_complication", "hardship")
KINDS = ("visit", "visit", "visit", "comfort", "volunteer")
OCCASIONS = ("spring_festival", "may29", "mid_autumn", "routine")
CHUNK = 20_000


def county_codes(families: int) -> list[str]:
    """Counties of 湖南 (43): cities 4301.., ten counties each (codes need not be real)."""
    counties = max(1, families // FAMILIES_PER_COUNTY)
    return [f"43{1 + i // 10:02d}{21 + i % 10:02d}" for i in range(counties)]


def family_rows(families: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    counties = county_codes(families)
    for n in range(families):
        county = counties[n % len(counties)]
        # Attributes vary with the family's number within its county, so that every county
        # holds the same mix (by `n` alone, all of a county's families would be alike).
        k = n // len(counties)
        yield {
            "family_id": f"f{n:08d}",
            "region_code": f"{county}{101 + k % 10:03d}{1 + k // 10 % 10:03d}",
            "category": CATEGORIES[k % len(CATEGORIES)],
            "status": "closed" if k % 50 == 1 else "open",
            "registered_on": "2020-01-01",
            "closed_on": "2024-01-01" if k % 50 == 1 else None,
            "contacts_on": "2021-01-01" if k % 3 else None,
            "doctor_signed_on": "2024-06-01" if k % 2 else None,
            "doctor_expires_on": "2026-06-01" if k % 2 else None,
            "green_channel_on": "2022-01-01" if k % 4 else None,
            "last_service_on": None,
            "position": n + 1,
        }


def service_rows(families: list[dict[str, Any]], rng: random.Random) -> Iterator[dict[str, Any]]:
    start = dt.date(YEAR - 1, 1, 1)
    number = 0
    for family in families:
        if family["contacts_on"] is None and family["status"] == "open" and rng.random() < 0.3:
            continue  # a tenth of the families never served
        for _ in range(SERVICES_PER_FAMILY):
            number += 1
            yield {
                "service_id": f"s{number:09d}",
                "family_id": family["family_id"],
                "region_code": family["region_code"],
                "kind": rng.choice(KINDS),
                "occasion": rng.choice(OCCASIONS),
                "occurred_on": (start + dt.timedelta(days=rng.randrange(700))).isoformat(),
                "cash_fen": rng.choice((0, 0, 20000, 50000)),
                "goods_fen": rng.choice((0, 8000, 15000)),
                "transfer_id": None,
                "voided": 1 if number % 40 == 0 else 0,
                "corrections": 0,
                "position": number,
            }


_SERVICES_OF_FAMILY = (
    "FROM {t}report_services s WHERE s.family_id = {t}report_families.family_id AND s.voided = 0"
)
SUMMARIES = (
    "UPDATE {t}report_families SET "
    f"last_service_on = (SELECT MAX(s.occurred_on) {_SERVICES_OF_FAMILY}), "
    f"last_visit_on = (SELECT MAX(s.occurred_on) {_SERVICES_OF_FAMILY} AND s.kind = 'visit'), "
    f"fourth_last_visit_on = (SELECT s.occurred_on {_SERVICES_OF_FAMILY} AND s.kind = 'visit' "
    "ORDER BY s.occurred_on DESC LIMIT 1 OFFSET 3)",
    "INSERT INTO {t}report_service_months (region_code, month, kind, occasion, services, "
    "cash_fen, goods_fen) SELECT SUBSTR(region_code, 1, 6), SUBSTR(occurred_on, 1, 7), kind, "
    "occasion, COUNT(*), SUM(cash_fen), SUM(goods_fen) FROM {t}report_services "
    "WHERE voided = 0 GROUP BY 1, 2, 3, 4",
    households_from("voided = 0"),
)
"""The family facts and summary tables the view keeps, for all rows at once (the view
writes them per changed family and service)."""


def insert(view: SQLReportsView, table: str, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    while True:
        chunk = [row for _, row in zip(range(CHUNK), rows, strict=False)]
        if not chunk:
            return count
        columns = list(chunk[0])
        statement = view.dialect(
            f"INSERT INTO {{t}}{table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})"
        )
        with view.datastore.transaction(commit=True) as cursor:
            cursor.executemany(statement, chunk)
        count += len(chunk)


def load(runtime: Runtime, families: int) -> None:
    view = runtime.reports
    assert isinstance(view, SQLReportsView)
    rng = random.Random(families)
    rows = list(family_rows(families, rng))
    insert(view, "report_families", iter(rows))
    insert(view, "report_services", service_rows(rows, rng))
    with view.datastore.transaction(commit=True) as cursor:
        for statement in SUMMARIES:
            cursor.execute(view.dialect(statement))
    settle(runtime, view)


def p50_ms(call: Callable[[], Any], repeat: int) -> float:
    call()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


def measure_size(postgres_url: str | None, families: int, repeat: int) -> dict[str, Any]:
    with throwaway_runtime(throwaway_settings(postgres_url)) as runtime:
        issued = runtime.app.users.add_user("bench", Role.SUPERVISOR, None)
        for name in runtime.projections:
            runtime.runner_for(name).catch_up()
        started = time.perf_counter()
        load(runtime, families)
        loaded = time.perf_counter() - started
        county = county_codes(families)[0]
        headers = {"Authorization": f"Bearer {issued.token}"}
        period = {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}
        as_of = f"{YEAR}-12-31"
        with TestClient(create_app(runtime=runtime)) as client:

            def get(path: str, **params: Any) -> Callable[[], Any]:
                def call() -> Any:
                    response = client.get(f"/api/v1/reports/{path}", params=params, headers=headers)
                    assert response.status_code == 200, response.text
                    return response.json()

                return call

            view = runtime.reports
            served_since = dt.date(YEAR, 12, 31) - dt.timedelta(days=90)
            figures = {
                "services, county": p50_ms(get("services", region=county, **period), repeat),
                "services, province": p50_ms(get("services", region="430000", **period), repeat),
                "coverage, county": p50_ms(get("coverage", region=county, as_of=as_of), repeat),
                "coverage, province": p50_ms(get("coverage", region="430000", as_of=as_of), repeat),
                "served families drill, county, page 1": p50_ms(
                    get("services/families", region=county, limit=50, **period), repeat
                ),
                "coverage families drill, province, page 1": p50_ms(
                    get("coverage/families", region="430000", as_of=as_of, limit=50), repeat
                ),
                "scorecard, province": p50_ms(get("scorecard", region="430000", year=YEAR), repeat),
                "overdue view, province, page 1": p50_ms(
                    lambda: view.overdue_families("43", served_since, 50, 0), repeat
                ),
            }
        return {"families": families, "load_seconds": round(loaded, 1), "p50_ms": figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--postgres", help="a PostgreSQL URL; SQLite without it")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    results = [
        measure_size(args.postgres, int(size), args.repeat) for size in args.sizes.split(",")
    ]
    backend = "postgres" if args.postgres else "sqlite"
    names = list(results[0]["p50_ms"])
    print(
        f"| report ({backend}, p50 ms) | "
        + " | ".join(f"{r['families']:,}" for r in results)
        + " |"
    )
    print("|---|" + "---|" * len(results))
    for name in names:
        print(f"| {name} | " + " | ".join(str(r["p50_ms"][name]) for r in results) + " |")
    print("load seconds: " + ", ".join(str(r["load_seconds"]) for r in results))


if __name__ == "__main__":
    main()
