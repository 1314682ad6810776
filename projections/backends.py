"""The SQL views bound to the library's SQLite and PostgreSQL tracking recorders."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import structlog
from eventsourcing.persistence import PersistenceError
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.sql import SQL, Composed

from projections.claims_sql import SQLClaimsView
from projections.ledger_sql import SQLLedgerView
from projections.reports_sql import SQLReportsView
from projections.sql import Dialect, SQLView
from projections.timeline_sql import SQLTimelineView

log = structlog.get_logger(__name__)


def drop_if_outdated(view: SQLiteViewRecorder | PostgresViewRecorder) -> None:
    """Before the library creates the tables: a view written at another version goes, and
    its runner projects the whole log again."""
    with view.datastore.transaction(commit=True) as cursor:
        if view.drop_if_outdated(cursor, fresh=not has_tracking_table(view)):
            log.warning("view_rebuilt", view=type(view).__name__, version=view.version)


def has_tracking_table(view: SQLiteViewRecorder | PostgresViewRecorder) -> bool:
    # As the library's create_table finds out: reading from a missing table fails.
    try:
        view.max_tracking_id(view.table_migration_identifier)
    except PersistenceError:
        return False
    return True


class SQLiteViewRecorder(SQLiteTrackingRecorder, SQLView):  # type: ignore[misc]
    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        # The library builds the CREATE statements in its __init__, so the dialect comes first.
        self.dialect = Dialect()
        self.tracking_table = "tracking"
        super().__init__(datastore, **kwargs)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.create_statements()]

    def create_table(self) -> None:
        drop_if_outdated(self)
        super().create_table()

    @contextmanager
    def rebuildable_transaction(self) -> Iterator[Any]:
        # In WAL mode, NORMAL commits atomically but leaves the fsync to the next checkpoint.
        # The event store's own connections keep the default, FULL. SQLite refuses to change
        # the level inside a transaction, so it is set on the connection before BEGIN.
        with self.datastore.get_connection(commit=True) as connection:
            with connection.cursor() as pragma:
                pragma.execute("PRAGMA synchronous=NORMAL")
            with connection.transaction(commit=True) as cursor:
                yield cursor


class PostgresViewRecorder(PostgresTrackingRecorder, SQLView):  # type: ignore[misc]
    version_row_lock: ClassVar[str] = " FOR UPDATE"

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        schema = datastore.schema
        self.dialect = Dialect(prefix=f'"{schema}".', pyformat=True)
        self.tracking_table = f'"{schema}"."{self.tracking_table_name}"'
        self.sql_create_statements.extend(
            Composed([SQL(statement)])
            for statement in self.create_statements()  # type: ignore[arg-type]
        )

    def create_table(self) -> None:
        drop_if_outdated(self)
        super().create_table()

    @contextmanager
    def read(self) -> Iterator[Any]:
        # A report's subqueries carry high cost estimates, so PostgreSQL compiled the query
        # (JIT) for 0.7-2 s before answering in 0.1 s; no view read runs long enough to gain.
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SET LOCAL jit = off")
            yield cursor

    @contextmanager
    def rebuildable_transaction(self) -> Iterator[Any]:
        # The commit returns before its WAL record is flushed; PostgreSQL still applies or
        # loses the whole transaction. The event store's transactions keep waiting.
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            yield cursor


class SQLiteTimelineView(SQLTimelineView, SQLiteViewRecorder):  # type: ignore[misc]
    pass


class PostgresTimelineView(SQLTimelineView, PostgresViewRecorder):  # type: ignore[misc]
    pass


class SQLiteLedgerView(SQLLedgerView, SQLiteViewRecorder):  # type: ignore[misc]
    pass


class PostgresLedgerView(SQLLedgerView, PostgresViewRecorder):  # type: ignore[misc]
    pass


class SQLiteClaimsView(SQLClaimsView, SQLiteViewRecorder):  # type: ignore[misc]
    pass


class PostgresClaimsView(SQLClaimsView, PostgresViewRecorder):  # type: ignore[misc]
    pass


class SQLiteReportsView(SQLReportsView, SQLiteViewRecorder):  # type: ignore[misc]
    pass


class PostgresReportsView(SQLReportsView, PostgresViewRecorder):  # type: ignore[misc]
    pass
