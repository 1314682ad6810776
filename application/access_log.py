"""The access log: an event-sourced application of its own (its own table or file), so that
recording reads never contends with the case and ledger writes (DESIGN.md section 7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import asdict, fields
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import Application

from application.principal import Principal
from domain.access import AccessRecord, PersonalDataRead
from domain.permissions import Action

PAGE = 1000
READ_FIELDS = fields(PersonalDataRead)


class AccessLog(Application[UUID]):
    name = "nuanxin_access"

    def record(self, reads: Sequence[PersonalDataRead]) -> None:
        """Saves the reads in one transaction."""
        self.save(*(AccessRecord(**asdict(read)) for read in reads))

    def reads(self) -> Iterator[PersonalDataRead]:
        """Every recorded read, oldest first."""
        start = 1
        while page := self.recorder.select_notifications(start=start, limit=PAGE):
            for notification in page:
                recorded = self.mapper.to_domain_event(notification)
                yield PersonalDataRead(**{f.name: getattr(recorded, f.name) for f in READ_FIELDS})
            start = page[-1].id + 1

    def list_reads(
        self,
        principal: Principal,
        *,
        family: str | None,
        user: str | None,
        date_from: dt.date | None,
        date_to: dt.date | None,
        zone: ZoneInfo | None,
        limit: int,
        offset: int,
    ) -> dict[str, Any]:
        """Newest first: the reads of families in the caller's region, filtered."""
        principal.require(Action.READ_ACCESS_LOG)

        def wanted(read: PersonalDataRead) -> bool:
            day = read.read_at.astimezone(zone).date()
            return (
                principal.covers(read.region_code)
                and (family is None or read.family_id == family)
                and (user is None or user in (read.user_id, read.user_name))
                and (date_from is None or day >= date_from)
                and (date_to is None or day <= date_to)
            )

        matching = [read for read in self.reads() if wanted(read)]
        matching.reverse()
        return {
            "items": [asdict(read) for read in matching[offset : offset + limit]],
            "total": len(matching),
            "limit": limit,
            "offset": offset,
        }
