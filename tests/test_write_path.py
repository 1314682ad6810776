"""What the write path keeps while it does less: users written by another process are seen at
once, a retried key is answered once however the retry arrives, and the event store still
waits for the disk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, open_runtime
from domain.values import Role
from infrastructure.settings import Settings
from tests.steps import FAMILIES, SERVICES, event_names, register_family, stored_events
from tests.support import service_payload
from tests.test_concurrency import all_at_once

SQLITE_SYNCHRONOUS_FULL = 2


@pytest.fixture
def other_process(settings: Settings, runtime: Runtime) -> Iterator[Runtime]:
    """A second runtime on the same store: shares nothing in memory with `runtime`, as a
    `nuanxin` command or another server process would not."""
    other = open_runtime(settings, run_projections=False)
    yield other
    other.close()


def test_a_user_added_by_another_process_is_accepted_on_its_first_request(
    client: TestClient, caseworker: dict[str, str], other_process: Runtime
) -> None:
    assert client.get(FAMILIES, headers=caseworker).status_code == 200  # users now in memory
    token = other_process.app.users.add_user("周红", Role.SUPERVISOR, "430100").token

    response = client.get(FAMILIES, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200, response.text


def test_a_user_added_by_another_process_acts_with_the_role_and_region_it_was_given(
    client: TestClient, caseworker: dict[str, str], other_process: Runtime
) -> None:
    family_id = register_family(client, caseworker)["id"]
    token = other_process.app.users.add_user("吴刚", Role.CASEWORKER, "440100").token

    response = client.get(f"{FAMILIES}/{family_id}", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 404  # another city's caseworker does not see the family


def test_a_key_retried_through_two_processes_at_once_records_one_service(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str], other_process: Runtime
) -> None:
    family_id = register_family(client, caseworker)["id"]
    headers = caseworker | {"Idempotency-Key": "two-processes-0001"}
    with TestClient(create_app(runtime=other_process)) as other_client:
        clients = [client, other_client] * 3

        responses = all_at_once(
            lambda i: clients[i].post(
                f"{FAMILIES}/{family_id}/services", json=service_payload(), headers=headers
            ),
            times=len(clients),
        )

    assert sorted(r.status_code for r in responses) == [200] * (len(clients) - 1) + [201]
    assert len({r.text for r in responses}) == 1
    assert event_names(stored_events(runtime)).count("ServiceRecord.Recorded") == 1


def test_a_retried_correction_answers_the_first_and_corrects_once(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    service = client.post(
        f"{FAMILIES}/{family_id}/services", json=service_payload(), headers=caseworker
    ).json()
    headers = caseworker | {"Idempotency-Key": "correct-0001"}
    correction = {"reason": "写错了", "summary": "春节走访慰问，送去米油"}
    first = client.post(f"{SERVICES}/{service['id']}/corrections", json=correction, headers=headers)

    retry = client.post(f"{SERVICES}/{service['id']}/corrections", json=correction, headers=headers)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert event_names(stored_events(runtime)).count("ServiceRecord.Corrected") == 1


def test_the_sqlite_event_store_waits_for_the_disk_on_every_commit(runtime: Runtime) -> None:
    if runtime.settings.uses_postgres:
        pytest.skip("PostgreSQL's fsync is the server's setting")
    runtime.app.users.add_user("李敏", Role.CASEWORKER, "430121")

    with runtime.app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA synchronous")
        level = cursor.fetchone()[0]

    assert level == SQLITE_SYNCHRONOUS_FULL


def test_a_projection_worker_on_postgresql_is_woken_by_another_process_s_write(
    settings: Settings, other_process: Runtime
) -> None:
    if not settings.uses_postgres:
        pytest.skip("SQLite has no LISTEN/NOTIFY; its runners poll")
    never_polls = settings.model_copy(update={"projection_poll_interval": 3600.0})
    worker = open_runtime(never_polls, run_projections=True)
    try:
        other_process.app.users.add_user("李敏", Role.CASEWORKER, "430121")
        head = other_process.app.recorder.max_notification_id() or 0

        caught_up = worker.runners["timeline"].wait_for(head, timeout=30)
    finally:
        worker.close()

    assert caught_up
