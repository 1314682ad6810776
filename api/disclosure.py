"""The one place where personal data is masked: every response model marks its personal fields
(`api.schemas.personal`), and every response passes through `disclose` on its way out."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from application.principal import Principal
from domain.personal_data import PersonalData, masked

Model = TypeVar("Model", bound=BaseModel)


def disclose(model: Model, principal: Principal) -> Model:
    """The model as the caller may see it: unchanged for those who work with the people in
    their region, masked for everyone else."""
    if principal.sees_personal_data:
        return model
    return _masked_model(model)


def _masked_model(model: Model) -> Model:
    changes: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        kind = next((m for m in field.metadata if isinstance(m, PersonalData)), None)
        changes[name] = masked(kind, value) if kind is not None else _masked_value(value)
    return model.model_copy(update=changes)


def _masked_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _masked_model(value)
    if isinstance(value, list):
        return [_masked_value(item) for item in value]
    return value
