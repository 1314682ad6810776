"""The family list supervisors work from: each family's last service and county, families not
served since a date, sorting, and search by a fragment of the head's name or a resident ID."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.runtime import Runtime, open_runtime
from infrastructure.settings import Settings
from projections.timeline import TimelineProjection
from tests.conftest import UserFactory
from tests.steps import FAMILIES, SERVICES, cli_environment, record_service, register_family
from tests.support import person


def listed(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(FAMILIES, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def family_with_head(
    client: TestClient, headers: dict[str, str], name: str, **overrides: Any
) -> dict[str, Any]:
    return register_family(client, headers, head=person(name), **overrides)


def last_services(body: dict[str, Any]) -> dict[str, str | None]:
    return {item["id"]: item["last_service_on"] for item in body["items"]}


def void(client: TestClient, headers: dict[str, str], service_id: str) -> None:
    response = client.post(
        f"{SERVICES}/{service_id}/void", json={"reason": "重复"}, headers=headers
    )
    assert response.status_code == 200, response.text


# -- last_service_on ------------------------------------------------------------------------------


def test_each_listed_family_carries_the_date_of_its_latest_service(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    record_service(client, caseworker, family_id, occurred_on="2025-03-01")
    record_service(client, caseworker, family_id, occurred_on="2025-01-27")

    body = listed(client, caseworker)

    assert last_services(body) == {family_id: "2025-03-01"}


def test_a_family_never_served_is_listed_without_a_last_service(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    body = listed(client, caseworker)

    assert last_services(body) == {family_id: None}


def test_a_voided_service_is_not_a_familys_last_service(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    record_service(client, caseworker, family_id, occurred_on="2025-01-27")
    later = record_service(client, caseworker, family_id, occurred_on="2025-03-01")

    void(client, caseworker, later["id"])

    assert last_services(listed(client, caseworker)) == {family_id: "2025-01-27"}


def test_voiding_a_familys_only_service_leaves_it_never_served(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    only = record_service(client, caseworker, family_id, occurred_on="2025-01-27")

    void(client, caseworker, only["id"])

    assert last_services(listed(client, caseworker)) == {family_id: None}


def test_a_correction_that_moves_a_services_date_moves_the_last_service(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    record_service(client, caseworker, family_id, occurred_on="2025-01-27")
    mistaken = record_service(client, caseworker, family_id, occurred_on="2025-03-01")

    corrected = client.post(
        f"{SERVICES}/{mistaken['id']}/corrections",
        json={"reason": "日期登记错误", "occurred_on": "2024-12-30"},
        headers=caseworker,
    )

    assert corrected.status_code == 201, corrected.text
    assert last_services(listed(client, caseworker)) == {family_id: "2025-01-27"}


# -- not_served_since -----------------------------------------------------------------------------


def test_not_served_since_lists_the_families_with_no_service_on_or_after_the_date(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    served_before = register_family(client, caseworker)["id"]
    record_service(client, caseworker, served_before, occurred_on="2025-02-28")
    served_on_the_day = register_family(client, caseworker)["id"]
    record_service(client, caseworker, served_on_the_day, occurred_on="2025-03-01")
    never_served = register_family(client, caseworker)["id"]

    body = listed(client, caseworker, not_served_since="2025-03-01")

    assert last_services(body) == {served_before: "2025-02-28", never_served: None}
    assert body["total"] == 2


def test_a_family_whose_recent_service_was_voided_is_not_served_since(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    recent = record_service(client, caseworker, family_id, occurred_on="2025-03-05")
    void(client, caseworker, recent["id"])

    body = listed(client, caseworker, not_served_since="2025-03-01")

    assert [item["id"] for item in body["items"]] == [family_id]


@pytest.mark.parametrize("value", ["2025-13-01", "last week", "1899-12-31"])
def test_a_malformed_not_served_since_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str], value: str
) -> None:
    response = client.get(FAMILIES, params={"not_served_since": value}, headers=caseworker)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["not_served_since"]


# -- sort -----------------------------------------------------------------------------------------


def test_sorting_by_last_service_puts_the_never_served_first_then_the_longest_unserved(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    recent, long_ago, never, also_never = (
        register_family(client, caseworker)["id"] for _ in "abcd"
    )
    record_service(client, caseworker, recent, occurred_on="2025-03-01")
    record_service(client, caseworker, long_ago, occurred_on="2025-01-27")

    body = listed(client, caseworker, sort="last_service_on")

    assert [item["id"] for item in body["items"]] == [never, also_never, long_ago, recent]


def test_sorting_by_registration_date_is_ascending_ties_in_registration_order(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    later = register_family(client, caseworker, registered_on="2024-03-01")["id"]
    first_of_day = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    second_of_day = register_family(client, caseworker, registered_on="2024-01-05")["id"]

    body = listed(client, caseworker, sort="registered_on")

    assert [item["id"] for item in body["items"]] == [first_of_day, second_of_day, later]


def test_sorting_by_region_code_is_ascending_ties_in_registration_order(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    village_2 = register_family(client, caseworker, region_code="430121101002")["id"]
    village_1_first = register_family(client, caseworker, region_code="430121101001")["id"]
    village_1_second = register_family(client, caseworker, region_code="430121101001")["id"]

    body = listed(client, caseworker, sort="region_code")

    assert [item["id"] for item in body["items"]] == [village_1_first, village_1_second, village_2]


def test_the_pages_of_a_sorted_list_neither_repeat_nor_skip_a_family(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    families = [register_family(client, caseworker)["id"] for _ in range(5)]
    for family_id in families[::2]:
        record_service(client, caseworker, family_id, occurred_on="2025-01-27")

    pages = [
        listed(client, caseworker, sort="last_service_on", limit=2, offset=offset)["items"]
        for offset in (0, 2, 4)
    ]

    paged = [item["id"] for page in pages for item in page]
    assert paged == [
        item["id"] for item in listed(client, caseworker, sort="last_service_on")["items"]
    ]
    assert sorted(paged) == sorted(families)


@pytest.mark.parametrize("value", ["head_name", "-registered_on", ""])
def test_an_unknown_sort_is_refused_naming_sort(
    client: TestClient, caseworker: dict[str, str], value: str
) -> None:
    response = client.get(FAMILIES, params={"sort": value}, headers=caseworker)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["sort"]


# -- region names ---------------------------------------------------------------------------------


def test_each_listed_family_carries_the_name_of_its_county(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    register_family(client, caseworker, region_code="430121101001")

    body = listed(client, caseworker)

    assert [(i["region_code"], i["region_name"]) for i in body["items"]] == [
        ("430121101001", "长沙县")
    ]


# -- search by name -------------------------------------------------------------------------------


def test_a_fragment_of_the_heads_name_finds_the_families_whose_head_name_holds_it(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    wang = family_with_head(client, caseworker, "王秀英")["id"]
    li = family_with_head(client, caseworker, "李秀英")["id"]
    family_with_head(client, caseworker, "王建国")

    body = listed(client, caseworker, name="秀英")

    assert [item["id"] for item in body["items"]] == [wang, li]
    assert body["total"] == 2


def test_one_character_finds_every_head_name_holding_it(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    xiuying = family_with_head(client, caseworker, "王秀英")["id"]
    family_with_head(client, caseworker, "李建国")
    jianguo = family_with_head(client, caseworker, "王建国")["id"]

    body = listed(client, caseworker, name="王")

    assert [item["head_name"] for item in body["items"]] == ["王秀英", "王建国"]
    assert [item["id"] for item in body["items"]] == [xiuying, jianguo]


@pytest.mark.parametrize("fragment", ["张", "英秀", "王秀英华"])
def test_a_fragment_no_head_name_holds_finds_nothing(
    client: TestClient, caseworker: dict[str, str], fragment: str
) -> None:
    family_with_head(client, caseworker, "王秀英")

    body = listed(client, caseworker, name=fragment)

    assert (body["items"], body["total"]) == ([], 0)


def test_name_search_narrows_the_other_filters(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_with_head(client, caseworker, "王秀英", region_code="430121102001")
    here = family_with_head(client, caseworker, "王秀英", region_code="430121101001")["id"]

    body = listed(client, caseworker, name="秀英", region="430121101")

    assert [item["id"] for item in body["items"]] == [here]


def test_a_blank_name_fragment_is_refused_naming_name(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    response = client.get(FAMILIES, params={"name": "  "}, headers=caseworker)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]


# -- search by resident ID ------------------------------------------------------------------------


def test_a_resident_id_finds_the_family_of_its_head_or_member(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    register_family(client, caseworker)
    spouse = family["members"][0]["id_number"]

    by_head = listed(client, caseworker, resident_id=family["head"]["id_number"])
    by_spouse = listed(client, caseworker, resident_id=spouse)

    assert [item["id"] for item in by_head["items"]] == [family["id"]]
    assert [item["id"] for item in by_spouse["items"]] == [family["id"]]


def test_a_resident_id_search_by_another_regions_supervisor_finds_nothing(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    family = register_family(client, caseworker)
    liuyang = user_headers("supervisor", "430181")

    body = listed(client, liuyang, resident_id=family["head"]["id_number"])

    assert (body["items"], body["total"]) == ([], 0)


def test_a_resident_id_registered_nowhere_finds_nothing(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    register_family(client, caseworker)

    body = listed(client, caseworker, resident_id=person()["id_number"])

    assert (body["items"], body["total"]) == ([], 0)


@pytest.mark.parametrize("value", ["11010519491231002", "110105194912310021", "1101051949123100XX"])
def test_a_malformed_resident_id_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str], value: str
) -> None:
    response = client.get(FAMILIES, params={"resident_id": value}, headers=caseworker)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["resident_id"]


# -- who may search -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["auditor", "admin"])
@pytest.mark.parametrize("search", ["name", "resident_id"])
def test_those_who_see_names_masked_may_not_search_by_personal_data(
    client: TestClient,
    caseworker: dict[str, str],
    user_headers: UserFactory,
    role: str,
    search: str,
) -> None:
    family = register_family(client, caseworker)
    value = {"name": "秀", "resident_id": family["head"]["id_number"]}[search]

    response = client.get(FAMILIES, params={search: value}, headers=user_headers(role, None))

    assert response.status_code == 403


def test_an_auditor_sees_the_new_fields_with_the_head_name_still_masked(
    client: TestClient, caseworker: dict[str, str], auditor: dict[str, str]
) -> None:
    family_id = family_with_head(client, caseworker, "王秀英")["id"]
    record_service(client, caseworker, family_id, occurred_on="2025-01-27")

    body = listed(client, auditor, sort="last_service_on", not_served_since="2025-06-01")

    assert [(i["head_name"], i["region_name"], i["last_service_on"]) for i in body["items"]] == [
        ("王**", "长沙县", "2025-01-27")
    ]


# -- totals ---------------------------------------------------------------------------------------


def moved_and_closed_families(client: TestClient, user_headers: UserFactory) -> None:
    """Three families of 长沙县: one moved to 浏阳, one closed, one closed and reopened."""
    county = user_headers("caseworker", "430121")
    moved, closed, reopened = (register_family(client, county)["id"] for _ in range(3))
    city = user_headers("caseworker", "430100")
    transfer = {"to_region_code": "430181001001", "reason": "随子女迁居浏阳"}
    for path, body in (
        (f"{moved}/transfer", transfer),
        (f"{closed}/close", {"reason": "迁出本县"}),
        (f"{reopened}/close", {"reason": "迁出本县"}),
        (f"{reopened}/reopen", {}),
    ):
        response = client.post(f"{FAMILIES}/{path}", json=body, headers=city)
        assert response.status_code == 200, response.text


def totals(client: TestClient, headers: dict[str, str]) -> dict[str, int]:
    return {
        "the city": listed(client, headers)["total"],
        "长沙县": listed(client, headers, region="430121")["total"],
        "浏阳市": listed(client, headers, region="430181")["total"],
        "长沙县, open": listed(client, headers, region="430121", status="open")["total"],
        "长沙县, closed": listed(client, headers, region="430121", status="closed")["total"],
        "bereaved": listed(client, headers, category="bereaved")["total"],
        "disabled_child": listed(client, headers, category="disabled_child")["total"],
    }


def test_a_lists_total_follows_families_moved_closed_and_reopened(
    client: TestClient, user_headers: UserFactory
) -> None:
    moved_and_closed_families(client, user_headers)

    counted = totals(client, user_headers("supervisor", "430100"))

    assert counted == {
        "the city": 3,
        "长沙县": 2,
        "浏阳市": 1,
        "长沙县, open": 1,
        "长沙县, closed": 1,
        "bereaved": 3,
        "disabled_child": 0,
    }


def test_a_lists_totals_are_the_same_after_a_rebuild(
    client: TestClient, runtime: Runtime, user_headers: UserFactory
) -> None:
    moved_and_closed_families(client, user_headers)
    supervisor = user_headers("supervisor", "430100")
    before = totals(client, supervisor)

    rebuilt = CliRunner().invoke(
        main, ["projections", "rebuild", "timeline"], env=cli_environment(runtime.settings)
    )

    assert rebuilt.exit_code == 0, rebuilt.output
    assert totals(client, supervisor) == before


# -- rebuilds -------------------------------------------------------------------------------------


def a_served_county(client: TestClient, caseworker: dict[str, str]) -> None:
    """Families served, corrected, voided and never served, under two heads' names."""
    for i, name in enumerate(("王秀英", "李秀英", "王建国")):
        family_id = family_with_head(client, caseworker, name)["id"]
        kept = record_service(client, caseworker, family_id, occurred_on=f"2025-01-2{i}")
        dropped = record_service(client, caseworker, family_id, occurred_on="2025-05-01")
        client.post(
            f"{SERVICES}/{kept['id']}/corrections",
            json={"reason": "日期登记错误", "occurred_on": f"2025-02-1{i}"},
            headers=caseworker,
        )
        void(client, caseworker, dropped["id"])
    family_with_head(client, caseworker, "赵长青")


