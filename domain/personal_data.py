"""Personal data (PIPL) and how it is masked for those who may not see it in clear
(DESIGN.md section 7): one rule per kind of datum, applied by one function."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any


class PersonalData(StrEnum):
    NAME = "name"
    RESIDENT_ID = "resident_id"
    PHONE = "phone"
    ADDRESS = "address"
    BIRTH_DATE = "birth_date"
    HEALTH = "health"


# The last administrative unit an address names: what stays of it when masked.
_REGION_PART = re.compile(r"^.*(?:省|自治区|市|州|盟|县|区|旗|镇|乡|街道|苏木|村|社区|居委会)")


def mask_name(name: str) -> str:
    """The surname stays, so that a record can still be told apart in an audit."""
    return name[:1] + "*" * max(len(name) - 1, 1)


def mask_resident_id(number: str) -> str:
    """The address code and the last four stay; the birth date in between is what the
    masked digits hide, so it is withheld wherever the number is masked."""
    return number[:6] + "*" * 8 + number[14:]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_address(address: str) -> str:
    """Cut to the region: the house, group and number go."""
    match = _REGION_PART.match(address)
    return match.group(0) if match else ""


def masked(kind: PersonalData, value: Any) -> Any:
    """The value as someone who may not see it in clear sees it. A birth date is withheld
    entirely: it is the masked middle of the resident ID."""
    if value is None or kind is PersonalData.BIRTH_DATE:
        return None
    text = str(value)
    match kind:
        case PersonalData.NAME:
            return mask_name(text)
        case PersonalData.RESIDENT_ID:
            return mask_resident_id(text)
        case PersonalData.PHONE:
            return mask_phone(text)
        case PersonalData.ADDRESS:
            return mask_address(text)
        case PersonalData.HEALTH:
            # A hospital or an accident says too much about a person: nothing of it stays.
            return "***"
