"""Careless and hostile input answers a clear 4xx naming what is wrong; never a 5xx, never
silently ignored (DESIGN.md section 7)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.runtime import Runtime
from tests.conftest import UserFactory
from tests.steps import FAMILIES, log_position, register_family
from tests.support import family_payload, service_payload


def problem_fields(response: object) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]  # type: ignore[attr-defined]


def test_an_unknown_body_field_is_refused_naming_it_and_nothing_is_recorded(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    before = log_position(runtime)
    typo = service_payload() | {"cahs": {"amount": "500.00"}}

    response = client.post(f"{FAMILIES}/{family_id}/services", json=typo, headers=caseworker)

    assert response.status_code == 422
    assert problem_fields(response) == ["cahs"]
    assert log_position(runtime) == before


def test_an_unknown_nested_field_is_refused_with_its_path(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    payload = family_payload()
    payload["head"]["nickname"] = "秀秀"

    response = client.post(FAMILIES, json=payload, headers=caseworker)

    assert response.status_code == 422
    assert problem_fields(response) == ["head.nickname"]


def test_an_unknown_query_parameter_is_refused_naming_it(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    response = client.get(FAMILIES, params={"head_name": "王秀英"}, headers=caseworker)

    assert response.status_code == 422
    assert problem_fields(response) == ["head_name"]


def test_a_body_over_one_mebibyte_is_refused_before_authentication(client: TestClient) -> None:
    response = client.post(
        FAMILIES,
        content=b"{" + b" " * (1024 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_a_chunked_body_over_one_mebibyte_is_refused(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"region_code": "'
        for _ in range(20):
            yield b"4" * 65536
        yield b'"}'

    response = client.post(FAMILIES, content=chunks(), headers=caseworker)

    assert response.status_code == 413


# Bytes: "²" goes on the wire as Latin-1, as a client that does not encode it would send it.
@pytest.mark.parametrize("version", ["²".encode("latin-1"), b"1" * 5000, b"-1", b"abc"])
def test_an_if_match_that_is_not_a_version_number_is_refused(
    client: TestClient, caseworker: dict[str, str], version: bytes
) -> None:
    family_id = register_family(client, caseworker)["id"]

    response = client.post(
        f"{FAMILIES}/{family_id}/close",
        json={"reason": "迁出"},
        headers={**caseworker, "If-Match": version},  # type: ignore[dict-item]
    )

    assert response.status_code == 422
    assert problem_fields(response) == ["If-Match"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/ledger/journal", {"fund": "\x00"}, "fund"),
        ("/api/v1/ledger/journal", {"region": "4301\x00"}, "region"),
        ("/api/v1/ledger/balances", {"region": "abc"}, "region"),
        ("/api/v1/funds", {"region": "abc"}, "region"),
        ("/api/v1/families", {"region": "abc"}, "region"),
    ],
)
def test_ledger_and_family_reads_refuse_malformed_filters_alike(
    client: TestClient, user_headers: UserFactory, path: str, params: dict[str, str], field: str
) -> None:
    response = client.get(path, params=params, headers=user_headers("auditor", None))

    assert response.status_code == 422
    assert problem_fields(response) == [field]


def test_an_overlong_or_unusual_request_id_is_replaced_by_a_generated_one(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    for given in [b"x" * 129, b"abc\xa0def", b"a b", b"a;b"]:
        headers = {**caseworker, "X-Request-ID": given}

        response = client.get(FAMILIES, headers=headers)  # type: ignore[arg-type]

        assert response.status_code == 200
        assert response.headers["X-Request-ID"].encode("latin-1") != given
        assert len(response.headers["X-Request-ID"]) <= 128


def test_a_plain_request_id_is_echoed(client: TestClient, caseworker: dict[str, str]) -> None:
    response = client.get(FAMILIES, headers=caseworker | {"X-Request-ID": "req-42.a_b"})

    assert response.headers["X-Request-ID"] == "req-42.a_b"


def test_an_amount_over_one_billion_yuan_is_refused_naming_the_field(
    client: TestClient, user_headers: UserFactory
) -> None:
    admin = user_headers("admin", None)
    fund = client.post(
        "/api/v1/funds",
        json={"source": "provincial_budget", "region_code": "430121", "programme": "warm_heart",
              "name": "长沙县暖心行动资金"},
        headers=admin,
    ).json()["id"]  # fmt: skip

    too_much = client.post(
        f"/api/v1/funds/{fund}/receipts",
        json={"amount": "1000000000.01", "payer": "湖南省财政厅"},
        headers=admin | {"Idempotency-Key": "r-1"},
    )
    the_most = client.post(
        f"/api/v1/funds/{fund}/receipts",
        json={"amount": "1000000000.00", "payer": "湖南省财政厅"},
        headers=admin | {"Idempotency-Key": "r-2"},
    )

    assert too_much.status_code == 422
    assert problem_fields(too_much) == ["amount"]
    assert the_most.status_code == 201
