"""Steps the behaviour tests share: acting through the HTTP API and the command line, and
reading the stored events."""

from __future__ import annotations

import os
import uuid
from typing import Any

import httpx
from fastapi.testclient import TestClient

from api.runtime import Runtime
from application.app import Nuanxin
from application.principal import Principal
from infrastructure.settings import Settings
from tests.support import family_payload, service_payload

FAMILIES = "/api/v1/families"
SERVICES = "/api/v1/services"
FUNDS = "/api/v1/funds"
TRANSFERS = "/api/v1/transfers"

# -- families and services ----------------------------------------------------------------------


def keyed(headers: dict[str, str]) -> dict[str, str]:
    """The headers with a fresh Idempotency-Key, as commands that move money require, unless
    they carry one already."""
    return {"Idempotency-Key": str(uuid.uuid4())} | headers


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
    pays_cash = overrides.get("cash") is not None
    response = client.post(
        f"{FAMILIES}/{family_id}/services",
        json=service_payload(**overrides),
        headers=keyed(headers) if pays_cash else headers,
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


# -- funds and the ledger -----------------------------------------------------------------------


def open_fund(
    client: TestClient, admin: dict[str, str], region_code: str = "430121", **overrides: str
) -> dict[str, Any]:
    payload = {
        "source": "provincial_budget",
        "region_code": region_code,
        "programme": "warm_heart",
        "name": f"{region_code}暖心行动资金",
    } | overrides
    response = client.post(FUNDS, json=payload, headers=admin)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def fund(client: TestClient, headers: dict[str, str], fund_id: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"{FUNDS}/{fund_id}", headers=headers).json()
    return body


def receive(
    client: TestClient, admin: dict[str, str], fund_id: str, amount: str, **extra: str
) -> httpx.Response:
    payload = {"amount": amount, "payer": "湖南省财政厅", "received_on": "2025-01-05"} | extra
    return client.post(f"{FUNDS}/{fund_id}/receipts", json=payload, headers=keyed(admin))


def allocate(
    client: TestClient,
    admin: dict[str, str],
    from_fund: str,
    to_fund: str,
    amount: str,
    **extra: Any,
) -> httpx.Response:
    payload = {"from_fund": from_fund, "to_fund": to_fund, "amount": amount, "memo": "下拨"}
    return client.post(TRANSFERS, json=payload | extra, headers=keyed(admin))


def balances(client: TestClient, headers: dict[str, str], **params: str) -> dict[str, Any]:
    """The funds of `/ledger/balances`, by fund id."""
    response = client.get("/api/v1/ledger/balances", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return {f["fund_id"]: f for f in response.json()["funds"]}


def journal(client: TestClient, headers: dict[str, str], **params: str) -> dict[str, Any]:
    response = client.get("/api/v1/ledger/journal", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# -- users, the command line --------------------------------------------------------------------


def principal_of(runtime: Runtime, headers: dict[str, str]) -> Principal:
    """The user whose bearer token the headers carry."""
    return runtime.app.users.authenticate(headers["Authorization"].removeprefix("Bearer "))


def command_environment(settings: Settings) -> dict[str, str]:
    """The NUANXIN_ variables that point a command at the test's store, quietly."""
    env = {"NUANXIN_DATA_DIR": str(settings.data_dir), "NUANXIN_LOG_LEVEL": "warning"}
    if settings.uses_postgres:
        env |= {
            "NUANXIN_DATABASE_URL": settings.database_url or "",
            "NUANXIN_DATABASE_SCHEMA": settings.database_schema,
            "NUANXIN_CIPHER_KEY": settings.cipher_key or "",
            "NUANXIN_INDEX_KEY": settings.index_key or "",
        }
    return env


def cli_environment(settings: Settings) -> dict[str, str | None]:
    """For CliRunner's `env`: the test's store, and no other NUANXIN_ variable of the shell."""
    return {**unset_other_nuanxin_variables(), **command_environment(settings)}


def unset_other_nuanxin_variables() -> dict[str, None]:
    """For CliRunner's `env`: every NUANXIN_ variable of the developer's shell, unset, so that a
    test never reaches the store they point at."""
    return {name: None for name in os.environ if name.startswith("NUANXIN_")}


# -- the stored events --------------------------------------------------------------------------


def events_of(app: Nuanxin) -> list[Any]:
    """Every event in the application's log, decrypted and decoded, in notification order."""
    events: list[Any] = []
    start = 1
    while page := app.recorder.select_notifications(start=start, limit=1000):
        events.extend(app.mapper.to_domain_event(n) for n in page)
        start = page[-1].id + 1
    return events


def stored_events(runtime: Runtime) -> list[Any]:
    return events_of(runtime.app)


def log_position(runtime: Runtime) -> int:
    return runtime.app.recorder.max_notification_id() or 0


def event_name(event: Any) -> str:
    """Like "ServiceRecord.Recorded": the aggregate class and the event class."""
    return str(type(event).__qualname__)


def event_names(events: list[Any]) -> list[str]:
    return [event_name(event) for event in events]
