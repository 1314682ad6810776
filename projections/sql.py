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
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

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
        return re.sub(r"(?<!:):([a-z_][a-z0-9_]*)", r"%(\1)s", text) if self.pyformat else text


Statement = tuple[str, dict[str, Any]]


def region_range(prefix: str) -> dict[str, str]:
    """`region_code >= :region_low AND region_code < :region_high` selects the codes under
    the prefix, from an index in both backends (LIKE does not, under PostgreSQL's collations
    or SQLite's case-insensitive LIKE)."""
    # "~" sorts after every digit, so the range holds exactly the codes under the prefix.
    return {"region_low": prefix, "region_high": prefix + "~"}


IN_REGION = "{a}region_code >= :region_low AND {a}region_code < :region_high"
"""`region_range`'s condition, for the table alias `a` (with its dot, or empty)."""

WIDE_SCOPE_LENGTH = 4
"""A province or a city: a region prefix this short selects a large share of all rows."""


def is_wide_scope(prefix: str) -> bool:
    return len(prefix) <= WIDE_SCOPE_LENGTH


REGION_SCANNED = "SUBSTR({a}region_code, 1, :region_length) = :region_prefix"
"""Rows under a prefix, by a condition no index answers: where the region holds most rows,
both backends then walk the index of the order or date asked for and skip the few others,
rather than find every row by region and sort them all."""


def region_scanned_params(prefix: str) -> dict[str, Any]:
    return {"region_length": len(prefix), "region_prefix": prefix}


def placeholders(params: dict[str, Any]) -> str:
    """`:name, ...` for each of the parameters: an IN list of them."""
    return ", ".join(":" + name for name in params)


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
    version: ClassVar[int] = 1
    """The shape and meaning of the view's rows. Raise it with any change that rows already
    written would not follow (a new column, a new side table): on start, a view recorded at
    another version is dropped, tracking position included, and projected again from zero.
    A view written before versions were recorded is at 1."""
    version_row_lock: ClassVar[str] = ""
    """What makes a version check wait for another process's (PostgreSQL: FOR UPDATE)."""

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

    def drop_if_outdated(self, cursor: Cursor, *, fresh: bool) -> bool:
        """Drops the view's tables and its tracking table if they were written at another
        version, and records this one; the library's create_table makes them afresh after.
        A `fresh` store (no tracking table yet) is at this version. Answers whether it
        dropped them."""
        cursor.execute(
            self.dialect(
                "CREATE TABLE IF NOT EXISTS {t}view_versions "
                "(tracking_table TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
        )
        key = {
            "tracking_table": self.tracking_table,
            "version": self.version,
            "found": self.version if fresh else 1,
        }
        # A write first: in SQLite it takes the lock, so that of two processes starting
        # together the second sees what the first did (PostgreSQL waits on the row lock).
        cursor.execute(
            self.dialect(
                "INSERT INTO {t}view_versions (tracking_table, version) "
                "VALUES (:tracking_table, :found) ON CONFLICT (tracking_table) DO NOTHING"
            ),
            key,
        )
        cursor.execute(
            self.dialect(
                "SELECT version FROM {t}view_versions WHERE tracking_table = :tracking_table"
                + self.version_row_lock
            ),
            key,
        )
        if int(cursor.fetchone()["version"]) == self.version:
            return False
        for table in self.tables:
            cursor.execute(self.dialect(f"DROP TABLE IF EXISTS {{t}}{table}"))
        cursor.execute(f"DROP TABLE IF EXISTS {self.tracking_table}")
        cursor.execute(
            self.dialect(
                "UPDATE {t}view_versions SET version = :version "
                "WHERE tracking_table = :tracking_table"
            ),
            key,
        )
        return True

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
