"""Value objects: region codes, resident IDs, dates, names, and the closed vocabularies of the
domain."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum
from functools import cache

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumValidationError

from domain.errors import InvalidValueError

REGION_CODE_LENGTHS = (6, 9, 12)
EARLIEST_DATE = dt.date(1900, 1, 1)
"""No one served, registered or paid was born, let alone recorded, before it."""

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
"""Characters that reorder the text around them, so that a name shows other than it reads."""


def parse_region_code(text: str, *, field: str = "region_code") -> str:
    """A 6-digit county-level, 9-digit township or 12-digit village code, stored as given."""
    if not (text.isascii() and text.isdigit() and len(text) in REGION_CODE_LENGTHS):
        raise InvalidValueError(
            "a region code is 6, 9 or 12 digits (county, township, village)", field=field
        )
    if not county_level_region_exists(text[:6]):
        raise InvalidValueError(
            f"{text[:6]} is not a county-level region code; 9- and 12-digit codes extend one",
            field=field,
        )
    return text


@cache
def county_level_region_exists(code: str) -> bool:
    """Whether the administrative division code names a province, city or county: a pure
    lookup in the code list that python-stdnum ships (its `cn/loc` database)."""
    return any("county" in properties for _, properties in numdb.get("cn/loc").info(code))


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


def resident_id_agrees_with_birth_date(id_number: str, birth_date: dt.date, *, field: str) -> None:
    """Digits 7 to 14 of a resident ID are the holder's birth date."""
    born = ric.get_birth_date(id_number)
    if born != birth_date:
        raise InvalidValueError(
            f"disagrees with the resident ID, whose holder was born on {born}", field=field
        )


def resident_id_agrees_with_gender(id_number: str, gender: Gender, *, field: str) -> None:
    """The 17th digit of a resident ID is odd for a man and even for a woman."""
    recorded = Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE
    if recorded != gender:
        raise InvalidValueError(
            f"disagrees with the resident ID, which is that of a {recorded.value}", field=field
        )


def parse_calendar_date(value: object, *, field: str = "date") -> dt.date:
    """A date written YYYY-MM-DD, from 1900 on: a number is not a date (`as_of=0` is not the
    first of January 1970), and year 1 is a slip of the keyboard, not a record."""
    if isinstance(value, dt.datetime):
        raise InvalidValueError("must be a date (YYYY-MM-DD), not a moment", field=field)
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidValueError(f"{value} is not a day of the calendar", field=field) from None
    else:
        raise InvalidValueError("must be a date written YYYY-MM-DD", field=field)
    if day < EARLIEST_DATE:
        raise InvalidValueError(f"must be on or after {EARLIEST_DATE}", field=field)
    return day


def parse_name(text: str, *, field: str = "name") -> str:
    """A name someone can read: at least one visible character, and none of the controls that
    make it show in another order than it is stored."""
    if any(char in BIDI_CONTROLS for char in text):
        raise InvalidValueError("must not contain bidirectional control characters", field=field)
    if not any(_is_visible(char) for char in text):
        raise InvalidValueError("must contain a visible character", field=field)
    return text


def _is_visible(char: str) -> bool:
    # Zero-width spaces and joiners are format characters (Cf); spaces are Z*; controls Cc.
    return not (char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp"))


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
