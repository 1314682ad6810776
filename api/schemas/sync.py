"""A caseworker's offline batch (DESIGN.md section 12): records as the single endpoints take
them, each with its own key, answered one result per record in order."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from api.schemas.common import StrictModel

MAX_SYNC_RECORDS = 500

SyncKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class SyncRecord(StrictModel):
    key: SyncKey = Field(description="the client's id of the record: its Idempotency-Key")
    type: Literal["family", "service", "correction", "void"]
    body: dict[str, Any] = Field(
        description="as the single endpoint takes it, with the path's id as family_id "
        "(service) or service_id (correction, void)"
    )


class SyncRequest(StrictModel):
    # Each record is checked on its own, so that one malformed record answers its own 422
    # and never blocks the others.
    records: list[Any] = Field(max_length=MAX_SYNC_RECORDS)


class SyncResult(StrictModel):
    key: str | None
    status: int
    id: str | None = None
    problem: dict[str, Any] | None = None


class SyncResponse(StrictModel):
    results: list[SyncResult]
