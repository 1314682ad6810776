"""The reports view's SQL, written once for SQLite and PostgreSQL.

Region filters are text ranges (`region_code >= prefix AND < prefix + '~'`), which both
backends answer from an index whatever their LIKE collation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventsourcing.persistence import Tracking

from projections.reports import (
    SPECIAL_CATEGORIES,
    ClaimDecision,
    ClaimDecisionPage,
    CoverageFigures,
    FamilyFacts,
    FamilyFactsPage,
    PaymentPage,
    ReportChanges,
    ReportsView,
    RowChange,
    ServiceFigures,
    ServiceFilter,
)
from projections.reports_families_sql import (
    FAMILIES_COUNTED,
    MEASURE_CONDITIONS,
    OVERDUE_ORDER,
    REFRESH_FAMILY_SERVICES,
    coverage_params,
)
from projections.reports_summaries_sql import (
    CREATE_SUMMARY_TABLES,
    FORGET_HOUSEHOLDS,
    PUT_INTO_MONTH,
    SUMMARY_REGION_LENGTH,
    TAKE_OUT_OF_MONTH,
    WRITE_HOUSEHOLDS,
    counted_households,
    counted_households_in_one_year,
    filter_params,
    period_parts,
    summary_params,
    summed_figures,
)
from projections.sql import (
    IN_REGION,
    Cursor,
    SQLView,
    Statement,
    execute_in_runs,
    is_wide_scope,
    placeholders,
    region_range,
)

CREATE_TABLES = (
    "CREATE TABLE IF NOT EXISTS {t}report_families (family_id TEXT PRIMARY KEY, "
    "region_code TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL, "
    "registered_on TEXT NOT NULL, closed_on TEXT, contacts_on TEXT, doctor_signed_on TEXT, "
    "doctor_expires_on TEXT, green_channel_on TEXT, last_service_on TEXT, last_visit_on TEXT, "
    "fourth_last_visit_on TEXT, position BIGINT NOT NULL)",
    # Covering: coverage counts a region's families from the index alone.
    "CREATE INDEX IF NOT EXISTS report_families_by_region ON {t}report_families "
    "(region_code, category, status, registered_on, closed_on, contacts_on, doctor_signed_on, "
    "doctor_expires_on, green_channel_on, last_service_on, last_visit_on, fourth_last_visit_on, "
    "family_id)",
    "CREATE INDEX IF NOT EXISTS report_families_by_last_service "
    "ON {t}report_families (status, last_service_on, position)",
    # The overdue order over a province or a city: never served ('') first, then the
    # longest unserved, read in order rather than sorted.
    "CREATE INDEX IF NOT EXISTS report_families_overdue "
    "ON {t}report_families (status, COALESCE(last_service_on, ''), position)",
    "CREATE TABLE IF NOT EXISTS {t}report_services (service_id TEXT PRIMARY KEY, "
    "family_id TEXT NOT NULL, region_code TEXT NOT NULL, kind TEXT NOT NULL, "
    "occasion TEXT NOT NULL, occurred_on TEXT NOT NULL, cash_fen BIGINT NOT NULL, "
    "goods_fen BIGINT NOT NULL, transfer_id TEXT, voided INTEGER NOT NULL, "
    "corrections INTEGER NOT NULL, position BIGINT NOT NULL)",
    # Covering: a report over a province reads the index alone.
    "CREATE INDEX IF NOT EXISTS report_services_by_region ON {t}report_services "
    "(region_code, occurred_on, voided, family_id, cash_fen, goods_fen, kind, occasion)",
    "CREATE INDEX IF NOT EXISTS report_services_by_family ON {t}report_services "
    "(family_id, kind, voided, occurred_on)",
    "CREATE TABLE IF NOT EXISTS {t}report_policies (policy_id TEXT PRIMARY KEY, "
    "family_id TEXT NOT NULL, programme TEXT NOT NULL, starts_on TEXT NOT NULL, "
    "ends_on TEXT NOT NULL, position BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS report_policies_by_family "
    "ON {t}report_policies (family_id, programme, starts_on)",
    "CREATE TABLE IF NOT EXISTS {t}report_claims (claim_id TEXT PRIMARY KEY, "
    "family_id TEXT NOT NULL, region_code TEXT NOT NULL, kind TEXT NOT NULL, "
    "submitted_on TEXT NOT NULL, due_on TEXT NOT NULL, decided_on TEXT, decision TEXT, "
    "position BIGINT NOT NULL)",
    # Covering: the scorecard counts a province's decisions from the index alone.
    "CREATE INDEX IF NOT EXISTS report_claims_by_decision "
    "ON {t}report_claims (region_code, decided_on, due_on)",
    *CREATE_SUMMARY_TABLES,
)

EARLIEST = "0000-01-01"
"""Before every ISO date: a period without a start."""

CLAIMS_DECIDED = (
    IN_REGION.format(a="c.") + " AND c.decided_on >= :date_from AND c.decided_on <= :date_to"
)
"""Claims decided in a period, in the region of their family when decided."""
CLAIM_DECISION_COLUMNS = tuple(ClaimDecision.__dataclass_fields__)

SERVICES_COUNTED = (
    IN_REGION.format(a="s.") + " AND s.voided = 0 AND SUBSTR(s.occurred_on, 1, 10) >= :date_from "
    "AND SUBSTR(s.occurred_on, 1, 10) <= :date_to"
)
"""Services counted row by row. The dates are compared through an expression no index
answers, so that a county's services are found by region: SQLite otherwise chose the date
index, made for a province's edge days, and read a year of every county (80 ms, not 5)."""


