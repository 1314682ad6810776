"""Steps the behaviour tests share: acting through the HTTP API and reading the stored events."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.runtime import Runtime
from application.principal import Principal
from tests.support import family_payload, service_payload

FAMILIES = "/api/v1/families"
SERVICES = "/api/v1/services"


def register_family(
    client: TestClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    response = client.post(FAMILIES, json=family_payload(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def record_service(
    client: TestClient, headers: dict[str, str], family_id: str, **overrides: Any
) -> dict[str, Any]:
    response = client.post(
        f"{FAMILIES}/{family_id}/services", json=service_payload(**overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def timeline(
    client: TestClient, headers: dict[str, str], family_id: str, **params: str
) -> list[dict[str, Any]]:
    response = client.get(f"{FAMILIES}/{family_id}/timeline", params=params, headers=headers)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


def principal_of(runtime: Runtime, headers: dict[str, str]) -> Principal:
    """The user whose bearer token the headers carry."""
    return runtime.app.authenticate(headers["Authorization"].removeprefix("Bearer "))


def stored_events(runtime: Runtime) -> list[Any]:
    """Every event in the log, decrypted and decoded, in notification order."""
    events: list[Any] = []
    start = 1
    while page := runtime.app.recorder.select_notifications(start=start, limit=1000):
        events.extend(runtime.app.mapper.to_domain_event(n) for n in page)
        start = page[-1].id + 1
    return events


def log_position(runtime: Runtime) -> int:
    return runtime.app.recorder.max_notification_id() or 0


def event_names(events: list[Any]) -> list[str]:
    """Like "ServiceRecord.Recorded": the aggregate class and the event class."""
    return [type(event).__qualname__ for event in events]
