"""A throwaway place for a benchmark's data: a temporary SQLite directory, or a fresh schema
in the PostgreSQL server named, dropped afterwards."""

from __future__ import annotations

import base64
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from api.runtime import Runtime, open_runtime
from infrastructure.settings import Settings
from projections.sql import SQLView


def throwaway_settings(postgres_url: str | None) -> Settings:
    data_dir = Path(tempfile.mkdtemp(prefix="nuanxin-bench-"))
    if not postgres_url:
        return Settings(data_dir=data_dir, log_level="warning")
    return Settings(
        data_dir=data_dir,
        database_url=postgres_url,
        database_schema=f"bench_{uuid.uuid4().hex[:8]}",
        cipher_key=base64.b64encode(bytes(32)).decode(),
        log_level="warning",
    )


def drop_workspace(settings: Settings) -> None:
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    if settings.database_url:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                    sql.Identifier(settings.database_schema)
                )
            )


@contextmanager
def throwaway_runtime(settings: Settings) -> Iterator[Runtime]:
    runtime = open_runtime(settings, run_projections=False)
    try:
        yield runtime
    finally:
        runtime.close()
        drop_workspace(settings)


def settle(runtime: Runtime, view: SQLView) -> None:
    """Statistics for the planner, and on PostgreSQL the visibility map too, as autovacuum
    leaves generated rows in time (without it, covering indexes still visit every row)."""
    if not runtime.settings.uses_postgres:
        with view.datastore.transaction(commit=True) as cursor:
            cursor.execute("ANALYZE")
        return
    with psycopg.connect(str(runtime.settings.database_url), autocommit=True) as connection:
        for table in view.tables:
            connection.execute(view.dialect(f"VACUUM ANALYZE {{t}}{table}"))
