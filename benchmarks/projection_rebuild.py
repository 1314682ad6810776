"""Rebuilding the views from zero: a page of events per transaction (our runner) against
one transaction per event (the library's ProjectionRunner), measured in the same run on
the demo county.

    python -m benchmarks.projection_rebuild [--families 300] [--postgres URL]
"""

from __future__ import annotations

import argparse
import time

from eventsourcing.persistence import Tracking

from api.runtime import Runtime
from application.demo import load_demo_county
from benchmarks.workspace import throwaway_runtime, throwaway_settings


def per_event_rebuild(runtime: Runtime, name: str) -> tuple[int, float]:
    """The baseline: what the library's runner does, one process_event call per event."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--postgres", help="a PostgreSQL URL; a throwaway schema is used")
    args = parser.parse_args()
    with throwaway_runtime(throwaway_settings(args.postgres)) as runtime:
        load_demo_county(runtime.app, families=args.families)
        backend = "postgres" if args.postgres else "sqlite"
        print(f"backend {backend}, log of {runtime.app.recorder.max_notification_id()} events")
        for name in runtime.projections:
            count, baseline = per_event_rebuild(runtime, name)
            batched = batched_rebuild(runtime, name)
            print(
                f"{name:<9} {count:>6} events  per-event {count / baseline:>8.0f}/s  "
                f"batched {count / batched:>8.0f}/s  ratio {baseline / batched:5.1f}x"
            )


if __name__ == "__main__":
    main()
