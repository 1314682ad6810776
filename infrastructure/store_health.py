"""What is wrong with the store, in words an operator can act on, and whether the store
takes writes right now (for /readyz)."""

from __future__ import annotations

from eventsourcing.persistence import Recorder
from eventsourcing.postgres import PostgresDatastore, PostgresRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteRecorder

# (what the database says, lower case; what that means for whoever runs the service)
_CAUSES: tuple[tuple[str, str], ...] = (
    (
        "readonly database",
        "the database files are not writable: check the permissions of the data directory "
        "(NUANXIN_DATA_DIR) and of every file in it",
    ),
    (
        "disk i/o error",
        "the database files could not be written (disk I/O error): check the disk and the "
        "permissions of the data directory (NUANXIN_DATA_DIR)",
    ),
    ("database or disk is full", "the disk holding the database is full"),
    ("no space left on device", "the disk holding the database is full"),
    (
        "unable to open database file",
        "the database files cannot be opened: check the data directory (NUANXIN_DATA_DIR)",
    ),
    ("database is locked", "the database is locked by another writer; try again"),
    (
        "read-only transaction",
        "the database server takes no writes (a standby, or default_transaction_read_only)",
    ),
)

UNKNOWN_CAUSE = "the database did not answer; try again"


def storage_failure(error: BaseException) -> str:
    """The cause of a failed database call, said plainly; the database's own words are
    logged, not shown, since they may name hosts and users."""
    said = str(error).lower()
    return next((meaning for words, meaning in _CAUSES if words in said), UNKNOWN_CAUSE)


class WriteProbe:
    """Rewrites one row of a table of its own, in a transaction of its own, through the
    event store's connections: whether a write would be taken right now."""

    TABLE = "nuanxin_write_probe"

    def __init__(self, recorder: Recorder) -> None:
        self.datastore: SQLiteDatastore | PostgresDatastore
        if isinstance(recorder, PostgresRecorder):
            self.datastore = recorder.datastore
            self.table = f'"{recorder.datastore.schema}".{self.TABLE}'
        elif isinstance(recorder, SQLiteRecorder):
            self.datastore = recorder.datastore
            self.table = self.TABLE
        else:
            raise TypeError(f"no write probe for {type(recorder).__name__}")
        self._created = False

    def failure(self) -> str | None:
        """None when the write was taken, otherwise what is wrong."""
        try:
            with self.datastore.transaction(commit=True) as cursor:
                if not self._created:
                    cursor.execute(
                        f"CREATE TABLE IF NOT EXISTS {self.table} "
                        "(id INTEGER PRIMARY KEY, probes BIGINT NOT NULL)"
                    )
                cursor.execute(
                    f"INSERT INTO {self.table} (id, probes) VALUES (1, 1) ON CONFLICT (id) "
                    f"DO UPDATE SET probes = {self.table}.probes + 1"
                )
        except Exception as error:  # noqa: BLE001 -- any failure means writes are not taken
            return storage_failure(error)
        self._created = True
        return None
