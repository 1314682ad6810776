"""The facts the reports count (DESIGN.md section 11), projected from case and service events.

One row per family (region, category, open or closed, dual contacts, family doctor, green
channel, last service), one per service (date, occasion, kind, cash and goods in fen, voided,
corrections applied), one per policy (programme, period) and one per claim (submitted, due,
decided, the region of its family when decided). No names, phones or addresses: those stay in
the encrypted events (DESIGN.md section 7). Each kind of fact has a table of its own, so that a
describer for its events is all a new kind needs."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic

from domain.claims.claim import Claim
from domain.claims.policy import InsurancePolicy
from domain.family import Family
from domain.scorecard import claim_decision_due_on
from domain.service import ServiceRecord
from domain.values import FamilyCategory, FamilyStatus
from projections.batching import BatchProjection, PositionedEvent, ProjectionView

SPECIAL_CATEGORIES = (
    FamilyCategory.BEREAVED.value,
    FamilyCategory.DISABLED_CHILD.value,
    FamilyCategory.SURGERY_COMPLICATION.value,
)
"""计生特殊家庭: the families the coverage and overdue reports count."""


@dataclass(frozen=True)
class RowChange:
    """A new row of `table` (`is_new`) or new values for some columns of the row `key`.
    `increments` names counting columns that go up by one."""

    table: str
    key: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    is_new: bool = False
    increments: tuple[str, ...] = ()
    takes_family_region: bool = False
    """The row's region becomes its family's, as the rows written before it leave it."""


@dataclass
class ReportChanges:
    rows: list[RowChange] = field(default_factory=list)
    changed_services: set[str] = field(default_factory=set)
    """Services recorded, corrected or voided: their family's last service date is worked
    out again once the batch's rows are written."""


@dataclass(frozen=True)
class ServiceFilter:
    region_prefix: str
    date_from: dt.date | None  # None: from the first service
    date_to: dt.date
    occasion: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class ServiceFigures:
    region_code: str
    households: int
    services: int
    cash_fen: int
    goods_fen: int


@dataclass(frozen=True)
class CoverageFigures:
    region_code: str
    families: int
    counts: dict[str, int]

    @classmethod
    def summed(cls, region_code: str, parts: Sequence[CoverageFigures]) -> CoverageFigures:
        """A region's figures from those of its child regions: each family is counted in
        exactly one of them, its region now."""
        names = {name for part in parts for name in part.counts}
        return cls(
            region_code=region_code,
            families=sum(part.families for part in parts),
            counts={name: sum(part.counts.get(name, 0) for part in parts) for name in names},
        )


@dataclass(frozen=True)
class FamilyFacts:
    family_id: str
    region_code: str
    category: str
    status: str
    last_service_on: str | None
    services: int = 0
    cash_fen: int = 0
    goods_fen: int = 0


@dataclass(frozen=True)
class PaymentPage:
    """Services' cash payments: (ledger transfer id, service id) of a page, and the count and
    sum of all."""

    payments: list[tuple[str, str]]
    total: int
    amount_fen: int


@dataclass(frozen=True)
class FamilyFactsPage:
    rows: list[FamilyFacts]
    total: int


@dataclass(frozen=True)
class ClaimDecision:
    """A claim decided (approved or rejected), and whether in time (`claim_decision_due_on`)."""

    claim_id: str
    family_id: str
    region_code: str
    kind: str
    submitted_on: str
    decided_on: str
    decision: str
    due_on: str

    @property
    def in_time(self) -> bool:
        return self.decided_on <= self.due_on


@dataclass(frozen=True)
class ClaimDecisionPage:
    rows: list[ClaimDecision]
    total: int
    in_time: int


COVERAGE_MEASURES = (
    "with_contacts",
    "with_family_doctor",
    "with_green_channel",
    "insured",
    "visited_90d",
    "visited_4_in_365d",
)


