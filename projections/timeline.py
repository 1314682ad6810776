"""Family timelines and the family directory, projected from case and service events."""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic

from domain.family import Family
from domain.labels import CATEGORY_LABELS, CLOSED_LABEL, RELATION_LABELS, REOPENED_LABEL
from domain.money import yuan_from_fen
from domain.service import ServiceRecord
from domain.values import FamilyCategory, FamilyStatus, Relation
from projections.batching import BatchProjection, PositionedEvent, ProjectionView
from projections.name_grams import NameGrams
from projections.sealing import Sealer
from projections.timeline_claims import CLAIM_DESCRIBERS


def utc_text(moment: dt.datetime) -> str:
    """One fixed text form for timestamps, so that text order is time order in every backend."""
    try:
        return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
    except OverflowError:
        # Within a day of year 1 or 9999: in UTC before or after anything ever recorded.
        edge = dt.datetime.min if moment.year == dt.MINYEAR else dt.datetime.max
        return edge.replace(tzinfo=dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Entry:
    """A timeline entry. For a later version of a service (correction, void) `family_id`,
    `occurred_on` and `summary` may be None: the view copies them from the current version."""

    position: int
    event: str
    source_id: str
    family_id: str | None
    occurred_on: str | None
    recorded_at: str
    actor: str
    actor_id: str
    summary: str | None
    details: dict[str, Any] = field(default_factory=dict)
    is_service_version: bool = False
    supersedes_service: bool = False
    voids_service: bool = False


@dataclass(frozen=True)
class DirectoryChange:
    """A new row (all fields given) or a change of some fields of a family's directory row."""

    family_id: str
    fields: dict[str, Any]
    is_new: bool = False


@dataclass
class TimelineChanges:
    entries: list[Entry] = field(default_factory=list)
    directory: list[DirectoryChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.entries or self.directory)


@dataclass(frozen=True)
class TimelineRow:
    event: str
    source_id: str
    occurred_on: str
    recorded_at: str
    actor: str
    summary: str
    details: dict[str, Any]
    status: str


@dataclass(frozen=True)
class DirectoryRow:
    family_id: str
    region_code: str
    category: str
    status: str
    head_name: str
    registered_on: str
    last_service_on: str | None
    """The latest date of the family's services, voided ones left out, corrections applied."""
    updated_at: str


class FamilyOrder(StrEnum):
    """Orders of the family list, each ascending; ties keep registration order (the log's),
    so that every order is total and a page never repeats or skips a family."""

    LAST_SERVICE_ON = "last_service_on"
    """Never served first, then the longest unserved: who to visit next."""
    REGISTERED_ON = "registered_on"
    REGION_CODE = "region_code"


@dataclass(frozen=True)
class DirectoryQuery:
    """Families whose region code starts with `region_prefix`, narrowed by every filter given.
    Without an order, in registration order."""

    region_prefix: str
    category: str | None = None
    status: str | None = None
    not_served_since: dt.date | None = None
    """No service on or after this date (never-served families included)."""
    name_fragment: str | None = None
    """Part of the head's name: matches names holding each of its characters and pairs."""
    family_ids: tuple[str, ...] | None = None
    """Only these families (none, when empty)."""
    order: FamilyOrder | None = None
    limit: int = 50
    offset: int = 0

    @property
    def counted_by_bucket(self) -> bool:
        """Filtered by region, category and status alone (kept counted per bucket)."""
        return self.not_served_since is None and not self.name_fragment and self.family_ids is None


@dataclass(frozen=True)
class DirectoryPage:
    rows: list[DirectoryRow]
    total: int


class TimelineView(ProjectionView, ABC):
    @abstractmethod
    def seal_with(self, sealer: Sealer) -> None:
        """Personal data is sealed with this before it is written, opened with it on reads."""

    @abstractmethod
    def index_names_with(self, grams: NameGrams) -> None:
        """Head names are searchable by these keyed grams; the names themselves stay sealed."""

    @abstractmethod
    def retire_clear_text(self, application_name: str) -> bool:
        """Empties the view if it holds personal data in clear; answers whether it did."""

    @abstractmethod
    def apply(self, changes: TimelineChanges, tracking: Tracking) -> None:
        """Writes the changes and the tracking position in one transaction."""

    @abstractmethod
    def timeline(
        self, family_id: str, *, as_of: dt.date | None, known_at: dt.datetime | None
    ) -> list[TimelineRow]:
        """Entries ordered by occurred_on then recorded_at, statuses as known at `known_at`."""

    @abstractmethod
    def directory(self, query: DirectoryQuery) -> DirectoryPage:
        """A page of the families the query selects, in its order, and how many it selects."""


def entry_status(voided_at: str | None, superseded_at: str | None, known_at: str | None) -> str:
    def known(moment: str | None) -> bool:
        return moment is not None and (known_at is None or moment <= known_at)

    if known(voided_at):
        return "voided"
    if known(superseded_at):
        return "corrected"
    return "active"


def details_json(details: dict[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, default=str, sort_keys=True)


@dataclass(frozen=True)
class Envelope:
    """What every entry takes from the stored event itself."""

    position: int
    source_id: str
    recorded_at: str
    actor: str
    actor_id: str

    @classmethod
    def of(cls, event: Any, position: int) -> Envelope:
        return cls(
            position=position,
            source_id=str(event.originator_id),
            recorded_at=utc_text(event.timestamp),
            actor=getattr(event, "actor_name", "system"),
            actor_id=getattr(event, "actor_id", "system"),
        )

    def entry(
        self,
        event: str,
        occurred_on: dt.date | None,
        summary: str | None,
        details: dict[str, Any],
        *,
        family_id: str | None = None,
        **flags: bool,
    ) -> Entry:
        return Entry(
            position=self.position,
            event=event,
            source_id=self.source_id,
            family_id=family_id,
            occurred_on=occurred_on.isoformat() if occurred_on else None,
            recorded_at=self.recorded_at,
            actor=self.actor,
            actor_id=self.actor_id,
            summary=summary,
            details=details,
            **flags,
        )

    def family_entry(
        self, event: str, occurred_on: dt.date, summary: str, details: dict[str, Any]
    ) -> Entry:
        """An entry about the family whose event this is."""
        return self.entry(event, occurred_on, summary, details, family_id=self.source_id)

    def directory_update(self, **fields: Any) -> DirectoryChange:
        return DirectoryChange(self.source_id, {**fields, "updated_at": self.recorded_at})


def _registered(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    head = next(m for m in event.members if m["relation"] == "head")
    category = str(event.category)
    label = CATEGORY_LABELS[FamilyCategory(category)]
    changes.entries.append(
        on.family_entry(
            "FamilyRegistered",
            event.registered_on,
            f"登记{label}，共{len(event.members)}人",
            {
                "region_code": event.region_code,
                "category": category,
                "address": event.address,
                "head_name": head["name"],
            },
        )
    )
    row = {
        "region_code": event.region_code,
        "category": category,
        "status": FamilyStatus.OPEN.value,
        "head_name": head["name"],
        "registered_on": event.registered_on.isoformat(),
        "updated_at": on.recorded_at,
    }
    changes.directory.append(DirectoryChange(on.source_id, row, is_new=True))


def _member_added(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    member = event.member
    relation = RELATION_LABELS[Relation(member["relation"])]
    summary = f"新增家庭成员：{relation}"
    details = {
        "member_id": member["member_id"],
        "relation": member["relation"],
        "name": member["name"],
    }
    changes.entries.append(on.family_entry("MemberAdded", event.added_on, summary, details))


def _member_deceased(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    changes.entries.append(
        on.family_entry(
            "MemberDeceased",
            event.died_on,
            "家庭成员去世",
            {"member_id": event.member_id, "name": event.name},
        )
    )


def _contacts_assigned(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    township, village = event.township_contact, event.village_contact
    changes.entries.append(
        on.family_entry(
            "ContactsAssigned",
            event.assigned_on,
            "落实双岗联系人（乡镇、村（社区）各一名）",
            {"township_contact": township, "village_contact": village},
        )
    )


def _family_doctor_signed(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    changes.entries.append(
        on.family_entry(
            "FamilyDoctorSigned",
            event.signed_on,
            f"签约家庭医生{event.doctor}（{event.institution}），至{event.expires_on}",
            {
                "doctor": event.doctor,
                "institution": event.institution,
                "expires_on": event.expires_on.isoformat(),
            },
        )
    )


def _green_channel_granted(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    changes.entries.append(
        on.family_entry(
            "GreenChannelGranted",
            event.granted_on,
            f"开通就医绿色通道：{event.hospital}",
            {"hospital": event.hospital},
        )
    )


def _transferred(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    changes.entries.append(
        on.family_entry(
            "FamilyTransferred",
            event.transferred_on,
            f"由{event.from_region_code}转至{event.to_region_code}",
            {
                "from_region_code": event.from_region_code,
                "to_region_code": event.to_region_code,
                "reason": event.reason,
            },
        )
    )
    changes.directory.append(on.directory_update(region_code=event.to_region_code))


def _closed(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    changes.entries.append(
        on.family_entry(
            "FamilyClosed",
            event.closed_on,
            f"{CLOSED_LABEL}：{event.reason}",
            {"reason": event.reason},
        )
    )
    changes.directory.append(on.directory_update(status=FamilyStatus.CLOSED.value))


def _reopened(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    changes.entries.append(
        on.family_entry(
            "FamilyReopened",
            event.reopened_on,
            f"{REOPENED_LABEL}：{event.reason}" if event.reason else REOPENED_LABEL,
            {"reason": event.reason},
        )
    )
    changes.directory.append(on.directory_update(status=FamilyStatus.OPEN.value))


def _service_recorded(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    changes.entries.append(
        on.entry(
            "ServiceRecorded",
            event.occurred_on,
            event.summary,
            service_details(event.__dict__),
            family_id=str(event.family_id),
            is_service_version=True,
        )
    )


def _service_corrected(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    # Family, date and summary not named by the correction are copied by the view from
    # the version it supersedes.
    new_date = event.changes.get("occurred_on")
    changes.entries.append(
        on.entry(
            "ServiceCorrected",
            dt.date.fromisoformat(str(new_date)) if new_date else None,
            event.changes.get("summary"),
            {"reason": event.reason, "changes": service_details(event.changes)},
            is_service_version=True,
            supersedes_service=True,
        )
    )


def _service_voided(event: Any, on: Envelope, changes: TimelineChanges) -> None:
    changes.entries.append(
        on.entry(
            "ServiceVoided",
            None,
            f"作废：{event.reason}",
            {"reason": event.reason},
            voids_service=True,
        )
    )


Describer = Callable[[Any, Envelope, TimelineChanges], None]

DESCRIBERS: dict[type[Any], Describer] = {
    getattr(Family, "Registered"): _registered,
    getattr(Family, "MemberAdded"): _member_added,
    getattr(Family, "MemberDeceased"): _member_deceased,
    getattr(Family, "ContactsAssigned"): _contacts_assigned,
    getattr(Family, "FamilyDoctorSigned"): _family_doctor_signed,
    getattr(Family, "GreenChannelGranted"): _green_channel_granted,
    getattr(Family, "Transferred"): _transferred,
    getattr(Family, "Closed"): _closed,
    getattr(Family, "Reopened"): _reopened,
    getattr(ServiceRecord, "Recorded"): _service_recorded,
    getattr(ServiceRecord, "Corrected"): _service_corrected,
    getattr(ServiceRecord, "Voided"): _service_voided,
    **CLAIM_DESCRIBERS,
}
"""The events a timeline shows (the library defines event classes at run time, hence getattr)."""


class TimelineProjection(BatchProjection[TimelineView]):
    name = "timeline"
    topics = tuple(get_topic(event_class) for event_class in DESCRIBERS)

    def process_batch(self, events: Sequence[PositionedEvent], tracking: Tracking) -> None:
        changes = TimelineChanges()
        for domain_event, position in events:
            DESCRIBERS[type(domain_event)](
                domain_event, Envelope.of(domain_event, position), changes
            )
        self.view.apply(changes, tracking)


def service_details(values: dict[str, Any]) -> dict[str, Any]:
    """The service fields worth showing on a timeline, money as yuan strings."""
    details: dict[str, Any] = {}
    for name in ("kind", "occasion", "staff", "occurred_on", "summary"):
        if name in values:
            details[name] = str(values[name]) if name != "staff" else list(values[name])
    if values.get("cash"):
        cash = values["cash"]
        details["cash"] = {
            "amount": yuan_from_fen(int(cash["amount_fen"])),
            "fund_id": str(cash["fund_id"]),
            "transfer_id": str(cash["transfer_id"]),
        }
    if "goods" in values:
        details["goods"] = [
            {"description": g["description"], "value": yuan_from_fen(int(g["value_fen"]))}
            for g in values["goods"]
        ]
    return details
