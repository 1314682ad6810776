"""Response bodies built from aggregates: JSON-ready dicts, money as yuan strings."""

from __future__ import annotations

from typing import Any

from application.principal import Principal
from domain.family import Family, MemberData
from domain.money import yuan_from_fen
from domain.service import ServiceRecord
from domain.values import mask_name, mask_phone, mask_resident_id


def member_body(member: MemberData, principal: Principal) -> dict[str, Any]:
    body = dict(member)
    body.setdefault("phone", None)
    body.setdefault("deceased_on", None)
    if not principal.sees_personal_data:
        body["id_number"] = mask_resident_id(member["id_number"])
        body["name"] = mask_name(member["name"])
        body["phone"] = mask_phone(body["phone"])
    return body


def family_body(family: Family, principal: Principal) -> dict[str, Any]:
    return {
        "id": str(family.id),
        "version": family.version,
        "region_code": family.region_code,
        "category": family.category.value,
        "status": family.status.value,
        "address": family.address,
        "head": member_body(family.head, principal),
        "members": [
            member_body(m, principal) for m in family.members.values() if m["relation"] != "head"
        ],
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
