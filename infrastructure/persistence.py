"""Turns Settings into the eventsourcing library's environment for the chosen backend."""

from __future__ import annotations

import base64
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
import structlog
from psycopg import sql

from infrastructure.errors import ConfigurationError
from infrastructure.keys import generated_key, resident_index_key
from infrastructure.private_files import private_database_file
from infrastructure.settings import Settings

CIPHER_KEY_FILE = "cipher.key"
EVENTS_DB_FILE = "events.sqlite3"


log = structlog.get_logger(__name__)


def events_environment(settings: Settings) -> dict[str, str]:
    """Environment for the application's event store (one event log, encrypted at rest)."""
    backend = backend_environment(settings, EVENTS_DB_FILE)  # a bad URL is reported first
    return {
        **backend,
        "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
        "CIPHER_KEY": cipher_key(settings),
        "RESIDENT_INDEX_KEY": resident_index_key(settings),
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
        # Cached aggregates are deep-copied on every read and fast-forwarded from the store,
        # so writers in other processes are still seen.
        "AGGREGATE_CACHE_MAXSIZE": "10000",
        # A checkout without a ping saves a round trip on each of the store's queries; every
        # method of the library's PostgreSQL recorders retries on a connection found broken.
        # The views' own queries are not retried, so their pool keeps pinging.
        **({"POSTGRES_PRE_PING": "n"} if settings.uses_postgres else {}),
    }


def view_environment(settings: Settings, projection_name: str) -> dict[str, str]:
    """Environment for one projection's materialised view and its tracking table. Embedded,
    each view has a file of its own: SQLite tracks one position per application per file."""
    return backend_environment(settings, f"view_{projection_name}.sqlite3")


def backend_environment(settings: Settings, sqlite_file: str) -> dict[str, str]:
    if settings.database_url is None:
        return {
            "PERSISTENCE_MODULE": "infrastructure.sqlite_store:RecoveringSQLiteFactory",
            "SQLITE_DBNAME": str(private_database_file(settings.data_dir / sqlite_file)),
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    parts = urlsplit(settings.database_url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise ConfigurationError(
            "NUANXIN_DATABASE_URL must look like postgresql://user[:pw]@host:port/db"
        )
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.strip("/")),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": settings.database_schema,
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_POOL_SIZE": "4",
        "POSTGRES_MAX_OVERFLOW": "12",
        "POSTGRES_MAX_WAITING": "0",
        "POSTGRES_LOCK_TIMEOUT": "10000",
        "POSTGRES_PRE_PING": "y",
    }


def cipher_key(settings: Settings) -> str:
    if settings.cipher_key:
        try:
            if len(base64.b64decode(settings.cipher_key, validate=True)) not in (16, 24, 32):
                raise ValueError
        except ValueError:
            raise ConfigurationError(
                "NUANXIN_CIPHER_KEY must be a base64 AES key of 16, 24 or 32 bytes"
            ) from None
        return settings.cipher_key
    if settings.uses_postgres:
        # Every process that shares the database must share the key; one kept in a local
        # data directory serves a single machine only, so say so loudly.
        log.warning(
            "cipher_key_from_data_dir",
            advice="set NUANXIN_CIPHER_KEY to the same base64 AES key on every machine",
            data_dir=str(settings.data_dir),
        )
    return _embedded_cipher_key(settings.data_dir)


def _embedded_cipher_key(data_dir: Path) -> str:
    """Generated once into the data directory, readable by its owner only."""
    return generated_key(data_dir, CIPHER_KEY_FILE)


OPENING_LOCK_FILE = "opening.lock"


@contextmanager
def one_process_creating_tables(settings: Settings) -> Iterator[None]:
    """Processes starting together on one store (`serve` and a `projections run` worker)
    create its tables and run its migrations one at a time: PostgreSQL's `CREATE ... IF NOT
    EXISTS` run twice at once can fail with "tuple concurrently updated", and two processes
    recording the same migration fail on its tracking. Embedded, a lock on a file of the data
    directory; on PostgreSQL a session advisory lock. Held while the block runs."""
    if settings.database_url is None:
        lock_file = private_database_file(settings.data_dir / OPENING_LOCK_FILE)
        with lock_file.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
            yield
        return
    try:
        connection = psycopg.connect(settings.database_url, autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        raise ConfigurationError(f"cannot use PostgreSQL: {error}".strip()) from None
    with connection:  # closing the session releases its advisory lock
        connection.execute(
            "SELECT pg_advisory_lock(hashtext(%s))", (f"nuanxin:{settings.database_schema}",)
        )
        yield


def ensure_postgres_schema(settings: Settings) -> None:
    """The schema named by NUANXIN_DATABASE_SCHEMA is created when missing."""
    if settings.database_url is None:
        return
    try:
        with psycopg.connect(settings.database_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(settings.database_schema)
                )
            )
    except psycopg.Error as error:
        raise ConfigurationError(f"cannot use PostgreSQL: {error}".strip()) from None
