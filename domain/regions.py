"""The region hierarchy that reports roll up: province → city → county → township → village,
named from python-stdnum's `cn/loc` database (行政区划代码)."""

from __future__ import annotations

from functools import cache

from stdnum import numdb

REGION_LEVELS = (2, 4, 6, 9, 12)
"""Digits of a province, city, county, township and village prefix."""


def child_level(prefix: str) -> int:
    """The prefix length of the regions one level below `prefix` (a village is its own)."""
    return next((length for length in REGION_LEVELS if length > len(prefix)), REGION_LEVELS[-1])


def region_code_of(prefix: str) -> str:
    """The code a prefix stands for: down to county level padded to 6 digits (43 → 430000,
    4301 → 430100); township and village codes as they are."""
    return prefix.ljust(6, "0") if len(prefix) <= 6 else prefix


def county_code(code: str) -> str:
    """The county-level region a code lies in: its first 6 digits, the deepest level that
    `region_name` names (430121101001 → 430121, 长沙县)."""
    return code[:6]


@cache
def region_name(code: str) -> str:
    """The current name of a 6-digit code (province, city or county); for a township or
    village code, which the database does not hold, the code itself."""
    if len(code) != 6:
        return code
    parts = {
        key: value for _, fields in numdb.get("cn/loc").info(code) for key, value in fields.items()
    }
    name = parts.get("county") or parts.get("province")
    if not name:
        return code
    # "[-1991]东郊区,[1992-]东丽区": the last is the name in use; drop its years of validity.
    return name.split(",")[-1].rsplit("]", 1)[-1]
