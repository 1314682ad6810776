"""Reports read from the ledger view: the postings behind a services figure, and the fund
flows a foundation discloses (全过程公开) per source and programme.

A flow is classed by the kind of account on the other side of a fund's posting, not by the
transfer's kind, so that a new kind of transfer (a premium to an insurer, a claim payment) is
counted where its money goes: from outside is received, to or from another fund is allocated,
to a family is paid (less what reversals return), to an insurer is a premium."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from projections.ledger_sql import SQLLedgerView


@dataclass(frozen=True)
class FundPosting:
    position: int
    occurred_on: str
    fund_id: str
    account_name: str
    region_code: str | None
    transfer_id: str
    amount_fen: int
    memo: str | None


@dataclass(frozen=True)
class FundFlows:
    source: str
    programme: str
    funds: int
    received_fen: int
    allocated_in_fen: int
    allocated_out_fen: int
    paid_fen: int
    premiums_fen: int
    available_fen: int


_CHUNK = 500

_IN_PERIOD = "e.occurred_on >= :date_from AND e.occurred_on <= :date_to"


def _flow(counterparty: str, sign: str, side: str | None = None) -> str:
    """The posted amounts within the period between a fund and accounts of one kind."""
    side_test = f" AND e.side = '{side}'" if side else ""
    return (
        f"COALESCE(SUM(CASE WHEN c.kind = '{counterparty}'{side_test} AND {_IN_PERIOD} "
        f"THEN {sign}e.posted_delta ELSE 0 END), 0)"
    )


def _placeholder(index: int) -> str:
    # Letters only: the dialect's placeholders are `:[a-z_]+`.
    return (
        "transfer_"
        + chr(97 + index // 26 // 26)
        + chr(97 + index // 26 % 26)
        + chr(97 + index % 26)
    )


@dataclass(frozen=True)
class FlowPosting:
    """A fund's posting within a funds report, with the figure (`flow`) it adds to and how
    much it adds (a reversal of a payment subtracts from `paid`)."""

    position: int
    occurred_on: str
    fund_id: str
    fund_name: str
    source: str
    programme: str
    region_code: str
    transfer_id: str
    flow: str
    amount_fen: int
    memo: str | None


FLOWS = {
    ("external", "credit"): "received",
    ("fund", "credit"): "allocated_in",
    ("fund", "debit"): "allocated_out",
    ("beneficiary", "credit"): "paid",
    ("beneficiary", "debit"): "paid",
    ("external", "debit"): "premiums",
}
"""The figure a fund's posting adds to, by the kind of account on the other side and the
fund's side."""

INFLOWS = frozenset({"received", "allocated_in"})


