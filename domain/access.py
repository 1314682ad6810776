"""The record of a read of a family's personal data (PIPL; DESIGN.md section 7): who read
which family, when, through which endpoint. Records are only ever added."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from eventsourcing.domain import Aggregate, event


@dataclass(frozen=True)
class PersonalDataRead:
    """One family's personal data served to one user."""

    user_id: str
    user_name: str
    role: str
    family_id: str
    region_code: str
    endpoint: str
    read_at: dt.datetime
    request_id: str


class AccessRecord(Aggregate):
    @event("Recorded")
    def __init__(
        self,
        user_id: str,
        user_name: str,
        role: str,
        family_id: str,
        region_code: str,
        endpoint: str,
        read_at: dt.datetime,
        request_id: str,
    ) -> None:
        self.read = PersonalDataRead(
            user_id=user_id,
            user_name=user_name,
            role=role,
            family_id=family_id,
            region_code=region_code,
            endpoint=endpoint,
            read_at=read_at,
            request_id=request_id,
        )