def service_params(query: ServiceFilter) -> dict[str, Any]:
    return {
        **region_range(query.region_prefix),
        "date_from": query.date_from.isoformat() if query.date_from else EARLIEST,
        "date_to": query.date_to.isoformat(),
        "occasion": query.occasion,
        "kind": query.kind,
    }


def reads_summaries(region_prefix: str, group_length: int) -> bool:
    return is_wide_scope(region_prefix) and group_length <= SUMMARY_REGION_LENGTH


def service_conditions(query: ServiceFilter) -> str:
    return (
        SERVICES_COUNTED
        + (" AND s.occasion = :occasion" if query.occasion else "")
        + (" AND s.kind = :kind" if query.kind else "")
    )


def _counted(condition: str) -> str:
    # SUM(CASE ...) rather than SUM(condition): PostgreSQL does not sum booleans.
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _change_statement(change: RowChange) -> Statement:
    params = {**change.key, **change.values}
    if change.is_new:
        columns = ", ".join(params)
        values = ", ".join(f":{name}" for name in params)
        return f"INSERT INTO {{t}}{change.table} ({columns}) VALUES ({values})", params
    assignments = [f"{name} = :{name}" for name in change.values]
    assignments += [f"{name} = {name} + 1" for name in change.increments]
    if change.takes_family_region:
        assignments.append(FAMILY_REGION_NOW.format(table=change.table))
    where = " AND ".join(f"{name} = :{name}" for name in change.key)
    return f"UPDATE {{t}}{change.table} SET {', '.join(assignments)} WHERE {where}", params


FAMILY_REGION_NOW = (
    "region_code = COALESCE((SELECT f.region_code FROM {{t}}report_families f "
    "WHERE f.family_id = {{t}}{table}.family_id), region_code)"
)

FAMILIES_OF_SERVICES = "SELECT DISTINCT family_id FROM {t}report_services WHERE service_id IN "
SERVICES_PER_LOOKUP = 500


