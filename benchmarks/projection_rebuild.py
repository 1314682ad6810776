"""Rebuilding the views from zero: a page of events per transaction (our runner) against a
decoded read of the same events (the floor) and one transaction per event (the library's
ProjectionRunner), measured in the same run on the demo county.

    python -m benchmarks.projection_rebuild [--families 300] [--postgres URL]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from eventsourcing.persistence import Tracking

from api.runtime import Runtime
from application.demo import load_demo_county
from benchmarks.workspace import throwaway_runtime, throwaway_settings


def decoded_read(runtime: Runtime, name: str) -> float:
    """The baseline: reading and decoding the events the view follows, writing nothing."""
    topics = runtime.projections[name].topics
    started = time.perf_counter()
    start = 0
    while page := runtime.app.recorder.select_notifications(
        start=start, limit=1000, topics=topics, inclusive_of_start=False
    ):
        for notification in page:
            runtime.app.mapper.to_domain_event(notification)
        start = page[-1].id
    return time.perf_counter() - started


def per_event_rebuild(runtime: Runtime, name: str) -> tuple[int, float]:
    """What the library's runner does, one process_event call per event."""
    projection = runtime.projections[name]
    projection.view.clear(runtime.app.name)
    started = time.perf_counter()
    count = 0
    start = 0
    while page := runtime.app.recorder.select_notifications(
        start=start, limit=1000, topics=projection.topics, inclusive_of_start=False
    ):
        for notification in page:
            event = runtime.app.mapper.to_domain_event(notification)
            projection.process_event(event, Tracking(runtime.app.name, notification.id))
            count += 1
        start = page[-1].id
    return count, time.perf_counter() - started


def batched_rebuild(runtime: Runtime, name: str) -> float:
    runtime.projections[name].view.clear(runtime.app.name)
    started = time.perf_counter()
    runtime.runner_for(name).catch_up()
    return time.perf_counter() - started


def measure_rebuilds(postgres_url: str | None, families: int) -> list[dict[str, Any]]:
    """Per view: events, and seconds to read them, to rebuild per event and batched."""
    results = []
    with throwaway_runtime(throwaway_settings(postgres_url)) as runtime:
        load_demo_county(runtime.app, families=families)
        for name in runtime.projections:
            read = decoded_read(runtime, name)
            count, per_event = per_event_rebuild(runtime, name)
            batched = batched_rebuild(runtime, name)
            results.append(
                {
                    "view": name,
                    "events": count,
                    "read_seconds": read,
                    "per_event_seconds": per_event,
                    "batched_seconds": batched,
                }
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--postgres", help="a PostgreSQL URL; a throwaway schema is used")
    args = parser.parse_args()
    print(f"backend {'postgres' if args.postgres else 'sqlite'}")
    for row in measure_rebuilds(args.postgres, args.families):
        count = row["events"]
        print(
            f"{row['view']:<9} {count:>6} events  read {count / row['read_seconds']:>8.0f}/s  "
            f"per-event {count / row['per_event_seconds']:>8.0f}/s  "
            f"batched {count / row['batched_seconds']:>8.0f}/s  "
            f"batched/read {row['batched_seconds'] / row['read_seconds']:5.2f}x"
        )


if __name__ == "__main__":
    main()