def the_lists(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    return [
        listed(client, headers),
        listed(client, headers, sort="last_service_on"),
        listed(client, headers, not_served_since="2025-02-11"),
        listed(client, headers, name="秀英"),
    ]


def test_the_rebuild_command_gives_the_same_family_lists(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    a_served_county(client, caseworker)
    before = the_lists(client, caseworker)

    rebuilt = CliRunner().invoke(
        main, ["projections", "rebuild", "timeline"], env=cli_environment(runtime.settings)
    )

    assert rebuilt.exit_code == 0, rebuilt.output
    assert the_lists(client, caseworker) == before
    assert [i["last_service_on"] for i in before[1]["items"]] == [
        None,
        "2025-02-10",
        "2025-02-11",
        "2025-02-12",
    ]


def test_a_family_directory_written_before_last_services_is_rebuilt_with_them_on_start(
    settings: Settings, runtime: Runtime, client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = family_with_head(client, caseworker, "王秀英")["id"]
    record_service(client, caseworker, family_id, occurred_on="2025-01-27")
    runtime.reads_of(TimelineProjection.name).wait_until_current()
    runtime.runners[TimelineProjection.name].stop()
    view: Any = runtime.timeline
    with view.datastore.transaction(commit=True) as cursor:  # the tables as version 1 left them
        for statement in (
            "DROP INDEX {t}family_directory_by_last_service",
            "DROP INDEX {t}family_directory_by_registration",
            "ALTER TABLE {t}family_directory DROP COLUMN last_service_on",
            "DROP TABLE {t}family_name_grams",
            "DELETE FROM {t}view_versions",
        ):
            cursor.execute(view.dialect(statement))

    reopened = open_runtime(settings, run_projections=True)
    try:
        with TestClient(create_app(runtime=reopened)) as again:
            body = listed(again, caseworker, name="秀英")
    finally:
        reopened.close()

    assert last_services(body) == {family_id: "2025-01-27"}
