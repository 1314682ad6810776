"""The family case file (计生特殊家庭 / 困难家庭) and the rules that guard it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NotRequired, TypedDict
from uuid import UUID, uuid4

from eventsourcing.domain import event

from domain.base import NuanxinAggregate
from domain.errors import InvalidValueError, NotFoundError, RuleViolatedError
from domain.values import FamilyCategory, FamilyStatus, Gender, Relation

# Recorded values are plain dicts (ISO dates as strings), so that events stay plain JSON and
# the events of existing stores load as they were written.


class PersonDetails(TypedDict):
    """A person as a command gives them."""

    name: str
    id_number: str
    birth_date: dt.date
    gender: Gender
    phone: str | None


class NewMember(PersonDetails):
    relation: Relation


class MemberData(TypedDict):
    """A member as recorded."""

    member_id: str
    name: str
    id_number: str
    birth_date: str
    gender: str
    relation: str
    phone: str | None
    deceased_on: NotRequired[str]


class Contact(TypedDict):
    name: str
    phone: str | None
    position: str | None


class Contacts(TypedDict):
    township_contact: Contact
    village_contact: Contact
    assigned_on: str


class FamilyDoctor(TypedDict):
    doctor: str
    institution: str
    signed_on: str
    expires_on: str


class GreenChannel(TypedDict):
    hospital: str
    granted_on: str


class FamilyIsClosedError(RuleViolatedError):
    def __init__(self, family_id: UUID) -> None:
        super().__init__(f"family {family_id} is closed; reopen it first")


class RepeatedResidentIdError(InvalidValueError):
    def __init__(self, field: str) -> None:
        super().__init__("the same resident ID appears twice in this family", field=field)


class AlreadyAMemberError(RuleViolatedError):
    def __init__(self) -> None:
        super().__init__("this resident ID is already a member of the family", field="id_number")


class PaymentBeforeRegistrationError(InvalidValueError):
    def __init__(self, registered_on: dt.date) -> None:
        super().__init__(
            f"a service that pays cash is dated on or after the family's registration "
            f"({registered_on})",
            field="occurred_on",
        )


class ServiceAfterClosureError(RuleViolatedError):
    def __init__(self, family_id: UUID, closed_on: dt.date) -> None:
        super().__init__(
            f"family {family_id} was closed on {closed_on}; "
            "only services delivered before closure can be recorded",
            field="occurred_on",
        )


def a_resident_id_appears_at_most_once_in_a_family(people: Iterable[tuple[str, str]]) -> None:
    """`people` are (request field, resident ID) pairs of the family's members, head first."""
    seen: set[str] = set()
    for field, id_number in people:
        if id_number in seen:
            raise RepeatedResidentIdError(field)
        seen.add(id_number)


