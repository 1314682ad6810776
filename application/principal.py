"""The authenticated caller: what its role permits (one table, `domain.permissions`) and the
region it covers (one scope function, `domain.values.region_scope`), DESIGN.md section 7."""

from __future__ import annotations

from dataclasses import dataclass

from application.errors import PermissionDeniedError
from domain.actor import Actor
from domain.errors import InvalidValueError
from domain.permissions import ROLES_THAT_SEE_PERSONAL_DATA, Action, role_may, roles_allowed_to
from domain.values import Role, region_scope


@dataclass(frozen=True)
class Principal:
    user_id: str
    name: str
    role: Role
    region_code: str | None

    @property
    def scope(self) -> str:
        return region_scope(self.region_code)

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, name=self.name, role=self.role.value)

    def covers(self, region_code: str) -> bool:
        return region_code.startswith(self.scope)

    def may(self, action: Action) -> bool:
        return role_may(self.role, action)

    def require(self, action: Action) -> None:
        if not self.may(action):
            allowed = ", ".join(sorted(role.value for role in roles_allowed_to(action)))
            raise PermissionDeniedError(
                f"a {self.role.value} may not {action.value} (only: {allowed})"
            )

    def visible_scope(self, region: str | None, *, field: str = "region") -> str | None:
        """The region prefix a read covers: the narrower of the caller's scope and the
        requested region (430100 means the whole city), or None when the two are apart.
        Every list, balance, journal and report scopes its rows with this one function."""
        if region is None or region == "":
            return self.scope
        if not (region.isascii() and region.isdigit() and len(region) <= 12):
            raise InvalidValueError("region is a region code or a prefix of one", field=field)
        wanted = region_scope(region)
        if wanted.startswith(self.scope):
            return wanted
        if self.scope.startswith(wanted):
            return self.scope
        return None

    @property
    def sees_personal_data(self) -> bool:
        return self.role in ROLES_THAT_SEE_PERSONAL_DATA
