"""Family case file requests and responses."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AliasChoices, Field, StringConstraints

from api.schemas.common import (
    CalendarDate,
    Name,
    OptionalText,
    Phone,
    Printable,
    RegionCode,
    ResidentId,
    StrictModel,
    Text,
)
from api.schemas.personal import (
    Address,
    BirthDate,
    PersonName,
    PhoneNumber,
    ResidentIdNumber,
)
from application.commands import cases
from domain.family import Contact, NewMember, PersonDetails
from domain.values import FamilyCategory, FamilyStatus, Gender, Relation


class MemberRelation(StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    OTHER = "other"


class PersonCreate(StrictModel):
    name: Name
    id_number: ResidentId
    birth_date: CalendarDate
    gender: Gender
    phone: Phone | None = None

    def as_person(self) -> PersonDetails:
        return {
            "name": self.name,
            "id_number": self.id_number,
            "birth_date": self.birth_date,
            "gender": self.gender,
            "phone": self.phone,
        }


class MemberCreate(PersonCreate):
    relation: MemberRelation
    added_on: CalendarDate | None = None

    def as_new_member(self) -> NewMember:
        return {**self.as_person(), "relation": Relation(self.relation)}

    def command(self, family_id: UUID, expected_version: int | None) -> cases.AddMember:
        return cases.AddMember(
            family_id, self.as_new_member(), self.added_on, expected_version=expected_version
        )


class FamilyCreate(StrictModel):
    region_code: RegionCode
    category: FamilyCategory
    head: PersonCreate
    members: list[MemberCreate] = Field(default_factory=list, max_length=30)
    address: Text
    registered_on: CalendarDate | None = None

    def command(self) -> cases.RegisterFamily:
        return cases.RegisterFamily(
            region_code=self.region_code,
            category=self.category,
            head=self.head.as_person(),
            members=tuple(m.as_new_member() for m in self.members),
            address=self.address,
            registered_on=self.registered_on,
        )


class MemberDeceased(StrictModel):
    died_on: CalendarDate = Field(validation_alias=AliasChoices("died_on", "deceased_on", "date"))

    def command(
        self, family_id: UUID, member_id: str, expected_version: int | None
    ) -> cases.MarkMemberDeceased:
        return cases.MarkMemberDeceased(family_id, member_id, self.died_on, expected_version)


class ContactPerson(StrictModel):
    name: Name
    phone: Phone | None = None
    position: Name | None = Field(default=None, description="e.g. 乡镇计生专干, 村妇女主任")

    def as_contact(self) -> Contact:
        return {"name": self.name, "phone": self.phone, "position": self.position}


class ContactsAssign(StrictModel):
    township_contact: ContactPerson = Field(
        validation_alias=AliasChoices("township_contact", "township")
    )
    village_contact: ContactPerson = Field(
        validation_alias=AliasChoices("village_contact", "village")
    )
    assigned_on: CalendarDate | None = None

    def command(self, family_id: UUID, expected_version: int | None) -> cases.AssignContacts:
        return cases.AssignContacts(
            family_id,
            self.township_contact.as_contact(),
            self.village_contact.as_contact(),
            self.assigned_on,
            expected_version,
        )


class FamilyDoctorSign(StrictModel):
    doctor: Name
    institution: Name
    signed_on: CalendarDate
    expires_on: CalendarDate

    def command(self, family_id: UUID, expected_version: int | None) -> cases.SignFamilyDoctor:
        return cases.SignFamilyDoctor(
            family_id, **self.model_dump(), expected_version=expected_version
        )


class GreenChannelGrant(StrictModel):
    hospital: Name
    granted_on: CalendarDate

    def command(self, family_id: UUID, expected_version: int | None) -> cases.GrantGreenChannel:
        return cases.GrantGreenChannel(
            family_id, **self.model_dump(), expected_version=expected_version
        )


class FamilyTransfer(StrictModel):
    to_region_code: RegionCode = Field(
        validation_alias=AliasChoices("to_region_code", "region_code")
    )
    transferred_on: CalendarDate | None = Field(
        default=None, validation_alias=AliasChoices("transferred_on", "date")
    )
    reason: OptionalText = ""

    def command(self, family_id: UUID, expected_version: int | None) -> cases.TransferFamily:
        return cases.TransferFamily(
            family_id, **self.model_dump(), expected_version=expected_version
        )


class FamilyClose(StrictModel):
    reason: Text
    closed_on: CalendarDate | None = Field(
        default=None, validation_alias=AliasChoices("closed_on", "date")
    )

    def command(self, family_id: UUID, expected_version: int | None) -> cases.CloseFamily:
        return cases.CloseFamily(family_id, **self.model_dump(), expected_version=expected_version)


class FamilyReopen(StrictModel):
    reason: OptionalText = ""
    reopened_on: CalendarDate | None = Field(
        default=None, validation_alias=AliasChoices("reopened_on", "date")
    )

    def command(self, family_id: UUID, expected_version: int | None) -> cases.ReopenFamily:
        return cases.ReopenFamily(family_id, **self.model_dump(), expected_version=expected_version)


class MemberPublic(StrictModel):
    member_id: str
    name: PersonName
    id_number: ResidentIdNumber
    birth_date: BirthDate = Field(description="withheld (null) where the resident ID is masked")
    gender: Gender
    relation: str
    phone: PhoneNumber = None
    deceased_on: dt.date | None = None


class ContactPublic(StrictModel):
    name: PersonName
    phone: PhoneNumber = None
    position: str | None = None


class ContactsPublic(StrictModel):
    township_contact: ContactPublic
    village_contact: ContactPublic
    assigned_on: dt.date


class FamilyPublic(StrictModel):
    id: str
    version: int
    region_code: str
    category: FamilyCategory
    status: FamilyStatus
    address: Address
    head: MemberPublic
    members: list[MemberPublic]
    contacts: ContactsPublic | None
    family_doctor: dict[str, Any] | None
    green_channel: dict[str, Any] | None
    registered_on: dt.date
    closed_on: dt.date | None
    close_reason: str | None
    created_at: dt.datetime
    modified_at: dt.datetime
    member_id: str | None = Field(default=None, description="the member a request added")


NameFragment = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), Printable
]
"""Part of a head's name to search for: one character or more."""


