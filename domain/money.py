"""Money is integer fen (分) inside; yuan strings with at most two decimals at the edges."""

from __future__ import annotations

import re

from domain.errors import InvalidValueError

_YUAN = re.compile(r"^(0|[1-9]\d{0,12})(\.\d{1,2})?$")

MAX_SINGLE_AMOUNT_FEN = 1_000_000_000_00
"""One amount is at most 1,000,000,000.00 yuan: far above any grant or budget line of an
association, and low enough that sums over millions of entries stay within 64-bit integers
of the databases' views."""


def fen_from_yuan(text: str, *, field: str = "amount", allow_zero: bool = False) -> int:
    if not isinstance(text, str) or not _YUAN.match(text):
        raise InvalidValueError(
            'an amount is a string of yuan with at most 2 decimals, like "500.00"', field=field
        )
    whole, _, fraction = text.partition(".")
    fen = int(whole) * 100 + int((fraction + "00")[:2])
    if fen == 0 and not allow_zero:
        raise InvalidValueError("an amount must be positive", field=field)
    if fen > MAX_SINGLE_AMOUNT_FEN:
        raise InvalidValueError(
            f"an amount is at most {yuan_from_fen(MAX_SINGLE_AMOUNT_FEN)} yuan", field=field
        )
    return fen


def yuan_from_fen(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, fraction = divmod(abs(fen), 100)
    return f"{sign}{whole}.{fraction:02d}"
