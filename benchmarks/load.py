"""A bounded load generator: N threads, each making a fixed number of calls after a common
start, with every call's latency kept."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Call = Callable[[int], None]
"""One timed operation; given its sequence number within the client."""


@dataclass(frozen=True)
class LoadResult:
    clients: int
    calls: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile of the latencies, in seconds."""
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
        return ordered[rank]

    def summary(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "calls": self.calls,
            "seconds": round(self.seconds, 4),
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(0.50) * 1000, 3),
            "p99_ms": round(self.percentile(0.99) * 1000, 3),
        }


def run_load(
    clients: int,
    calls_per_client: int,
    make_client: Callable[[int], tuple[Call, Callable[[], None]]],
    *,
    warmup: int = 2,
) -> LoadResult:
    """Runs `clients` threads; `make_client(n)` gives a client's call and its closer. Each
    client makes `warmup` untimed calls, then all start together. A failed call fails the run."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[BaseException] = []
    ready = threading.Barrier(clients + 1)
    finished: list[float] = [0.0] * clients

    def work(index: int) -> None:
        call, close = make_client(index)
        try:
            for number in range(warmup):
                call(-1 - number)
            ready.wait()
            mine = latencies[index]
            for number in range(calls_per_client):
                started = time.perf_counter()
                call(number)
                mine.append(time.perf_counter() - started)
        except BaseException as error:  # noqa: BLE001 -- reported by the run below
            errors.append(error)
            ready.abort()
        finally:
            finished[index] = time.perf_counter()
            close()

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):  # a client failed: see below
        ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed; first: {errors[0]!r}") from errors[0]
    flat = [latency for mine in latencies for latency in mine]
    return LoadResult(clients, len(flat), max(finished) - started, flat)
