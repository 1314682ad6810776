"""`nuanxin serve` as a separate process on a loopback port, for the HTTP benchmarks: the
load generator and the server do not share a GIL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from infrastructure.settings import Settings


def server_environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUANXIN_")}
    env["NUANXIN_DATA_DIR"] = str(settings.data_dir)
    env["NUANXIN_LOG_LEVEL"] = "warning"
    if settings.database_url:
        env["NUANXIN_DATABASE_URL"] = settings.database_url
        env["NUANXIN_DATABASE_SCHEMA"] = settings.database_schema
        env["NUANXIN_CIPHER_KEY"] = settings.cipher_key or ""
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(
    settings: Settings, *, separate_worker: bool = False, workers: int = 1, timeout: float = 180
) -> Iterator[str]:
    """The base URL of a running `nuanxin serve` on `settings` with as many HTTP worker
    processes: projections in-process, or in a separate `nuanxin projections run` worker."""
    port = free_port()
    env = server_environment(settings)
    serve = [
        "serve", "--port", str(port), "--workers", str(workers),
        *(["--no-projections"] if separate_worker else []),
    ]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", *serve],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    worker = None
    if separate_worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "projections", "run"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.terminate()
                raise RuntimeError(f"nuanxin serve did not start: {process.communicate()[1]}")
            time.sleep(0.05)
        yield base
    finally:
        for running in (process, worker):
            if running is not None:
                running.terminate()
                running.wait(timeout=20)
