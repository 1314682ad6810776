"""The embedded store when its files stop taking writes and take them again: what clients
and /readyz are told, and that writes recover without a restart."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import Runtime, open_runtime
from domain.values import Role
from infrastructure.settings import Settings
from tests.steps import FAMILIES, register_family
from tests.support import family_payload


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[tuple[TestClient, Runtime, dict[str, str]]]:
    """A served embedded store and a caseworker's headers."""
    runtime = open_runtime(
        Settings(data_dir=tmp_path / "data", log_level="warning"), run_projections=True
    )
    token = runtime.app.users.add_user("李敏", Role.CASEWORKER, "430121").token
    with TestClient(create_app(runtime=runtime)) as client:
        yield client, runtime, {"Authorization": f"Bearer {token}"}
    runtime.close()


@contextmanager
def refusing_writes(data_dir: Path) -> Iterator[None]:
    """The data directory's files refuse writes, even to open descriptors and even to root
    (who writes files whatever their mode): the immutable attribute. Not the shared-memory
    index (-shm), which SQLite maps into memory: a mapped page that refuses a write kills
    the process, which no permission change does."""
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        pytest.skip("making files refuse root's writes needs root and chattr")
    files = [str(path) for path in data_dir.iterdir() if not path.name.endswith("-shm")]
    subprocess.run(["chattr", "+i", *files], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *files], check=True)


def post_families(client: TestClient, headers: dict[str, str], count: int) -> list[int]:
    """`count` registrations, eight at a time, so that the pool opens new connections."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(
            pool.map(
                lambda _: client.post(FAMILIES, json=family_payload(), headers=headers).status_code,
                range(count),
            )
        )


def test_a_write_to_files_that_refuse_writes_answers_503_saying_they_are_not_writable(
    embedded: tuple[TestClient, Runtime, dict[str, str]],
) -> None:
    client, runtime, caseworker = embedded
    register_family(client, caseworker)

    with refusing_writes(runtime.settings.data_dir):
        response = client.post(FAMILIES, json=family_payload(), headers=caseworker)

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert "database files" in detail
    assert "NUANXIN_DATA_DIR" in detail


def test_writes_recover_by_themselves_once_the_files_take_writes_again(
    embedded: tuple[TestClient, Runtime, dict[str, str]],
) -> None:
    client, runtime, caseworker = embedded
    register_family(client, caseworker)
    with refusing_writes(runtime.settings.data_dir):
        refused = post_families(client, caseworker, 24)

    recovered = post_families(client, caseworker, 24)

    assert set(refused) == {503}
    assert recovered == [201] * 24
    listed = client.get(FAMILIES, params={"limit": 100}, headers=caseworker).json()
    assert listed["total"] == 25


def test_readyz_is_not_ready_while_the_files_refuse_writes_and_says_why(
    embedded: tuple[TestClient, Runtime, dict[str, str]],
) -> None:
    client, runtime, caseworker = embedded
    register_family(client, caseworker)
    for name in runtime.projections:  # no view is writing when the files stop taking writes
        runtime.reads_of(name).wait_until_current()

    with refusing_writes(runtime.settings.data_dir):
        refused = client.get("/readyz")
    recovered = client.get("/readyz")

    assert refused.status_code == 503
    body = refused.json()
    assert body["status"] == "degraded"
    assert "database files" in body["writes"]
    assert body["reasons"] == [body["writes"]]
    assert recovered.status_code == 200
    assert (recovered.json()["writes"], recovered.json()["reasons"]) == ("ok", [])
