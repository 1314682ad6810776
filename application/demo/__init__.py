"""A realistic demo county, so that a new user sees something real at once (`nuanxin demo`).

The county is 长沙县 (430121, Hunan): eight townships with their villages and residents'
committees, a few hundred special and hardship families with valid resident IDs, their dual
contacts, family-doctor contracts and green channels, and a year of 暖心行动 services clustered
around Spring Festival, Dragon Boat, 5.29 member day and Mid-Autumn, with routine monthly contact
and a few emergencies. A handful of services are corrected or voided and a few families are
transferred, closed or reopened, so that every timeline feature has something to show.

Two steps: `planning` decides what the county holds, drawing everything from `random.Random`
seeded streams (data in `catalogue`, people in `people`); `loading` saves that plan through the
application's ordinary commands.
"""

from application.demo.catalogue import COUNTY_CODE, COUNTY_NAME
from application.demo.loading import (
    DemoAlreadyLoadedError,
    DemoSummary,
    DemoUser,
    ProgressCallback,
    load_demo_county,
)

__all__ = [
    "COUNTY_CODE",
    "COUNTY_NAME",
    "DemoAlreadyLoadedError",
    "DemoSummary",
    "DemoUser",
    "ProgressCallback",
    "load_demo_county",
]
