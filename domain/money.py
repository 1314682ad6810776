"""Money is integer fen (分) inside; yuan strings with at most two decimals at the edges."""

from __future__ import annotations

import re

from domain.errors import InvalidValueError

_YUAN = re.compile(r"^(0|[1-9]\d{0,12})(\.\d{1,2})?$")


def fen_from_yuan(text: str, *, field: str = "amount", allow_zero: bool = False) -> int:
    if not isinstance(text, str) or not _YUAN.match(text):
        raise InvalidValueError(
            'an amount is a string of yuan with at most 2 decimals, like "500.00"', field=field
        )
    whole, _, fraction = text.partition(".")
    fen = int(whole) * 100 + int((fraction + "00")[:2])
    if fen == 0 and not allow_zero:
        raise InvalidValueError("an amount must be positive", field=field)
    return fen


def yuan_from_fen(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, fraction = divmod(abs(fen), 100)
    return f"{sign}{whole}.{fraction:02d}"