class ReportsView(ProjectionView, ABC):
    @abstractmethod
    def apply(self, changes: ReportChanges, tracking: Tracking) -> None:
        """Writes the changes and the tracking position in one transaction."""

    @abstractmethod
    def service_figures(self, query: ServiceFilter, group_length: int) -> list[ServiceFigures]:
        """Services not voided, grouped by the first `group_length` digits of their region."""

    @abstractmethod
    def served_families(self, query: ServiceFilter, limit: int, offset: int) -> FamilyFactsPage:
        """The families the services figures count, each with its own figures."""

    @abstractmethod
    def service_payments(self, query: ServiceFilter, limit: int, offset: int) -> PaymentPage:
        """The cash payments the services figures sum, in the order they were recorded."""

    @abstractmethod
    def coverage_figures(
        self, region_prefix: str, as_of: dt.date, group_length: int
    ) -> list[CoverageFigures]:
        """Open special families on `as_of` and how many meet each of COVERAGE_MEASURES."""

    @abstractmethod
    def covered_families(
        self, region_prefix: str, as_of: dt.date, measure: str | None, limit: int, offset: int
    ) -> FamilyFactsPage:
        """The open special families counted by coverage (meeting `measure`, if given)."""

    @abstractmethod
    def overdue_families(
        self, region_prefix: str, served_since: dt.date, limit: int, offset: int
    ) -> FamilyFactsPage:
        """Open special families with no service on or after `served_since`: never-served
        first, then the longest unserved."""

    @abstractmethod
    def visits_by_region(self, region_prefix: str, year: int, group_length: int) -> dict[str, int]:
        """Visits (not voided) in the year per region group."""

    @abstractmethod
    def claims_decided(
        self, region_prefix: str, year: int, group_length: int
    ) -> dict[str, tuple[int, int]]:
        """Claims decided in the year per region group of the family when decided: (decided in
        time, decided)."""

    @abstractmethod
    def claim_decisions(
        self, region_prefix: str, year: int, limit: int, offset: int
    ) -> ClaimDecisionPage:
        """The claims `claims_decided` counts, in the order they were submitted."""


def _family_row(family_id: str, **values: Any) -> RowChange:
    return RowChange("report_families", {"family_id": family_id}, values)


def _registered(event: Any, position: int, changes: ReportChanges) -> None:
    values = {
        "region_code": event.region_code,
        "category": str(event.category),
        "status": FamilyStatus.OPEN.value,
        "registered_on": event.registered_on.isoformat(),
        "position": position,
    }
    key = {"family_id": str(event.originator_id)}
    changes.rows.append(RowChange("report_families", key, values, is_new=True))


def _family_fact(**dates: str) -> Callable[[Any, int, ReportChanges], None]:
    """A case event that sets family columns from the event's date attributes."""

    def describe(event: Any, _: int, changes: ReportChanges) -> None:
        values = {column: getattr(event, name).isoformat() for column, name in dates.items()}
        changes.rows.append(_family_row(str(event.originator_id), **values))

    return describe


def _transferred(event: Any, _: int, changes: ReportChanges) -> None:
    changes.rows.append(_family_row(str(event.originator_id), region_code=event.to_region_code))


def _closed(event: Any, _: int, changes: ReportChanges) -> None:
    changes.rows.append(
        _family_row(
            str(event.originator_id),
            status=FamilyStatus.CLOSED.value,
            closed_on=event.closed_on.isoformat(),
        )
    )


def _reopened(event: Any, _: int, changes: ReportChanges) -> None:
    changes.rows.append(
        _family_row(str(event.originator_id), status=FamilyStatus.OPEN.value, closed_on=None)
    )


Describer = Callable[[Any, int, ReportChanges], None]


def goods_fen(goods: list[dict[str, Any]]) -> int:
    return sum(int(item["value_fen"]) for item in goods)


