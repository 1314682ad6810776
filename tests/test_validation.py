"""Bad input answers 422 problem+json naming the field; unknown ids 404; nothing half-written."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.steps import FAMILIES, log_position, register_family
from tests.support import family_payload, person, service_payload

TOMORROW = (dt.date.today() + dt.timedelta(days=2)).isoformat()


def refused_fields(response: httpx.Response) -> list[str]:
    """The fields a 422 problem names; every error carries a message."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert all(isinstance(e["message"], str) and e["message"] for e in problem["errors"])
    return [e["field"] for e in problem["errors"]]


def with_bad_check_character(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


def family_with(**changes: Any) -> dict[str, Any]:
    """A family payload with `head.x` / `members.0.x` style paths replaced."""
    payload = family_payload()
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        target: Any = payload
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[leaf] = value
    return payload


@pytest.mark.parametrize(
    "region_code", ["43012", "4301211010", "4301211010011", "43012a", "000000", ""]
)
def test_a_bad_region_code_is_refused_naming_region_code(
    client: TestClient, caseworker: dict[str, str], region_code: str
) -> None:
    response = client.post(FAMILIES, json=family_with(region_code=region_code), headers=caseworker)

    assert refused_fields(response) == ["region_code"]


def test_a_resident_id_with_a_wrong_check_character_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    head = person()
    payload = family_with(head__id_number=with_bad_check_character(head["id_number"]))

    response = client.post(FAMILIES, json=payload, headers=caseworker)

    assert refused_fields(response) == ["head.id_number"]


def test_a_member_resident_id_with_a_wrong_check_character_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    spouse = person("李建国", "1960-07-01", female=False)
    payload = family_with(members__0__id_number=with_bad_check_character(spouse["id_number"]))

    response = client.post(FAMILIES, json=payload, headers=caseworker)

    assert refused_fields(response) == ["members.0.id_number"]


@pytest.mark.parametrize(
    "id_number",
    [
        "43012119620315100",  # 17 characters
        "4301211962031510071",  # 19 characters
        "43012119620315100Y",  # a check character that is neither digit nor X
        "430121196213451006",  # month 13: passes the checksum, names no birth date
    ],
)
def test_a_malformed_resident_id_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str], id_number: str
) -> None:
    response = client.post(
        FAMILIES, json=family_with(head__id_number=id_number), headers=caseworker
    )

    assert refused_fields(response) == ["head.id_number"]


def test_a_resident_id_with_a_lower_case_x_is_accepted_as_upper_case(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    payload = family_with(head__id_number="11010519491231002x", head__birth_date="1949-12-31")

    response = client.post(FAMILIES, json=payload, headers=caseworker)

    assert response.status_code == 201
    assert response.json()["head"]["id_number"] == "11010519491231002X"


def test_an_unknown_category_is_refused_naming_category(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    response = client.post(FAMILIES, json=family_with(category="失独"), headers=caseworker)

    assert refused_fields(response) == ["category"]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("head__gender", "女", "head.gender"),
        ("members__0__relation", "husband", "members.0.relation"),
        ("head__phone", "call me", "head.phone"),
        ("head__name", "  ", "head.name"),
        ("address", "", "address"),
    ],
)
def test_a_bad_value_in_a_person_or_address_is_refused_naming_the_field(
    client: TestClient, caseworker: dict[str, str], path: str, value: str, field: str
) -> None:
    response = client.post(FAMILIES, json=family_with(**{path: value}), headers=caseworker)

    assert refused_fields(response) == [field]


def test_a_missing_field_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    payload = family_payload()
    del payload["head"]["birth_date"]

    response = client.post(FAMILIES, json=payload, headers=caseworker)

    assert refused_fields(response) == ["head.birth_date"]


