"""The authenticated caller, with role checks and region scope (DESIGN.md section 7)."""

from __future__ import annotations

from dataclasses import dataclass

from application.errors import PermissionDeniedError
from domain.actor import Actor
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

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(role.value for role in roles)
            raise PermissionDeniedError(f"a {self.role.value} may not do this (only: {allowed})")

    @property
    def sees_personal_data(self) -> bool:
        """Caseworkers and supervisors work with people; auditors and admins see them masked."""
        return self.role in (Role.CASEWORKER, Role.SUPERVISOR)


CASE_WRITERS = (Role.CASEWORKER,)
CASE_READERS = (Role.CASEWORKER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN)
