"""Business dates are dates in the association's time zone: NUANXIN_TIMEZONE (for example
Asia/Shanghai), or else the server's own local time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


class BusinessClock:
    def __init__(self, timezone: str | None) -> None:
        self.zone = ZoneInfo(timezone) if timezone else None

    def today(self) -> dt.date:
        return dt.datetime.now(self.zone).date() if self.zone else dt.date.today()
