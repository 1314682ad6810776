"""Commands on 暖心行动 service records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple
from uuid import UUID

from application.commands import NOT_FINGERPRINTED, Command
from domain.service import Goods
from domain.values import Occasion, ServiceKind


class CashPayment(NamedTuple):
    """Condolence money paid to the family from a fund, in the same save as the record."""

    amount_fen: int
    fund_id: UUID


@dataclass(frozen=True, slots=True)
class RecordService(Command):
    KIND: ClassVar[str] = "record_service"
    family_id: UUID
    kind: ServiceKind
    occasion: Occasion
    occurred_on: dt.date
    staff: tuple[str, ...]
    summary: str
    goods: tuple[Goods, ...]
    cash: CashPayment | None = None


@dataclass(frozen=True, slots=True)
class CorrectService(Command):
    """`changes` names each field the correction replaces, with its new value."""

    KIND: ClassVar[str] = "correct_service"
    service_id: UUID
    reason: str
    changes: Mapping[str, Any]
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)


@dataclass(frozen=True, slots=True)
class VoidService(Command):
    KIND: ClassVar[str] = "void_service"
    service_id: UUID
    reason: str
    expected_version: int | None = field(default=None, metadata=NOT_FINGERPRINTED)
