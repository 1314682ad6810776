"""The baseline of the write path: the bare `eventsourcing` library saving an aggregate like
a recorded visit, on the same backend with the same event-store settings (encrypted,
compressed, fsync on), from the same number of threads."""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from benchmarks.load import Call, LoadResult, run_load
from benchmarks.workspace import drop_workspace, throwaway_settings
from infrastructure.persistence import ensure_postgres_schema, events_environment


class Visit(Aggregate):
    """What a recorded visit holds, without our rules around it."""

    @event("Recorded")
    def __init__(
        self,
        family_id: uuid.UUID,
        region_code: str,
        kind: str,
        occasion: str,
        occurred_on: str,
        staff: list[str],
        summary: str,
        goods: list[dict[str, Any]],
    ) -> None:
        self.family_id = family_id
        self.region_code = region_code
        self.kind = kind
        self.occasion = occasion
        self.occurred_on = occurred_on
        self.staff = staff
        self.summary = summary
        self.goods = goods


def bare_saves(postgres_url: str | None, runs: list[tuple[int, int]]) -> list[LoadResult]:
    """For each (clients, saves per client): saves of a new Visit each, in one fresh store."""
    settings = throwaway_settings(postgres_url)
    ensure_postgres_schema(settings)
    app = Application[uuid.UUID](env=events_environment(settings))
    family_id = uuid.uuid4()

    def client(_: int) -> tuple[Call, Any]:
        def call(_: int) -> None:
            app.save(
                Visit(
                    family_id=family_id,
                    region_code="430121101001",
                    kind="visit",
                    occasion="spring_festival",
                    occurred_on="2025-01-27",
                    staff=["张敏", "刘洋"],
                    summary="春节走访慰问，送去米油和慰问品",
                    goods=[{"description": "大米一袋", "value_fen": 8000}],
                )
            )

        return call, lambda: None

    try:
        return [run_load(clients, calls, client) for clients, calls in runs]
    finally:
        app.close()
        drop_workspace(settings)
