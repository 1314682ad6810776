"""Commands and queries on family case files."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from application.base import CommandResult, Decision, check_expected_version
from application.errors import PermissionDeniedError
from application.presenters import family_body
from application.principal import Principal
from application.resident_ids import legacy_index_id
from application.resident_index import ResidentIndexes
from domain.errors import DuplicateResidentError, NotFoundError
from domain.family import (
    Contact,
    Family,
    MemberData,
    NewMember,
    PersonDetails,
    a_resident_id_appears_at_most_once_in_a_family,
)
from domain.permissions import Action
from domain.resident_index import ResidentIndex
from domain.values import (
    FamilyCategory,
    Relation,
    check_not_future,
    resident_id_agrees_with_birth_date,
    resident_id_agrees_with_gender,
)


class CaseCommands(ResidentIndexes):
    # -- queries ---------------------------------------------------------------------------

    def family_in_scope(self, principal: Principal, family_id: UUID) -> Family:
        """The family, if the caller's region covers it; otherwise it does not exist for them."""
        family: Family = self.load(family_id, Family, "family")
        if not principal.covers(family.region_code):
            raise NotFoundError(f"family {family_id} not found")
        return family

    def get_family(self, principal: Principal, family_id: UUID) -> dict[str, Any]:
        principal.require(Action.READ_CASES)
        return family_body(self.family_in_scope(principal, family_id))

    # -- commands --------------------------------------------------------------------------

    def register_family(
        self,
        principal: Principal,
        *,
        region_code: str,
        category: FamilyCategory,
        head: PersonDetails,
        members: list[NewMember],
        address: str,
        registered_on: dt.date | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        principal.require(Action.RECORD_CASES)
        if not principal.covers(region_code):
            raise PermissionDeniedError(
                f"region {region_code} is outside your region", field="region_code"
            )
        on = self._past_or_today(registered_on, "registered_on")
        people: list[tuple[str, NewMember]] = [("head", {**head, "relation": Relation.HEAD})]
        people += [(f"members.{i}", member) for i, member in enumerate(members)]
        a_resident_id_appears_at_most_once_in_a_family(
            (f"{path}.id_number", data["id_number"]) for path, data in people
        )
        for path, data in people:
            self._check_person(data, f"{path}.")

        def decide() -> Decision:
            records = [_member_record(data) for _, data in people]
            family = Family(
                region_code=region_code,
                category=category,
                members=records,
                address=address,
                registered_on=on,
            )
            indexes = [
                self._claim_resident(principal, f"{path}.id_number", data["id_number"], family.id)
                for path, data in people
            ]
            return [family, *indexes], family_body(family)

        return self.execute(
            principal,
            decide,
            idempotency_key=idempotency_key,
            fingerprint=("register_family", region_code, category, head, members, address, on),
        )

    def add_member(
        self,
        principal: Principal,
        family_id: UUID,
        member: NewMember,
        *,
        added_on: dt.date | None = None,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        principal.require(Action.RECORD_CASES)
        on = self._past_or_today(added_on, "added_on")
        self._check_person(member, "")

        def decide() -> Decision:
            family = self.family_in_scope(principal, family_id)
            check_expected_version(family, expected_version)
            record = _member_record(member)
            family.add_member(record, on)
            index = self._claim_resident(principal, "id_number", record["id_number"], family.id)
            body = family_body(family) | {"member_id": record["member_id"]}
            return [family, index], body

        return self.execute(
            principal,
            decide,
            idempotency_key=idempotency_key,
            fingerprint=("add_member", str(family_id), member, on),
        )

    def mark_member_deceased(
        self,
        principal: Principal,
        family_id: UUID,
        member_id: str,
        died_on: dt.date,
        *,
        expected_version: int | None = None,
    ) -> CommandResult:
        check_not_future(died_on, self.today(), field="died_on")
        return self._change_family(
            principal,
            family_id,
            expected_version,
            lambda family: family.mark_member_deceased(member_id, died_on),
        )

    def assign_contacts(
        self,
        principal: Principal,
        family_id: UUID,
        township_contact: Contact,
        village_contact: Contact,
        assigned_on: dt.date | None = None,
        *,
        expected_version: int | None = None,
    ) -> CommandResult:
        on = self._past_or_today(assigned_on, "assigned_on")
        return self._change_family(
            principal,
            family_id,
            expected_version,
            lambda family: family.assign_contacts(township_contact, village_contact, on),
        )

    def sign_family_doctor(
        self,
        principal: Principal,
        family_id: UUID,
        *,
        doctor: str,
        institution: str,
        signed_on: dt.date,
        expires_on: dt.date,
        expected_version: int | None = None,
    ) -> CommandResult:
        check_not_future(signed_on, self.today(), field="signed_on")
        return self._change_family(
            principal,
            family_id,
            expected_version,
            lambda family: family.sign_family_doctor(doctor, institution, signed_on, expires_on),
        )

    def grant_green_channel(
        self,
        principal: Principal,
        family_id: UUID,
        *,
        hospital: str,
        granted_on: dt.date,
        expected_version: int | None = None,
    ) -> CommandResult:
        check_not_future(granted_on, self.today(), field="granted_on")
        return self._change_family(
            principal,
            family_id,
            expected_version,
            lambda family: family.grant_green_channel(hospital, granted_on),
        )

    def transfer_family(
        self,
        principal: Principal,
        family_id: UUID,
        *,
        to_region_code: str,
        transferred_on: dt.date | None = None,
        reason: str = "",
        expected_version: int | None = None,
    ) -> CommandResult:
        on = self._past_or_today(transferred_on, "transferred_on")

        def move(family: Family) -> None:
            # A move hands the family from one region's staff to another's: whoever moves it
            # answers for both, or a caseworker could hide a family from every supervisor.
            for region_code in (family.region_code, to_region_code):
                if not principal.covers(region_code):
                    raise PermissionDeniedError(
                        f"region {region_code} is outside your region", field="to_region_code"
                    )
            family.transfer(to_region_code, on, reason)

        return self._change_family(principal, family_id, expected_version, move)

    def close_family(
        self,
        principal: Principal,
        family_id: UUID,
        *,
        reason: str,
        closed_on: dt.date | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        on = self._past_or_today(closed_on, "closed_on")
        return self._change_family(
            principal, family_id, expected_version, lambda family: family.close(reason, on)
        )

    def reopen_family(
        self,
        principal: Principal,
        family_id: UUID,
        *,
        reason: str = "",
        reopened_on: dt.date | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        principal.require(Action.RECORD_CASES)
        on = self._past_or_today(reopened_on, "reopened_on")

        def decide() -> Decision:
            family = self.family_in_scope(principal, family_id)
            check_expected_version(family, expected_version)
            family.reopen(reason, on)
            indexes = [
                self._claim_resident(principal, "id_number", number, family.id)
                for number in family.resident_ids()
            ]
            return [family, *indexes], family_body(family)

        return self.execute(principal, decide)

    # -- helpers ---------------------------------------------------------------------------

    def _check_person(self, person: PersonDetails, prefix: str) -> None:
        """Born by today, and as the resident ID says: on that date, of that sex."""
        born, number = person["birth_date"], person["id_number"]
        check_not_future(born, self.today(), field=f"{prefix}birth_date")
        resident_id_agrees_with_birth_date(number, born, field=f"{prefix}birth_date")
        resident_id_agrees_with_gender(number, person["gender"], field=f"{prefix}gender")

    def _change_family(
        self,
        principal: Principal,
        family_id: UUID,
        expected_version: int | None,
        change: Any,
    ) -> CommandResult:
        principal.require(Action.RECORD_CASES)

        def decide() -> Decision:
            family = self.family_in_scope(principal, family_id)
            check_expected_version(family, expected_version)
            change(family)
            return [family], family_body(family)

        return self.execute(principal, decide)

    def _claim_resident(
        self, principal: Principal, field: str, id_number: str, family_id: UUID
    ) -> ResidentIndex:
        """A resident ID may belong to one open family at a time; a closed family lets go."""
        # A store written before ids were keyed still holds the resident's unkeyed index:
        # the family it names holds the number too, so it is consulted as a second holder.
        legacy_id = legacy_index_id(id_number)
        if self.exists(legacy_id):
            legacy: ResidentIndex = self.load(legacy_id, ResidentIndex, "resident index")
            self._refuse_if_held_elsewhere(principal, field, legacy.family_id, family_id)
        index_id = self.resident_ids.index_id(id_number)
        if not self.exists(index_id):
            return ResidentIndex(id=index_id, id_number=id_number, family_id=family_id)
        index: ResidentIndex = self.load(index_id, ResidentIndex, "resident index")
        if index.family_id != family_id:
            self._refuse_if_held_elsewhere(principal, field, index.family_id, family_id)
            index.reassign(family_id)
        return index

    def _refuse_if_held_elsewhere(
        self, principal: Principal, field: str, holder_id: UUID, family_id: UUID
    ) -> None:
        if holder_id == family_id:
            return
        holder: Family = self.load(holder_id, Family, "family")
        if holder.is_open:
            # A family outside the caller's region is not named (DESIGN.md section 7).
            visible = principal.covers(holder.region_code)
            raise DuplicateResidentError(field, str(holder.id) if visible else None)


def _member_record(data: NewMember) -> MemberData:
    return {
        "member_id": Family.new_member_id(),
        "name": data["name"],
        "id_number": data["id_number"],
        "birth_date": data["birth_date"].isoformat(),
        "gender": str(data["gender"]),
        "relation": str(data["relation"]),
        "phone": data.get("phone"),
    }
