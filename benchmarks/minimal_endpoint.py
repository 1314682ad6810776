"""What the HTTP stack allows at all: the bare library's save of a Visit (the `bare` module's
aggregate, same store settings) behind a minimal FastAPI endpoint, served by uvicorn as
`nuanxin serve` is, and driven by the same clients as the Nuanxin write path. The distance
from the bare save to this endpoint is the stack's; from this endpoint to Nuanxin, ours."""

from __future__ import annotations

import os
import sys
import uuid
from typing import Any

import httpx
from eventsourcing.application import Application
from fastapi import FastAPI
from pydantic import BaseModel

from benchmarks.bare import Visit
from benchmarks.load import Call, LoadResult, run_load
from benchmarks.server import free_port, serving
from benchmarks.workspace import drop_workspace, throwaway_settings
from infrastructure.persistence import ensure_postgres_schema, events_environment

STORE_ENVIRONMENT = "NUANXIN_BENCH_STORE"
"""Names the variables that hold the store's settings, so the served process opens the store
the parent prepared."""


class Goods(BaseModel):
    description: str
    value: str


class VisitCreate(BaseModel):
    kind: str
    occasion: str
    occurred_on: str
    staff: list[str]
    summary: str
    goods: list[Goods]


def create_app() -> FastAPI:
    """The served application (a uvicorn factory): one POST route around one save."""
    names = os.environ[STORE_ENVIRONMENT].split(",")
    store = Application[uuid.UUID](env={name: os.environ[name] for name in names})
    family_id = uuid.uuid4()
    app = FastAPI()

    @app.post("/visits", status_code=201)
    def record_visit(body: VisitCreate) -> dict[str, str]:
        visit = Visit(
            family_id=family_id,
            region_code="430121101001",
            kind=body.kind,
            occasion=body.occasion,
            occurred_on=body.occurred_on,
            staff=body.staff,
            summary=body.summary,
            goods=[goods.model_dump() for goods in body.goods],
        )
        store.save(visit)
        return {"id": str(visit.id)}

    return app


def minimal_endpoint_saves(
    postgres_url: str | None, runs: list[tuple[int, int]], visit: dict[str, Any]
) -> list[LoadResult]:
    """For each (clients, requests per client): POSTs of `visit`, each saved as a new Visit."""
    settings = throwaway_settings(postgres_url)
    ensure_postgres_schema(settings)
    store = events_environment(settings)
    env = {**os.environ, **store, STORE_ENVIRONMENT: ",".join(store)}
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "benchmarks.minimal_endpoint:create_app", "--factory",
        "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip

    def client(_: int) -> tuple[Call, Any]:
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)

        def call(_: int) -> None:
            response = http.post("/visits", json=visit)
            if response.status_code != 201:
                raise AssertionError(f"{response.status_code}: {response.text[:300]}")

        return call, http.close

    try:
        with serving(command, env, f"http://127.0.0.1:{port}/docs"):
            return [run_load(clients, calls, client) for clients, calls in runs]
    finally:
        drop_workspace(settings)
