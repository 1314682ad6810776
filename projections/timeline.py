"""Family timelines and the family directory, projected from case and service events."""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.utils import get_topic

from domain.family import Family
from domain.money import yuan_from_fen
from domain.service import ServiceRecord
from domain.values import FamilyStatus
from projections.batching import BatchProjection, PositionedEvent

CATEGORY_LABELS = {
    "bereaved": "失独家庭",
    "disabled_child": "伤残家庭",
    "surgery_complication": "手术并发症家庭",
    "hardship": "计生困难家庭",
    "only_child": "独生子女户",
    "two_daughters": "双女户",
}


def utc_text(moment: dt.datetime) -> str:
    """One fixed text form for timestamps, so that text order is time order in every backend."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


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
    updated_at: str


@dataclass(frozen=True)
class DirectoryPage:
    rows: list[DirectoryRow]
    total: int


class TimelineView(TrackingRecorder, ABC):
    @abstractmethod
    def apply(self, changes: TimelineChanges, tracking: Tracking) -> None:
        """Writes the changes and the tracking position in one transaction."""

    @abstractmethod
    def timeline(
        self, family_id: str, *, as_of: dt.date | None, known_at: dt.datetime | None
    ) -> list[TimelineRow]:
        """Entries ordered by occurred_on then recorded_at, statuses as known at `known_at`."""

    @abstractmethod
    def directory(
        self,
        *,
        region_prefix: str,
        category: str | None,
        status: str | None,
        limit: int,
        offset: int,
    ) -> DirectoryPage:
        """Families whose region code starts with the prefix, in registration order."""


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


class TimelineProjection(BatchProjection[TimelineView]):
    name = "timeline"
    topics = tuple(
        get_topic(cls)
        for cls in (
            Family.Registered,
            Family.MemberAdded,
            Family.MemberDeceased,
            Family.ContactsAssigned,
            Family.FamilyDoctorSigned,
            Family.GreenChannelGranted,
            Family.Transferred,
            Family.Closed,
            Family.Reopened,
            ServiceRecord.Recorded,
            ServiceRecord.Corrected,
            ServiceRecord.Voided,
        )
    )

    def process_batch(self, events: Sequence[PositionedEvent], tracking: Tracking) -> None:
        changes = TimelineChanges()
        for domain_event, position in events:
            self.describe(domain_event, position, changes)
        self.view.apply(changes, tracking)

    def describe(self, event: DomainEvent, position: int, changes: TimelineChanges) -> None:
        common = {
            "position": position,
            "source_id": str(event.originator_id),
            "recorded_at": utc_text(event.timestamp),
            "actor": getattr(event, "actor_name", "system"),
            "actor_id": getattr(event, "actor_id", "system"),
        }
        family_id = str(event.originator_id)
        if isinstance(event, Family.Registered):
            head = next(m for m in event.members if m["relation"] == "head")
            label = CATEGORY_LABELS.get(str(event.category), str(event.category))
            changes.entries.append(
                Entry(
                    event="FamilyRegistered",
                    family_id=family_id,
                    occurred_on=event.registered_on.isoformat(),
                    summary=f"登记{label}，户主{head['name']}，共{len(event.members)}人",
                    details={
                        "region_code": event.region_code,
                        "category": str(event.category),
                        "address": event.address,
                    },
                    **common,
                )
            )
            changes.directory.append(
                DirectoryChange(
                    family_id,
                    {
                        "region_code": event.region_code,
                        "category": str(event.category),
                        "status": FamilyStatus.OPEN.value,
                        "head_name": head["name"],
                        "registered_on": event.registered_on.isoformat(),
                        "updated_at": common["recorded_at"],
                    },
                    is_new=True,
                )
            )
        elif isinstance(event, Family.MemberAdded):
            member = event.member
            self._family_entry(
                changes, "MemberAdded", family_id, event.added_on,
                f"新增家庭成员{member['name']}（{member['relation']}）",
                {"member_id": member["member_id"], "relation": member["relation"]}, common,
            )
        elif isinstance(event, Family.MemberDeceased):
            self._family_entry(
                changes, "MemberDeceased", family_id, event.died_on,
                f"家庭成员{event.name}去世", {"member_id": event.member_id}, common,
            )
        elif isinstance(event, Family.ContactsAssigned):
            township, village = event.township_contact, event.village_contact
            self._family_entry(
                changes, "ContactsAssigned", family_id, event.assigned_on,
                f"落实双岗联系人：乡镇{township['name']}，村（社区）{village['name']}",
                {"township_contact": township, "village_contact": village}, common,
            )
        elif isinstance(event, Family.FamilyDoctorSigned):
            self._family_entry(
                changes, "FamilyDoctorSigned", family_id, event.signed_on,
                f"签约家庭医生{event.doctor}（{event.institution}），至{event.expires_on}",
                {"doctor": event.doctor, "institution": event.institution,
                 "expires_on": event.expires_on.isoformat()}, common,
            )
        elif isinstance(event, Family.GreenChannelGranted):
            self._family_entry(
                changes, "GreenChannelGranted", family_id, event.granted_on,
                f"开通就医绿色通道：{event.hospital}", {"hospital": event.hospital}, common,
            )
        elif isinstance(event, Family.Transferred):
            self._family_entry(
                changes, "FamilyTransferred", family_id, event.transferred_on,
                f"由{event.from_region_code}转至{event.to_region_code}",
                {"from_region_code": event.from_region_code,
                 "to_region_code": event.to_region_code, "reason": event.reason}, common,
            )
            changes.directory.append(
                DirectoryChange(family_id, {"region_code": event.to_region_code,
                                            "updated_at": common["recorded_at"]})
            )
        elif isinstance(event, Family.Closed):
            self._family_entry(
                changes, "FamilyClosed", family_id, event.closed_on,
                f"结案：{event.reason}", {"reason": event.reason}, common,
            )
            changes.directory.append(
                DirectoryChange(family_id, {"status": FamilyStatus.CLOSED.value,
                                            "updated_at": common["recorded_at"]})
            )
        elif isinstance(event, Family.Reopened):
            self._family_entry(
                changes, "FamilyReopened", family_id, event.reopened_on,
                f"重新立案：{event.reason}" if event.reason else "重新立案",
                {"reason": event.reason}, common,
            )
            changes.directory.append(
                DirectoryChange(family_id, {"status": FamilyStatus.OPEN.value,
                                            "updated_at": common["recorded_at"]})
            )
        elif isinstance(event, ServiceRecord.Recorded):
            changes.entries.append(
                Entry(
                    event="ServiceRecorded",
                    family_id=str(event.family_id),
                    occurred_on=event.occurred_on.isoformat(),
                    summary=event.summary,
                    details=service_details(event.__dict__),
                    is_service_version=True,
                    **common,
                )
            )
        elif isinstance(event, ServiceRecord.Corrected):
            new_date = event.changes.get("occurred_on")
            changes.entries.append(
                Entry(
                    event="ServiceCorrected",
                    family_id=None,
                    occurred_on=str(new_date) if new_date else None,
                    summary=event.changes.get("summary"),
                    details={"reason": event.reason, "changes": service_details(event.changes)},
                    is_service_version=True,
                    supersedes_service=True,
                    **common,
                )
            )
        elif isinstance(event, ServiceRecord.Voided):
            changes.entries.append(
                Entry(
                    event="ServiceVoided",
                    family_id=None,
                    occurred_on=None,
                    summary=f"作废：{event.reason}",
                    details={"reason": event.reason},
                    voids_service=True,
                    **common,
                )
            )

    @staticmethod
    def _family_entry(
        changes: TimelineChanges,
        name: str,
        family_id: str,
        occurred_on: dt.date,
        summary: str,
        details: dict[str, Any],
        common: dict[str, Any],
    ) -> None:
        changes.entries.append(
            Entry(
                event=name,
                family_id=family_id,
                occurred_on=occurred_on.isoformat(),
                summary=summary,
                details=details,
                **common,
            )
        )


def service_details(values: dict[str, Any]) -> dict[str, Any]:
    """The service fields worth showing on a timeline, money as yuan strings."""
    details: dict[str, Any] = {}
    for name in ("kind", "occasion", "staff", "occurred_on"):
        if name in values:
            details[name] = str(values[name]) if name != "staff" else list(values[name])
    if "goods" in values:
        details["goods"] = [
            {"description": g["description"], "value": yuan_from_fen(int(g["value_fen"]))}
            for g in values["goods"]
        ]
    return details
