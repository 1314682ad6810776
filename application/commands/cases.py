"""Commands on family case files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar
from uuid import UUID

from application.commands import NOT_FINGERPRINTED, Command
from domain.family import Contact, NewMember, PersonDetails
from domain.values import FamilyCategory


@dataclass(frozen=True, slots=True)
class RegisterFamily(Command):
    KIND: ClassVar[str] = "register_family"
    region_code: str
    category: FamilyCategory
    head: PersonDetails
    members: tuple[NewMember, ...]
    address: str
    registered_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class AddMember(Command):
    KIND: ClassVar[str] = "add_member"
    family_id: UUID
    member: NewMember
    added_on: dt.date | None = None
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class MarkMemberDeceased(Command):
    KIND: ClassVar[str] = "mark_member_deceased"
    family_id: UUID
    member_id: str
    died_on: dt.date
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class AssignContacts(Command):
    KIND: ClassVar[str] = "assign_contacts"
    family_id: UUID
    township_contact: Contact
    village_contact: Contact
    assigned_on: dt.date | None = None
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class SignFamilyDoctor(Command):
    KIND: ClassVar[str] = "sign_family_doctor"
    family_id: UUID
    doctor: str
    institution: str
    signed_on: dt.date
    expires_on: dt.date
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class GrantGreenChannel(Command):
    KIND: ClassVar[str] = "grant_green_channel"
    family_id: UUID
    hospital: str
    granted_on: dt.date
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class TransferFamily(Command):
    KIND: ClassVar[str] = "transfer_family"
    family_id: UUID
    to_region_code: str
    transferred_on: dt.date | None = None
    reason: str = ""
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class CloseFamily(Command):
    KIND: ClassVar[str] = "close_family"
    family_id: UUID
    reason: str
    closed_on: dt.date | None = None
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class ReopenFamily(Command):
    KIND: ClassVar[str] = "reopen_family"
    family_id: UUID
    reason: str = ""
    reopened_on: dt.date | None = None
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)