def _service_recorded(event: Any, position: int, changes: ReportChanges) -> None:
    cash = event.cash or {}
    values = {
        "family_id": str(event.family_id),
        "region_code": event.region_code,
        "kind": str(event.kind),
        "occasion": str(event.occasion),
        "occurred_on": event.occurred_on.isoformat(),
        "cash_fen": int(cash.get("amount_fen", 0)),
        "goods_fen": goods_fen(event.goods),
        "transfer_id": cash.get("transfer_id"),
        "voided": 0,
        "corrections": 0,
        "position": position,
    }
    service_id = str(event.originator_id)
    changes.rows.append(
        RowChange("report_services", {"service_id": service_id}, values, is_new=True)
    )
    changes.changed_services.add(service_id)


def _service_corrected(event: Any, _: int, changes: ReportChanges) -> None:
    values: dict[str, Any] = {
        name: str(event.changes[name])
        for name in ("kind", "occasion", "occurred_on")
        if name in event.changes
    }
    if "goods" in event.changes:
        values["goods_fen"] = goods_fen(event.changes["goods"])
    key = {"service_id": str(event.originator_id)}
    changes.rows.append(RowChange("report_services", key, values, increments=("corrections",)))
    changes.changed_services.add(key["service_id"])


def _service_voided(event: Any, _: int, changes: ReportChanges) -> None:
    key = {"service_id": str(event.originator_id)}
    changes.rows.append(RowChange("report_services", key, {"voided": 1}))
    changes.changed_services.add(key["service_id"])


def _claim_submitted(event: Any, position: int, changes: ReportChanges) -> None:
    values = {
        "family_id": str(event.family_id),
        "region_code": event.region_code,
        "kind": str(event.kind),
        "submitted_on": event.submitted_on.isoformat(),
        "due_on": claim_decision_due_on(event.submitted_on).isoformat(),
        "position": position,
    }
    key = {"claim_id": str(event.originator_id)}
    changes.rows.append(RowChange("report_claims", key, values, is_new=True))


def _claim_decided(decision: str, date_name: str) -> Describer:
    """An approval or rejection: counted in the region the family is in when decided, whose
    county decided it."""

    def describe(event: Any, _: int, changes: ReportChanges) -> None:
        values = {"decided_on": getattr(event, date_name).isoformat(), "decision": decision}
        key = {"claim_id": str(event.originator_id)}
        changes.rows.append(RowChange("report_claims", key, values, takes_family_region=True))

    return describe


def _policy_enrolled(event: Any, position: int, changes: ReportChanges) -> None:
    values = {
        "family_id": str(event.family_id),
        "programme": str(event.programme),
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "position": position,
    }
    key = {"policy_id": str(event.originator_id)}
    changes.rows.append(RowChange("report_policies", key, values, is_new=True))


DESCRIBERS: dict[type[Any], Describer] = {
    getattr(Family, "Registered"): _registered,
    getattr(Family, "ContactsAssigned"): _family_fact(contacts_on="assigned_on"),
    getattr(Family, "FamilyDoctorSigned"): _family_fact(
        doctor_signed_on="signed_on", doctor_expires_on="expires_on"
    ),
    getattr(Family, "GreenChannelGranted"): _family_fact(green_channel_on="granted_on"),
    getattr(Family, "Transferred"): _transferred,
    getattr(Family, "Closed"): _closed,
    getattr(Family, "Reopened"): _reopened,
    getattr(ServiceRecord, "Recorded"): _service_recorded,
    getattr(ServiceRecord, "Corrected"): _service_corrected,
    getattr(ServiceRecord, "Voided"): _service_voided,
    getattr(InsurancePolicy, "Enrolled"): _policy_enrolled,
    getattr(Claim, "Submitted"): _claim_submitted,
    getattr(Claim, "Approved"): _claim_decided("approved", "approved_on"),
    getattr(Claim, "Rejected"): _claim_decided("rejected", "rejected_on"),
}
"""The events whose facts the reports count."""


class ReportsProjection(BatchProjection[ReportsView]):
    name = "reports"
    topics = tuple(get_topic(event_class) for event_class in DESCRIBERS)

    def process_batch(self, events: Sequence[PositionedEvent], tracking: Tracking) -> None:
        changes = ReportChanges()
        for domain_event, position in events:
            DESCRIBERS[type(domain_event)](domain_event, position, changes)
        self.view.apply(changes, tracking)
