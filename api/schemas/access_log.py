"""The access log's responses."""

from __future__ import annotations

import datetime as dt

from api.schemas.common import StrictModel


class AccessLogEntry(StrictModel):
    user_id: str
    user_name: str
    role: str
    family_id: str
    region_code: str
    endpoint: str
    read_at: dt.datetime
    request_id: str


class AccessLogPage(StrictModel):
    items: list[AccessLogEntry]
    total: int
    limit: int
    offset: int
