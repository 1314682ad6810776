"""Calendar arithmetic the planners share."""

from __future__ import annotations

import datetime as dt
import random


def day_in_years(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    return random_day(rng, dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def clamp(day: dt.date, first: dt.date, last: dt.date) -> dt.date:
    return min(max(day, first), last)


def one_year_after(day: dt.date) -> dt.date:
    """The last day of a one-year contract that starts on `day`."""
    try:
        anniversary = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        anniversary = dt.date(day.year + 1, 3, 1)
    return anniversary - dt.timedelta(days=1)
