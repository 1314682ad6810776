"""A services register: one row per delivered service, validated by the API's own request
model (`ServiceCreate`) and recorded by the API's own command, 慰问金 through the ledger."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from api.registers.outcomes import IMPORTED, Outcome, Prepared, Problem, problem_of, problems_of
from api.registers.reading import Row
from api.registers.values import amount_text, date_text, staff_names
from api.registers.wording import (
    OCCASIONS,
    SERVICE_FIELDS,
    SERVICE_HEADINGS,
    SERVICE_KINDS,
    choices,
)
from api.schemas.services import ServiceCreate
from application.app import Nuanxin
from application.handling import CommandResult
from application.imports import family_holding_resident
from application.principal import Principal
from domain.errors import DomainError, InvalidValueError
from domain.ledger.errors import InsufficientFundsError
from domain.money import yuan_from_fen
from domain.service import ServiceRecord
from domain.values import parse_resident_id

HEAD_ID = "户主公民身份号码"
NOT_REGISTERED = "该公民身份号码没有登记的家庭，请先导入家庭台账"
ALREADY_IMPORTED = "与已导入的一条服务记录完全相同（同一户、同一天、同样内容），未重复导入"
_ZERO = re.compile(r"^0+(\.0*)?$")


class ServicePreparer:
    def __init__(self, app: Nuanxin, principal: Principal, cash_fund: UUID | None) -> None:
        self.app = app
        self.principal = principal
        self.cash_fund = cash_fund

    def prepare(self, row: Row) -> Prepared:
        problems: list[Problem] = []
        try:
            head_id = parse_resident_id(row.text(HEAD_ID))
        except InvalidValueError as error:
            head_id = ""
            problems += [problem_of(error, lambda _: (row.number, HEAD_ID), (row.number, HEAD_ID))]
        payload = self._payload(row, problems)
        try:
            body = ServiceCreate.model_validate(payload)
        except ValidationError as error:
            reported = {p.field for p in problems}
            place = _placer(row.number)
            problems += [p for p in problems_of(error, place) if p.field not in reported]
        if problems:
            return Prepared([row.number], problems=problems)
        # The same row read again names the same record: a re-run imports nothing twice.
        key = "import:" + _digest(row)
        return Prepared(
            [row.number],
            command=lambda: self._record(head_id, body, key),
            interpret=lambda result: _interpret(result, row.number),
        )

    def _payload(self, row: Row, problems: list[Problem]) -> dict[str, Any]:
        kind, occasion = row.text("服务类型"), row.text("节日")
        if kind not in SERVICE_KINDS:
            problems.append(Problem(row.number, "服务类型", choices(SERVICE_KINDS)))
        if occasion not in OCCASIONS:
            problems.append(Problem(row.number, "节日", choices(OCCASIONS)))
        payload: dict[str, Any] = {
            "kind": SERVICE_KINDS.get(kind, kind),
            "occasion": OCCASIONS.get(occasion, occasion),
            "occurred_on": date_text(row.text("服务日期")),
            "staff": staff_names(row.text("工作人员")),
            "summary": row.text("服务内容"),
        }
        goods, value = row.text("物品"), amount_text(row.text("物品价值"))
        if goods or value:
            payload["goods"] = [{"description": goods or "物品", "value": value}]
        cash = amount_text(row.text("慰问金"))
        if cash and not _ZERO.match(cash):
            if self.cash_fund is None:
                problems.append(
                    Problem(row.number, "慰问金", "有慰问金，但导入时未用 --cash-fund 指定资金账户")
                )
            else:
                payload["cash"] = {"amount": cash, "fund_id": str(self.cash_fund)}
        return payload

    def _record(self, head_id: str, body: ServiceCreate, key: str) -> CommandResult | Outcome:
        family_id = family_holding_resident(self.app, head_id)
        if family_id is None:
            return Outcome("rejected", [Problem(0, HEAD_ID, NOT_REGISTERED)])
        # The family and the fund asked about with the record's id, so that a batch finds
        # all three in one read of the store (application/batches.py).
        known = self.app.exists(ServiceRecord.id_for(self.principal.user_id, key))
        self.app.exists(family_id)
        if body.cash is not None:
            self.app.exists(body.cash.fund_id)
        if known:
            return Outcome("skipped", [Problem(0, HEAD_ID, ALREADY_IMPORTED)])
        return self.app.handle(self.principal, body.command(family_id), idempotency_key=key)


def _digest(row: Row) -> str:
    cells = [row.text(heading) for heading in SERVICE_HEADINGS]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()[:32]


def _placer(row: int) -> Any:
    def place(location: tuple[Any, ...]) -> tuple[int, str]:
        name = str(location[0]) if location else ""
        if name == "goods" and location[-1] == "value":
            return row, "物品价值"
        if name == "cash" and len(location) > 1 and location[1] == "fund_id":
            return row, "慰问金"
        return row, SERVICE_FIELDS.get(name, HEAD_ID)

    return place


def _interpret(result: Any, row: int) -> Outcome:
    if isinstance(result, Outcome):
        notes = [Problem(row, p.field, p.message) for p in result.notes]
        return Outcome(result.status, notes)
    if isinstance(result, CommandResult):
        return (
            Outcome("skipped", [Problem(row, HEAD_ID, ALREADY_IMPORTED)])
            if result.replayed
            else IMPORTED
        )
    if isinstance(result, InsufficientFundsError):
        message = (
            f"资金账户余额不足（可用 {yuan_from_fen(result.available_fen)} 元，"
            f"需 {yuan_from_fen(result.asked_fen)} 元），本行未导入"
        )
        return Outcome("rejected", [Problem(row, "慰问金", message)])
    assert isinstance(result, DomainError)
    return Outcome("rejected", [problem_of(result, _placer(row), (row, HEAD_ID))])
