"""Response bodies built from aggregates: JSON-ready dicts, money as yuan strings."""

from __future__ import annotations

from typing import Any

from domain.family import Family, MemberData
from domain.money import yuan_from_fen
from domain.service import ServiceRecord


def member_body(member: MemberData) -> dict[str, Any]:
    body: dict[str, Any] = dict(member)
    body.setdefault("phone", None)
    body.setdefault("deceased_on", None)
    return body


def family_body(family: Family) -> dict[str, Any]:
    """In clear: the API discloses it to each caller (`api.disclosure`)."""
    return {
        "id": str(family.id),
        "version": family.version,
        "region_code": family.region_code,
        "category": family.category.value,
        "status": family.status.value,
        "address": family.address,
        "head": member_body(family.head),
        "members": [member_body(m) for m in family.members.values() if m["relation"] != "head"],
        "contacts": family.contacts,
        "family_doctor": family.family_doctor,
        "green_channel": family.green_channel,
        "registered_on": family.registered_on.isoformat(),
        "closed_on": family.closed_on.isoformat() if family.closed_on else None,
        "close_reason": family.close_reason,
        "created_at": family.created_on.isoformat(),
        "modified_at": family.modified_on.isoformat(),
    }


def service_body(service: ServiceRecord) -> dict[str, Any]:
    return {
        "id": str(service.id),
        "version": service.version,
        "family_id": str(service.family_id),
        "region_code": service.region_code,
        "kind": service.kind.value,
        "occasion": service.occasion.value,
        "occurred_on": service.occurred_on.isoformat(),
        "staff": list(service.staff),
        "summary": service.summary,
        "goods": [
            {"description": g["description"], "value": yuan_from_fen(int(g["value_fen"]))}
            for g in service.goods
        ],
        "goods_value": yuan_from_fen(service.goods_value_fen),
        "cash": (
            {
                "amount": yuan_from_fen(int(service.cash["amount_fen"])),
                "fund_id": str(service.cash["fund_id"]),
                "transfer_id": str(service.cash["transfer_id"]),
            }
            if service.cash
            else None
        ),
        "status": service.status.value,
        "void_reason": service.void_reason,
        "recorded_at": service.created_on.isoformat(),
        "modified_at": service.modified_on.isoformat(),
    }
