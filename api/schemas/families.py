"""Family case file requests and responses."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import AliasChoices, BaseModel, Field

from api.schemas.common import Name, OptionalText, Phone, RegionCode, ResidentId, Text
from domain.values import FamilyCategory, FamilyStatus, Gender


class MemberRelation(StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    OTHER = "other"


class PersonCreate(BaseModel):
    name: Name
    id_number: ResidentId
    birth_date: dt.date
    gender: Gender
    phone: Phone | None = None


class MemberCreate(PersonCreate):
    relation: MemberRelation
    added_on: dt.date | None = None


class FamilyCreate(BaseModel):
    region_code: RegionCode
    category: FamilyCategory
    head: PersonCreate
    members: list[MemberCreate] = Field(default_factory=list, max_length=30)
    address: Text
    registered_on: dt.date | None = None


class MemberDeceased(BaseModel):
    died_on: dt.date = Field(validation_alias=AliasChoices("died_on", "deceased_on", "date"))


class ContactPerson(BaseModel):
    name: Name
    phone: Phone | None = None
    position: Name | None = Field(default=None, description="e.g. 乡镇计生专干, 村妇女主任")


class ContactsAssign(BaseModel):
    township_contact: ContactPerson = Field(
        validation_alias=AliasChoices("township_contact", "township")
    )
    village_contact: ContactPerson = Field(
        validation_alias=AliasChoices("village_contact", "village")
    )
    assigned_on: dt.date | None = None


class FamilyDoctorSign(BaseModel):
    doctor: Name
    institution: Name
    signed_on: dt.date
    expires_on: dt.date


class GreenChannelGrant(BaseModel):
    hospital: Name
    granted_on: dt.date


class FamilyTransfer(BaseModel):
    to_region_code: RegionCode = Field(
        validation_alias=AliasChoices("to_region_code", "region_code")
    )
    transferred_on: dt.date | None = Field(
        default=None, validation_alias=AliasChoices("transferred_on", "date")
    )
    reason: OptionalText = ""


class FamilyClose(BaseModel):
    reason: Text
    closed_on: dt.date | None = Field(
        default=None, validation_alias=AliasChoices("closed_on", "date")
    )


class FamilyReopen(BaseModel):
    reason: OptionalText = ""
    reopened_on: dt.date | None = Field(
        default=None, validation_alias=AliasChoices("reopened_on", "date")
    )


class MemberPublic(BaseModel):
    member_id: str
    name: str
    id_number: str
    birth_date: dt.date
    gender: Gender
    relation: str
    phone: str | None = None
    deceased_on: dt.date | None = None


class FamilyPublic(BaseModel):
    id: str
    version: int
    region_code: str
    category: FamilyCategory
    status: FamilyStatus
    address: str
    head: MemberPublic
    members: list[MemberPublic]
    contacts: dict[str, Any] | None
    family_doctor: dict[str, Any] | None
    green_channel: dict[str, Any] | None
    registered_on: dt.date
    closed_on: dt.date | None
    close_reason: str | None
    created_at: dt.datetime
    modified_at: dt.datetime
    member_id: str | None = Field(default=None, description="the member a request added")


class FamilySummary(BaseModel):
    id: str
    region_code: str
    category: FamilyCategory
    status: FamilyStatus
    head_name: str
    registered_on: dt.date


class FamilyList(BaseModel):
    items: list[FamilySummary]
    total: int
    limit: int
    offset: int


class TimelineEntry(BaseModel):
    event: str
    source_id: str
    occurred_on: dt.date
    recorded_at: dt.datetime
    actor: str
    summary: str
    status: str
    details: dict[str, Any]


class Timeline(BaseModel):
    family_id: str
    as_of: dt.date | None
    known_at: dt.datetime | None
    entries: list[TimelineEntry]
