"""The claims queue: one row per claim with its status, for supervisors' lists
(`GET /claims?status=&region=&kind=`), projected from claim events. A family moved to
another region takes its claims' rows with it, so that the new region's queue shows them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic

from domain.claims.claim import Claim, ClaimStatus
from domain.family import Family
from projections.batching import BatchProjection, PositionedEvent, ProjectionView
from projections.timeline import utc_text


@dataclass
class ClaimChanges:
    new: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ClaimRow:
    claim_id: str
    family_id: str
    region_code: str
    member_id: str
    kind: str
    status: str
    amount_fen: int
    rule_id: str
    rule_version: int
    priced_on: str
    submitted_by: str
    submitted_on: str
    updated_at: str


@dataclass(frozen=True)
class ClaimQuery:
    region_prefix: str
    status: str | None
    kind: str | None
    limit: int
    offset: int


@dataclass(frozen=True)
class ClaimPage:
    rows: list[ClaimRow]
    total: int


class ClaimsView(ProjectionView, ABC):
    @abstractmethod
    def apply(self, changes: ClaimChanges, tracking: Tracking) -> None:
        """Writes the changes and the tracking position in one transaction."""

    @abstractmethod
    def claims(self, query: ClaimQuery) -> ClaimPage:
        """Claims of families in the region subtree, oldest submission first."""


STATUS_OF_EVENT: dict[type[Any], ClaimStatus] = {
    getattr(Claim, "Approved"): ClaimStatus.APPROVED,
    getattr(Claim, "Rejected"): ClaimStatus.REJECTED,
    getattr(Claim, "Paid"): ClaimStatus.PAID,
    getattr(Claim, "Cancelled"): ClaimStatus.CANCELLED,
}


def _describe(event: Any, position: int, changes: ClaimChanges) -> None:
    recorded_at = utc_text(event.timestamp)
    if isinstance(event, getattr(Family, "Transferred")):
        changes.moves.append(
            {"family_id": str(event.originator_id), "region_code": event.to_region_code}
        )
    elif isinstance(event, getattr(Claim, "Submitted")):
        changes.new.append(
            {
                "claim_id": str(event.originator_id),
                "family_id": str(event.family_id),
                "region_code": event.region_code,
                "member_id": event.member_id,
                "kind": str(event.kind),
                "status": ClaimStatus.SUBMITTED.value,
                "amount_fen": int(event.amount_fen),
                "rule_id": str(event.rule["id"]),
                "rule_version": int(event.rule["version"]),
                "priced_on": event.priced_on.isoformat(),
                "submitted_by": event.submitted_by_name,
                "submitted_on": event.submitted_on.isoformat(),
                "updated_at": recorded_at,
                "position": position,
            }
        )
    else:
        changes.statuses.append(
            {
                "claim_id": str(event.originator_id),
                "status": STATUS_OF_EVENT[type(event)].value,
                "updated_at": recorded_at,
            }
        )


class ClaimsProjection(BatchProjection[ClaimsView]):
    name = "claims"
    topics = tuple(
        get_topic(event_class)
        for event_class in (
            getattr(Claim, "Submitted"),
            *STATUS_OF_EVENT,
            getattr(Family, "Transferred"),
        )
    )

    def process_batch(self, events: Sequence[PositionedEvent], tracking: Tracking) -> None:
        changes = ClaimChanges()
        for domain_event, position in events:
            _describe(domain_event, position, changes)
        self.view.apply(changes, tracking)
