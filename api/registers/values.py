"""Register cells as the request models take them: dates, amounts, names lists."""

from __future__ import annotations

import re

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_STAFF_SEPARATORS = re.compile(r"[、，,；;]")


def date_text(text: str) -> str | None:
    """`2024-02-05`, `2024/2/5`, `2024年2月5日` or `20240205` as an ISO date; other text is
    left for the request model to refuse; an empty cell is None."""
    if not text:
        return None
    found = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not found:
        return text
    year, month, day = found.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def amount_text(text: str) -> str:
    """`300`, `300.00` or `300.5` yuan; a thousands separator or a currency sign dropped."""
    return text.replace(",", "").replace("，", "").removeprefix("¥").removeprefix("￥").strip()


def staff_names(text: str) -> list[str]:
    return [name.strip() for name in _STAFF_SEPARATORS.split(text) if name.strip()]
