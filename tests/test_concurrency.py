"""Concurrent requests: retried keys record once, residents stay unique, nothing is lost."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.steps import FAMILIES, event_names, register_family, stored_events, timeline
from tests.support import family_payload, person, service_payload

THREADS = 8
T = TypeVar("T")


def all_at_once(request: Callable[[int], T], times: int = THREADS) -> list[T]:
    """Runs `request(i)` in `times` threads released together by a barrier."""
    barrier = threading.Barrier(times)

    def run(i: int) -> T:
        barrier.wait()
        return request(i)

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(run, range(times)))


def test_the_same_idempotency_key_posted_concurrently_records_one_service(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    headers = caseworker | {"Idempotency-Key": "spring-visit-0001"}

    responses = all_at_once(
        lambda _: client.post(
            f"{FAMILIES}/{family_id}/services", json=service_payload(), headers=headers
        )
    )

    assert sorted(r.status_code for r in responses) == [200] * (THREADS - 1) + [201]
    assert len({r.text for r in responses}) == 1
    assert event_names(stored_events(runtime)).count("ServiceRecord.Recorded") == 1
    entries = timeline(client, caseworker, family_id)
    assert sorted(e["event"] for e in entries) == ["FamilyRegistered", "ServiceRecorded"]


def test_concurrent_retries_with_one_key_answer_the_same_family(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    payload = family_payload()
    keyed = caseworker | {"Idempotency-Key": "register-once"}

    def post(_: int) -> tuple[int, Any]:
        response = client.post(FAMILIES, json=payload, headers=keyed)
        return response.status_code, response.json().get("id")

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(post, range(12)))

    assert sorted(status for status, _ in answers) == [200] * 11 + [201]
    assert len({family_id for _, family_id in answers}) == 1


def test_one_resident_registered_concurrently_in_several_families_is_admitted_once(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    head = person()

    def register(i: int) -> httpx.Response:
        payload = family_payload(head=head, address=f"长沙县黄兴镇蓝田村{i}组")
        response: httpx.Response = client.post(FAMILIES, json=payload, headers=caseworker)
        return response

    responses = all_at_once(register)

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: THREADS - 1}
    winner = next(r.json() for r in responses if r.status_code == 201)
    assert {r.json()["existing_family_id"] for r in responses if r.status_code == 409} == {
        winner["id"]
    }
    assert event_names(stored_events(runtime)).count("Family.Registered") == 1
    assert client.get(FAMILIES, headers=caseworker).json()["total"] == 1


def test_concurrent_changes_to_one_family_all_land_in_consecutive_versions(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    def add_child(i: int) -> httpx.Response:
        child = person(f"李小{i}", "1990-05-05") | {"relation": "child"}
        response: httpx.Response = client.post(
            f"{FAMILIES}/{family_id}/members", json=child, headers=caseworker
        )
        return response

    responses = all_at_once(add_child)

    assert [r.status_code for r in responses] == [201] * THREADS
    family = client.get(f"{FAMILIES}/{family_id}", headers=caseworker).json()
    assert family["version"] == 1 + THREADS
    assert {m["member_id"] for m in family["members"]} >= {r.json()["member_id"] for r in responses}
    versions = [
        e.originator_version for e in stored_events(runtime) if str(e.originator_id) == family_id
    ]
    assert versions == list(range(1, THREADS + 2))
    added = [e for e in timeline(client, caseworker, family_id) if e["event"] == "MemberAdded"]
    assert len(added) == THREADS


def test_concurrent_services_for_many_families_are_all_recorded_and_projected(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    families = [register_family(client, caseworker)["id"] for _ in range(THREADS)]

    responses = all_at_once(
        lambda i: client.post(
            f"{FAMILIES}/{families[i]}/services",
            json=service_payload(summary=f"走访第{i}户"),
            headers=caseworker,
        )
    )

    assert [r.status_code for r in responses] == [201] * THREADS
    for i, family_id in enumerate(families):
        entries = timeline(client, caseworker, family_id)
        assert [e["summary"] for e in entries if e["event"] == "ServiceRecorded"] == [
            f"走访第{i}户"
        ]
    notifications = runtime.app.recorder.select_notifications(start=1, limit=10_000)
    ids = [n.id for n in notifications]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))