class SQLReportsView(SQLView, ReportsView):
    tables = (
        "report_families",
        "report_services",
        "report_policies",
        "report_claims",
        "report_service_months",
        "report_households",
    )
    version = 3
    """2: claims keep when they were submitted, due and decided. 3: families keep their last
    and fourth-last visits; services are summed per county and month, and households kept as
    month masks (reports_summaries_sql)."""

    def create_statements(self) -> list[str]:
        return [self.dialect(statement) for statement in CREATE_TABLES]

    def apply(self, changes: ReportChanges, tracking: Tracking) -> None:
        changed = sorted(changes.changed_services)
        statements = [(TAKE_OUT_OF_MONTH, {"service_id": service_id}) for service_id in changed]
        statements += [_change_statement(change) for change in changes.rows]
        statements += [(PUT_INTO_MONTH, {"service_id": service_id}) for service_id in changed]

        def rows(cursor: Cursor) -> None:
            execute_in_runs(cursor, [(self.dialect(text), params) for text, params in statements])
            families = [{"family_id": family} for family in self._families_of(cursor, changed)]
            if families:
                for text in (REFRESH_FAMILY_SERVICES, FORGET_HOUSEHOLDS, WRITE_HOUSEHOLDS):
                    cursor.executemany(self.dialect(text), families)

        self.write(rows, tracking)

    def _families_of(self, cursor: Cursor, service_ids: list[str]) -> list[str]:
        families: set[str] = set()
        for start in range(0, len(service_ids), SERVICES_PER_LOOKUP):
            chunk = service_ids[start : start + SERVICES_PER_LOOKUP]
            params = {f"s{number}": service_id for number, service_id in enumerate(chunk)}
            cursor.execute(self.dialect(f"{FAMILIES_OF_SERVICES}({placeholders(params)})"), params)
            families.update(row["family_id"] for row in cursor.fetchall())
        return sorted(families)

    def _select(self, statement: str, params: dict[str, Any]) -> list[Any]:
        with self.read() as cursor:
            cursor.execute(self.dialect(statement), params)
            return list(cursor.fetchall())

    def _count(self, statement: str, params: dict[str, Any]) -> int:
        return int(self._select(statement, params)[0]["total"])

    def service_figures(self, query: ServiceFilter, group_length: int) -> list[ServiceFigures]:
        statement, params = (
            _summarised_figures(query, group_length)
            if reads_summaries(query.region_prefix, group_length)
            else _figures_row_by_row(query, group_length)
        )
        return [
            ServiceFigures(
                region_code=row["code"],
                households=int(row["households"]),
                services=int(row["services"]),
                cash_fen=int(row["cash"]),
                goods_fen=int(row["goods"]),
            )
            for row in self._select(statement, params)
        ]

    def served_families(self, query: ServiceFilter, limit: int, offset: int) -> FamilyFactsPage:
        params = service_params(query) | {"limit": limit, "offset": offset}
        conditions = service_conditions(query)
        total = self._count(
            "SELECT COUNT(DISTINCT s.family_id) AS total "
            f"FROM {{t}}report_services s WHERE {conditions}",
            params,
        )
        rows = self._select(
            "SELECT f.family_id, f.region_code, f.category, f.status, f.last_service_on, "
            "served.services, served.cash, served.goods FROM (SELECT s.family_id, "
            "COUNT(*) AS services, SUM(s.cash_fen) AS cash, SUM(s.goods_fen) AS goods "
            f"FROM {{t}}report_services s WHERE {conditions} GROUP BY s.family_id) served "
            "JOIN {t}report_families f ON f.family_id = served.family_id "
            "ORDER BY f.region_code, f.position LIMIT :limit OFFSET :offset",
            params,
        )
        return FamilyFactsPage([_facts(row, served=True) for row in rows], total)

    def service_payments(self, query: ServiceFilter, limit: int, offset: int) -> PaymentPage:
        conditions = f"{service_conditions(query)} AND s.transfer_id IS NOT NULL"
        params = service_params(query) | {"limit": limit, "offset": offset}
        summary = self._select(
            "SELECT COUNT(*) AS total, COALESCE(SUM(s.cash_fen), 0) AS amount "
            f"FROM {{t}}report_services s WHERE {conditions}",
            params,
        )[0]
        rows = self._select(
            f"SELECT s.transfer_id, s.service_id FROM {{t}}report_services s WHERE {conditions} "
            "ORDER BY s.position LIMIT :limit OFFSET :offset",
            params,
        )
        return PaymentPage(
            payments=[(row["transfer_id"], row["service_id"]) for row in rows],
            total=int(summary["total"]),
            amount_fen=int(summary["amount"]),
        )

    def coverage_figures(
        self, region_prefix: str, as_of: dt.date, group_length: int
    ) -> list[CoverageFigures]:
        measures = ", ".join(
            f"{_counted(condition)} AS {name}" for name, condition in MEASURE_CONDITIONS.items()
        )
        rows = self._select(
            f"SELECT {_group(group_length, 'f.')} AS code, COUNT(*) AS families, "
            f"{measures} FROM {{t}}report_families f "
            f"WHERE {FAMILIES_COUNTED} GROUP BY 1 ORDER BY 1",
            coverage_params(region_prefix, as_of),
        )
        return [
            CoverageFigures(
                region_code=row["code"],
                families=int(row["families"]),
                counts={name: int(row[name]) for name in MEASURE_CONDITIONS},
            )
            for row in rows
        ]

    def covered_families(
        self, region_prefix: str, as_of: dt.date, measure: str | None, limit: int, offset: int
    ) -> FamilyFactsPage:
        conditions = FAMILIES_COUNTED + (f" AND {MEASURE_CONDITIONS[measure]}" if measure else "")
        params = coverage_params(region_prefix, as_of) | {"limit": limit, "offset": offset}
        total = self._count(
            f"SELECT COUNT(*) AS total FROM {{t}}report_families f WHERE {conditions}", params
        )
        rows = self._select(
            "SELECT f.family_id, f.region_code, f.category, f.status, f.last_service_on "
            f"FROM {{t}}report_families f WHERE {conditions} "
            "ORDER BY f.region_code, f.position LIMIT :limit OFFSET :offset",
            params,
        )
        return FamilyFactsPage([_facts(row) for row in rows], total)

    def overdue_families(
        self, region_prefix: str, served_since: dt.date, limit: int, offset: int
    ) -> FamilyFactsPage:
        conditions = (
            IN_REGION.format(a="f.")
            + " AND f.status = 'open' AND f.category IN ("
            + ", ".join(f"'{category}'" for category in SPECIAL_CATEGORIES)
            + ") AND "
            + OVERDUE_ORDER[is_wide_scope(region_prefix)]
        )
        params = region_range(region_prefix) | {
            "served_since": served_since.isoformat(),
            "limit": limit,
            "offset": offset,
        }
        total = self._count(
            f"SELECT COUNT(*) AS total FROM {{t}}report_families f WHERE {conditions}", params
        )
        rows = self._select(
            "SELECT f.family_id, f.region_code, f.category, f.status, f.last_service_on "
            f"FROM {{t}}report_families f WHERE {conditions} ORDER BY "
            "COALESCE(f.last_service_on, ''), f.position LIMIT :limit OFFSET :offset",
            params,
        )
        return FamilyFactsPage([_facts(row) for row in rows], total)

    def visits_by_region(self, region_prefix: str, year: int, group_length: int) -> dict[str, int]:
        if reads_summaries(region_prefix, group_length):
            rows = self._select(
                f"SELECT {_group(group_length, 'm.')} AS code, SUM(m.services) AS visits "
                "FROM {t}report_service_months m WHERE "
                + IN_REGION.format(a="m.")
                + " AND m.kind = 'visit' AND m.month >= :month_from AND m.month <= :month_to "
                "GROUP BY 1 HAVING SUM(m.services) > 0",
                region_range(region_prefix)
                | {"month_from": f"{year:04d}-01", "month_to": f"{year:04d}-12"},
            )
            return {row["code"]: int(row["visits"]) for row in rows}
        rows = self._select(
            f"SELECT {_group(group_length, 's.')} AS code, COUNT(*) AS visits "
            f"FROM {{t}}report_services s WHERE {SERVICES_COUNTED} AND s.kind = 'visit' "
            "GROUP BY 1",
            region_range(region_prefix) | _year_params(year),
        )
        return {row["code"]: int(row["visits"]) for row in rows}

    def claims_decided(
        self, region_prefix: str, year: int, group_length: int
    ) -> dict[str, tuple[int, int]]:
        rows = self._select(
            f"SELECT {_group(group_length, 'c.')} AS code, COUNT(*) AS decided, "
            f"{_counted('c.decided_on <= c.due_on')} AS in_time "
            f"FROM {{t}}report_claims c WHERE {CLAIMS_DECIDED} GROUP BY 1",
            region_range(region_prefix) | _year_params(year),
        )
        return {row["code"]: (int(row["in_time"]), int(row["decided"])) for row in rows}

    def claim_decisions(
        self, region_prefix: str, year: int, limit: int, offset: int
    ) -> ClaimDecisionPage:
        params = region_range(region_prefix) | _year_params(year)
        summary = self._select(
            f"SELECT COUNT(*) AS total, {_counted('c.decided_on <= c.due_on')} AS in_time "
            f"FROM {{t}}report_claims c WHERE {CLAIMS_DECIDED}",
            params,
        )[0]
        rows = self._select(
            "SELECT c.claim_id, c.family_id, c.region_code, c.kind, c.submitted_on, "
            f"c.decided_on, c.decision, c.due_on FROM {{t}}report_claims c "
            f"WHERE {CLAIMS_DECIDED} ORDER BY c.position LIMIT :limit OFFSET :offset",
            params | {"limit": limit, "offset": offset},
        )
        return ClaimDecisionPage(
            rows=[
                ClaimDecision(**{name: row[name] for name in CLAIM_DECISION_COLUMNS})
                for row in rows
            ],
            total=int(summary["total"]),
            in_time=int(summary["in_time"] or 0),
        )


