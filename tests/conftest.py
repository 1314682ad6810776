"""One suite, two backends: every test that takes `runtime` or `client` runs on SQLite and,
where a server answers, on PostgreSQL (a fresh schema per test). Under CI=true PostgreSQL
must answer."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from api.app import create_app
from api.runtime import Runtime, open_runtime
from domain.values import Role
from infrastructure.settings import Settings

POSTGRES_URL = os.environ.get(
    "NUANXIN_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
RUN_ID = uuid.uuid4().hex[:8]
TEST_CIPHER_KEY = base64.b64encode(bytes(range(32))).decode()
TEST_INDEX_KEY = base64.b64encode(bytes(range(32, 64))).decode()


def postgres_unavailable_reason() -> str | None:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return f"no PostgreSQL server answers at {POSTGRES_URL}: {str(error).strip()}"


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    reason = postgres_unavailable_reason()
    if reason is None:
        return True
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true requires PostgreSQL: {reason}")
    pytest.skip(reason)


def drop_schema(schema: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path / "data", log_level="warning")
        return
    request.getfixturevalue("postgres_available")
    schema = f"nx_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    yield Settings(
        data_dir=tmp_path / "data",
        database_url=POSTGRES_URL,
        database_schema=schema,
        cipher_key=TEST_CIPHER_KEY,
        index_key=TEST_INDEX_KEY,
        log_level="warning",
    )
    drop_schema(schema)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    runtime = open_runtime(settings, run_projections=True)
    yield runtime
    runtime.close()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime)) as test_client:
        yield test_client


UserFactory = Callable[..., dict[str, str]]


@pytest.fixture
def user_headers(runtime: Runtime) -> UserFactory:
    """Creates a user and answers the Authorization header that carries its token."""

    def make(
        role: str = "caseworker", region: str | None = "430121", name: str = ""
    ) -> dict[str, str]:
        issued = runtime.app.users.add_user(name or f"{role}-{region}", Role(role), region)
        return {"Authorization": f"Bearer {issued.token}"}

    return make


@pytest.fixture
def caseworker(user_headers: UserFactory) -> dict[str, str]:
    return user_headers("caseworker", "430121")


@pytest.fixture
def supervisor(user_headers: UserFactory) -> dict[str, str]:
    return user_headers("supervisor", "430100")


@pytest.fixture
def admin(user_headers: UserFactory) -> dict[str, str]:
    """An admin of every region."""
    return user_headers("admin", None)


@pytest.fixture
def auditor(user_headers: UserFactory) -> dict[str, str]:
    """An auditor of every region."""
    return user_headers("auditor", None)
