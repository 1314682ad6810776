"""The `nuanxin` command line: users and their tokens, and the projections' positions."""

from __future__ import annotations

import base64
import importlib.metadata
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from api.cli import main
from api.runtime import Runtime, open_runtime
from api.schemas.families import FamilyCreate
from application.principal import Principal
from domain.values import Role
from infrastructure.logging import configure_logging
from infrastructure.persistence import EVENTS_DB_FILE
from infrastructure.settings import Settings
from infrastructure.tokens import hash_token
from tests.steps import cli_environment, stored_events
from tests.support import family_payload


@pytest.fixture(autouse=True)
def _logs_back_to_stderr() -> Iterator[None]:
    """The CLI points the logs at the runner's stream; later tests get stderr back."""
    yield
    configure_logging("warning")


def nuanxin(settings: Settings, *args: str) -> Result:
    env = cli_environment(settings)
    return CliRunner().invoke(main, list(args), env=env)


def opened(settings: Settings) -> Runtime:
    return open_runtime(settings, run_projections=False)


def authenticate(settings: Settings, token: str) -> Principal:
    runtime = opened(settings)
    try:
        return runtime.app.users.authenticate(token)
    finally:
        runtime.close()


def test_version_prints_the_installed_version() -> None:
    result = CliRunner().invoke(main, ["--version"])

    assert result.exit_code == 0
    assert result.stdout == f"nuanxin, version {importlib.metadata.version('nuanxin')}\n"


def test_users_add_prints_the_token_alone_on_the_last_line(settings: Settings) -> None:
    result = nuanxin(settings, "users", "add", "李敏", "--role", "caseworker", "--region", "430121")

    assert result.exit_code == 0, result.output
    last_line = result.stdout.splitlines()[-1]
    assert re.fullmatch(r"\S+", last_line)


def test_the_printed_token_authenticates_the_new_user(settings: Settings) -> None:
    result = nuanxin(settings, "users", "add", "李敏", "--role", "caseworker", "--region", "430121")

    principal = authenticate(settings, result.stdout.splitlines()[-1])

    assert (principal.name, principal.role, principal.region_code) == (
        "李敏",
        Role.CASEWORKER,
        "430121",
    )


def test_a_user_added_without_a_region_covers_every_region(settings: Settings) -> None:
    result = nuanxin(settings, "users", "add", "周强", "--role", "supervisor")

    principal = authenticate(settings, result.stdout.splitlines()[-1])

    assert principal.region_code is None
    assert principal.covers("440106001001")
    assert principal.covers("430121101001")


def test_each_user_gets_a_token_of_their_own(settings: Settings) -> None:
    first = nuanxin(settings, "users", "add", "李敏", "--role", "caseworker", "--region", "430121")
    second = nuanxin(settings, "users", "add", "王芳", "--role", "auditor", "--region", "430100")

    tokens = [first.stdout.splitlines()[-1], second.stdout.splitlines()[-1]]

    assert tokens[0] != tokens[1]
    assert [authenticate(settings, token).name for token in tokens] == ["李敏", "王芳"]


def test_only_the_hash_of_the_token_is_stored(settings: Settings) -> None:
    result = nuanxin(settings, "users", "add", "李敏", "--role", "caseworker", "--region", "430121")
    token = result.stdout.splitlines()[-1]
    runtime = opened(settings)

    try:
        notifications = runtime.app.recorder.select_notifications(start=1, limit=100)
        events = [runtime.app.mapper.to_domain_event(n) for n in notifications]
    finally:
        runtime.close()

    decoded = repr([vars(event) for event in events])
    assert token not in decoded
    assert hash_token(token) in decoded
    assert all(token.encode() not in n.state for n in notifications)


def test_the_token_is_in_no_file_of_the_embedded_data_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")

    result = nuanxin(settings, "users", "add", "李敏", "--role", "caseworker", "--region", "430121")

    token = result.stdout.splitlines()[-1]
    files = [path for path in settings.data_dir.rglob("*") if path.is_file()]
    assert settings.data_dir / EVENTS_DB_FILE in files
    for path in files:
        stored = path.read_bytes()
        assert token.encode() not in stored, path
        assert token[3:].encode() not in stored, path  # nor without its "nx_" prefix