def _figures_row_by_row(query: ServiceFilter, group_length: int) -> Statement:
    return (
        f"SELECT {_group(group_length, 's.')} AS code, "
        "COUNT(DISTINCT s.family_id) AS households, COUNT(*) AS services, "
        "COALESCE(SUM(s.cash_fen), 0) AS cash, COALESCE(SUM(s.goods_fen), 0) AS goods "
        f"FROM {{t}}report_services s WHERE {service_conditions(query)} "
        "GROUP BY 1 ORDER BY 1",
        service_params(query),
    )


def _summarised_figures(query: ServiceFilter, group_length: int) -> Statement:
    """One statement, so that households and sums come from one snapshot of the view."""
    parts = period_parts(query.date_from or dt.date.min, query.date_to)
    counted = (
        counted_households_in_one_year(group_length)
        if parts.is_whole_months_of_one_year
        else counted_households(group_length, query.kind, query.occasion)
    )
    return (
        "SELECT sums.code AS code, sums.services AS services, sums.cash AS cash, "
        "sums.goods AS goods, COALESCE(counted.households, 0) AS households FROM ("
        + summed_figures(group_length, query.kind, query.occasion)
        + f") sums LEFT JOIN ({counted}) counted ON counted.code = sums.code "
        "ORDER BY sums.code",
        summary_params(query.region_prefix, parts)
        | filter_params(query.kind, query.occasion)
        | {"kind": query.kind, "occasion": query.occasion},
    )


def _group(length: int, alias: str) -> str:
    """The region group of a row: the first `length` digits of its code (an int, inlined so
    that the SELECT and the GROUP BY are one expression to PostgreSQL)."""
    return f"SUBSTR({alias}region_code, 1, {int(length)})"


def _year_params(year: int) -> dict[str, str]:
    return {"date_from": f"{year:04d}-01-01", "date_to": f"{year:04d}-12-31"}


def _facts(row: Any, *, served: bool = False) -> FamilyFacts:
    return FamilyFacts(
        family_id=row["family_id"],
        region_code=row["region_code"],
        category=row["category"],
        status=row["status"],
        last_service_on=row["last_service_on"],
        services=int(row["services"]) if served else 0,
        cash_fen=int(row["cash"]) if served else 0,
        goods_fen=int(row["goods"]) if served else 0,
    )
