"""What the SQL views share across SQLite and PostgreSQL: placeholders, table prefixes,
one transaction for a view's rows and its tracking position, and emptying for a rebuild.

Every view column is TEXT or INTEGER, so that both backends store, compare and return the
same values: ISO dates and fixed-form UTC timestamps sort correctly as text."""

from __future__ import annotations

import itertools
import re
from abc import abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from eventsourcing.persistence import Tracking

from projections.batching import ProjectionView


class Cursor(Protocol):
    def execute(self, statement: Any, params: Any = ...) -> Any: ...
    def executemany(self, statement: Any, params: Any) -> Any: ...
    def fetchall(self) -> Any: ...
    def fetchone(self) -> Any: ...


class Datastore(Protocol):
    def transaction(self, *, commit: bool) -> AbstractContextManager[Any]: ...


@dataclass(frozen=True)
class Dialect:
    """`{t}` in a statement becomes the table prefix (a PostgreSQL schema); `:name`
    placeholders, which SQLite takes, become psycopg's `%(name)s` where needed."""

    prefix: str = ""
    pyformat: bool = False

    def __call__(self, text: str) -> str:
        text = text.replace("{t}", self.prefix)
        return re.sub(r"(?<!:):([a-z_]+)", r"%(\1)s", text) if self.pyformat else text


Statement = tuple[str, dict[str, Any]]


def execute_in_runs(cursor: Cursor, statements: Sequence[Statement]) -> None:
    """Executes in order, sending each run of the same statement as one executemany: psycopg
    pipelines it, where one round trip per row would cap a PostgreSQL rebuild at ~4,000
    events/s."""
    for text, run in itertools.groupby(statements, key=lambda statement: statement[0]):
        cursor.executemany(text, [params for _, params in run])


class SQLView(ProjectionView):
    """A view over whichever datastore the backend's tracking recorder has."""

    dialect: Dialect
    datastore: Datastore
    tracking_table: str
    tables: tuple[str, ...] = ()
    view_name: str = ""
    version: int = 1
    """Of the view's tables and what they hold: a change to either bumps it, and `upgrade`
    makes the tables of a store written by another version again, to be rebuilt."""

    if TYPE_CHECKING:  # provided by the backend's tracking recorder

        def _insert_tracking(self, cursor: Any, tracking: Tracking) -> None: ...

    @abstractmethod
    def create_statements(self) -> list[str]:
        """CREATE TABLE / INDEX statements, in the dialect."""

    def write(self, rows: Callable[[Cursor], None], tracking: Tracking) -> None:
        """The rows and the tracking position commit together, or neither does."""
        with self.rebuildable_transaction() as cursor:
            rows(cursor)
            self._insert_tracking(cursor, tracking)

    def rebuildable_transaction(self) -> AbstractContextManager[Any]:
        """A transaction for data that can be rebuilt from the log: the backends may commit it
        without waiting for the disk, since a crash can only lose a view's last rows together
        with the tracking position that says they were written."""
        return self.datastore.transaction(commit=True)

    def read(self) -> AbstractContextManager[Cursor]:
        return self.datastore.transaction(commit=False)

    def upgrade(self, application_name: str) -> bool:
        """Drops and creates again the tables of a store written by another version of this
        view (CREATE TABLE IF NOT EXISTS leaves an existing table as it was), and forgets its
        position, so that its runner rebuilds it from the log; answers whether it had rows to
        rebuild. A store from before views were versioned holds version 1. One transaction: a
        process that stops half-way leaves the old tables and version."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                self.dialect(
                    "CREATE TABLE IF NOT EXISTS {t}view_versions "
                    "(view_name TEXT PRIMARY KEY, version INTEGER NOT NULL)"
                )
            )
            cursor.execute(
                self.dialect("SELECT version FROM {t}view_versions WHERE view_name = :view_name"),
                {"view_name": self.view_name},
            )
            row = cursor.fetchone()
            stored = 1 if row is None else int(row["version"])
            if row is not None and stored == self.version:
                return False
            rebuilt = False
            if stored != self.version:
                # Empty tables too: a table created by another version stays as it was made.
                cursor.execute(
                    self.dialect(
                        f"SELECT 1 FROM {self.tracking_table} WHERE application_name = :name"
                    ),
                    {"name": application_name},
                )
                rebuilt = cursor.fetchone() is not None
                for table in self.tables:
                    cursor.execute(self.dialect(f"DROP TABLE IF EXISTS {{t}}{table}"))
                for statement in self.create_statements():
                    cursor.execute(statement)
                self._forget_position(cursor, application_name)
            cursor.execute(
                self.dialect("DELETE FROM {t}view_versions WHERE view_name = :view_name"),
                {"view_name": self.view_name},
            )
            cursor.execute(
                self.dialect(
                    "INSERT INTO {t}view_versions (view_name, version) "
                    "VALUES (:view_name, :version)"
                ),
                {"view_name": self.view_name, "version": self.version},
            )
            return rebuilt

    def _forget_position(self, cursor: Cursor, application_name: str) -> None:
        cursor.execute(
            self.dialect(f"DELETE FROM {self.tracking_table} WHERE application_name = :name"),
            {"name": application_name},
        )

    def clear(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for table in self.tables:
                cursor.execute(self.dialect(f"DELETE FROM {{t}}{table}"))
            self._forget_position(cursor, application_name)