def test_an_unknown_role_exits_non_zero_naming_the_option(settings: Settings) -> None:
    result = nuanxin(settings, "users", "add", "李敏", "--role", "boss", "--region", "430121")

    assert result.exit_code != 0
    assert result.stdout == ""
    reason = result.stderr.strip().splitlines()[-1]
    assert reason.startswith("Error:")
    assert "--role" in reason


def test_a_bad_region_exits_non_zero_with_a_one_line_reason(settings: Settings) -> None:
    result = nuanxin(settings, "users", "add", "李敏", "--role", "caseworker", "--region", "4301")

    assert result.exit_code != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "region" in result.stderr


def test_a_refused_user_is_not_recorded(settings: Settings) -> None:
    nuanxin(settings, "users", "add", "李敏", "--role", "caseworker", "--region", "4301")
    runtime = opened(settings)

    try:
        recorded = [type(event).__qualname__ for event in stored_events(runtime)]
    finally:
        runtime.close()

    # The store's first open records only which index key it is written with.
    assert recorded == ["ResidentIndexKey.Chosen"]


def test_an_unusable_database_url_exits_non_zero_with_a_one_line_reason(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["users", "add", "李敏", "--role", "caseworker"],
        env={"NUANXIN_DATA_DIR": str(tmp_path), "NUANXIN_DATABASE_URL": "mysql://db/nuanxin"},
    )

    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "NUANXIN_DATABASE_URL" in result.stderr


def projection_lines(result: Result) -> dict[str, str]:
    lines = (line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    return {name.strip(): rest.strip() for name, rest in lines}


def test_a_cipher_key_that_cannot_read_the_store_stops_a_command_with_one_line(
    tmp_path: Path,
) -> None:
    env = {"NUANXIN_DATA_DIR": str(tmp_path), "NUANXIN_DATABASE_URL": ""}
    CliRunner().invoke(main, ["users", "add", "李敏", "--role", "admin"], env=env)
    other_key = base64.b64encode(bytes(range(1, 33))).decode()

    result = CliRunner().invoke(
        main, ["projections", "status"], env=env | {"NUANXIN_CIPHER_KEY": other_key}
    )

    assert result.exit_code != 0
    assert result.stderr.strip().splitlines() == [
        "Error: NUANXIN_CIPHER_KEY cannot decrypt the stored events: every process using "
        "this database needs the same key"
    ]


def test_an_upper_case_schema_name_is_refused_with_one_line(tmp_path: Path) -> None:
    env = {"NUANXIN_DATA_DIR": str(tmp_path), "NUANXIN_DATABASE_SCHEMA": "Mixed_Case"}

    result = CliRunner().invoke(main, ["projections", "status"], env=env)

    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "NUANXIN_DATABASE_SCHEMA" in result.stderr


def test_projections_status_shows_the_log_position_and_each_projections_lag(
    settings: Settings,
) -> None:
    added = nuanxin(settings, "users", "add", "李敏", "--role", "caseworker", "--region", "430121")
    runtime = opened(settings)
    try:
        caseworker = runtime.app.users.authenticate(added.stdout.splitlines()[-1])
        payload = FamilyCreate.model_validate(family_payload())
        runtime.app.handle(caseworker, payload.command())
        head = runtime.app.recorder.max_notification_id()
    finally:
        runtime.close()

    result = nuanxin(settings, "projections", "status")

    assert result.exit_code == 0, result.output
    lines = projection_lines(result)
    assert lines["event log position"] == str(head)
    assert lines["timeline"] == f"position 0, lag {head}"


def test_projections_rebuild_brings_every_lag_to_zero(settings: Settings) -> None:
    nuanxin(settings, "users", "add", "李敏", "--role", "caseworker", "--region", "430121")

    rebuilt = nuanxin(settings, "projections", "rebuild")
    result = nuanxin(settings, "projections", "status")

    assert rebuilt.exit_code == 0, rebuilt.output
    lines = projection_lines(result)
    head = lines.pop("event log position")
    assert lines
    assert all(status == f"position {head}, lag 0" for status in lines.values())


def test_rebuilding_an_unknown_projection_exits_non_zero_naming_it(settings: Settings) -> None:
    result = nuanxin(settings, "projections", "rebuild", "coverage_typo")

    assert result.exit_code != 0
    assert "coverage_typo" in result.stderr