def test_a_body_that_is_not_json_is_refused_naming_the_body(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    response = client.post(
        FAMILIES,
        content=b'{"region_code": "430121101001", "category": ',
        headers=caseworker | {"Content-Type": "application/json"},
    )

    assert refused_fields(response) == ["body"]


def test_a_json_body_that_is_not_an_object_is_refused_naming_the_body(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    response = client.post(FAMILIES, json=["430121101001", "bereaved"], headers=caseworker)

    assert refused_fields(response) == ["body"]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("region_code", 430121101001, "region_code"),
        ("head", "王秀英", "head"),
        ("members", {"spouse": "李建国"}, "members"),
        ("head__birth_date", "1962年3月15日", "head.birth_date"),
        ("head__id_number", 430121196203151007, "head.id_number"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_naming_the_field(
    client: TestClient, caseworker: dict[str, str], path: str, value: Any, field: str
) -> None:
    response = client.post(FAMILIES, json=family_with(**{path: value}), headers=caseworker)

    assert refused_fields(response) == [field]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"staff": "张敏"}, "staff"),
        ({"staff": []}, "staff"),
        ({"kind": "party"}, "kind"),
        ({"occasion": "national_day"}, "occasion"),
        ({"goods": [{"description": "大米", "value": "-5.00"}]}, "goods.0.value"),
        ({"goods": [{"description": "大米", "value": "0"}]}, "goods.0.value"),
        ({"occurred_on": "27/01/2025"}, "occurred_on"),
    ],
)
def test_a_bad_service_field_is_refused_naming_it(
    client: TestClient,
    caseworker: dict[str, str],
    change: dict[str, Any],
    field: str,
) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/services", json=service_payload(**change), headers=caseworker
    )

    assert refused_fields(response) == [field]


