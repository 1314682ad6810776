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


# A journal's window opens with each account's balance before it: the months before the
# window's first month from these sums, the days of that month from the entries. Kept per
# region an entry counts in, so a regional journal opens with its region's part.
ADD_TO_MONTH = (
    "INSERT INTO {t}ledger_account_months AS m (account_id, region_code, month, posted_fen) "
    "SELECT account_id, COALESCE(region_code, ''), SUBSTR(occurred_on, 1, 7), posted_delta "
    "FROM {t}ledger_entries WHERE position = :position "
    "ON CONFLICT (account_id, region_code, month) "
    "DO UPDATE SET posted_fen = m.posted_fen + excluded.posted_fen"
)


class SQLLedgerView(SQLView, LedgerView):
    tables = ("ledger_accounts", "ledger_entries", "ledger_transfers", "ledger_account_months")
    version = 4
    """2: each journal entry keeps the region it counts in. 3: each account keeps its running
    totals, and entries are found by region from an index. 4: each account's postings summed
    per month, for a journal window's opening balances."""

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
                "CREATE TABLE IF NOT EXISTS {t}ledger_account_months (account_id TEXT NOT NULL, "
                "region_code TEXT NOT NULL, month TEXT NOT NULL, posted_fen BIGINT NOT NULL, "
                "PRIMARY KEY (account_id, region_code, month))",
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
                        (ADD_TO_MONTH, changes.entries),
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
        opening_from = date_from or dt.date.min
        params: dict[str, Any] = query.params() | {
            "date_from": opening_from.isoformat(),
            "date_to": date_to.isoformat() if date_to else "9999-12-31",
            "account_id": account_id,
            # What had been recorded by a past moment is not in the month sums, which hold
            # everything recorded: then the whole history before the window is summed.
            "month_from": opening_from.isoformat()[:7] if query.known_at is None else "0000-00",
            "month_start": (
                opening_from.replace(day=1) if query.known_at is None else dt.date.min
            ).isoformat(),
        }
        statement = self.dialect(
            "WITH window_entries AS (SELECT e.position, e.occurred_on, e.recorded_at, "
            "e.account_id, e.region_code, e.transfer_id, e.side, e.phase, e.amount_fen, "
            "e.counterparty_id, e.entry_hash, SUM(e.posted_delta) OVER (PARTITION BY "
            "e.account_id ORDER BY e.occurred_on, e.position ROWS UNBOUNDED PRECEDING) AS moved "
            "FROM {t}ledger_entries e WHERE e.occurred_on >= :date_from "
            "AND e.occurred_on <= :date_to AND e.occurred_on <= :as_of "
            "AND e.recorded_at <= :known_at" + self._journal_scope("e", account_id, query) + "), "
            "opening AS (SELECT account_id, SUM(amount) AS amount FROM ("
            "SELECT m.account_id, m.posted_fen AS amount FROM {t}ledger_account_months m "
            "WHERE m.month < :month_from "
            "AND m.account_id IN (SELECT account_id FROM window_entries)"
            + self._journal_scope("m", account_id, query)
            + " UNION ALL SELECT e.account_id, e.posted_delta AS amount "
            "FROM {t}ledger_entries e WHERE e.occurred_on >= :month_start "
            "AND e.occurred_on < :date_from AND e.recorded_at <= :known_at "
            "AND e.account_id IN (SELECT account_id FROM window_entries)"
            + self._journal_scope("e", account_id, query)
            + ") before_window GROUP BY account_id) "
            "SELECT w.*, a.kind AS account_kind, a.name AS account_name, "
            "t.kind AS transfer_kind, t.memo, t.cause, "
            "COALESCE(o.amount, 0) + w.moved AS balance FROM window_entries w "
            "JOIN {t}ledger_accounts a ON a.account_id = w.account_id "
            "LEFT JOIN {t}ledger_transfers t ON t.transfer_id = w.transfer_id "
            "LEFT JOIN opening o ON o.account_id = w.account_id "
            "ORDER BY w.occurred_on, w.position"
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

    @staticmethod
    def _journal_scope(alias: str, account_id: str | None, query: LedgerQuery) -> str:
        """The journal's account and region conditions on a table of entries or of months."""
        scope = f" AND {alias}.account_id = :account_id" if account_id else ""
        if query.region_prefix:
            scope += (
                f" AND {alias}.region_code >= :region_low AND {alias}.region_code < :region_high"
            )
        return scope
