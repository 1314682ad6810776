"""Users and bearer-token authentication."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.base import NuanxinBase
from application.errors import UnauthenticatedError
from application.principal import Principal
from domain.errors import InvalidValueError
from domain.user import TokenIndex, User
from domain.values import Role, parse_region_code
from infrastructure.tokens import hash_token, new_token


@dataclass(frozen=True)
class IssuedUser:
    user_id: UUID
    token: str


class UserCommands(NuanxinBase):
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
        token_hash = hash_token(token)
        index_id = TokenIndex.create_id(token_hash)
        if not self.exists(index_id):
            raise UnauthenticatedError("unknown bearer token")
        index: TokenIndex = self.load(index_id, TokenIndex, "token")
        user: User = self.load(index.user_id, User, "user")
        return Principal(
            user_id=str(user.id), name=user.name, role=user.role, region_code=user.region_code
        )
