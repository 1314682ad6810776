"""暖心行动 service record requests and responses."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from pydantic import Field

from api.schemas.common import CalendarDate, Fen, Name, StrictModel, Text
from application.commands import services
from domain.service import Goods
from domain.values import Occasion, ServiceKind


class GoodsCreate(StrictModel):
    description: Name
    value: Fen

    def as_record(self) -> Goods:
        return {"description": self.description, "value_fen": self.value}


class CashCreate(StrictModel):
    """Condolence money (慰问金) paid to the family from a fund with the service."""

    amount: Fen
    fund_id: UUID


class CashPublic(StrictModel):
    amount: str
    fund_id: str
    transfer_id: str


class ServiceCreate(StrictModel):
    kind: ServiceKind
    occasion: Occasion
    occurred_on: CalendarDate
    staff: list[Name] = Field(min_length=1, max_length=20)
    summary: Text
    goods: list[GoodsCreate] = Field(default_factory=list, max_length=50)
    cash: CashCreate | None = None

    def command(self, family_id: UUID) -> services.RecordService:
        cash = self.cash
        return services.RecordService(
            family_id,
            kind=self.kind,
            occasion=self.occasion,
            occurred_on=self.occurred_on,
            staff=tuple(self.staff),
            summary=self.summary,
            goods=tuple(g.as_record() for g in self.goods),
            cash=services.CashPayment(cash.amount, cash.fund_id) if cash else None,
        )


class ServiceCorrection(StrictModel):
    """The fields given replace the record's; the reason is required. Paid cash is never
    corrected: a correction naming `cash` is refused (409 on a paid service)."""

    reason: Text
    kind: ServiceKind | None = None
    occasion: Occasion | None = None
    occurred_on: CalendarDate | None = None
    staff: list[Name] | None = Field(default=None, min_length=1, max_length=20)
    summary: Text | None = None
    goods: list[GoodsCreate] | None = Field(default=None, max_length=50)
    cash: CashCreate | None = None

    def changes(self) -> dict[str, Any]:
        """The fields given, by name; a null leaves a field as it is, except `cash`, which
        the domain refuses in any form."""
        given = self.model_dump(exclude_unset=True, exclude={"reason", "goods", "cash"})
        changed = {name: value for name, value in given.items() if value is not None}
        if self.goods is not None:
            changed["goods"] = [g.as_record() for g in self.goods]
        if "cash" in self.model_fields_set:
            changed["cash"] = self.cash.model_dump() if self.cash else None
        return changed

    def command(
        self, service_id: UUID, expected_version: int | None = None
    ) -> services.CorrectService:
        return services.CorrectService(service_id, self.reason, self.changes(), expected_version)


class ServiceVoid(StrictModel):
    reason: Text

    def command(
        self, service_id: UUID, expected_version: int | None = None
    ) -> services.VoidService:
        return services.VoidService(service_id, self.reason, expected_version)


class GoodsPublic(StrictModel):
    description: str
    value: str


class ServicePublic(StrictModel):
    id: str
    version: int
    family_id: str
    region_code: str
    kind: ServiceKind
    occasion: Occasion
    occurred_on: dt.date
    staff: list[str]
    summary: str
    goods: list[GoodsPublic]
    goods_value: str
    cash: CashPublic | None = None
    status: str
    void_reason: str | None
    recorded_at: dt.datetime
    modified_at: dt.datetime
