"""Nothing derived from a resident ID is stored where the cipher does not reach, and the
embedded files are their owner's alone (DESIGN.md section 7)."""

from __future__ import annotations

import base64
import datetime as dt
import os
import stat
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

import pytest
from fastapi.testclient import TestClient

from api.runtime import Runtime, open_runtime
from domain.actor import Actor, acting_as
from domain.family import Family
from domain.resident_index import ResidentIndex
from domain.values import FamilyCategory, Role
from infrastructure.errors import ConfigurationError
from infrastructure.settings import Settings
from tests.steps import FAMILIES, register_family, stored_events
from tests.support import family_payload, person


def unkeyed_index_id(id_number: str) -> object:
    """What the index of a resident ID was called before ids were keyed."""
    return uuid5(NAMESPACE_URL, f"/nuanxin/residents/{id_number}")


def test_no_stored_id_is_an_unkeyed_hash_of_a_resident_id(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    numbers = [family["head"]["id_number"], family["members"][0]["id_number"]]

    stored_ids = {event.originator_id for event in stored_events(runtime)}

    assert stored_ids.isdisjoint({unkeyed_index_id(number) for number in numbers})


def test_the_same_resident_id_gets_another_index_id_under_another_key(
    tmp_path: Path,
) -> None:
    number = person()["id_number"]
    ids = []
    for name in ("one", "two"):
        runtime = open_runtime(Settings(data_dir=tmp_path / name), run_projections=False)
        ids.append(runtime.app.resident_ids.index_id(number))
        runtime.close()

    assert ids[0] != ids[1]


def test_a_resident_registered_in_a_store_written_before_keyed_ids_is_still_refused(
    client: TestClient, runtime: Runtime, caseworker: dict[str, str]
) -> None:
    head = person("赵长青", "1955-11-21", female=False)
    with acting_as(Actor(user_id="legacy", name="legacy", role="caseworker")):
        family = Family(
            region_code="430121101001",
            category=FamilyCategory.BEREAVED,
            members=[
                {**head, "member_id": Family.new_member_id(), "relation": "head", "phone": None}
            ],
            address="长沙县黄兴镇蓝田村3组12号",
            registered_on=dt.date(2024, 1, 5),
        )
        legacy_index = ResidentIndex(
            id=unkeyed_index_id(head["id_number"]),
            id_number=head["id_number"],
            family_id=family.id,
        )
        runtime.app.save(family, legacy_index)

    response = client.post(FAMILIES, json=family_payload(head=head, members=[]), headers=caseworker)

    assert response.status_code == 409, response.text
    assert response.json()["existing_family_id"] == str(family.id)


def test_an_index_key_that_is_not_a_long_base64_key_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", index_key="c2hvcnQ=")

    with pytest.raises(ConfigurationError, match="NUANXIN_INDEX_KEY"):
        open_runtime(settings, run_projections=False)


def file_modes(data_dir: Path) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in data_dir.iterdir()}


def test_the_embedded_data_directory_and_every_file_in_it_are_private_whatever_the_umask(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    previous = os.umask(0o022)
    try:
        runtime = open_runtime(Settings(data_dir=data_dir), run_projections=True)
        try:
            runtime.app.users.add_user("李敏", Role.CASEWORKER, "430121")
            while_serving = file_modes(data_dir)  # WAL and shared-memory files exist now
        finally:
            runtime.close()
    finally:
        os.umask(previous)

    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert {"events.sqlite3", "events.sqlite3-wal", "cipher.key"} <= while_serving.keys()
    assert {name: mode for name, mode in while_serving.items() if mode != 0o600} == {}
    assert {name: mode for name, mode in file_modes(data_dir).items() if mode != 0o600} == {}


def test_an_existing_data_directory_with_loose_modes_is_made_private_on_start(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    open_runtime(Settings(data_dir=data_dir), run_projections=False).close()
    os.chmod(data_dir, 0o755)
    for path in data_dir.iterdir():
        os.chmod(path, 0o644)

    open_runtime(Settings(data_dir=data_dir), run_projections=False).close()

    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in data_dir.iterdir()} == {0o600}


def test_a_process_with_another_index_key_than_the_stores_is_refused_at_start(
    settings: Settings,
) -> None:
    open_runtime(settings, run_projections=False).close()
    other = settings.model_copy(update={"index_key": base64.b64encode(bytes(32)).decode()})

    with pytest.raises(ConfigurationError, match="NUANXIN_INDEX_KEY is not the key"):
        open_runtime(other, run_projections=False)
