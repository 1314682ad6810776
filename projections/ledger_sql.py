"""The ledger view's SQL, written once for SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from eventsourcing.persistence import Tracking

from projections.ledger import FundBalance, JournalRow, LedgerChanges, LedgerQuery, LedgerView
from projections.sql import Cursor, SQLView, execute_in_runs

ACCOUNT_COLUMNS = (
    "account_id", "kind", "name", "source", "programme", "region_code", "family_id",
    "opened_at", "position",
)  # fmt: skip
ENTRY_COLUMNS = (
    "position", "account_id", "version", "transfer_id", "counterparty_id", "side", "phase",
    "amount_fen", "posted_delta", "pending_delta", "occurred_on", "recorded_at", "entry_hash",
    "region_code",
)  # fmt: skip
TRANSFER_COLUMNS = (
    "transfer_id", "kind", "memo", "cause", "occurred_on", "state", "reverses", "position",
)  # fmt: skip


# A view table keeps the column names it was created with (existing tables are not migrated),
# so an amount the ledger now calls `pending` is stored under its first name.
STORED_COLUMN_NAMES = {"pending_delta": "reserved_delta"}


# An entry recorded before entries named their region counts where its account does, or,
# for a family's or a payer's account (which have none), where the fund on its other side
# does: the same as `the_region_a_leg_counts_in`, except that a family's leg of such an old
# payment counts in the paying fund's region, since the family's was not recorded then.
OLD_ENTRY_REGION = (
    "COALESCE(:region_code, "
    "(SELECT region_code FROM {t}ledger_accounts WHERE account_id = :account_id), "
    "(SELECT region_code FROM {t}ledger_accounts WHERE account_id = :counterparty_id))"
)


def _insert(table: str, columns: tuple[str, ...], **values: str) -> str:
    """`values` gives an SQL expression for a column in place of its parameter."""
    stored = (STORED_COLUMN_NAMES.get(column, column) for column in columns)
    return (
        f"INSERT INTO {{t}}{table} ({', '.join(stored)}) "
        f"VALUES ({', '.join(values.get(c, ':' + c) for c in columns)})"
    )


# Current balances are read from these totals instead of summing every entry of the account
# per request; balances as of a date or as known at a time still sum the entries.
ADD_TO_TOTALS = (
    "UPDATE {t}ledger_accounts SET posted_fen = posted_fen + :posted_delta, "
    "pending_fen = pending_fen + :pending_delta WHERE account_id = :account_id"
)


class SQLLedgerView(SQLView, LedgerView):
    tables = ("ledger_accounts", "ledger_entries", "ledger_transfers")
    version = 3
    """2: each journal entry keeps the region it counts in. 3: each account keeps its running
    totals, and entries are found by region from an index."""

    def create_statements(self) -> list[str]:
        return [
            self.dialect(statement)
            for statement in (
                "CREATE TABLE IF NOT EXISTS {t}ledger_accounts (account_id TEXT PRIMARY KEY, "
                "kind TEXT NOT NULL, name TEXT NOT NULL, source TEXT, programme TEXT, "
                "region_code TEXT, family_id TEXT, opened_at TEXT NOT NULL, "
                "position BIGINT NOT NULL, posted_fen BIGINT NOT NULL DEFAULT 0, "
                "pending_fen BIGINT NOT NULL DEFAULT 0)",
                "CREATE INDEX IF NOT EXISTS ledger_accounts_by_region "
                "ON {t}ledger_accounts (kind, region_code)",
                "CREATE TABLE IF NOT EXISTS {t}ledger_entries (position BIGINT PRIMARY KEY, "
                "account_id TEXT NOT NULL, version INTEGER NOT NULL, transfer_id TEXT NOT NULL, "
                "counterparty_id TEXT NOT NULL, side TEXT NOT NULL, phase TEXT NOT NULL, "
                "amount_fen BIGINT NOT NULL, posted_delta BIGINT NOT NULL, "
                "reserved_delta BIGINT NOT NULL, occurred_on TEXT NOT NULL, "
                "recorded_at TEXT NOT NULL, entry_hash TEXT NOT NULL, region_code TEXT)",
                "CREATE INDEX IF NOT EXISTS ledger_entries_by_account "
                "ON {t}ledger_entries (account_id, occurred_on, position)",
                "CREATE INDEX IF NOT EXISTS ledger_entries_by_date "
                "ON {t}ledger_entries (occurred_on, position)",
                "CREATE INDEX IF NOT EXISTS ledger_entries_by_region "
                "ON {t}ledger_entries (region_code, occurred_on, position)",
                # The reports' drill-downs look up the postings of given transfers.
                "CREATE INDEX IF NOT EXISTS ledger_entries_by_transfer "
                "ON {t}ledger_entries (transfer_id)",
                "CREATE TABLE IF NOT EXISTS {t}ledger_transfers (transfer_id TEXT PRIMARY KEY, "
                "kind TEXT NOT NULL, memo TEXT NOT NULL, cause TEXT NOT NULL, "
                "occurred_on TEXT NOT NULL, state TEXT NOT NULL, reverses TEXT, "
                "position BIGINT NOT NULL)",
            )
        ]

    def apply(self, changes: LedgerChanges, tracking: Tracking) -> None:
        def rows(cursor: Cursor) -> None:
            # Within one save the entries come before their transfer: order does not matter
            # here, since the tables are joined only when read.
            execute_in_runs(
                cursor,
                [
                    (self.dialect(statement), params)
                    for statement, batch in (
                        (_insert("ledger_accounts", ACCOUNT_COLUMNS), changes.accounts),
                        (
                            _insert("ledger_entries", ENTRY_COLUMNS, region_code=OLD_ENTRY_REGION),
                            changes.entries,
                        ),
                        (ADD_TO_TOTALS, changes.entries),
                        (_insert("ledger_transfers", TRANSFER_COLUMNS), changes.transfers),
                        (
                            "UPDATE {t}ledger_transfers SET state = :state "
                            "WHERE transfer_id = :transfer_id",
                            changes.transfer_updates,
                        ),
                    )
                    for params in batch
                ],
            )

        self.write(rows, tracking)

    def fund_balances(self, query: LedgerQuery) -> list[FundBalance]:
        if query.as_of is None and query.known_at is None:
            balances = "a.posted_fen AS posted, a.pending_fen AS pending FROM {t}ledger_accounts a "
            grouping = ""
        else:
            balances = (
                "COALESCE(SUM(e.posted_delta), 0) AS posted, "
                "COALESCE(SUM(e.reserved_delta), 0) AS pending "
                "FROM {t}ledger_accounts a LEFT JOIN {t}ledger_entries e "
                "ON e.account_id = a.account_id AND e.occurred_on <= :as_of "
                "AND e.recorded_at <= :known_at "
            )
            grouping = (
                "GROUP BY a.account_id, a.name, a.source, a.programme, a.region_code, a.position "
            )
        statement = self.dialect(
            "SELECT a.account_id, a.name, a.source, a.programme, a.region_code, "
            + balances
            + "WHERE a.kind = 'fund' AND a.region_code >= :region_low "
            "AND a.region_code < :region_high AND a.opened_at <= :known_at "
            + grouping
            + "ORDER BY a.region_code, a.position"
        )
        with self.read() as cursor:
            cursor.execute(statement, query.params())
            return [
                FundBalance(
                    fund_id=row["account_id"],
                    name=row["name"],
                    source=row["source"],
                    programme=row["programme"],
                    region_code=row["region_code"],
                    posted_fen=int(row["posted"]),
                    pending_fen=int(row["pending"]),
                )
                for row in cursor.fetchall()
            ]

    def journal(
        self,
        query: LedgerQuery,
        *,
        account_id: str | None,
        date_from: dt.date | None,
        date_to: dt.date | None,
    ) -> list[JournalRow]:
        params: dict[str, Any] = query.params() | {
            "date_from": date_from.isoformat() if date_from else "0000-01-01",
            "date_to": date_to.isoformat() if date_to else "9999-12-31",
            "account_id": account_id,
        }
        # The running balance sums the account's whole history up to each posting, so the
        # date range is applied only after it is computed.
        statement = self.dialect(
            "SELECT * FROM (SELECT e.position, e.occurred_on, e.recorded_at, e.account_id, "
            "a.kind AS account_kind, a.name AS account_name, e.region_code, e.transfer_id, "
            "t.kind AS transfer_kind, e.side, e.phase, e.amount_fen, e.counterparty_id, "
            "t.memo, t.cause, e.entry_hash, SUM(e.posted_delta) OVER (PARTITION BY e.account_id "
            "ORDER BY e.occurred_on, e.position ROWS UNBOUNDED PRECEDING) AS balance "
            "FROM {t}ledger_entries e JOIN {t}ledger_accounts a ON a.account_id = e.account_id "
            "LEFT JOIN {t}ledger_transfers t ON t.transfer_id = e.transfer_id "
            "WHERE e.occurred_on <= :as_of AND e.recorded_at <= :known_at"
            + (" AND e.account_id = :account_id" if account_id else "")
            + (
                " AND e.region_code >= :region_low AND e.region_code < :region_high"
                if query.region_prefix
                else ""
            )
            + ") journal WHERE occurred_on >= :date_from AND occurred_on <= :date_to "
            "ORDER BY occurred_on, position"
        )
        with self.read() as cursor:
            cursor.execute(statement, params)
            return [
                JournalRow(
                    position=int(row["position"]),
                    occurred_on=row["occurred_on"],
                    recorded_at=row["recorded_at"],
                    account_id=row["account_id"],
                    account_kind=row["account_kind"],
                    account_name=row["account_name"],
                    region_code=row["region_code"],
                    transfer_id=row["transfer_id"],
                    transfer_kind=row["transfer_kind"],
                    side=row["side"],
                    phase=row["phase"],
                    amount_fen=int(row["amount_fen"]),
                    balance_fen=int(row["balance"]),
                    counterparty_id=row["counterparty_id"],
                    memo=row["memo"],
                    cause=json.loads(row["cause"]) if row["cause"] else {},
                    entry_hash=row["entry_hash"],
                )
                for row in cursor.fetchall()
            ]
