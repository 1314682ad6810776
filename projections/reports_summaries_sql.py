"""Summary tables the reports view keeps beside its rows, so that a province's or a city's
services report reads months and households rather than every service in it.

- `report_service_months`: services, cash and goods per county, month, kind and occasion.
  Each changed service is taken out of its month before a batch's rows are written and put
  back after (if not voided), so corrections and voids move or remove exactly its share.
- `report_households`: per family, year and the region its services were recorded in, the
  months it was served, as a 12-bit mask; also under `*` for "any kind" and "any occasion",
  so that every filter of the report reads one row per family. Households are distinct
  families, which months cannot sum: the masks let a count ask "served in any of these
  months?" of one row per family. A changed family's rows are written again whole.
  `moved` marks the families served in more than one region (they moved): every other family
  has one row per year, so a period within one year counts its rows, and only the moved
  families' are told apart.

A period is split into whole months, read from these tables, and the days at its edges that
do not fill a month, read from the services themselves (by date, from their own index)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from projections.sql import REGION_SCANNED, region_range, region_scanned_params

SUMMARY_REGION_LENGTH = 6
"""Months are summed per county: the deepest level a province's or a city's report groups by."""

ANY = "*"
"""Kind or occasion of a households row that counts every kind or every occasion."""

CREATE_SUMMARY_TABLES = (
    "CREATE TABLE IF NOT EXISTS {t}report_service_months (region_code TEXT NOT NULL, "
    "month TEXT NOT NULL, kind TEXT NOT NULL, occasion TEXT NOT NULL, "
    "services BIGINT NOT NULL, cash_fen BIGINT NOT NULL, goods_fen BIGINT NOT NULL, "
    "PRIMARY KEY (region_code, month, kind, occasion))",
    "CREATE TABLE IF NOT EXISTS {t}report_households (kind TEXT NOT NULL, "
    "occasion TEXT NOT NULL, year INTEGER NOT NULL, region_code TEXT NOT NULL, "
    "family_id TEXT NOT NULL, months INTEGER NOT NULL, moved INTEGER NOT NULL, "
    "PRIMARY KEY (kind, occasion, year, region_code, family_id))",
    # Covering: a count reads the index alone.
    "CREATE INDEX IF NOT EXISTS report_households_counted ON {t}report_households "
    "(kind, occasion, year, region_code, moved, months, family_id)",
    "CREATE INDEX IF NOT EXISTS report_households_by_family ON {t}report_households (family_id)",
    # Covering: a period's edge days over a province, found by date.
    "CREATE INDEX IF NOT EXISTS report_services_by_date ON {t}report_services "
    "(occurred_on, voided, region_code, family_id, kind, occasion, cash_fen, goods_fen)",
)


def _tally(sign: int) -> str:
    return (
        "INSERT INTO {t}report_service_months AS m "
        "(region_code, month, kind, occasion, services, cash_fen, goods_fen) "
        f"SELECT SUBSTR(region_code, 1, {SUMMARY_REGION_LENGTH}), SUBSTR(occurred_on, 1, 7), "
        f"kind, occasion, {sign}, {sign} * cash_fen, {sign} * goods_fen "
        "FROM {t}report_services WHERE service_id = :service_id AND voided = 0 "
        "ON CONFLICT (region_code, month, kind, occasion) DO UPDATE SET "
        "services = m.services + excluded.services, cash_fen = m.cash_fen + excluded.cash_fen, "
        "goods_fen = m.goods_fen + excluded.goods_fen"
    )


TAKE_OUT_OF_MONTH = _tally(-1)
"""Before a batch's rows: the service's share leaves the month it counted in (none if new
or voided)."""
PUT_INTO_MONTH = _tally(1)
"""After them: it counts in the month, kind and occasion it has now, unless voided."""

FORGET_HOUSEHOLDS = "DELETE FROM {t}report_households WHERE family_id = :family_id"

_MONTH_BIT = "(1 << (CAST(SUBSTR(occurred_on, 6, 2) AS INTEGER) - 1))"


def households_from(services: str) -> str:
    """Households rows from the services that meet the condition `services`."""
    served = (
        f"SELECT CAST(SUBSTR(occurred_on, 1, 4) AS INTEGER) AS year, {_MONTH_BIT} AS bit, "
        "kind, occasion, region_code, family_id, CASE WHEN "
        "MIN(region_code) OVER (PARTITION BY family_id) = "
        "MAX(region_code) OVER (PARTITION BY family_id) THEN 0 ELSE 1 END AS moved "
        f"FROM {{t}}report_services WHERE {services}"
    )
    # SUM(DISTINCT bit) of powers of two is their bitwise OR, in both backends.
    return (
        "INSERT INTO {t}report_households "
        "(kind, occasion, year, region_code, family_id, months, moved) "
        + " UNION ALL ".join(
            f"SELECT {kind}, {occasion}, year, region_code, family_id, SUM(DISTINCT bit), "
            f"MAX(moved) FROM ({served}) s GROUP BY year, region_code, family_id{grouped}"
            for kind, occasion, grouped in (
                (f"'{ANY}'", f"'{ANY}'", ""),
                ("kind", f"'{ANY}'", ", kind"),
                (f"'{ANY}'", "occasion", ", occasion"),
                ("kind", "occasion", ", kind, occasion"),
            )
        )
    )


WRITE_HOUSEHOLDS = households_from("family_id = :family_id AND voided = 0")
"""A family's households rows, from its services not voided."""


