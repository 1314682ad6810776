"""Business dates are dates in the association's time zone, not the server's."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class BusinessClock:
    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    def today(self) -> dt.date:
        return dt.datetime.now(self.zone).date()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)
