"""Users and bearer-token authentication."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.base import NuanxinBase
from application.errors import UnauthenticatedError
from application.principal import Principal
from application.user_directory import UserDirectory
from domain.errors import InvalidValueError
from domain.user import TokenIndex, User
from domain.values import Role, parse_region_code
from infrastructure.tokens import hash_token, new_token


@dataclass(frozen=True)
class IssuedUser:
    user_id: UUID
    token: str


class UserCommands(NuanxinBase):
    def __init__(self, env: Mapping[str, str], *args: Any, **kwargs: Any) -> None:
        super().__init__(env, *args, **kwargs)
        self.users = UserDirectory(self)

    def add_user(self, name: str, role: Role, region_code: str | None) -> IssuedUser:
        """Creates a user and returns its bearer token, which is stored only as a hash."""
        if not name.strip():
            raise InvalidValueError("a user needs a name", field="name")
        region = parse_region_code(region_code, field="region") if region_code else None
        token = new_token()
        token_hash = hash_token(token)
        user = User(name=name, role=Role(role), region_code=region, token_hash=token_hash)
        index = TokenIndex(token_hash=token_hash, user_id=user.id)
        self.save(user, index)
        return IssuedUser(user_id=user.id, token=token)

    def authenticate(self, token: str) -> Principal:
        principal = self.users.principal_for(hash_token(token))
        if principal is None:
            raise UnauthenticatedError("unknown bearer token")
        return principal
