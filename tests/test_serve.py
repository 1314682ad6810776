"""`nuanxin serve` as an operator runs it: a real process answering HTTP on a real port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from api.runtime import Runtime, open_runtime
from infrastructure.settings import Settings
from tests.steps import command_environment
from tests.support import family_payload, service_payload


def environment_for(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUANXIN_")}
    return env | command_environment(settings)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def nuanxin(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.fixture
def served(settings: Settings) -> Iterator[tuple[str, dict[str, str]]]:
    """A running service and the environment it was started with."""
    env = environment_for(settings)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            process.terminate()
            pytest.fail(f"nuanxin serve did not start: {process.communicate()[1][-2000:]}")
        yield base, env
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_served_service_records_a_visit_and_shows_it_on_the_timeline_at_once(
    served: tuple[str, dict[str, str]],
) -> None:
    base, env = served
    added = nuanxin("users", "add", "李敏", "--role", "caseworker", "--region", "430121", env=env)
    headers = {"Authorization": f"Bearer {added.stdout.strip().splitlines()[-1]}"}

    with httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=10) as client:
        family = client.post("/families", json=family_payload()).json()
        service = client.post(f"/families/{family['id']}/services", json=service_payload())
        entries = client.get(f"/families/{family['id']}/timeline").json()["entries"]

    assert added.returncode == 0
    assert service.status_code == 201
    assert {e["event"] for e in entries} == {"FamilyRegistered", "ServiceRecorded"}
    ready = httpx.get(f"{base}/readyz").json()
    assert ready["status"] == "ready"
    assert set(ready["projections"]) == {"timeline", "ledger", "claims", "reports"}


def test_serve_logs_the_url_it_listens_on(settings: Settings) -> None:
    env = environment_for(settings) | {"NUANXIN_LOG_LEVEL": "info"}
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
    finally:
        process.terminate()
        stderr = process.communicate(timeout=10)[1]

    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    said = [line["event"] for line in lines if url in line["event"]]
    assert said, stderr[-2000:]
    assert said[0].startswith(f"Uvicorn running on {url}")


def test_processes_starting_together_on_a_fresh_database_all_start(settings: Settings) -> None:
    def start(_: int) -> Runtime:
        return open_runtime(settings, run_projections=False)

    with ThreadPoolExecutor(max_workers=2) as pool:
        started = list(pool.map(start, range(2)))
    for runtime in started:
        runtime.close()

    assert len(started) == 2
