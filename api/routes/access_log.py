"""/api/v1/access-log: who read which family's personal data, for admins (DESIGN.md 7)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import PrincipalDep, RuntimeDep
from api.responses import shown
from api.schemas.access_log import AccessLogPage

router = APIRouter(prefix="/access-log", tags=["access log"])


@router.get("", response_model=AccessLogPage)
def get_access_log(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    family: str | None = None,
    user: Annotated[str | None, Query(description="a user's id or name")] = None,
    date_from: Annotated[dt.date | None, Query(alias="from")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> JSONResponse:
    """Reads of families' personal data in the caller's region, newest first; `from` and
    `to` are business dates, both included."""
    runtime.access.flush(runtime.settings.read_your_writes_timeout)
    page = runtime.access.access_log.list_reads(
        principal,
        family=family,
        user=user,
        date_from=date_from,
        date_to=date_to,
        zone=runtime.app.clock.zone,
        limit=limit,
        offset=offset,
    )
    return shown(page, AccessLogPage, principal)
