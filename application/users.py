"""What the user directory answers: a user just issued, and a user as listed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from domain.user import User
from domain.values import Role


@dataclass(frozen=True)
class IssuedUser:
    user_id: UUID
    token: str


@dataclass(frozen=True)
class UserListing:
    user_id: UUID
    name: str
    role: Role
    region_code: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


def listing(user: User) -> UserListing:
    return UserListing(
        user_id=user.id,
        name=user.name,
        role=user.role,
        region_code=user.region_code,
        created_at=user.created_on,
        expires_at=user.expires_at,
        revoked_at=user.revoked_at,
    )
