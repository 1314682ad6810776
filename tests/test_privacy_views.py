"""Personal data on timelines and in the view tables (DESIGN.md section 7): masked for the
roles that may not see it, and never in clear in a view table, on both backends."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from api.runtime import Runtime, open_runtime
from domain.personal_data import mask_address
from infrastructure.settings import Settings
from projections.timeline import DirectoryQuery, TimelineProjection
from tests.conftest import UserFactory
from tests.steps import FAMILIES, register_family, timeline
from tests.support import family_payload, person

ADDRESS = "长沙县黄兴镇蓝田村3组12号"
CONTACTS = {
    "township_contact": {"name": "周敏", "phone": "13900000001", "position": "乡镇计生专干"},
    "village_contact": {"name": "吴刚", "phone": "13900000002"},
}


def a_family_with_every_kind_of_personal_data(
    client: TestClient, caseworker: dict[str, str]
) -> tuple[str, list[str]]:
    """A family whose timeline names people: its id, and every personal datum it holds."""
    head = person("赵长青", "1955-11-21", female=False) | {"phone": "13812345678"}
    spouse = person("孙桂兰", "1957-02-03") | {"relation": "spouse"}
    family = register_family(client, caseworker, head=head, members=[spouse], address=ADDRESS)
    family_id = family["id"]
    child = person("赵小军", "1985-06-07", female=False) | {"relation": "child"}
    added = client.post(f"{FAMILIES}/{family_id}/members", json=child, headers=caseworker)
    assert added.status_code == 201, added.text
    client.post(
        f"{FAMILIES}/{family_id}/members/{added.json()['member_id']}/deceased",
        json={"died_on": "2020-05-01"},
        headers=caseworker,
    )
    assigned = client.post(f"{FAMILIES}/{family_id}/contacts", json=CONTACTS, headers=caseworker)
    assert assigned.status_code == 200, assigned.text
    personal = [
        *(p["name"] for p in (head, spouse, child)),
        *(p["id_number"] for p in (head, spouse, child)),
        "13812345678",
        ADDRESS,
        *(c["name"] for c in CONTACTS.values()),
        *(c["phone"] for c in CONTACTS.values()),
    ]
    return family_id, personal


def in_clear(data: Any, personal: list[str]) -> list[str]:
    text = json.dumps(data, ensure_ascii=False)
    return [datum for datum in personal if datum in text]


def test_an_auditor_reads_a_timeline_without_any_personal_data_in_clear(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    family_id, personal = a_family_with_every_kind_of_personal_data(client, caseworker)
    auditor = user_headers("auditor", "430100")

    entries = timeline(client, auditor, family_id)

    assert len(entries) == 4
    assert in_clear(entries, personal) == []


def test_an_admin_reads_a_timeline_without_any_personal_data_in_clear(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    family_id, personal = a_family_with_every_kind_of_personal_data(client, caseworker)
    admin = user_headers("admin", None)

    entries = timeline(client, admin, family_id)

    assert in_clear(entries, personal) == []


def test_an_auditor_sees_the_masked_forms_in_the_timeline_details(
    client: TestClient, caseworker: dict[str, str], user_headers: UserFactory
) -> None:
    family_id, _ = a_family_with_every_kind_of_personal_data(client, caseworker)
    auditor = user_headers("auditor", "430100")

    entries = {e["event"]: e for e in timeline(client, auditor, family_id)}

    assert entries["FamilyRegistered"]["details"]["head_name"] == "赵**"
    assert entries["FamilyRegistered"]["details"]["address"] == mask_address(ADDRESS)
    assert entries["MemberAdded"]["details"]["name"] == "赵**"
    township = entries["ContactsAssigned"]["details"]["township_contact"]
    assert (township["name"], township["phone"]) == ("周*", "139****0001")


def test_timeline_summaries_name_roles_not_people(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id, personal = a_family_with_every_kind_of_personal_data(client, caseworker)

    summaries = {e["event"]: e["summary"] for e in timeline(client, caseworker, family_id)}

    assert in_clear(summaries, personal) == []
    assert summaries["FamilyRegistered"] == "登记失独家庭，共2人"
    assert summaries["MemberAdded"] == "新增家庭成员：子女"


def test_a_caseworker_reads_the_names_on_the_timeline_in_clear(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id, _ = a_family_with_every_kind_of_personal_data(client, caseworker)

    entries = {e["event"]: e for e in timeline(client, caseworker, family_id)}

    assert entries["FamilyRegistered"]["details"]["head_name"] == "赵长青"
    assert entries["FamilyRegistered"]["details"]["address"] == ADDRESS
    assert entries["ContactsAssigned"]["details"]["village_contact"]["phone"] == "13900000002"


def view_table_rows(runtime: Runtime) -> dict[str, list[dict[str, Any]]]:
    """Every row of the timeline's tables, as stored."""
    view: Any = runtime.projections[TimelineProjection.name].view
    runtime.reads_of(TimelineProjection.name).wait_until_current()
    rows: dict[str, list[dict[str, Any]]] = {}
    with view.read() as cursor:
        for table in ("timeline_entries", "family_directory", "family_name_grams"):
            cursor.execute(view.dialect(f"SELECT * FROM {{t}}{table}"))
            rows[table] = [dict(row) for row in cursor.fetchall()]
    return rows


def test_the_view_tables_hold_no_names_phones_resident_ids_or_addresses_in_clear(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    _family_id, personal = a_family_with_every_kind_of_personal_data(client, caseworker)

    rows = view_table_rows(runtime)

    assert len(rows["timeline_entries"]) == 4
    assert len(rows["family_directory"]) == 1
    assert len(rows["family_name_grams"]) == 5  # 赵, 长, 青, 赵长, 长青
    assert in_clear(rows, personal) == []


def test_the_family_list_still_shows_the_head_name_to_a_caseworker(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    register_family(client, caseworker, **family_payload(head=person("赵长青", "1955-11-21")))

    listed = client.get(FAMILIES, headers=caseworker).json()["items"]

    assert [item["head_name"] for item in listed] == ["赵长青"]


def test_a_view_written_in_clear_by_an_earlier_version_is_rebuilt_sealed_on_start(
    settings: Settings, user_headers: UserFactory, runtime: Runtime, client: TestClient
) -> None:
    caseworker = user_headers("caseworker", "430121")
    register_family(client, caseworker, **family_payload(head=person("赵长青", "1955-11-21")))
    view: Any = runtime.projections[TimelineProjection.name].view
    runtime.reads_of(TimelineProjection.name).wait_until_current()
    with view.datastore.transaction(commit=True) as cursor:
        cursor.execute(view.dialect("UPDATE {t}family_directory SET head_name = '赵长青'"))

    reopened = open_runtime(settings, run_projections=True)
    try:
        rows = view_table_rows(reopened)
        listed = reopened.timeline.directory(DirectoryQuery(region_prefix="43"))
    finally:
        reopened.close()

    assert in_clear(rows, ["赵长青"]) == []
    assert [row.head_name for row in listed.rows] == ["赵长青"]