@dataclass(frozen=True)
class PeriodParts:
    """A period as whole months (`first_month` to `last_month`, none if it fills no month)
    and up to two runs of edge days."""

    first_month: dt.date | None
    last_month: dt.date | None
    edges: tuple[tuple[dt.date, dt.date], ...]

    @property
    def is_whole_months_of_one_year(self) -> bool:
        return (
            not self.edges
            and self.first_month is not None
            and self.last_month is not None
            and self.first_month.year == self.last_month.year
        )


def period_parts(start: dt.date, end: dt.date) -> PeriodParts:
    try:
        first = start if start.day == 1 else _month_end(start) + dt.timedelta(days=1)
        last = end if end == _month_end(end) else end.replace(day=1) - dt.timedelta(days=1)
    except OverflowError:
        # The whole month after 9999-12 or before 0001-01 does not exist: no whole month.
        return PeriodParts(None, None, ((start, end),))
    if first > last:
        return PeriodParts(None, None, ((start, end),))
    edges = []
    if start < first:
        edges.append((start, first - dt.timedelta(days=1)))
    if last < end:
        edges.append((last + dt.timedelta(days=1), end))
    return PeriodParts(first.replace(day=1), last.replace(day=1), tuple(edges))


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _months_mask(first: int, last: int) -> int:
    return sum(1 << (month - 1) for month in range(first, last + 1))


NO_DAYS = ("9999-12-31", "0000-01-01")
"""An edge that holds no day."""


def summary_params(prefix: str, parts: PeriodParts) -> dict[str, Any]:
    params: dict[str, Any] = region_range(prefix) | region_scanned_params(prefix)
    edges = [(a.isoformat(), b.isoformat()) for a, b in parts.edges] + [NO_DAYS, NO_DAYS]
    for number, (low, high) in enumerate(edges[:2], start=1):
        params[f"edge{number}_from"], params[f"edge{number}_to"] = low, high
    first, last = parts.first_month, parts.last_month
    if first is None or last is None:
        return params | {
            "month_from": NO_DAYS[0],
            "month_to": NO_DAYS[1],
            "year_from": 0,
            "year_to": 0,
            "months_from": 0,
            "months_to": 0,
        }
    same_year = first.year == last.year
    return params | {
        "month_from": first.isoformat()[:7],
        "month_to": last.isoformat()[:7],
        "year_from": first.year,
        "year_to": last.year,
        "months_from": _months_mask(first.month, last.month if same_year else 12),
        "months_to": _months_mask(1 if not same_year else first.month, last.month),
    }


