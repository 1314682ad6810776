"""Every read of a family's personal data is recorded in an access log of its own, which
admins list (DESIGN.md section 7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, open_runtime
from infrastructure.settings import Settings
from tests.conftest import POSTGRES_URL, UserFactory
from tests.steps import FAMILIES, SERVICES, log_position, record_service, register_family

ACCESS_LOG = "/api/v1/access-log"


def access_log(client: TestClient, admin: dict[str, str], **params: str) -> dict[str, Any]:
    response = client.get(ACCESS_LOG, params=params, headers=admin)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_read_of_a_family_is_listed_with_who_when_and_which_endpoint(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    admin = user_headers("admin", None)
    family_id = register_family(client, caseworker)["id"]
    before = dt.datetime.now(dt.UTC)

    client.get(f"{FAMILIES}/{family_id}", headers=caseworker)

    (item,) = access_log(client, admin)["items"]
    assert item["user_name"] == "caseworker-430121"
    assert item["role"] == "caseworker"
    assert item["family_id"] == family_id
    assert item["endpoint"] == "GET /api/v1/families/{family_id}"
    assert dt.datetime.fromisoformat(item["read_at"]) >= before


def test_timeline_list_and_service_reads_are_recorded_one_record_per_family(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    admin = user_headers("admin", None)
    first = register_family(client, caseworker)["id"]
    second = register_family(client, caseworker)["id"]
    service_id = record_service(client, caseworker, first)["id"]

    client.get(f"{FAMILIES}/{first}/timeline", headers=caseworker)
    client.get(FAMILIES, headers=caseworker)
    client.get(f"{SERVICES}/{service_id}", headers=caseworker)

    items = access_log(client, admin)["items"]
    assert sorted((i["endpoint"], i["family_id"]) for i in items) == sorted(
        [
            ("GET /api/v1/families/{family_id}/timeline", first),
            ("GET /api/v1/families", first),
            ("GET /api/v1/families", second),
            ("GET /api/v1/services/{service_id}", first),
        ]
    )


def test_writes_and_refused_reads_are_not_recorded_as_reads(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    admin = user_headers("admin", None)
    family_id = register_family(client, caseworker)["id"]
    outsider = user_headers("caseworker", "430181")

    assert client.get(f"{FAMILIES}/{family_id}", headers=outsider).status_code == 404

    assert access_log(client, admin)["total"] == 0


def test_the_access_log_filters_by_family_user_and_dates(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    admin = user_headers("admin", None)
    supervisor = user_headers("supervisor", "430100", name="周强")
    first = register_family(client, caseworker)["id"]
    second = register_family(client, caseworker)["id"]
    client.get(f"{FAMILIES}/{first}", headers=caseworker)
    client.get(f"{FAMILIES}/{second}", headers=caseworker)
    client.get(f"{FAMILIES}/{second}", headers=supervisor)
    today = dt.date.today()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)

    by_family = access_log(client, admin, family=second)
    by_user = access_log(client, admin, user="周强")
    both = access_log(client, admin, family=second, user="caseworker-430121")
    past = access_log(client, admin, to=yesterday.isoformat())
    around_today = access_log(
        client, admin, **{"from": yesterday.isoformat(), "to": tomorrow.isoformat()}
    )

    assert by_family["total"] == 2
    assert [i["family_id"] for i in by_user["items"]] == [second]
    assert both["total"] == 1
    assert past["total"] == 0
    assert around_today["total"] == 3


def test_the_access_log_is_paginated_newest_first(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    admin = user_headers("admin", None)
    families = [register_family(client, caseworker)["id"] for _ in range(3)]
    for family_id in families:
        client.get(f"{FAMILIES}/{family_id}", headers=caseworker)

    page = access_log(client, admin, limit="2", offset="1")

    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [i["family_id"] for i in page["items"]] == [families[1], families[0]]


def test_only_admins_read_the_access_log(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    auditor = user_headers("auditor", None)
    supervisor = user_headers("supervisor", "430100")

    statuses = [
        client.get(ACCESS_LOG, headers=h).status_code for h in (caseworker, auditor, supervisor)
    ]

    assert statuses == [403, 403, 403]


def test_an_admin_of_a_region_lists_the_reads_of_its_families_only(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    liuyang = user_headers("caseworker", "430181")
    here = register_family(client, caseworker)["id"]
    there = register_family(client, liuyang, region_code="430181001001")["id"]
    client.get(f"{FAMILIES}/{here}", headers=caseworker)
    client.get(f"{FAMILIES}/{there}", headers=liuyang)
    county_admin = user_headers("admin", "430121")

    items = access_log(client, county_admin)["items"]

    assert [i["family_id"] for i in items] == [here]


def test_reads_are_kept_in_a_store_of_their_own_not_in_the_event_log(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    position = log_position(runtime)

    client.get(f"{FAMILIES}/{family_id}", headers=caseworker)
    runtime.access.flush(10)

    assert log_position(runtime) == position
    assert runtime.access.access_log.recorder.max_notification_id() == 1
    if runtime.settings.uses_postgres:
        with psycopg.connect(POSTGRES_URL) as conn:
            (count,) = conn.execute(
                f'SELECT COUNT(*) FROM "{runtime.settings.database_schema}".nuanxin_access_events'
            ).fetchone() or (0,)
        assert count == 1
    else:
        assert (runtime.settings.data_dir / "access.sqlite3").is_file()


def test_reads_queued_at_shutdown_are_saved_before_it_ends(
    settings: Settings, user_headers: UserFactory, runtime: Runtime
) -> None:
    caseworker = user_headers("caseworker", "430121")
    admin = user_headers("admin", None)
    with TestClient(create_app(runtime=runtime)) as client:
        family_id = register_family(client, caseworker)["id"]
        for _ in range(20):
            client.get(f"{FAMILIES}/{family_id}", headers=caseworker)
    runtime.close()

    reopened = open_runtime(settings, run_projections=False)
    try:
        with TestClient(create_app(runtime=reopened)) as client:
            total = access_log(client, admin)["total"]
    finally:
        reopened.close()

    assert total == 20
