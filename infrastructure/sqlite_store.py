"""The embedded SQLite store, made to recover by itself once its files are writable again.

While the data files cannot be written, SQLite silently opens a new connection read-only,
and the library's pool keeps such a connection: every write made on it failed until a
restart, long after the files were writable again. Here a connection proves it can write
before its first write transaction, and one whose statement failed is closed, not pooled.
`backend_environment` names `RecoveringSQLiteFactory` as the persistence module.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import OperationalError
from eventsourcing.sqlite import SQLiteConnection, SQLiteDatastore, SQLiteFactory
from eventsourcing.utils import Environment, EnvType


class RecoveringSQLiteDatastore(SQLiteDatastore):
    def __init__(self, db_name: str, **kwargs: Any) -> None:
        super().__init__(db_name, **kwargs)
        self._proven_writable: weakref.WeakSet[SQLiteConnection] = weakref.WeakSet()

    @contextmanager
    def get_connection(self, *, commit: bool) -> Iterator[SQLiteConnection]:
        if commit:
            connection = self._writable_connection()
        else:
            connection = self.pool.get_connection(is_writer=False)
        try:
            yield connection
        except OperationalError:
            # "disk I/O error" and its kind can leave a connection unusable for good: the
            # pool makes a new one next time instead.
            connection.close()
            raise
        finally:
            self.pool.put_connection(connection)

    def _writable_connection(self) -> SQLiteConnection:
        """A connection that has shown it can write. One that cannot, opened read-only while
        the files refused writes, is closed and the next tried; when even a new one cannot,
        the files still refuse writes and that is the answer."""
        attempts_left = self.pool.pool_size + 1
        while True:
            connection = self.pool.get_connection(is_writer=True)
            if connection in self._proven_writable:
                return connection
            try:
                self._prove_writable(connection)
            except OperationalError as error:
                connection.close()
                self.pool.put_connection(connection)
                attempts_left -= 1
                # Only a read-only connection is worth replacing: "database is locked" after
                # the lock timeout would only wait as long again.
                if not attempts_left or "readonly" not in str(error):
                    raise
                continue
            self._proven_writable.add(connection)
            return connection

    def _prove_writable(self, connection: SQLiteConnection) -> None:
        """Rewrites the header's user_version with its own value: a real write (one WAL
        frame, once per connection) that a connection opened read-only refuses. Done here,
        with the pool's writer lock held, rather than when the pool makes the connection,
        where waiting for the database's write lock would also block returning connections."""
        if self.pool.is_sqlite_memory_mode:
            return
        cursor = connection.cursor()
        try:
            cursor.execute("PRAGMA user_version")
            (version,) = cursor.fetchone()
            cursor.execute(f"PRAGMA user_version = {int(version)}")
        except sqlite3.Error as error:
            raise OperationalError(error) from error


class RecoveringSQLiteFactory(SQLiteFactory):
    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        built = self.datastore
        self.datastore = RecoveringSQLiteDatastore(
            built.pool.db_name,
            lock_timeout=built.pool.lock_timeout,
            single_row_tracking=built.single_row_tracking,
            originator_id_type=built.originator_id_type,
        )
        built.close()
