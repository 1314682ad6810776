"""Field types shared by the request models; each checks its value with the domain's rules."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    WithJsonSchema,
)

from domain.errors import InvalidValueError
from domain.money import fen_from_yuan
from domain.values import parse_calendar_date, parse_name, parse_region_code, parse_resident_id


class StrictModel(BaseModel):
    """Every request and response body: an unknown field is an error, never silently dropped
    (a typo like "cahs" must not save a visit without its cash), and a response cannot carry
    a field its model does not declare."""

    model_config = ConfigDict(extra="forbid")


def _as_value_error(parse: Callable[..., Any]) -> Callable[[Any], Any]:
    """Pydantic reports ValueError as a field error; the domain raises its own error."""

    def check(value: Any) -> Any:
        try:
            return parse(value)
        except InvalidValueError as error:
            raise ValueError(error.message) from None

    return check


def _strictly_string(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError('must be a string, like "500.00"')
    return value


def _printable(value: str) -> str:
    # Control characters have no place in a record, and PostgreSQL cannot store NUL at all:
    # one such byte would stop the views that copy the text.
    if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in value):
        raise ValueError("must not contain control characters")
    return value


Printable = AfterValidator(_printable)
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Printable
]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), Printable]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    Printable,
    AfterValidator(_as_value_error(parse_name)),
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9\- ]{5,20}$")]
RegionCode = Annotated[
    str,
    AfterValidator(_as_value_error(parse_region_code)),
    WithJsonSchema(
        {"type": "string", "pattern": "^[0-9]{6}([0-9]{3}){0,2}$", "examples": ["430121101001"]}
    ),
]
ResidentId = Annotated[
    str,
    AfterValidator(_as_value_error(parse_resident_id)),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-9]{17}[0-9Xx]$",
            "description": "18 characters; the last is an ISO 7064 MOD 11-2 check character",
            "examples": ["11010519491231002X"],
        }
    ),
]
CalendarDate = Annotated[
    dt.date,
    BeforeValidator(_as_value_error(parse_calendar_date)),
    WithJsonSchema({"type": "string", "format": "date", "examples": ["2025-01-27"]}),
]
"""A date in: YYYY-MM-DD from 1900 on (pydantic alone reads `0` as 1970-01-01)."""
Fen = Annotated[
    int,
    BeforeValidator(_as_value_error(fen_from_yuan)),
    BeforeValidator(_strictly_string),
    WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "examples": ["500.00"]}),
]
"""Money in: a string of yuan with at most two decimals, held as integer fen."""
