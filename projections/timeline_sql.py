"""The timeline view's SQL, written once for SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from eventsourcing.persistence import Tracking

from projections.directory_sql import (
    DIRECTORY_ORDER,
    LISTED_COLUMNS,
    directory_filter,
    directory_page,
)
from projections.name_grams import NameGrams
from projections.sealing import Sealer, is_sealed
from projections.sql import (
    Cursor,
    Dialect,
    SQLView,
    Statement,
    execute_in_runs,
    is_wide_scope,
)
from projections.timeline import (
    DirectoryPage,
    DirectoryQuery,
    Entry,
    FamilyOrder,
    TimelineChanges,
    TimelineRow,
    TimelineView,
    details_json,
    entry_status,
    utc_text,
)


class SQLTimelineView(SQLView, TimelineView):
    """The timeline's queries and writes in either backend. Summaries, details and head names
    are sealed (`projections.sealing`): they may hold personal data. Head names are searched
    through keyed grams (`projections.name_grams`)."""

    tables = (
        "timeline_entries",
        "family_directory",
        "family_name_grams",
        "family_directory_counts",
    )
    # 2: the directory's last_service_on and the name grams; 3: the directory's counts
    version = 3
    sealer: Sealer
    grams: NameGrams

    def seal_with(self, sealer: Sealer) -> None:
        self.sealer = sealer

    def index_names_with(self, grams: NameGrams) -> None:
        self.grams = grams

    def retire_clear_text(self, application_name: str) -> bool:
        """Empties a view written before its personal data was sealed, so that it is rebuilt
        sealed; answers whether it did."""
        with self.read() as cursor:
            cursor.execute(self.statements.select_a_head_name)
            row = cursor.fetchone()
        if row is None or is_sealed(row["head_name"]):
            return False
        self.clear(application_name)
        return True

    @cached_property
    def statements(self) -> TimelineStatements:
        return TimelineStatements(self.dialect)

    def create_statements(self) -> list[str]:
        return self.statements.create_tables()

    def apply(self, changes: TimelineChanges, tracking: Tracking) -> None:
        self.write(
            lambda cursor: write_changes(cursor, self.statements, self.sealer, self.grams, changes),
            tracking,
        )

    def timeline(
        self, family_id: str, *, as_of: dt.date | None, known_at: dt.datetime | None
    ) -> list[TimelineRow]:
        with self.read() as cursor:
            cursor.execute(
                self.statements.select_timeline, timeline_params(family_id, as_of, known_at)
            )
            return timeline_rows(cursor.fetchall(), known_at, self.sealer)

    def directory(self, query: DirectoryQuery) -> DirectoryPage:
        where, params = directory_filter(query, self.grams)
        with self.read() as cursor:
            cursor.execute(
                self.statements.count_directory(where, counted=query.counted_by_bucket), params
            )
            total = int(cursor.fetchone()["total"])
            cursor.execute(
                self.statements.select_directory(
                    where,
                    query.order,
                    by_region=bool(query.region_prefix) and not is_wide_scope(query.region_prefix),
                ),
                params | {"limit": query.limit, "offset": query.offset},
            )
            return directory_page(cursor.fetchall(), total, self.sealer)


DIRECTORY_COLUMNS = (
    "region_code",
    "category",
    "status",
    "head_name",
    "registered_on",
    "updated_at",
)

COUNTED_COLUMNS = frozenset({"region_code", "category", "status"})
"""The directory's counts are kept per bucket of these: a list filtered by them alone is
counted from the buckets."""

NEVER_SERVED = ""
"""The directory's last_service_on of a family without a service: before every ISO date, so
that "not served since" is one comparison and the never-served sort first in both backends
(PostgreSQL and SQLite put NULLs at opposite ends)."""

LAST_SERVICE = (
    "COALESCE((SELECT MAX(e.occurred_on) FROM {t}timeline_entries e "
    "WHERE e.family_id = {t}family_directory.family_id AND e.is_service_version = 1 "
    f"AND e.superseded_at IS NULL AND e.voided_at IS NULL), '{NEVER_SERVED}')"
)
"""A family's last service: the current versions of its services (a correction supersedes the
version before it and may move its date), voided ones left out."""


@dataclass(frozen=True)
class TimelineStatements:
    dialect: Dialect

    def _sql(self, text: str) -> str:
        return self.dialect(text)

    def create_tables(self) -> list[str]:
        return [
            self._sql(
                "CREATE TABLE IF NOT EXISTS {t}timeline_entries ("
                "position BIGINT PRIMARY KEY, family_id TEXT NOT NULL, event TEXT NOT NULL, "
                "source_id TEXT NOT NULL, occurred_on TEXT NOT NULL, recorded_at TEXT NOT NULL, "
                "actor TEXT NOT NULL, actor_id TEXT NOT NULL, summary TEXT NOT NULL, "
                "details TEXT NOT NULL, is_service_version INTEGER NOT NULL, "
                "superseded_at TEXT, voided_at TEXT)"
            ),
            self._sql(
                "CREATE INDEX IF NOT EXISTS timeline_entries_by_family "
                "ON {t}timeline_entries (family_id, occurred_on, recorded_at)"
            ),
            self._sql(
                "CREATE INDEX IF NOT EXISTS timeline_entries_by_source "
                "ON {t}timeline_entries (source_id, position)"
            ),
            self._sql(
                "CREATE TABLE IF NOT EXISTS {t}family_directory ("
                "family_id TEXT PRIMARY KEY, region_code TEXT NOT NULL, category TEXT NOT NULL, "
                "status TEXT NOT NULL, head_name TEXT NOT NULL, registered_on TEXT NOT NULL, "
                "last_service_on TEXT NOT NULL, updated_at TEXT NOT NULL, "
                "position BIGINT NOT NULL)"
            ),
            # The list's default order (each order's last key): its first pages read the head
            # of this index instead of sorting every family in scope.
            self._sql(
                "CREATE INDEX IF NOT EXISTS family_directory_by_position "
                "ON {t}family_directory (position)"
            ),
            self._sql(
                "CREATE INDEX IF NOT EXISTS family_directory_by_region "
                "ON {t}family_directory (region_code, position)"
            ),
            self._sql(
                "CREATE INDEX IF NOT EXISTS family_directory_by_last_service "
                "ON {t}family_directory (last_service_on, position)"
            ),
            self._sql(
                "CREATE INDEX IF NOT EXISTS family_directory_by_registration "
                "ON {t}family_directory (registered_on, position)"
            ),
            self._sql(
                "CREATE TABLE IF NOT EXISTS {t}family_directory_counts ("
                "region_code TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL, "
                "families BIGINT NOT NULL, PRIMARY KEY (region_code, category, status))"
            ),
            self._sql(
                "CREATE TABLE IF NOT EXISTS {t}family_name_grams (gram TEXT NOT NULL, "
                "family_id TEXT NOT NULL, PRIMARY KEY (gram, family_id))"
            ),
        ]

    @property
    def insert_entry(self) -> str:
        return self._sql(
            "INSERT INTO {t}timeline_entries (position, family_id, event, source_id, occurred_on, "
            "recorded_at, actor, actor_id, summary, details, is_service_version) VALUES "
            "(:position, :family_id, :event, :source_id, :occurred_on, :recorded_at, :actor, "
            ":actor_id, :summary, :details, :is_service_version)"
        )

    @property
    def insert_later_version(self) -> str:
        # A correction or void copies what it does not change from the service's current
        # version, which may have been inserted earlier in this same transaction.
        return self._sql(
            "INSERT INTO {t}timeline_entries (position, family_id, event, source_id, occurred_on, "
            "recorded_at, actor, actor_id, summary, details, is_service_version) "
            "SELECT :position, family_id, :event, :source_id, COALESCE(:occurred_on, occurred_on), "
            ":recorded_at, :actor, :actor_id, COALESCE(:summary, summary), :details, "
            ":is_service_version FROM {t}timeline_entries "
            "WHERE source_id = :source_id AND is_service_version = 1 AND position < :position "
            "ORDER BY position DESC LIMIT 1"
        )

    @property
    def supersede_versions(self) -> str:
        return self._sql(
            "UPDATE {t}timeline_entries SET superseded_at = :recorded_at "
            "WHERE source_id = :source_id AND is_service_version = 1 "
            "AND superseded_at IS NULL AND position < :position"
        )

    @property
    def void_versions(self) -> str:
        return self._sql(
            "UPDATE {t}timeline_entries SET voided_at = :recorded_at "
            "WHERE source_id = :source_id AND is_service_version = 1 AND voided_at IS NULL"
        )

    @property
    def insert_directory_row(self) -> str:
        return self._sql(
            "INSERT INTO {t}family_directory (family_id, region_code, category, status, "
            "head_name, registered_on, last_service_on, updated_at, position) VALUES "
            "(:family_id, :region_code, :category, :status, :head_name, :registered_on, "
            f"'{NEVER_SERVED}', :updated_at, :position)"
        )

    @property
    def count_in(self) -> str:
        """The family's row counts in the bucket of its region, category and status."""
        return self._sql(
            "INSERT INTO {t}family_directory_counts AS c "
            "(region_code, category, status, families) "
            "SELECT region_code, category, status, 1 FROM {t}family_directory "
            "WHERE family_id = :family_id "
            "ON CONFLICT (region_code, category, status) DO UPDATE SET families = c.families + 1"
        )

    @property
    def count_out(self) -> str:
        """Before the row leaves its bucket (a transfer, a closing, a reopening)."""
        return self._sql(
            "UPDATE {t}family_directory_counts SET families = families - 1 "
            "WHERE (region_code, category, status) = (SELECT region_code, category, status "
            "FROM {t}family_directory WHERE family_id = :family_id)"
        )

    @property
    def insert_name_gram(self) -> str:
        return self._sql(
            "INSERT INTO {t}family_name_grams (gram, family_id) VALUES (:gram, :family_id)"
        )

    @property
    def refresh_last_service_of_family(self) -> str:
        return self._sql(
            f"UPDATE {{t}}family_directory SET last_service_on = {LAST_SERVICE} "
            "WHERE family_id = :family_id"
        )

    @property
    def refresh_last_service_of_service(self) -> str:
        """For a correction or void, whose event names the service, not the family."""
        return self._sql(
            f"UPDATE {{t}}family_directory SET last_service_on = {LAST_SERVICE} "
            "WHERE family_id = (SELECT family_id FROM {t}timeline_entries "
            "WHERE source_id = :source_id AND is_service_version = 1 "
            "ORDER BY position LIMIT 1)"
        )

    def update_directory_row(self, columns: Iterable[str]) -> str:
        assignments = ", ".join(f"{c} = :{c}" for c in columns if c in DIRECTORY_COLUMNS)
        return self._sql(
            f"UPDATE {{t}}family_directory SET {assignments} WHERE family_id = :family_id"
        )

    @property
    def select_a_head_name(self) -> str:
        return self._sql("SELECT head_name FROM {t}family_directory LIMIT 1")

    @property
    def select_timeline(self) -> str:
        return self._sql(
            "SELECT event, source_id, occurred_on, recorded_at, actor, summary, details, "
            "superseded_at, voided_at FROM {t}timeline_entries "
            "WHERE family_id = :family_id AND occurred_on <= :as_of AND recorded_at <= :known_at "
            "ORDER BY occurred_on, recorded_at, position"
        )

    def select_directory(self, where: str, order: FamilyOrder | None, *, by_region: bool) -> str:
        """`by_region`: a county's or a smaller region's families are found by region first
        and then sorted. Walking the index of the order instead, as a province's list does,
        skips every other family of the province, more of them as it grows."""
        ordered = f" ORDER BY {DIRECTORY_ORDER[order]} LIMIT :limit OFFSET :offset"
        if by_region:
            return self._sql(
                f"WITH scope AS MATERIALIZED (SELECT {LISTED_COLUMNS}, position "
                f"FROM {{t}}family_directory{where}) SELECT {LISTED_COLUMNS} FROM scope" + ordered
            )
        return self._sql(f"SELECT {LISTED_COLUMNS} FROM {{t}}family_directory{where}{ordered}")

    def count_directory(self, where: str, *, counted: bool) -> str:
        """`counted`: the filter names only columns of the counts' buckets, whose sum is the
        count without a pass over every family in scope."""
        if counted:
            return self._sql(
                "SELECT COALESCE(SUM(families), 0) AS total FROM {t}family_directory_counts" + where
            )
        return self._sql("SELECT COUNT(*) AS total FROM {t}family_directory" + where)


