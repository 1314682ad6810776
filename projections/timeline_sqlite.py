"""The timeline view in the embedded SQLite views database."""

from __future__ import annotations

from typing import Any

from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from projections.timeline_sql import SQLTimelineView, TimelineStatements


class SQLiteTimelineView(SQLTimelineView, SQLiteTrackingRecorder):  # type: ignore[misc]
    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        self.statements = TimelineStatements()
        self.tracking_table = "tracking"
        super().__init__(datastore, **kwargs)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.statements.create_tables()]
