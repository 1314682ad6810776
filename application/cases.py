"""Handlers and queries of family case files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from application.commands.cases import (
    AddMember,
    AssignContacts,
    CloseFamily,
    GrantGreenChannel,
    MarkMemberDeceased,
    RegisterFamily,
    ReopenFamily,
    SignFamilyDoctor,
    TransferFamily,
)
from application.errors import PermissionDeniedError
from application.handling import (
    Decision,
    Handled,
    check_expected_version,
    past_or_today,
)
from application.presenters import family_body
from application.principal import Principal
from application.resident_ids import legacy_index_id
from domain.errors import DuplicateResidentError, NotFoundError
from domain.family import (
    Family,
    MemberData,
    NewMember,
    PersonDetails,
    a_resident_id_appears_at_most_once_in_a_family,
)
from domain.permissions import Action
from domain.resident_index import ResidentIndex
from domain.values import (
    Relation,
    check_not_future,
    resident_id_agrees_with_birth_date,
    resident_id_agrees_with_gender,
)

if TYPE_CHECKING:
    from application.app import Nuanxin

# -- queries -------------------------------------------------------------------------------


def family_in_scope(app: Nuanxin, principal: Principal, family_id: UUID) -> Family:
    """The family, if the caller's region covers it; otherwise it does not exist for them."""
    family: Family = app.load(family_id, Family, "family")
    if not principal.covers(family.region_code):
        raise NotFoundError(f"family {family_id} not found")
    return family


def get_family(app: Nuanxin, principal: Principal, family_id: UUID) -> dict[str, Any]:
    principal.require(Action.READ_CASES)
    return family_body(family_in_scope(app, principal, family_id))


# -- handlers ------------------------------------------------------------------------------


def register_family(
    app: Nuanxin, principal: Principal, command: RegisterFamily, key: str | None
) -> Handled:
    principal.require(Action.RECORD_CASES)
    if not principal.covers(command.region_code):
        raise PermissionDeniedError(
            f"region {command.region_code} is outside your region", field="region_code"
        )
    on = past_or_today(app, command.registered_on, "registered_on")
    people: list[tuple[str, NewMember]] = [("head", {**command.head, "relation": Relation.HEAD})]
    people += [(f"members.{i}", member) for i, member in enumerate(command.members)]
    a_resident_id_appears_at_most_once_in_a_family(
        (f"{path}.id_number", data["id_number"]) for path, data in people
    )
    for path, data in people:
        _check_person(app, data, f"{path}.")

    def decide() -> Decision:
        records = [_member_record(data) for _, data in people]
        family = Family(
            region_code=command.region_code,
            category=command.category,
            members=records,
            address=command.address,
            registered_on=on,
        )
        indexes = [
            _claim_resident(app, principal, f"{path}.id_number", data["id_number"], family.id)
            for path, data in people
        ]
        return [family, *indexes], family_body(family)

    return Handled(replace(command, registered_on=on), decide)


def add_member(app: Nuanxin, principal: Principal, command: AddMember, key: str | None) -> Handled:
    principal.require(Action.RECORD_CASES)
    on = past_or_today(app, command.added_on, "added_on")
    _check_person(app, command.member, "")

    def decide() -> Decision:
        family = family_in_scope(app, principal, command.family_id)
        check_expected_version(family, command.expected_version)
        record = _member_record(command.member)
        family.add_member(record, on)
        index = _claim_resident(app, principal, "id_number", record["id_number"], family.id)
        body = family_body(family) | {"member_id": record["member_id"]}
        return [family, index], body

    return Handled(replace(command, added_on=on), decide)


def mark_member_deceased(
    app: Nuanxin, principal: Principal, command: MarkMemberDeceased, key: str | None
) -> Handled:
    check_not_future(command.died_on, app.today(), field="died_on")
    return _change_family(
        app,
        principal,
        command,
        lambda family: family.mark_member_deceased(command.member_id, command.died_on),
    )


def assign_contacts(
    app: Nuanxin, principal: Principal, command: AssignContacts, key: str | None
) -> Handled:
    on = past_or_today(app, command.assigned_on, "assigned_on")
    return _change_family(
        app,
        principal,
        replace(command, assigned_on=on),
        lambda family: family.assign_contacts(
            command.township_contact, command.village_contact, on
        ),
    )


def sign_family_doctor(
    app: Nuanxin, principal: Principal, command: SignFamilyDoctor, key: str | None
) -> Handled:
    check_not_future(command.signed_on, app.today(), field="signed_on")
    return _change_family(
        app,
        principal,
        command,
        lambda family: family.sign_family_doctor(
            command.doctor, command.institution, command.signed_on, command.expires_on
        ),
    )