class LedgerReports:
    def __init__(self, view: SQLLedgerView) -> None:
        self.view = view

    def fund_debits_of(self, transfer_ids: Sequence[str]) -> list[FundPosting]:
        """The postings that take each transfer's money out of its fund, in log order."""
        postings: list[FundPosting] = []
        for start in range(0, len(transfer_ids), _CHUNK):
            chunk = list(transfer_ids[start : start + _CHUNK])
            names = {_placeholder(index): id_ for index, id_ in enumerate(chunk)}
            placeholders = ", ".join(f":{name}" for name in names)
            statement = self.view.dialect(
                "SELECT e.position, e.occurred_on, e.account_id, a.name, a.region_code, "
                "e.transfer_id, e.amount_fen, t.memo FROM {t}ledger_entries e "
                "JOIN {t}ledger_accounts a ON a.account_id = e.account_id "
                "LEFT JOIN {t}ledger_transfers t ON t.transfer_id = e.transfer_id "
                f"WHERE e.transfer_id IN ({placeholders}) AND a.kind = 'fund' "
                "AND e.side = 'debit' ORDER BY e.position"
            )
            with self.view.read() as cursor:
                cursor.execute(statement, names)
                postings.extend(
                    FundPosting(
                        position=int(row["position"]),
                        occurred_on=row["occurred_on"],
                        fund_id=row["account_id"],
                        account_name=row["name"],
                        region_code=row["region_code"],
                        transfer_id=row["transfer_id"],
                        amount_fen=int(row["amount_fen"]),
                        memo=row["memo"],
                    )
                    for row in cursor.fetchall()
                )
        return sorted(postings, key=lambda posting: posting.position)

    def fund_flows(
        self,
        *,
        region_prefix: str,
        date_from: dt.date | None,
        date_to: dt.date,
        source: str | None,
    ) -> list[FundFlows]:
        """Per source and programme of the region subtree's funds: flows within the period,
        and what is available (posted less reserved) at its end."""
        statement = self.view.dialect(
            "SELECT a.source, a.programme, COUNT(DISTINCT a.account_id) AS funds, "
            f"{_flow('external', '', 'credit')} AS received, "
            f"{_flow('fund', '', 'credit')} AS allocated_in, "
            f"{_flow('fund', '-', 'debit')} AS allocated_out, "
            f"{_flow('beneficiary', '-')} AS paid, "
            f"{_flow('external', '-', 'debit')} AS premiums, "
            "COALESCE(SUM(CASE WHEN e.occurred_on <= :date_to "
            "THEN e.posted_delta - e.reserved_delta ELSE 0 END), 0) AS available "
            "FROM {t}ledger_accounts a "
            "LEFT JOIN {t}ledger_entries e ON e.account_id = a.account_id "
            "LEFT JOIN {t}ledger_accounts c ON c.account_id = e.counterparty_id "
            "WHERE a.kind = 'fund' AND a.region_code >= :region_low "
            "AND a.region_code < :region_high"
            + (" AND a.source = :source" if source else "")
            + " GROUP BY a.source, a.programme ORDER BY a.source, a.programme"
        )
        params = {
            "region_low": region_prefix,
            "region_high": region_prefix + "~",
            "date_from": date_from.isoformat() if date_from else "0000-01-01",
            "date_to": date_to.isoformat(),
            "source": source,
        }
        with self.view.read() as cursor:
            cursor.execute(statement, params)
            return [
                FundFlows(
                    source=row["source"],
                    programme=row["programme"],
                    funds=int(row["funds"]),
                    received_fen=int(row["received"] or 0),
                    allocated_in_fen=int(row["allocated_in"] or 0),
                    allocated_out_fen=int(row["allocated_out"] or 0),
                    paid_fen=int(row["paid"] or 0),
                    premiums_fen=int(row["premiums"] or 0),
                    available_fen=int(row["available"] or 0),
                )
                for row in cursor.fetchall()
            ]

    def flow_postings(
        self,
        *,
        region_prefix: str,
        date_from: dt.date | None,
        date_to: dt.date,
        source: str | None,
        programme: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[FlowPosting], int]:
        """The postings that make the period's flows of the funds report, and their count."""
        conditions = (
            "a.kind = 'fund' AND a.region_code >= :region_low AND a.region_code < :region_high "
            f"AND e.posted_delta <> 0 AND {_IN_PERIOD}"
            + (" AND a.source = :source" if source else "")
            + (" AND a.programme = :programme" if programme else "")
        )
        joins = (
            "FROM {t}ledger_entries e JOIN {t}ledger_accounts a ON a.account_id = e.account_id "
            "JOIN {t}ledger_accounts c ON c.account_id = e.counterparty_id "
        )
        params = {
            "region_low": region_prefix,
            "region_high": region_prefix + "~",
            "date_from": date_from.isoformat() if date_from else "0000-01-01",
            "date_to": date_to.isoformat(),
            "source": source,
            "programme": programme,
            "limit": limit,
            "offset": offset,
        }
        with self.view.read() as cursor:
            cursor.execute(
                self.view.dialect(f"SELECT COUNT(*) AS total {joins}WHERE {conditions}"), params
            )
            total = int(cursor.fetchone()["total"])
            cursor.execute(
                self.view.dialect(
                    "SELECT e.position, e.occurred_on, a.account_id, a.name, a.source, "
                    "a.programme, a.region_code, e.transfer_id, e.side, e.posted_delta, "
                    f"c.kind AS counterparty_kind, t.memo {joins}"
                    "LEFT JOIN {t}ledger_transfers t ON t.transfer_id = e.transfer_id "
                    f"WHERE {conditions} ORDER BY e.occurred_on, e.position "
                    "LIMIT :limit OFFSET :offset"
                ),
                params,
            )
            postings = []
            for row in cursor.fetchall():
                flow = FLOWS[(row["counterparty_kind"], row["side"])]
                delta = int(row["posted_delta"])
                postings.append(
                    FlowPosting(
                        position=int(row["position"]),
                        occurred_on=row["occurred_on"],
                        fund_id=row["account_id"],
                        fund_name=row["name"],
                        source=row["source"],
                        programme=row["programme"],
                        region_code=row["region_code"],
                        transfer_id=row["transfer_id"],
                        flow=flow,
                        amount_fen=delta if flow in INFLOWS else -delta,
                        memo=row["memo"],
                    )
                )
        return postings, total

    def budget_by_region(
        self, *, region_prefix: str, year: int, group_length: int
    ) -> dict[str, tuple[int, int]]:
        """Per region group of funds, the year's (money that came into the group, paid).
        Allocations within a group come in to one of its funds and go out of another: net, only
        what came from above remains."""
        statement = self.view.dialect(
            f"SELECT SUBSTR(a.region_code, 1, {int(group_length)}) AS code, "
            f"{_flow('external', '', 'credit')} + {_flow('fund', '', 'credit')} "
            f"- {_flow('fund', '-', 'debit')} AS allocated, "
            f"{_flow('beneficiary', '-')} AS paid "
            "FROM {t}ledger_accounts a JOIN {t}ledger_entries e ON e.account_id = a.account_id "
            "JOIN {t}ledger_accounts c ON c.account_id = e.counterparty_id "
            "WHERE a.kind = 'fund' AND a.region_code >= :region_low "
            "AND a.region_code < :region_high GROUP BY 1"
        )
        params = {
            "region_low": region_prefix,
            "region_high": region_prefix + "~",
            "date_from": f"{year:04d}-01-01",
            "date_to": f"{year:04d}-12-31",
        }
        with self.view.read() as cursor:
            cursor.execute(statement, params)
            return {
                row["code"]: (int(row["allocated"]), int(row["paid"])) for row in cursor.fetchall()
            }
