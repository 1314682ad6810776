"""A family's timeline: every case event and service, in business-date order, as of a date and
as known at a moment."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from fastapi.testclient import TestClient

from tests.steps import FAMILIES, SERVICES, record_service, register_family, timeline
from tests.support import person

ENTRY_FIELDS = {"event", "source_id", "occurred_on", "recorded_at", "actor", "summary", "status"}


def close(client: TestClient, headers: dict[str, str], family_id: str, on: str) -> None:
    response = client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "户主去世", "closed_on": on},
        headers=headers,
    )
    assert response.status_code == 200, response.text


def void(client: TestClient, headers: dict[str, str], service_id: str) -> None:
    response = client.post(
        f"{SERVICES}/{service_id}/void", json={"reason": "重复录入"}, headers=headers
    )
    assert response.status_code == 200, response.text


def correct(client: TestClient, headers: dict[str, str], service_id: str, **changes: str) -> None:
    response = client.post(
        f"{SERVICES}/{service_id}/corrections",
        json={"reason": "登记有误", **changes},
        headers=headers,
    )
    assert response.status_code == 201, response.text


def test_entries_are_ordered_by_business_date_whatever_order_they_were_recorded_in(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    record_service(client, caseworker, family_id, occurred_on="2025-01-27", summary="春节走访")
    record_service(client, caseworker, family_id, occurred_on="2024-09-17", summary="中秋慰问")
    record_service(client, caseworker, family_id, occurred_on="2024-05-29", summary="5.29活动")

    entries = timeline(client, caseworker, family_id)

    assert [(e["occurred_on"], e["summary"]) for e in entries[1:]] == [
        ("2024-05-29", "5.29活动"),
        ("2024-09-17", "中秋慰问"),
        ("2025-01-27", "春节走访"),
    ]
    assert entries[0]["event"] == "FamilyRegistered"


def test_entries_of_the_same_day_are_ordered_by_when_they_were_recorded(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    for summary in ("上午走访", "下午陪同就医", "晚上电话慰藉"):
        record_service(client, caseworker, family_id, occurred_on="2024-09-17", summary=summary)

    entries = timeline(client, caseworker, family_id)

    assert [e["summary"] for e in entries[1:]] == ["上午走访", "下午陪同就医", "晚上电话慰藉"]
    recorded = [e["recorded_at"] for e in entries[1:]]
    assert recorded == sorted(recorded, key=dt.datetime.fromisoformat)


def test_an_entry_has_the_shape_clients_rely_on(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    service = record_service(client, caseworker, family_id, occurred_on="2024-09-17")

    response = client.get(f"{FAMILIES}/{family_id}/timeline", headers=caseworker)

    assert response.status_code == 200
    body = response.json()
    assert body["family_id"] == family_id
    registered, recorded = body["entries"]
    # Section 9's fields, plus the informational `details` of each event.
    assert set(recorded) - {"details"} == ENTRY_FIELDS
    assert recorded["event"] == "ServiceRecorded"
    assert recorded["source_id"] == service["id"]
    assert recorded["occurred_on"] == "2024-09-17"
    assert dt.datetime.fromisoformat(recorded["recorded_at"]).utcoffset() is not None
    assert recorded["actor"] == "caseworker-430121"
    assert recorded["summary"] == service["summary"]
    assert recorded["status"] == "active"
    assert (registered["event"], registered["source_id"]) == ("FamilyRegistered", family_id)
    assert registered["occurred_on"] == "2024-01-05"


def test_case_changes_appear_on_the_date_they_took_effect(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    client.post(
        f"{FAMILIES}/{family_id}/green-channel",
        json={"hospital": "长沙县人民医院", "granted_on": "2024-03-01"},
        headers=caseworker,
    )
    close(client, caseworker, family_id, "2024-12-31")

    entries = timeline(client, caseworker, family_id)

    assert [(e["event"], e["occurred_on"]) for e in entries] == [
        ("FamilyRegistered", "2024-01-05"),
        ("GreenChannelGranted", "2024-03-01"),
        ("FamilyClosed", "2024-12-31"),
    ]
    assert {e["source_id"] for e in entries} == {family_id}


def test_a_registration_names_the_category_as_the_associations_write_it(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    complication = register_family(client, caseworker, category="surgery_complication")["id"]
    disabled = register_family(client, caseworker, category="disabled_child")["id"]

    registered = [timeline(client, caseworker, f)[0]["summary"] for f in (complication, disabled)]

    assert registered[0].startswith("登记节育手术并发症家庭，")
    assert registered[1].startswith("登记计生伤残家庭，")


def test_a_closure_and_a_reopening_are_written_as_the_associations_write_them(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    close(client, caseworker, family_id, "2024-06-01")
    reopened = client.post(
        f"{FAMILIES}/{family_id}/reopen",
        json={"reason": "老人返乡居住", "reopened_on": "2024-09-01"},
        headers=caseworker,
    )
    assert reopened.status_code == 200, reopened.text

    entries = timeline(client, caseworker, family_id)

    assert [(e["event"], e["summary"]) for e in entries[1:]] == [
        ("FamilyClosed", "销户：户主去世"),
        ("FamilyReopened", "恢复：老人返乡居住"),
    ]


def test_an_added_member_is_named_with_the_relation_in_chinese(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    grandchild = person("李小雨", "2015-03-01") | {"relation": "grandchild"}
    added = client.post(f"{FAMILIES}/{family_id}/members", json=grandchild, headers=caseworker)
    assert added.status_code == 201, added.text

    entries = timeline(client, caseworker, family_id)

    added_entries = [e for e in entries if e["event"] == "MemberAdded"]
    assert [e["summary"] for e in added_entries] == ["新增家庭成员：孙子女"]
    assert [e["details"]["name"] for e in added_entries] == ["李小雨"]


def test_no_case_entry_carries_an_english_code_in_its_summary(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    families = [
        register_family(client, caseworker, category=category, registered_on="2024-01-05")["id"]
        for category in (
            "bereaved", "disabled_child", "surgery_complication",
            "hardship", "only_child", "two_daughters",
        )
    ]  # fmt: skip
    family_id = families[0]
    for relation in ("spouse", "child", "parent", "grandchild", "other"):
        member = person("李小雨", "1990-03-01") | {"relation": relation, "added_on": "2024-02-01"}
        added = client.post(f"{FAMILIES}/{family_id}/members", json=member, headers=caseworker)
        assert added.status_code == 201, added.text
    close(client, caseworker, family_id, "2024-06-01")
    client.post(f"{FAMILIES}/{family_id}/reopen", json={}, headers=caseworker)

    summaries = [e["summary"] for f in families for e in timeline(client, caseworker, f)]

    assert len(summaries) == len(families) + 5 + 2
    assert [s for s in summaries if re.search("[A-Za-z_]", s)] == []


def test_a_corrected_service_is_marked_corrected_beside_its_correction(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    service = record_service(client, caseworker, family_id, occurred_on="2024-09-17")

    correct(client, caseworker, service["id"], summary="中秋走访，送月饼")

    entries = [
        e for e in timeline(client, caseworker, family_id) if e["source_id"] == service["id"]
    ]
    assert [(e["event"], e["status"]) for e in entries] == [
        ("ServiceRecorded", "corrected"),
        ("ServiceCorrected", "active"),
    ]
    assert entries[1]["summary"] == "中秋走访，送月饼"


def test_a_correction_of_the_date_moves_the_current_version_to_that_date(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    service = record_service(client, caseworker, family_id, occurred_on="2024-09-17")

    correct(client, caseworker, service["id"], occurred_on="2024-09-10")

    entries = timeline(client, caseworker, family_id)
    assert [(e["event"], e["occurred_on"], e["status"]) for e in entries[1:]] == [
        ("ServiceCorrected", "2024-09-10", "active"),
        ("ServiceRecorded", "2024-09-17", "corrected"),
    ]


def test_a_voided_service_is_marked_voided_and_its_void_names_the_reason(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    service = record_service(client, caseworker, family_id, occurred_on="2024-09-17")

    void(client, caseworker, service["id"])

    entries = timeline(client, caseworker, family_id)
    assert [(e["event"], e["status"]) for e in entries[1:]] == [
        ("ServiceRecorded", "voided"),
        ("ServiceVoided", "active"),
    ]
    assert "重复录入" in entries[2]["summary"]
    assert entries[2]["occurred_on"] == "2024-09-17"


def test_a_void_after_a_correction_marks_every_version_voided(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    service = record_service(client, caseworker, family_id, occurred_on="2024-09-17")
    correct(client, caseworker, service["id"], summary="中秋走访，送月饼")

    void(client, caseworker, service["id"])

    statuses = {
        e["event"]: e["status"]
        for e in timeline(client, caseworker, family_id)
        if e["source_id"] == service["id"]
    }
    assert statuses == {
        "ServiceRecorded": "voided",
        "ServiceCorrected": "voided",
        "ServiceVoided": "active",
    }


def test_as_of_a_date_shows_entries_up_to_and_including_that_day(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    for day in ("2024-09-16", "2024-09-17", "2024-09-18"):
        record_service(client, caseworker, family_id, occurred_on=day, occasion="mid_autumn")

    entries = timeline(client, caseworker, family_id, as_of="2024-09-17")

    assert [e["occurred_on"] for e in entries] == ["2024-01-05", "2024-09-16", "2024-09-17"]


def test_as_of_a_date_before_registration_shows_nothing(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]

    entries = timeline(client, caseworker, family_id, as_of="2024-01-04")

    assert entries == []


def test_known_at_a_moment_shows_only_what_had_been_recorded_by_then(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    first = record_service(client, caseworker, family_id, occurred_on="2024-09-17")
    record_service(client, caseworker, family_id, occurred_on="2024-05-29", occasion="may29")

    entries = timeline(client, caseworker, family_id, known_at=first["recorded_at"])

    assert [(e["event"], e["source_id"]) for e in entries] == [
        ("FamilyRegistered", family_id),
        ("ServiceRecorded", first["id"]),
    ]


def test_a_void_recorded_after_known_at_leaves_the_service_active_as_known_then(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    service = record_service(client, caseworker, family_id, occurred_on="2024-09-17")
    void(client, caseworker, service["id"])

    entries = timeline(client, caseworker, family_id, known_at=service["recorded_at"])

    assert [(e["event"], e["status"]) for e in entries] == [
        ("FamilyRegistered", "active"),
        ("ServiceRecorded", "active"),
    ]


def test_a_correction_recorded_after_known_at_leaves_the_service_active_as_known_then(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    service = record_service(client, caseworker, family_id, occurred_on="2024-09-17")
    correct(client, caseworker, service["id"], summary="中秋走访，送月饼")

    entries = timeline(client, caseworker, family_id, known_at=service["recorded_at"])

    assert [(e["event"], e["status"], e["summary"]) for e in entries[1:]] == [
        ("ServiceRecorded", "active", service["summary"]),
    ]


def test_known_at_in_another_time_zone_names_the_same_moment(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    service = record_service(client, caseworker, family_id, occurred_on="2024-09-17")
    record_service(client, caseworker, family_id, occurred_on="2024-09-18")
    beijing = dt.timezone(dt.timedelta(hours=8))
    moment = dt.datetime.fromisoformat(service["recorded_at"]).astimezone(beijing)

    entries = timeline(client, caseworker, family_id, known_at=moment.isoformat())

    assert [e["source_id"] for e in entries] == [family_id, service["id"]]


def test_as_of_and_known_at_together_answer_what_we_would_have_reported_then(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]
    early = record_service(client, caseworker, family_id, occurred_on="2024-05-29")
    record_service(client, caseworker, family_id, occurred_on="2024-09-17")
    void(client, caseworker, early["id"])
    before_void = timeline(client, caseworker, family_id)[-1]["recorded_at"]  # 2nd service

    entries = timeline(client, caseworker, family_id, as_of="2024-06-30", known_at=before_void)

    assert [(e["event"], e["source_id"], e["status"]) for e in entries] == [
        ("FamilyRegistered", family_id, "active"),
        ("ServiceRecorded", early["id"], "active"),
    ]


def test_a_read_straight_after_each_write_sees_that_write(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker, registered_on="2024-01-05")["id"]

    for n in range(15):
        service = record_service(client, caseworker, family_id, occurred_on="2024-09-17")
        entries = timeline(client, caseworker, family_id)

        assert len(entries) == n + 2
        assert entries[-1]["source_id"] == service["id"]


def test_a_family_read_straight_after_registration_is_listed(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    listed = client.get(FAMILIES, headers=caseworker).json()

    assert [f["id"] for f in listed["items"]] == [family_id]


def test_a_timeline_of_an_unknown_family_answers_404(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    response = client.get(f"{FAMILIES}/{uuid.uuid4()}/timeline", headers=caseworker)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_known_at_without_a_time_zone_is_refused_naming_known_at(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.get(
        f"{FAMILIES}/{family_id}/timeline",
        params={"known_at": "2025-01-27T10:00:00"},
        headers=caseworker,
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["known_at"]