def write_changes(
    cursor: Cursor,
    statements: TimelineStatements,
    sealer: Sealer,
    grams: NameGrams,
    changes: TimelineChanges,
) -> None:
    # Order matters: a correction copies from the version before it, inserted earlier.
    ordered: list[Statement] = []
    for entry in changes.entries:
        params = entry_params(entry, sealer)
        insert = statements.insert_entry if entry.family_id else statements.insert_later_version
        ordered.append((insert, params))
        if entry.supersedes_service:
            ordered.append((statements.supersede_versions, params))
        if entry.voids_service:
            ordered.append((statements.void_versions, params))
    for change in changes.directory:
        params = {"family_id": change.family_id, **change.fields}
        if "head_name" in params:
            params["head_name"] = sealer.seal(params["head_name"])
        if change.is_new:
            position = min(e.position for e in changes.entries if e.family_id == change.family_id)
            ordered.append((statements.insert_directory_row, params | {"position": position}))
            ordered.append((statements.count_in, {"family_id": change.family_id}))
            # A head's name is given once, at registration: its grams are never replaced.
            ordered.extend(
                (statements.insert_name_gram, {"gram": gram, "family_id": change.family_id})
                for gram in grams.of(change.fields["head_name"])
            )
        elif COUNTED_COLUMNS.isdisjoint(change.fields):
            ordered.append((statements.update_directory_row(change.fields), params))
        else:
            recounted = {"family_id": change.family_id}
            ordered.append((statements.count_out, recounted))
            ordered.append((statements.update_directory_row(change.fields), params))
            ordered.append((statements.count_in, recounted))
    ordered.extend(last_service_refreshes(statements, changes.entries))
    execute_in_runs(cursor, ordered)


