"""Field types of personal data in responses: `api.disclosure` masks every field so marked."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from domain.personal_data import PersonalData

PersonName = Annotated[str, PersonalData.NAME]
ResidentIdNumber = Annotated[str, PersonalData.RESIDENT_ID]
PhoneNumber = Annotated[str | None, PersonalData.PHONE]
Address = Annotated[str, PersonalData.ADDRESS]
BirthDate = Annotated[
    dt.date | None, PersonalData.BIRTH_DATE
]  # None where withheld: it is the masked middle of the resident ID
HealthDetail = Annotated[str | None, PersonalData.HEALTH]
"""A hospital, an accident: health details, withheld from those who may not see them."""
