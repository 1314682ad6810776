"""Users and bearer-token authentication: issue, list, revoke, expire."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.base import NuanxinBase
from application.errors import UnauthenticatedError
from application.principal import Principal
from application.user_directory import UserDirectory
from domain.errors import InvalidValueError, NotFoundError
from domain.user import TokenIndex, User
from domain.values import Role, parse_region_code
from infrastructure.tokens import hash_token, new_token


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


class UserCommands(NuanxinBase):
    def __init__(self, env: Mapping[str, str], *args: Any, **kwargs: Any) -> None:
        super().__init__(env, *args, **kwargs)
        self.users = UserDirectory(self)

    def add_user(
        self,
        name: str,
        role: Role,
        region_code: str | None,
        *,
        expires_in: dt.timedelta | None = None,
    ) -> IssuedUser:
        """Creates a user and returns its bearer token, which is stored only as a hash."""
        if not name.strip():
            raise InvalidValueError("a user needs a name", field="name")
        region = parse_region_code(region_code, field="region") if region_code else None
        if expires_in is not None and expires_in <= dt.timedelta(0):
            raise InvalidValueError("a token expires a day or more from now", field="expires_in")
        token = new_token()
        token_hash = hash_token(token)
        expires_at = _now() + expires_in if expires_in is not None else None
        user = User(
            name=name,
            role=Role(role),
            region_code=region,
            token_hash=token_hash,
            expires_at=expires_at,
        )
        index = TokenIndex(token_hash=token_hash, user_id=user.id)
        self.save(user, index)
        return IssuedUser(user_id=user.id, token=token)

    def list_users(self) -> list[UserListing]:
        return [_listing(user) for user in self.users.all()]

    def revoke_user(self, name_or_id: str) -> UserListing:
        """Revokes the user's token at once. A name shared by several users is refused: the
        caller names the one by its id."""
        matches = [user for user in self.users.all() if name_or_id in (user.name, str(user.id))]
        if not matches:
            raise NotFoundError(f"no user named {name_or_id}")
        if len(matches) > 1:
            ids = ", ".join(str(user.id) for user in matches)
            raise InvalidValueError(
                f"{len(matches)} users are named {name_or_id}; revoke one by its id ({ids})",
                field="name",
            )
        user: User = self.load(matches[0].id, User, "user")
        user.revoke()
        self.save(user)
        return _listing(user)

    def authenticate(self, token: str) -> Principal:
        user = self.users.user_for(hash_token(token))
        if user is None:
            raise UnauthenticatedError("unknown bearer token")
        if not user.may_authenticate_at(_now()):
            raise UnauthenticatedError("this bearer token was revoked or has expired")
        return Principal(
            user_id=str(user.id), name=user.name, role=user.role, region_code=user.region_code
        )


def _listing(user: User) -> UserListing:
    return UserListing(
        user_id=user.id,
        name=user.name,
        role=user.role,
        region_code=user.region_code,
        created_at=user.created_on,
        expires_at=user.expires_at,
        revoked_at=user.revoked_at,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
