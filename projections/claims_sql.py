"""The claims queue's SQL, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from projections.claims import ClaimChanges, ClaimPage, ClaimQuery, ClaimRow, ClaimsView
from projections.sql import Cursor, SQLView, execute_in_runs

COLUMNS = (
    "claim_id", "family_id", "region_code", "member_id", "kind", "status", "amount_fen",
    "rule_id", "rule_version", "priced_on", "submitted_by", "submitted_on", "updated_at",
    "position",
)  # fmt: skip


class SQLClaimsView(SQLView, ClaimsView):
    tables = ("claims",)
    view_name = "claims"

    def create_statements(self) -> list[str]:
        return [
            self.dialect(statement)
            for statement in (
                "CREATE TABLE IF NOT EXISTS {t}claims (claim_id TEXT PRIMARY KEY, "
                "family_id TEXT NOT NULL, region_code TEXT NOT NULL, member_id TEXT NOT NULL, "
                "kind TEXT NOT NULL, status TEXT NOT NULL, amount_fen BIGINT NOT NULL, "
                "rule_id TEXT NOT NULL, rule_version INTEGER NOT NULL, priced_on TEXT NOT NULL, "
                "submitted_by TEXT NOT NULL, submitted_on TEXT NOT NULL, "
                "updated_at TEXT NOT NULL, position BIGINT NOT NULL)",
                "CREATE INDEX IF NOT EXISTS claims_by_region "
                "ON {t}claims (region_code, status, position)",
                "CREATE INDEX IF NOT EXISTS claims_by_family ON {t}claims (family_id)",
            )
        ]

    def apply(self, changes: ClaimChanges, tracking: Tracking) -> None:
        insert = (
            f"INSERT INTO {{t}}claims ({', '.join(COLUMNS)}) "
            f"VALUES ({', '.join(':' + c for c in COLUMNS)})"
        )
        update = (
            "UPDATE {t}claims SET status = :status, updated_at = :updated_at "
            "WHERE claim_id = :claim_id"
        )
        move = "UPDATE {t}claims SET region_code = :region_code WHERE family_id = :family_id"

        def rows(cursor: Cursor) -> None:
            # A claim's row is inserted before its later steps update it.
            execute_in_runs(
                cursor,
                [(self.dialect(insert), params) for params in changes.new]
                + [(self.dialect(update), params) for params in changes.statuses]
                + [(self.dialect(move), params) for params in changes.moves],
            )

        self.write(rows, tracking)

    def claims(self, query: ClaimQuery) -> ClaimPage:
        params: dict[str, Any] = {
            "region_like": query.region_prefix + "%",
            "status": query.status,
            "kind": query.kind,
            "limit": query.limit,
            "offset": query.offset,
        }
        where = (
            " WHERE region_code LIKE :region_like"
            + (" AND status = :status" if query.status else "")
            + (" AND kind = :kind" if query.kind else "")
        )
        with self.read() as cursor:
            cursor.execute(self.dialect("SELECT COUNT(*) AS total FROM {t}claims" + where), params)
            total = int(cursor.fetchone()["total"])
            cursor.execute(
                self.dialect(
                    f"SELECT {', '.join(COLUMNS)} FROM {{t}}claims{where} "
                    "ORDER BY submitted_on, position LIMIT :limit OFFSET :offset"
                ),
                params,
            )
            rows = [
                ClaimRow(**{name: row[name] for name in ClaimRow.__dataclass_fields__})
                for row in cursor.fetchall()
            ]
        return ClaimPage(rows=rows, total=total)
