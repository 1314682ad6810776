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

    def clear(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for table in self.tables:
                cursor.execute(self.dialect(f"DELETE FROM {{t}}{table}"))
            cursor.execute(
                self.dialect(f"DELETE FROM {self.tracking_table} WHERE application_name = :name"),
                {"name": application_name},
            )
