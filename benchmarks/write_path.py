"""The HTTP write path (record a visit with an Idempotency-Key, projections running in the
server) at 1 and 16 clients, and a visit recorded then read back on its family's timeline."""

from __future__ import annotations

import datetime as dt
import itertools
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from stdnum.cn import ric

from api.runtime import open_runtime
from benchmarks.load import Call, LoadResult, run_load
from benchmarks.server import served
from benchmarks.workspace import drop_workspace, throwaway_settings
from domain.values import Role
from infrastructure.settings import Settings

REGION = "430121101001"
VISIT: dict[str, Any] = {
    "kind": "visit",
    "occasion": "spring_festival",
    "occurred_on": "2025-01-27",
    "staff": ["张敏", "刘洋"],
    "summary": "春节走访慰问，送去米油和慰问品",
    "goods": [{"description": "大米一袋", "value": "80.00"}],
}
FAMILIES = 8
_serials = itertools.count(1)


def resident(name: str, born: str, *, female: bool) -> dict[str, Any]:
    serial = next(_serials) % 500 * 2 + (0 if female else 1)
    body = f"430121{dt.date.fromisoformat(born):%Y%m%d}{serial:03d}"
    return {
        "name": name,
        "id_number": body + ric.calc_check_digit(body + "?"),
        "birth_date": born,
        "gender": "female" if female else "male",
    }


def family() -> dict[str, Any]:
    return {
        "region_code": REGION,
        "category": "bereaved",
        "head": resident("王秀英", "1962-03-15", female=True),
        "members": [{**resident("李建国", "1960-07-01", female=False), "relation": "spouse"}],
        "address": "长沙县黄兴镇蓝田村3组12号",
    }


@dataclass(frozen=True)
class WritePathResult:
    writes: list[LoadResult]
    round_trips: LoadResult
    post_p50_ms: float
    read_p50_ms: float


def http_write_path(
    postgres_url: str | None, runs: list[tuple[int, int]], round_trips: int
) -> WritePathResult:
    settings, headers = _workspace_with_a_caseworker(postgres_url)
    try:
        with served(settings) as base:
            api = f"{base}/api/v1"
            families = _families(api, headers)
            writes = [
                run_load(clients, calls, _writer(api, headers, families[0]))
                for clients, calls in runs
            ]
            trips, post_times, read_times = _round_trips(api, headers, families[1:], round_trips)
    finally:
        drop_workspace(settings)
    return WritePathResult(
        writes=writes,
        round_trips=trips,
        post_p50_ms=_median(post_times) * 1000,
        read_p50_ms=_median(read_times) * 1000,
    )


def round_trips_through_a_separate_worker(postgres_url: str, count: int) -> dict[str, Any]:
    """Scenario (b) with the projections in a `nuanxin projections run` process."""
    settings, headers = _workspace_with_a_caseworker(postgres_url)
    try:
        with served(settings, separate_worker=True) as base:
            api = f"{base}/api/v1"
            families = _families(api, headers)
            _wait_for_the_worker(api, headers, families[-1])
            trips, post_times, read_times = _round_trips(api, headers, families, count)
    finally:
        drop_workspace(settings)
    return {
        **trips.summary(),
        "post_p50_ms": round(_median(post_times) * 1000, 3),
        "read_p50_ms": round(_median(read_times) * 1000, 3),
    }


def http_workers(postgres_url: str, clients: int, calls: int) -> list[dict[str, Any]]:
    """Scenario (a) on PostgreSQL through 1 and then 2 `nuanxin serve` worker processes,
    projections in a separate worker, each on a store of its own."""
    results = []
    for workers in (1, 2):
        settings, headers = _workspace_with_a_caseworker(postgres_url)
        try:
            with served(settings, separate_worker=True, workers=workers) as base:
                api = f"{base}/api/v1"
                family_id = _families(api, headers)[0]
                load = run_load(clients, calls, _writer(api, headers, family_id))
        finally:
            drop_workspace(settings)
        results.append({"workers": workers, **load.summary()})
    return results


def _wait_for_the_worker(api: str, headers: dict[str, str], family_id: str) -> None:
    """The worker process may still be starting: a read answers 503 until it has caught up."""
    deadline = time.monotonic() + 180
    while httpx.get(f"{api}/families/{family_id}/timeline", headers=headers, timeout=30).is_error:
        if time.monotonic() > deadline:
            raise RuntimeError("the projection worker did not catch up")
        time.sleep(0.1)


def _workspace_with_a_caseworker(postgres_url: str | None) -> tuple[Settings, dict[str, str]]:
    settings = throwaway_settings(postgres_url)
    runtime = open_runtime(settings, run_projections=False)
    try:
        token = runtime.app.users.add_user("李敏", Role.CASEWORKER, "430121").token
    finally:
        runtime.close()
    return settings, {"Authorization": f"Bearer {token}"}


def _families(api: str, headers: dict[str, str]) -> list[str]:
    with httpx.Client(base_url=api, headers=headers, timeout=30) as setup:
        return [_created(setup.post("/families", json=family()))["id"] for _ in range(FAMILIES)]


def _writer(api: str, headers: dict[str, str], family_id: str) -> Any:
    def client(_: int) -> tuple[Call, Any]:
        http = httpx.Client(base_url=api, headers=headers, timeout=30)

        def call(_: int) -> None:
            response = http.post(
                f"/families/{family_id}/services",
                json=VISIT,
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            _created(response)

        return call, http.close

    return client


def _round_trips(
    api: str, headers: dict[str, str], families: list[str], count: int
) -> tuple[LoadResult, list[float], list[float]]:
    """A visit recorded, then its family's timeline read until it shows it (the first read
    must: the server answers reads after the views have caught up with the log)."""
    posts: list[float] = []
    reads: list[float] = []

    def client(_: int) -> tuple[Call, Any]:
        http = httpx.Client(base_url=api, headers=headers, timeout=30)

        def call(number: int) -> None:
            family_id = families[number % len(families)]
            started = time.perf_counter()
            service = _created(
                http.post(
                    f"/families/{family_id}/services",
                    json=VISIT,
                    headers={"Idempotency-Key": uuid.uuid4().hex},
                )
            )
            posted = time.perf_counter()
            response = http.get(f"/families/{family_id}/timeline")
            read = time.perf_counter()
            response.raise_for_status()
            shown = {entry["source_id"] for entry in response.json()["entries"]}
            if service["id"] not in shown:
                raise AssertionError("the timeline read after the write did not show it")
            if number >= 0:
                posts.append(posted - started)
                reads.append(read - posted)

        return call, http.close

    return run_load(1, count, client), posts, reads


def _created(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 201:
        raise AssertionError(f"{response.status_code}: {response.text[:300]}")
    body: dict[str, Any] = response.json()
    return body


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]
