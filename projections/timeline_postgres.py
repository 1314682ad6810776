"""The timeline view in PostgreSQL, beside the event store in the deployment's schema."""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL

from projections.timeline_sql import SQLTimelineView, TimelineStatements


class PostgresTimelineView(SQLTimelineView, PostgresTrackingRecorder):  # type: ignore[misc]
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.statements = TimelineStatements(prefix=f'"{datastore.schema}".', pyformat=True)
        self.sql_create_statements.extend(SQL(s) for s in self.statements.create_tables())  # type: ignore[arg-type]