class Family(NuanxinAggregate):
    @event("Registered")
    def __init__(
        self,
        region_code: str,
        category: FamilyCategory,
        members: list[MemberData],
        address: str,
        registered_on: dt.date,
    ) -> None:
        self.region_code = region_code
        self.category = FamilyCategory(category)
        self.members: dict[str, MemberData] = {m["member_id"]: MemberData(**m) for m in members}
        self.address = address
        self.registered_on = registered_on
        self.status = FamilyStatus.OPEN
        self.closed_on: dt.date | None = None
        self.close_reason: str | None = None
        self.contacts: Contacts | None = None
        self.family_doctor: FamilyDoctor | None = None
        self.green_channel: GreenChannel | None = None

    @staticmethod
    def new_member_id() -> str:
        return str(uuid4())

    @property
    def head(self) -> MemberData:
        return next(m for m in self.members.values() if m["relation"] == Relation.HEAD)

    @property
    def is_open(self) -> bool:
        return self.status == FamilyStatus.OPEN

    def resident_ids(self) -> list[str]:
        return [m["id_number"] for m in self.members.values()]

    def member(self, member_id: str) -> MemberData:
        try:
            return self.members[member_id]
        except KeyError:
            raise NotFoundError(f"family {self.id} has no member {member_id}") from None

    def check_open(self) -> None:
        if not self.is_open:
            raise FamilyIsClosedError(self.id)

    def check_service_date_allowed(self, occurred_on: dt.date) -> None:
        """A closed family may still receive records of services delivered before closure."""
        if self.closed_on is not None and occurred_on >= self.closed_on:
            raise ServiceAfterClosureError(self.id, self.closed_on)

    def a_payment_is_not_dated_before_registration(self, occurred_on: dt.date) -> None:
        """Cash goes to a family on the books; a visit before registration may be recorded
        (case files are entered after the fact), but not a payment to it."""
        if occurred_on < self.registered_on:
            raise PaymentBeforeRegistrationError(self.registered_on)

    # -- commands -------------------------------------------------------------------------

    def add_member(self, member: MemberData, added_on: dt.date) -> None:
        self.check_open()
        if member["id_number"] in self.resident_ids():
            raise AlreadyAMemberError()
        self._member_added(member=member, added_on=added_on)

    @event("MemberAdded")
    def _member_added(self, member: MemberData, added_on: dt.date) -> None:
        self.members[member["member_id"]] = MemberData(**member)

    def mark_member_deceased(self, member_id: str, died_on: dt.date) -> None:
        self.check_open()
        member = self.member(member_id)
        if member.get("deceased_on"):
            raise RuleViolatedError(
                f"member {member_id} is already recorded as deceased on {member['deceased_on']}"
            )
        if died_on < dt.date.fromisoformat(member["birth_date"]):
            raise InvalidValueError("died_on is before the member's birth date", field="died_on")
        self._member_deceased(member_id=member_id, name=member["name"], died_on=died_on)

    @event("MemberDeceased")
    def _member_deceased(self, member_id: str, name: str, died_on: dt.date) -> None:
        self.members[member_id] = {**self.members[member_id], "deceased_on": died_on.isoformat()}

    def assign_contacts(
        self,
        township_contact: Contact,
        village_contact: Contact,
        assigned_on: dt.date,
    ) -> None:
        self.check_open()
        self._contacts_assigned(
            township_contact=township_contact,
            village_contact=village_contact,
            assigned_on=assigned_on,
        )

    @event("ContactsAssigned")
    def _contacts_assigned(
        self,
        township_contact: Contact,
        village_contact: Contact,
        assigned_on: dt.date,
    ) -> None:
        self.contacts = {
            "township_contact": township_contact,
            "village_contact": village_contact,
            "assigned_on": assigned_on.isoformat(),
        }

    def sign_family_doctor(
        self, doctor: str, institution: str, signed_on: dt.date, expires_on: dt.date
    ) -> None:
        self.check_open()
        if expires_on <= signed_on:
            raise InvalidValueError("expires_on must be after signed_on", field="expires_on")
        self._family_doctor_signed(
            doctor=doctor, institution=institution, signed_on=signed_on, expires_on=expires_on
        )

    @event("FamilyDoctorSigned")
    def _family_doctor_signed(
        self, doctor: str, institution: str, signed_on: dt.date, expires_on: dt.date
    ) -> None:
        self.family_doctor = {
            "doctor": doctor,
            "institution": institution,
            "signed_on": signed_on.isoformat(),
            "expires_on": expires_on.isoformat(),
        }

    def grant_green_channel(self, hospital: str, granted_on: dt.date) -> None:
        self.check_open()
        self._green_channel_granted(hospital=hospital, granted_on=granted_on)

    @event("GreenChannelGranted")
    def _green_channel_granted(self, hospital: str, granted_on: dt.date) -> None:
        self.green_channel = {"hospital": hospital, "granted_on": granted_on.isoformat()}

    def transfer(self, to_region_code: str, transferred_on: dt.date, reason: str) -> None:
        self.check_open()
        if to_region_code == self.region_code:
            raise RuleViolatedError(
                f"the family is already in region {to_region_code}", field="to_region_code"
            )
        self._transferred(
            from_region_code=self.region_code,
            to_region_code=to_region_code,
            transferred_on=transferred_on,
            reason=reason,
        )

    @event("Transferred")
    def _transferred(
        self, from_region_code: str, to_region_code: str, transferred_on: dt.date, reason: str
    ) -> None:
        self.region_code = to_region_code

    def close(self, reason: str, closed_on: dt.date) -> None:
        # Case files are often entered after the fact, so closure may predate registration.
        self.check_open()
        self._closed(reason=reason, closed_on=closed_on)

    @event("Closed")
    def _closed(self, reason: str, closed_on: dt.date) -> None:
        self.status = FamilyStatus.CLOSED
        self.closed_on = closed_on
        self.close_reason = reason

    def reopen(self, reason: str, reopened_on: dt.date) -> None:
        if self.closed_on is None:
            raise RuleViolatedError(f"family {self.id} is already open")
        if reopened_on < self.closed_on:
            raise InvalidValueError(
                f"reopened_on is before the family was closed ({self.closed_on})",
                field="reopened_on",
            )
        self._reopened(reason=reason, reopened_on=reopened_on)

    @event("Reopened")
    def _reopened(self, reason: str, reopened_on: dt.date) -> None:
        self.status = FamilyStatus.OPEN
        self.closed_on = None
        self.close_reason = None
