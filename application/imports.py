"""What imports and offline sync need of the application beyond the single commands: the
actor an import records, the user `--as` names, and the family a resident ID belongs to."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from uuid import UUID

from application.errors import PermissionDeniedError
from application.principal import Principal
from application.resident_ids import legacy_index_id
from domain.errors import InvalidValueError, NotFoundError
from domain.permissions import Action
from domain.resident_index import ResidentIndex
from domain.values import Role

if TYPE_CHECKING:
    from application.app import Nuanxin

IMPORT_ACTOR = "import"

IMPORT_PRINCIPAL = Principal(
    user_id=IMPORT_ACTOR, name=IMPORT_ACTOR, role=Role.CASEWORKER, region_code=None
)
"""An import without `--as` records its events as the actor `import`, covering all regions."""


def importing_principal(app: Nuanxin, name: str | None) -> Principal:
    """The actor `import`, or the user named, who must be allowed to record cases."""
    if name is None:
        return IMPORT_PRINCIPAL
    matches = [user for user in app.users.all() if name in (user.name, str(user.id))]
    if not matches:
        raise NotFoundError(f"no user named {name}")
    if len(matches) > 1:
        raise InvalidValueError(f"{len(matches)} users are named {name}; give the id")
    user = matches[0]
    if not user.may_authenticate_at(dt.datetime.now(dt.UTC)):
        raise PermissionDeniedError(f"user {name} is revoked or expired")
    principal = Principal(
        user_id=str(user.id), name=user.name, role=user.role, region_code=user.region_code
    )
    principal.require(Action.RECORD_CASES)
    return principal


def family_holding_resident(app: Nuanxin, id_number: str) -> UUID | None:
    """The family that last claimed this resident ID, open or closed; None if none did. The
    index is found as the cases handlers find it: by its keyed id, or by the unkeyed id of a
    store written before the key."""
    for index_id in (app.resident_ids.index_id(id_number), legacy_index_id(id_number)):
        if app.exists(index_id):
            index: ResidentIndex = app.load(index_id, ResidentIndex, "resident index")
            return index.family_id
    return None
