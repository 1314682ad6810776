"""`nuanxin serve` (or another server) as a separate process on a loopback port, for the HTTP
benchmarks: the load generator and the server do not share a GIL."""

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
        sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers),
        *(["--no-projections"] if separate_worker else []),
    ]  # fmt: skip
    worker = None
    if separate_worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "projections", "run"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        with serving(serve, env, f"{base}/healthz", timeout=timeout):
            yield base
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)


@contextmanager
def serving(
    command: list[str], env: dict[str, str], ready_url: str, *, timeout: float = 180
) -> Iterator[None]:
    """A server process started by `command`, from when `ready_url` answers 200 until the
    block ends."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(ready_url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.terminate()
                started = " ".join(command[1:])
                raise RuntimeError(f"{started} did not start: {process.communicate()[1]}")
            time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)