def filter_params(kind: str | None, occasion: str | None) -> dict[str, Any]:
    return {"kind_key": kind or ANY, "occasion_key": occasion or ANY}


EDGE_SERVICES = (
    "s.voided = 0 AND ((s.occurred_on >= :edge1_from AND s.occurred_on <= :edge1_to) "
    "OR (s.occurred_on >= :edge2_from AND s.occurred_on <= :edge2_to)) AND "
    # The edge days are found from the date index, not the region one.
    + REGION_SCANNED.format(a="s.")
)


def edge_conditions(kind: str | None, occasion: str | None) -> str:
    return (
        EDGE_SERVICES
        + (" AND s.occasion = :occasion" if occasion else "")
        + (" AND s.kind = :kind" if kind else "")
    )


def summed_figures(group_length: int, kind: str | None, occasion: str | None) -> str:
    """Services, cash and goods per region group: whole months from their sums, the edge
    days from the services."""
    group = int(group_length)
    month_filters = (" AND m.occasion = :occasion" if occasion else "") + (
        " AND m.kind = :kind" if kind else ""
    )
    return (
        "SELECT code, SUM(services) AS services, SUM(cash) AS cash, SUM(goods) AS goods FROM ("
        f"SELECT SUBSTR(m.region_code, 1, {group}) AS code, m.services AS services, "
        "m.cash_fen AS cash, m.goods_fen AS goods FROM {t}report_service_months m "
        "WHERE m.region_code >= :region_low AND m.region_code < :region_high "
        f"AND m.month >= :month_from AND m.month <= :month_to{month_filters} "
        f"UNION ALL SELECT SUBSTR(s.region_code, 1, {group}), 1, s.cash_fen, s.goods_fen "
        f"FROM {{t}}report_services s WHERE {edge_conditions(kind, occasion)}"
        ") summed GROUP BY code HAVING SUM(services) > 0"
    )


def counted_households(group_length: int, kind: str | None, occasion: str | None) -> str:
    """Distinct families served per region group: those served in any whole month of the
    period, from their masks, and those served on its edge days."""
    group = int(group_length)
    return (
        "SELECT code, COUNT(DISTINCT family_id) AS households FROM ("
        f"SELECT SUBSTR(h.region_code, 1, {group}) AS code, h.family_id AS family_id "
        "FROM {t}report_households h WHERE h.kind = :kind_key AND h.occasion = :occasion_key "
        "AND h.region_code >= :region_low AND h.region_code < :region_high "
        "AND h.year >= :year_from AND h.year <= :year_to "
        "AND ((h.year > :year_from AND h.year < :year_to) "
        "OR (h.year = :year_from AND (h.months & CAST(:months_from AS INTEGER)) <> 0) "
        "OR (h.year = :year_to AND (h.months & CAST(:months_to AS INTEGER)) <> 0)) "
        f"UNION ALL SELECT SUBSTR(s.region_code, 1, {group}), s.family_id "
        f"FROM {{t}}report_services s WHERE {edge_conditions(kind, occasion)}"
        ") served GROUP BY code"
    )


def counted_households_in_one_year(group_length: int) -> str:
    """`counted_households` for whole months of one year: a family that never moved has one
    row there, so its rows are counted as they are and only moved families' told apart."""
    group = int(group_length)
    return (
        f"SELECT SUBSTR(h.region_code, 1, {group}) AS code, SUM(1 - h.moved) + "
        "COUNT(DISTINCT CASE WHEN h.moved = 1 THEN h.family_id END) AS households "
        "FROM {t}report_households h WHERE h.kind = :kind_key AND h.occasion = :occasion_key "
        "AND h.year = :year_from AND h.region_code >= :region_low "
        "AND h.region_code < :region_high "
        "AND (h.months & CAST(:months_from AS INTEGER)) <> 0 GROUP BY 1"
    )
