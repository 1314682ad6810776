"""Health and readiness without a token, request ids on every response and every log line."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime
from infrastructure.logging import configure_logging
from projections.timeline import TimelineProjection
from tests.steps import FAMILIES, log_position, register_family, timeline
from tests.support import family_payload


@pytest.fixture(autouse=True)
def _logs_back_to_stderr() -> Iterator[None]:
    """A test that captures the logs leaves them pointing at stderr again."""
    yield
    configure_logging("warning")


def test_healthz_answers_without_a_token(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_without_a_token_and_shows_the_database_reachable(
    client: TestClient,
) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ready", "ok")


def test_readyz_shows_no_lag_once_the_views_have_caught_up(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family_id = register_family(client, caseworker)["id"]
    timeline(client, caseworker, family_id)  # waits until the timeline is current

    body = client.get("/readyz").json()

    assert body["log_position"] == log_position(runtime)
    timeline_state = body["projections"][TimelineProjection.name]
    assert (timeline_state["position"], timeline_state["lag"]) == (log_position(runtime), 0)


def test_readyz_shows_how_far_a_stopped_projection_lags_behind_the_log(
    client: TestClient, runtime: Runtime, user_headers: Any
) -> None:
    runtime.reads_of(TimelineProjection.name).wait_until_current()
    runtime.runners[TimelineProjection.name].stop()
    position = log_position(runtime)

    user_headers("caseworker", "430121")  # two more events in the log

    body = client.get("/readyz").json()
    assert body["log_position"] == position + 2
    assert body["projections"][TimelineProjection.name]["lag"] == 2


def test_readyz_is_not_ready_while_a_view_lags_more_than_the_setting_and_says_which(
    client: TestClient, runtime: Runtime, user_headers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime.settings, "ready_max_lag", 1)
    runtime.reads_of(TimelineProjection.name).wait_until_current()
    runtime.runners[TimelineProjection.name].stop()
    user_headers("caseworker", "430121")  # two more events in the log

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["writes"]) == ("degraded", "ok")
    assert body["reasons"] == [
        "the timeline view is 2 events behind the log (more than NUANXIN_READY_MAX_LAG=1)"
    ]


def test_readyz_is_ready_while_a_view_lags_no_more_than_the_setting(
    client: TestClient, runtime: Runtime, user_headers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime.settings, "ready_max_lag", 2)
    runtime.reads_of(TimelineProjection.name).wait_until_current()
    runtime.runners[TimelineProjection.name].stop()
    user_headers("caseworker", "430121")  # two more events in the log

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["reasons"] == []


@pytest.mark.parametrize(
    ("method", "path", "authorised"),
    [
        ("GET", "/healthz", False),
        ("GET", "/readyz", False),
        ("GET", FAMILIES, True),
        ("GET", FAMILIES, False),  # 401
        ("GET", f"{FAMILIES}/00000000-0000-0000-0000-000000000000", True),  # 404
        ("POST", FAMILIES, True),  # 422: no body
        ("GET", "/no/such/path", False),  # 404 from the router
    ],
)
def test_every_response_carries_a_request_id(
    client: TestClient,
    caseworker: dict[str, str],
    method: str,
    path: str,
    authorised: bool,
) -> None:
    response = client.request(method, path, headers=caseworker if authorised else {})

    assert response.headers["X-Request-ID"]


def test_each_request_gets_a_request_id_of_its_own(client: TestClient) -> None:
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(5)}

    assert len(ids) == 5


def test_a_request_id_given_by_the_client_is_answered_back(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "gateway-7f3a"})

    assert response.headers["X-Request-ID"] == "gateway-7f3a"


def test_a_body_refused_as_too_large_still_answers_with_a_request_id(client: TestClient) -> None:
    response = client.post(
        FAMILIES,
        content=b"{" + b" " * (1024 * 1024) + b"}",
        headers={"Content-Type": "application/json", "X-Request-ID": "gateway-413"},
    )

    assert response.status_code == 413
    assert response.headers["X-Request-ID"] == "gateway-413"


def test_log_lines_are_json_naming_the_request_id_of_their_request(
    runtime: Runtime, caseworker: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    settings = runtime.settings.model_copy(update={"log_level": "info"})
    with TestClient(create_app(settings, runtime=runtime)) as client:
        capsys.readouterr()
        ok = client.post(FAMILIES, json=family_payload(), headers=caseworker)
        refused = client.post(FAMILIES, json={"region_code": "4301"}, headers=caseworker)
        lines = capsys.readouterr().err.splitlines()

    records = [json.loads(line) for line in lines if line.strip()]
    requests = [r for r in records if r["event"] == "request"]
    assert [(r["request_id"], r["status"]) for r in requests] == [
        (ok.headers["X-Request-ID"], 201),
        (refused.headers["X-Request-ID"], 422),
    ]
    assert all(
        r["request_id"] in {ok.headers["X-Request-ID"], refused.headers["X-Request-ID"]}
        for r in records
    )
    assert all({"timestamp", "level"} <= set(r) for r in records)


def test_an_unexpected_error_answers_500_naming_the_request_id_it_was_logged_with(
    runtime: Runtime,
    caseworker: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("a defect")

    monkeypatch.setattr(runtime.app, "load", broken)
    app = create_app(runtime=runtime)
    with TestClient(app, raise_server_exceptions=False) as client:
        capsys.readouterr()
        response = client.get(f"{FAMILIES}/{uuid.uuid4()}", headers=caseworker)
        lines = capsys.readouterr().err.splitlines()

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    request_id = response.headers["X-Request-ID"]
    assert response.json()["request_id"] == request_id
    errors = [json.loads(line) for line in lines if "unexpected_error" in line]
    assert [e["request_id"] for e in errors] == [request_id]
    assert "a defect" not in response.text


def test_the_api_docs_load_every_asset_from_the_service_itself(client: TestClient) -> None:
    page = client.get("/docs")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(assets) == 3  # the script, the style sheet and the icon
    assert "http://" not in page.text
    assert "https://" not in page.text
    for asset in assets:
        assert asset.startswith("/"), asset
        assert not asset.startswith("//"), asset
        answer = client.get(asset)
        assert answer.status_code == 200, asset
        assert len(answer.content) > 0
    script = client.get(next(a for a in assets if a.endswith(".js")))
    assert "javascript" in script.headers["content-type"]
    assert "SwaggerUIBundle" in script.text
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
