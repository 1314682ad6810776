"""POST /api/v1/sync: a caseworker's offline work in one request (DESIGN.md section 12).

Each record goes through the single endpoint's request model and command, with its key as
the Idempotency-Key (so a record sent alone and then in a batch is one record), and all the
records that succeed are saved in one transaction. One bad record answers its own problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, TypeAdapter, ValidationError

from api.deps import AppDep, PrincipalDep
from api.problems import domain_problem, validation_problem
from api.responses import public
from api.schemas.families import FamilyCreate
from api.schemas.services import ServiceCorrection, ServiceCreate, ServiceVoid
from api.schemas.sync import SyncRecord, SyncRequest, SyncResponse
from application.app import Nuanxin
from application.batches import save_together
from application.handling import CommandResult
from application.principal import Principal
from domain.errors import DomainError

router = APIRouter(tags=["sync"])

Command = Callable[[], CommandResult]

# The status a first answer has, as the single endpoint gives it; a replay answers 200.
FIRST_STATUS = {"family": 201, "service": 201, "correction": 201, "void": 200}
PATH_ID = {"service": "family_id", "correction": "service_id", "void": "service_id"}
_UUID = TypeAdapter(UUID)
M = TypeVar("M", bound=BaseModel)


@router.post("/sync", response_model=SyncResponse)
def sync(body: SyncRequest, app: AppDep, principal: PrincipalDep) -> JSONResponse:
    results: list[dict[str, Any]] = []
    commands: list[tuple[int, SyncRecord, Command]] = []
    for record in body.records:
        key = record.get("key") if isinstance(record, dict) else None
        try:
            parsed = SyncRecord.model_validate(record)
            command = _command(app, principal, parsed)
        except ValidationError as error:
            results.append(_refused(key, validation_problem(list(error.errors()))))
        except InvalidRecordError as error:
            results.append(_refused(key, error.problem))
        else:
            commands.append((len(results), parsed, command))
            results.append({})
    outcomes = save_together(app, [command for _, _, command in commands])
    for (index, record, _), outcome in zip(commands, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            results[index] = _refused(record.key, domain_problem(outcome)[0])
        else:
            status = 200 if outcome.replayed else FIRST_STATUS[record.type]
            results[index] = {"key": record.key, "status": status, "id": outcome.body["id"]}
    shaped = public({"results": results}, SyncResponse, principal)
    shaped["results"] = [{k: v for k, v in r.items() if v is not None} for r in shaped["results"]]
    return JSONResponse(shaped)


class InvalidRecordError(Exception):
    def __init__(self, problem: dict[str, Any]) -> None:
        super().__init__(problem["detail"])
        self.problem = problem


def _refused(key: Any, problem: dict[str, Any]) -> dict[str, Any]:
    shown_key = key.strip() if isinstance(key, str) else None
    return {"key": shown_key, "status": problem["status"], "problem": problem}


def _command(app: Nuanxin, principal: Principal, record: SyncRecord) -> Command:
    """The record's command, built as its single endpoint builds it; invalid bodies raise
    ValidationError with the fields named as the single endpoint names them."""
    body = dict(record.body)
    key = record.key
    path_id: UUID | None = None
    if record.type in PATH_ID:
        path_id = _path_id(body, PATH_ID[record.type])
    if record.type == "family":
        family = _valid(FamilyCreate, body)
        return lambda: app.handle(principal, family.command(), idempotency_key=key)
    assert path_id is not None
    if record.type == "service":
        service = _valid(ServiceCreate, body)
        return lambda: app.handle(principal, service.command(path_id), idempotency_key=key)
    if record.type == "correction":
        correction = _valid(ServiceCorrection, body)
        return lambda: app.handle(principal, correction.command(path_id), idempotency_key=key)
    void = _valid(ServiceVoid, body)
    return lambda: app.handle(principal, void.command(path_id), idempotency_key=key)


def _path_id(body: dict[str, Any], name: str) -> UUID:
    try:
        return _UUID.validate_python(body.pop(name, None))
    except ValidationError as error:
        raise InvalidRecordError(validation_problem(_located(error, name))) from None


def _valid(model: type[M], body: dict[str, Any]) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise InvalidRecordError(validation_problem(_located(error))) from None


def _located(error: ValidationError, *prefix: str) -> list[dict[str, Any]]:
    """The errors with their fields named as the single endpoint names them."""
    return [{**item, "loc": (*prefix, *item["loc"])} for item in error.errors()]
