"""Builders of realistic request data for the tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from stdnum.cn import ric

_sequence = itertools.count(101)


def resident_id(birth_date: dt.date, *, female: bool = True, area: str = "430121") -> str:
    """A valid, never-repeated resident ID: area code, birth date, sequence, check character."""
    # Odd for men, even for women; a fresh number each call, so no two people share an ID.
    serial = next(_sequence) % 500 * 2 + (0 if female else 1)
    body = f"{area}{birth_date:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "?")  # it ignores the last character


def person(
    name: str = "王秀英", birth_date: str = "1962-03-15", *, female: bool = True
) -> dict[str, Any]:
    born = dt.date.fromisoformat(birth_date)
    return {
        "name": name,
        "id_number": resident_id(born, female=female),
        "birth_date": birth_date,
        "gender": "female" if female else "male",
        "phone": "13800000000",
    }


def family_payload(region_code: str = "430121101001", **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "region_code": region_code,
        "category": "bereaved",
        "head": person(),
        "members": [
            {**person("李建国", "1960-07-01", female=False), "relation": "spouse"},
        ],
        "address": "长沙县黄兴镇蓝田村3组12号",
        # Before the services and payments the tests date in 2025.
        "registered_on": "2024-01-05",
    }
    payload.update(overrides)
    return payload


def service_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "kind": "visit",
        "occasion": "spring_festival",
        "occurred_on": "2025-01-27",
        "staff": ["张敏", "刘洋"],
        "summary": "春节走访慰问，送去米油和慰问品",
        "goods": [{"description": "大米一袋", "value": "80.00"}],
    }
    payload.update(overrides)
    return payload