def last_service_refreshes(
    statements: TimelineStatements, entries: Iterable[Entry]
) -> list[Statement]:
    """After every entry of the page is written (and every directory row exists), each family
    whose services changed takes its last service again, once per page."""
    families = {e.family_id for e in entries if e.is_service_version and e.family_id}
    # Corrections and voids name the service only; their family is the service's.
    services = {e.source_id for e in entries if e.family_id is None}
    return [
        *((statements.refresh_last_service_of_family, {"family_id": f}) for f in families),
        *((statements.refresh_last_service_of_service, {"source_id": s}) for s in services),
    ]


def entry_params(entry: Entry, sealer: Sealer) -> dict[str, Any]:
    return {
        "position": entry.position,
        "family_id": entry.family_id,
        "event": entry.event,
        "source_id": entry.source_id,
        "occurred_on": entry.occurred_on,
        "recorded_at": entry.recorded_at,
        "actor": entry.actor,
        "actor_id": entry.actor_id,
        # A later version without a summary of its own copies the sealed one it supersedes.
        "summary": sealer.seal(entry.summary) if entry.summary is not None else None,
        "details": sealer.seal(details_json(entry.details)),
        "is_service_version": int(entry.is_service_version),
    }


def timeline_params(
    family_id: str, as_of: dt.date | None, known_at: dt.datetime | None
) -> dict[str, Any]:
    return {
        "family_id": family_id,
        "as_of": as_of.isoformat() if as_of else "9999-12-31",
        "known_at": utc_text(known_at) if known_at else "9999-12-31",
    }


def timeline_rows(
    rows: Iterable[Any], known_at: dt.datetime | None, sealer: Sealer
) -> list[TimelineRow]:
    known_text = utc_text(known_at) if known_at else None
    return [
        TimelineRow(
            event=row["event"],
            source_id=row["source_id"],
            occurred_on=row["occurred_on"],
            recorded_at=row["recorded_at"],
            actor=row["actor"],
            summary=sealer.open(row["summary"]),
            details=json.loads(sealer.open(row["details"])),
            status=entry_status(row["voided_at"], row["superseded_at"], known_text),
        )
        for row in rows
    ]
