"""The stored events of many aggregates in two queries, for batches that would otherwise read
them one round trip each (the library's recorders select one originator at a time)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from psycopg.sql import SQL, Identifier

SQLITE_VARIABLES = 500


def stored_events_of(
    recorder: Any, ids: Collection[UUID], *, most_events: int
) -> tuple[dict[UUID, list[StoredEvent]], set[UUID]]:
    """The events of each aggregate with at most `most_events` events, in version order, and
    the ids of the larger ones (left to the repository, which starts from their snapshots).
    An id in neither has no events."""
    if isinstance(recorder, PostgresAggregateRecorder):
        sizes, rows = _postgres(recorder, list(ids), most_events)
    elif isinstance(recorder, SQLiteAggregateRecorder):
        sizes, rows = _sqlite(recorder, list(ids), most_events)
    else:
        raise TypeError(f"no bulk read for {type(recorder).__name__}")
    events: dict[UUID, list[StoredEvent]] = {}
    for row in rows:
        events.setdefault(UUID(str(row.originator_id)), []).append(row)
    return events, {i for i, size in sizes.items() if size > most_events}


def _postgres(
    recorder: PostgresAggregateRecorder, ids: list[UUID], most: int
) -> tuple[dict[UUID, int], list[StoredEvent]]:
    store = recorder.datastore
    table = SQL("{}.{}").format(Identifier(store.schema), Identifier(recorder.events_table_name))
    wanted = SQL("originator_id = ANY(%s::{}[])").format(Identifier(store.originator_id_type))
    texts = [str(i) for i in ids]
    with store.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute(
            SQL(
                "SELECT originator_id, max(originator_version) AS size FROM {} WHERE {} "
                "GROUP BY originator_id"
            ).format(table, wanted),
            [texts],
        )
        sizes = {UUID(str(r["originator_id"])): int(r["size"]) for r in cursor.fetchall()}
        small = [str(i) for i, size in sizes.items() if size <= most]
        cursor.execute(
            SQL(
                "SELECT originator_id, originator_version, topic, state FROM {} WHERE {} "
                "ORDER BY originator_id, originator_version"
            ).format(table, wanted),
            [small],
        )
        rows = [
            StoredEvent(
                originator_id=UUID(str(r["originator_id"])),
                originator_version=r["originator_version"],
                topic=r["topic"],
                state=bytes(r["state"]),
            )
            for r in cursor.fetchall()
        ]
    return sizes, rows


def _sqlite(
    recorder: SQLiteAggregateRecorder, ids: list[UUID], most: int
) -> tuple[dict[UUID, int], list[StoredEvent]]:
    table = recorder.events_table_name
    sizes: dict[UUID, int] = {}
    rows: list[StoredEvent] = []
    with recorder.datastore.transaction(commit=False) as cursor:
        for chunk in _chunks([i.hex for i in ids], SQLITE_VARIABLES):
            marks = ",".join("?" * len(chunk))
            cursor.execute(
                f"SELECT originator_id, max(originator_version) FROM {table} "
                f"WHERE originator_id IN ({marks}) GROUP BY originator_id",
                chunk,
            )
            found = {UUID(r[0]): int(r[1]) for r in cursor.fetchall()}
            sizes |= found
            small = [i.hex for i, size in found.items() if size <= most]
            if not small:
                continue
            cursor.execute(
                f"SELECT originator_id, originator_version, topic, state FROM {table} "
                f"WHERE originator_id IN ({','.join('?' * len(small))}) "
                "ORDER BY originator_id, originator_version",
                small,
            )
            rows += [StoredEvent(UUID(r[0]), r[1], r[2], bytes(r[3])) for r in cursor.fetchall()]
    return sizes, rows


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
