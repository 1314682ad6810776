"""The timeline view in PostgreSQL, beside the event store in the deployment's schema."""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Composed

from projections.timeline_sql import SQLTimelineView, TimelineStatements


class PostgresTimelineView(SQLTimelineView, PostgresTrackingRecorder):  # type: ignore[misc]
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.statements = TimelineStatements(prefix=f'"{datastore.schema}".', pyformat=True)
        self.tracking_table = f'"{datastore.schema}"."{self.tracking_table_name}"'
        self.sql_create_statements.extend(
            Composed([SQL(statement)]) for statement in self.statements.create_tables()
        )
