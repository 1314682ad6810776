"""Tokens: listed, revoked at once, expiring; failed authentications slowed down
(DESIGN.md section 7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from api.auth_throttle import FailedAuthentications
from api.cli import main
from api.runtime import Runtime
from domain.user import User
from domain.values import Role
from infrastructure.logging import configure_logging
from infrastructure.settings import Settings
from tests.steps import FAMILIES, cli_environment


@pytest.fixture(autouse=True)
def _logs_back_to_stderr() -> Iterator[None]:
    yield
    configure_logging("warning")


def nuanxin(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=cli_environment(settings))


def token_of(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[-1]


def test_a_revoked_token_is_refused_at_once(
    settings: Settings, runtime: Runtime, client: TestClient
) -> None:
    token = token_of(nuanxin(settings, "users", "add", "李敏", "--role", "caseworker"))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(FAMILIES, headers=headers).status_code == 200

    revoked = nuanxin(settings, "users", "revoke", "李敏")

    assert revoked.exit_code == 0, revoked.output
    response = client.get(FAMILIES, headers=headers)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_users_list_shows_each_user_with_role_region_and_token_state(
    settings: Settings, runtime: Runtime
) -> None:
    nuanxin(settings, "users", "add", "李敏", "--role", "caseworker", "--region", "430121")
    nuanxin(settings, "users", "add", "周强", "--role", "supervisor", "--expires-in", "30")
    nuanxin(settings, "users", "revoke", "李敏")

    listed = nuanxin(settings, "users", "list")

    assert listed.exit_code == 0, listed.output
    rows = [line.split("\t")[1:] for line in listed.stdout.splitlines()]
    assert rows[0][:3] == ["李敏", "caseworker", "430121"]
    assert rows[0][3].startswith("revoked ")
    assert rows[1][:3] == ["周强", "supervisor", "all"]
    assert rows[1][3].startswith("expires ")


def test_revoking_a_name_that_several_users_share_asks_for_the_id(
    settings: Settings, runtime: Runtime
) -> None:
    nuanxin(settings, "users", "add", "王芳", "--role", "caseworker")
    nuanxin(settings, "users", "add", "王芳", "--role", "auditor")

    result = nuanxin(settings, "users", "revoke", "王芳")

    assert result.exit_code != 0
    assert "by its id" in result.output


def test_revoking_an_unknown_user_fails_with_one_line(settings: Settings, runtime: Runtime) -> None:
    result = nuanxin(settings, "users", "revoke", "无此人")

    assert result.exit_code != 0
    assert result.output.strip().splitlines() == ["Error: no user named 无此人"]


def test_a_token_works_until_its_expiry_and_not_after() -> None:
    expires_at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    user = User(
        name="李敏",
        role=Role.CASEWORKER,
        region_code=None,
        token_hash="x",
        expires_at=expires_at,
    )

    assert user.may_authenticate_at(expires_at - dt.timedelta(seconds=1))
    assert not user.may_authenticate_at(expires_at)


def test_ten_failed_authentications_within_a_minute_answer_429_even_for_a_good_token(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    for _ in range(10):
        bad = client.get(FAMILIES, headers={"Authorization": "Bearer nx_guess"})
        assert bad.status_code == 401

    response = client.get(FAMILIES, headers=caseworker)

    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_nine_failed_authentications_do_not_lock_the_address_out(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    for _ in range(9):
        client.get(FAMILIES, headers={"Authorization": "Bearer nx_guess"})

    assert client.get(FAMILIES, headers=caseworker).status_code == 200


def test_the_lockout_ends_when_the_minute_has_passed(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    now = [1000.0]
    client.app.state.failed_authentications = FailedAuthentications(  # type: ignore[attr-defined]
        limit=10, window_seconds=60, clock=lambda: now[0]
    )
    for _ in range(10):
        client.get(FAMILIES, headers={"Authorization": "Bearer nx_guess"})
    now[0] += 59
    assert client.get(FAMILIES, headers=caseworker).status_code == 429

    now[0] += 1

    assert client.get(FAMILIES, headers=caseworker).status_code == 200
