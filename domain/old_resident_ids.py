"""Old 15-digit resident IDs (issued before 1999) as paper registers still hold them."""

from __future__ import annotations

from stdnum.cn import ric

from domain.errors import InvalidValueError


def is_old_resident_id(text: str) -> bool:
    return len(text) == 15 and text.isascii() and text.isdigit()


def upgrade_old_resident_id(text: str, *, field: str = "id_number") -> str:
    """GB 11643-1999's upgrade: the birth year gains its century (every 15-digit number was
    issued to people born in the 1900s) and the number gains its check character."""
    if not is_old_resident_id(text):
        raise InvalidValueError("an old resident ID is 15 digits", field=field)
    body = text[:6] + "19" + text[6:]
    # The library computes the check over the first 17 of 18 characters.
    return body + ric.calc_check_digit(body + "0")