def test_a_control_character_in_text_is_refused_naming_the_field(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/services",
        json=service_payload(summary="bad\u0000nul"),
        headers=caseworker,
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["summary"]
    assert client.get(f"{FAMILIES}/{family_id}/timeline", headers=caseworker).status_code == 200


def test_a_registration_dated_in_the_future_is_refused_naming_registered_on(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    response = client.post(FAMILIES, json=family_with(registered_on=TOMORROW), headers=caseworker)

    assert refused_fields(response) == ["registered_on"]


def test_a_birth_date_in_the_future_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    response = client.post(
        FAMILIES, json=family_with(members__0__birth_date=TOMORROW), headers=caseworker
    )

    assert refused_fields(response) == ["members.0.birth_date"]


def test_a_member_added_with_a_birth_date_in_the_future_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    child = {**person("李小明", "1990-05-05"), "birth_date": TOMORROW, "relation": "child"}

    response = client.post(f"{FAMILIES}/{family_id}/members", json=child, headers=caseworker)

    assert refused_fields(response) == ["birth_date"]


@pytest.mark.parametrize(
    ("command", "body", "field"),
    [
        ("close", {"reason": "迁出", "closed_on": TOMORROW}, "closed_on"),
        ("green-channel", {"hospital": "长沙县人民医院", "granted_on": TOMORROW}, "granted_on"),
        (
            "family-doctor",
            {
                "doctor": "陈医生",
                "institution": "卫生院",
                "signed_on": TOMORROW,
                "expires_on": "2099-01-01",
            },
            "signed_on",
        ),
        (
            "contacts",
            {"township": {"name": "周敏"}, "village": {"name": "吴刚"}, "assigned_on": TOMORROW},
            "assigned_on",
        ),
    ],
)
def test_a_case_change_dated_in_the_future_is_refused_naming_the_date(
    client: TestClient,
    runtime: Runtime,
    caseworker: dict[str, str],
    command: str,
    body: dict[str, Any],
    field: str,
) -> None:
    family_id = register_family(client, caseworker)["id"]
    position = log_position(runtime)

    response = client.post(f"{FAMILIES}/{family_id}/{command}", json=body, headers=caseworker)

    assert refused_fields(response) == [field]
    assert log_position(runtime) == position


def test_a_death_dated_in_the_future_is_refused_naming_died_on(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    member_id = family["members"][0]["member_id"]

    response = client.post(
        f"{FAMILIES}/{family['id']}/members/{member_id}/deceased",
        json={"died_on": TOMORROW},
        headers=caseworker,
    )

    assert refused_fields(response) == ["died_on"]


def test_an_idempotency_key_that_is_too_long_is_refused_naming_the_header(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    response = client.post(
        FAMILIES, json=family_payload(), headers=caseworker | {"Idempotency-Key": "k" * 256}
    )

    assert refused_fields(response) == ["Idempotency-Key"]


def test_an_if_match_that_is_not_a_version_is_refused_naming_the_header(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "迁出"},
        headers=caseworker | {"If-Match": "latest"},
    )

    assert refused_fields(response) == ["If-Match"]


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("GET", "/timeline", None),
        ("POST", "/services", service_payload()),
        ("POST", "/close", {"reason": "迁出"}),
        ("POST", "/members", {**person("李小明", "1990-05-05"), "relation": "child"}),
    ],
)
def test_an_unknown_family_id_in_the_path_answers_404(
    client: TestClient,
    caseworker: dict[str, str],
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    response = client.request(
        method, f"{FAMILIES}/{uuid.uuid4()}{suffix}", json=body, headers=caseworker
    )

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_a_family_id_that_is_not_a_uuid_answers_404(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    response = client.get(f"{FAMILIES}/430121-0001", headers=caseworker)

    assert response.status_code == 404


def test_an_unknown_member_answers_404(client: TestClient, caseworker: dict[str, str]) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/members/{uuid.uuid4()}/deceased",
        json={"died_on": "2023-08-01"},
        headers=caseworker,
    )

    assert response.status_code == 404


def test_a_family_listing_the_same_resident_twice_is_refused_and_records_nothing(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    head = person()
    twin = {**head, "name": "王秀兰", "relation": "other"}
    position = log_position(runtime)

    response = client.post(
        FAMILIES, json=family_payload(head=head, members=[twin]), headers=caseworker
    )

    assert refused_fields(response) == ["members.0.id_number"]
    assert log_position(runtime) == position


def test_a_family_refused_for_one_member_claims_none_of_its_residents(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    existing = register_family(client, caseworker)
    taken = existing["head"] | {"relation": "parent"}
    del taken["member_id"], taken["deceased_on"]
    payload = family_payload(members=[taken])
    position = log_position(runtime)

    refused = client.post(FAMILIES, json=payload, headers=caseworker)

    assert refused.status_code == 409
    assert refused.json()["existing_family_id"] == existing["id"]
    assert refused.json()["errors"][0]["field"] == "members.0.id_number"
    assert log_position(runtime) == position
    # The head was not left claimed by a family that was never recorded.
    again = client.post(FAMILIES, json=payload | {"members": []}, headers=caseworker)
    assert again.status_code == 201


def test_a_refused_request_leaves_the_event_log_as_it_was(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    position = log_position(runtime)

    responses = [
        client.post(FAMILIES, json=family_with(category="unknown"), headers=caseworker),
        client.post(
            f"{FAMILIES}/{family_id}/services",
            json=service_payload(occurred_on=TOMORROW),
            headers=caseworker,
        ),
        client.post(
            f"{FAMILIES}/{family_id}/transfer",
            json={"to_region_code": "430121101001"},
            headers=caseworker,
        ),
    ]

    assert [r.status_code for r in responses] == [422, 422, 409]
    assert log_position(runtime) == position


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "archived"}, "status"),
        ({"category": "失独"}, "category"),
        ({"region": "43-01"}, "region"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_a_bad_list_filter_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str], params: dict[str, str], field: str
) -> None:
    response = client.get(FAMILIES, params=params, headers=caseworker)

    assert refused_fields(response) == [field]


def test_an_as_of_that_is_not_a_date_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.get(
        f"{FAMILIES}/{family_id}/timeline", params={"as_of": "2024-13-01"}, headers=caseworker
    )

    assert refused_fields(response) == ["as_of"]


def test_extreme_query_values_answer_without_a_server_error(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    huge_offset = client.get(FAMILIES, params={"offset": 10**20}, headers=caseworker)
    year_one = client.get(
        f"{FAMILIES}/{family_id}/timeline",
        params={"known_at": "0001-01-01T00:00:00+01:00"},
        headers=caseworker,
    )
    year_9999 = client.get(
        f"{FAMILIES}/{family_id}/timeline",
        params={"known_at": "9999-12-31T23:59:59-23:59"},
        headers=caseworker,
    )

    assert huge_offset.status_code == 422
    assert (year_one.status_code, year_one.json()["entries"]) == (200, [])
    assert year_9999.status_code == 200
    assert len(year_9999.json()["entries"]) == 1


# -- values that parse but cannot be true -------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"head__birth_date": "1962-03-16"}, "head.birth_date"),
        ({"head__gender": "male"}, "head.gender"),
        ({"members__0__birth_date": "1960-07-02"}, "members.0.birth_date"),
        ({"members__0__gender": "female"}, "members.0.gender"),
    ],
    ids=["head-born-another-day", "head-of-another-sex", "member-born", "member-sex"],
)
def test_a_resident_id_that_disagrees_with_the_birth_date_or_sex_is_refused_naming_the_field(
    client: TestClient, caseworker: dict[str, str], changes: dict[str, str], field: str
) -> None:
    response = client.post(FAMILIES, json=family_with(**changes), headers=caseworker)

    assert refused_fields(response) == [field]


def test_a_member_added_whose_resident_id_names_another_sex_is_refused_naming_gender(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    son = {**person("李小明", "1990-05-05", female=True), "gender": "male", "relation": "child"}

    response = client.post(f"{FAMILIES}/{family_id}/members", json=son, headers=caseworker)

    assert refused_fields(response) == ["gender"]


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "0"])
def test_a_registration_dated_before_1900_or_by_a_number_is_refused_naming_registered_on(
    client: TestClient, caseworker: dict[str, str], day: str
) -> None:
    response = client.post(FAMILIES, json=family_with(registered_on=day), headers=caseworker)

    assert refused_fields(response) == ["registered_on"]