class FamilySummary(StrictModel):
    id: str
    region_code: str
    region_name: str = Field(description="the county-level region's name, e.g. 长沙县")
    category: FamilyCategory
    status: FamilyStatus
    head_name: PersonName
    registered_on: dt.date
    last_service_on: dt.date | None = Field(
        description="the latest date of the family's services, voided ones left out, "
        "corrections applied; null if never served"
    )


class FamilyList(StrictModel):
    items: list[FamilySummary]
    total: int
    limit: int
    offset: int


class RegisteredDetails(StrictModel):
    region_code: str
    category: FamilyCategory
    address: Address
    head_name: PersonName


class MemberAddedDetails(StrictModel):
    member_id: str
    relation: str
    name: PersonName


class MemberDeceasedDetails(StrictModel):
    member_id: str
    name: PersonName


class ContactsAssignedDetails(StrictModel):
    township_contact: ContactPublic
    village_contact: ContactPublic


class TimelineEntryFields(StrictModel):
    """Summaries name roles, never people: personal data is in typed `details` fields, which
    are masked like every other (`api.disclosure`)."""

    source_id: str
    occurred_on: dt.date
    recorded_at: dt.datetime
    actor: str
    summary: str
    status: str


class RegisteredEntry(TimelineEntryFields):
    event: Literal["FamilyRegistered"]
    details: RegisteredDetails


class MemberAddedEntry(TimelineEntryFields):
    event: Literal["MemberAdded"]
    details: MemberAddedDetails


class MemberDeceasedEntry(TimelineEntryFields):
    event: Literal["MemberDeceased"]
    details: MemberDeceasedDetails


class ContactsAssignedEntry(TimelineEntryFields):
    event: Literal["ContactsAssigned"]
    details: ContactsAssignedDetails


class CaseOrServiceEntry(TimelineEntryFields):
    """Entries whose details hold no personal data of the family."""

    event: Literal[
        "FamilyDoctorSigned",
        "GreenChannelGranted",
        "FamilyTransferred",
        "FamilyClosed",
        "FamilyReopened",
        "ServiceRecorded",
        "ServiceCorrected",
        "ServiceVoided",
        "ClaimSubmitted",
        "ClaimApproved",
        "ClaimRejected",
        "ClaimPaid",
        "ClaimCancelled",
        "PolicyEnrolled",
    ]
    details: dict[str, Any]


TimelineEntry = Annotated[
    RegisteredEntry
    | MemberAddedEntry
    | MemberDeceasedEntry
    | ContactsAssignedEntry
    | CaseOrServiceEntry,
    Field(discriminator="event"),
]


class Timeline(StrictModel):
    family_id: str
    as_of: dt.date | None
    known_at: dt.datetime | None
    entries: list[TimelineEntry]
