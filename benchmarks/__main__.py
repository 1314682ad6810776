"""Every benchmark with its baseline, measured in the same run, on SQLite and (where a
server answers) PostgreSQL; writes a Markdown table and the raw figures as JSON.

    python -m benchmarks [--smoke] [--out DIR] [--postgres URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.bare import bare_saves
from benchmarks.import_sync import measure_import_and_sync
from benchmarks.minimal_endpoint import minimal_endpoint_saves
from benchmarks.projection_rebuild import measure_rebuilds
from benchmarks.report import markdown, rows_for
from benchmarks.verify_ledger import measure_verify
from benchmarks.write_path import (
    VISIT,
    http_workers,
    http_write_path,
    round_trips_through_a_separate_worker,
)
from infrastructure.logging import configure_logging

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Sizes:
    runs: list[tuple[int, int]]  # (clients, requests per client)
    round_trips: int
    families: int
    transfers: int
    register_families: int = 1000  # with 10 services each
    sync_batches: int = 6
    sync_singles: int = 300


FULL = Sizes(runs=[(1, 400), (16, 40)], round_trips=200, families=300, transfers=2000)
SMOKE = Sizes(
    runs=[(1, 8), (16, 1)],
    round_trips=8,
    families=2,
    transfers=20,
    register_families=3,
    sync_batches=1,
    sync_singles=5,
)


def postgres_url(args: argparse.Namespace) -> str | None:
    if args.no_postgres:
        return None
    url: str = args.postgres or os.environ.get("NUANXIN_BENCH_DATABASE_URL", DEFAULT_POSTGRES)
    try:
        with psycopg.connect(url, connect_timeout=3):
            return url
    except psycopg.OperationalError as error:
        if args.postgres:
            raise SystemExit(f"no PostgreSQL server answers at {url}: {error}") from None
        print(f"PostgreSQL skipped: nothing answers at {url}")
        return None


def measure(backend: str, url: str | None, sizes: Sizes, *, logs: bool) -> dict[str, Any]:
    started = time.perf_counter()
    write = http_write_path(url, sizes.runs, sizes.round_trips)
    bare = bare_saves(url, sizes.runs)
    endpoint = minimal_endpoint_saves(url, sizes.runs, VISIT)
    result: dict[str, Any] = {
        "backend": backend,
        "write_path": [
            {"nuanxin": ours.summary(), "bare": theirs.summary(), "endpoint": stack.summary()}
            for ours, theirs, stack in zip(write.writes, bare, endpoint, strict=True)
        ],
        "read_your_writes": {
            **write.round_trips.summary(),
            "post_p50_ms": round(write.post_p50_ms, 3),
            "read_p50_ms": round(write.read_p50_ms, 3),
        },
        "read_your_writes_separate_worker": (
            round_trips_through_a_separate_worker(url, sizes.round_trips) if url else None
        ),
        "http_workers": http_workers(url, *sizes.runs[-1]) if url else None,
        "rebuild": measure_rebuilds(url, sizes.families) if logs else [],
        "verify": measure_verify(url, sizes.families, sizes.transfers) if logs else None,
        "import_sync": (
            measure_import_and_sync(
                url, sizes.register_families, 10, sizes.sync_batches, sizes.sync_singles
            )
            if logs
            else None
        ),
    }
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks it all runs")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--postgres", help=f"a PostgreSQL URL (default {DEFAULT_POSTGRES})")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--write-path-only", action="store_true", help="skip the rebuild and verify scenarios"
    )
    args = parser.parse_args()
    configure_logging("warning")
    sizes = SMOKE if args.smoke else FULL
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    if url := postgres_url(args):
        backends.append(("postgres", url))
    results = {
        "run": {
            "smoke": args.smoke,
            "sizes": sizes.__dict__,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        },
        "backends": [
            measure(name, url, sizes, logs=not args.write_path_only) for name, url in backends
        ],
    }
    table = markdown(rows_for(results))
    args.out.mkdir(parents=True, exist_ok=True)
    name = "smoke" if args.smoke else "benchmarks"
    (args.out / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (args.out / f"{name}.md").write_text(table)
    print(table)
    print(f"written to {args.out / name}.md and .json")


if __name__ == "__main__":
    main()