def test_a_service_dated_in_year_one_is_refused_naming_occurred_on(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/services",
        json=service_payload(occurred_on="0001-01-01"),
        headers=caseworker,
    )

    assert refused_fields(response) == ["occurred_on"]


@pytest.mark.parametrize("path", ["timeline", "ledger balances", "ledger journal"])
def test_an_as_of_of_zero_is_not_the_first_of_january_1970_but_refused_naming_as_of(
    client: TestClient, caseworker: dict[str, str], path: str
) -> None:
    family_id = register_family(client, caseworker)["id"]
    url = {
        "timeline": f"{FAMILIES}/{family_id}/timeline",
        "ledger balances": "/api/v1/ledger/balances",
        "ledger journal": "/api/v1/ledger/journal",
    }[path]

    response = client.get(url, params={"as_of": "0"}, headers=caseworker)

    assert refused_fields(response) == ["as_of"]


@pytest.mark.parametrize(
    "name",
    ["\u200b\u200b", "\u200d\ufeff", "\u202e英秀王", "王\u2067秀英\u2069"],
    ids=["zero-width-spaces", "joiner-and-bom", "right-to-left-override", "isolate"],
)
def test_a_name_of_zero_width_characters_or_with_bidirectional_controls_is_refused(
    client: TestClient, caseworker: dict[str, str], name: str
) -> None:
    response = client.post(FAMILIES, json=family_with(head__name=name), headers=caseworker)

    assert refused_fields(response) == ["head.name"]
