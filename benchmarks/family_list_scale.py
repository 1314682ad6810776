"""The family list at 1,000, 10,000 and 100,000 families, through the HTTP API, as a
province-wide supervisor: the first page, a deep offset, a county, the longest unserved, not
served since a date, and a search by one and by two characters of the head's name. Directory
rows (sealed names, keyed name grams, last services) are generated straight into the timeline
view, as a rebuild would leave them.

    python -m benchmarks.family_list_scale [--sizes 1000,10000,100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime
from benchmarks.reports_scale import county_codes, p50_ms
from benchmarks.workspace import settle, throwaway_runtime, throwaway_settings
from domain.values import Role
from projections.timeline_sql import SQLTimelineView

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "秀英建国桂兰志强玉华春梅海明丽娟文军红霞德胜淑芬"
CHUNK = 20_000


def head_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def directory_rows(view: SQLTimelineView, families: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(families)
    counties = county_codes(families)
    start = dt.date(2024, 1, 1)
    for n in range(families):
        county = counties[n % len(counties)]
        served = n % 10 != 7  # a tenth never served
        yield {
            "family_id": f"f{n:08d}",
            "region_code": f"{county}{101 + n // len(counties) % 10:03d}001",
            "category": "bereaved",
            "status": "open",
            "head_name": view.sealer.seal(head_name(rng)),
            "registered_on": "2020-01-01",
            "last_service_on": (
                (start + dt.timedelta(days=rng.randrange(700))).isoformat() if served else ""
            ),
            "updated_at": "2024-01-01T00:00:00.000000+00:00",
            "position": n + 1,
        }


def insert(view: SQLTimelineView, table: str, rows: Iterator[dict[str, Any]]) -> None:
    while chunk := [row for _, row in zip(range(CHUNK), rows, strict=False)]:
        columns = list(chunk[0])
        statement = view.dialect(
            f"INSERT INTO {{t}}{table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})"
        )
        with view.datastore.transaction(commit=True) as cursor:
            cursor.executemany(statement, chunk)


def load(runtime: Runtime, families: int) -> None:
    view = runtime.timeline
    assert isinstance(view, SQLTimelineView)
    rows = list(directory_rows(view, families))
    insert(view, "family_directory", iter(rows))
    grams = (
        {"gram": gram, "family_id": row["family_id"]}
        for row in rows
        for gram in view.grams.of(view.sealer.open(row["head_name"]))
    )
    insert(view, "family_name_grams", grams)
    with view.datastore.transaction(commit=True) as cursor:
        cursor.execute(  # the directory's counts, as the projection keeps them
            view.dialect(
                "INSERT INTO {t}family_directory_counts "
                "(region_code, category, status, families) "
                "SELECT region_code, category, status, COUNT(*) FROM {t}family_directory "
                "GROUP BY region_code, category, status"
            )
        )
    settle(runtime, view)


def measure_size(postgres_url: str | None, families: int, repeat: int) -> dict[str, Any]:
    with throwaway_runtime(throwaway_settings(postgres_url)) as runtime:
        issued = runtime.app.users.add_user("bench", Role.SUPERVISOR, None)
        runtime.runner_for("timeline").catch_up()
        started = time.perf_counter()
        load(runtime, families)
        loaded = time.perf_counter() - started
        county = county_codes(families)[0]
        headers = {"Authorization": f"Bearer {issued.token}"}
        with TestClient(create_app(runtime=runtime)) as client:

            def get(**params: Any) -> Callable[[], Any]:
                def call() -> Any:
                    response = client.get("/api/v1/families", params=params, headers=headers)
                    assert response.status_code == 200, response.text
                    return response.json()

                return call

            figures = {
                "first page": p50_ms(get(), repeat),
                "offset 900": p50_ms(get(offset=900), repeat),
                "a county, page 1": p50_ms(get(region=county), repeat),
                "sort=last_service_on, page 1": p50_ms(get(sort="last_service_on"), repeat),
                "the province, sort=last_service_on, page 1": p50_ms(
                    get(region="430000", sort="last_service_on"), repeat
                ),
                "a county, sort=last_service_on, page 1": p50_ms(
                    get(region=county, sort="last_service_on"), repeat
                ),
                "a county, not_served_since, page 1": p50_ms(
                    get(region=county, not_served_since="2025-06-01"), repeat
                ),
                "name=王 (1 character), page 1": p50_ms(get(name="王"), repeat),
                "name=秀英 (2 characters), page 1": p50_ms(get(name="秀英"), repeat),
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
    print(
        f"| family list ({backend}, p50 ms) | "
        + " | ".join(f"{r['families']:,}" for r in results)
        + " |"
    )
    print("|---|" + "---|" * len(results))
    for name in results[0]["p50_ms"]:
        print(f"| {name} | " + " | ".join(str(r["p50_ms"][name]) for r in results) + " |")
    print("load seconds: " + ", ".join(str(r["load_seconds"]) for r in results))


if __name__ == "__main__":
    main()
