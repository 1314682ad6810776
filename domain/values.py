"""Value objects: region codes, resident IDs, and the closed vocabularies of the domain."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumValidationError

from domain.errors import InvalidValueError

REGION_CODE_LENGTHS = (6, 9, 12)


def parse_region_code(text: str, *, field: str = "region_code") -> str:
    """A 6-digit county-level, 9-digit township or 12-digit village code, stored as given."""
    if not (text.isascii() and text.isdigit() and len(text) in REGION_CODE_LENGTHS):
        raise InvalidValueError(
            "a region code is 6, 9 or 12 digits (county, township, village)", field=field
        )
    if text[:2] == "00":
        raise InvalidValueError("a region code starts with a province code", field=field)
    return text


def region_scope(region_code: str | None) -> str:
    """The prefix that a region code covers: trailing `00` pairs of a 6-digit code are dropped."""
    if not region_code:
        return ""
    if len(region_code) != 6:
        return region_code
    scope = region_code
    while len(scope) > 2 and scope.endswith("00"):
        scope = scope[:-2]
    return scope


def parse_resident_id(text: str, *, field: str = "id_number") -> str:
    """An 18-character resident ID whose check character passes ISO 7064 MOD 11-2."""
    number = text.strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise InvalidValueError(
            "a resident ID is 17 digits and a check character (digit or X)", field=field
        )
    if ric.calc_check_digit(number) != number[17]:
        raise InvalidValueError("the resident ID's check character is wrong", field=field)
    try:
        ric.get_birth_date(number)
    except StdnumValidationError:
        raise InvalidValueError(
            "the resident ID does not contain a valid birth date", field=field
        ) from None
    return number


def check_not_future(day: dt.date, today: dt.date, *, field: str) -> dt.date:
    if day > today:
        raise InvalidValueError(f"{field} cannot be in the future (today is {today})", field=field)
    return day


class FamilyCategory(StrEnum):
    BEREAVED = "bereaved"
    DISABLED_CHILD = "disabled_child"
    SURGERY_COMPLICATION = "surgery_complication"
    HARDSHIP = "hardship"
    ONLY_CHILD = "only_child"
    TWO_DAUGHTERS = "two_daughters"


class FamilyStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"


class Relation(StrEnum):
    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    OTHER = "other"


class ServiceKind(StrEnum):
    VISIT = "visit"
    COMFORT = "comfort"
    VOLUNTEER = "volunteer"
    MEDICAL_ESCORT = "medical_escort"
    OTHER = "other"


class Occasion(StrEnum):
    SPRING_FESTIVAL = "spring_festival"
    DRAGON_BOAT = "dragon_boat"
    MID_AUTUMN = "mid_autumn"
    MAY29 = "may29"
    ROUTINE = "routine"
    EMERGENCY = "emergency"


class Role(StrEnum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"