def grant_green_channel(
    app: Nuanxin, principal: Principal, command: GrantGreenChannel, key: str | None
) -> Handled:
    check_not_future(command.granted_on, app.today(), field="granted_on")
    return _change_family(
        app,
        principal,
        command,
        lambda family: family.grant_green_channel(command.hospital, command.granted_on),
    )


def transfer_family(
    app: Nuanxin, principal: Principal, command: TransferFamily, key: str | None
) -> Handled:
    on = past_or_today(app, command.transferred_on, "transferred_on")

    def move(family: Family) -> None:
        # A move hands the family from one region's staff to another's: whoever moves it
        # answers for both, or a caseworker could hide a family from every supervisor.
        for region_code in (family.region_code, command.to_region_code):
            if not principal.covers(region_code):
                raise PermissionDeniedError(
                    f"region {region_code} is outside your region", field="to_region_code"
                )
        family.transfer(command.to_region_code, on, command.reason)

    return _change_family(app, principal, replace(command, transferred_on=on), move)


def close_family(
    app: Nuanxin, principal: Principal, command: CloseFamily, key: str | None
) -> Handled:
    on = past_or_today(app, command.closed_on, "closed_on")
    return _change_family(
        app,
        principal,
        replace(command, closed_on=on),
        lambda family: family.close(command.reason, on),
    )


def reopen_family(
    app: Nuanxin, principal: Principal, command: ReopenFamily, key: str | None
) -> Handled:
    principal.require(Action.RECORD_CASES)
    on = past_or_today(app, command.reopened_on, "reopened_on")

    def decide() -> Decision:
        family = family_in_scope(app, principal, command.family_id)
        check_expected_version(family, command.expected_version)
        family.reopen(command.reason, on)
        indexes = [
            _claim_resident(app, principal, "id_number", number, family.id)
            for number in family.resident_ids()
        ]
        return [family, *indexes], family_body(family)

    return Handled(replace(command, reopened_on=on), decide)


# -- helpers -------------------------------------------------------------------------------

FamilyChange = (
    MarkMemberDeceased
    | AssignContacts
    | SignFamilyDoctor
    | GrantGreenChannel
    | TransferFamily
    | CloseFamily
)


def _check_person(app: Nuanxin, person: PersonDetails, prefix: str) -> None:
    """Born by today, and as the resident ID says: on that date, of that sex."""
    born, number = person["birth_date"], person["id_number"]
    check_not_future(born, app.today(), field=f"{prefix}birth_date")
    resident_id_agrees_with_birth_date(number, born, field=f"{prefix}birth_date")
    resident_id_agrees_with_gender(number, person["gender"], field=f"{prefix}gender")


def _change_family(
    app: Nuanxin,
    principal: Principal,
    command: FamilyChange,
    change: Callable[[Family], None],
) -> Handled:
    principal.require(Action.RECORD_CASES)

    def decide() -> Decision:
        family = family_in_scope(app, principal, command.family_id)
        check_expected_version(family, command.expected_version)
        change(family)
        return [family], family_body(family)

    return Handled(command, decide)


def _claim_resident(
    app: Nuanxin, principal: Principal, field: str, id_number: str, family_id: UUID
) -> ResidentIndex:
    """A resident ID may belong to one open family at a time; a closed family lets go."""
    # A store written before ids were keyed still holds the resident's unkeyed index: the
    # family it names holds the number too, so it is consulted as a second holder.
    legacy_id = legacy_index_id(id_number)
    if app.exists(legacy_id):
        legacy: ResidentIndex = app.load(legacy_id, ResidentIndex, "resident index")
        _refuse_if_held_elsewhere(app, principal, field, legacy.family_id, family_id)
    index_id = app.resident_ids.index_id(id_number)
    if not app.exists(index_id):
        return ResidentIndex(id=index_id, id_number=id_number, family_id=family_id)
    index: ResidentIndex = app.load(index_id, ResidentIndex, "resident index")
    if index.family_id != family_id:
        _refuse_if_held_elsewhere(app, principal, field, index.family_id, family_id)
        index.reassign(family_id)
    return index


def _refuse_if_held_elsewhere(
    app: Nuanxin, principal: Principal, field: str, holder_id: UUID, family_id: UUID
) -> None:
    if holder_id == family_id:
        return
    holder: Family = app.load(holder_id, Family, "family")
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
